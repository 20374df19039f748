package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestOGCQueryables(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	for _, id := range []string{"incidents", "crossings", "mdl"} {
		r := get(t, s, "/ogc/collections/"+id+"/queryables")
		if r.status != http.StatusOK || r.header.Get("Content-Type") != contentTypeSchema {
			t.Fatalf("%s: %d %s", id, r.status, r.header.Get("Content-Type"))
		}
		var doc struct {
			Schema     string                    `json:"$schema"`
			ID         string                    `json:"$id"`
			Type       string                    `json:"type"`
			Properties map[string]map[string]any `json:"properties"`
			Sortables  []string                  `json:"x-ogc-sortables"`
		}
		if err := json.Unmarshal(r.body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Type != "object" || !strings.Contains(doc.Schema, "json-schema.org") || doc.ID != "http://example.com/ogc/collections/"+id+"/queryables" {
			t.Errorf("%s: %s", id, r.body)
		}
		if doc.Properties["geometry"]["x-ogc-role"] != "primary-geometry" {
			t.Errorf("%s: geometry %v", id, doc.Properties["geometry"])
		}
		for _, name := range doc.Sortables {
			if doc.Properties[name]["x-ogc-sortable"] != true {
				t.Errorf("%s: %s is listed sortable but not marked", id, name)
			}
		}
	}
	var coll struct{ Links []link }
	json.Unmarshal(get(t, s, "/ogc/collections/incidents").body, &coll)
	found := false
	for _, l := range coll.Links {
		found = found || (l.Rel == relQueryables && l.Href == "http://example.com/ogc/collections/incidents/queryables")
	}
	if !found {
		t.Errorf("the collection has no queryables link: %v", coll.Links)
	}
	if r := get(t, s, "/ogc/collections/nope/queryables"); r.status != http.StatusNotFound {
		t.Errorf("queryables of no collection: %d", r.status)
	}
}

func TestOGCFilter(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	items := func(c string, params ...string) ogcItems {
		t.Helper()
		v := url.Values{}
		for i := 0; i < len(params); i += 2 {
			v.Set(params[i], params[i+1])
		}
		return getItems(t, s, "/ogc/collections/"+c+"/items?"+v.Encode())
	}
	cases := []struct {
		collection string
		params     []string
		ids        []string
	}{
		{"incidents", []string{"filter", "type = 'crossing' AND date >= '2017-01-01'"}, []string{"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}},
		{"incidents", []string{"filter", `{"op":"and","args":[{"op":"=","args":[{"property":"type"},"crossing"]},{"op":">=","args":[{"property":"date"},"2017-01-01"]}]}`, "filter-lang", "cql2-json"},
			[]string{"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}},
		{"incidents", []string{"filter", "type IN ('tunnel','shooting') OR title LIKE '%JSA%'"}, []string{"1969-12-shooting", "1978-10-17-tunnel", "2017-11-13-jsa"}},
		{"incidents", []string{"filter", "NOT (direction = 'north_to_south') AND date_precision <> 'day'"}, []string{"1965-us-soldier", "1969-12-shooting"}},
		{"incidents", []string{"filter", "date_end BETWEEN '1965-06-01' AND '1970-01-01'"}, []string{"1965-us-soldier", "1968-01-17-raid", "1969-12-shooting"}},
		{"incidents", []string{"filter", "sources_text LIKE '%example.org/1962%'"}, []string{"1962-05-28-us-soldier"}},
		{"incidents", []string{"filter", "S_INTERSECTS(geometry, BBOX(128, 38, 129, 39))"}, []string{"1978-10-17-tunnel"}},
		{"incidents", []string{"filter", "S_INTERSECTS(geometry, POINT(126.6767 37.9558))"}, []string{"2017-11-13-jsa"}},
		{"incidents", []string{"filter", "S_INTERSECTS(geometry, POLYGON((126.8 38.0, 126.9 38.0, 126.9 38.1, 126.8 38.0)))"}, []string{"1962-05-28-us-soldier", "1965-us-soldier"}},
		{"incidents", []string{"filter", "S_INTERSECTS(geometry, POLYGON((126.8 38.0, 126.9 38.1, 126.8 38.1, 126.8 38.0)))"}, []string{}},
		{"incidents", []string{"filter", "T_INTERSECTS(date, INTERVAL('1965-06-01', '1969-12-05'))"}, []string{"1965-us-soldier", "1968-01-17-raid", "1969-12-shooting"}},
		{"incidents", []string{"filter", "T_BEFORE(date, DATE('1965-12-31'))"}, []string{"1962-05-28-us-soldier"}},
		{"incidents", []string{"filter", "T_AFTER(date, DATE('2025-06-30'))"}, []string{"2025-07-guiding-operation"}},
		{"incidents", []string{"filter", "persons_count = 1 AND note IS NULL"}, []string{}},
		{"incidents", []string{"filter", "type = 'crossing'", "bbox", "126.8,37.9,127,38.1", "datetime", "1960-01-01/1970-12-31"}, []string{"1962-05-28-us-soldier", "1965-us-soldier"}},
		{"incidents", []string{"filter", "type = 'crossing'", "limit", "2", "offset", "1"}, []string{"1965-us-soldier", "2017-06-13-central"}},
		{"incidents", []string{"filter", "type = 'crossing'", "bbox", "127,30,126.9,40"}, []string{"1962-05-28-us-soldier", "1965-us-soldier", "2017-06-13-central", "2017-11-13-jsa"}},
		{"crossings", []string{"filter", "estimated = false"}, []string{"2017-06-13-central-x1"}},
		{"crossings", []string{"filter", "type = 'crossing' AND date >= '2017-01-01' AND sector = 'jsa'"}, []string{"2017-11-13-jsa-x1"}},
		{"mdl", []string{"filter", "S_INTERSECTS(geometry, BBOX(126, 37, 129, 39))"}, []string{"mdl"}},
		{"mdl", []string{"filter", "length_km < 1"}, []string{}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.params, " "), func(t *testing.T) {
			fc := items(tc.collection, tc.params...)
			if !slices.Equal(fc.ids(), tc.ids) {
				t.Errorf("ids\n got %v\nwant %v", fc.ids(), tc.ids)
			}
			if next, ok := fc.link("next"); ok {
				if u := local(t, next.Href); !strings.Contains(u, "filter=") {
					t.Errorf("the next link %s drops the filter", u)
				}
			}
		})
	}
	// numberMatched counts what the filter selects, not what the index did.
	fc := items("incidents", "filter", "title LIKE '%o%' AND type = 'crossing'", "limit", "1")
	if *fc.NumberMatched != 5 || len(fc.Features) != 1 {
		t.Errorf("numberMatched %d, %d features; want 5, 1", *fc.NumberMatched, len(fc.Features))
	}
	// The filter is kept by the other routes, and ignored there.
	if r := get(t, s, "/ogc/collections?filter="+url.QueryEscape("type = 'x'")); r.status != http.StatusOK {
		t.Errorf("collections with a filter: %d", r.status)
	}

	// Errors: 400 problems naming the parameter, the position in the message.
	for _, tc := range []struct {
		params  []string
		param   string
		message string
	}{
		{[]string{"filter", "type = 'crossing' AND"}, "filter", "at character 22"},
		{[]string{"filter", "type = 'crossing' AND date >= "}, "filter", "at character 31"},
		{[]string{"filter", `{"op":"=","args":[{"property":"type"}]}`, "filter-lang", "cql2-json"}, "filter", "at /args"},
		{[]string{"filter", "colour = 'red'"}, "filter", `"colour" is not queryable in incidents`},
		{[]string{"filter", "type = 'x'", "filter-lang", "cql-text"}, "filter-lang", "not a filter language"},
		{[]string{"filter", "type = 'x'", "filter-crs", "http://www.opengis.net/def/crs/EPSG/0/4326"}, "filter-crs", "not supported"},
		{[]string{"filter-lang", "cql2-text"}, "filter-lang", "without a filter"},
	} {
		v := url.Values{}
		for i := 0; i < len(tc.params); i += 2 {
			v.Set(tc.params[i], tc.params[i+1])
		}
		r := get(t, s, "/ogc/collections/incidents/items?"+v.Encode())
		if r.status != http.StatusBadRequest {
			t.Errorf("%v: status %d, want 400", tc.params, r.status)
			continue
		}
		p := decodeProblem(t, r)
		if len(p.Errors) != 1 || p.Errors[0].Parameter != tc.param || !strings.Contains(p.Errors[0].Message, tc.message) {
			t.Errorf("%v: %+v, want %s: …%s…", tc.params, p.Errors, tc.param, tc.message)
		}
	}
}
