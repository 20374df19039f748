package data

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// The grid of the index counts without walking: blocks of cellDeg degrees,
// each of blockSide² cells of fineDeg. A cell keeps its entries as arrays
// (dates, longitudes, latitudes, keys) sorted by attribute (type, direction
// and sector packed in one byte) and then by key, so that the matches of
// one attribute in a date range are a slice found by two binary searches.
// A block keeps only the dates of all its cells, sorted the same way. A
// bbox is counted from the blocks wholly inside it, then the cells wholly
// inside it, and only the entries of the cells it cuts are looked at one by
// one. Like the date list, the grid is immutable: a change copies the cell
// and the block it touches, the row of blocks and the list of rows.
const (
	blockSide = 5
	fineDeg   = cellDeg / blockSide
)

// badAttr is the attribute of an entry whose type, direction or sector
// code this version does not know (a damaged record): it matches only a
// filter on none of them.
const badAttr = 0xff

// packAttr packs type (bits 0–2), direction (3–4) and sector (5–7) codes.
// No valid direction is 3, so no valid entry packs as badAttr.
func packAttr(typ, dir, sector uint8) uint8 {
	if typ >= 8 || dir >= 3 || sector >= 8 {
		return badAttr
	}
	return typ | dir<<3 | sector<<5
}

func attrOf(e *entry) uint8 { return packAttr(e.typ, e.dir, e.sector) }

// typeOf is the type code of an attribute, 255 for badAttr.
func typeOf(attr uint8) uint8 {
	if attr == badAttr {
		return 255
	}
	return attr & 7
}

// group is the run of one attribute in the arrays of a cell or a block.
type group struct {
	attr       uint8
	start, end int32
}

// counts is what counts the entries of a cell or a block by date and
// attribute: their dates in (attribute, date) order, the run of each
// attribute, and every date in order (for a filter on no attribute).
type counts struct {
	groups []group
	dates  []uint32
	all    []uint32
}

// lowerBound returns the index of the first date >= x.
func lowerBound(d []uint32, x uint32) int {
	lo, hi := 0, len(d)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if d[h] < x {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo
}

// upperBound returns the index of the first date > x.
func upperBound(d []uint32, x uint32) int {
	lo, hi := 0, len(d)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if d[h] <= x {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo
}

// span returns the part of d from m's first date to its last.
func (m *matcher) span(d []uint32) (int, int) {
	lo, hi := 0, len(d)
	if lo < hi && d[0] < m.from {
		lo = lowerBound(d, m.from)
	}
	if lo < hi && d[hi-1] > m.hi {
		hi = lo + upperBound(d[lo:], m.hi)
	}
	return lo, hi
}

// count returns how many of the entries m selects by date and attribute.
func (c *counts) count(m *matcher) int {
	if m.anyAttr {
		lo, hi := m.span(c.all)
		return hi - lo
	}
	n := 0
	for _, g := range c.groups {
		if m.attrOK[g.attr] {
			lo, hi := m.span(c.dates[g.start:g.end])
			n += hi - lo
		}
	}
	return n
}

// findGroup returns the index of attr's group, or where it would go.
func (c *counts) findGroup(attr uint8) (int, bool) {
	return slices.BinarySearchFunc(c.groups, attr, func(g group, a uint8) int { return int(g.attr) - int(a) })
}

// withDate returns c with one entry of attr dated date at position pos of
// its group (or where the dates order it, for pos < 0), and the index in
// dates where it went.
func (c *counts) withDate(attr uint8, date uint32, pos int) (counts, int) {
	gi, found := c.findGroup(attr)
	groups := slices.Clone(c.groups)
	if !found {
		start := int32(len(c.dates))
		if gi < len(groups) {
			start = groups[gi].start
		}
		groups = slices.Insert(groups, gi, group{attr: attr, start: start, end: start})
	}
	g := &groups[gi]
	if pos < 0 {
		pos = upperBound(c.dates[g.start:g.end], date)
	}
	at := int(g.start) + pos
	g.end++
	for i := gi + 1; i < len(groups); i++ {
		groups[i].start++
		groups[i].end++
	}
	return counts{
		groups: groups,
		dates:  insertAt(c.dates, at, date),
		all:    insertAt(c.all, upperBound(c.all, date), date),
	}, at
}

// withoutDate returns c without the entry at index at of dates.
func (c *counts) withoutDate(at int) counts {
	date := c.dates[at]
	gi := 0
	for int(c.groups[gi].end) <= at {
		gi++
	}
	groups := slices.Clone(c.groups)
	groups[gi].end--
	for i := gi + 1; i < len(groups); i++ {
		groups[i].start--
		groups[i].end--
	}
	if groups[gi].start == groups[gi].end {
		groups = slices.Delete(groups, gi, gi+1)
	}
	return counts{groups: groups, dates: deleteAt(c.dates, at), all: deleteAt(c.all, lowerBound(c.all, date))}
}

// insertAt returns a new slice: s with v at i.
func insertAt[T any](s []T, i int, v T) []T {
	out := make([]T, len(s)+1)
	copy(out, s[:i])
	out[i] = v
	copy(out[i+1:], s[i:])
	return out
}

// deleteAt returns a new slice: s without its i-th element.
func deleteAt[T any](s []T, i int) []T {
	out := make([]T, len(s)-1)
	copy(out, s[:i])
	copy(out[i:], s[i+1:])
	return out
}

// cell is the entries of one square of fineDeg, its arrays in the order
// of counts.dates.
type cell struct {
	counts
	lons, lats []float64
	keys       []string
	ncross     []uint8
	bound      orb.Bound // of its points
}

func (c *cell) len() int { return len(c.keys) }

// block is blockSide² cells: the counts of all of them, and their bound.
type block struct {
	counts
	cells [blockSide * blockSide]*cell
	bound orb.Bound
}

// grid is every entry of the index in blocks, over Region; entries
// outside it (none that validate) are in stray, looked at one by one.
type grid struct {
	rows  [][]*block // rows[y-gridY0][x-gridX0]; nil until it holds a block
	stray *cell
}

var (
	gridX0, gridY0 = cellOf(Region.Min)
	gridX1, gridY1 = cellOf(Region.Max)
)

// place returns the block and the cell of p: the indexes of the row, the
// block in it, and the cell in the block; false when p is outside.
func place(p orb.Point) (row, col, sub int, ok bool) {
	x, y := cellOf(p)
	if x < gridX0 || x > gridX1 || y < gridY0 || y > gridY1 {
		return 0, 0, 0, false
	}
	sx := int(math.Floor(p[0]/fineDeg)) - int(x)*blockSide
	sy := int(math.Floor(p[1]/fineDeg)) - int(y)*blockSide
	sx, sy = min(max(sx, 0), blockSide-1), min(max(sy, 0), blockSide-1)
	return int(y - gridY0), int(x - gridX0), sy*blockSide + sx, true
}

// attrOrder sorts entries by attribute, keeping their order otherwise.
func attrOrder(es []entry) []entry {
	var n [256]int
	for i := range es {
		n[attrOf(&es[i])]++
	}
	var at [256]int
	for a, sum := 0, 0; a < 256; a++ {
		at[a], sum = sum, sum+n[a]
	}
	out := make([]entry, len(es))
	for i := range es {
		a := attrOf(&es[i])
		out[at[a]] = es[i]
		at[a]++
	}
	return out
}

// countsOf returns the counts of entries in (attribute, key) order, with
// all, every date in order.
func countsOf(es []entry, all []uint32) counts {
	c := counts{dates: make([]uint32, len(es)), all: all}
	for i := range es {
		c.dates[i] = es[i].date
		a := attrOf(&es[i])
		if len(c.groups) == 0 || c.groups[len(c.groups)-1].attr != a {
			c.groups = append(c.groups, group{attr: a, start: int32(i)})
		}
		c.groups[len(c.groups)-1].end = int32(i + 1)
	}
	return c
}

func datesOf(es []entry) []uint32 {
	d := make([]uint32, len(es))
	for i := range es {
		d[i] = es[i].date
	}
	return d
}

// newCell returns the cell of es, in (attribute, key) order, and all, its
// dates in order; nil for none.
func newCell(es []entry, all []uint32) *cell {
	if len(es) == 0 {
		return nil
	}
	c := &cell{counts: countsOf(es, all), lons: make([]float64, len(es)), lats: make([]float64, len(es)),
		keys: make([]string, len(es)), ncross: make([]uint8, len(es)), bound: orb.Bound{Min: es[0].p, Max: es[0].p}}
	for i := range es {
		e := &es[i]
		c.lons[i], c.lats[i], c.keys[i], c.ncross[i] = e.p[0], e.p[1], e.key, e.ncross
		c.bound = c.bound.Extend(e.p)
	}
	return c
}

// entries returns the cell's entries, in its order.
func (c *cell) entries() []entry {
	es := make([]entry, 0, c.len())
	for _, g := range c.groups {
		for i := g.start; i < g.end; i++ {
			es = append(es, c.entry(int(i), g.attr))
		}
	}
	return es
}

func (c *cell) entry(i int, attr uint8) entry {
	e := entry{date: c.dates[i], p: orb.Point{c.lons[i], c.lats[i]}, key: c.keys[i], ncross: c.ncross[i]}
	if attr == badAttr {
		e.typ, e.dir, e.sector = 255, 255, 255
	} else {
		e.typ, e.dir, e.sector = attr&7, attr>>3&3, attr>>5
	}
	return e
}

// newGrid returns the grid of the entries of l.
func newGrid(l entryList) *grid {
	type spot struct{ row, col int }
	byBlock := map[spot][]entry{} // in key order
	var stray []entry
	l.ascend(0, 0, func(e *entry) bool {
		row, col, _, ok := place(e.p)
		if !ok {
			stray = append(stray, *e)
		} else {
			byBlock[spot{row, col}] = append(byBlock[spot{row, col}], *e)
		}
		return true
	})
	g := &grid{rows: make([][]*block, gridY1-gridY0+1), stray: newCell(attrOrder(stray), datesOf(stray))}
	for at, all := range byBlock {
		var cells [blockSide * blockSide][]entry
		for _, e := range all {
			_, _, sub, _ := place(e.p)
			cells[sub] = append(cells[sub], e)
		}
		b := &block{counts: countsOf(attrOrder(all), datesOf(all))}
		for sub, es := range cells {
			b.cells[sub] = newCell(attrOrder(es), datesOf(es))
		}
		b.bound = boundOf(b)
		if g.rows[at.row] == nil {
			g.rows[at.row] = make([]*block, gridX1-gridX0+1)
		}
		g.rows[at.row][at.col] = b
	}
	return g
}

func boundOf(b *block) orb.Bound {
	var out orb.Bound
	first := true
	for _, c := range b.cells {
		if c == nil {
			continue
		}
		if first {
			out, first = c.bound, false
		} else {
			out = out.Union(c.bound)
		}
	}
	return out
}

// cellWith returns c (nil for none) with e added.
func cellWith(c *cell, e entry) *cell {
	if c == nil {
		return newCell([]entry{e}, []uint32{e.date})
	}
	attr := attrOf(&e)
	gi, found := c.findGroup(attr)
	at := len(c.keys)
	if gi < len(c.groups) {
		at = int(c.groups[gi].start)
	}
	if found {
		g := c.groups[gi]
		i, _ := slices.BinarySearch(c.keys[g.start:g.end], e.key)
		at = int(g.start) + i
	}
	out := &cell{lons: insertAt(c.lons, at, e.p[0]), lats: insertAt(c.lats, at, e.p[1]),
		keys: insertAt(c.keys, at, e.key), ncross: insertAt(c.ncross, at, e.ncross), bound: c.bound.Extend(e.p)}
	out.counts, _ = c.withDate(attr, e.date, at-groupStart(c, gi, found))
	return out
}

func groupStart(c *cell, gi int, found bool) int {
	if found {
		return int(c.groups[gi].start)
	}
	if gi < len(c.groups) {
		return int(c.groups[gi].start)
	}
	return len(c.keys)
}

// cellWithout returns c without the entry of key, nil when it was the
// last, and where it was in the cell's arrays (-1 if absent).
func cellWithout(c *cell, e entry) (*cell, int) {
	if c == nil {
		return nil, -1
	}
	gi, found := c.findGroup(attrOf(&e))
	if !found {
		return c, -1
	}
	g := c.groups[gi]
	i, ok := slices.BinarySearch(c.keys[g.start:g.end], e.key)
	if !ok {
		return c, -1
	}
	at := int(g.start) + i
	if c.len() == 1 {
		return nil, at
	}
	out := &cell{counts: c.withoutDate(at), lons: deleteAt(c.lons, at), lats: deleteAt(c.lats, at),
		keys: deleteAt(c.keys, at), ncross: deleteAt(c.ncross, at)}
	out.bound = orb.Bound{Min: orb.Point{out.lons[0], out.lats[0]}, Max: orb.Point{out.lons[0], out.lats[0]}}
	for i := range out.lons {
		out.bound = out.bound.Extend(orb.Point{out.lons[i], out.lats[i]})
	}
	return out, at
}

// changed returns the grid after changes, made one by one.
func (g *grid) changed(changes []indexChange) *grid {
	out := &grid{rows: slices.Clone(g.rows), stray: g.stray}
	copied := map[int]bool{} // rows copied already
	for _, c := range changes {
		if c.old.key != "" {
			out.remove(c.old, copied)
		}
		if c.new.key != "" {
			out.add(c.new, copied)
		}
	}
	return out
}

// row returns a row of blocks to change: copied, once per change of the
// grid.
func (g *grid) row(row int, copied map[int]bool) []*block {
	if !copied[row] {
		if g.rows[row] == nil {
			g.rows[row] = make([]*block, gridX1-gridX0+1)
		} else {
			g.rows[row] = slices.Clone(g.rows[row])
		}
		copied[row] = true
	}
	return g.rows[row]
}

func (g *grid) add(e entry, copied map[int]bool) {
	row, col, sub, ok := place(e.p)
	if !ok {
		g.stray = cellWith(g.stray, e)
		return
	}
	r := g.row(row, copied)
	nb := &block{}
	if b := r[col]; b != nil {
		*nb = *b
	}
	old := nb.cells[sub]
	nb.cells[sub] = cellWith(old, e)
	nb.counts, _ = nb.withDate(attrOf(&e), e.date, -1)
	nb.bound = boundOf(nb)
	r[col] = nb
}

func (g *grid) remove(e entry, copied map[int]bool) {
	row, col, sub, ok := place(e.p)
	if !ok {
		g.stray, _ = cellWithout(g.stray, e)
		return
	}
	if g.rows[row] == nil || g.rows[row][col] == nil {
		return
	}
	b := g.rows[row][col]
	c, at := cellWithout(b.cells[sub], e)
	if at < 0 {
		return
	}
	r := g.row(row, copied)
	nb := &block{}
	*nb = *b
	nb.cells[sub] = c
	gi, _ := nb.findGroup(attrOf(&e))
	grp := nb.groups[gi]
	i := lowerBound(nb.dates[grp.start:grp.end], e.date)
	if len(nb.dates) == 1 {
		r[col] = nil
		return
	}
	nb.counts = nb.withoutDate(int(grp.start) + i)
	nb.bound = boundOf(nb)
	r[col] = nb
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
// cells its bbox cuts.
func (g *grid) count(m *matcher) int {
	n := 0
	g.visit(m.box, func(b *block) { n += b.count(m) }, func(c *cell, cut bool) {
		if !cut {
			n += c.count(m)
			return
		}
		for _, gr := range c.groups {
			if m.attrOK[gr.attr] {
				lo, hi := m.span(c.dates[gr.start:gr.end])
				n += countIn(c.lons[int(gr.start)+lo:int(gr.start)+hi], c.lats[int(gr.start)+lo:int(gr.start)+hi], &m.box)
			}
		}
	})
	return n
}

// countIn returns how many of the points are in b.
func countIn(lons, lats []float64, b *orb.Bound) int {
	n := 0
	lats = lats[:len(lons)]
	for i, lon := range lons {
		lat := lats[i]
		if lon >= b.Min[0] && lon <= b.Max[0] && lat >= b.Min[1] && lat <= b.Max[1] {
			n++
		}
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
