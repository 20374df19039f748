package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// randomFilter returns a filter of random bbox (sometimes none, tiny,
// huge, on the grid's lines or with edges on points of entries), dates,
// types, directions and sectors.
func randomFilter(r *rand.Rand, l entryList) Filter {
	var f Filter
	switch r.IntN(8) {
	case 0:
	case 6, 7: // edges through points
		p, q := l.chunks[0][0].p, l.chunks[0][0].p
		for range 2 {
			ci := r.IntN(len(l.chunks))
			e := l.chunks[ci][r.IntN(len(l.chunks[ci]))]
			p, q = e.p, p
		}
		b := orb.Bound{Min: p, Max: p}.Extend(q)
		f.BBox = &b
	case 1: // on the lines of the grid's blocks and cells
		x, y := 126.0+float64(r.IntN(40))*fineDeg, 37.6+float64(r.IntN(40))*fineDeg
		f.BBox = &orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + float64(r.IntN(30))*fineDeg, y + float64(r.IntN(30))*fineDeg}}
	case 2:
		f.BBox = &orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	default:
		lon, lat := 126.0+r.Float64()*2.5, 37.5+r.Float64()*1.2
		w, h := r.Float64()*r.Float64()*1.5, r.Float64()*r.Float64()*0.8
		f.BBox = &orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + w, lat + h}}
	}
	if r.IntN(3) > 0 {
		y := 1953 + r.IntN(75)
		f.From, f.To = YearRange(y, y+r.IntN(15))
		switch r.IntN(4) {
		case 0:
			f.To = 0
		case 1:
			f.From = 0
		case 2:
			f.From, f.To = Date{Year: y, Month: 1 + r.IntN(12), Day: r.IntN(29)}.Key(), Date{Year: y + 1, Month: 1 + r.IntN(12)}.Key()
		}
	}
	for _, t := range Types {
		if r.IntN(8) == 0 {
			f.Types = append(f.Types, t)
		}
	}
	if r.IntN(5) == 0 {
		f.Directions = []Direction{Directions[r.IntN(len(Directions))]}
	}
	if r.IntN(6) == 0 {
		f.Sectors = []geo.Sector{sectors[1+r.IntN(len(sectors)-1)]}
	}
	return f
}

// naiveMatches returns the entries of the index f selects, in order, by
// looking at every one.
func naiveMatches(s *Store, f *Filter) []entry {
	m := compile(f)
	var out []entry
	s.index.snapshot().ascend(0, 0, func(e *entry) bool {
		if m.match(e) {
			out = append(out, *e)
		}
		return true
	})
	return out
}

// checkAggregates compares, for random filters, what the grid counts and
// finds with a scan of every entry: Query's numberMatched and page (by
// the walk and by gathering), Years and Clusters.
func checkAggregates(t *testing.T, s *Store, r *rand.Rand, queries int) {
	t.Helper()
	for q := range queries {
		f := randomFilter(r, s.index.snapshot())
		want := naiveMatches(s, &f)
		m := compile(&f)
		st := s.index.state()
		if got := st.grid.count(&m); got != len(want) {
			t.Fatalf("query %d %+v: the grid counts %d, a scan %d", q, f, got, len(want))
		}
		offset, limit := 0, 1+r.IntN(50)
		if r.IntN(3) == 0 {
			offset = r.IntN(len(want) + 5)
		}
		var wantKeys []string
		for _, e := range want[min(offset, len(want)):min(offset+limit, len(want))] {
			wantKeys = append(wantKeys, e.key)
		}
		for _, way := range []struct {
			name string
			page func(add func(string, listPlace) error) error
		}{
			{"walk", func(add func(string, listPlace) error) error { return st.entries.walk(&m, offset, offset+limit, add) }},
			{"gather", func(add func(string, listPlace) error) error { return st.grid.gather(&m, offset, offset+limit, add) }},
			{"page", func(add func(string, listPlace) error) error {
				_, _, err := st.page(&m, offset, limit, add)
				return err
			}},
		} {
			var got []string
			if err := way.page(func(k string, _ listPlace) error { got = append(got, k); return nil }); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, wantKeys) {
				t.Fatalf("query %d %+v, offset %d, limit %d, by %s: got %d keys, want %d", q, f, offset, limit, way.name, len(got), len(wantKeys))
			}
		}
		res, err := s.Query(Filter{From: f.From, To: f.To, Types: f.Types, Directions: f.Directions, Sectors: f.Sectors, BBox: f.BBox, Offset: offset, Limit: limit},
			func([]byte) error { return nil })
		if err != nil || res.Matched != len(want) || res.Returned != len(wantKeys) {
			t.Fatalf("query %d: Query = %+v, %v; want %d matched, %d returned", q, res, err, len(want), len(wantKeys))
		}

		years, _ := s.Years(f)
		var wantYears []YearCount
		for _, e := range want {
			y := int(e.date / 10000)
			if len(wantYears) == 0 || wantYears[len(wantYears)-1].Year != y {
				wantYears = append(wantYears, YearCount{Year: y, ByType: map[Type]int{}})
			}
			wantYears[len(wantYears)-1].Total++
			wantYears[len(wantYears)-1].ByType[valueOf(Types, e.typ)]++
		}
		if fmt.Sprint(years) != fmt.Sprint(wantYears) {
			t.Fatalf("query %d %+v: Years\n%v\nwant\n%v", q, f, years, wantYears)
		}

		deg := []float64{0.0005, 0.013, 0.05, 0.16, 1}[r.IntN(5)]
		cs, cres, err := s.Clusters(f, deg)
		if err != nil {
			t.Fatal(err)
		}
		type sum struct {
			lon, lat float64
			n        int
			byType   map[Type]int
			id       string
		}
		wantCs := map[[2]int64]*sum{}
		for _, e := range want {
			k := [2]int64{int64(math.Floor(e.p[0] / deg)), int64(math.Floor(e.p[1] / deg))}
			c := wantCs[k]
			if c == nil {
				c = &sum{byType: map[Type]int{}, id: e.key[4:]}
				wantCs[k] = c
			}
			c.lon, c.lat, c.n = c.lon+e.p[0], c.lat+e.p[1], c.n+1
			c.byType[valueOf(Types, e.typ)]++
		}
		if cres.Matched != len(want) || len(cs) != len(wantCs) || cres.Returned != len(cs) {
			t.Fatalf("query %d, cell %g: %d clusters of %d incidents, want %d of %d", q, deg, len(cs), cres.Matched, len(wantCs), len(want))
		}
		for _, c := range cs {
			k := [2]int64{int64(math.Floor(c.Lon / deg)), int64(math.Floor(c.Lat / deg))}
			w := wantCs[k]
			if w == nil {
				// The mean of a cell's points may round onto the next cell.
				for _, wc := range wantCs {
					if math.Abs(wc.lon/float64(wc.n)-c.Lon) < 1e-6 && math.Abs(wc.lat/float64(wc.n)-c.Lat) < 1e-6 {
						w = wc
					}
				}
			}
			if w == nil || w.n != c.Count || math.Abs(w.lon/float64(w.n)-c.Lon) > 1e-6 || math.Abs(w.lat/float64(w.n)-c.Lat) > 1e-6 ||
				fmt.Sprint(w.byType) != fmt.Sprint(c.ByType) || (c.Count == 1) != (c.ID != "") || (c.Count == 1 && c.ID != w.id) {
				t.Fatalf("query %d, cell %g: cluster %+v, want %+v", q, deg, c, w)
			}
		}
	}
}

// TestGridCountsAsAScan checks the grid's counts, pages, years and
// clusters against a scan of every entry, on synthetic incidents, after
// single writes (which change the grid in place of a few cells) and after a
// bulk import (which makes it again).
func TestGridCountsAsAScan(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(4000, 11, mdl(t))
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	checkAggregates(t, s, r, 150)
	for i := range 60 {
		in := ins[r.IntN(len(ins))]
		switch i % 3 {
		case 0:
			in.Location = orb.Point{in.Location[0] + (r.Float64()-0.5)*0.2, in.Location[1] + (r.Float64()-0.5)*0.05}
			in.Path = nil
		case 1:
			in.Date = Date{Year: 1953 + r.IntN(70), Month: 1 + r.IntN(12)}
		default:
			if err := s.Delete(in.ID, "*", "gone"); err != nil && ErrorKind(err) != KindNotFound {
				t.Fatal(err)
			}
			continue
		}
		if _, err := s.Update(in, "*", "moved"); err != nil && ErrorKind(err) != KindNotFound {
			continue // a move that does not validate: keep the old one
		}
	}
	checkAggregates(t, s, r, 150)
	if err := s.Put(Generate(500, 12, mdl(t))...); err != nil {
		t.Fatal(err)
	}
	checkAggregates(t, s, r, 100)
}
