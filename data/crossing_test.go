package data

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// TestCrossingPoints checks CrossingPoints against a scan of every
// crossing point filtered by its own place, direction and sector.
func TestCrossingPoints(t *testing.T) {
	s, _ := openStore(t)
	if err := s.Put(Generate(600, 9, mdl(t))...); err != nil {
		t.Fatal(err)
	}
	type point struct {
		b    []byte
		p    orb.Point
		dir  Direction
		sec  geo.Sector
		date string
	}
	var all []point
	if _, err := s.Crossings(Filter{}, func(b []byte) error {
		var cf struct {
			Geometry struct {
				Coordinates orb.Point `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Direction Direction  `json:"direction"`
				Sector    geo.Sector `json:"sector"`
				Date      string     `json:"date"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(b, &cf); err != nil {
			return err
		}
		all = append(all, point{bytes.Clone(b), cf.Geometry.Coordinates, cf.Properties.Direction, cf.Properties.Sector, cf.Properties.Date})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(all) < 20 {
		t.Fatalf("%d crossing points generated; want more to filter", len(all))
	}
	west := orb.Bound{Min: orb.Point{126, 37}, Max: orb.Point{127, 39}}
	cases := []struct {
		name string
		f    Filter
		keep func(point) bool
	}{
		{"bbox", Filter{BBox: &west}, func(p point) bool { return west.Contains(p.p) }},
		{"direction", Filter{Directions: []Direction{SouthToNorth}}, func(p point) bool { return p.dir == SouthToNorth }},
		{"sector", Filter{Sectors: []geo.Sector{geo.Eastern, geo.JSA}}, func(p point) bool { return p.sec == geo.Eastern || p.sec == geo.JSA }},
		{"match, offset and limit", Filter{Match: func(b []byte) bool { return bytes.Contains(b, []byte(`"north_to_south"`)) }, Offset: 3, Limit: 5},
			func(p point) bool { return p.dir == NorthToSouth }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want [][]byte
			for _, p := range all {
				if tc.keep(p) {
					want = append(want, p.b)
				}
			}
			matched := len(want)
			if matched == 0 || matched == len(all) {
				t.Fatalf("%d of %d points match: the case selects nothing or everything", matched, len(all))
			}
			want = want[min(tc.f.Offset, len(want)):]
			if tc.f.Limit > 0 {
				want = want[:min(tc.f.Limit, len(want))]
			}
			var got [][]byte
			res, err := s.CrossingPoints(tc.f, func(b []byte) error {
				got = append(got, bytes.Clone(b))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Matched != matched || res.Returned != len(want) || !slices.EqualFunc(got, want, bytes.Equal) {
				t.Errorf("CrossingPoints: %d matched, %d returned, %d points; a scan gives %d, %d", res.Matched, res.Returned, len(got), matched, len(want))
			}
		})
	}
}
