package data

// A write's change to the grid: the two cells it leaves and joins copied,
// their blocks' tables and rows copied once per change.

import (
	"slices"

	"github.com/paulmach/orb"
)

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
	out := &grid{rows: slices.Clone(g.rows), stray: g.stray, aggs: slices.Clone(g.aggs)}
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
		if row < len(g.aggs) {
			g.aggs[row] = &rowAgg{} // its own, made when first asked for
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
