package data

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

var (
	mdlOnce sync.Once
	testMDL *geo.MDL
)

func mdl(t testing.TB) *geo.MDL {
	t.Helper()
	mdlOnce.Do(func() {
		m, err := LoadMDL()
		if err != nil {
			t.Fatalf("LoadMDL: %v", err)
		}
		testMDL = m
	})
	return testMDL
}

func intp(n int) *int { return &n }

// valid returns an incident that passes validation; tests change one thing.
func valid() *Incident {
	return &Incident{
		ID:                 "2017-11-13-jsa-defection",
		Title:              "KPA soldier defects through the JSA under fire",
		Type:               TypeCrossing,
		Date:               Date{2017, 11, 13},
		Location:           orb.Point{126.6767, 37.9558},
		LocationPrecisionM: 100,
		Direction:          NorthToSouth,
		Persons:            "one KPA soldier",
		PersonsCount:       intp(1),
		Casualties:         Casualties{Killed: intp(0), Wounded: intp(1)},
		Summary:            "A soldier drove to the JSA and ran south across the line.",
		Sources:            []Source{{Title: "Report", URL: "https://example.org/a", Publisher: "Example", Published: "2017-11-14"}},
		Confidence:         ConfidenceHigh,
		Tags:               []string{"jsa", "soldier"},
	}
}

func openStore(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := Open(path, mdl(t), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }
