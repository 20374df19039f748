package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestReferencePlaces(t *testing.T) {
	m := loadMDL(t)
	cases := []struct {
		name         string
		p            orb.Point
		side         Side
		minKm, maxKm float64
		sector       Sector
	}{
		{"Panmunjom", orb.Point{126.6772, 37.9561}, OnLine, 0, 0.1, JSA},
		{"Seoul City Hall", orb.Point{126.9779, 37.5663}, South, 35, 45, ""},
		{"Pyongyang", orb.Point{125.7625, 39.0392}, North, 130, 150, ""},
		{"Kaesong", orb.Point{126.5544, 37.9705}, North, 8, 13, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl := m.Place(tc.p)
			t.Logf("%+v", pl)
			if km := pl.DistanceM / 1000; km < tc.minKm || km > tc.maxKm {
				t.Errorf("distance = %.3f km, want %v–%v km", km, tc.minKm, tc.maxKm)
			}
			if tc.side != OnLine && pl.Side != tc.side {
				t.Errorf("side = %s, want %s", pl.Side, tc.side)
			}
			if tc.sector != "" && pl.Sector != tc.sector {
				t.Errorf("sector = %s, want %s", pl.Sector, tc.sector)
			}
		})
	}
	t.Log(m.LengthKm())
}
