package data

// Reading the grid: counting what a matcher selects (blocks wholly
// inside by their tables, cut cells by their arrays) and walking the cells
// of a bbox.

import (
	"math"

	"github.com/paulmach/orb"
)

// wholeYears returns the years of m's dates, as rows of b's table, and
// whether m's dates are whole years (or open).
func (b *block) wholeYears(m *matcher) (k0, k1 int, ok bool) {
	if (m.from != 0 && !isYearKey(m.from)) || (m.hi != math.MaxUint32 && !endsYear(m.hi)) {
		return 0, 0, false
	}
	k0, k1 = 0, b.nyears
	if m.from != 0 {
		k0 = int(min(max(int64(keyYear(m.from))-int64(b.firstYear), 0), int64(b.nyears)))
	}
	if m.hi != math.MaxUint32 {
		k1 = int(min(max(int64(keyYear(m.hi))-int64(b.firstYear)+1, 0), int64(b.nyears)))
	}
	return k0, max(k0, k1), true
}

// count returns how many of b's entries m selects by date and attribute.
func (b *block) count(m *matcher) int {
	k0, k1, ok := b.wholeYears(m)
	if !ok {
		n := 0
		for _, c := range b.cells {
			if c != nil {
				n += c.count(m)
			}
		}
		return n
	}
	w := b.nyears + 1
	if m.anyAttr {
		row := len(b.attrs) * w
		return int(b.cum[row+k1] - b.cum[row+k0])
	}
	n := 0
	for g, a := range b.attrs {
		if m.attrOK[a] {
			n += int(b.cum[g*w+k1] - b.cum[g*w+k0])
		}
	}
	return n
}

// anyBound is what a nil bbox selects.
var anyBound = orb.Bound{Min: orb.Point{math.Inf(-1), math.Inf(-1)}, Max: orb.Point{math.Inf(1), math.Inf(1)}}

// cellRange returns the cells, within lo to hi, of the coordinates from
// a to b: where cellOf puts them, clamped before the conversion so that an
// infinite or huge coordinate stays in range.
func cellRange(a, b float64, lo, hi int32) (int32, int32) {
	clamp := func(v float64) int32 {
		f := math.Floor(v / cellDeg)
		if !(f >= float64(lo)) {
			return lo
		}
		if f > float64(hi) {
			return hi
		}
		return int32(f)
	}
	return clamp(a), clamp(b)
}

func inside(in, out orb.Bound) bool {
	return in.Min[0] >= out.Min[0] && in.Max[0] <= out.Max[0] && in.Min[1] >= out.Min[1] && in.Max[1] <= out.Max[1]
}

func disjoint(a, b orb.Bound) bool {
	return a.Max[0] < b.Min[0] || a.Min[0] > b.Max[0] || a.Max[1] < b.Min[1] || a.Min[1] > b.Max[1]
}

// visit calls the functions for the blocks of b: whole with each block
// wholly inside, part with each cell it cuts or holds of the others (the
// stray cell too).
func (g *grid) visit(b orb.Bound, whole func(*block), part func(c *cell, cut bool)) {
	x0, x1 := cellRange(b.Min[0], b.Max[0], gridX0, gridX1)
	y0, y1 := cellRange(b.Min[1], b.Max[1], gridY0, gridY1)
	if x0 > x1 || y0 > y1 {
		y0, y1 = 1, 0 // no block: only the stray cell
	}
	for y := y0; y <= y1; y++ {
		row := g.rows[y-gridY0]
		if row == nil {
			continue
		}
		for _, blk := range row[x0-gridX0 : x1-gridX0+1] {
			switch {
			case blk == nil || disjoint(blk.bound, b):
			case inside(blk.bound, b):
				whole(blk)
			default:
				for _, c := range blk.cells {
					if c != nil && !disjoint(c.bound, b) {
						part(c, !inside(c.bound, b))
					}
				}
			}
		}
	}
	if g.stray != nil && !disjoint(g.stray.bound, b) {
		part(g.stray, !inside(g.stray.bound, b))
	}
}

// count returns how many entries m selects: exactly, from the counts of
// the blocks and cells wholly inside its bbox, and entry by entry in the
// cells its bbox cuts. A bbox alone, with types, or with whole years
// alone is counted with more aggregates (grid_plain.go, grid_years.go,
// grid_ring.go); they hold only types and years, so any other filter
// (directions, sectors, other dates, types with dates) is counted here.
func (g *grid) count(m *matcher) int {
	if m.plain() || m.wholeYearsOnly() {
		return g.countPlain(m) // grid_plain.go, grid_years.go
	}
	n := 0
	g.visit(m.box, func(b *block) { n += b.count(m) }, func(c *cell, cut bool) { n += m.countCell(c, cut) })
	return n
}

// countCell returns how many of c's entries m selects; cut when m's bbox
// cuts c.
func (m *matcher) countCell(c *cell, cut bool) int {
	if !cut {
		return c.count(m)
	}
	if m.anyAttr {
		lo, hi := m.spanAll(&c.counts)
		if lo == 0 && hi == len(c.all) {
			return c.countAll(&m.box)
		}
		return countInAt(c.lons, c.lats, c.byDate[lo:hi], &m.box)
	}
	n := 0
	for _, gr := range c.groups {
		if m.attrOK[gr.attr] {
			lo, hi := m.span(c.dates[gr.start:gr.end])
			n += countIn(c.lons[int(gr.start)+lo:int(gr.start)+hi], c.lats[int(gr.start)+lo:int(gr.start)+hi], &m.box)
		}
	}
	return n
}

// countInAt returns how many of the points at the indexes are in b.
func countInAt(lons, lats []float64, at []int32, b *orb.Bound) int {
	n := 0
	for _, i := range at {
		lon, lat := lons[i], lats[i]
		n += b2i(lon >= b.Min[0]) & b2i(lon <= b.Max[0]) & b2i(lat >= b.Min[1]) & b2i(lat <= b.Max[1])
	}
	return n
}

// countAll returns how many of the cell's points are in b: by two binary
// searches when b holds all of the cell's longitudes or latitudes.
func (c *cell) countAll(b *orb.Bound) int {
	switch {
	case b.Min[0] <= c.bound.Min[0] && c.bound.Max[0] <= b.Max[0]:
		return within(c.sortedLats, b.Min[1], b.Max[1])
	case b.Min[1] <= c.bound.Min[1] && c.bound.Max[1] <= b.Max[1]:
		return within(c.sortedLons, b.Min[0], b.Max[0])
	}
	return countIn(c.lons, c.lats, b)
}

// within returns how many of the sorted values are from lo to hi.
// (No point is NaN: a coordinate is validated, and JSON has no NaN.)
func within(sorted []float64, lo, hi float64) int {
	a := lowerBound(sorted, lo)
	return upperBound(sorted[a:], hi)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// countIn returns how many of the points are in b.
func countIn(lons, lats []float64, b *orb.Bound) int {
	n := 0
	lats = lats[:len(lons)]
	for i, lon := range lons {
		lat := lats[i]
		n += b2i(lon >= b.Min[0]) & b2i(lon <= b.Max[0]) & b2i(lat >= b.Min[1]) & b2i(lat <= b.Max[1])
	}
	return n
}

// each calls fn with each entry m selects from the cells of its bbox,
// cell by cell, in no order, until fn returns false.
func (g *grid) each(m *matcher, fn func(e entry) bool) {
	more := true
	cellEach := func(c *cell, cut bool) {
		for _, gr := range c.groups {
			if !more || !m.attrOK[gr.attr] {
				continue
			}
			lo, hi := m.span(c.dates[gr.start:gr.end])
			for i := int(gr.start) + lo; more && i < int(gr.start)+hi; i++ {
				if !cut || (c.lons[i] >= m.box.Min[0] && c.lons[i] <= m.box.Max[0] && c.lats[i] >= m.box.Min[1] && c.lats[i] <= m.box.Max[1]) {
					more = fn(c.entry(i, gr.attr))
				}
			}
		}
	}
	g.visit(m.box, func(b *block) {
		for _, c := range b.cells {
			if c != nil && more {
				cellEach(c, false)
			}
		}
	}, func(c *cell, cut bool) {
		if more {
			cellEach(c, cut)
		}
	})
}
