package geo

import (
	"math"
	"math/rand"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// checkBuffer checks the band of half width r around pts: every limit-line
// vertex lies r from pts, the ring is closed, counter-clockwise and simple.
func checkBuffer(t *testing.T, pts []vec, r float64, ring, left, right []vec) {
	t.Helper()
	tree := newSegTree(pts)
	for name, line := range map[string][]vec{"left": left, "right": right} {
		for i, v := range line {
			_, _, d2 := tree.nearest(v)
			if d := math.Sqrt(d2); math.Abs(d-r) > arcToleranceM+1e-6 {
				t.Errorf("%s limit vertex %d at %v: distance = %.3f, want %.3f", name, i, v, d, r)
			}
		}
	}
	if ring[0] != ring[len(ring)-1] {
		t.Errorf("ring not closed: %v ... %v", ring[0], ring[len(ring)-1])
	}
	if a := signedArea(ring); a <= 0 {
		t.Errorf("ring signed area = %g, want > 0 (counter-clockwise)", a)
	}
	if xs := ringSelfIntersections(ring); len(xs) > 0 {
		t.Errorf("ring crosses itself %d times, first at %v", len(xs), xs[0])
	}
}

// ringSelfIntersections checks every pair of non-adjacent edges of a closed
// ring by brute force, a check independent of the segment tree.
func ringSelfIntersections(ring []vec) []vec {
	var out []vec
	n := len(ring) - 1
	for i := 0; i < n; i++ {
		a, b := ring[i], ring[i+1]
		ba := emptyBox().extend(a).extend(b)
		for j := i + 1; j < n; j++ {
			if j == i+1 || i == 0 && j == n-1 {
				continue
			}
			c, d := ring[j], ring[j+1]
			if !ba.intersects(emptyBox().extend(c).extend(d)) {
				continue
			}
			if _, _, ok := segmentIntersection(a, b, c, d); ok {
				out = append(out, ring[i])
			}
		}
	}
	return out
}

// ringContains reports whether q lies inside the closed ring, by the
// crossing number.
func ringContains(ring []vec, q vec) bool {
	in := false
	for i := 0; i+1 < len(ring); i++ {
		a, b := ring[i], ring[i+1]
		if (a.y > q.y) != (b.y > q.y) && q.x < a.x+(q.y-a.y)*(b.x-a.x)/(b.y-a.y) {
			in = !in
		}
	}
	return in
}

// checkContainment checks the band of half width r around pts against its
// definition at random points around it: no point farther than r from pts
// lies in the band; every point nearer than r lies in it unless it lies
// behind the perpendicular at either end; and behind an end cut flat, no
// point within r of that end lies in it. Points within a metre of these
// limits are not tested.
func checkContainment(t *testing.T, pts []vec, r float64, ring []vec, holes [][]vec, flat [2]bool, rnd *rand.Rand) {
	t.Helper()
	tree := newSegTree(pts)
	b := emptyBox()
	for _, v := range ring {
		b = b.extend(v)
	}
	n := len(pts)
	d0 := unit(pts[1].sub(pts[0]))
	d1 := unit(pts[n-1].sub(pts[n-2]))
	bad := 0
	for k := 0; k < 2000; k++ {
		q := vec{b.minX - 100 + rnd.Float64()*(b.maxX-b.minX+200), b.minY - 100 + rnd.Float64()*(b.maxY-b.minY+200)}
		_, _, d2 := tree.nearest(q)
		d := math.Sqrt(d2)
		s0, s1 := q.sub(pts[0]).dot(d0), pts[n-1].sub(q).dot(d1)
		var want bool
		switch {
		case d > r+1:
			want = false
		case d < r-1 && s0 > 1 && s1 > 1:
			want = true
		case flat[0] && s0 < -1 && q.dist2(pts[0]) < (r-1)*(r-1),
			flat[1] && s1 < -1 && q.dist2(pts[n-1]) < (r-1)*(r-1):
			want = false
		default:
			continue
		}
		got := ringContains(ring, q)
		for _, h := range holes {
			got = got && !ringContains(h, q)
		}
		if got != want {
			bad++
			if bad <= 5 {
				t.Errorf("%v (%.1f from the line, %.1f and %.1f from the ends' perpendiculars): in band = %v, want %v", q, d, s0, s1, got, want)
			}
		}
	}
}

func TestBufferShapes(t *testing.T) {
	const r = 2000.0
	cases := []struct {
		name string
		pts  []vec
		area float64 // 0: not checked
		flat bool    // whether both ends are cut flat
	}{
		{"straight", []vec{{0, 0}, {10000, 0}}, 2 * r * 10000, true},
		{"straight with collinear vertex", []vec{{0, 0}, {4000, 0}, {10000, 0}}, 2 * r * 10000, true},
		// A left turn: rectangles 2r×L1 and 2r×L2 overlapping in r×r on the
		// inner side, and a quarter disc on the outer side.
		{"right angle", []vec{{0, 0}, {10000, 0}, {10000, 8000}}, 2*r*10000 + 2*r*8000 - r*r + math.Pi*r*r/4, true},
		{"shallow bends", []vec{{0, 0}, {3000, 500}, {6000, 0}, {9000, 600}, {12000, 0}}, 0, true},
		{"zigzag shorter than the width", []vec{{0, 0}, {300, 200}, {600, 0}, {900, 250}, {1200, 0}, {1500, 300}, {1800, 0}, {5000, 100}}, 0, true},
		// The pieces behind each end join, reaching beyond the ends: the
		// ends stay round.
		{"hairpin narrower than the band", []vec{{0, 0}, {10000, 0}, {10000, 3000}, {0, 3000}}, 0, false},
		{"hairpin wider than the band", []vec{{0, 0}, {10000, 0}, {10000, 5000}, {0, 5000}}, 0, true},
		{"spiral", []vec{{0, 0}, {20000, 0}, {20000, 20000}, {0, 20000}, {0, 6000}, {14000, 6000}, {14000, 14000}, {6000, 14000}}, 0, true},
		{"short first segment at an angle", []vec{{0, 0}, {200, 200}, {1500, 400}, {1700, 2000}, {1800, 8000}}, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ring, left, right, holes, flat := buffer(tc.pts, r)
			if got := flat[0] && flat[1]; got != tc.flat {
				t.Errorf("ends cut flat: %v, want both %v", flat, tc.flat)
			}
			checkBuffer(t, tc.pts, r, ring, left, right)
			checkContainment(t, tc.pts, r, ring, holes, flat, rand.New(rand.NewSource(1)))
			area := signedArea(ring)
			for _, h := range holes {
				area += signedArea(h)
			}
			if tc.area > 0 && math.Abs(area-tc.area) > 1e-3*tc.area {
				t.Errorf("area = %.0f, want %.0f", area, tc.area)
			}
			t.Logf("ring %d vertices, area %.0f m², %d holes", len(ring), area, len(holes))
		})
	}
}

// TestBufferRandomLines builds bands around a few hundred random simple
// lines, wandering or winding, with segments from 20 m to 3 km against a
// half width of 2 km, and checks each.
func TestBufferRandomLines(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	tested, flatBoth := 0, 0
	for k := 0; k < 400; k++ {
		n := 3 + r.Intn(60)
		maxTurn, maxHeading := 2.4, 1.4
		if k%2 == 1 {
			maxTurn, maxHeading = 1.2, 3
		}
		pts := []vec{{0, 0}}
		heading := 0.0
		for len(pts) < n {
			heading += (r.Float64() - 0.5) * maxTurn
			heading = math.Max(-maxHeading, math.Min(maxHeading, heading))
			l := 20 + r.Float64()*r.Float64()*3000
			pts = append(pts, pts[len(pts)-1].add(vec{math.Cos(heading), math.Sin(heading)}.scale(l)))
		}
		if len(selfIntersections(pts, false)) > 0 {
			continue
		}
		ring, left, right, holes, flat := buffer(pts, 2000)
		if ring == nil {
			t.Fatalf("line %d: no band: %v", k, pts)
		}
		checkBuffer(t, pts, 2000, ring, left, right)
		checkContainment(t, pts, 2000, ring, holes, flat, r)
		tested++
		if flat[0] && flat[1] {
			flatBoth++
		}
		if t.Failed() {
			t.Fatalf("line %d: %v", k, pts)
		}
	}
	t.Logf("%d bands, %d cut flat at both ends", tested, flatBoth)
	if tested < 200 {
		t.Errorf("tested %d bands, want at least 200", tested)
	}
}

func TestDMZ(t *testing.T) {
	m := loadMDL(t)
	if _, _, _, _, flat := buffer(m.pts, HalfWidthM); !flat[0] || !flat[1] {
		t.Errorf("ends cut flat: %v, want both", flat)
	}
	band, north, south := m.DMZ()
	for name, line := range map[string]orb.LineString{"north": north, "south": south} {
		for i, p := range line {
			if _, d, _ := m.Nearest(p); math.Abs(d-HalfWidthM) > 50 {
				t.Errorf("%s limit vertex %d %v: distance = %.1f m, want %.0f ± 50 m", name, i, p, d, HalfWidthM)
			}
		}
	}
	if n, s := m.Side(north[len(north)/2]), m.Side(south[len(south)/2]); n != North || s != South {
		t.Errorf("limit line sides = %s, %s, want north, south", n, s)
	}
	ext := band[0]
	if !ext.Closed() {
		t.Error("band exterior not closed")
	}
	if got := ext.Orientation(); got != orb.CCW {
		t.Errorf("band exterior orientation = %v, want CCW", got)
	}
	if len(band) != 1 {
		t.Errorf("band has %d holes, want 0", len(band)-1)
	}
	ring := make([]vec, len(ext))
	for i, p := range ext {
		ring[i] = m.project(p)
	}
	if xs := ringSelfIntersections(ring); len(xs) > 0 {
		t.Errorf("band crosses itself %d times, first at %v", len(xs), m.unproject(xs[0]))
	}
	areaKm2 := signedArea(ring) / 1e6
	t.Logf("band: %d vertices, %.1f km² (4 km × %.1f km = %.1f km²); limit lines %d and %d vertices",
		len(ext), areaKm2, m.LengthKm(), 4*m.LengthKm(), len(north), len(south))

	// InDMZ agrees with containment in the band but within 50 m of its
	// edge, and behind the perpendiculars at the ends of the line, where
	// the band stops flat.
	r := rand.New(rand.NewSource(11))
	bound := ext.Bound()
	n, disagree := 0, 0
	for n < 10000 {
		p := orb.Point{
			bound.Min[0] + r.Float64()*(bound.Max[0]-bound.Min[0]),
			bound.Min[1] + r.Float64()*(bound.Max[1]-bound.Min[1]),
		}
		f := m.foot(p)
		if f.distM > 3*HalfWidthM {
			continue
		}
		n++
		in, contained := m.InDMZ(p), planar.PolygonContains(band, p)
		if in == contained {
			continue
		}
		disagree++
		last := len(m.pts) - 1
		behind := f.q.sub(m.pts[0]).dot(m.pts[1].sub(m.pts[0])) < 0 ||
			f.q.sub(m.pts[last]).dot(m.pts[last].sub(m.pts[last-1])) > 0
		if !behind && math.Abs(f.distM-HalfWidthM) > 50 {
			t.Errorf("%v at %.1f m: InDMZ = %v, in band = %v", p, f.distM, in, contained)
		}
	}
	t.Logf("InDMZ and the band disagree on %d of %d points near the band", disagree, n)
}
