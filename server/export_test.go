package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

func TestExport(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	cases := []struct {
		query string
		file  string
		ids   []string
	}{
		{"", "dmz-incidents-all.geojson", nil},
		{"year=2025", "dmz-incidents-2025.geojson", []string{"2025-07-guiding-operation"}},
		{"year=2017", "dmz-incidents-2017.geojson", []string{"2017-06-13-central", "2017-11-13-jsa"}},
		{"from=1990&to=2025", "dmz-incidents-1990-2025.geojson", []string{"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}},
		{"from=1960&to=1969", "dmz-incidents-1960-1969.geojson", []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "1969-12-shooting"}},
		{"from=2017", "dmz-incidents-2017-2026.geojson", []string{"2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}},
		{"to=1962", "dmz-incidents-1953-1962.geojson", []string{"1962-05-28-us-soldier"}},
		{"type=tunnel,crossing&year=1978", "dmz-incidents-1978-crossing-tunnel.geojson", []string{"1978-10-17-tunnel"}},
		{"direction=none&sector=eastern", "dmz-incidents-all-no-direction-eastern.geojson", []string{"1978-10-17-tunnel"}},
		{"direction=south_to_north,north_to_south&sector=jsa", "dmz-incidents-all-north-to-south-south-to-north-jsa.geojson", []string{"2017-11-13-jsa"}},
		{"bbox=128,38,129,39", "dmz-incidents-all-filtered.geojson", []string{"1978-10-17-tunnel"}},
		{"q=guiding&from=2020", "dmz-incidents-2020-2026-filtered.geojson", []string{"2025-07-guiding-operation"}},
		{"limit=1&offset=7", "dmz-incidents-all-filtered.geojson", []string{"2025-07-guiding-operation"}},
		{"year=1990", "dmz-incidents-1990.geojson", []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			r := get(t, s, "/api/export.geojson?"+tc.query)
			if r.status != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", r.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != data.ContentTypeGeoJSON {
				t.Errorf("Content-Type %q, want %q", ct, data.ContentTypeGeoJSON)
			}
			if cd, want := r.header.Get("Content-Disposition"), `attachment; filename="`+tc.file+`"`; cd != want {
				t.Errorf("Content-Disposition %q, want %q", cd, want)
			}
			fc := decodeCollection(t, r)
			if tc.ids != nil && !slices.Equal(fc.ids(), tc.ids) {
				t.Errorf("ids\n got %v\nwant %v", fc.ids(), tc.ids)
			}
			if *fc.NumberReturned != len(fc.Features) {
				t.Errorf("numberReturned %d, %d features", *fc.NumberReturned, len(fc.Features))
			}
			// The export is what an import reads back.
			ins, err := data.DecodeFeatureCollection(strings.NewReader(string(r.body)), loadMDL(t))
			if err != nil {
				t.Fatalf("the export does not decode as incidents: %v", err)
			}
			if len(ins) != len(fc.Features) {
				t.Errorf("decoded %d incidents from %d features", len(ins), len(fc.Features))
			}
		})
	}
}

// slowFailingStore returns some features and then fails, as a store whose
// disk goes away in the middle of an export.
type slowFailingStore struct{ failingStore }

func (slowFailingStore) Query(_ data.Filter, visit func([]byte) error) (data.Result, error) {
	if err := visit([]byte(`{"type":"Feature","id":"a","geometry":null,"properties":{}}`)); err != nil {
		return data.Result{}, err
	}
	return data.Result{}, errors.New("disk on fire")
}

func TestExportFailsVisibly(t *testing.T) {
	ts, _, logs := newTestServer(t, nil)
	s := New(slowFailingStore{}, ts.mdl, ts.log, Config{})
	r := get(t, s, "/api/export.geojson")
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200 (sent before the failure)", r.status)
	}
	if json.Valid(r.body) {
		t.Errorf("a failed export ends as a whole document: %s", r.body)
	}
	if !strings.Contains(logs.String(), "export stopped") || !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("the failure is not logged:\n%s", logs)
	}
}
