package data

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// cqlSample is a feature as the evaluator sees an incident.
func cqlSample() CQL2Feature {
	return CQL2Feature{
		Geometry: orb.Point{126.6767, 37.9558},
		Properties: map[string]any{
			"title": "JSA defection", "type": "crossing", "date": "2017-11-13", "date_precision": "day",
			"date_start": "2017-11-13", "date_end": "2017-11-13", "year": 2017.0, "direction": "north_to_south",
			"persons_count": 1.0, "sector": "jsa", "in_dmz": true, "mdl_km": 16.4, "note": nil, "place": "Panmunjom",
			"created": "2026-11-25T00:00:00Z",
		},
	}
}

// TestCQL2Match: a text filter selects a feature as CQL2's three-valued
// logic says, property names are case-sensitive, and a partial date compares
// as its text and, in the temporal functions, as the period it names.
func TestCQL2Match(t *testing.T) {
	f := cqlSample()
	month := cqlSample()
	month.Properties["date"], month.Properties["date_precision"] = "1969-12", "month"
	cases := []struct {
		filter string
		want   bool
		on     *CQL2Feature
	}{
		{"type = 'crossing'", true, nil},
		{"type='shooting'", false, nil},
		{"TYPE = 'crossing'", false, nil}, // property names are case-sensitive: TYPE is missing
		{"type <> 'shooting' AND direction = 'north_to_south'", true, nil},
		{"type = 'shooting' OR sector = 'jsa'", true, nil},
		{"NOT (type = 'crossing')", false, nil},
		{"not type = 'crossing' or true", true, nil},
		{"date >= '2017-01-01'", true, nil},
		{"date >= '2017-11-14'", false, nil},
		{"date > '2017'", true, nil},
		{"date < '2017-11-13'", false, nil},
		{"date = DATE('2017-11-13')", true, nil},
		{"date >= DATE('1969-12-01')", true, &month},
		{"date < DATE('1969-12-02')", true, &month},
		{"date >= '1969-12-01'", false, &month}, // as text, 1969-12 sorts before 1969-12-01
		{"year BETWEEN 2010 AND 2020", true, nil},
		{"year NOT BETWEEN 2010 AND 2020", false, nil},
		{"mdl_km > 16.39 AND mdl_km < 1.645e1", true, nil},
		{"persons_count = 1", true, nil},
		{"title LIKE 'JSA%'", true, nil},
		{"title LIKE '%defect_on'", true, nil},
		{"title LIKE 'jsa%'", false, nil},
		{"title NOT LIKE '%x%'", true, nil},
		{"title LIKE '100\\%'", false, nil},
		{"type IN ('shooting', 'crossing')", true, nil},
		{"type NOT IN ('shooting', 'tunnel')", true, nil},
		{"sector IN ('western')", false, nil},
		{"note IS NULL", true, nil},
		{"missing IS NULL", true, nil},
		{"place IS NOT NULL", true, nil},
		{"note = 'x'", false, nil},
		{"NOT (note = 'x')", false, nil}, // unknown stays unknown
		{"in_dmz = TRUE", true, nil},
		{"in_dmz", false, nil}, // not a predicate: an error, tested below
		{"S_INTERSECTS(geometry, POINT(126.6767 37.9558))", true, nil},
		{"S_INTERSECTS(geometry, BBOX(126, 37, 127, 38))", true, nil},
		{"S_INTERSECTS(geometry, BBOX(127, 37, 128, 38))", false, nil},
		{"S_INTERSECTS(geometry, BBOX(170, 37, 127, 38))", true, nil}, // across the antimeridian
		{"s_intersects(geometry, POLYGON((126 37, 127 37, 127 38, 126 38, 126 37)))", true, nil},
		{"S_INTERSECTS(geometry, POLYGON((126 37, 127 37, 127 38, 126 38, 126 37), (126.5 37.5, 126.9 37.5, 126.9 37.99, 126.5 37.99, 126.5 37.5)))", false, nil},
		{"S_INTERSECTS(geometry, LINESTRING(126.6767 37, 126.6767 38))", true, nil},
		{"S_INTERSECTS(geometry, MULTIPOINT((1 2), (126.6767 37.9558)))", true, nil},
		{"S_INTERSECTS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0))))", false, nil},
		{"T_INTERSECTS(date, INTERVAL('2017-01-01', '..'))", true, nil},
		{"T_INTERSECTS(date, INTERVAL('..', '2017-11-12'))", false, nil},
		{"T_INTERSECTS(date, DATE('1969-12-25'))", true, &month},
		{"T_BEFORE(date, DATE('2017-11-14'))", true, nil},
		{"T_BEFORE(date, DATE('1969-12-31'))", false, &month},
		{"T_AFTER(date, TIMESTAMP('2017-11-12T23:00:00Z'))", true, nil},
		{"T_AFTER(date, DATE('1969-11-30'))", true, &month},
		{"T_DURING(date, INTERVAL('1969-01-01', '1970-01-01'))", true, &month},
		{"T_EQUALS(date, INTERVAL('1969-12-01', '1969-12-31'))", true, &month},
		{"T_INTERSECTS(created, INTERVAL('2026-11-25', '2026-11-25'))", true, nil},
		{"T_DISJOINT(date, DATE('2017-11-13'))", false, nil},
	}
	for _, tc := range cases {
		x, err := ParseCQL2Text(tc.filter)
		if tc.filter == "in_dmz" {
			if err == nil {
				t.Errorf("%s parsed", tc.filter)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.filter, err)
			continue
		}
		on := f
		if tc.on != nil {
			on = *tc.on
		}
		if got := x.Match(on); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.filter, got, tc.want)
		}
	}
}

// TestCQL2JSONMeansWhatTheTextMeans: a filter in the JSON encoding selects
// what the same filter in the text encoding selects.
func TestCQL2JSONMeansWhatTheTextMeans(t *testing.T) {
	f := cqlSample()
	cases := []struct{ text, json string }{
		{"type = 'crossing' AND date >= '2017-01-01'",
			`{"op":"and","args":[{"op":"=","args":[{"property":"type"},"crossing"]},{"op":">=","args":[{"property":"date"},"2017-01-01"]}]}`},
		{"NOT (sector IN ('western','eastern'))", `{"op":"not","args":[{"op":"in","args":[{"property":"sector"},["western","eastern"]]}]}`},
		{"title LIKE '%JSA%' OR note IS NULL", `{"op":"or","args":[{"op":"like","args":[{"property":"title"},"%JSA%"]},{"op":"isNull","args":[{"property":"note"}]}]}`},
		{"year BETWEEN 2000 AND 2017", `{"op":"between","args":[{"property":"year"},2000,2017]}`},
		{"S_INTERSECTS(geometry, POLYGON((126 37, 127 37, 127 38, 126 38, 126 37)))",
			`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[126,37],[127,37],[127,38],[126,38],[126,37]]]}]}`},
		{"S_INTERSECTS(geometry, BBOX(127,37,128,38))", `{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[127,37,128,38]}]}`},
		{"T_AFTER(date, DATE('2017-11-12'))", `{"op":"t_after","args":[{"property":"date"},{"date":"2017-11-12"}]}`},
		{"T_INTERSECTS(date, INTERVAL('2017-01-01','..'))", `{"op":"t_intersects","args":[{"property":"date"},{"interval":["2017-01-01",".."]}]}`},
		{"in_dmz = true", `{"op":"=","args":[{"property":"in_dmz"},true]}`},
	}
	for _, tc := range cases {
		a, err := ParseCQL2Text(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.text, err)
		}
		b, err := ParseCQL2JSON([]byte(tc.json))
		if err != nil {
			t.Fatalf("%s: %v", tc.json, err)
		}
		if a.Match(f) != b.Match(f) || !slices.Equal(a.Properties(), b.Properties()) {
			t.Errorf("%s and %s differ", tc.text, tc.json)
		}
	}
}

// TestCQL2ErrorsPointAtTheMistake: a malformed filter's error names the
// character (text) or the JSON pointer (JSON) where it goes wrong.
func TestCQL2ErrorsPointAtTheMistake(t *testing.T) {
	for _, tc := range []struct{ filter, pos, says string }{
		{"type = ", "character 8", "expected a property or a value"},
		{"type = 'crossing", "character 8", "not closed"},
		{"type == 'x'", "character 7", "expected a property or a value"},
		{"type = 'x' AND", "character 15", "expected a property or a value"},
		{"type = 'x' type", "character 12", "expected AND, OR"},
		{"(type = 'x'", "character 12", "expected ')'"},
		{"S_INTERSECTS(geometry, POINT(1))", "character 31", "expected a coordinate"},
		{"date > DATE('2017-13-01')", "character 13", "not a date"},
		{"FOO(a, b)", "character 1", "not a function"},
		{"type # 'x'", "character 6", "unexpected character"},
		{"T_INTERSECTS(date, INTERVAL('2018-01-01', '2017-01-01'))", "character 20", "starts after it ends"},
		{strings.Repeat("(", 100) + "a = 1" + strings.Repeat(")", 100), "character 66", "nested"},
	} {
		_, err := ParseCQL2Text(tc.filter)
		var ce *CQL2Error
		if !errors.As(err, &ce) || ce.Pos != tc.pos || !strings.Contains(ce.Message, tc.says) {
			t.Errorf("%q: %v, want %s: …%s…", tc.filter, err, tc.pos, tc.says)
		}
	}
	for _, tc := range []struct{ filter, pos string }{
		{`{"op":"=","args":[{"property":"type"}]}`, "/args"},
		{`{"op":"and","args":[{"op":"=","args":[{"property":"type"},"x"]},{"op":"~","args":[1,2]}]}`, "/args/1/op"},
		{`{"op":"=","args":[{"property":"type"},null]}`, "/args/1"},
		{`{"op":"=","args":[{"property":"type"},"x"]`, "byte 43"},
		{`{"op":"t_after","args":[{"property":"date"},{"date":"soon"}]}`, "/args/1/date"},
	} {
		_, err := ParseCQL2JSON([]byte(tc.filter))
		var ce *CQL2Error
		if !errors.As(err, &ce) || ce.Pos != tc.pos {
			t.Errorf("%s: %v, want at %s", tc.filter, err, tc.pos)
		}
	}
}

// TestCQL2PushSelectsWhatEvaluationSelects checks on generated incidents
// that a filter pushed into the Filter, and evaluated on what the index
// selects unless Push says it is exact, selects what evaluating it on every
// incident selects.
func TestCQL2PushSelectsWhatEvaluationSelects(t *testing.T) {
	s, _ := openStore(t)
	ins := Generate(1500, 21, mdl(t))
	if err := s.Put(ins...); err != nil {
		t.Fatal(err)
	}
	decode := func(b []byte) CQL2Feature {
		var ft struct {
			Geometry struct {
				Coordinates orb.Point `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(b, &ft); err != nil {
			t.Fatal(err)
		}
		return CQL2Feature{Geometry: ft.Geometry.Coordinates, Properties: ft.Properties}
	}
	var every [][]byte
	if _, err := s.Query(Filter{}, func(b []byte) error { every = append(every, append([]byte(nil), b...)); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		filter string
		exact  bool
	}{
		{"type = 'crossing' AND date >= '2017-01-01'", true},
		{"type IN ('shooting','tunnel') AND direction = 'none' AND date < '1990-06'", true},
		{"date = '1975'", true},
		{"date > '1999-12-31' AND date <= '2005-06-30' AND sector = 'western'", true},
		{"S_INTERSECTS(geometry, BBOX(126.5, 37.8, 127.2, 38.3)) AND type <> 'crossing'", false},
		{"S_INTERSECTS(geometry, BBOX(126.5, 37.8, 127.2, 38.3))", true},
		{"S_INTERSECTS(geometry, POLYGON((126.5 37.8, 127.5 37.8, 127 38.4, 126.5 37.8)))", false},
		{"T_INTERSECTS(date, INTERVAL('1970-06-15', '1972-02-10'))", true},
		{"T_AFTER(date, DATE('2010-03-31'))", true},
		{"T_BEFORE(date, DATE('1962-07-01'))", false},
		{"type = 'crossing' OR type = 'tunnel'", false},
		{"type = 'nonsense'", false},
		{"date >= '2010-01-01' AND date < '2000-01-01'", true},
	} {
		x, err := ParseCQL2Text(tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.filter, err)
		}
		var want []string
		for _, b := range every {
			if x.Match(decode(b)) {
				var id struct{ ID string }
				json.Unmarshal(b, &id)
				want = append(want, id.ID)
			}
		}
		var f Filter
		exact := x.Push(&f)
		if exact != tc.exact {
			t.Errorf("%s: exact %v, want %v", tc.filter, exact, tc.exact)
		}
		if !exact {
			f.Match = func(b []byte) bool { return x.Match(decode(b)) }
		}
		var got []string
		res, err := s.Query(f, func(b []byte) error {
			var id struct{ ID string }
			json.Unmarshal(b, &id)
			got = append(got, id.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) || res.Matched != len(want) {
			t.Errorf("%s: %d incidents (matched %d), want %d", tc.filter, len(got), res.Matched, len(want))
		}
		if len(want) == 0 && !strings.Contains(tc.filter, "nonsense") && !strings.Contains(tc.filter, "2000-01-01") {
			t.Errorf("%s selects nothing: a weak case", tc.filter)
		}
	}
}
