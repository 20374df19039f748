package data

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestPeriodEnd(t *testing.T) {
	for _, tc := range []struct{ key, want uint32 }{
		{19650000, 19651231}, {19691200, 19691231}, {19690200, 19690231}, {20171113, 20171113},
	} {
		if got := PeriodEnd(tc.key); got != tc.want {
			t.Errorf("PeriodEnd(%d) = %d, want %d", tc.key, got, tc.want)
		}
	}
}

// TestQuerySinceAndMatch checks Since (the period of a partial date ends on
// or after it) and Match (a predicate on the Feature, counted before
// offset and limit) against a scan of every incident.
func TestQuerySinceAndMatch(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(3000, 11, mdl(t))
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	ids := func(f Filter) []string {
		var out []string
		_, err := s.Query(f, func(b []byte) error {
			var ft struct{ ID string }
			if err := json.Unmarshal(b, &ft); err != nil {
				return err
			}
			out = append(out, ft.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want := func(keep func(in *Incident) bool) map[string]bool {
		m := map[string]bool{}
		for _, in := range ins {
			if keep(in) {
				m[in.ID] = true
			}
		}
		return m
	}
	check := func(name string, got []string, want map[string]bool) {
		t.Helper()
		seen := map[string]bool{}
		for _, id := range got {
			if !want[id] || seen[id] {
				t.Errorf("%s: %s is not selected or comes twice", name, id)
			}
			seen[id] = true
		}
		if len(seen) != len(want) {
			t.Errorf("%s: %d incidents, want %d", name, len(seen), len(want))
		}
	}
	const since = 19800615
	check("Since", ids(Filter{From: 19800000, Since: since}), want(func(in *Incident) bool { return PeriodEnd(in.Date.Key()) >= since }))
	crossing := []byte(`"type":"crossing"`)
	match := func(b []byte) bool { return bytes.Contains(b, crossing) }
	check("Match", ids(Filter{Match: match}), want(func(in *Incident) bool { return in.Type == TypeCrossing }))
	all := ids(Filter{Match: match})
	page := ids(Filter{Match: match, Offset: 10, Limit: 7})
	if len(page) != 7 || page[0] != all[10] || page[6] != all[16] {
		t.Errorf("Match with offset 10, limit 7: %v, want %v", page, all[10:17])
	}
	res, _ := s.Query(Filter{Match: match, Limit: 1}, func([]byte) error { return nil })
	if res.Matched != len(all) || res.Returned != 1 {
		t.Errorf("Match with limit 1: %+v, want %d matched, 1 returned", res, len(all))
	}
}
