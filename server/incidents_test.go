package server

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

func TestIncidents(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	all := []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "1969-12-shooting",
		"1978-10-17-tunnel", "2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}
	cases := []struct {
		name    string
		query   string
		want    []string
		matched int // 0: len(want)
	}{
		{"all", "", all, 0},
		{"year", "year=2017", []string{"2017-06-13-central", "2017-11-13-jsa"}, 0},
		{"year with none", "year=1990", []string{}, 0},
		{"from and to", "from=1960&to=1969", []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "1969-12-shooting"}, 0},
		{"from only", "from=2000", []string{"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}, 0},
		{"to only", "to=1965", []string{"1962-05-28-us-soldier", "1965-us-soldier"}, 0},
		{"from equals to", "from=1978&to=1978", []string{"1978-10-17-tunnel"}, 0},
		{"types", "type=tunnel,shooting", []string{"1969-12-shooting", "1978-10-17-tunnel"}, 0},
		{"type list with empty items", "type=crossing,&sector=", []string{"1962-05-28-us-soldier", "1965-us-soldier", "2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}, 0},
		{"direction", "direction=south_to_north", []string{"1962-05-28-us-soldier", "1965-us-soldier"}, 0},
		{"direction none", "direction=none", []string{"1969-12-shooting", "1978-10-17-tunnel"}, 0},
		{"sector jsa", "sector=jsa", []string{"2017-11-13-jsa"}, 0},
		{"sectors", "sector=central,eastern", []string{"1969-12-shooting", "1978-10-17-tunnel", "2017-06-13-central"}, 0},
		{"bbox", "bbox=126.6,37.9,126.9,38.1", []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "2017-11-13-jsa"}, 0},
		{"bbox with spaces", "bbox=126.6,%2037.9,126.9,38.1", []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "2017-11-13-jsa"}, 0},
		{"words", "q=guiding+operation", []string{"2025-07-guiding-operation"}, 0},
		{"words ignore case", "q=SOLDIER", []string{"1962-05-28-us-soldier", "2017-06-13-central", "2017-11-13-jsa"}, 0},
		{"blank words", "q=%20%20", all, 0},
		{"limit", "limit=2", all[:2], 8},
		{"limit and offset", "limit=2&offset=3", all[3:5], 8},
		{"offset past the end", "offset=100", []string{}, 8},
		{"limit 10^12 clamped", "limit=1000000000000", all, 0},
		{"limit beyond int64", "limit=99999999999999999999999", all, 0},
		{"combined", "from=1960&to=2020&type=crossing&direction=north_to_south", []string{"2017-06-13-central", "2017-11-13-jsa"}, 0},
		{"combined with page", "type=crossing&limit=1&offset=1", []string{"1965-us-soldier"}, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, s, "/api/incidents?"+tc.query)
			if r.status != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", r.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != data.ContentTypeGeoJSON {
				t.Errorf("Content-Type %q, want %q", ct, data.ContentTypeGeoJSON)
			}
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			fc := decodeCollection(t, r)
			if got := fc.ids(); !slices.Equal(got, tc.want) {
				t.Errorf("ids\n got %v\nwant %v", got, tc.want)
			}
			matched := tc.matched
			if matched == 0 {
				matched = len(tc.want)
			}
			if fc.NumberMatched == nil || *fc.NumberMatched != matched {
				t.Errorf("numberMatched %v, want %d", fc.NumberMatched, matched)
			}
			if fc.NumberReturned == nil || *fc.NumberReturned != len(tc.want) {
				t.Errorf("numberReturned %v, want %d", fc.NumberReturned, len(tc.want))
			}
			if !strings.Contains(fc.Attribution, "© OpenStreetMap contributors") {
				t.Errorf("attribution %q does not credit OpenStreetMap", fc.Attribution)
			}
		})
	}
}

func TestIncidentsFilterMatchesProperties(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	year := func(p map[string]any) int { return int(p["year"].(float64)) }
	cases := []struct {
		query string
		ok    func(p map[string]any) bool
	}{
		{"year=2017", func(p map[string]any) bool { return year(p) == 2017 }},
		{"from=1960&to=1969", func(p map[string]any) bool { return year(p) >= 1960 && year(p) <= 1969 }},
		{"type=crossing", func(p map[string]any) bool { return p["type"] == "crossing" }},
		{"direction=north_to_south", func(p map[string]any) bool { return p["direction"] == "north_to_south" }},
		{"sector=western", func(p map[string]any) bool { return p["sector"] == "western" }},
	}
	for _, tc := range cases {
		fc := decodeCollection(t, get(t, s, "/api/incidents?"+tc.query))
		if len(fc.Features) == 0 {
			t.Errorf("%s returned nothing", tc.query)
		}
		for _, f := range fc.Features {
			if !tc.ok(f.Props) {
				t.Errorf("%s returned %s with %v", tc.query, f.ID, f.Props)
			}
		}
	}
}

func TestIncidentsLimitClampedToMaximum(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	s = New(s.store, s.mdl, nil, Config{MaxLimit: 3})
	s.now = func() time.Time { return testNow }
	for _, tc := range []struct {
		query string
		want  int
	}{{"", 3}, {"limit=1000000000000", 3}, {"limit=3", 3}, {"limit=2", 2}} {
		for _, route := range []string{"/api/incidents", "/api/crossings"} {
			r := get(t, s, route+"?"+tc.query)
			fc := decodeCollection(t, r)
			if len(fc.Features) != tc.want || *fc.NumberReturned != tc.want {
				t.Errorf("%s?%s returned %d features (numberReturned %d), want %d", route, tc.query, len(fc.Features), *fc.NumberReturned, tc.want)
			}
		}
	}
}

func TestIncidentGet(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	r := get(t, s, "/api/incidents/2017-11-13-jsa")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != data.ContentTypeGeoJSON {
		t.Fatalf("status %d, Content-Type %q: want 200 %s", r.status, r.header.Get("Content-Type"), data.ContentTypeGeoJSON)
	}
	in, err := data.DecodeFeature(r.body)
	if err != nil {
		t.Fatalf("DecodeFeature: %v\n%s", err, r.body)
	}
	if in.ID != "2017-11-13-jsa" || in.Title != "JSA defection" {
		t.Errorf("got incident %q %q, want 2017-11-13-jsa", in.ID, in.Title)
	}

	for _, id := range []string{"no-such-incident", "BAD_ID", "x", strings.Repeat("a", 200)} {
		r := get(t, s, "/api/incidents/"+id)
		if r.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", id, r.status)
			continue
		}
		p := decodeProblem(t, r)
		if len(p.Errors) != 1 || p.Errors[0].Parameter != "id" || !strings.Contains(p.Detail, "no incident has the id") {
			t.Errorf("%s: problem %+v does not name the id", id, p)
		}
	}
}

func TestHead(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	for _, url := range []string{"/api/incidents?year=2017", "/api/export.geojson?year=2017", "/api/incidents/2017-11-13-jsa"} {
		r := do(t, s, httptest.NewRequest(http.MethodHead, url, nil))
		if r.status != http.StatusOK || r.header.Get("Content-Type") != data.ContentTypeGeoJSON || len(r.body) != 0 {
			t.Errorf("HEAD %s: status %d, Content-Type %q, %d bytes: want 200, GeoJSON, no body", url, r.status, r.header.Get("Content-Type"), len(r.body))
		}
	}
}
