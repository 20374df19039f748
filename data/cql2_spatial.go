package data

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func geometryOf(n node, f *CQL2Feature) (orb.Geometry, bool) {
	if g, ok := value(n, f).(geomLit); ok && g.g != nil {
		return g.g, true
	}
	return nil, false
}

// intersects reports whether two geometries share a point.
func intersects(a, b orb.Geometry) bool {
	pa, la, ra := parts(a)
	pb, lb, rb := parts(b)
	for _, p := range pa {
		if pointMeets(p, pb, lb, rb) {
			return true
		}
	}
	for _, p := range pb {
		if pointMeets(p, pa, la, ra) {
			return true
		}
	}
	for _, l := range la {
		for _, m := range lb {
			if linesCross(l, m) {
				return true
			}
		}
		for _, poly := range rb {
			if lineMeetsPolygon(l, poly) {
				return true
			}
		}
	}
	for _, l := range lb {
		for _, poly := range ra {
			if lineMeetsPolygon(l, poly) {
				return true
			}
		}
	}
	for _, p := range ra {
		for _, q := range rb {
			if polygonsMeet(p, q) {
				return true
			}
		}
	}
	return false
}

// parts takes a geometry apart into points, lines and polygons.
func parts(g orb.Geometry) ([]orb.Point, []orb.LineString, []orb.Polygon) {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}, nil, nil
	case orb.MultiPoint:
		return g, nil, nil
	case orb.LineString:
		return nil, []orb.LineString{g}, nil
	case orb.MultiLineString:
		return nil, g, nil
	case orb.Polygon:
		return nil, nil, []orb.Polygon{g}
	case orb.MultiPolygon:
		return nil, nil, g
	case orb.Bound:
		return nil, nil, []orb.Polygon{g.ToPolygon()}
	case orb.Ring:
		return nil, nil, []orb.Polygon{{g}}
	}
	return nil, nil, nil
}

func pointMeets(p orb.Point, points []orb.Point, lines []orb.LineString, polys []orb.Polygon) bool {
	for _, q := range points {
		if p == q {
			return true
		}
	}
	for _, l := range lines {
		if onLine(p, l) {
			return true
		}
	}
	for _, poly := range polys {
		if inPolygon(p, poly) {
			return true
		}
	}
	return false
}

// inPolygon: inside the outer ring or on its edge, not inside a hole.
func inPolygon(p orb.Point, poly orb.Polygon) bool {
	if len(poly) == 0 {
		return false
	}
	for _, r := range poly {
		if onLine(p, orb.LineString(r)) {
			return true
		}
	}
	return planar.PolygonContains(poly, p)
}

func onLine(p orb.Point, l orb.LineString) bool {
	if len(l) == 1 {
		return l[0] == p
	}
	for i := 1; i < len(l); i++ {
		if onSegment(p, l[i-1], l[i]) {
			return true
		}
	}
	return false
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

func onSegment(p, a, b orb.Point) bool {
	const eps = 1e-12
	if math.Abs(cross(a, b, p)) > eps*math.Max(1, math.Hypot(b[0]-a[0], b[1]-a[1])) {
		return false
	}
	return p[0] >= math.Min(a[0], b[0])-eps && p[0] <= math.Max(a[0], b[0])+eps &&
		p[1] >= math.Min(a[1], b[1])-eps && p[1] <= math.Max(a[1], b[1])+eps
}

func segmentsCross(a, b, c, d orb.Point) bool {
	d1, d2 := cross(c, d, a), cross(c, d, b)
	d3, d4 := cross(a, b, c), cross(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return onSegment(a, c, d) || onSegment(b, c, d) || onSegment(c, a, b) || onSegment(d, a, b)
}

func linesCross(l, m orb.LineString) bool {
	if len(l) == 1 {
		return onLine(l[0], m)
	}
	if len(m) == 1 {
		return onLine(m[0], l)
	}
	if !l.Bound().Intersects(m.Bound()) {
		return false
	}
	for i := 1; i < len(l); i++ {
		for j := 1; j < len(m); j++ {
			if segmentsCross(l[i-1], l[i], m[j-1], m[j]) {
				return true
			}
		}
	}
	return false
}

func lineMeetsPolygon(l orb.LineString, poly orb.Polygon) bool {
	for _, p := range l {
		if inPolygon(p, poly) {
			return true
		}
	}
	for _, r := range poly {
		if linesCross(l, orb.LineString(r)) {
			return true
		}
	}
	return false
}

func polygonsMeet(p, q orb.Polygon) bool {
	if len(p) == 0 || len(q) == 0 {
		return false
	}
	for _, r := range p {
		if lineMeetsPolygon(orb.LineString(r), q) {
			return true
		}
	}
	for _, r := range q {
		if lineMeetsPolygon(orb.LineString(r), p) {
			return true
		}
	}
	return false
}
