package server

import (
	"slices"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

// TestOGCGISFields checks date_start, date_end and sources_text on the
// OGC items and features, and that datetime selects exactly the
// incidents whose date_start/date_end period meets it.
func TestOGCGISFields(t *testing.T) {
	mdl := loadMDL(t)
	ins := fixture(mdl)
	ins[0].Sources = append(ins[0].Sources, data.Source{Title: "Second  report", URL: "https://example.org/2", Publisher: "Other"})
	s, _, _ := newTestServer(t, ins)
	fc := getItems(t, s, "/ogc/collections/incidents/items")
	got := map[string][3]any{}
	for _, f := range fc.Features {
		got[f.ID] = [3]any{f.Properties["date_start"], f.Properties["date_end"], f.Properties["sources_text"]}
	}
	for id, want := range map[string][3]any{
		"1962-05-28-us-soldier": {"1962-05-28", "1962-05-28",
			"Test report (Example, 2020-01-01) https://example.org/1962-05-28-us-soldier | Second report (Other) https://example.org/2"},
		"1965-us-soldier":           {"1965-01-01", "1965-12-31", "Test report (Example, 2020-01-01) https://example.org/1965-us-soldier"},
		"1969-12-shooting":          {"1969-12-01", "1969-12-31", "Test report (Example, 2020-01-01) https://example.org/1969-12-shooting"},
		"2025-07-guiding-operation": {"2025-07-01", "2025-07-31", "Test report (Example, 2020-01-01) https://example.org/2025-07-guiding-operation"},
	} {
		if got[id] != want {
			t.Errorf("%s: %v, want %v", id, got[id], want)
		}
	}
	for _, u := range []string{"/ogc/collections/crossings/items", "/ogc/collections/crossings/items?f=json&limit=1"} {
		for _, f := range getItems(t, s, u).Features {
			if f.Properties["date_start"] == nil || f.Properties["date_end"] == nil || f.Properties["sources_text"] != nil {
				t.Errorf("%s: crossing point %s: %v", u, f.ID, f.Properties)
			}
		}
	}
	if f := getItems(t, s, "/ogc/collections/mdl/items").Features[0]; f.Properties["date_start"] != nil {
		t.Errorf("the MDL has a date_start: %v", f.Properties)
	}
	r := get(t, s, "/ogc/collections/incidents/items/1965-us-soldier?f=html")
	checkHTML(t, "feature page", r)

	// datetime against the periods, on a generated set with partial dates.
	gs, _, _ := newTestServer(t, data.Generate(400, 9, mdl))
	every := getItems(t, gs, "/ogc/collections/incidents/items?limit=1000")
	partial := 0
	for _, f := range every.Features {
		if f.Properties["date_start"] != f.Properties["date_end"] {
			partial++
		}
	}
	if partial == 0 {
		t.Fatal("the generated set has no partial date")
	}
	for _, iv := range [][2]string{{"1970-03-15", "1970-03-15"}, {"1980-06-10", "1984-02-02"}, {"1999-12-31", ""}, {"", "1961-04-30"},
		{"1960-01-01", "1960-12-31"}, {"2001-02-28", "2001-03-01"}} {
		q := iv[0] + "/" + iv[1]
		if iv[0] == iv[1] {
			q = iv[0]
		}
		var want []string
		for _, f := range every.Features {
			start, end := f.Properties["date_start"].(string), f.Properties["date_end"].(string)
			if (iv[0] == "" || end >= iv[0]) && (iv[1] == "" || start <= iv[1]) {
				want = append(want, f.ID)
			}
		}
		if got := getItems(t, gs, "/ogc/collections/incidents/items?limit=1000&datetime="+q).ids(); !slices.Equal(got, want) {
			t.Errorf("datetime=%s: %d incidents, want %d\n got %v\nwant %v", q, len(got), len(want), got, want)
		}
	}
}
