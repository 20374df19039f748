package geo

import "github.com/paulmach/orb"

// DMZ returns the band between the limit lines (a Polygon, CCW exterior) and
// the limit lines, all lon/lat, computed once and cached. The caller must
// not modify them.
func (m *MDL) DMZ() (band orb.Polygon, northLimit, southLimit orb.LineString) {
	m.dmzOnce.Do(m.buildDMZ)
	return m.band, m.northLim, m.southLim
}

func (m *MDL) buildDMZ() {
	n := len(m.pts)
	north := make(orb.LineString, n)
	south := make(orb.LineString, n)
	for i := range m.pts {
		var d vec
		if i > 0 {
			e := m.pts[i].sub(m.pts[i-1])
			d = d.add(e.scale(1 / e.norm()))
		}
		if i+1 < n {
			e := m.pts[i+1].sub(m.pts[i])
			d = d.add(e.scale(1 / e.norm()))
		}
		d = d.scale(1 / d.norm())
		left := vec{-d.y, d.x}.scale(HalfWidthM)
		north[i] = m.unproject(m.pts[i].add(left))
		south[i] = m.unproject(m.pts[i].sub(left))
	}
	ring := make(orb.Ring, 0, 2*n+1)
	ring = append(ring, south...)
	for i := n - 1; i >= 0; i-- {
		ring = append(ring, north[i])
	}
	ring = append(ring, ring[0])
	m.band = orb.Polygon{ring}
	m.northLim, m.southLim = north, south
}
