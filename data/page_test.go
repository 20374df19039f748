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
		got, res, err := s.AppendQuery([]byte("head\n"), f, sep)
		if err != nil || res != wres || !bytes.Equal(got, append([]byte("head\n"), want...)) {
			t.Fatalf("query %d %+v: %+v, %v, %d bytes; Query %+v, %d bytes", q, f, res, err, len(got), wres, len(want)+5)
		}
	}
	stop := errors.New("stop")
	n := 0
	_, _, err := s.AppendQuery(nil, Filter{Limit: 50}, func(dst, feature []byte) ([]byte, error) { n++; return dst, stop })
	if err != stop || n != 1 {
		t.Errorf("an error of add: %v after %d features", err, n)
	}
}
