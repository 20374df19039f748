package data

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestFeatureRoundTrip(t *testing.T) {
	in := valid()
	in.Path = orb.LineString{{126.6767, 37.99}, {126.6767, 37.93}}
	in.Note = "sources differ on the time"
	in.Casualties.Wounded = nil
	in.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	in.Updated = in.Created
	pl := mdl(t).Place(in.Location)
	b, err := EncodeFeature(in, &pl)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeFeature(b)
	if err != nil {
		t.Fatalf("DecodeFeature(%s): %v", b, err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, in)
	}
	var f map[string]any
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	props := f["properties"].(map[string]any)
	for _, k := range []string{"distance_to_mdl_m", "side", "mdl_km", "sector", "in_dmz", "year"} {
		if _, ok := props[k]; !ok {
			t.Errorf("encoded feature lacks computed property %q", k)
		}
	}
	if props["casualties"].(map[string]any)["wounded"] != nil {
		t.Errorf("unknown wounded encoded as %v, want null", props["casualties"].(map[string]any)["wounded"])
	}
	if f["id"] != in.ID {
		t.Errorf("id = %v, want %q", f["id"], in.ID)
	}
}

func TestDecodeFeatureErrors(t *testing.T) {
	base := `{"type":"Feature","id":"abc-1","geometry":{"type":"Point","coordinates":[126.7,37.9]},"properties":{"title":"t"}}`
	cases := []struct {
		name, body, field, want string
	}{
		{"malformed", `{"type":`, "", "malformed JSON"},
		{"not an object", `[1,2]`, "feature", "must be an object"},
		{"wrong type", strings.Replace(base, `"Feature"`, `"Point"`, 1), "type", "Feature"},
		{"numeric id", strings.Replace(base, `"abc-1"`, `12`, 1), "id", "string"},
		{"no geometry", strings.Replace(base, `"geometry":{"type":"Point","coordinates":[126.7,37.9]},`, ``, 1), "geometry", "required"},
		{"line geometry", strings.Replace(base, `"Point","coordinates":[126.7,37.9]`, `"LineString","coordinates":[[126.7,37.9],[126.8,38]]`, 1), "geometry", "must be a Point"},
		{"one coordinate", strings.Replace(base, `[126.7,37.9]`, `[126.7]`, 1), "geometry.coordinates", "[lon, lat]"},
		{"string coordinate", strings.Replace(base, `[126.7,37.9]`, `["126.7","37.9"]`, 1), "geometry.coordinates", "2 numbers"},
		{"title number", strings.Replace(base, `"title":"t"`, `"title":5`, 1), "title", "must be a string"},
		{"unknown property", strings.Replace(base, `"title":"t"`, `"tittle":"t"`, 1), "tittle", "not a known property"},
		{"bad date", strings.Replace(base, `"title":"t"`, `"date":"yesterday"`, 1), "date", "YYYY-MM-DD"},
		{"precision mismatch", strings.Replace(base, `"title":"t"`, `"date":"2017-11","date_precision":"day"`, 1), "date_precision", "month"},
		{"path point", strings.Replace(base, `"title":"t"`, `"path":{"type":"Point","coordinates":[1,2]}`, 1), "path", "LineString"},
		{"two values", base + `{}`, "", "more than one"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeFeature([]byte(tc.body))
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindInvalid {
				t.Fatalf("DecodeFeature() = %v, want an invalid *Error", err)
			}
			if tc.field == "" {
				if !strings.Contains(e.Message, tc.want) {
					t.Errorf("message %q lacks %q", e.Message, tc.want)
				}
				return
			}
			if len(e.Fields) != 1 || e.Fields[0].Field != tc.field || !strings.Contains(e.Fields[0].Message, tc.want) {
				t.Errorf("fields = %v, want %s: …%s…", e.Fields, tc.field, tc.want)
			}
		})
	}
}

func TestDecodeFeatureCollectionNamesEachBadFeature(t *testing.T) {
	good, _ := EncodeFeature(valid(), nil)
	bad := valid()
	bad.ID = "x"
	badB, _ := EncodeFeature(bad, nil)
	body := `{"type":"FeatureCollection","features":[` + string(good) + `,` + string(badB) + `,` + string(good) + `,{"type":"Feature"}]}`
	_, err := DecodeFeatureCollection(strings.NewReader(body), nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("DecodeFeatureCollection() = %v, want an *Error", err)
	}
	var idx []int
	for _, f := range e.Fields {
		idx = append(idx, *f.Index)
	}
	if !reflect.DeepEqual(idx, []int{1, 3}) {
		t.Errorf("indexes of the bad features = %v, want [1 3] (fields %v)", idx, e.Fields)
	}
	if !strings.Contains(e.Message, "2 of 4") {
		t.Errorf("message %q, want it to count 2 of 4", e.Message)
	}
}

// TestCrossingsAreWhereThePathCrossesOrEstimatedOrNone: an incident's
// crossing points are where its path crosses the MDL, or else the nearest
// point of the line marked estimated; one whose direction is none has none.
func TestCrossingsAreWhereThePathCrossesOrEstimatedOrNone(t *testing.T) {
	m := mdl(t)
	in := valid()
	cs, err := EncodeCrossings(in, m)
	if err != nil || len(cs) != 1 {
		t.Fatalf("EncodeCrossings without a path = %d features, %v; want 1", len(cs), err)
	}
	var f struct {
		ID         string
		Geometry   struct{ Coordinates [2]float64 }
		Properties crossingProps
	}
	if err := json.Unmarshal(cs[0], &f); err != nil {
		t.Fatal(err)
	}
	if !f.Properties.Estimated || f.Properties.IncidentID != in.ID || f.Properties.Direction != NorthToSouth {
		t.Errorf("estimated crossing = %+v", f.Properties)
	}
	if _, d, _ := m.Nearest(orb.Point(f.Geometry.Coordinates)); d > 1 {
		t.Errorf("estimated crossing lies %.1f m from the MDL, want on it", d)
	}

	in.Path = orb.LineString{{126.6767, 37.99}, {126.6767, 37.93}}
	cs, _ = EncodeCrossings(in, m)
	if len(cs) != 1 {
		t.Fatalf("path crossing once gave %d crossings", len(cs))
	}
	json.Unmarshal(cs[0], &f)
	if f.Properties.Estimated || f.Properties.Direction != NorthToSouth {
		t.Errorf("path crossing = %+v, want exact north_to_south", f.Properties)
	}

	in.Type, in.Direction, in.Path = TypeShooting, NoDirection, nil
	if cs, _ := EncodeCrossings(in, m); len(cs) != 0 {
		t.Errorf("an incident with direction none has %d crossings, want 0", len(cs))
	}
}
