package geo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"
)

// Simplify returns g with the vertices Douglas–Peucker may drop at
// tolerance tolDeg (in degrees, planar in lon/lat) removed: a map drawn at
// a scale where tolDeg is under a pixel looks the same with a fraction of
// the vertices. Polygons whose outer ring collapses are left out.
func Simplify(g orb.Geometry, tolDeg float64) orb.Geometry {
	return simplify.DouglasPeucker(tolDeg).Simplify(orb.Clone(g))
}

// CountPoints returns the number of vertices of g.
func CountPoints(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.Ring:
		return len(g)
	case orb.MultiLineString:
		return sumLen(g)
	case orb.Polygon:
		return sumLen(g)
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += CountPoints(p)
		}
		return n
	case orb.Collection:
		n := 0
		for _, c := range g {
			n += CountPoints(c)
		}
		return n
	}
	return 0
}

// sumLen is the sum of the lengths of xs's members.
func sumLen[S ~[]E, E any](xs []S) int {
	n := 0
	for _, x := range xs {
		n += len(x)
	}
	return n
}
