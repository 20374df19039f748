// Package geo places points and paths against the Korean Military
// Demarcation Line (MDL): the nearest point of the line, the geodesic
// distance to it, the side (north or south), the chainage along the line, the
// sector, the Demilitarized Zone band 2 km either side, and the points where
// a path crosses the line.
//
// The package is pure geometry on orb: it reads no files and knows nothing of
// incidents. Coordinates are lon/lat degrees (WGS 84). Distances are
// great-circle distances on a sphere of mean radius 6371.0088 km; nearest
// points, sides, crossings and the band are computed in an azimuthal
// equidistant projection centred on the line, where the scale error stays
// below 0.05% within 300 km of the centre.
//
// # Sides
//
// The line runs west to east, so north is on its left. A point whose nearest
// point lies inside a segment takes its side from that segment; one whose
// nearest point is a vertex takes it from both segments meeting there (it is
// north when it lies left of both, south when right of both, and otherwise
// on the outer side of the bend). Within 1 m of the line it is OnLine.
// A point whose nearest point is an end of the line lies beyond it (the Han
// estuary to the west, the East Sea to the east): the line is extended from
// each end along its parallel (due west from the western end, due east from
// the eastern end), and such a point is North when its latitude is at least
// that end's, South otherwise. This follows the national borders, which
// leave the MDL's western end westward down the Han estuary and its eastern
// end eastward out to sea: it puts Gimpo, Ganghwa, Gyodong, Incheon,
// Yeonpyeong and Sokcho south and Kaepung, Haeju and the Kosong coast north.
// Within 150 km of the western end it puts no South Korean land north; it
// puts south the North Korean shores that lie south of that end's parallel
// (the Kaepung and Yeonan shores of the estuary and the Ongjin peninsula),
// where the border follows the estuary and then the sea, and it puts north
// the South Korean islands of Baengnyeong and Daecheong, 170 km out to the
// west beyond the Ongjin peninsula: no rule drawn from the MDL alone can
// tell those from the North Korean coast beside them. (A ray along the
// chord of the line's last 5 km does as well in the east, but not in the
// west, where the line's first 15 km run north from the estuary while the
// border turns west: it put Ganghwa, western Incheon and the Taean coast
// north.)
// BeyondLine is never returned.
package geo

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/paulmach/orb"
)

// Side is where a point lies with respect to the MDL: see the package
// comment for the rule.
type Side string

// The sides of the line. BeyondLine is reserved for points the end-of-line
// rule cannot decide; the current rule decides every point.
const (
	North      Side = "north"
	South      Side = "south"
	OnLine     Side = "on_line"
	BeyondLine Side = "beyond_line"
)

// Direction is the way a path crosses the MDL.
type Direction string

// The directions of a crossing.
const (
	NorthToSouth Direction = "north_to_south"
	SouthToNorth Direction = "south_to_north"
	NoDirection  Direction = "none"
)

// HalfWidthM is the half width of the DMZ in metres: each limit line lies
// this far from the MDL.
const HalfWidthM = 2000.0

// onLineM is the distance within which a point is OnLine.
const onLineM = 1.0

// MDL is the Military Demarcation Line, running west to east, with
// precomputed indexes. Safe for concurrent use.
type MDL struct {
	line  orb.LineString
	proj  aeqd
	pts   []vec     // projected vertices, metres
	cumKm []float64 // chainage of each vertex
	segKm []float64 // geodesic length of each segment
	tree  *segTree

	dmzOnce  sync.Once
	band     orb.Polygon
	northLim orb.LineString
	southLim orb.LineString
}

// NewMDL indexes line, a lon/lat LineString. It drops repeated vertices and
// reverses the line if it runs east to west, so that north is on its left.
// It returns an error for fewer than two distinct vertices or a coordinate
// that is not a finite longitude and latitude.
func NewMDL(line orb.LineString) (*MDL, error) {
	var pts orb.LineString
	for i, p := range line {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return nil, fmt.Errorf("geo: MDL vertex %d is not finite: %v", i, p)
		}
		if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return nil, fmt.Errorf("geo: MDL vertex %d is not a longitude and latitude: %v", i, p)
		}
		if len(pts) > 0 && pts[len(pts)-1] == p {
			continue
		}
		pts = append(pts, p)
	}
	if len(pts) < 2 {
		return nil, errors.New("geo: the MDL needs at least two distinct vertices")
	}
	if pts[0][0] > pts[len(pts)-1][0] {
		pts.Reverse()
	}
	b := pts.Bound()
	m := &MDL{line: pts, proj: newAEQD((b.Min[0]+b.Max[0])/2, (b.Min[1]+b.Max[1])/2)}
	m.pts = make([]vec, len(pts))
	for i, p := range pts {
		m.pts[i] = m.project(p)
	}
	for i := 0; i+1 < len(m.pts); i++ {
		if m.pts[i] == m.pts[i+1] {
			return nil, fmt.Errorf("geo: MDL vertices %d and %d coincide", i, i+1)
		}
	}
	m.cumKm = make([]float64, len(pts))
	m.segKm = make([]float64, len(pts)-1)
	for i := 0; i+1 < len(pts); i++ {
		m.segKm[i] = haversine(pts[i], pts[i+1]) / 1000
		m.cumKm[i+1] = m.cumKm[i] + m.segKm[i]
	}
	m.tree = newSegTree(m.pts)
	return m, nil
}

func (m *MDL) project(p orb.Point) vec {
	x, y := m.proj.forward(p[0], p[1])
	return vec{x, y}
}

func (m *MDL) unproject(v vec) orb.Point {
	lon, lat := m.proj.inverse(v.x, v.y)
	return orb.Point{lon, lat}
}

// Line returns the line, west to east. The caller must not modify it.
func (m *MDL) Line() orb.LineString { return m.line }

// LengthKm returns the geodesic length of the line in kilometres.
func (m *MDL) LengthKm() float64 { return m.cumKm[len(m.cumKm)-1] }

// Placement is a point placed against the MDL.
type Placement struct {
	Nearest    orb.Point // nearest point on the MDL
	DistanceM  float64   // geodesic distance from the point to Nearest, metres
	Side       Side
	ChainageKm float64 // km along the line from its western end to Nearest
	Sector     Sector
	InDMZ      bool // DistanceM <= HalfWidthM
}

// foot is the nearest point of the line to a query point.
type foot struct {
	p     orb.Point // the query point
	q     vec       // the query point, projected
	seg   int       // segment holding the nearest point
	t     float64   // its parameter on the segment
	point orb.Point
	distM float64
}

func (m *MDL) foot(p orb.Point) foot {
	q := m.project(p)
	seg, t, _ := m.tree.nearest(q)
	return m.footAt(p, q, seg, t)
}

func (m *MDL) footAt(p orb.Point, q vec, seg int, t float64) foot {
	f := foot{p: p, q: q, seg: seg, t: t}
	switch t {
	case 0:
		f.point = m.line[seg]
	case 1:
		f.point = m.line[seg+1]
	default:
		f.point = m.unproject(m.pts[seg].lerp(m.pts[seg+1], t))
	}
	f.distM = haversine(p, f.point)
	return f
}

func (m *MDL) chainage(seg int, t float64) float64 {
	return m.cumKm[seg] + t*m.segKm[seg]
}

// side returns the side of the query point of f, ignoring OnLine.
func (m *MDL) side(f foot) Side {
	a, b := m.pts[f.seg], m.pts[f.seg+1]
	last := len(m.pts) - 1
	var c float64
	switch {
	case f.t == 0 && f.seg == 0:
		c = f.p[1] - m.line[0][1]
	case f.t == 1 && f.seg+1 == last:
		c = f.p[1] - m.line[last][1]
	case f.t == 0:
		c = vertexSide(m.pts[f.seg-1], a, b, f.q)
	case f.t == 1:
		c = vertexSide(a, b, m.pts[f.seg+2], f.q)
	default:
		c = b.sub(a).cross(f.q.sub(a))
	}
	if c >= 0 {
		return North
	}
	return South
}

// vertexSide returns a value whose sign is the side of q (positive left)
// for the polyline prev–v–next when the nearest point of q is the vertex v.
func vertexSide(prev, v, next, q vec) float64 {
	d1, d2 := v.sub(prev), next.sub(v)
	w := q.sub(v)
	c1, c2 := d1.cross(w), d2.cross(w)
	if (c1 >= 0) == (c2 >= 0) {
		return c1 + c2
	}
	// Left of one segment and right of the other: q is on the outer side
	// of the bend, which is the left side when the line turns right.
	return -d1.cross(d2)
}

// Place returns everything about p with respect to the line.
func (m *MDL) Place(p orb.Point) Placement {
	f := m.foot(p)
	s := OnLine
	if f.distM > onLineM {
		s = m.side(f)
	}
	ch := m.chainage(f.seg, f.t)
	return Placement{
		Nearest:    f.point,
		DistanceM:  f.distM,
		Side:       s,
		ChainageKm: ch,
		Sector:     sectorOf(p, ch),
		InDMZ:      f.distM <= HalfWidthM,
	}
}

// Nearest returns the point of the line nearest to p, the geodesic distance
// to it in metres, and its chainage in km from the western end.
func (m *MDL) Nearest(p orb.Point) (nearest orb.Point, distanceM, chainageKm float64) {
	f := m.foot(p)
	return f.point, f.distM, m.chainage(f.seg, f.t)
}

// Side returns the side of the line p lies on: North, South, or OnLine
// within 1 m of it. See the package comment for points beyond its ends.
func (m *MDL) Side(p orb.Point) Side {
	f := m.foot(p)
	if f.distM <= onLineM {
		return OnLine
	}
	return m.side(f)
}

// InDMZ reports whether p lies within HalfWidthM of the line.
func (m *MDL) InDMZ(p orb.Point) bool {
	return m.foot(p).distM <= HalfWidthM
}

// SectorOf returns the sector of p: JSA within 1 km of JSAPoint, otherwise
// the sector of the chainage of its nearest point on the line.
func (m *MDL) SectorOf(p orb.Point) Sector {
	f := m.foot(p)
	return sectorOf(p, m.chainage(f.seg, f.t))
}
