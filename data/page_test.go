package data

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// TestAppendQueryAsQuery checks that AppendQuery appends the Features
// Query hands on, in order, with the same counts, for random filters
// (Since and text among them), offsets and limits, and that an error of
// add stops it.
func TestAppendQueryAsQuery(t *testing.T) {
	s, _ := openStore(t)
	if err := s.Put(Generate(2000, 17, mdl(t))...); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 10))
	sep := func(dst, feature []byte) ([]byte, error) { return append(append(dst, feature...), '\n'), nil }
	marked := func(dst, feature []byte) ([]byte, error) {
		return append(append(append(dst, '<'), feature...), '>'), nil
	}
	for q := range 200 {
		f := randomFilter(r, s.index.snapshot())
		switch r.IntN(5) {
		case 0:
			f.Since = Date{Year: 1960 + r.IntN(60), Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}.Key()
			f.From = f.Since / 10000 * 10000
			if f.To != 0 && f.To < f.From {
				f.To = 0
			}
		case 1:
			f.Text = "synthetic"
		}
		f.Limit = []int{0, 1, 10, 100, maxAppendPage + 1}[r.IntN(5)]
		if r.IntN(3) == 0 {
			f.Offset = r.IntN(200)
		}
		var want []byte
		wres, err := s.Query(f, func(b []byte) error { want, _ = sep(want, b); return nil })
		if err != nil {
			t.Fatal(err)
		}
		got, res, err := s.AppendQuery([]byte("head\n"), f, FeatureWriter{Write: sep})
		if err != nil || res != wres || !bytes.Equal(got, append([]byte("head\n"), want...)) {
			t.Fatalf("query %d %+v: %+v, %v, %d bytes; Query %+v, %d bytes", q, f, res, err, len(got), wres, len(want)+5)
		}
		// Another way of writing, kept in the cache as its own kind,
		// with a separator.
		var wantMarked []byte
		for i, line := range bytes.SplitAfter(want, []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			if i > 0 {
				wantMarked = append(wantMarked, ',')
			}
			wantMarked, _ = marked(wantMarked, line[:len(line)-1])
		}
		for range 2 {
			got, res, err = s.AppendQuery(nil, f, FeatureWriter{Sep: []byte(","), Write: marked, Kind: 7})
			if err != nil || res != wres || !bytes.Equal(got, wantMarked) {
				t.Fatalf("query %d %+v, kind 7: %+v, %v\n%.300s\nwant\n%.300s", q, f, res, err, got, wantMarked)
			}
		}
	}
	stop := errors.New("stop")
	n := 0
	_, _, err := s.AppendQuery(nil, Filter{Limit: 50}, FeatureWriter{Write: func(dst, feature []byte) ([]byte, error) { n++; return dst, stop }})
	if err != stop || n != 1 {
		t.Errorf("an error of add: %v after %d features", err, n)
	}
}

// TestAppendQueryAfterWrites checks that the cache of Features never
// answers with a Feature a write has changed or removed: an incident's
// title changed (its key the same), then the incident deleted, each asked
// for again at once, while other readers fill the cache.
func TestAppendQueryAfterWrites(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(300, 19, mdl(t))
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	page := func() []byte {
		b, _, err := s.AppendQuery(nil, Filter{Limit: 100}, FeatureWriter{})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				page()
			}
		}
	}()
	var first *Incident
	for _, in := range ins {
		if first == nil || in.Date.Key() < first.Date.Key() || in.Date.Key() == first.Date.Key() && in.ID < first.ID {
			first = in
		}
	}
	for i := range 20 {
		page()
		first.Title = "Renamed " + string(rune('a'+i))
		if _, err := s.Update(first, "*", "renamed"); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(page(), []byte(`"title":"`+first.Title+`"`)) {
			t.Fatalf("after the write %d the page does not have the new title %q", i, first.Title)
		}
	}
	if err := s.Delete(first.ID, "*", "gone"); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(page(), []byte(`"id":"`+first.ID+`"`)) {
		t.Error("the page still has a deleted incident")
	}
	close(stop)
	<-done
	if s.features.hits.Load() == 0 {
		t.Error("no page came from the cache")
	}
}
