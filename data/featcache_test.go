package data

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestFeatureCacheKeepsWhatIsAskedAgain checks the cache's admission: a
// page asked for a third time comes wholly from the cache, for every one
// of many pages (a doorkeeper of hashed tags let two Features whose tags
// shared a slot miss for ever), and a Feature asked for once is not kept
// (but for a few the doorkeeper mistakes for others).
func TestFeatureCacheKeepsWhatIsAskedAgain(t *testing.T) {
	s, _ := openStore(t)
	if err := s.Put(Generate(3000, 21, mdl(t))...); err != nil {
		t.Fatal(err)
	}
	var fs []Filter
	for y := FirstYear; y <= 2025; y++ {
		from, to := YearRange(y, y)
		fs = append(fs, Filter{From: from, To: to, Limit: 100, BBox: &orb.Bound{Min: orb.Point{124, 37}, Max: orb.Point{130, 39}}})
	}
	ask := func(f Filter) (hits, misses int64) {
		h0, m0 := s.FeatureCacheStats()
		if _, _, err := s.AppendQuery(nil, f, FeatureWriter{Sep: []byte(",")}); err != nil {
			t.Fatal(err)
		}
		h1, m1 := s.FeatureCacheStats()
		return h1 - h0, m1 - m0
	}
	for _, f := range fs {
		if h, _ := ask(f); h != 0 {
			t.Fatalf("a page asked for once came from the cache: %d hits", h)
		}
	}
	var early, asked int64
	for _, f := range fs {
		h, m := ask(f)
		early, asked = early+h, asked+h+m
	}
	if early > asked/100 { // a doorkeeper's bit shared by two admits one early
		t.Fatalf("pages asked for once before had %d of their %d Features from the cache", early, asked)
	}
	for _, f := range fs {
		if _, m := ask(f); m != 0 {
			t.Fatalf("a page asked for a third time missed %d Features", m)
		}
	}
}

// TestFeatureCacheBound checks that the cache holds at most its limit
// (made 256 KB here), with Features asked for again and again, and after
// writes made what it holds stale.
func TestFeatureCacheBound(t *testing.T) {
	s, _ := openStore(t)
	const limit = 256 << 10
	s.features.limit = limit
	ins := Generate(1000, 22, mdl(t)) // about 850 KB
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	for round := range 12 {
		for off := 0; off < len(ins); off += 100 {
			for range 2 {
				if _, _, err := s.AppendQuery(nil, Filter{Offset: off, Limit: 100, BBox: &Region}, FeatureWriter{Sep: []byte(",")}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if held := s.features.held.Load(); held > limit+100*1000 || held == 0 {
			t.Fatalf("round %d: the cache holds %d bytes, limit %d", round, held, limit)
		}
		if round%3 == 2 {
			ins[round].Title = "Renamed"
			if _, err := s.Update(ins[round], "*", "renamed"); err != nil {
				t.Fatal(err)
			}
		}
	}
	var held int64
	tbl := s.features.table.Load()
	for i := range tbl.slots {
		if k := tbl.slots[i].Load(); k != nil {
			held += int64(len(k.b))
		}
	}
	if held != s.features.held.Load() || held > limit+100*1000 {
		t.Errorf("the table holds %d bytes, the cache counts %d", held, s.features.held.Load())
	}
}
