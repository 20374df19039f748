package data

import (
	"bytes"
	"sync"
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

// TestFeatureCacheFront checks the front of the cache (featfront.go): a
// page asked for again takes its Features from it (with the table emptied
// by hand, all but the few the table had not kept), and after writes that
// move the entries in the date list (one created before them all, one
// deleted) or change one, every page is still Query's, while another
// reader asks too; and that the look-up after a write drops the front.
func TestFeatureCacheFront(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(3000, 23, mdl(t))
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	var fs []Filter
	for y := FirstYear; y <= 2025; y += 3 {
		from, to := YearRange(y, y+9)
		fs = append(fs, Filter{From: from, To: to, Offset: y % 7, Limit: 100, BBox: &orb.Bound{Min: orb.Point{124, 37}, Max: orb.Point{130, 39}}})
	}
	check := func(when string) {
		t.Helper()
		for _, f := range fs {
			var want []byte
			wres, err := s.Query(f, func(b []byte) error {
				if len(want) > 0 {
					want = append(want, ',')
				}
				want = append(want, b...)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				got, res, err := s.AppendQuery(nil, f, FeatureWriter{Sep: []byte(",")})
				if err != nil || res != wres || !bytes.Equal(got, want) {
					t.Fatalf("%s, %+v: %+v, %v, %d bytes; Query %+v, %d bytes", when, f, res, err, len(got), wres, len(want))
				}
			}
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	stopReader := sync.OnceFunc(func() { close(stop); <-done })
	t.Cleanup(stopReader) // before the store closes
	// Another reader, filling the same front.
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
				if _, _, err := s.AppendQuery(nil, fs[i%len(fs)], FeatureWriter{Sep: []byte(",")}); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	check("at first")

	// The front serves the pages: with the table emptied, a page comes
	// wholly from it.
	s.features.mu.Lock()
	tbl := s.features.table.Load()
	for i := range tbl.slots {
		tbl.slots[i].Store(nil)
	}
	s.features.mu.Unlock()
	h0, m0 := s.FeatureCacheStats()
	check("from the front")
	if h1, m1 := s.FeatureCacheStats(); h1 == h0 || m1 != m0 && (h1-h0)/(m1-m0) < 20 {
		t.Fatalf("with the table empty: %d hits, %d misses", h1-h0, m1-m0)
	}

	first := *ins[0]
	first.ID, first.Date = "front-first", Date{Year: FirstYear}
	if _, err := s.Create(&first, "first"); err != nil {
		t.Fatal(err)
	}
	check("after a create before every other")
	if err := s.Delete(ins[len(ins)/2].ID, "*", "gone"); err != nil {
		t.Fatal(err)
	}
	check("after a delete")
	ins[1].Title = "Renamed"
	if _, err := s.Update(ins[1], "*", "renamed"); err != nil {
		t.Fatal(err)
	}
	check("after an update")

	// A write drops the front at the next look-up, which finds every
	// Feature stale and keeps none.
	stopReader()
	ins[2].Title = "Renamed too"
	if _, err := s.Update(ins[2], "*", "renamed"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AppendQuery(nil, fs[0], FeatureWriter{Sep: []byte(",")}); err != nil {
		t.Fatal(err)
	}
	if ft := s.features.front[0].Load(); ft != nil {
		t.Errorf("after a write and a look-up, a front of gen %d is kept (gen %d)", ft.gen, s.features.gen.Load())
	}
}
