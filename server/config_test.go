package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

func TestConfig(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	r := get(t, s, "/api/config")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/config: %d %s", r.status, r.body)
	}
	var c configAnswer
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatal(err)
	}
	if c.Writes {
		t.Errorf("writes %v on a server without a token", c.Writes)
	}
	if c.Years.Min != 1953 || c.Years.Max != testNow.Year() || c.Years.First == nil || *c.Years.First != 1962 || *c.Years.Last != 2025 || c.Total != 8 {
		t.Errorf("years %+v, total %d; want 1953–%d, data 1962–2025, 8 incidents", c.Years, c.Total, testNow.Year())
	}
	// The box holds the MDL and every incident of the fixture.
	for _, in := range fixture(loadMDL(t)) {
		p := in.Location
		if p[0] < c.BBox[0] || p[1] < c.BBox[1] || p[0] > c.BBox[2] || p[1] > c.BBox[3] {
			t.Errorf("%s at %v is outside the box %v", in.ID, p, c.BBox)
		}
	}
	line := s.mdl.Line().Bound()
	if c.BBox[0] > line.Min[0] || c.BBox[2] < line.Max[0] || c.BBox[1] > line.Min[1] || c.BBox[3] < line.Max[1] {
		t.Errorf("the box %v does not hold the MDL %v", c.BBox, line)
	}
	if c.MDL.LengthKm < 237 || c.MDL.LengthKm > 238 || c.MDL.JSAKm <= 0 || c.MDL.JSAKm > c.MDL.Sectors[0].ToKm || len(c.MDL.Sectors) != 3 {
		t.Errorf("mdl %+v", c.MDL)
	}
	if c.Limits.MaxLimit != DefaultMaxLimit || c.Limits.MaxText != data.MaxText {
		t.Errorf("limits %+v", c.Limits)
	}

	ws := New(s.store, s.mdl, nil, Config{Token: "secret", WriteRateLimit: 7})
	json.Unmarshal(get(t, ws, "/api/config").body, &c)
	if !c.Writes || c.Limits.WriteRate != 7 {
		t.Errorf("with a token: writes %v, write rate %d; want true, 7", c.Writes, c.Limits.WriteRate)
	}

	r = get(t, s, "/api/config?x=1")
	if p := decodeProblem(t, r); r.status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Parameter != "x" {
		t.Errorf("GET /api/config?x=1: %d %+v, want a 400 naming x", r.status, p)
	}
}

func TestKmFilter(t *testing.T) {
	mdl := loadMDL(t)
	ins := fixture(mdl)
	s, _, _ := newTestServer(t, ins)
	chainage := map[string]float64{}
	for _, in := range ins {
		_, _, km := mdl.Nearest(in.Location)
		chainage[in.ID] = km
	}
	for _, tc := range []struct{ from, to float64 }{{0, 40}, {40, 120}, {100, 237.5}, {0, 1000}, {300, 400}} {
		var want []string
		for _, in := range ins {
			if km := chainage[in.ID]; km >= tc.from && km <= tc.to {
				want = append(want, in.ID)
			}
		}
		q := "km=" + jsonNum(tc.from) + "," + jsonNum(tc.to)
		for _, route := range []string{"/api/incidents", "/api/export.geojson"} {
			fc := decodeCollection(t, get(t, s, route+"?"+q))
			if got := fc.ids(); !equalSets(got, want) {
				t.Errorf("%s?%s: %v, want %v", route, q, got, want)
			}
			for _, f := range fc.Features {
				if km := f.Props["mdl_km"].(float64); km < tc.from || km > tc.to {
					t.Errorf("%s?%s: %s has mdl_km %v", route, q, f.ID, km)
				}
			}
		}
		var years yearsAnswer
		json.Unmarshal(get(t, s, "/api/years?"+q).body, &years)
		if years.Total != len(want) {
			t.Errorf("/api/years?%s counts %d, want %d", q, years.Total, len(want))
		}
		var cl struct{ NumberMatched int }
		json.Unmarshal(get(t, s, "/api/clusters?cell=0.1&"+q).body, &cl)
		if cl.NumberMatched != len(want) {
			t.Errorf("/api/clusters?%s matched %d, want %d", q, cl.NumberMatched, len(want))
		}
		// Crossings select by their incident's chainage.
		cr := decodeCollection(t, get(t, s, "/api/crossings?"+q))
		for _, f := range cr.Features {
			if id := f.Props["incident_id"].(string); !contains(want, id) {
				t.Errorf("/api/crossings?%s: a point of %s (km %v)", q, id, chainage[id])
			}
		}
	}
	// With a word and a year too.
	fc := decodeCollection(t, get(t, s, "/api/incidents?km=0,1000&q=soldier&from=2017&to=2025"))
	if got := fc.ids(); !equalSets(got, []string{"2017-06-13-central", "2017-11-13-jsa"}) {
		t.Errorf("km, q and years: %v", got)
	}

	for _, bad := range []string{"10", "a,b", "10,5", "-1,5", "1,2,3", "0,1001", "NaN,1", "1,Inf"} {
		for _, route := range []string{"/api/incidents", "/api/years", "/api/crossings", "/api/clusters?cell=0.1&x=", "/api/export.csv"} {
			u := route + "?km=" + bad
			if route[len(route)-1] == '=' {
				u = route[:len(route)-3] + "&km=" + bad
			}
			r := get(t, s, u)
			p := decodeProblem(t, r)
			if r.status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Parameter != "km" {
				t.Errorf("GET %s: %d %+v, want a 400 naming km", u, r.status, p.Errors)
			}
		}
	}
}

func TestSideCertain(t *testing.T) {
	mdl := loadMDL(t)
	ins := fixture(mdl)
	// The JSA defection is about 60 m from the line: at 15 km it may be
	// on either side; at 10 m it is not.
	ins[6].LocationPrecisionM = 15000
	ins[7].LocationPrecisionM = 10
	s, _, _ := newTestServer(t, ins)
	fc := decodeCollection(t, get(t, s, "/api/incidents"))
	for _, f := range fc.Features {
		d := f.Props["distance_to_mdl_m"].(float64)
		prec := f.Props["location_precision_m"].(float64)
		certain, ok := f.Props["side_certain"].(bool)
		if !ok || certain != (prec <= d) {
			t.Errorf("%s: precision %v m, distance %v m: side_certain %v, want %v", f.ID, prec, d, f.Props["side_certain"], prec <= d)
		}
		if f.ID == ins[6].ID && certain {
			t.Errorf("%s known to 15 km and %v m from the line has a certain side", f.ID, d)
		}
	}
}

func jsonNum(v float64) string { b, _ := json.Marshal(v); return string(b) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func equalSets(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	return true
}
