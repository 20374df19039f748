package data

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestCountPlainAsAScan checks the count of a bbox alone, with types or
// with whole years (the blocks' sums over rectangles of cells, by type and
// by year) against a scan of every entry, for boxes
// of every size, with edges on the lines of the cells and blocks, a hair
// off them, and through points, after writes too.
func TestCountPlainAsAScan(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(5000, 21, mdl(t))
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	edge := func(lo float64, n int) float64 {
		return nearLine(r, lo+float64(r.IntN(n))*fineDeg, fineDeg)
	}
	check := func(round int) {
		l := s.index.snapshot()
		for q := range 400 {
			var b orb.Bound
			if q%5 == 0 { // through points of entries
				e1 := l.chunks[r.IntN(len(l.chunks))][0]
				e2 := l.chunks[r.IntN(len(l.chunks))][0]
				b = orb.Bound{Min: e1.p, Max: e1.p}.Extend(e2.p)
			} else {
				x, y := edge(126.0, 400), edge(37.5, 200)
				b = orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + float64(r.IntN(100))*fineDeg*r.Float64(), y + float64(r.IntN(60))*fineDeg*r.Float64()}}
				if r.IntN(2) == 0 {
					b.Max = orb.Point{edge(b.Min[0], 100), edge(b.Min[1], 60)}
				}
			}
			f := Filter{BBox: &b}
			switch r.IntN(3) {
			case 0:
				for _, ty := range Types {
					if r.IntN(3) == 0 {
						f.Types = append(f.Types, ty)
					}
				}
			case 1: // whole years (grid_years.go)
				y := 1950 + r.IntN(80)
				f.From, f.To = YearRange(y, y+r.IntN(20))
				switch r.IntN(3) {
				case 0:
					f.From = 0
				case 1:
					f.To = 0
				}
			}
			m := compile(&f)
			if !m.plain() && !m.wholeYearsOnly() {
				t.Fatalf("%+v is counted neither plain nor by whole years", f)
			}
			want := len(naiveMatches(s, &f))
			if got := s.index.state().grid.count(&m); got != want {
				t.Fatalf("round %d, box %v: counted %d, a scan %d", round, b, got, want)
			}
		}
	}
	check(0)
	for i := range 40 {
		in := ins[r.IntN(len(ins))]
		if i%2 == 0 {
			if err := s.Delete(in.ID, "*", "gone"); err != nil && ErrorKind(err) != KindNotFound {
				t.Fatal(err)
			}
			continue
		}
		in.Location = orb.Point{in.Location[0] + (r.Float64()-0.5)*0.1, in.Location[1] + (r.Float64()-0.5)*0.05}
		in.Path = nil
		s.Update(in, "*", "moved") // one that does not validate stays
	}
	check(1)
	// More writes after the sums by year were made for every block.
	for i := range 40 {
		in := ins[r.IntN(len(ins))]
		in.Date = Date{Year: 1950 + r.IntN(80), Month: 1 + r.IntN(12)}
		if i%2 == 0 {
			in.Location = orb.Point{in.Location[0] + (r.Float64()-0.5)*0.1, in.Location[1] + (r.Float64()-0.5)*0.05}
			in.Path = nil
		}
		s.Update(in, "*", "moved") // one that does not validate stays
	}
	check(2)
}

// nearLine returns, at random, the line v itself, the float just above or
// just below it, or a point within width/2 of it: the edges of a box where
// the grid's rounding would show.
func nearLine(r *rand.Rand, v, width float64) float64 {
	switch r.IntN(4) {
	case 0:
		return v
	case 1:
		return math.Nextafter(v, math.Inf(1))
	case 2:
		return math.Nextafter(v, math.Inf(-1))
	}
	return v + (r.Float64()-0.5)*width
}
