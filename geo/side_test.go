package geo

import (
	"math"
	"math/rand"

	"github.com/paulmach/orb"
	"testing"
)

func TestSidePlaces(t *testing.T) {
	m := loadMDL(t)
	n := 0
	for _, pl := range loadPlaces(t) {
		var want Side
		switch pl.country {
		case "KOR":
			want = South
		case "PRK":
			want = North
		default:
			continue
		}
		_, d, _ := m.Nearest(pl.p)
		if d > 400e3 {
			continue
		}
		n++
		f := m.foot(pl.p)
		end := (f.seg == 0 && f.t == 0) || (f.seg == len(m.pts)-2 && f.t == 1)
		if got := m.Side(pl.p); got != want {
			t.Errorf("%s (%s, %.0f km, beyond an end: %v): side = %s, want %s", pl.name, pl.country, d/1000, end, got, want)
		} else if end {
			t.Logf("%s (%s) beyond an end: %s", pl.name, pl.country, got)
		}
	}
	if n < 30 {
		t.Errorf("tested %d places, want at least 30", n)
	}
}

// TestSideBeyondEnds checks the end-of-line rule against the national
// borders of testdata/basemap-korea.geojson: random land points within
// 150 km (80 km in the east) of an end of the line whose nearest point of
// the line is that end must get the side of the country they lie in (South Korea south, North
// Korea north). In the west the rule errs only on North Korean shores of
// the estuary and the Ongjin peninsula that lie south of the end's
// parallel; it never puts South Korean land north.
func TestSideBeyondEnds(t *testing.T) {
	m := loadMDL(t)
	kor, prk := loadCountries(t)
	last := len(m.pts) - 1
	cases := []struct {
		name     string
		vertex   int
		radius   float64
		samples  int
		minAgree float64
	}{
		{"west end", 0, 150e3, 1000, 0.95},
		{"east end", last, 80e3, 60, 1},
	}
	r := rand.New(rand.NewSource(3))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, agree := 0, 0
			// The points beyond an end lie in the half plane behind the
			// perpendicular to the end segment: sample there.
			out := m.pts[last].sub(m.pts[last-1])
			if tc.vertex == 0 {
				out = m.pts[0].sub(m.pts[1])
			}
			a0 := math.Atan2(out.y, out.x)
			tries := 0
			for n < tc.samples {
				tries++
				a, d := a0+math.Pi*(r.Float64()-0.5), tc.radius*math.Sqrt(r.Float64())
				p := m.unproject(m.pts[tc.vertex].add(vec{d * math.Cos(a), d * math.Sin(a)}))
				f := m.foot(p)
				if f.seg != min(tc.vertex, last-1) || f.t != float64(min(tc.vertex, 1)) {
					continue
				}
				var want Side
				switch {
				case kor.contains(p):
					want = South
				case prk.contains(p):
					want = North
				default:
					continue
				}
				n++
				switch got := m.Side(p); {
				case got == want:
					agree++
				case want == South:
					t.Errorf("%v in South Korea: side = %s, want %s", p, got, want)
				}
			}
			got := float64(agree) / float64(n)
			t.Logf("%d of %d land points agree with the borders (%.3f); %d tries", agree, n, got, tries)
			if got < tc.minAgree {
				t.Errorf("%d of %d land points agree with the borders (%.3f), want at least %.3f", agree, n, got, tc.minAgree)
			}
		})
	}
}

func TestSideNamedPlaces(t *testing.T) {
	m := loadMDL(t)
	cases := []struct {
		name string
		p    orb.Point
		want Side
	}{
		{"Ganghwa-eup", orb.Point{126.4878, 37.7469}, South},
		{"Gyodong island", orb.Point{126.2826, 37.7797}, South},
		{"Gimpo airport", orb.Point{126.7906, 37.5583}, South},
		{"Incheon airport", orb.Point{126.4505, 37.4602}, South},
		{"Yeonpyeong island", orb.Point{125.6957, 37.6642}, South},
		{"Haeju", orb.Point{125.7144, 38.0394}, North},
		{"Kaepung", orb.Point{126.5556, 37.8906}, North},
		{"Goseong (KOR)", orb.Point{128.4678, 38.3806}, South},
		{"Kosong (PRK)", orb.Point{128.1869, 38.8058}, North},
		{"East Sea, north-east of the end", orb.Point{128.8, 38.9}, North},
		{"East Sea, south-east of the end", orb.Point{128.8, 38.4}, South},
		// South Korean, but north of the line's western end and west of the
		// Ongjin peninsula: the known exceptions.
		{"Baengnyeong island", orb.Point{124.7, 37.96}, North},
		{"Daecheong island", orb.Point{124.72, 37.84}, North},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.Side(tc.p); got != tc.want {
				t.Errorf("Side(%v) = %s, want %s", tc.p, got, tc.want)
			}
		})
	}
}
