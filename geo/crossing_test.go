package geo

import (
	"math"
	"math/rand"
	"testing"

	"github.com/paulmach/orb"
)

// naiveCrossings counts the proper intersections of the projected path
// with every segment of the line, with no index: the reference.
func naiveCrossings(m *MDL, path orb.LineString) int {
	n := 0
	for i := 1; i < len(path); i++ {
		a, b := m.project(path[i-1]), m.project(path[i])
		for j := 1; j < len(m.pts); j++ {
			if _, _, ok := segmentIntersection(a, b, m.pts[j-1], m.pts[j]); ok {
				n++
			}
		}
	}
	return n
}

// normalPath returns a straight path across the line at a random point of
// it, along the normal of its segment there, from d metres north of it to
// d metres south, and the chainage of that point.
func normalPath(m *MDL, r *rand.Rand, d float64) (orb.LineString, float64) {
	i := r.Intn(len(m.pts) - 1)
	u := 0.05 + 0.9*r.Float64()
	base := m.pts[i].lerp(m.pts[i+1], u)
	n := unit(m.pts[i+1].sub(m.pts[i]))
	n = vec{-n.y, n.x}
	return orb.LineString{m.unproject(base.add(n.scale(d))), m.unproject(base.sub(n.scale(d)))}, m.chainage(i, u)
}

func reversed(path orb.LineString) orb.LineString {
	out := append(orb.LineString(nil), path...)
	out.Reverse()
	return out
}

// TestCrossingsAcross checks straight paths from 5 km north of the line to
// 5 km south of it, crossing it once: exactly one crossing, on the line,
// north to south, and the reverse path south to north.
func TestCrossingsAcross(t *testing.T) {
	m := loadMDL(t)
	r := rand.New(rand.NewSource(12))
	tested := 0
	for k := 0; k < 400; k++ {
		path, chainage := normalPath(m, r, 5000)
		if naiveCrossings(m, path) != 1 || m.Side(path[0]) != North || m.Side(path[1]) != South {
			continue // the line winds back within 5 km
		}
		tested++
		for _, tc := range []struct {
			path orb.LineString
			want Direction
		}{
			{path, NorthToSouth},
			{reversed(path), SouthToNorth},
		} {
			cs := m.Crossings(tc.path)
			if len(cs) != 1 {
				t.Fatalf("%v: %d crossings, want 1", tc.path, len(cs))
			}
			c := cs[0]
			if c.Direction != tc.want || c.Estimated {
				t.Errorf("%v: crossing direction %s, estimated %v; want %s, false", tc.path, c.Direction, c.Estimated, tc.want)
			}
			if _, d, _ := m.Nearest(c.Point); d > 1 {
				t.Errorf("%v: crossing %v lies %.3f m from the line, want within 1 m", tc.path, c.Point, d)
			}
			if math.Abs(c.ChainageKm-chainage) > 1e-6 {
				t.Errorf("%v: crossing chainage %.6f km, want %.6f km", tc.path, c.ChainageKm, chainage)
			}
			if got := m.PathDirection(tc.path); got != tc.want {
				t.Errorf("%v: PathDirection = %s, want %s", tc.path, got, tc.want)
			}
		}
	}
	if tested < 300 {
		t.Errorf("tested %d paths, want at least 300", tested)
	}
}

// TestCrossingsOneSide checks paths of a few vertices that stay 3 to 10 km
// on one side of the line: no crossing, no direction.
func TestCrossingsOneSide(t *testing.T) {
	m := loadMDL(t)
	r := rand.New(rand.NewSource(13))
	tested := 0
	for k := 0; k < 400; k++ {
		side := North
		sign := 1.0
		if k%2 == 1 {
			side, sign = South, -1
		}
		var path orb.LineString
		i0 := r.Intn(len(m.pts) - 30)
		for v := 0; v < 2+r.Intn(5); v++ {
			i := i0 + r.Intn(30)
			n := unit(m.pts[i+1].sub(m.pts[i]))
			base := m.pts[i].lerp(m.pts[i+1], r.Float64())
			path = append(path, m.unproject(base.add(vec{-n.y, n.x}.scale(sign*(3000+7000*r.Float64())))))
		}
		ok := naiveCrossings(m, path) == 0
		for _, p := range path {
			ok = ok && m.Side(p) == side
		}
		if !ok {
			continue
		}
		tested++
		if cs := m.Crossings(path); len(cs) != 0 {
			t.Errorf("%v (%s): %d crossings, want none", path, side, len(cs))
		}
		if got := m.PathDirection(path); got != NoDirection {
			t.Errorf("%v (%s): PathDirection = %s, want none", path, side, got)
		}
	}
	if tested < 300 {
		t.Errorf("tested %d paths, want at least 300", tested)
	}
}

// TestCrossingsRandomPaths checks random walks near the middle of the
// line against the naive count: the crossings alternate in direction, the
// first leaves the side the path starts on, the last reaches the side it
// ends on, and PathDirection goes from the one to the other.
func TestCrossingsRandomPaths(t *testing.T) {
	m := loadMDL(t)
	r := rand.New(rand.NewSource(14))
	total := 0
	for k := 0; k < 300; k++ {
		i := 40 + r.Intn(len(m.pts)-80)
		p := m.pts[i].add(vec{(r.Float64() - 0.5) * 10000, (r.Float64() - 0.5) * 10000})
		path := orb.LineString{m.unproject(p)}
		for v := 0; v < 1+r.Intn(12); v++ {
			p = p.add(vec{(r.Float64() - 0.5) * 6000, (r.Float64() - 0.5) * 6000})
			path = append(path, m.unproject(p))
		}
		first, last := m.Side(path[0]), m.Side(path[len(path)-1])
		if first == OnLine || last == OnLine {
			continue
		}
		cs := m.Crossings(path)
		total += len(cs)
		if want := naiveCrossings(m, path); len(cs) != want {
			t.Fatalf("%v: %d crossings, want %d", path, len(cs), want)
		}
		from := first
		for _, c := range cs {
			want := NorthToSouth
			if from == South {
				want = SouthToNorth
			}
			if c.Direction != want {
				t.Fatalf("%v: crossing at %.3f km %s, want %s", path, c.ChainageKm, c.Direction, want)
			}
			from = map[Direction]Side{NorthToSouth: South, SouthToNorth: North}[c.Direction]
		}
		if from != last {
			t.Fatalf("%v: crossings end %s, want %s (the side of the path's end)", path, from, last)
		}
		want := NoDirection
		switch {
		case first == North && last == South:
			want = NorthToSouth
		case first == South && last == North:
			want = SouthToNorth
		}
		if got := m.PathDirection(path); got != want {
			t.Errorf("%v: PathDirection = %s, want %s", path, got, want)
		}
	}
	t.Logf("%d crossings in 300 paths", total)
}

func TestCrossingsDegenerate(t *testing.T) {
	m := loadMDL(t)
	line := m.Line()
	i := 100
	v := m.pts[i]
	bis := unit(unit(v.sub(m.pts[i-1])).add(unit(m.pts[i+1].sub(v))))
	north := vec{-bis.y, bis.x}
	at := func(d float64) orb.Point { return m.unproject(v.add(north.scale(d))) }
	beside := m.unproject(v.add(north.scale(3000)).add(bis.scale(1000)))
	cases := []struct {
		name string
		path orb.LineString
		want []Direction
	}{
		{"empty", nil, nil},
		{"one point", orb.LineString{at(1000)}, nil},
		{"repeated point", orb.LineString{at(1000), at(1000)}, nil},
		{"through a vertex of the line", orb.LineString{at(3000), at(-3000)}, []Direction{NorthToSouth}},
		{"via a vertex of the line", orb.LineString{at(3000), line[i], at(-3000)}, []Direction{NorthToSouth}},
		{"touching a vertex from the north", orb.LineString{at(3000), line[i], at(2000)}, nil},
		{"touching a vertex from the south", orb.LineString{at(-3000), line[i], at(-2000)}, nil},
		{"there and back", orb.LineString{at(3000), at(-3000), beside}, []Direction{NorthToSouth, SouthToNorth}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs := m.Crossings(tc.path)
			var got []Direction
			for _, c := range cs {
				got = append(got, c.Direction)
				if _, d, _ := m.Nearest(c.Point); d > 1 {
					t.Errorf("crossing %v lies %.3f m from the line", c.Point, d)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("crossings %v, want %v", got, tc.want)
			}
			for k := range got {
				if got[k] != tc.want[k] {
					t.Errorf("crossings %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestEstimatedCrossing(t *testing.T) {
	m := loadMDL(t)
	p := orb.Point{126.5544, 37.9705}
	c := m.EstimatedCrossing(p)
	nearest, _, ch := m.Nearest(p)
	if c.Point != nearest || c.ChainageKm != ch || !c.Estimated || c.Direction != NoDirection {
		t.Errorf("EstimatedCrossing = %+v, want {%v none %v true}", c, nearest, ch)
	}
}
