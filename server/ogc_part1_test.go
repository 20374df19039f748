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
