package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

// TestJSONMeansOneThing sends bodies encoding/json would read in a way the
// sender may not have meant: each is refused with a problem that names the
// field (or the body and the byte offset), and nothing is stored.
func TestJSONMeansOneThing(t *testing.T) {
	s, store, _ := newConfigServer(t, Config{Token: hostileToken}, fixture(loadMDL(t)))
	etag := get(t, s, "/api/incidents/2017-11-13-jsa").header.Get("ETag")
	fc := func(features ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
	}
	const post, imp, patch = "/api/incidents", "/api/import", "/api/incidents/2017-11-13-jsa"
	deep := strings.Repeat("[", 40) + strings.Repeat("]", 40)
	cases := []struct {
		name, target, contentType, body string
		status                          int
		field                           string
		want                            string
	}{
		{"trailing object", post, data.ContentTypeGeoJSON, hostileFeature + "}{", 400, "body", "more than one value"},
		{"trailing bracket", post, data.ContentTypeGeoJSON, hostileFeature + "]", 400, "body", "more than one value"},
		{"trailing value", post, data.ContentTypeGeoJSON, hostileFeature + ` {"type":"Feature"}`, 400, "body", "more than one value"},
		{"import trailing", imp, data.ContentTypeGeoJSON, fc(hostileFeature) + "]", 400, "body", "more than one value"},
		{"patch trailing", patch, ContentTypeMergePatch, `{"properties":{"title":"x"}}}`, 400, "body", "more than one value"},
		{"unpaired high surrogate", post, data.ContentTypeGeoJSON, with(`"Soldier defects`, `"Soldier \ud800 defects`), 400, "title", "unpaired surrogate"},
		{"unpaired low surrogate", post, data.ContentTypeGeoJSON, with(`"Soldier defects`, `"Soldier \udc00 defects`), 400, "title", "unpaired surrogate"},
		{"reversed pair", post, data.ContentTypeGeoJSON, with(`"Soldier defects`, `"Soldier \udc00\ud800 defects`), 400, "title", "unpaired surrogate"},
		{"surrogate in a source", post, data.ContentTypeGeoJSON, with(`"Report"`, `"Re\ud83dport"`), 400, "sources[0].title", "unpaired surrogate"},
		{"patch surrogate", patch, ContentTypeMergePatch, `{"properties":{"title":"\ud800"}}`, 400, "title", "unpaired surrogate"},
		{"import surrogate", imp, data.ContentTypeGeoJSON, fc(with(`"Soldier defects`, `"\udfff`)), 400, "features[0].properties.title", "unpaired surrogate"},
		{"NaN", post, data.ContentTypeGeoJSON, with(`[126.6767,37.9558]`, `[NaN,37.9558]`), 400, "geometry.coordinates[0]", "NaN"},
		{"Infinity", post, data.ContentTypeGeoJSON, with(`"location_precision_m":100`, `"location_precision_m":Infinity`), 400, "location_precision_m", "Infinity"},
		{"-Infinity", post, data.ContentTypeGeoJSON, with(`[126.6767,37.9558]`, `[126.6767,-Infinity]`), 400, "geometry.coordinates[1]", "-Infinity"},
		{"too deep", post, data.ContentTypeGeoJSON, with(`"tags":["jsa"]`, `"tags":`+deep), 400, "tags", "depth"},
		{"invalid UTF-8", post, data.ContentTypeGeoJSON, with(`"Soldier defects`, "\"Soldier \xff defects"), 400, "title", "byte"},
		{"duplicate id", post, data.ContentTypeGeoJSON, with(`"id":"2017-11-13-hostile"`, `"id":"2017-11-13-hostile","id":"2017-11-13-jsa"`), 400, "id", "twice"},
		{"ID for id", post, data.ContentTypeGeoJSON, with(`"id":"2017-11-13-hostile"`, `"id":"2017-11-13-hostile","ID":"2017-11-13-jsa"`), 400, "ID", "case-sensitive"},
		{"ID alone", post, data.ContentTypeGeoJSON, with(`"id":"2017-11-13-hostile"`, `"ID":"2017-11-13-hostile"`), 400, "ID", "case-sensitive"},
		{"Title", post, data.ContentTypeGeoJSON, with(`"title"`, `"Title"`), 400, "Title", "case-sensitive"},
		{"duplicate title", post, data.ContentTypeGeoJSON, with(`"title":"Soldier defects at the JSA"`, `"title":"a","title":"b"`), 400, "title", "twice"},
		{"import ID", imp, data.ContentTypeGeoJSON, fc(with(`"id":"2017-11-13-hostile"`, `"ID":"2017-11-13-hostile"`)), 422, "ID", "case-sensitive"},
		{"patch ID", patch, ContentTypeMergePatch, `{"ID":"2017-11-13-other"}`, 400, "ID", "case-sensitive"},
		{"patch Properties", patch, ContentTypeMergePatch, `{"Properties":{"title":"x"}}`, 400, "Properties", "case-sensitive"},
		{"GeometryCollection", post, data.ContentTypeGeoJSON, with(`{"type":"Point","coordinates":[126.6767,37.9558]}`,
			`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[126.6767,37.9558]}]}`), 422, "geometry", "Point"},
		{"id taken", post, data.ContentTypeGeoJSON, with(`"id":"2017-11-13-hostile"`, `"id":"2017-11-13-jsa"`), 409, "id", "already exists"},
	}
	before, _ := store.Count()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := "POST"
			if tc.target == patch {
				method = "PATCH"
			}
			r := request(t, s, method, tc.target, tc.body, "Authorization", "Bearer "+hostileToken,
				"Content-Type", tc.contentType, "If-Match", etag)
			checkProblem(t, r, tc.status, tc.want)
			var p struct {
				Errors []struct{ Field, Message string }
			}
			json.Unmarshal(r.body, &p)
			named := false
			for _, e := range p.Errors {
				named = named || e.Field == tc.field || (tc.want == "depth" && strings.HasPrefix(e.Field, tc.field+"["))
			}
			if !named {
				t.Errorf("errors %+v do not name %q", p.Errors, tc.field)
			}
		})
	}
	if after, _ := store.Count(); after != before {
		t.Errorf("%d incidents stored by refused bodies", after-before)
	}
	if r := get(t, s, "/api/incidents/2017-11-13-jsa"); r.header.Get("ETag") != etag {
		t.Errorf("a refused patch changed the incident")
	}
	// A paired surrogate is a character and is kept.
	r := request(t, s, "POST", post, with(`"Soldier defects`, `"Soldier \ud83d\ude00 defects`),
		"Authorization", "Bearer "+hostileToken, "Content-Type", data.ContentTypeGeoJSON)
	if r.status != 201 || !strings.Contains(string(r.body), "Soldier 😀 defects") {
		t.Errorf("a paired surrogate: %d %.300s", r.status, r.body)
	}
}

// TestClientTimesIgnored posts, imports as GeoJSON and imports as CSV
// incidents that claim a created and updated in 1990: the store sets both.
func TestClientTimesIgnored(t *testing.T) {
	s, _, _ := newConfigServer(t, Config{Token: hostileToken}, fixture(loadMDL(t)))
	old := time.Date(1990, 1, 2, 3, 4, 5, 0, time.UTC)
	mk := func(id string) *data.Incident {
		in := importSet(t, nil)[0]
		in.ID, in.Created, in.Updated = id, old, old
		return in
	}
	send := []struct{ name, target, contentType, body, id string }{
		{"POST", "/api/incidents", data.ContentTypeGeoJSON, encoded(t, mk("times-post")), "times-post"},
		{"GeoJSON import", "/api/import", data.ContentTypeGeoJSON, collectionOf(t, []*data.Incident{mk("times-geojson")}), "times-geojson"},
		{"CSV import", "/api/import", "text/csv", csvOf(t, []*data.Incident{mk("times-csv")}), "times-csv"},
	}
	for _, tc := range send {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(tc.body, "1990-01-02") {
				t.Fatalf("the body does not carry the client's times: %.300s", tc.body)
			}
			r := request(t, s, "POST", tc.target, tc.body, "Authorization", "Bearer "+hostileToken, "Content-Type", tc.contentType)
			if r.status != 201 && r.status != 200 {
				t.Fatalf("status %d: %.300s", r.status, r.body)
			}
			got := get(t, s, "/api/incidents/"+tc.id)
			var f struct {
				Properties struct{ Created, Updated time.Time }
			}
			if err := json.Unmarshal(got.body, &f); err != nil {
				t.Fatal(err)
			}
			if f.Properties.Created.Year() == 1990 || f.Properties.Updated.Year() == 1990 || f.Properties.Created.IsZero() {
				t.Errorf("stored created %v, updated %v: the client's times were kept", f.Properties.Created, f.Properties.Updated)
			}
		})
	}
}

func encoded(t *testing.T, in *data.Incident) string {
	t.Helper()
	b, err := data.EncodeFeature(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
