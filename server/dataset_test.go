package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

// TestDatasetVersion checks that every way out of the API says which
// version of the dataset it serves, once the store records one, and that
// recording one is a change no cached answer hides.
func TestDatasetVersion(t *testing.T) {
	s, store, _ := newTestServer(t, fixture(loadMDL(t)))
	if r := get(t, s, "/api/incidents"); bytes.Contains(r.body, []byte(`"dataset"`)) || r.header.Get(HeaderDatasetVersion) != "" {
		t.Fatalf("a store with no dataset version: header %q, body %.200s", r.header.Get(HeaderDatasetVersion), r.body)
	}
	if err := store.SetDataset(data.Dataset{Version: "2026.12.1", Date: "2026-12-01"}); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Dataset  data.Dataset      `json:"dataset"`
		Features []json.RawMessage `json:"features"`
	}
	for _, url := range []string{"/api/incidents", "/api/incidents?q=soldier", "/api/export.geojson", "/api/crossings"} {
		r := get(t, s, url)
		if err := json.Unmarshal(r.body, &fc); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if fc.Dataset.Version != "2026.12.1" || fc.Dataset.Date != "2026-12-01" || len(fc.Features) == 0 {
			t.Errorf("%s: dataset %+v with %d features", url, fc.Dataset, len(fc.Features))
		}
	}
	if got := get(t, s, "/api/incidents").header.Get(HeaderDatasetVersion); got != "2026.12.1" {
		t.Errorf("%s header %q, want 2026.12.1", HeaderDatasetVersion, got)
	}
	csv := string(get(t, s, "/api/export.csv").body)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if !strings.HasSuffix(lines[0], ",dataset_version") || !strings.HasSuffix(lines[1], ",2026.12.1") {
		t.Errorf("the CSV does not carry the version in its last column:\n%s\n%s", lines[0], lines[1])
	}
	if kml := string(get(t, s, "/api/export.kml").body); !strings.Contains(kml, "Dataset version 2026.12.1 (2026-12-01).</description>") {
		t.Errorf("the KML description does not give the version: %.600s", kml)
	}
	var col struct {
		Dataset *data.Dataset `json:"dataset"`
	}
	json.Unmarshal(get(t, s, "/ogc/collections/incidents").body, &col)
	if col.Dataset == nil || col.Dataset.Version != "2026.12.1" {
		t.Errorf("the OGC collection says dataset %+v", col.Dataset)
	}
	var cols struct {
		Collections []struct {
			ID      string        `json:"id"`
			Dataset *data.Dataset `json:"dataset"`
		} `json:"collections"`
	}
	json.Unmarshal(get(t, s, "/ogc/collections").body, &cols)
	for _, c := range cols.Collections {
		if (c.Dataset != nil) != (c.ID != "mdl") {
			t.Errorf("collection %s says dataset %+v", c.ID, c.Dataset)
		}
	}
}
