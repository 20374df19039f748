package geo

import (
	"slices"

	"github.com/paulmach/orb"
)

// Crossing is a point where a path crosses the MDL, or, when Estimated, the
// point of the MDL nearest to a location.
type Crossing struct {
	Point      orb.Point // on the MDL, lon/lat
	Direction  Direction // from the sides of the path segment's ends; NoDirection if unknown
	ChainageKm float64   // km along the MDL from its western end to Point
	Estimated  bool      // true when no path: the nearest MDL point to the location
}

// Crossings returns every point where path crosses the MDL, in path order.
// Empty if it never crosses.
//
// A crossing is a proper intersection of a path segment with a segment of
// the line, computed in the projected plane. Its direction comes from the
// sides of the path segment's ends with respect to the segment of the line
// it crosses. A point lying exactly on the line counts as lying north of it,
// so a path that passes through the line at a vertex (of either) crosses it
// once, and one that touches the line and turns back does not cross it.
func (m *MDL) Crossings(path orb.LineString) []Crossing {
	var out []Crossing
	type hit struct {
		t float64
		c Crossing
	}
	var hits []hit
	for i := 0; i+1 < len(path); i++ {
		a, b := m.project(path[i]), m.project(path[i+1])
		if a == b {
			continue
		}
		hits = hits[:0]
		m.tree.overlapping(emptyBox().extend(a).extend(b), func(j int) {
			c, d := m.pts[j], m.pts[j+1]
			sa, sb := orientSign(c, d, a), orientSign(c, d, b)
			if sa == sb || orientSign(a, b, c) == orientSign(a, b, d) {
				return
			}
			ab, cd := b.sub(a), d.sub(c)
			den := ab.cross(cd)
			if den == 0 {
				return
			}
			ac := c.sub(a)
			t := clamp01(ac.cross(cd) / den)
			u := clamp01(ac.cross(ab) / den)
			dir := NorthToSouth
			if !sa {
				dir = SouthToNorth
			}
			hits = append(hits, hit{t: t, c: Crossing{
				Point:      m.unproject(c.lerp(d, u)),
				Direction:  dir,
				ChainageKm: m.chainage(j, u),
			}})
		})
		slices.SortFunc(hits, func(x, y hit) int { return cmpFloat(x.t, y.t) })
		for _, h := range hits {
			out = append(out, h.c)
		}
	}
	return dropTouches(out)
}

// dropTouches removes each pair of consecutive crossings at the same point
// in opposite directions: a path touching the line there, or the line
// touching the path.
func dropTouches(cs []Crossing) []Crossing {
	out := cs[:0]
	for _, c := range cs {
		if n := len(out); n > 0 && out[n-1].Point == c.Point && out[n-1].Direction != c.Direction {
			out = out[:n-1]
			continue
		}
		out = append(out, c)
	}
	return out
}

// orientSign reports whether p lies left of, or on, the directed line a→b.
func orientSign(a, b, p vec) bool {
	return b.sub(a).cross(p.sub(a)) >= 0
}

func clamp01(t float64) float64 {
	if t < 0 {
		return 0
	}
	if t > 1 {
		return 1
	}
	return t
}

// EstimatedCrossing returns the nearest point of the MDL to p, flagged
// Estimated, for a location known without its path. Its direction is
// NoDirection.
func (m *MDL) EstimatedCrossing(p orb.Point) Crossing {
	f := m.foot(p)
	return Crossing{
		Point:      f.point,
		Direction:  NoDirection,
		ChainageKm: m.chainage(f.seg, f.t),
		Estimated:  true,
	}
}

// PathDirection summarises a path's crossings: the direction of the net
// crossing (first side of the path to last side), NoDirection when it never
// crosses or ends on the side it began. The net crossing is counted from
// Crossings: each north-to-south crossing counts one way and each
// south-to-north crossing the other.
func (m *MDL) PathDirection(path orb.LineString) Direction {
	net := 0
	for _, c := range m.Crossings(path) {
		switch c.Direction {
		case NorthToSouth:
			net++
		case SouthToNorth:
			net--
		}
	}
	switch {
	case net > 0:
		return NorthToSouth
	case net < 0:
		return SouthToNorth
	}
	return NoDirection
}
