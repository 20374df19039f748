package data

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
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

// BenchmarkOpenCheck measures the bounded integrity check Open makes, on
// its own: Preflight (the meta pages and the file's size, before bbolt
// maps the file) and quickCheck (every bucket's first and last leaf, and
// 1,024 incidents spread over the index read from every bucket).
func BenchmarkOpenCheck(b *testing.B) {
	for _, n := range []int{10000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := benchStore(b, n)
			b.Run("Preflight", func(b *testing.B) {
				for b.Loop() {
					if err := Preflight(s.Path()); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("quickCheck", func(b *testing.B) {
				for b.Loop() {
					if err := s.view(s.quickCheck); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
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

// cpuTime returns the CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time the process used per op since start (the
// collector's included): on a machine shared with other work, it moves
// less than the time per op, which counts the waits for a core.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
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
				for i := range ms { // the aggregates made at a first query (BenchmarkIndexStrips)
					st.grid.count(&ms[i])
				}
				i, cpu := 0, cpuTime(b)
				for b.Loop() {
					st.grid.count(&ms[i%len(ms)])
					i++
				}
				reportCPU(b, cpu)
			})
			b.Run(fmt.Sprintf("n=%d/%s/page", n, kind), func(b *testing.B) {
				st := s.index.state()
				i, cpu := 0, cpuTime(b)
				for b.Loop() {
					st.page(&ms[i%len(ms)], 0, 100, func(string, listPlace) error { return nil })
					i++
				}
				reportCPU(b, cpu)
			})
			b.Run(fmt.Sprintf("n=%d/%s/naive", n, kind), func(b *testing.B) {
				s.index.gridCost = noGrid
				defer func() { s.index.gridCost = defaultGridCost }()
				i, cpu := 0, cpuTime(b)
				for b.Loop() {
					n := 0
					s.index.each(&fs[i%len(fs)], func(entry) bool { n++; return true })
					i++
				}
				reportCPU(b, cpu)
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
				i, cpu := 0, cpuTime(b)
				for b.Loop() {
					if _, err := s.Query(fs[i%len(fs)], func([]byte) error { return nil }); err != nil {
						b.Fatal(err)
					}
					i++
				}
				reportCPU(b, cpu)
			})
		}
	}
}

// BenchmarkAppendQueryJittered is BenchmarkQueryJittered through
// AppendQuery, as /api/incidents runs it: the Features appended into one
// buffer, from the cache of Features (cached) or, with the cache emptied
// before each query, from bbolt (read). Each first sends its 64 queries
// three times, so that what the first queries make once (the strips and
// sums of the count, the cache's Features, kept at a second miss) is made
// before it is timed.
func BenchmarkAppendQueryJittered(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		s := benchStore(b, n)
		for _, kind := range []string{"all", "10y", "crossing"} {
			fs := jitteredFilters(kind, 64)
			for _, way := range []string{"cached", "read"} {
				b.Run(fmt.Sprintf("n=%d/%s/%s", n, kind, way), func(b *testing.B) {
					var buf []byte
					for i := range 3 * len(fs) {
						var err error
						if buf, _, err = s.AppendQuery(buf[:0], fs[i%len(fs)], FeatureWriter{Sep: []byte(",")}); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportAllocs()
					i, cpu := 0, cpuTime(b)
					for b.Loop() {
						if way == "read" {
							s.features.changed()
						}
						var err error
						if buf, _, err = s.AppendQuery(buf[:0], fs[i%len(fs)], FeatureWriter{Sep: []byte(",")}); err != nil {
							b.Fatal(err)
						}
						i++
					}
					reportCPU(b, cpu)
				})
			}
		}
	}
}

// BenchmarkIndexWrite measures what one write costs the whole index of the
// synthetic databases: an incident moved to another date and place, in the
// date list (a copy of one chunk) and in the grid (copies of the cells and
// blocks it leaves and joins, and of their rows), as Store.update applies
// it after the commit.
func BenchmarkIndexWrite(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			st := benchStore(b, n).index.state()
			r := rand.New(rand.NewPCG(3, 4))
			pick := func() entry {
				c := st.entries.chunks[r.IntN(len(st.entries.chunks))]
				return c[r.IntN(len(c))]
			}
			b.ReportAllocs()
			cpu := cpuTime(b)
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				old := pick()
				moved := old
				moved.date = uint32(19530101 + r.IntN(720000))
				moved.key = string(dateKey(moved.date, old.key[4:]))
				to := pick() // a place, and its sector
				moved.p, moved.sector = to.p, to.sector
				changes := []indexChange{{old: old, new: moved}}
				_ = indexState{st.entries.changed(changes), st.grid.changed(changes)}
			}
		})
	}
}

// BenchmarkIndexLayout counts the matches of jittered boxes over ten years
// by looking at every entry of the index, three ways: the date list's
// entries (structs) through a closure per entry, as Query walked before
// the grid (today's layout); the same entries in one loop; and the grid's
// cells' arrays of dates, longitudes and latitudes (struct of arrays), in
// one branch-free loop per cell.
func BenchmarkIndexLayout(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		st := benchStore(b, n).index.state()
		fs := jitteredFilters("10y", 64)
		ms := make([]matcher, len(fs))
		for i := range fs {
			ms[i] = compile(&fs[i])
		}
		var cells []*cell
		st.grid.visit(anyBound, func(b *block) {
			for _, c := range b.cells {
				if c != nil {
					cells = append(cells, c)
				}
			}
		}, func(c *cell, _ bool) { cells = append(cells, c) })
		want := make([]int, len(ms))
		for i := range ms {
			st.entries.ascend(0, 0, func(e *entry) bool {
				if ms[i].match(e) {
					want[i]++
				}
				return true
			})
		}
		ways := []struct {
			name  string
			count func(m *matcher) int
		}{
			{"structs-closure", func(m *matcher) int {
				k := 0
				st.entries.ascend(0, 0, func(e *entry) bool {
					if m.match(e) {
						k++
					}
					return true
				})
				return k
			}},
			{"structs-loop", func(m *matcher) int {
				k := 0
				for _, c := range st.entries.chunks {
					for i := range c {
						e := &c[i]
						if e.date >= m.from && e.date <= m.hi && m.typOK[e.typ] && m.dirOK[e.dir] && m.secOK[e.sector] &&
							e.p[0] >= m.box.Min[0] && e.p[0] <= m.box.Max[0] && e.p[1] >= m.box.Min[1] && e.p[1] <= m.box.Max[1] {
							k++
						}
					}
				}
				return k
			}},
			{"arrays", func(m *matcher) int {
				k := 0
				for _, c := range cells {
					dates, lons, lats := c.dates, c.lons[:len(c.dates)], c.lats[:len(c.dates)]
					for i, d := range dates {
						k += b2i(d >= m.from) & b2i(d <= m.hi) & b2i(lons[i] >= m.box.Min[0]) & b2i(lons[i] <= m.box.Max[0]) &
							b2i(lats[i] >= m.box.Min[1]) & b2i(lats[i] <= m.box.Max[1])
					}
				}
				return k
			}},
		}
		for _, way := range ways {
			b.Run(fmt.Sprintf("n=%d/%s", n, way.name), func(b *testing.B) {
				i, cpu := 0, cpuTime(b)
				for b.Loop() {
					if got := way.count(&ms[i%len(ms)]); got != want[i%len(ms)] {
						b.Fatalf("%s counts %d, want %d", way.name, got, want[i%len(ms)])
					}
					i++
				}
				reportCPU(b, cpu)
			})
		}
	}
}

// BenchmarkIndexStrips measures what the ring's aggregates (grid_ring.go)
// cost when a query first needs them: the 16 strips of the block of the
// most entries (a query cutting it makes one or two), and one row's sums over its blocks, all and by year; and it
// reports the bytes of every block's strips and every row's sums, as if
// queries had made them all.
func BenchmarkIndexStrips(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		s := benchStore(b, n)
		g := s.index.state().grid
		var big *block
		bigRow := 0
		for r, row := range g.rows {
			for _, blk := range row {
				if blk != nil && (big == nil || blk.n > big.n) {
					big, bigRow = blk, r
				}
			}
		}
		b.Run(fmt.Sprintf("n=%d/block", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				makeStrip(big, false)
				makeStrip(big, true)
			}
			b.ReportMetric(float64(big.n), "entries")
		})
		b.Run(fmt.Sprintf("n=%d/row", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var a rowAgg
				a.plainSums(g.rows[bigRow])
				a.yearSums(g.rows[bigRow])
			}
		})
		b.Run(fmt.Sprintf("n=%d/made", n), func(b *testing.B) {
			// What the 3×64 jittered boxes of BenchmarkIndexCount make
			// on a grid just built, in bytes.
			var bytes int
			for b.Loop() {
				g := newGrid(s.index.snapshot())
				for _, kind := range []string{"all", "10y", "crossing"} {
					fs := jitteredFilters(kind, 64)
					for i := range fs {
						m := compile(&fs[i])
						g.count(&m)
					}
				}
				bytes = ringBytes(g)
			}
			b.ReportMetric(float64(bytes), "bytes")
		})
		b.Run(fmt.Sprintf("n=%d/bytes", n), func(b *testing.B) {
			var bytes, entries int
			for b.Loop() {
				bytes, entries = 0, 0
				for _, row := range g.rows {
					if row == nil {
						continue
					}
					var a rowAgg
					bytes += len(a.plainSums(row))*9*4 + len(a.yearSums(row))*4
					for _, blk := range row {
						if blk == nil {
							continue
						}
						entries += blk.n
						for _, lat := range []bool{false, true} {
							if sp := makeStrip(blk, lat); sp != nil {
								bytes += stripBytes(sp)
							}
						}
					}
				}
			}
			b.ReportMetric(float64(bytes), "bytes")
			b.ReportMetric(float64(bytes)/float64(entries), "bytes/entry")
		})
	}
}

// ringBytes returns the bytes of the strips and row sums made in g.
func ringBytes(g *grid) int {
	bytes := 0
	for r, row := range g.rows {
		if a := g.aggs[r]; a != nil {
			bytes += len(a.plain)*9*4 + len(a.years)*4
		}
		for _, blk := range row {
			if blk == nil || blk.years == nil {
				continue
			}
			for _, sp := range blk.years.strips.strips {
				if sp != nil {
					bytes += stripBytes(sp)
				}
			}
		}
	}
	return bytes
}

// stripBytes returns the memory of s's arrays.
func stripBytes(s *strip) int {
	return len(s.vals)*8 + len(s.keys)*8 + len(s.typ) + len(s.yr) + len(s.byType)*4 + len(s.byYear)*4
}
