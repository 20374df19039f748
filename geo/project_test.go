package geo

import (
	"math"
	"math/rand"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// refHaversine is orb's haversine distance rescaled to the mean Earth
// radius this package uses.
func refHaversine(a, b orb.Point) float64 {
	return orbgeo.DistanceHaversine(a, b) * earthRadiusM / orb.EarthRadius
}

func TestHaversine(t *testing.T) {
	cases := []struct {
		name string
		a, b orb.Point
		want float64
	}{
		{"same point", orb.Point{127, 38}, orb.Point{127, 38}, 0},
		{"one degree of latitude", orb.Point{127, 38}, orb.Point{127, 39}, earthRadiusM * math.Pi / 180},
		{"quarter meridian", orb.Point{0, 0}, orb.Point{0, 90}, earthRadiusM * math.Pi / 2},
		{"Seoul to Pyongyang", orb.Point{126.9779, 37.5663}, orb.Point{125.7625, 39.0392}, refHaversine(orb.Point{126.9779, 37.5663}, orb.Point{125.7625, 39.0392})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := haversine(tc.a, tc.b); math.Abs(got-tc.want) > 1e-6 {
				t.Errorf("haversine = %.6f m, want %.6f m", got, tc.want)
			}
		})
	}
}

func TestAEQDRoundTrip(t *testing.T) {
	p := newAEQD(127.5, 38.2)
	r := rand.New(rand.NewSource(1))
	for range 10000 {
		lon, lat := 120+r.Float64()*15, 30+r.Float64()*15
		x, y := p.forward(lon, lat)
		gotLon, gotLat := p.inverse(x, y)
		if math.Abs(gotLon-lon) > 1e-9 || math.Abs(gotLat-lat) > 1e-9 {
			t.Fatalf("inverse(forward(%v, %v)) = %v, %v", lon, lat, gotLon, gotLat)
		}
	}
	if x, y := p.forward(127.5, 38.2); x != 0 || y != 0 {
		t.Errorf("forward(centre) = %v, %v, want 0, 0", x, y)
	}
	if lon, lat := p.inverse(0, 0); lon != 127.5 || lat != 38.2 {
		t.Errorf("inverse(0, 0) = %v, %v, want the centre", lon, lat)
	}
}

// TestAEQDMetric checks the projection's metric: distances from the centre
// are exact, north is up, and distances between points up to 300 km from
// the centre are kept within 0.1%.
func TestAEQDMetric(t *testing.T) {
	c := orb.Point{127.5, 38.2}
	p := newAEQD(c[0], c[1])
	cases := []struct {
		name string
		q    orb.Point
	}{
		{"north", orb.Point{127.5, 39.2}},
		{"east", orb.Point{129, 38.2}},
		{"Seoul", orb.Point{126.9779, 37.5663}},
		{"Pyongyang", orb.Point{125.7625, 39.0392}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, y := p.forward(tc.q[0], tc.q[1])
			if got, want := math.Hypot(x, y), haversine(c, tc.q); math.Abs(got-want) > 1e-6 {
				t.Errorf("distance from centre = %.6f, want %.6f", got, want)
			}
		})
	}
	if x, y := p.forward(127.5, 39); math.Abs(x) > 1e-9 || y <= 0 {
		t.Errorf("forward(due north) = %v, %v, want x 0, y > 0", x, y)
	}
	r := rand.New(rand.NewSource(2))
	worst := 0.0
	for range 10000 {
		a := orb.Point{c[0] + (r.Float64()-0.5)*6, c[1] + (r.Float64()-0.5)*4.5}
		b := orb.Point{a[0] + (r.Float64()-0.5)*0.5, a[1] + (r.Float64()-0.5)*0.5}
		if haversine(c, a) > 300e3 || haversine(c, b) > 300e3 {
			continue
		}
		ax, ay := p.forward(a[0], a[1])
		bx, by := p.forward(b[0], b[1])
		want := haversine(a, b)
		rel := math.Abs(math.Hypot(ax-bx, ay-by)-want) / want
		worst = math.Max(worst, rel)
	}
	if worst > 1e-3 {
		t.Errorf("worst relative distance error within 300 km = %.5f, want at most 0.001", worst)
	}
	t.Logf("worst relative distance error within 300 km: %.5f%%", 100*worst)
}
