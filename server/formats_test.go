package server

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"html"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

// seededServer returns a server over the embedded seed dataset.
func seededServer(t testing.TB) (*Server, *data.Store, []*data.Incident) {
	t.Helper()
	seed, err := data.SeedIncidents(loadMDL(t))
	if err != nil {
		t.Fatalf("SeedIncidents: %v", err)
	}
	s, store, _ := newTestServer(t, seed)
	return s, store, seed
}

func TestExportFormats(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	cases := []struct {
		url, contentType, file string
		api                    string // the same filter on /api/incidents
	}{
		{"/api/export.geojson?year=2017", data.ContentTypeGeoJSON, "dmz-incidents-2017.geojson", "/api/incidents?year=2017"},
		{"/api/export.csv?year=2017", "text/csv; charset=utf-8", "dmz-incidents-2017.csv", "/api/incidents?year=2017"},
		{"/api/export.kml?year=2017", "application/vnd.google-earth.kml+xml", "dmz-incidents-2017.kml", "/api/incidents?year=2017"},
		{"/api/export?year=2017", data.ContentTypeGeoJSON, "dmz-incidents-2017.geojson", "/api/incidents?year=2017"},
		{"/api/export?format=geojson&year=2017", data.ContentTypeGeoJSON, "dmz-incidents-2017.geojson", "/api/incidents?year=2017"},
		{"/api/export?format=csv&year=2017", "text/csv; charset=utf-8", "dmz-incidents-2017.csv", "/api/incidents?year=2017"},
		{"/api/export?year=2017&format=kml", "application/vnd.google-earth.kml+xml", "dmz-incidents-2017.kml", "/api/incidents?year=2017"},
		{"/api/export.csv?type=crossing&from=1990", "text/csv; charset=utf-8", "dmz-incidents-1990-2026-crossing.csv", "/api/incidents?type=crossing&from=1990"},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			r := get(t, s, tc.url)
			if r.status != http.StatusOK {
				t.Fatalf("status %d; body %s", r.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != tc.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			if cd, want := r.header.Get("Content-Disposition"), `attachment; filename="`+tc.file+`"`; cd != want {
				t.Errorf("Content-Disposition %q, want %q", cd, want)
			}
			var n int
			switch {
			case strings.Contains(tc.contentType, "csv"):
				rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
				if err != nil {
					t.Fatalf("the CSV does not parse: %v", err)
				}
				if !slices.Equal(rows[0], data.CSVHeader()) {
					t.Errorf("header %v, want data.CSVHeader()", rows[0])
				}
				n = len(rows) - 1
			case strings.Contains(tc.contentType, "kml"):
				n = len(decodeKML(t, r.body).Document.Placemarks)
			default:
				n = len(decodeCollection(t, r).Features)
			}
			api := decodeCollection(t, get(t, s, tc.api))
			if n != len(api.Features) || n == 0 {
				t.Errorf("%d incidents exported, /api/incidents has %d", n, len(api.Features))
			}
		})
	}

	for _, bad := range []struct{ url, param string }{
		{"/api/export?format=shp", "format"},
		{"/api/export?format=csv&format=kml", "format"},
		{"/api/export.csv?format=csv", "format"},
		{"/api/export.kml?f=kml", "f"},
		{"/api/export.csv?year=1800", "year"},
	} {
		r := get(t, s, bad.url)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad.url, r.status)
			continue
		}
		if p := decodeProblem(t, r); len(p.Errors) != 1 || p.Errors[0].Parameter != bad.param {
			t.Errorf("%s: errors %+v, want one naming %s", bad.url, p.Errors, bad.param)
		}
		if cd := r.header.Get("Content-Disposition"); cd != "" {
			t.Errorf("%s: a problem with Content-Disposition %q", bad.url, cd)
		}
	}
}

// normalized clears what an import ignores or the store sets, so that
// incidents compare by what they say.
func normalized(in *data.Incident) data.Incident {
	c := *in
	c.Created, c.Updated = time.Time{}, time.Time{}
	if len(c.Tags) == 0 {
		c.Tags = nil
	}
	if len(c.Path) == 0 {
		c.Path = nil
	}
	return c
}

// TestExportCSVRoundTrip exports the seed as CSV and imports it back: the
// same incidents.
func TestExportCSVRoundTrip(t *testing.T) {
	s, store, seed := seededServer(t)
	r := get(t, s, "/api/export.csv")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	got, err := data.DecodeCSV(bytes.NewReader(r.body), loadMDL(t))
	if err != nil {
		t.Fatalf("the CSV export does not import: %v", err)
	}
	if len(got) != len(seed) {
		t.Fatalf("%d incidents imported back, the seed has %d", len(got), len(seed))
	}
	for _, in := range got {
		stored, err := store.Get(in.ID)
		if err != nil {
			t.Errorf("%s: %v", in.ID, err)
			continue
		}
		if a, b := normalized(in), normalized(stored); !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs after the round trip:\n got %+v\nwant %+v", in.ID, a, b)
		}
	}

	// Each row carries its incident's sources.
	rows, _ := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	col := slices.Index(rows[0], "source1_url")
	for _, row := range rows[1:] {
		if !strings.HasPrefix(row[col], "http") {
			t.Errorf("row %s has no source URL: %q", row[0], row[col])
		}
	}
}

type kmlDoc struct {
	Document struct {
		Name        string `xml:"name"`
		Description string `xml:"description"`
		Placemarks  []struct {
			ID          string `xml:"id,attr"`
			Name        string `xml:"name"`
			Description string `xml:"description"`
		} `xml:"Placemark"`
	} `xml:"Document"`
}

func decodeKML(t testing.TB, b []byte) kmlDoc {
	t.Helper()
	var k kmlDoc
	if err := xml.Unmarshal(b, &k); err != nil {
		t.Fatalf("the KML does not parse: %v", err)
	}
	return k
}

func TestExportKMLAttribution(t *testing.T) {
	s, _, seed := seededServer(t)
	r := get(t, s, "/api/export.kml")
	k := decodeKML(t, r.body).Document
	if len(k.Placemarks) != len(seed) {
		t.Fatalf("%d Placemarks, the seed has %d incidents", len(k.Placemarks), len(seed))
	}
	for _, want := range []string{"© OpenStreetMap contributors", "each Placemark lists the published sources"} {
		if !strings.Contains(k.Description, want) {
			t.Errorf("the Document's description %q lacks %q", k.Description, want)
		}
	}
	byID := map[string]*data.Incident{}
	for _, in := range seed {
		byID[in.ID] = in
	}
	for _, p := range k.Placemarks {
		in := byID[p.ID]
		if in == nil {
			t.Errorf("Placemark %q is no incident", p.ID)
			continue
		}
		// The description is HTML (KML clients render it so): compare
		// what it shows.
		shown := html.UnescapeString(p.Description)
		for _, src := range in.Sources {
			if !strings.Contains(shown, src.URL) {
				t.Errorf("Placemark %s does not list its source %s", p.ID, src.URL)
			}
		}
	}
}
