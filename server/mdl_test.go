package server

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
)

var position = regexp.MustCompile(`\[\s+([-0-9.eE+]+),\s+([-0-9.eE+]+)\s+\]`)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestMDLGolden(t *testing.T) {
	s, _, _ := newTestServer(t, nil)
	r := get(t, s, "/api/mdl")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != data.ContentTypeGeoJSON {
		t.Fatalf("status %d, Content-Type %q", r.status, r.header.Get("Content-Type"))
	}
	// One position a line.
	checkGolden(t, filepath.Join("testdata", "mdl.golden.json"), r.body, 1e-9, func(out []byte) []byte {
		return position.ReplaceAll(out, []byte("[$1, $2]"))
	})
}

// jsonDiff reports the first difference between two decoded JSON values,
// comparing numbers within tol.
func jsonDiff(path string, got, want any, tol float64) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %T, want an object", path, got)
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				return fmt.Sprintf("%s.%s: missing", path, k)
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("%s.%s: unexpected", path, k)
			}
			if d := jsonDiff(path+"."+k, g[k], w[k], tol); d != "" {
				return d
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %v, want an array of %d", path, got, len(w))
		}
		for i := range w {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i], tol); d != "" {
				return d
			}
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > tol {
			return fmt.Sprintf("%s: got %v, want %v", path, got, w)
		}
	default:
		if got != want {
			return fmt.Sprintf("%s: got %v, want %v", path, got, want)
		}
	}
	return ""
}

func TestMDL(t *testing.T) {
	s, _, _ := newTestServer(t, nil)
	var f struct {
		Type     string `json:"type"`
		Geometry struct {
			Type        string       `json:"type"`
			Coordinates [][2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Name        string  `json:"name"`
			NameKo      string  `json:"name_ko"`
			LengthKm    float64 `json:"length_km"`
			Vertices    int     `json:"vertices"`
			License     string  `json:"license"`
			Attribution string  `json:"attribution"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(get(t, s, "/api/mdl").body, &f); err != nil {
		t.Fatal(err)
	}
	p := f.Properties
	if f.Type != "Feature" || f.Geometry.Type != "LineString" || len(f.Geometry.Coordinates) != p.Vertices {
		t.Errorf("a %s of a %s with %d positions, %d vertices: want a Feature of a LineString", f.Type, f.Geometry.Type, len(f.Geometry.Coordinates), p.Vertices)
	}
	if p.LengthKm < 235 || p.LengthKm > 250 {
		t.Errorf("length_km %v, want 235 to 250", p.LengthKm)
	}
	if p.Name != "Military Demarcation Line" || p.NameKo != "군사분계선" || p.License != "ODbL-1.0" || p.Attribution != "© OpenStreetMap contributors" {
		t.Errorf("properties %+v", p)
	}
	for _, c := range f.Geometry.Coordinates {
		if c[0] < 124 || c[0] > 131 || c[1] < 37 || c[1] > 39 {
			t.Fatalf("position %v is not lon/lat on the peninsula", c)
		}
	}
}

func TestDMZ(t *testing.T) {
	s, _, _ := newTestServer(t, nil)
	r := get(t, s, "/api/dmz")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != data.ContentTypeGeoJSON {
		t.Fatalf("status %d, Content-Type %q", r.status, r.header.Get("Content-Type"))
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type     string `json:"type"`
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Kind        string  `json:"kind"`
				Name        string  `json:"name"`
				HalfWidthM  float64 `json:"half_width_m"`
				Attribution string  `json:"attribution"`
			} `json:"properties"`
		} `json:"features"`
		Attribution string `json:"attribution"`
	}
	if err := json.Unmarshal(r.body, &fc); err != nil {
		t.Fatal(err)
	}
	want := []struct{ kind, geometry string }{{"dmz", "Polygon"}, {"north_limit", "LineString"}, {"south_limit", "LineString"}}
	if fc.Type != "FeatureCollection" || len(fc.Features) != len(want) {
		t.Fatalf("a %s of %d features, want a FeatureCollection of %d", fc.Type, len(fc.Features), len(want))
	}
	for i, w := range want {
		f := fc.Features[i]
		if f.Properties.Kind != w.kind || f.Geometry.Type != w.geometry || f.Properties.HalfWidthM != geo.HalfWidthM ||
			f.Properties.Name == "" || f.Properties.Attribution != "© OpenStreetMap contributors" {
			t.Errorf("feature %d: %s %s %+v, want %s %s", i, f.Type, f.Geometry.Type, f.Properties, w.kind, w.geometry)
		}
	}
	var rings [][][2]float64
	if err := json.Unmarshal(fc.Features[0].Geometry.Coordinates, &rings); err != nil {
		t.Fatal(err)
	}
	if len(rings) == 0 || len(rings[0]) < 4 || rings[0][0] != rings[0][len(rings[0])-1] {
		t.Errorf("the band's exterior ring is not closed")
	}
}

func TestHealthz(t *testing.T) {
	s, _, _ := newTestServer(t, nil)
	r := get(t, s, "/healthz")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" || string(r.body) != `{"status":"ok"}` {
		t.Errorf("status %d, Content-Type %q, body %s", r.status, r.header.Get("Content-Type"), r.body)
	}
}
