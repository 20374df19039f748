package server

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

func TestOGCSortby(t *testing.T) {
	mdl := loadMDL(t)
	s, _, _ := newTestServer(t, data.Generate(300, 5, mdl))
	every := getItems(t, s, "/ogc/collections/incidents/items?limit=1000")
	byDate := every.ids()
	reversed := slices.Clone(byDate)
	slices.Reverse(reversed)
	type kv struct {
		id string
		km float64
	}
	var kms []kv
	for _, f := range every.Features {
		kms = append(kms, kv{f.ID, f.Properties["mdl_km"].(float64)})
	}
	sort.SliceStable(kms, func(i, j int) bool { return kms[i].km < kms[j].km })
	var byKm []string
	for _, k := range kms {
		byKm = append(byKm, k.id)
	}
	// Paged through next links, each order is whole and right.
	for _, tc := range []struct {
		sortby string
		want   []string
	}{
		{"date", byDate}, {"%2Bdate", byDate}, {"-date", reversed}, {"mdl_km", byKm},
	} {
		ids, matched := pageThrough(t, s, "/ogc/collections/incidents/items?limit=37&sortby="+tc.sortby)
		if matched != len(tc.want) || !slices.Equal(ids, tc.want) {
			t.Errorf("sortby=%s: %d ids (matched %d), first %v; want %d, first %v", tc.sortby, len(ids), matched, head(ids), len(tc.want), head(tc.want))
		}
	}
	// -mdl_km is mdl_km reversed but for ties; and with a filter.
	got := getItems(t, s, "/ogc/collections/incidents/items?limit=1000&sortby=-mdl_km").Features
	for i := 1; i < len(got); i++ {
		if got[i-1].Properties["mdl_km"].(float64) < got[i].Properties["mdl_km"].(float64) {
			t.Fatalf("sortby=-mdl_km: %v before %v", got[i-1].Properties["mdl_km"], got[i].Properties["mdl_km"])
		}
	}
	f := getItems(t, s, "/ogc/collections/incidents/items?sortby=-date&limit=5&offset=3&filter="+url.QueryEscape("type = 'crossing'"))
	var crossings []string
	for _, ft := range every.Features {
		if ft.Properties["type"] == "crossing" {
			crossings = append(crossings, ft.ID)
		}
	}
	slices.Reverse(crossings)
	if !slices.Equal(f.ids(), crossings[3:8]) || *f.NumberMatched != len(crossings) {
		t.Errorf("-date with a filter: %v (matched %d), want %v (%d)", f.ids(), *f.NumberMatched, crossings[3:8], len(crossings))
	}
	// Crossings too, and type then -date.
	cr := getItems(t, s, "/ogc/collections/crossings/items?limit=1000&sortby=type,-date").Features
	for i := 1; i < len(cr); i++ {
		a, b := cr[i-1].Properties, cr[i].Properties
		if a["type"].(string) > b["type"].(string) || (a["type"] == b["type"] && a["date"].(string) < b["date"].(string)) {
			t.Fatalf("sortby=type,-date: %v %v before %v %v", a["type"], a["date"], b["type"], b["date"])
		}
	}
	for _, bad := range []string{"summary", "date,date", "-nope", "geometry"} {
		r := get(t, s, "/ogc/collections/incidents/items?sortby="+bad)
		if r.status != http.StatusBadRequest || decodeProblem(t, r).Errors[0].Parameter != "sortby" {
			t.Errorf("sortby=%s: %d %s", bad, r.status, r.body)
		}
	}
}

func TestOGCProperties(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	fc := getItems(t, s, "/ogc/collections/incidents/items?properties=title,date&limit=3")
	for _, f := range fc.Features {
		var keys []string
		for k := range f.Properties {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"date", "title"}) || f.ID == "" || len(f.Geometry) == 0 {
			t.Errorf("%s: properties %v", f.ID, keys)
		}
	}
	r := get(t, s, "/ogc/collections/incidents/items/2017-11-13-jsa?properties=date_start,sources_text")
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"properties":{"date_start":"2017-11-13","sources_text":"Test report`) || strings.Contains(string(r.body), `"title":"JSA`) {
		t.Errorf("feature with properties: %s", r.body)
	}
	if r := get(t, s, "/ogc/collections/incidents/items?properties=title,colour"); r.status != http.StatusBadRequest {
		t.Errorf("an unknown property: %d", r.status)
	}
	h := get(t, s, "/ogc/collections/incidents/items?properties=title&f=html")
	checkHTML(t, "items with properties", h)
}
