package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// ogcItems is an items answer of /ogc.
type ogcItems struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
	NumberMatched  *int   `json:"numberMatched"`
	NumberReturned *int   `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`
	Links          []link `json:"links"`
	Attribution    string `json:"attribution"`
}

func (fc ogcItems) ids() []string {
	out := []string{}
	for _, f := range fc.Features {
		out = append(out, f.ID)
	}
	return out
}

func (fc ogcItems) link(rel string) (link, bool) {
	for _, l := range fc.Links {
		if l.Rel == rel {
			return l, true
		}
	}
	return link{}, false
}

// getItems GETs an items URL and decodes the answer, strictly.
func getItems(t testing.TB, s *Server, url string) ogcItems {
	t.Helper()
	r := get(t, s, url)
	if r.status != http.StatusOK {
		t.Fatalf("%s: status %d, want 200; body %s", url, r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != data.ContentTypeGeoJSON {
		t.Fatalf("%s: Content-Type %q, want %q", url, ct, data.ContentTypeGeoJSON)
	}
	var fc ogcItems
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		t.Fatalf("%s: decoding the FeatureCollection: %v\n%s", url, err, r.body)
	}
	if fc.Type != "FeatureCollection" || fc.Features == nil || fc.NumberMatched == nil || fc.NumberReturned == nil || fc.TimeStamp == "" {
		t.Fatalf("%s: not a FeatureCollection with features, numberMatched, numberReturned and timeStamp: %s", url, r.body)
	}
	if *fc.NumberReturned != len(fc.Features) {
		t.Errorf("%s: numberReturned %d, %d features", url, *fc.NumberReturned, len(fc.Features))
	}
	for _, rel := range []string{"self", "alternate", "collection"} {
		if _, ok := fc.link(rel); !ok {
			t.Errorf("%s: no %s link in %+v", url, rel, fc.Links)
		}
	}
	return fc
}

// local turns an absolute link of the test server into a request path.
func local(t testing.TB, href string) string {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "http" || u.Host != "example.com" {
		t.Fatalf("link %q is not an absolute URL of the server", href)
	}
	return u.RequestURI()
}

func TestOGCLanding(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	r := get(t, s, "/ogc")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != contentTypeJSON {
		t.Fatalf("status %d, Content-Type %q; want 200, JSON", r.status, r.header.Get("Content-Type"))
	}
	var lp landingPage
	if err := json.Unmarshal(r.body, &lp); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"self": contentTypeJSON, "alternate": mediaHTML, "service-desc": ContentTypeOpenAPI,
		"service-doc": mediaHTML, "conformance": contentTypeJSON, "data": contentTypeJSON,
	}
	for _, l := range lp.Links {
		typ, ok := want[l.Rel]
		if !ok {
			t.Errorf("unexpected link %+v", l)
			continue
		}
		delete(want, l.Rel)
		if l.Type != typ {
			t.Errorf("%s link has type %q, want %q", l.Rel, l.Type, typ)
		}
		lr := get(t, s, local(t, l.Href))
		ct, _, _ := strings.Cut(lr.header.Get("Content-Type"), ";")
		wantCT, _, _ := strings.Cut(typ, ";")
		if lr.status != http.StatusOK || ct != wantCT {
			t.Errorf("%s link %s: status %d, Content-Type %q; want 200, %s", l.Rel, l.Href, lr.status, lr.header.Get("Content-Type"), typ)
		}
	}
	if len(want) > 0 {
		t.Errorf("the landing page lacks the links %v", want)
	}
}

func TestOGCConformance(t *testing.T) {
	s, _, _ := newTestServer(t, nil)
	var doc struct{ ConformsTo []string }
	if err := json.Unmarshal(get(t, s, "/ogc/conformance").body, &doc); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
		// Part 3 and CQL2 (ogc_filter.go).
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
		"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
		"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
		"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
		"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
		"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
		"http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
	}
	if !slices.Equal(doc.ConformsTo, want) {
		t.Errorf("conformsTo\n got %v\nwant %v", doc.ConformsTo, want)
	}
}

func TestOGCCollections(t *testing.T) {
	mdl := loadMDL(t)
	ins := fixture(mdl)
	s, store, _ := newTestServer(t, ins)
	var doc struct {
		Links       []link
		Collections []collectionDoc
	}
	if err := json.Unmarshal(get(t, s, "/ogc/collections").body, &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range doc.Collections {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"incidents", "crossings", "mdl"}) {
		t.Fatalf("collections %v, want incidents, crossings, mdl", ids)
	}

	var b orb.Bound
	for i, in := range ins {
		if i == 0 {
			b = in.Location.Bound()
		}
		b = b.Extend(in.Location)
	}
	mb := mdl.Line().Bound()
	interval := func(a, z string) [][2]*string { return [][2]*string{{&a, &z}} }
	cases := []struct {
		id       string
		bbox     [4]float64
		temporal [][2]*string
	}{
		{"incidents", [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}, interval("1962-05-28T00:00:00Z", "2025-07-31T23:59:59Z")},
		{"mdl", [4]float64{mb.Min[0], mb.Min[1], mb.Max[0], mb.Max[1]}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			r := get(t, s, "/ogc/collections/"+tc.id)
			var c collectionDoc
			if err := json.Unmarshal(r.body, &c); err != nil {
				t.Fatal(err)
			}
			if c.ID != tc.id || c.Extent == nil || c.Extent.Spatial == nil || len(c.Extent.Spatial.BBox) != 1 {
				t.Fatalf("collection %s: %s", tc.id, r.body)
			}
			if got := c.Extent.Spatial.BBox[0]; got != tc.bbox {
				t.Errorf("bbox %v, want %v", got, tc.bbox)
			}
			switch {
			case tc.temporal == nil && c.Extent.Temporal != nil:
				t.Errorf("temporal extent %s, want none", r.body)
			case tc.temporal != nil && (c.Extent.Temporal == nil || fmt.Sprint(deref(c.Extent.Temporal.Interval)) != fmt.Sprint(deref(tc.temporal))):
				t.Errorf("temporal extent in %s, want %v", r.body, deref(tc.temporal))
			}
			var items []string
			for _, l := range c.Links {
				if l.Rel == "items" {
					items = append(items, l.Type)
				}
			}
			if !slices.Equal(items, []string{data.ContentTypeGeoJSON, mediaHTML}) {
				t.Errorf("items links of types %v, want GeoJSON and HTML", items)
			}
		})
	}

	// The crossings' extent is that of their points, and follows writes.
	crossings := decodeCollection(t, get(t, s, "/api/crossings"))
	var cb orb.Bound
	for i, f := range crossings.Features {
		var g struct{ Coordinates orb.Point }
		json.Unmarshal(f.Geometry, &g)
		if i == 0 {
			cb = g.Coordinates.Bound()
		}
		cb = cb.Extend(g.Coordinates)
	}
	var c collectionDoc
	json.Unmarshal(get(t, s, "/ogc/collections/crossings").body, &c)
	if got, want := c.Extent.Spatial.BBox[0], [4]float64{cb.Min[0], cb.Min[1], cb.Max[0], cb.Max[1]}; got != want {
		t.Errorf("crossings bbox %v, want %v", got, want)
	}
	later := *ins[0]
	later.ID, later.Date = "2026-03-crossing", data.Date{Year: 2026, Month: 3}
	if _, err := store.Import([]*data.Incident{&later}, data.ImportOptions{Mode: data.ModeUpsert}); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(get(t, s, "/ogc/collections/incidents").body, &c)
	// An incident known only to March 2026 may have happened on the 31st.
	if got := *c.Extent.Temporal.Interval[0][1]; got != "2026-03-31T23:59:59Z" {
		t.Errorf("after a write, the temporal extent ends %s, want 2026-03-31T23:59:59Z", got)
	}
}

func deref(iv [][2]*string) []string {
	var out []string
	for _, p := range iv {
		for _, s := range p {
			if s == nil {
				out = append(out, "..")
			} else {
				out = append(out, *s)
			}
		}
	}
	return out
}

func TestOGCItems(t *testing.T) {
	mdl := loadMDL(t)
	s, _, _ := newTestServer(t, fixture(mdl))
	all := []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "1969-12-shooting", "1978-10-17-tunnel",
		"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}
	cases := []struct {
		query string
		ids   []string
	}{
		{"", all},
		{"datetime=../..", all},
		{"datetime=2017-11-13", []string{"2017-11-13-jsa"}},
		{"datetime=2017-11-13T23:30:00%2B09:00", []string{"2017-11-13-jsa"}},
		{"datetime=2017-11-13T00:00:00Z", []string{"2017-11-13-jsa"}},
		{"datetime=2017-11-12", []string{}},
		// A partial date is the whole month or year it names (issue 14:
		// datetime matches date_start/date_end): what meets it selects it.
		{"datetime=1965-01-01/1965-12-31", []string{"1965-us-soldier"}},
		{"datetime=1965-01-01", []string{"1965-us-soldier"}},
		{"datetime=1965-06-01/1965-12-31", []string{"1965-us-soldier"}},
		{"datetime=1965-12-31/1968-01-16", []string{"1965-us-soldier"}},
		{"datetime=1966-01-01/1968-01-16", []string{}},
		{"datetime=1969-12-01/1969-12-31", []string{"1969-12-shooting"}},
		{"datetime=1969-12-05", []string{"1969-12-shooting"}},
		{"datetime=1969-12-31T23:59:59Z/..", []string{"1969-12-shooting", "1978-10-17-tunnel", "2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}},
		{"datetime=1970-01-01/1978-10-16", []string{}},
		{"datetime=1969-11-30/1969-12-01", []string{"1969-12-shooting"}},
		{"datetime=../1965-01-01", []string{"1962-05-28-us-soldier", "1965-us-soldier"}},
		{"datetime=../1964-12-31", []string{"1962-05-28-us-soldier"}},
		{"datetime=2017-01-01/..", []string{"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}},
		{"datetime=2017-01-01/", []string{"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}},
		{"datetime=/1962-05-28", []string{"1962-05-28-us-soldier"}},
		{"datetime=1962-05-28T12:00:00Z/1968-01-17T00:00:00Z", []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid"}},
		{"bbox=128,38,129,39", []string{"1978-10-17-tunnel"}},
		{"bbox=128,38,129,39&datetime=1979-01-01/..", []string{}},
		{"type=crossing&direction=south_to_north", []string{"1962-05-28-us-soldier", "1965-us-soldier"}},
		{"type=tunnel,shooting", []string{"1969-12-shooting", "1978-10-17-tunnel"}},
		{"sector=jsa", []string{"2017-11-13-jsa"}},
		{"limit=2&offset=3", []string{"1969-12-shooting", "1978-10-17-tunnel"}},
		{"offset=8", []string{}},
		{"f=json&limit=10000", all},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			fc := getItems(t, s, "/ogc/collections/incidents/items?"+tc.query)
			if !slices.Equal(fc.ids(), tc.ids) {
				t.Errorf("ids\n got %v\nwant %v", fc.ids(), tc.ids)
			}
			if fc.Attribution != Attribution {
				t.Errorf("attribution %q", fc.Attribution)
			}
		})
	}

	// datetime over a year holds what year= holds on /api/incidents.
	for y := 1953; y <= 2026; y++ {
		got := getItems(t, s, fmt.Sprintf("/ogc/collections/incidents/items?datetime=%d-01-01/%d-12-31", y, y)).ids()
		want := decodeCollection(t, get(t, s, fmt.Sprintf("/api/incidents?year=%d", y))).ids()
		if !slices.Equal(got, want) {
			t.Errorf("datetime over %d: %v; year=%d: %v", y, got, y, want)
		}
	}
}

func TestOGCCrossingItems(t *testing.T) {
	mdl := loadMDL(t)
	s, _, _ := newTestServer(t, fixture(mdl))
	all := decodeCollection(t, get(t, s, "/api/crossings"))
	fc := getItems(t, s, "/ogc/collections/crossings/items")
	if !slices.Equal(fc.ids(), all.ids()) {
		t.Fatalf("crossings\n got %v\nwant %v", fc.ids(), all.ids())
	}
	// bbox selects crossing points by their own position: a small box
	// around the central crossing point, which is 3 km from the incident.
	var central orb.Point
	for _, f := range all.Features {
		if f.ID == "2017-06-13-central-x1" {
			var g struct{ Coordinates orb.Point }
			json.Unmarshal(f.Geometry, &g)
			central = g.Coordinates
		}
	}
	if central == (orb.Point{}) {
		t.Fatalf("no crossing 2017-06-13-central-x1 in %v", all.ids())
	}
	box := fmt.Sprintf("bbox=%g,%g,%g,%g", central[0]-0.001, central[1]-0.001, central[0]+0.001, central[1]+0.001)
	if got := getItems(t, s, "/ogc/collections/crossings/items?"+box).ids(); !slices.Equal(got, []string{"2017-06-13-central-x1"}) {
		t.Errorf("%s: %v, want the central crossing point", box, got)
	}
	if got := getItems(t, s, "/ogc/collections/crossings/items?"+box+"&sector=western").ids(); len(got) != 0 {
		t.Errorf("%s&sector=western: %v, want none", box, got)
	}
	if got := getItems(t, s, "/ogc/collections/crossings/items?datetime=2017-11-13").ids(); !slices.Equal(got, []string{"2017-11-13-jsa-x1"}) {
		t.Errorf("datetime=2017-11-13: %v", got)
	}
	page := getItems(t, s, "/ogc/collections/crossings/items?direction=north_to_south&limit=1&offset=1")
	if *page.NumberMatched != 4 || !slices.Equal(page.ids(), []string{"2017-06-13-central-x1"}) {
		t.Errorf("direction=north_to_south&limit=1&offset=1: matched %d, %v", *page.NumberMatched, page.ids())
	}

	r := get(t, s, "/ogc/collections/crossings/items/2017-06-13-central-x1")
	if r.status != http.StatusOK {
		t.Fatalf("one crossing: status %d: %s", r.status, r.body)
	}
	var f struct {
		ID    string
		Links []link
	}
	json.Unmarshal(r.body, &f)
	if f.ID != "2017-06-13-central-x1" || len(f.Links) != 3 {
		t.Errorf("one crossing: %s", r.body)
	}
}

func TestOGCMDLItems(t *testing.T) {
	mdl := loadMDL(t)
	s, _, _ := newTestServer(t, nil)
	cases := []struct {
		query   string
		matched int
		ids     []string
	}{
		{"", 1, []string{"mdl"}},
		{"bbox=126.5,37.5,127.5,38.5&type=crossing&datetime=2017-01-01", 1, []string{"mdl"}},
		{"bbox=130,30,131,31", 0, []string{}},
		{"offset=1", 1, []string{}},
	}
	for _, tc := range cases {
		fc := getItems(t, s, "/ogc/collections/mdl/items?"+tc.query)
		if *fc.NumberMatched != tc.matched || !slices.Equal(fc.ids(), tc.ids) {
			t.Errorf("%s: matched %d, %v; want %d, %v", tc.query, *fc.NumberMatched, fc.ids(), tc.matched, tc.ids)
		}
	}
	fc := getItems(t, s, "/ogc/collections/mdl/items")
	var g struct {
		Type        string
		Coordinates orb.LineString
	}
	json.Unmarshal(fc.Features[0].Geometry, &g)
	if g.Type != "LineString" || len(g.Coordinates) != len(mdl.Line()) {
		t.Errorf("the MDL item is a %s of %d positions, want a LineString of %d", g.Type, len(g.Coordinates), len(mdl.Line()))
	}
	if r := get(t, s, "/ogc/collections/mdl/items/mdl"); r.status != http.StatusOK {
		t.Errorf("/items/mdl: status %d", r.status)
	}
}

func TestOGCItemsErrors(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	cases := []struct {
		query, param string
	}{
		{"foo=1", "foo"},
		{"year=2017", "year"},
		{"q=raid", "q"},
		{"bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84", "bbox-crs"},
		{"limit=0", "limit"},
		{"limit=-1", "limit"},
		{"limit=1.5", "limit"},
		{"limit=ten", "limit"},
		{"limit=1&limit=2", "limit"},
		{"offset=-3", "offset"},
		{"datetime=2017", "datetime"},
		{"datetime=2017-11", "datetime"},
		{"datetime=2017-13-01", "datetime"},
		{"datetime=2017-02-30", "datetime"},
		{"datetime=2018-01-01/2017-01-01", "datetime"},
		{"datetime=2017-01-01/2017-02-01/2017-03-01", "datetime"},
		{"datetime=yesterday/..", "datetime"},
		{"bbox=1,2,3", "bbox"},
		{"bbox=126,37,127,38,0,1", "bbox"},
		{"type=ufo", "type"},
		{"f=xml", "f"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			r := get(t, s, "/ogc/collections/incidents/items?"+tc.query)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %s", r.status, r.body)
			}
			p := decodeProblem(t, r)
			if len(p.Errors) == 0 || p.Errors[0].Parameter != tc.param {
				t.Errorf("errors %+v, want one naming %s", p.Errors, tc.param)
			}
		})
	}
	// The other routes take the items' parameters (and ignore them), and
	// refuse others.
	for _, path := range []string{"/ogc", "/ogc/conformance", "/ogc/api", "/ogc/collections", "/ogc/collections/incidents", "/ogc/collections/incidents/items/2017-11-13-jsa"} {
		if r := get(t, s, path+"?datetime=1960-01-01/..&bbox=126,37,129,39&type=crossing&limit=5"); r.status != http.StatusOK {
			t.Errorf("%s with the items' parameters: status %d: %s", path, r.status, r.body)
		}
		for _, bad := range []string{"foo=1", "datetime=soon"} {
			if r := get(t, s, path+"?"+bad); r.status != http.StatusBadRequest {
				t.Errorf("%s?%s: status %d, want 400", path, bad, r.status)
			}
		}
	}
}

func TestOGCNotFound(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	cases := []struct{ path, param string }{
		{"/ogc/collections/airports", "collectionId"},
		{"/ogc/collections/airports/items", "collectionId"},
		{"/ogc/collections/airports/items/x", "collectionId"},
		{"/ogc/collections/incidents/items/2017-11-14-nothing", "featureId"},
		{"/ogc/collections/incidents/items/NOT%20AN%20ID", "featureId"},
		{"/ogc/collections/crossings/items/2017-06-13-central-x9", "featureId"},
		{"/ogc/collections/crossings/items/2017-06-13-central", "featureId"},
		{"/ogc/collections/crossings/items/1978-10-17-tunnel-x1", "featureId"},
		{"/ogc/collections/mdl/items/dmz", "featureId"},
	}
	for _, tc := range cases {
		for _, f := range []string{"", "?f=html"} {
			r := get(t, s, tc.path+f)
			if r.status != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", tc.path+f, r.status)
				continue
			}
			if p := decodeProblem(t, r); len(p.Errors) != 1 || p.Errors[0].Parameter != tc.param {
				t.Errorf("%s: errors %+v, want one naming %s", tc.path, p.Errors, tc.param)
			}
		}
	}
}

func TestOGCFeature(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	r := get(t, s, "/ogc/collections/incidents/items/2017-11-13-jsa")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != data.ContentTypeGeoJSON {
		t.Fatalf("status %d, Content-Type %q", r.status, r.header.Get("Content-Type"))
	}
	var f struct {
		Type       string
		ID         any
		Properties map[string]any
		Links      []link
	}
	if err := json.Unmarshal(r.body, &f); err != nil {
		t.Fatal(err)
	}
	if f.ID != "2017-11-13-jsa" || f.Properties["title"] != "JSA defection" {
		t.Errorf("feature %s", r.body)
	}
	var rels []string
	for _, l := range f.Links {
		rels = append(rels, l.Rel)
		if lr := get(t, s, local(t, l.Href)); lr.status != http.StatusOK {
			t.Errorf("%s link %s: status %d", l.Rel, l.Href, lr.status)
		}
	}
	if !slices.Equal(rels, []string{"self", "alternate", "collection"}) {
		t.Errorf("links %v, want self, alternate, collection", rels)
	}
	// The feature is the stored one, with the links and the GIS fields
	// (data.WithGISFields) added.
	stored := get(t, s, "/api/incidents/2017-11-13-jsa").body
	var a, b map[string]any
	json.Unmarshal(stored, &a)
	json.Unmarshal(r.body, &b)
	delete(b, "links")
	for _, k := range []string{"date_start", "date_end", "sources_text"} {
		delete(b["properties"].(map[string]any), k)
	}
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("the OGC feature differs from /api/incidents/{id}:\n%v\n%v", a, b)
	}
}

func TestOGCLimit(t *testing.T) {
	mdl := loadMDL(t)
	_, store, _ := newTestServer(t, fixture(mdl))
	s := New(store, mdl, nil, Config{MaxLimit: 3})
	s.now = func() time.Time { return testNow }
	cases := []struct {
		query    string
		returned int
	}{
		{"", 3}, // the default is 100, or the maximum when that is lower
		{"limit=2", 2},
		{"limit=3", 3},
		{"limit=4", 3},
		{"limit=99999999999999999999", 3},
	}
	for _, tc := range cases {
		fc := getItems(t, s, "/ogc/collections/incidents/items?"+tc.query)
		if *fc.NumberReturned != tc.returned || *fc.NumberMatched != 8 {
			t.Errorf("%s: returned %d of %d, want %d of 8", tc.query, *fc.NumberReturned, *fc.NumberMatched, tc.returned)
		}
	}

	// With the default maximum, the default page is 100.
	gen := data.Generate(250, 1, mdl)
	big, _, _ := newTestServer(t, gen)
	fc := getItems(t, big, "/ogc/collections/incidents/items")
	if *fc.NumberReturned != 100 || *fc.NumberMatched != 250 {
		t.Errorf("default page: %d of %d, want 100 of 250", *fc.NumberReturned, *fc.NumberMatched)
	}
	fc = getItems(t, big, "/ogc/collections/incidents/items?limit=10001")
	if *fc.NumberReturned != 250 {
		t.Errorf("limit=10001: %d, want all 250", *fc.NumberReturned)
	}
}

// pageThrough follows next links from first and returns the ids in order,
// checking each page's prev link.
func pageThrough(t *testing.T, s *Server, first string) ([]string, int) {
	t.Helper()
	var ids []string
	matched := -1
	next, pages := first, 0
	for next != "" {
		pages++
		if pages > 1000 {
			t.Fatalf("more than 1000 pages from %s", first)
		}
		fc := getItems(t, s, next)
		if matched == -1 {
			matched = *fc.NumberMatched
		} else if *fc.NumberMatched != matched {
			t.Errorf("%s: numberMatched %d, the first page said %d", next, *fc.NumberMatched, matched)
		}
		ids = append(ids, fc.ids()...)
		// prev goes back a page: from the second page, to the first.
		_, firstQuery, _ := strings.Cut(first, "?")
		fq, _ := url.ParseQuery(firstQuery)
		prev, hasPrev := fc.link("prev")
		if hasPrev != (pages > 1 || fq.Get("offset") != "") {
			t.Errorf("%s (page %d): prev link %v", next, pages, hasPrev)
		}
		if pages == 2 {
			_, prevQuery, _ := strings.Cut(local(t, prev.Href), "?")
			pq, _ := url.ParseQuery(prevQuery)
			if fq.Get("offset") == "" {
				fq.Set("offset", "0")
			}
			if pq.Encode() != fq.Encode() {
				t.Errorf("page 2's prev link %s does not go back to %s", prev.Href, first)
			}
		}
		next = ""
		if l, ok := fc.link("next"); ok {
			next = local(t, l.Href)
			if l.Type != data.ContentTypeGeoJSON {
				t.Errorf("next link of type %q", l.Type)
			}
		}
	}
	return ids, matched
}

func TestOGCPaging(t *testing.T) {
	mdl := loadMDL(t)
	gen := data.Generate(250, 7, mdl)
	s, _, _ := newTestServer(t, gen)
	cases := []string{
		"/ogc/collections/incidents/items",
		"/ogc/collections/incidents/items?limit=7",
		"/ogc/collections/incidents/items?datetime=1970-01-01/2000-12-31&limit=9&type=crossing,shooting&bbox=126,37,129,39",
		"/ogc/collections/incidents/items?offset=5&limit=50",
		"/ogc/collections/crossings/items?limit=11",
		"/ogc/collections/crossings/items?limit=4&bbox=126.5,37.5,127.5,38.5&direction=north_to_south",
	}
	for _, first := range cases {
		t.Run(first, func(t *testing.T) {
			ids, matched := pageThrough(t, s, first)
			seen := map[string]bool{}
			for _, id := range ids {
				if seen[id] {
					t.Errorf("%s visited twice", id)
				}
				seen[id] = true
			}
			want := matched
			if strings.Contains(first, "offset=5") {
				want -= 5
			}
			if len(ids) != want || matched == 0 {
				t.Errorf("visited %d features; numberMatched %d", len(ids), matched)
			}
		})
	}
}

// htmlFixture is the fixture with markup in an incident's text.
func htmlFixture(mdl *geo.MDL) []*data.Incident {
	ins := fixture(mdl)
	ins[6].Title = `<script>alert("x")</script> & <b>JSA</b>`
	ins[6].Summary = `He said "run" & ran <img src=x onerror=alert(1)>`
	return ins
}

func TestOGCHTML(t *testing.T) {
	s, _, _ := newTestServer(t, htmlFixture(loadMDL(t)))
	paths := []string{
		"/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/incidents", "/ogc/collections/incidents/items",
		"/ogc/collections/incidents/items/2017-11-13-jsa", "/ogc/collections/crossings/items", "/ogc/collections/mdl/items",
		"/ogc/api", "/ogc/api.html",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			r := get(t, s, p+sep+"f=html")
			if p == "/ogc/api.html" {
				r = get(t, s, p)
			}
			checkHTML(t, p, r)
			if p == "/ogc/api" || p == "/ogc/api.html" {
				return
			}
			// Every link of the JSON answer is in the page.
			var doc struct{ Links []link }
			json.Unmarshal(get(t, s, p).body, &doc)
			page := string(r.body)
			for _, l := range doc.Links {
				if l.Rel == "self" || l.Rel == "alternate" {
					continue
				}
				if !strings.Contains(page, `href="`+html.EscapeString(l.Href)+`"`) {
					t.Errorf("the page lacks the %s link %s", l.Rel, l.Href)
				}
			}
		})
	}

	r := get(t, s, "/ogc/collections/incidents/items?type=crossing&f=html")
	page := string(r.body)
	for _, want := range []string{
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;JSA&lt;/b&gt;`,
		`He said &#34;run&#34; &amp; ran &lt;img src=x onerror=alert(1)&gt;`,
		`<a href="https://example.org/2017-11-13-jsa">https://example.org/2017-11-13-jsa</a>`,
		`<a href="/ogc/collections/incidents/items/2017-11-13-jsa?f=html">2017-11-13-jsa</a>`,
		`Features 1 to 5 of 5`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the items page lacks %s", want)
		}
	}
}

// checkHTML checks that r is a whole HTML page with no script.
func checkHTML(t *testing.T, what string, r response) {
	t.Helper()
	if r.status != http.StatusOK || r.header.Get("Content-Type") != contentTypeHTML {
		t.Fatalf("%s: status %d, Content-Type %q; want 200, %s", what, r.status, r.header.Get("Content-Type"), contentTypeHTML)
	}
	page := string(r.body)
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(page), "</html>") {
		t.Errorf("%s: not a whole HTML page", what)
	}
	for _, bad := range []string{"<script", "<img", "<b>", "style=", "<style"} {
		if strings.Contains(page, bad) {
			t.Errorf("%s: the page holds %q", what, bad)
		}
	}
}

func TestOGCNegotiation(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	cases := []struct {
		accept, query, want string
	}{
		{"", "", data.ContentTypeGeoJSON},
		{"*/*", "", data.ContentTypeGeoJSON},
		{"application/geo+json, application/json", "", data.ContentTypeGeoJSON},
		{"text/html", "", contentTypeHTML},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "", contentTypeHTML},
		{"application/json;q=0.5, text/html", "", contentTypeHTML},
		{"text/html;q=0.5, application/json", "", data.ContentTypeGeoJSON},
		{"application/xml", "", data.ContentTypeGeoJSON},
		{"text/html", "?f=json", data.ContentTypeGeoJSON},
		{"application/json", "?f=html", contentTypeHTML},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(http.MethodGet, "/ogc/collections/incidents/items"+tc.query, nil)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		r := do(t, s, req)
		if ct := r.header.Get("Content-Type"); r.status != http.StatusOK || ct != tc.want {
			t.Errorf("Accept %q%s: status %d, Content-Type %q; want %s", tc.accept, tc.query, r.status, ct, tc.want)
		}
		if !strings.Contains(r.header.Get("Vary"), "Accept") {
			t.Errorf("Accept %q: Vary %q lacks Accept", tc.accept, r.header.Get("Vary"))
		}
	}
}

// TestOpenAPI checks the OpenAPI document of the whole service: the fields
// OpenAPI 3.0 requires, every $ref resolving, and every route of the app
// described (and every operation described served).
func TestOpenAPI(t *testing.T) {
	s, _, _ := newTestServer(t, nil)
	r := get(t, s, "/api/openapi.json")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != ContentTypeOpenAPI {
		t.Fatalf("status %d, Content-Type %q; want 200, %s", r.status, r.header.Get("Content-Type"), ContentTypeOpenAPI)
	}
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	m := func(v any) map[string]any { x, _ := v.(map[string]any); return x }

	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.0.") {
		t.Errorf("openapi %q, want 3.0.x", v)
	}
	info := m(doc["info"])
	if info["title"] == "" || info["title"] == nil || info["version"] == "" || info["version"] == nil {
		t.Errorf("info %v lacks a title or a version", info)
	}
	if l := m(info["license"]); l != nil && l["name"] == nil {
		t.Errorf("info.license has no name")
	}

	// Every $ref resolves.
	resolve := func(ref string) any {
		if !strings.HasPrefix(ref, "#/") {
			return nil
		}
		var cur any = doc
		for _, part := range strings.Split(ref[2:], "/") {
			part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
			cur = m(cur)[part]
			if cur == nil {
				return nil
			}
		}
		return cur
	}
	refs := 0
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				refs++
				if resolve(ref) == nil {
					t.Errorf("%s: $ref %s does not resolve", path, ref)
				}
			}
			for k, e := range x {
				walk(path+"/"+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s/%d", path, i), e)
			}
		}
	}
	walk("#", doc)
	if refs < 50 {
		t.Errorf("only %d $refs: is the walk broken?", refs)
	}
	deref := func(v any) map[string]any {
		x := m(v)
		if ref, ok := x["$ref"].(string); ok {
			return m(resolve(ref))
		}
		return x
	}

	// Paths, operations, parameters and responses.
	schemes := m(m(doc["components"])["securitySchemes"])
	if b := m(schemes["bearerAuth"]); b["type"] != "http" || b["scheme"] != "bearer" {
		t.Errorf("securitySchemes.bearerAuth %v, want http bearer", b)
	}
	paths := m(doc["paths"])
	operationIDs := map[string]string{}
	described := map[string]bool{}
	for p, item := range paths {
		if !strings.HasPrefix(p, "/") {
			t.Errorf("path %q does not start with /", p)
		}
		for method, v := range m(item) {
			op := m(v)
			where := strings.ToUpper(method) + " " + p
			if !slices.Contains([]string{"get", "put", "post", "delete", "patch"}, method) || op == nil {
				t.Errorf("%s: not an operation", where)
				continue
			}
			described[where] = true
			id, _ := op["operationId"].(string)
			if id == "" || operationIDs[id] != "" {
				t.Errorf("%s: operationId %q missing or also on %s", where, id, operationIDs[id])
			}
			operationIDs[id] = where
			responses := m(op["responses"])
			if len(responses) == 0 {
				t.Errorf("%s: no responses", where)
			}
			for code, rv := range responses {
				if resp := deref(rv); resp["description"] == nil {
					t.Errorf("%s: response %s has no description", where, code)
				}
			}
			inPath := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, pv := range params {
				pm := deref(pv)
				name, _ := pm["name"].(string)
				in, _ := pm["in"].(string)
				if name == "" || !slices.Contains([]string{"query", "header", "path", "cookie"}, in) || (pm["schema"] == nil && pm["content"] == nil) {
					t.Errorf("%s: parameter %v lacks a name, a valid in or a schema", where, pm)
				}
				if in == "path" {
					inPath[name] = true
					if pm["required"] != true || !strings.Contains(p, "{"+name+"}") {
						t.Errorf("%s: path parameter %s is not required or not in the path", where, name)
					}
				}
			}
			for _, seg := range strings.Split(p, "/") {
				if strings.HasPrefix(seg, "{") && !inPath[strings.Trim(seg, "{}")] {
					t.Errorf("%s: the path parameter %s is not declared", where, seg)
				}
			}
			if sec, ok := op["security"].([]any); ok {
				for _, req := range sec {
					for name := range m(req) {
						if schemes[name] == nil {
							t.Errorf("%s: security scheme %s is not defined", where, name)
						}
					}
				}
			}
		}
	}

	// Every route of the app is described, and every operation served.
	served := map[string]bool{}
	for _, rt := range s.App().GetRoutes(true) {
		if rt.Method == http.MethodHead || rt.Method == http.MethodOptions || rt.Method == http.MethodConnect || rt.Method == http.MethodTrace {
			continue
		}
		var segs []string
		for _, seg := range strings.Split(rt.Path, "/") {
			switch {
			case strings.HasPrefix(seg, ":"):
				seg = "{" + strings.TrimSuffix(seg[1:], "?") + "}"
			case seg == "*":
				seg = "{path}"
			}
			segs = append(segs, seg)
		}
		where := rt.Method + " " + strings.Join(segs, "/")
		served[where] = true
		if !described[where] {
			t.Errorf("%s (route %s) is not described in the OpenAPI document", where, rt.Path)
		}
	}
	for where := range described {
		if !served[where] {
			t.Errorf("%s is described but not served", where)
		}
	}

	// The items' limit says its default and maximum.
	for _, maxLimit := range []int{0, 500, 50} {
		ms := New(s.store, s.mdl, nil, Config{MaxLimit: maxLimit})
		var d map[string]any
		json.Unmarshal(get(t, ms, "/ogc/api").body, &d)
		limit := m(m(m(m(d["components"])["parameters"])["limit"])["schema"])
		want := cmp.Or(maxLimit, DefaultMaxLimit)
		if limit["maximum"] != float64(want) || limit["default"] != float64(min(100, want)) || limit["minimum"] != float64(1) {
			t.Errorf("MaxLimit %d: the items' limit is %v, want minimum 1, maximum %d, default %d", maxLimit, limit, want, min(100, want))
		}
	}

	checkHTML(t, "/ogc/api.html", get(t, s, "/ogc/api.html"))
	page := string(get(t, s, "/ogc/api.html").body)
	for where := range described {
		method, p, _ := strings.Cut(where, " ")
		if !strings.Contains(page, method+" "+p) {
			t.Errorf("the API page does not show %s", where)
		}
	}
}
