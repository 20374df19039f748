package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
	"github.com/paulmach/orb"
)

// strictIncident is an incident that passes the strict rules on its own.
func strictIncident(id string, day int) *data.Incident {
	one := 1
	return &data.Incident{
		ID: id, Title: "KPA soldier crosses the MDL in the central sector", TitleKo: "중부전선 북한군 귀순",
		Type: data.TypeCrossing, Date: data.Date{Year: 2017, Month: 6, Day: day},
		Location: orb.Point{127.3, 38.28}, LocationPrecisionM: 5000, Place: "Cheorwon", PlaceKo: "강원 철원",
		Direction: data.NorthToSouth, PersonsCount: &one,
		Summary: "A soldier walked south over the line.", SummaryKo: "북한군 병사 1명이 걸어서 군사분계선을 넘어왔다.",
		Sources:    []data.Source{{Title: "Report", URL: "https://example.org/a", Publisher: "Example"}},
		Confidence: data.ConfidenceHigh,
	}
}

func writeDataset(t *testing.T, path string, ins ...*data.Incident) {
	t.Helper()
	var fs []json.RawMessage
	for _, in := range ins {
		f, err := data.EncodeFeature(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "dataset": data.Dataset{Version: "2026.12.1", Date: "2026-12-01"}, "features": fs})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestValidateStrict(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.geojson")
	writeDataset(t, good, strictIncident("2017-06-13-central", 13), strictIncident("2017-06-20-central", 20))
	if _, errs := mustCode(t, exitOK, nil, "validate", "--strict", good); !strings.Contains(errs, "2 incidents, all valid under the strict rules") {
		t.Errorf("stderr %q", errs)
	}

	a, b := strictIncident("2017-06-13-central", 13), strictIncident("2017-06-13-second", 13)
	b.TitleKo = "KPA soldier"
	b.Sources[0].URL = "http://example.org/a"
	bad := filepath.Join(dir, "bad.geojson")
	writeDataset(t, bad, a, b)
	_, errs := mustCode(t, exitOK, nil, "validate", bad) // valid, but not under the strict rules
	if !strings.Contains(errs, "2 incidents, all valid") {
		t.Errorf("without --strict: stderr %q", errs)
	}
	_, errs = mustCode(t, exitInvalid, nil, "validate", "--strict", bad)
	for _, want := range []string{
		bad + ":0: distinct_from: 2017-06-13-central: 2017-06-13-second is on the same day 0.0 km away",
		bad + ":1: sources[0].url: 2017-06-13-second: \"http://example.org/a\" is not https",
		bad + ":1: title_ko: 2017-06-13-second: has no Korean text",
		bad + ":1: distinct_from: 2017-06-13-second: 2017-06-13-central is on the same day",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}

	csvFile := filepath.Join(dir, "bad.csv")
	writeCSV(t, csvFile, []*data.Incident{a, b})
	if _, errs = mustCode(t, exitInvalid, nil, "validate", "--strict", csvFile); !strings.Contains(errs, csvFile+":3: title_ko: 2017-06-13-second: ") {
		t.Errorf("the CSV's refusal does not name row 3, the id and the field:\n%s", errs)
	}
}

// TestValidateStrictSeed runs the command on the seed file in the tree,
// as a maintainer does before committing the data.
func TestValidateStrictSeed(t *testing.T) {
	seed := filepath.Join("..", "..", "data", "seed", "incidents.geojson")
	if _, errs := mustCode(t, exitOK, nil, "validate", "--strict", seed); !strings.Contains(errs, "all valid under the strict rules") {
		t.Errorf("stderr %q", errs)
	}
}
