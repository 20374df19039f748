package server

import (
	"net/http"
	"slices"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

func TestCrossings(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	// Incidents with a direction have crossing points; the shooting and the
	// tunnel have none. Only 2017-06-13-central has a path.
	all := []string{"1962-05-28-us-soldier", "1965-us-soldier", "1968-01-17-raid", "2017-06-13-central", "2017-11-13-jsa", "2025-07-guiding-operation"}
	cases := []struct {
		query   string
		want    []string // incident ids
		matched int      // 0: len(want)
	}{
		{"", all, 0},
		{"year=2017", []string{"2017-06-13-central", "2017-11-13-jsa"}, 0},
		{"from=1960&to=1969", all[:3], 0},
		{"type=infiltration", []string{"1968-01-17-raid"}, 0},
		{"direction=south_to_north", all[:2], 0},
		{"direction=none", []string{}, 0},
		{"sector=jsa", []string{"2017-11-13-jsa"}, 0},
		{"bbox=127,38,128,39", []string{"2017-06-13-central"}, 0},
		{"q=JSA", []string{"2017-11-13-jsa"}, 0},
		{"limit=2&offset=1", all[1:3], 6},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			r := get(t, s, "/api/crossings?"+tc.query)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != data.ContentTypeGeoJSON {
				t.Fatalf("status %d, Content-Type %q; body %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			fc := decodeCollection(t, r)
			var got []string
			for _, f := range fc.Features {
				got = append(got, f.Props["incident_id"].(string))
				if string(f.Geometry) == "" || f.Props["date"] == "" || f.Props["direction"] == nil {
					t.Errorf("%s: crossing without geometry, date or direction: %+v", f.ID, f)
				}
				estimated, ok := f.Props["estimated"].(bool)
				if want := f.Props["incident_id"] != "2017-06-13-central"; !ok || estimated != want {
					t.Errorf("%s: estimated %v, want %v (only an incident without a path is estimated)", f.ID, f.Props["estimated"], want)
				}
			}
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("incident ids\n got %v\nwant %v", got, tc.want)
			}
			matched := tc.matched
			if matched == 0 {
				matched = len(tc.want)
			}
			if *fc.NumberMatched != matched || *fc.NumberReturned != len(tc.want) {
				t.Errorf("numberMatched %d numberReturned %d, want %d and %d", *fc.NumberMatched, *fc.NumberReturned, matched, len(tc.want))
			}
		})
	}
}

func TestCrossingFromPath(t *testing.T) {
	mdl := loadMDL(t)
	s, _, _ := newTestServer(t, fixture(mdl))
	fc := decodeCollection(t, get(t, s, "/api/crossings?year=2017&sector=central"))
	if len(fc.Features) != 1 {
		t.Fatalf("%d crossings, want 1", len(fc.Features))
	}
	f := fc.Features[0]
	if f.Props["direction"] != "north_to_south" || f.Props["estimated"] != false {
		t.Errorf("crossing %v: want north_to_south, not estimated", f.Props)
	}
}
