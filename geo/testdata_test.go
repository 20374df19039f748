package geo

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// The test data are read with encoding/json rather than orb/geojson, whose
// go.sum entries (go.mongodb.org/mongo-driver/v2) the module does not carry.

type testFeature struct {
	Properties map[string]any `json:"properties"`
	Geometry   struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

func readFeatures(t testing.TB, name string) []testFeature {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []testFeature `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return fc.Features
}

var testMDL struct {
	line orb.LineString
	m    *MDL
}

// loadMDL returns the MDL of testdata/mdl.geojson, built once.
func loadMDL(t testing.TB) *MDL {
	t.Helper()
	if testMDL.m != nil {
		return testMDL.m
	}
	fs := readFeatures(t, "mdl.geojson")
	var ls orb.LineString
	if err := json.Unmarshal(fs[0].Geometry.Coordinates, &ls); err != nil {
		t.Fatal(err)
	}
	m, err := NewMDL(ls)
	if err != nil {
		t.Fatal(err)
	}
	testMDL.line, testMDL.m = ls, m
	return m
}

type testPlace struct {
	name, country string
	p             orb.Point
}

func loadPlaces(t testing.TB) []testPlace {
	t.Helper()
	var out []testPlace
	for _, f := range readFeatures(t, "places-korea.geojson") {
		var p orb.Point
		if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
			t.Fatal(err)
		}
		name, _ := f.Properties["name"].(string)
		country, _ := f.Properties["adm0_a3"].(string)
		out = append(out, testPlace{name: name, country: country, p: p})
	}
	return out
}

// land is a country's polygons with their bounds, for quick containment.
type land struct {
	polys  []orb.Polygon
	bounds []orb.Bound
}

func newLand(mp orb.MultiPolygon) *land {
	l := &land{polys: mp}
	for _, pg := range mp {
		l.bounds = append(l.bounds, pg.Bound())
	}
	return l
}

func (l *land) contains(p orb.Point) bool {
	for i, pg := range l.polys {
		if l.bounds[i].Contains(p) && planar.PolygonContains(pg, p) {
			return true
		}
	}
	return false
}

// loadCountries returns the South and North Korea polygons of
// testdata/basemap-korea.geojson.
func loadCountries(t testing.TB) (kor, prk *land) {
	t.Helper()
	for _, f := range readFeatures(t, "basemap-korea.geojson") {
		var mp orb.MultiPolygon
		switch f.Geometry.Type {
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &mp); err != nil {
				t.Fatal(err)
			}
		case "Polygon":
			var pg orb.Polygon
			if err := json.Unmarshal(f.Geometry.Coordinates, &pg); err != nil {
				t.Fatal(err)
			}
			mp = orb.MultiPolygon{pg}
		}
		switch f.Properties["iso_a3"] {
		case "KOR":
			kor = newLand(mp)
		case "PRK":
			prk = newLand(mp)
		}
	}
	if kor == nil || prk == nil {
		t.Fatal("basemap-korea.geojson lacks KOR or PRK")
	}
	return kor, prk
}

// testLine returns the line of testdata/mdl.geojson.
func testLine(t testing.TB) orb.LineString {
	loadMDL(t)
	return testMDL.line
}
