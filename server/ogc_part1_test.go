package server

import (
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/data/datatest"
)

// syntheticServer returns a server over the synthetic database of n
// incidents, opened read-only.
func syntheticServer(t *testing.T, n int) *Server {
	t.Helper()
	mdl := loadMDL(t)
	st, err := data.Open(datatest.SyntheticDB(t, n), mdl, data.Options{Timeout: time.Minute, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, mdl, nil, Config{})
}

var itemHref = regexp.MustCompile(`href="/ogc/collections/incidents/items/([a-z0-9-]+)\?f=html"`)

// TestOGCHTMLLargePage is the regression test of the 500 an HTML items page
// of more than 512 features answered ("a stored feature: invalid character
// …"): the page kept the store's bytes past the call, in a buffer the store
// reuses every 512 features. Every feature of the page is the one the JSON
// page has at that place.
func TestOGCHTMLLargePage(t *testing.T) {
	s := syntheticServer(t, 20000)
	for _, tc := range []struct {
		name, query string
		accept      string
		limit       int
	}{
		{"f=html 513", "?f=html&limit=513", "", 513},
		{"Accept 1000", "?limit=1000&offset=777", "text/html", 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/ogc/collections/incidents/items"+tc.query, nil)
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			r := do(t, s, req)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != contentTypeHTML {
				t.Fatalf("status %d, Content-Type %q; want 200, HTML: %.300s", r.status, r.header.Get("Content-Type"), r.body)
			}
			var got []string
			for _, m := range itemHref.FindAllStringSubmatch(html.UnescapeString(string(r.body)), -1) {
				if !slices.Contains(got, m[1]) {
					got = append(got, m[1])
				}
			}
			jsonQuery := regexp.MustCompile(`f=html&?`).ReplaceAllString(tc.query, "")
			want := getItems(t, s, "/ogc/collections/incidents/items"+jsonQuery).ids()
			if len(want) != tc.limit {
				t.Fatalf("the JSON page has %d features, want %d", len(want), tc.limit)
			}
			if !slices.Equal(got, want) {
				t.Errorf("the HTML page links %d features, the JSON page has %d; they differ", len(got), len(want))
			}
		})
	}
}

// TestOGCPart1Params checks the parameters of Part 1 as the conformance
// suite and GDAL send them: a bbox across the antimeridian, one of 6
// numbers, datetime instants and intervals with open ends, GDAL 3.6's bare
// T.
func TestOGCPart1Params(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	all := []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "1969-12-shooting", "1978-10-17-tunnel",
		"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}
	since2017 := []string{"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}
	cases := []struct {
		query string
		ids   []string
	}{
		// The store holds Korea only: the suite's box is empty there, and
		// a box across the antimeridian that leaves out only 126.9° to 127°
		// east shows the two boxes it stands for.
		{"bbox=177,65,-177,70", []string{}},
		{"bbox=127,30,126.9,40", slices.DeleteFunc(slices.Clone(all), func(id string) bool { return id == "2025-07-guiding-operation" })},
		{"bbox=127,30,126.9,40&limit=2&offset=5", []string{"2017-06-13-central", "2017-11-13-jsa"}},
		{"bbox=127,38.02,126.9,40", []string{"1962-05-28-us-soldier", "1969-12-shooting", "1978-10-17-tunnel", "2017-06-13-central"}},
		{"bbox=-180,85,180,90", []string{}},
		{"bbox=-180,-90,180,-85", []string{}},
		{"bbox=128,38,0,129,39,100", []string{"1978-10-17-tunnel"}},
		{"bbox=-180,-90,-1000,180,90,1000", all},
		{"datetime=2017-01-01T/..", since2017},
		{"datetime=2017-01-01T00:00:00Z/..", since2017},
		{"datetime=2017-01-01t00:00:00z/..", since2017},
		{"datetime=2017-01-01T00:00:00.5%2B09:00/", since2017},
		{"datetime=../2010-12-31", all[:5]},
		{"datetime=/1965-06-30", []string{"1962-05-28-us-soldier", "1965-us-soldier"}},
		{"datetime=1962-05-28T", []string{"1962-05-28-us-soldier"}},
		{"datetime=2025-07-31", []string{"2025-07-guiding-operation"}},
		{"datetime=2025-08-01/..", []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			got := getItems(t, s, "/ogc/collections/incidents/items?"+tc.query)
			if !slices.Equal(got.ids(), tc.ids) {
				t.Errorf("ids\n got %v\nwant %v", got.ids(), tc.ids)
			}
		})
	}
	// The antimeridian on the other collections: no crossing point and no
	// MDL there, but the box is answered.
	for _, c := range []string{"crossings", "mdl"} {
		if got := getItems(t, s, "/ogc/collections/"+c+"/items?bbox=177,65,-177,70").ids(); len(got) != 0 {
			t.Errorf("%s across the antimeridian: %v", c, got)
		}
	}
	if got := getItems(t, s, "/ogc/collections/mdl/items?bbox=120,30,0,130,40,9").ids(); !slices.Equal(got, []string{"mdl"}) {
		t.Errorf("mdl in a 6-number bbox: %v", got)
	}
	for _, bad := range []string{"bbox=1,2,3,4,5", "bbox=1,2,3,4,5,6,7", "bbox=126,37,9,127,38,0", "datetime=2017-01-01TT/..", "datetime=2017-01-01T25:00:00Z"} {
		if r := get(t, s, "/ogc/collections/incidents/items?"+bad); r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, r.status)
		}
	}
	// /api keeps 4 numbers, west edge first.
	if r := get(t, s, "/api/incidents?bbox=177,65,-177,70"); r.status != http.StatusBadRequest {
		t.Errorf("/api/incidents across the antimeridian: status %d, want 400", r.status)
	}
}

// TestOGCTrailingSlash checks that a path of /ogc with a trailing slash or
// an empty segment is redirected to the resource without it, its query
// kept, and never answered as another resource.
func TestOGCTrailingSlash(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	for path, want := range map[string]string{
		"/ogc/":                                            "/ogc",
		"/ogc/collections/":                                "/ogc/collections",
		"/ogc/collections/?f=html":                         "/ogc/collections?f=html",
		"/ogc/conformance/":                                "/ogc/conformance",
		"/ogc/api/":                                        "/ogc/api",
		"/ogc/collections/incidents/":                      "/ogc/collections/incidents",
		"/ogc/collections/incidents/items/":                "/ogc/collections/incidents/items",
		"/ogc/collections/incidents/items/?limit=2":        "/ogc/collections/incidents/items?limit=2",
		"/ogc//collections":                                "/ogc/collections",
		"/ogc/collections/incidents/items/2017-11-13-jsa/": "/ogc/collections/incidents/items/2017-11-13-jsa",
	} {
		r := get(t, s, path)
		if r.status != http.StatusMovedPermanently || r.header.Get("Location") != want {
			t.Errorf("%s: status %d, Location %q; want 301, %s", path, r.status, r.header.Get("Location"), want)
		}
	}
}
