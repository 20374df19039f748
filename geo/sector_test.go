package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// TestSectorCuts finds where the line crosses 127.0 E and 127.9 E, and
// checks that each meridian is crossed once and that the cut points
// WesternCentralKm and CentralEasternKm are those chainages, rounded.
func TestSectorCuts(t *testing.T) {
	m := loadMDL(t)
	line := m.Line()
	cases := []struct {
		lon  float64
		want float64
	}{
		{127.0, WesternCentralKm},
		{127.9, CentralEasternKm},
	}
	for _, tc := range cases {
		var found []float64
		for i := 1; i < len(line); i++ {
			a, b := line[i-1], line[i]
			if (a[0]-tc.lon)*(b[0]-tc.lon) < 0 {
				f := (tc.lon - a[0]) / (b[0] - a[0])
				found = append(found, m.cumKm[i-1]+f*m.segKm[i-1])
			}
		}
		if len(found) != 1 {
			t.Errorf("the line crosses %v E %d times, want once", tc.lon, len(found))
			continue
		}
		t.Logf("%v E at %.3f km", tc.lon, found[0])
		if math.Abs(found[0]-tc.want) > 0.05 {
			t.Errorf("%v E at %.3f km, want the cut point %v km", tc.lon, found[0], tc.want)
		}
	}
}

func TestSectors(t *testing.T) {
	m := loadMDL(t)
	cases := []struct {
		name string
		p    orb.Point
		want Sector
	}{
		{"JSA", JSAPoint, JSA},
		{"900 m north of the JSA", orbgeo.PointAtBearingAndDistance(JSAPoint, 0, 900*orb.EarthRadius/earthRadiusM), JSA},
		{"1100 m north of the JSA", orbgeo.PointAtBearingAndDistance(JSAPoint, 0, 1100*orb.EarthRadius/earthRadiusM), Western},
		{"Kaesong", orb.Point{126.5544, 37.9705}, Western},
		{"Cheorwon", orb.Point{127.3133, 38.1467}, Central},
		{"Yanggu", orb.Point{127.9897, 38.1100}, Eastern},
		{"Goseong", orb.Point{128.4678, 38.3806}, Eastern},
		{"west end", testLine(t)[0], Western},
		{"east end", testLine(t)[len(testLine(t))-1], Eastern},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.SectorOf(tc.p); got != tc.want {
				_, _, ch := m.Nearest(tc.p)
				t.Errorf("SectorOf(%v) = %s (chainage %.1f km), want %s", tc.p, got, ch, tc.want)
			}
		})
	}
}
