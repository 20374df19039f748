package data

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// benchStore opens a database of n synthetic incidents (seed 42), kept in
// the temporary directory between runs because a million take minutes to
// write; datatest.SyntheticDB, which this package's tests cannot import,
// makes the same file for the other packages.
func benchStore(b *testing.B, n int) *Store {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("dmzmap-bench-s%d-%d.db", SchemaVersion, n))
	if _, err := os.Stat(path); err != nil {
		f, err := os.CreateTemp(os.TempDir(), filepath.Base(path)+".*.partial")
		if err != nil {
			b.Fatal(err)
		}
		tmp := f.Name()
		f.Close()
		os.Remove(tmp)
		defer os.Remove(tmp)
		s, err := Open(tmp, mdl(b), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.AddSynthetic(context.Background(), n, 42); err != nil {
			b.Fatal(err)
		}
		s.Close()
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	s, err := Open(path, mdl(b), Options{Timeout: time.Minute, ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func benchQuery(b *testing.B, s *Store, f Filter) {
	b.ReportAllocs()
	var returned int
	for b.Loop() {
		res, err := s.Query(f, func([]byte) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		returned = res.Returned
	}
	if returned == 0 {
		b.Fatal("the query returned nothing")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(returned), "ns/feature")
	b.ReportMetric(float64(returned), "features")
}

// BenchmarkQueryOneYear reads one year through the date index: the cost per
// feature returned should not depend on the size of the database.
func BenchmarkQueryOneYear(b *testing.B) {
	for _, n := range []int{10000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := benchStore(b, n)
			from, to := YearRange(2017, 2017)
			benchQuery(b, s, Filter{From: from, To: to})
		})
	}
}

// BenchmarkQueryBBox compares a small box through the grid of the index
// with the same box over a walk of every entry in date order (the naive
// baseline).
func BenchmarkQueryBBox(b *testing.B) {
	for _, n := range []int{10000, 1000000} {
		s := benchStore(b, n)
		box := orb.Bound{Min: orb.Point{127.0, 38.1}, Max: orb.Point{127.05, 38.15}} // about 4.4 by 5.6 km
		b.Run(fmt.Sprintf("n=%d/indexed", n), func(b *testing.B) {
			benchQuery(b, s, Filter{BBox: &box})
		})
		b.Run(fmt.Sprintf("n=%d/naive", n), func(b *testing.B) {
			s.index.gridCost = noGrid
			defer func() { s.index.gridCost = defaultGridCost }()
			benchQuery(b, s, Filter{BBox: &box})
		})
	}
}

// BenchmarkIndexBBox selects boxes of growing size from the index of a
// million incidents, through the grid and by walking every entry, to show
// where one costs as much as the other: what memIndex.gridCost says.
func BenchmarkIndexBBox(b *testing.B) {
	s := benchStore(b, 1000000)
	for _, w := range []float64{0.01, 0.05, 0.1, 0.2, 0.5} {
		box := orb.Bound{Min: orb.Point{127.0, 38.1}, Max: orb.Point{127.0 + w, 38.1 + w}}
		f := Filter{BBox: &box}
		for _, way := range []struct {
			name string
			cost int
		}{{"grid", 0}, {"walk", noGrid}} {
			b.Run(fmt.Sprintf("w=%g/%s", w, way.name), func(b *testing.B) {
				s.index.gridCost = way.cost
				defer func() { s.index.gridCost = defaultGridCost }()
				var n int
				for b.Loop() {
					n = 0
					s.index.each(&f, func(entry) bool { n++; return true })
				}
				b.ReportMetric(float64(n), "matched")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(n, 1)), "ns/match")
			})
		}
	}
}

// BenchmarkOpen measures start-up: opening the database and rebuilding the
// in-memory index.
func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{10000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := benchStore(b, n)
			path := s.Path()
			s.Close()
			for b.Loop() {
				s, err := Open(path, mdl(b), Options{})
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}

// BenchmarkIndexChange measures what one write costs the in-memory index:
// moving one incident to another date, in the chunked list (a copy of one
// chunk) beside a merge of the whole list (the naive baseline, which apply
// keeps for large batches).
func BenchmarkIndexChange(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		sorted := make([]entry, n)
		for i := range sorted {
			date := uint32(19530101 + i*720000/n)
			sorted[i] = entry{date: date, key: string(dateKey(date, fmt.Sprintf("gen-%07d", i)))}
		}
		l := chunked(sorted)
		r := rand.New(rand.NewPCG(1, 2))
		move := func() []indexChange {
			old := sorted[r.IntN(n)]
			date := uint32(19530101 + r.IntN(720000))
			return []indexChange{{old: old, new: entry{date: date, key: string(dateKey(date, old.key[4:]))}}}
		}
		for _, way := range []struct {
			name  string
			apply func(entryList, []indexChange) entryList
		}{
			{"chunked", entryList.changed},
			{"merge", entryList.merged},
		} {
			b.Run(fmt.Sprintf("n=%d/%s", n, way.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					way.apply(l, move())
				}
			})
		}
	}
}

// jitteredFilters returns n filters of the box 126.5,37.7,127.5,38.4 with
// every edge moved by up to 0.3°, of the kind named: all dates, ten years,
// or crossings.
func jitteredFilters(kind string, n int) []Filter {
	r := rand.New(rand.NewPCG(7, 8))
	fs := make([]Filter, n)
	for i := range fs {
		j := func(v float64) float64 { return v + (r.Float64()*2-1)*0.3 }
		box := orb.Bound{Min: orb.Point{j(126.5), j(37.7)}, Max: orb.Point{j(127.5), j(38.4)}}
		fs[i] = Filter{BBox: &box, Limit: 100}
		switch kind {
		case "10y":
			y := 1953 + r.IntN(63)
			fs[i].From, fs[i].To = YearRange(y, y+9)
		case "crossing":
			fs[i].Types = []Type{TypeCrossing}
		}
	}
	return fs
}

// BenchmarkIndexCount counts numberMatched for jittered boxes (as
// BenchmarkLoadJitteredBBox of the server asks) from the grid's counts,
// beside walking every entry of the date range as Query did before the
// grid (the naive baseline), and finds the page of 100.
func BenchmarkIndexCount(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		s := benchStore(b, n)
		for _, kind := range []string{"all", "10y", "crossing"} {
			fs := jitteredFilters(kind, 64)
			ms := make([]matcher, len(fs))
			for i := range fs {
				ms[i] = compile(&fs[i])
			}
			b.Run(fmt.Sprintf("n=%d/%s/grid", n, kind), func(b *testing.B) {
				st := s.index.state()
				i := 0
				for b.Loop() {
					st.grid.count(&ms[i%len(ms)])
					i++
				}
			})
			b.Run(fmt.Sprintf("n=%d/%s/page", n, kind), func(b *testing.B) {
				st := s.index.state()
				i := 0
				for b.Loop() {
					st.page(&ms[i%len(ms)], 0, 100, func(string) error { return nil })
					i++
				}
			})
			b.Run(fmt.Sprintf("n=%d/%s/naive", n, kind), func(b *testing.B) {
				s.index.gridCost = noGrid
				defer func() { s.index.gridCost = defaultGridCost }()
				i := 0
				for b.Loop() {
					n := 0
					s.index.each(&fs[i%len(fs)], func(entry) bool { n++; return true })
					i++
				}
			})
		}
	}
}

// BenchmarkQueryJittered runs Query for jittered boxes, limit 100: the
// count, the page and the reading of its Features, which is what the
// uncached /api/incidents costs besides HTTP.
func BenchmarkQueryJittered(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		s := benchStore(b, n)
		for _, kind := range []string{"all", "10y", "crossing"} {
			fs := jitteredFilters(kind, 64)
			b.Run(fmt.Sprintf("n=%d/%s", n, kind), func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if _, err := s.Query(fs[i%len(fs)], func([]byte) error { return nil }); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}
