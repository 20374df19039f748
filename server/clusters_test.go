package server

import (
	"testing"
)

func TestClusters(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	all := decodeCollection(t, get(t, s, "/api/incidents?from=1960&to=2020"))
	r := get(t, s, "/api/clusters?cell=0.5&from=1960&to=2020")
	if r.status != 200 || r.header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
	}
	fc := decodeCollection(t, r)
	sum := 0
	for _, f := range fc.Features {
		n := int(f.Props["count"].(float64))
		sum += n
		if _, hasID := f.Props["id"]; hasID != (n == 1) {
			t.Errorf("cluster %v: an id only when it holds one incident", f.Props)
		}
	}
	if sum != *all.NumberMatched || *fc.NumberMatched != sum || *fc.NumberReturned != len(fc.Features) {
		t.Errorf("clusters hold %d incidents (numberMatched %d), /api/incidents matched %d", sum, *fc.NumberMatched, *all.NumberMatched)
	}
	fine := decodeCollection(t, get(t, s, "/api/clusters?cell=0.001&from=1960&to=2020"))
	if len(fine.Features) != sum {
		t.Errorf("at 0.001° there are %d clusters for %d scattered incidents", len(fine.Features), sum)
	}
	for _, tc := range []struct{ url, param string }{
		{"/api/clusters", "cell"},
		{"/api/clusters?cell=abc", "cell"},
		{"/api/clusters?cell=0", "cell"},
		{"/api/clusters?cell=1&cell=2", "cell"},
		{"/api/clusters?cell=1&year=abc", "year"},
		{"/api/clusters?cell=1&limit=5", "limit"},
	} {
		r := get(t, s, tc.url)
		p := decodeProblem(t, r)
		if r.status != 400 || len(p.Errors) == 0 || p.Errors[0].Parameter != tc.param {
			t.Errorf("GET %s = %d %+v, want 400 naming %s", tc.url, r.status, p.Errors, tc.param)
		}
	}
}
