package data

// Building the grid from the date list at open: entries placed in cells
// by a counting sort, cells into blocks, blocks' tables.

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

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
	g := &grid{rows: make([][]*block, gridY1-gridY0+1), aggs: make([]*rowAgg, gridY1-gridY0+1)}
	for r := range g.aggs {
		g.aggs[r] = &rowAgg{}
	}
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
