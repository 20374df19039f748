package data

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// Generate makes n synthetic incidents for benchmarks and tests: dates from
// 1953 to 2025, every type, points within about 15 km of the MDL, and, for
// a third of the crossings, a path over the line in the recorded direction.
// The same seed gives the same incidents. Every one is tagged synthetic and
// cites no real source, so it can never pass for real data.
func Generate(n int, seed uint64, mdl *geo.MDL) []*Incident {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	line := mdl.Line()
	out := make([]*Incident, n)
	for i := range out {
		typ := Types[r.IntN(len(Types))]
		dir := NoDirection
		switch typ {
		case TypeCrossing, TypeIncursion, TypeInfiltration, TypeAbduction:
			dir = []Direction{NorthToSouth, SouthToNorth}[r.IntN(2)]
		}
		// A point at a random place along the line, pushed to the side
		// the incident ended on.
		seg := r.IntN(len(line) - 1)
		a, b := line[seg], line[seg+1]
		t := r.Float64()
		base := orb.Point{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t}
		kx := math.Cos(base[1] * math.Pi / 180)
		dx, dy := (b[0]-a[0])*kx, b[1]-a[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			dx, dy, l = 1, 0, 1
		}
		nx, ny := -dy/l, dx/l // unit normal pointing north (left of west→east)
		offsetKm := 0.05 + r.ExpFloat64()*3
		if offsetKm > 15 {
			offsetKm = 15
		}
		sign := []float64{1, -1}[r.IntN(2)]
		if dir == NorthToSouth {
			sign = -1
		} else if dir == SouthToNorth {
			sign = 1
		}
		at := func(km float64) orb.Point {
			deg := km / 111.32
			return orb.Point{round(base[0]+nx*deg/kx, 6), round(base[1]+ny*deg, 6)}
		}
		year := FirstYear + r.IntN(2025-FirstYear+1)
		date := Date{Year: year, Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}
		if year == FirstYear && date.Month < 8 { // the armistice was signed in July
			date.Month = 8
		}
		switch r.IntN(10) {
		case 0:
			date.Month, date.Day = 0, 0
		case 1, 2:
			date.Day = 0
		}
		in := &Incident{
			ID:                 fmt.Sprintf("gen-%07d", i),
			Title:              fmt.Sprintf("Synthetic %s #%d", typ, i),
			Type:               typ,
			Date:               date,
			Location:           at(sign * offsetKm),
			LocationPrecisionM: []float64{100, 1000, 5000, 15000}[r.IntN(4)],
			Direction:          dir,
			Persons:            "synthetic",
			PersonsCount:       ptr(1 + r.IntN(30)),
			Casualties:         Casualties{Killed: ptr(r.IntN(3)), Wounded: ptr(r.IntN(4))},
			Summary:            fmt.Sprintf("Synthetic incident number %d, generated for benchmarks; it did not happen.", i),
			Sources:            []Source{{Title: "dmzmap synthetic data", URL: fmt.Sprintf("https://example.org/dmzmap/synthetic/%d", i), Publisher: "dmzmap generator"}},
			Confidence:         []Confidence{ConfidenceHigh, ConfidenceMedium, ConfidenceLow}[r.IntN(3)],
			Tags:               []string{"synthetic"},
		}
		if in.Confidence != ConfidenceHigh {
			in.Note = "synthetic"
		}
		if typ == TypeCrossing && r.IntN(3) == 0 {
			in.Path = orb.LineString{at(-sign * (1 + r.Float64()*4)), at(0.3 * -sign), at(sign * offsetKm)}
			if Direction(mdl.PathDirection(in.Path)) != dir {
				in.Path = nil // the line bends here: a straight path would cross it twice
			}
		}
		out[i] = in
	}
	return out
}

func ptr(n int) *int { return &n }

// syntheticBatch is how many synthetic incidents AddSynthetic writes in
// one transaction.
const syntheticBatch = 20000

// AddSynthetic writes the n incidents of Generate(n, seed) to s, without
// history, in transactions of syntheticBatch incidents; it stops, with
// ctx's error, when ctx ends between two of them.
func (s *Store) AddSynthetic(ctx context.Context, n int, seed uint64) error {
	ins := Generate(n, seed, s.MDL())
	opt := ImportOptions{Mode: ModeUpsert, NoHistory: true, Reason: fmt.Sprintf("synthetic incidents, seed %d", seed)}
	for i := 0; i < len(ins); i += syntheticBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := s.Import(ins[i:min(i+syntheticBatch, len(ins))], opt); err != nil {
			return err
		}
	}
	return nil
}
