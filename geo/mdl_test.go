package geo

import (
	"math"
	"math/rand"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestNewMDLErrors(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		line orb.LineString
	}{
		{"nil", nil},
		{"one vertex", orb.LineString{{127, 38}}},
		{"one vertex repeated", orb.LineString{{127, 38}, {127, 38}, {127, 38}}},
		{"NaN longitude", orb.LineString{{nan, 38}, {128, 38}}},
		{"NaN latitude", orb.LineString{{127, 38}, {128, nan}}},
		{"infinite", orb.LineString{{127, 38}, {math.Inf(1), 38}}},
		{"latitude out of range", orb.LineString{{127, 38}, {128, 91}}},
		{"longitude out of range", orb.LineString{{127, 38}, {181, 38}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMDL(tc.line)
			if err == nil {
				t.Errorf("NewMDL(%v) = %v, nil; want an error", tc.line, m)
			}
		})
	}
}

func TestNewMDLOrientation(t *testing.T) {
	cases := []struct {
		name string
		line orb.LineString
	}{
		{"west to east", orb.LineString{{127, 38}, {127.5, 38.1}, {128, 38}}},
		{"east to west", orb.LineString{{128, 38}, {127.5, 38.1}, {127, 38}}},
		{"repeated vertex", orb.LineString{{127, 38}, {127.5, 38.1}, {127.5, 38.1}, {128, 38}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMDL(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Line(); len(got) != 3 || got[0] != (orb.Point{127, 38}) {
				t.Errorf("Line() = %v, want 3 vertices from 127 E", got)
			}
			if got := m.Side(orb.Point{127.5, 38.5}); got != North {
				t.Errorf("Side(north point) = %s, want north", got)
			}
			if got := m.Side(orb.Point{127.5, 37.5}); got != South {
				t.Errorf("Side(south point) = %s, want south", got)
			}
		})
	}
}

func TestLength(t *testing.T) {
	m := loadMDL(t)
	want := 0.0
	for i := 1; i < len(testMDL.line); i++ {
		want += refHaversine(testMDL.line[i-1], testMDL.line[i]) / 1000
	}
	got := m.LengthKm()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("LengthKm() = %.6f, want %.6f", got, want)
	}
	if got < 235 || got > 250 {
		t.Errorf("LengthKm() = %.3f, want 235–250", got)
	}
}

func TestReferencePlaces(t *testing.T) {
	m := loadMDL(t)
	cases := []struct {
		name         string
		p            orb.Point
		side         Side // "" for any
		minKm, maxKm float64
		sector       Sector // "" for any
	}{
		{"Panmunjom", orb.Point{126.6772, 37.9561}, "", 0, 0.1, JSA},
		{"Seoul City Hall", orb.Point{126.9779, 37.5663}, South, 35, 45, ""},
		{"Pyongyang", orb.Point{125.7625, 39.0392}, North, 130, 150, ""},
		{"Kaesong", orb.Point{126.5544, 37.9705}, North, 8, 13, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl := m.Place(tc.p)
			if km := pl.DistanceM / 1000; km < tc.minKm || km > tc.maxKm {
				t.Errorf("distance = %.3f km, want %v–%v km", km, tc.minKm, tc.maxKm)
			}
			if tc.side != "" && pl.Side != tc.side {
				t.Errorf("side = %s, want %s", pl.Side, tc.side)
			}
			if tc.sector != "" && pl.Sector != tc.sector {
				t.Errorf("sector = %s, want %s", pl.Sector, tc.sector)
			}
			nearest, d, ch := m.Nearest(tc.p)
			if nearest != pl.Nearest || d != pl.DistanceM || ch != pl.ChainageKm {
				t.Errorf("Nearest = %v, %v, %v, want Place's %v, %v, %v", nearest, d, ch, pl.Nearest, pl.DistanceM, pl.ChainageKm)
			}
			if got := m.Side(tc.p); got != pl.Side {
				t.Errorf("Side = %s, want Place's %s", got, pl.Side)
			}
			if got := m.SectorOf(tc.p); got != pl.Sector {
				t.Errorf("SectorOf = %s, want Place's %s", got, pl.Sector)
			}
			if got := m.InDMZ(tc.p); got != pl.InDMZ || got != (pl.DistanceM <= HalfWidthM) {
				t.Errorf("InDMZ = %v, want %v", got, pl.DistanceM <= HalfWidthM)
			}
		})
	}
}

// randomNear returns a random point up to maxM metres from a random point
// of the line, and that distance.
func randomNear(m *MDL, r *rand.Rand, maxM float64) orb.Point {
	i := r.Intn(len(m.pts) - 1)
	base := m.pts[i].lerp(m.pts[i+1], r.Float64())
	a, d := 2*math.Pi*r.Float64(), maxM*r.Float64()
	return m.unproject(base.add(vec{d * math.Cos(a), d * math.Sin(a)}))
}

// bruteNearest samples the line every ~step metres along the great circle
// between each pair of vertices and returns the least haversine distance
// from p to a sample: a reference independent of the projection.
func bruteNearest(line orb.LineString, p orb.Point, step float64) float64 {
	best := math.Inf(1)
	for i := 1; i < len(line); i++ {
		a, b := line[i-1], line[i]
		n := int(math.Ceil(haversine(a, b)/step)) + 1
		for k := 0; k <= n; k++ {
			best = math.Min(best, refHaversine(p, slerp(a, b, float64(k)/float64(n))))
		}
	}
	return best
}

// slerp returns the point a fraction f of the way from a to b along the
// great circle.
func slerp(a, b orb.Point, f float64) orb.Point {
	toVec := func(p orb.Point) [3]float64 {
		lon, lat := p[0]*degToRad, p[1]*degToRad
		return [3]float64{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
	}
	va, vb := toVec(a), toVec(b)
	dot := va[0]*vb[0] + va[1]*vb[1] + va[2]*vb[2]
	omega := math.Acos(math.Min(1, dot))
	if omega < 1e-12 {
		return a
	}
	ka, kb := math.Sin((1-f)*omega)/math.Sin(omega), math.Sin(f*omega)/math.Sin(omega)
	v := [3]float64{ka*va[0] + kb*vb[0], ka*va[1] + kb*vb[1], ka*va[2] + kb*vb[2]}
	return orb.Point{math.Atan2(v[1], v[0]) / degToRad, math.Atan2(v[2], math.Hypot(v[0], v[1])) / degToRad}
}

// TestDistanceAccuracy checks, for points up to 200 km from the line, that
// DistanceM is the haversine distance to Nearest (orb's formula, within
// 0.5%), and that it is within 0.5% (or 15 m, the sampling step's error)
// of the least distance to a fine great-circle sampling of the line.
func TestDistanceAccuracy(t *testing.T) {
	m := loadMDL(t)
	r := rand.New(rand.NewSource(5))
	worst := 0.0
	for k := 0; k < 300; k++ {
		p := randomNear(m, r, 200e3)
		nearest, d, _ := m.Nearest(p)
		if ref := refHaversine(p, nearest); math.Abs(d-ref) > 0.005*ref+1e-6 {
			t.Errorf("%v: distance = %.3f m, want %.3f m (haversine to the nearest point %v)", p, d, ref, nearest)
		}
		ref := bruteNearest(m.Line(), p, 30)
		if math.Abs(d-ref) > math.Max(0.005*ref, 15) {
			t.Errorf("%v: distance = %.3f m, want %.3f m (brute force)", p, d, ref)
		}
		if ref > 1000 {
			worst = math.Max(worst, math.Abs(d-ref)/ref)
		}
	}
	t.Logf("worst relative error against the brute-force distance beyond 1 km: %.4f%%", 100*worst)
}

func TestTreeMatchesNaive(t *testing.T) {
	m := loadMDL(t)
	r := rand.New(rand.NewSource(6))
	for k := 0; k < 20000; k++ {
		q := m.project(randomNear(m, r, 300e3))
		_, _, got := m.tree.nearest(q)
		_, _, want := m.tree.nearestNaive(q)
		if got != want {
			t.Fatalf("%v: tree nearest d² = %v, want %v", q, got, want)
		}
	}
}

func TestOnLine(t *testing.T) {
	m := loadMDL(t)
	r := rand.New(rand.NewSource(8))
	for k := 0; k < 1000; k++ {
		i := r.Intn(len(m.pts) - 1)
		u := r.Float64()
		if k%4 == 0 {
			u = 0
		}
		base := m.pts[i].lerp(m.pts[i+1], u)
		d := m.pts[i+1].sub(m.pts[i])
		normal := vec{-d.y, d.x}.scale(1 / d.norm())
		cases := []struct {
			offset float64
			want   Side
		}{
			{0, OnLine},
			{0.5, OnLine},
			{-0.5, OnLine},
			{5, North},
			{-5, South},
		}
		for _, tc := range cases {
			if u == 0 && math.Abs(tc.offset) > 1 {
				continue // beside a vertex the normal of one segment says little
			}
			p := m.unproject(base.add(normal.scale(tc.offset)))
			if math.Abs(tc.offset) > 1 && m.foot(p).seg != i {
				continue // nearer another segment: at a spike of the line
			}
			if got := m.Side(p); got != tc.want {
				t.Fatalf("segment %d at %.3f, offset %v m: side = %s, want %s", i, u, tc.offset, got, tc.want)
			}
		}
	}
}

// sidePolygon closes the line round the north with its end extensions
// (along the parallels of its ends), so that a point is North exactly when
// the polygon contains it: a reference for Side independent of nearest
// points.
func sidePolygon(line orb.LineString) orb.Polygon {
	first, last := line[0], line[len(line)-1]
	ring := orb.Ring{{first[0] - 30, first[1]}}
	ring = append(ring, line...)
	ring = append(ring, orb.Point{last[0] + 30, last[1]}, orb.Point{last[0] + 30, 80}, orb.Point{first[0] - 30, 80}, orb.Point{first[0] - 30, first[1]})
	return orb.Polygon{ring}
}

// TestSideTopology checks Side against sidePolygon for random points up to
// 200 km from the line, and for points close to sharp bends of synthetic
// lines, where the side of the nearest segment alone would be wrong.
func TestSideTopology(t *testing.T) {
	sharp := orb.LineString{{127, 38}, {127.1, 38.2}, {127.12, 38.0}, {127.2, 38.3}, {127.25, 37.9}, {127.3, 38.25}, {127.31, 38.1}, {127.5, 38.1}}
	cases := []struct {
		name   string
		line   orb.LineString
		radius float64
	}{
		{"MDL", testLine(t), 200e3},
		{"MDL close", testLine(t), 5e3},
		{"sharp bends", sharp, 3e3},
		{"sharp bends far", sharp, 50e3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMDL(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			poly := sidePolygon(m.Line())
			r := rand.New(rand.NewSource(9))
			for k := 0; k < 5000; k++ {
				p := randomNear(m, r, tc.radius)
				pl := m.Place(p)
				if pl.DistanceM < 50 {
					continue // lon/lat and projected segments differ by up to a few metres
				}
				want := South
				if planar.PolygonContains(poly, p) {
					want = North
				}
				if pl.Side != want {
					t.Errorf("%v (%.0f m from %v): side = %s, want %s", p, pl.DistanceM, pl.Nearest, pl.Side, want)
				}
			}
		})
	}
}

// TestConcurrentUse uses one MDL from many goroutines, the first calls to
// DMZ among them; run it with -race.
func TestConcurrentUse(t *testing.T) {
	m, err := NewMDL(testLine(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int)
	for g := range 8 {
		go func() {
			r := rand.New(rand.NewSource(int64(g)))
			band, _, _ := m.DMZ()
			n := len(band[0])
			for range 200 {
				p := randomNear(m, r, 50e3)
				m.Place(p)
				m.Crossings(orb.LineString{p, randomNear(m, r, 50e3)})
			}
			done <- n
		}()
	}
	first := <-done
	for range 7 {
		if n := <-done; n != first {
			t.Errorf("band of %d vertices, want %d", n, first)
		}
	}
}
