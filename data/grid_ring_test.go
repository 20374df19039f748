package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestCountRingAsAScan checks the count of a bbox alone, with types or
// with whole years, where it comes from rows' sums and blocks' strips
// (grid_ring.go), against a scan of every entry: incidents crowded in a
// few blocks (strips of hundreds of entries, many samples) and a quarter of
// them exactly on the lines of cells and blocks; boxes with edges on those
// lines, a hair off them and through points, of one cell to many blocks;
// then after moves, deletions and creations, and once more after the
// strips and sums of every block and row were made.
func TestCountRingAsAScan(t *testing.T) {
	s, _ := openStore(t)
	r := rand.New(rand.NewPCG(31, 32))
	const x0, y0 = 126.9, 37.85 // on the lines of blocks
	spot := func() orb.Point {
		var p orb.Point
		if r.IntN(5) < 2 { // crowded in one block
			p = orb.Point{x0 + 0.1 + r.Float64()*cellDeg, y0 + 0.05 + r.Float64()*cellDeg}
		} else {
			p = orb.Point{x0 + r.Float64()*0.25, y0 + r.Float64()*0.2}
		}
		// On a line of cells, or of blocks, as the grid computes them
		// (some of which a point's cell, by its division, is not on).
		line := func(v float64, cells int) float64 {
			return float64(int(math.Round(v/fineDeg/float64(cells)))*cells) * fineDeg
		}
		switch r.IntN(8) {
		case 0:
			p[0] = line(p[0], 1)
		case 1:
			p[1] = line(p[1], 1)
		case 2:
			p[0], p[1] = line(p[0], blockSide), line(p[1], blockSide)
		}
		return p
	}
	ins := Generate(9000, 33, mdl(t))
	for i, in := range ins {
		in.Location, in.Path = spot(), nil
		if i%7 == 0 {
			in.Date = Date{Year: in.Date.Year} // a year alone
		}
	}
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	points := func() []orb.Point {
		var ps []orb.Point
		s.index.snapshot().ascend(0, 0, func(e *entry) bool { ps = append(ps, e.p); return true })
		return ps
	}
	edge := func(lo float64, n int, cells int) float64 {
		v := float64(int(math.Floor(lo/fineDeg))+r.IntN(n)*cells) * fineDeg
		return nearLine(r, v, fineDeg*float64(cells))
	}
	kinds := map[string]int{}
	check := func(round string) {
		ps := points()
		for q := range 600 {
			var b orb.Bound
			switch q % 4 {
			case 0: // through points
				p1, p2 := ps[r.IntN(len(ps))], ps[r.IntN(len(ps))]
				b = orb.Bound{Min: p1, Max: p1}.Extend(p2)
			case 1: // on the lines of blocks, or near them
				b.Min = orb.Point{edge(x0-cellDeg, 8, blockSide), edge(y0-cellDeg, 6, blockSide)}
				b.Max = orb.Point{edge(b.Min[0], 8, blockSide), edge(b.Min[1], 6, blockSide)}
			case 2: // on the lines of cells, or near them
				b.Min = orb.Point{edge(x0-cellDeg, 48, 1), edge(y0-cellDeg, 40, 1)}
				b.Max = orb.Point{edge(b.Min[0], 48, 1), edge(b.Min[1], 40, 1)}
			default:
				b.Min = orb.Point{x0 - 0.02 + r.Float64()*0.3, y0 - 0.02 + r.Float64()*0.25}
				b.Max = orb.Point{b.Min[0] + r.Float64()*r.Float64()*0.3, b.Min[1] + r.Float64()*r.Float64()*0.25}
			}
			f := Filter{BBox: &b}
			kind := "all"
			switch r.IntN(5) {
			case 0:
				kind = "types"
				for len(f.Types) == 0 {
					for _, ty := range Types {
						if r.IntN(4) == 0 {
							f.Types = append(f.Types, ty)
						}
					}
				}
			case 1:
				kind = "years"
				y := 1950 + r.IntN(80)
				f.From, f.To = YearRange(y, y+r.IntN(20))
				switch r.IntN(4) {
				case 0:
					f.From = 0
				case 1:
					f.To = 0
				}
			case 2: // not counted by the ring's aggregates: the cells' path
				kind = "other"
				y := 1953 + r.IntN(70)
				f.From, f.To = Date{Year: y, Month: 1 + r.IntN(12)}.Key(), Date{Year: y + r.IntN(5), Month: 1 + r.IntN(12)}.Key()
				if r.IntN(2) == 0 {
					f.Directions = []Direction{Directions[r.IntN(len(Directions))]}
				}
			case 3: // OGC's datetime from a year on: whole years from the grid
				kind = "since"
				y := 1953 + r.IntN(70)
				f.Since = Date{Year: y, Month: 1, Day: 1}.Key()
				f.From = f.Since / 10000 * 10000 // as parseDatetime sets it
				if r.IntN(2) == 0 {
					f.To = Date{Year: y + r.IntN(15), Month: 12, Day: 31}.Key()
				}
			}
			m := compile(&f)
			if kind == "since" {
				kinds[kind]++
				want := len(naiveMatches(s, &f))
				got, _, err := s.index.state().pageSince(&m, 0, 1, func(string, listPlace) error { return nil })
				if err != nil || got != want {
					t.Fatalf("%s, since, %+v: counted %d (%v), a scan %d", round, f, got, err, want)
				}
				continue
			}
			if plain := m.plain() || m.wholeYearsOnly(); plain != (kind != "other") {
				t.Fatalf("%s: %+v counted by the ring's aggregates: %v", kind, f, plain)
			}
			kinds[kind]++
			want := len(naiveMatches(s, &f))
			if got := s.index.state().grid.count(&m); got != want {
				t.Fatalf("%s, %s, box %v: counted %d, a scan %d", round, kind, b, got, want)
			}
		}
	}
	created := 0
	write := func(n int) {
		for i := range n {
			in := ins[r.IntN(len(ins))]
			switch i % 3 {
			case 0:
				if err := s.Delete(in.ID, "*", "gone"); err != nil && ErrorKind(err) != KindNotFound {
					t.Fatal(err)
				}
			case 1:
				in.Location = spot()
				in.Date = Date{Year: 1953 + r.IntN(73), Month: 8 + r.IntN(5)}
				if _, err := s.Update(in, "*", "moved"); err != nil && ErrorKind(err) != KindNotFound {
					t.Fatal(err)
				}
			default:
				c := *in
				created++
				c.ID = fmt.Sprintf("ring-%d", created)
				c.Location, c.Date = spot(), Date{Year: 1953 + r.IntN(73)}
				if _, err := s.Create(&c, "new"); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	check("before writes")
	// The strips counted were long ones, of many samples.
	longest := 0
	for _, row := range s.index.state().grid.rows {
		for _, b := range row {
			if b == nil || b.years == nil {
				continue
			}
			for _, st := range b.years.strips.strips {
				if st != nil {
					longest = max(longest, len(st.vals))
				}
			}
		}
	}
	if longest < 8*stripStep {
		t.Fatalf("the longest strip made holds %d entries: the test counts no long strip", longest)
	}
	write(60)
	check("after writes")
	write(60)
	check("after more writes")
	// Readers of a grid just made make its strips and sums at once (go
	// test -race watches them): each counts every box, all agree with a
	// scan.
	g := newGrid(s.index.snapshot())
	var fs []Filter
	var want []int
	for q := range 64 {
		b := orb.Bound{Min: orb.Point{x0 - 0.01 + r.Float64()*0.1, y0 - 0.01 + r.Float64()*0.1}}
		b.Max = orb.Point{b.Min[0] + 0.05 + r.Float64()*0.15, b.Min[1] + 0.05 + r.Float64()*0.1}
		f := Filter{BBox: &b}
		switch q % 3 {
		case 1:
			f.Types = []Type{Types[r.IntN(len(Types))]}
		case 2:
			f.From, f.To = YearRange(1960+r.IntN(50), 2015)
		}
		fs, want = append(fs, f), append(want, len(naiveMatches(s, &f)))
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for i := range fs {
				m := compile(&fs[i])
				if got := g.count(&m); got != want[i] {
					errs <- fmt.Errorf("concurrent, box %v: counted %d, a scan %d", *fs[i].BBox, got, want[i])
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"all", "types", "years", "other", "since"} {
		if kinds[k] < 100 {
			t.Fatalf("only %d queries of %s", kinds[k], k)
		}
	}
}

// TestSortBy checks both ways sortBy sorts a strip's points: by the bits
// of positive values beside their indexes (a few points, and more than
// 65,535 of them, in a narrow span, many equal), and by comparison (values
// not positive, a span too wide). Each must give the points in order of
// val, ties in their first order, every point once.
func TestSortBy(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct {
		name string
		n    int
		val  func() float64
	}{
		{"bits", 5000, func() float64 { return 126 + float64(r.IntN(2000))*fineDeg/7 }},
		{"many", 70000, func() float64 { return 126 + float64(r.IntN(20000))*fineDeg/7 }},
		{"not positive", 3000, func() float64 { return float64(r.IntN(200)) - 100 }},
		{"wide", 3000, func() float64 { return math.Ldexp(1, r.IntN(40)-20) }},
	} {
		ps := make([]stripPoint, tc.n)
		for i := range ps {
			ps[i] = stripPoint{lon: tc.val(), lat: float64(i)} // lat: the first order
		}
		sortBy(ps, func(p *stripPoint) float64 { return p.lon })
		seen := make([]bool, tc.n)
		for i, p := range ps {
			if seen[int(p.lat)] {
				t.Fatalf("%s: point %v twice", tc.name, p)
			}
			seen[int(p.lat)] = true
			if i > 0 && (ps[i-1].lon > p.lon || ps[i-1].lon == p.lon && ps[i-1].lat > p.lat) {
				t.Fatalf("%s: %v before %v", tc.name, ps[i-1], p)
			}
		}
	}
}

// TestStripSpan checks a strip's span against a count of its values:
// crowded and spread values, many equal ones, and bounds on values, on
// its samples, a hair off both, and past either end.
func TestStripSpan(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{1, 2, 15, 16, 17, 300, 5000} {
		ps := make([]stripPoint, n)
		for i := range ps {
			v := 127 + r.Float64()*cellDeg
			switch r.IntN(4) {
			case 0:
				v = 127.01 + r.Float64()*1e-6 // crowded
			case 1:
				v = 127 + float64(r.IntN(8))*fineDeg // on lines: equal ones
			}
			ps[i] = stripPoint{lon: v}
		}
		sortBy(ps, func(p *stripPoint) float64 { return p.lon })
		s := newStrip(ps, 1, func(p *stripPoint) float64 { return p.lon })
		var probes []float64
		for range 200 {
			probes = append(probes, ps[r.IntN(n)].lon, s.vals[r.IntN(n)/stripStep*stripStep])
		}
		for _, v := range slices.Clone(probes) {
			probes = append(probes, math.Nextafter(v, 0), math.Nextafter(v, 200), v-1, v+1)
		}
		for i := range 400 {
			lo, hi := probes[r.IntN(len(probes))], probes[r.IntN(len(probes))]
			if i%2 == 0 {
				lo, hi = min(lo, hi), max(lo, hi)
			}
			want := 0
			for _, p := range ps {
				want += b2i(p.lon >= lo && p.lon <= hi)
			}
			a, z := s.span(lo, hi)
			if z-a != want {
				t.Fatalf("%d values, %v to %v: span %d–%d, a count %d", n, lo, hi, a, z, want)
			}
		}
	}
}
