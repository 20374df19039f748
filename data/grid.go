package data

// One file on purpose: the grid's cells, blocks and rows are built, copied on
// write and read by counting (count.go) with one layout; the layout's invariants
// are stated once, here. It is the next candidate for a split (build / update).

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
	blockSide = 8
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
	// years[k] is the index in all of the first date of the year
	// firstYear+k or later, for k from 0 to one after the last year: a
	// date range of whole years is found in all without a search.
	firstYear uint32
	years     []int32
}

// yearIndexMin is the length of all from which counts index its years.
const yearIndexMin = 64

// indexYears sets c's years from c.all.
func (c *counts) indexYears() {
	c.firstYear, c.years = 0, nil
	d := c.all
	if len(d) < yearIndexMin || keyYear(d[len(d)-1])-keyYear(d[0]) > 4096 {
		return
	}
	y0, y1 := keyYear(d[0]), keyYear(d[len(d)-1])
	c.firstYear, c.years = y0, make([]int32, y1-y0+2)
	j := 0
	for y := y0; y <= y1+1; y++ {
		for j < len(d) && d[j] < yearStartOf(y) {
			j++
		}
		c.years[y-y0] = int32(j)
	}
}

// yearOf returns the part of all dated in the year of date x.
func (c *counts) yearOf(x uint32) (int, int) {
	y := int64(keyYear(x)) - int64(c.firstYear)
	switch {
	case y < 0:
		return 0, 0
	case y >= int64(len(c.years))-1:
		return len(c.all), len(c.all)
	}
	return int(c.years[y]), int(c.years[y+1])
}

// spanAll is span(c.all), through c.years when it has them.
func (m *matcher) spanAll(c *counts) (int, int) {
	d := c.all
	lo, hi := 0, len(d)
	if lo == hi || (d[0] >= m.from && d[hi-1] <= m.hi) {
		return lo, hi
	}
	if c.years == nil {
		return m.span(d)
	}
	if d[0] < m.from {
		a, z := c.yearOf(m.from)
		if isYearKey(m.from) {
			lo = a
		} else {
			lo = a + lowerBound(d[a:z], m.from)
		}
	}
	if d[hi-1] > m.hi {
		a, z := c.yearOf(m.hi)
		if endsYear(m.hi) {
			hi = z
		} else {
			hi = a + upperBound(d[a:z], m.hi)
		}
	}
	return lo, max(lo, hi)
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
		lo, hi := m.spanAll(c)
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

func withYears(c counts) counts {
	c.indexYears()
	return c
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
	return withYears(counts{
		groups: groups,
		dates:  insertAt(c.dates, at, date),
		all:    insertAt(c.all, upperBound(c.all, date), date),
	}), at
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
	return withYears(counts{groups: groups, dates: deleteAt(c.dates, at), all: deleteAt(c.all, lowerBound(c.all, date))})
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
// of counts.dates; byDate is the index in them of each date of all, for a
// filter on no attribute; sortedLons and sortedLats count a bbox that
// cuts the cell on one side only, for a filter on neither attribute nor
// date.
type cell struct {
	counts
	lons, lats             []float64
	keys                   []string
	ncross                 []uint8
	byDate                 []int32
	sortedLons, sortedLats []float64
	// cumLon[j] and cumLat[j] sum the points of the first j dates of all.
	cumLon, cumLat []float64
	bound          orb.Bound // of its points
}

func (c *cell) len() int { return len(c.keys) }

// block is blockSide² cells, their bound, and a table of how many of
// their entries of each attribute are dated before each year: a range of
// whole years is counted from it without a search, and a write changes a
// few hundred numbers rather than arrays of every entry. Another range is
// counted from the cells.
type block struct {
	cells     [blockSide * blockSide]*cell
	bound     orb.Bound
	n         int
	firstYear uint32
	nyears    int
	attrs     []uint8 // the attributes of the rows of cum, in order
	// cum[g*(nyears+1)+k] is how many entries of attrs[g] are dated
	// before the year firstYear+k; the row len(attrs) counts all.
	cum []int32
	// years are its sums over rectangles of cells, by type and by year,
	// made when first asked for (grid_plain.go, grid_years.go); every
	// block made or copied has its own.
	years *blockYears
}

// table makes b's table from its cells, for years from y0 to y1 at least.
func (b *block) table(y0, y1 uint32) {
	seen := map[uint8]bool{}
	b.n = 0
	for _, c := range b.cells {
		if c == nil {
			continue
		}
		b.n += c.len()
		y0, y1 = min(y0, keyYear(c.all[0])), max(y1, keyYear(c.all[len(c.all)-1]))
		for _, g := range c.groups {
			seen[g.attr] = true
		}
	}
	b.attrs = b.attrs[:0:0]
	for a := range 256 {
		if seen[uint8(a)] {
			b.attrs = append(b.attrs, uint8(a))
		}
	}
	b.firstYear, b.nyears = y0, int(y1-y0+1)
	w := b.nyears + 1
	b.cum = make([]int32, (len(b.attrs)+1)*w)
	for _, c := range b.cells {
		if c == nil {
			continue
		}
		for _, g := range c.groups {
			row := slices.Index(b.attrs, g.attr) * w
			for _, d := range c.dates[g.start:g.end] {
				k := int(keyYear(d)-y0) + 1
				b.cum[row+k]++
				b.cum[len(b.attrs)*w+k]++
			}
		}
	}
	for r := 0; r <= len(b.attrs); r++ {
		for k := 1; k < w; k++ {
			b.cum[r*w+k] += b.cum[r*w+k-1]
		}
	}
}

// tally adds d (1 or -1) to b's table for one entry of attr dated date;
// false when the table has no row or no year for it.
func (b *block) tally(attr uint8, date uint32, d int32) bool {
	g, ok := slices.BinarySearch(b.attrs, attr)
	y := int64(keyYear(date)) - int64(b.firstYear)
	if !ok || y < 0 || y >= int64(b.nyears) {
		return false
	}
	w := b.nyears + 1
	b.cum = slices.Clone(b.cum)
	for _, row := range []int{g * w, len(b.attrs) * w} {
		for k := row + int(y) + 1; k < row+w; k++ {
			b.cum[k] += d
		}
	}
	b.n += int(d)
	return true
}

// grow gives b's table a row for attr and the year year.
func (b *block) grow(attr uint8, year uint32) {
	attrs := b.attrs
	if _, ok := slices.BinarySearch(attrs, attr); !ok {
		attrs = slices.Insert(slices.Clone(attrs), 0, attr)
		slices.Sort(attrs)
	}
	y0, nyears := year, 1
	if b.nyears > 0 {
		y0 = min(b.firstYear, year)
		nyears = int(max(b.firstYear+uint32(b.nyears)-1, year)-y0) + 1
	}
	w, ow := nyears+1, b.nyears+1
	cum := make([]int32, (len(attrs)+1)*w)
	for r, a := range append(slices.Clone(attrs), 0) {
		or := len(b.attrs) // the total row
		if r < len(attrs) {
			i, ok := slices.BinarySearch(b.attrs, a)
			if !ok {
				continue // a new row: zero
			}
			or = i
		}
		if b.nyears == 0 {
			continue
		}
		for k := range w {
			// Entries dated before the year y0+k, in the old table's years.
			ok := min(max(int(y0)+k-int(b.firstYear), 0), b.nyears)
			cum[r*w+k] = b.cum[or*ow+ok]
		}
	}
	b.attrs, b.firstYear, b.nyears, b.cum = attrs, y0, nyears, cum
}

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

// attrOrder sorts entries by attribute, keeping their order otherwise,
// and returns where each went.
func attrOrder(es []entry) ([]entry, []int32) {
	var n [256]int32
	for i := range es {
		n[attrOf(&es[i])]++
	}
	var at [256]int32
	for a, sum := 0, int32(0); a < 256; a++ {
		at[a], sum = sum, sum+n[a]
	}
	out, pos := make([]entry, len(es)), make([]int32, len(es))
	for i := range es {
		a := attrOf(&es[i])
		out[at[a]], pos[i] = es[i], at[a]
		at[a]++
	}
	return out, pos
}

// countsOf returns the counts of entries in (attribute, key) order, with
// all, every date in order.
func countsOf(es []entry, all []uint32) counts {
	c := counts{dates: make([]uint32, len(es)), all: all}
	c.indexYears()
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

// newCell returns the cell of es, given in key order; nil for none.
func newCell(es []entry) *cell {
	if len(es) == 0 {
		return nil
	}
	all := datesOf(es)
	es, byDate := attrOrder(es)
	c := &cell{counts: countsOf(es, all), lons: make([]float64, len(es)), lats: make([]float64, len(es)),
		keys: make([]string, len(es)), ncross: make([]uint8, len(es)), byDate: byDate, bound: orb.Bound{Min: es[0].p, Max: es[0].p}}
	for i := range es {
		e := &es[i]
		c.lons[i], c.lats[i], c.keys[i], c.ncross[i] = e.p[0], e.p[1], e.key, e.ncross
		c.bound = c.bound.Extend(e.p)
	}
	c.sortedLons, c.sortedLats = slices.Clone(c.lons), slices.Clone(c.lats)
	slices.Sort(c.sortedLons)
	slices.Sort(c.sortedLats)
	c.sum()
	return c
}

// sum sets c's sums by date.
func (c *cell) sum() {
	c.cumLon, c.cumLat = make([]float64, len(c.byDate)+1), make([]float64, len(c.byDate)+1)
	for j, i := range c.byDate {
		c.cumLon[j+1], c.cumLat[j+1] = c.cumLon[j]+c.lons[i], c.cumLat[j]+c.lats[i]
	}
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
	// Each entry's cell as one number (row, column, cell; -1 outside),
	// then the entries sorted by it, stably: each cell's in key order.
	perRow := (gridX1 - gridX0 + 1) * blockSide * blockSide
	where := make([]int32, 0, l.len())
	l.ascend(0, 0, func(e *entry) bool {
		row, col, sub, ok := place(e.p)
		w := int32(-1)
		if ok {
			w = int32(row)*perRow + int32(col)*blockSide*blockSide + int32(sub)
		}
		where = append(where, w)
		return true
	})
	// A counting sort: where-1 from -1 (outside) to the last cell.
	starts := make([]int32, int(gridY1-gridY0+1)*int(perRow)+2)
	for _, w := range where {
		starts[w+2]++
	}
	for k := 1; k < len(starts); k++ {
		starts[k] += starts[k-1]
	}
	order := make([]int32, len(where))
	for i, w := range where {
		order[starts[w+1]] = int32(i)
		starts[w+1]++
	}
	flat := make([]*entry, 0, l.len())
	l.ascend(0, 0, func(e *entry) bool { flat = append(flat, e); return true })
	at := func(i int32) *entry { return flat[i] }
	g := &grid{rows: make([][]*block, gridY1-gridY0+1)}
	var es []entry
	var b *block
	done := func() {
		if b != nil {
			b.bound = boundOf(b)
			b.table(math.MaxUint32, 0)
			b.years = &blockYears{}
		}
	}
	for k := 0; k < len(order); {
		w := where[order[k]]
		es = es[:0]
		for ; k < len(order) && where[order[k]] == w; k++ {
			es = append(es, *at(order[k]))
		}
		if w < 0 {
			g.stray = newCell(es)
			continue
		}
		row, col, sub := int(w/perRow), int(w%perRow)/(blockSide*blockSide), int(w%(blockSide*blockSide))
		if g.rows[row] == nil {
			g.rows[row] = make([]*block, gridX1-gridX0+1)
		}
		if g.rows[row][col] == nil {
			done()
			b = &block{}
			g.rows[row][col] = b
		}
		b.cells[sub] = newCell(es)
	}
	done()
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
		return newCell([]entry{e})
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
		keys: insertAt(c.keys, at, e.key), ncross: insertAt(c.ncross, at, e.ncross), bound: c.bound.Extend(e.p),
		sortedLons: insertSorted(c.sortedLons, e.p[0]), sortedLats: insertSorted(c.sortedLats, e.p[1])}
	// withDate puts the date in all after those up to it: there goes the
	// new entry's index, and the indexes from at on move up one.
	out.byDate = insertAt(c.byDate, upperBound(c.all, e.date), int32(at))
	for j, i := range out.byDate {
		if i >= int32(at) && j != upperBound(c.all, e.date) {
			out.byDate[j]++
		}
	}
	out.counts, _ = c.withDate(attr, e.date, at-groupStart(c, gi, found))
	out.sum()
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
		keys: deleteAt(c.keys, at), ncross: deleteAt(c.ncross, at),
		sortedLons: deleteSorted(c.sortedLons, c.lons[at]), sortedLats: deleteSorted(c.sortedLats, c.lats[at])}
	// withoutDate takes one of the equal dates from all, which leaves the
	// same values whichever it is: take at's index from byDate with it.
	out.byDate = make([]int32, 0, len(c.byDate)-1)
	for _, i := range c.byDate {
		switch {
		case i < int32(at):
			out.byDate = append(out.byDate, i)
		case i > int32(at):
			out.byDate = append(out.byDate, i-1)
		}
	}
	out.sum()
	out.bound = orb.Bound{Min: orb.Point{out.lons[0], out.lats[0]}, Max: orb.Point{out.lons[0], out.lats[0]}}
	for i := range out.lons {
		out.bound = out.bound.Extend(orb.Point{out.lons[i], out.lats[i]})
	}
	return out, at
}

// insertSorted returns a new slice: s with v in order.
func insertSorted(s []float64, v float64) []float64 {
	i, _ := slices.BinarySearch(s, v)
	return insertAt(s, i, v)
}

// deleteSorted returns a new slice: s without one v, which it holds.
func deleteSorted(s []float64, v float64) []float64 {
	i, _ := slices.BinarySearch(s, v)
	return deleteAt(s, i)
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
	nb.cells[sub] = cellWith(nb.cells[sub], e)
	nb.bound = boundOf(nb)
	if !nb.tally(attrOf(&e), e.date, 1) {
		nb.grow(attrOf(&e), keyYear(e.date))
		nb.tally(attrOf(&e), e.date, 1)
	}
	nb.years = &blockYears{} // its own, made when first asked for
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
	if nb.n == 1 {
		r[col] = nil
		return
	}
	nb.tally(attrOf(&e), e.date, -1)
	nb.bound = boundOf(nb)
	nb.years = &blockYears{}
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
	a, n := 0, len(sorted) // a: the first >= lo
	for a < n {
		h := int(uint(a+n) >> 1)
		if sorted[h] < lo {
			a = h + 1
		} else {
			n = h
		}
	}
	z, n := a, len(sorted) // z: the first > hi
	for z < n {
		h := int(uint(z+n) >> 1)
		if sorted[h] <= hi {
			z = h + 1
		} else {
			n = h
		}
	}
	return z - a
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
