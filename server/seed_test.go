package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

// TestSeed runs the API over the embedded seed dataset, whatever it holds.
func TestSeed(t *testing.T) {
	mdl := loadMDL(t)
	seed, err := data.SeedIncidents(mdl)
	if err != nil {
		t.Fatalf("SeedIncidents: %v", err)
	}
	_, store, _ := newTestServer(t, nil)
	s := New(store, mdl, nil, Config{}) // the real clock: the seed runs to the present
	if _, err := store.SeedIfEmpty(func() ([]*data.Incident, error) { return seed, nil }); err != nil {
		t.Fatalf("SeedIfEmpty: %v", err)
	}

	fc := decodeCollection(t, get(t, s, "/api/incidents"))
	if *fc.NumberMatched != len(seed) || len(fc.Features) != len(seed) {
		t.Fatalf("/api/incidents: %d features, numberMatched %d; the seed has %d", len(fc.Features), *fc.NumberMatched, len(seed))
	}
	var years yearsDoc
	if err := json.Unmarshal(get(t, s, "/api/years").body, &years); err != nil {
		t.Fatal(err)
	}
	if years.Total != len(seed) {
		t.Errorf("/api/years: total %d, the seed has %d", years.Total, len(seed))
	}
	for _, y := range years.Years {
		fc := decodeCollection(t, get(t, s, fmt.Sprintf("/api/incidents?year=%d", y.Year)))
		if len(fc.Features) != y.Total {
			t.Errorf("year=%d: %d incidents, /api/years says %d", y.Year, len(fc.Features), y.Total)
		}
		for _, f := range fc.Features {
			if int(f.Props["year"].(float64)) != y.Year {
				t.Errorf("year=%d returned %s of %v", y.Year, f.ID, f.Props["year"])
			}
		}
	}
	fc = decodeCollection(t, get(t, s, "/api/incidents?from=1960&to=1969"))
	for _, f := range fc.Features {
		if y := int(f.Props["year"].(float64)); y < 1960 || y > 1969 {
			t.Errorf("from=1960&to=1969 returned %s of %d", f.ID, y)
		}
	}
	for _, f := range decodeCollection(t, get(t, s, "/api/crossings")).Features {
		if _, err := s.store.Feature(f.Props["incident_id"].(string)); err != nil {
			t.Errorf("crossing %s: its incident: %v", f.ID, err)
		}
	}

	// The issue's own check, once the real dataset is in: the 2025 export
	// holds the July 2025 crossing.
	if len(seed) == 0 {
		return
	}
	r := get(t, s, "/api/export.geojson?year=2025")
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="dmz-incidents-2025.geojson"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	found := false
	for _, f := range decodeCollection(t, r).Features {
		date, _ := f.Props["date"].(string)
		if f.Props["type"] == "crossing" && strings.HasPrefix(date, "2025-07") {
			found = true
		}
	}
	if !found {
		t.Errorf("the 2025 export holds no crossing in July 2025")
	}
}
