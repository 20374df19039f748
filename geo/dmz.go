package geo

import "github.com/paulmach/orb"

// DMZ returns the band between the limit lines (a Polygon, CCW exterior) and
// the limit lines, all lon/lat, computed once and cached. The caller must
// not modify them.
//
// The limit lines are the MDL offset HalfWidthM to its north and south,
// both running west to east: a true buffer with round joins, computed in
// the projected plane, every vertex of which lies HalfWidthM (+0 to 0.5 m
// on arcs) from the line. The band is the polygon between them, closed at
// each end of the line by the segment through the end perpendicular to the
// end segment (the DMZ stops at the coasts). So a point within HalfWidthM
// of the line but behind one of those perpendiculars is InDMZ yet outside
// the band; everywhere else the two agree.
func (m *MDL) DMZ() (band orb.Polygon, northLimit, southLimit orb.LineString) {
	m.dmzOnce.Do(m.buildDMZ)
	return m.band, m.northLim, m.southLim
}

func (m *MDL) buildDMZ() {
	ring, north, south, holes, _ := buffer(m.pts, HalfWidthM)
	m.band = orb.Polygon{m.unprojectRing(ring)}
	for _, h := range holes {
		m.band = append(m.band, m.unprojectRing(h))
	}
	m.northLim = orb.LineString(m.unprojectRing(north))
	m.southLim = orb.LineString(m.unprojectRing(south))
}

func (m *MDL) unprojectRing(vs []vec) orb.Ring {
	out := make(orb.Ring, len(vs))
	for i, v := range vs {
		out[i] = m.unproject(v)
	}
	return out
}
