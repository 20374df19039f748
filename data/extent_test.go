package data

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"
)

// TestExtentsAndCrossing checks Extents against a scan of every stored
// Feature, and Crossing against every point Crossings returns.
func TestExtentsAndCrossing(t *testing.T) {
	s, _ := openStore(t)
	if in, cr, err := s.Extents(); err != nil || in.N != 0 || cr.N != 0 {
		t.Fatalf("Extents of an empty store = %+v, %+v, %v; want empty", in, cr, err)
	}
	if err := s.Put(Generate(400, 7, mdl(t))...); err != nil {
		t.Fatal(err)
	}
	scan := func(run func(Filter, func([]byte) error) (Result, error)) (Extent, map[string][]byte) {
		var x Extent
		byID := map[string][]byte{}
		_, err := run(Filter{}, func(b []byte) error {
			var f struct {
				ID       string `json:"id"`
				Geometry struct {
					Coordinates orb.Point `json:"coordinates"`
				} `json:"geometry"`
				Properties struct {
					Date string `json:"date"`
				} `json:"properties"`
			}
			if err := json.Unmarshal(b, &f); err != nil {
				return err
			}
			d, err := ParseDate(f.Properties.Date)
			if err != nil {
				return err
			}
			x.add(f.Geometry.Coordinates, d.Key())
			byID[f.ID] = bytes.Clone(b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return x, byID
	}
	wantIn, _ := scan(s.Query)
	wantCr, points := scan(s.Crossings)
	in, cr, err := s.Extents()
	if err != nil {
		t.Fatal(err)
	}
	if in != wantIn || cr != wantCr {
		t.Errorf("Extents = %+v, %+v; a scan of the Features gives %+v, %+v", in, cr, wantIn, wantCr)
	}
	if len(points) == 0 {
		t.Fatal("no crossing points generated")
	}
	for id, want := range points {
		got, err := s.Crossing(id)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("Crossing(%q) = %s, %v; want %s", id, got, err, want)
		}
	}
	for _, id := range []string{"", "-x1", "no-such-incident-x1", "x", "abc-x0", "abc-x", "abc-x01"} {
		if _, err := s.Crossing(id); ErrorKind(err) != KindNotFound {
			t.Errorf("Crossing(%q): %v, want not found", id, err)
		}
	}
	for id := range points {
		i := bytes.LastIndex([]byte(id), []byte("-x"))
		for _, wrong := range []string{id[:i] + "-x999", id[:i] + "-x01"} {
			if _, err := s.Crossing(wrong); ErrorKind(err) != KindNotFound {
				t.Errorf("Crossing(%q): %v, want not found", wrong, err)
			}
		}
		break
	}
}

// TestExtentEndsWhereTheLastPeriodEnds: an incident known only to July 2025
// may have happened on the 31st, so the extent must not end on 15 July
// because another is dated then, nor on 1 July as the month's key reads.
func TestExtentEndsWhereTheLastPeriodEnds(t *testing.T) {
	var x Extent
	x.add(orb.Point{126.7, 37.9}, DateKey(2025, 7, 0))
	x.add(orb.Point{126.8, 37.9}, DateKey(2025, 7, 15))
	x.add(orb.Point{126.9, 37.9}, DateKey(1953, 0, 0))
	if got, want := KeyTime(x.First), "1953-01-01T00:00:00Z"; got != want {
		t.Errorf("first = %s, want %s", got, want)
	}
	if got, want := KeyEndTime(x.Last), "2025-07-31T23:59:59Z"; got != want {
		t.Errorf("last = %s, want %s", got, want)
	}
}

func TestKeyEndTimeIsThePeriodsLastSecond(t *testing.T) {
	for _, c := range []struct {
		key  uint32
		want string
	}{
		{DateKey(2017, 11, 13), "2017-11-13T23:59:59Z"},
		{DateKey(2025, 7, 0), "2025-07-31T23:59:59Z"},
		{PeriodEnd(DateKey(2024, 2, 0)), "2024-02-29T23:59:59Z"},
		{PeriodEnd(DateKey(2023, 2, 0)), "2023-02-28T23:59:59Z"},
		{DateKey(1968, 0, 0), "1968-12-31T23:59:59Z"},
		{PeriodEnd(DateKey(1968, 0, 0)), "1968-12-31T23:59:59Z"},
	} {
		if got := KeyEndTime(c.key); got != c.want {
			t.Errorf("KeyEndTime(%d) = %s, want %s", c.key, got, c.want)
		}
	}
}
