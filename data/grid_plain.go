package data

import "math"

// A bbox with no other criterion but a type (no dates, no direction or
// sector) is counted with one more aggregate: each block's sums of the
// entries of its cells over rectangles (a two-dimensional prefix sum, 81
// numbers for all and 81 for each type), so
// that the cells of a block the bbox cuts that lie wholly inside it are
// one lookup, and only the ring of cells along the bbox's edges is
// looked at one by one. A cell is taken from the sums only when its square
// widened by plainEps lies inside the bbox: its points are within the
// square but for the rounding of place, so it is whole; every other cell
// is counted as grid.count counts it.

// plainEps is far more than the rounding of a point's cell in place.
const plainEps = 1e-9

// plainSums returns b's sums over rectangles of cells, made at the first
// call from its cells: [0][(sy+1)*(blockSide+1)+sx+1] is the number of
// entries of the cells of rows 0 to sy and columns 0 to sx, [1+t] the same
// of the entries of type code t (of a valid attribute); nil when b has no
// blockYears to keep them.
func (b *block) plainSums() *[1 + 8][(blockSide + 1) * (blockSide + 1)]int32 {
	if b.years == nil {
		return nil
	}
	b.years.plainOnce.Do(func() {
		const w = blockSide + 1
		sums := new([1 + 8][w * w]int32)
		for sy := range blockSide {
			for sx := range blockSide {
				var n [1 + 8]int32
				if c := b.cells[sy*blockSide+sx]; c != nil {
					n[0] = int32(c.len())
					for _, g := range c.groups {
						if g.attr != badAttr {
							n[1+typeOf(g.attr)] += g.end - g.start
						}
					}
				}
				for t := range n {
					s := &sums[t]
					s[(sy+1)*w+sx+1] = n[t] + s[sy*w+sx+1] + s[(sy+1)*w+sx] - s[sy*w+sx]
				}
			}
		}
		b.years.plain = sums
	})
	return b.years.plain
}

// sumRect returns the entries m selects (by type) of the cells of columns
// x0 to x1 and rows y0 to y1, inclusive; false when b has no sums.
func (b *block) sumRect(m *matcher, x0, x1, y0, y1 int) (int, bool) {
	sums := b.plainSums()
	if sums == nil {
		return 0, false
	}
	const w = blockSide + 1
	rect := func(s *[w * w]int32) int {
		return int(s[(y1+1)*w+x1+1] - s[y0*w+x1+1] - s[(y1+1)*w+x0] + s[y0*w+x0])
	}
	if m.anyAttr {
		return rect(&sums[0]), true
	}
	n := 0
	for t := range 8 {
		if m.typOK[t] {
			n += rect(&sums[1+t])
		}
	}
	return n, true
}

// insideCells returns the cells, from 0 to blockSide-1, of the block
// starting at cell index first (of fineDeg) whose squares widened by
// plainEps lie from lo to hi; lo > hi when none.
func insideCells(first int, lo, hi float64) (int, int) {
	// The first condition holds from some cell on, the second up to some:
	// the cells are those between (a > z when none).
	a, z := 0, blockSide-1
	for a < blockSide && !(float64(first+a)*fineDeg-plainEps >= lo) {
		a++
	}
	for z >= a && !(float64(first+z+1)*fineDeg+plainEps <= hi) {
		z--
	}
	return a, z
}

// touchCells returns the cells, from 0 to blockSide-1, of the block
// starting at cell index first whose squares widened by plainEps meet lo
// to hi (lo > hi when none): no point of another cell can be from lo to
// hi.
func touchCells(first int, lo, hi float64) (int, int) {
	a, z := 0, blockSide-1 // as in insideCells
	for a < blockSide && !(float64(first+a+1)*fineDeg+plainEps >= lo) {
		a++
	}
	for z >= a && !(float64(first+z)*fineDeg-plainEps <= hi) {
		z--
	}
	return a, z
}

// countPlain is grid.count for a plain matcher, or one of whole years
// alone (m.wholeYearsOnly). Its walk over the blocks is grid.visit's,
// written out without visit's two closures because it is the count's hot
// path; the blocks of a row wholly inside the bbox are counted from the
// row's sums (grid_ring.go).
func (g *grid) countPlain(m *matcher) int {
	b := m.box
	n := 0
	x0, x1 := cellRange(b.Min[0], b.Max[0], gridX0, gridX1)
	y0, y1 := cellRange(b.Min[1], b.Max[1], gridY0, gridY1)
	if x0 > x1 || y0 > y1 {
		y0, y1 = 1, 0 // no block: only the stray cell
	}
	xa, xz := insideBlocks(x0, x1, b.Min[0], b.Max[0])
	ya, yz := insideBlocks(y0, y1, b.Min[1], b.Max[1])
	for y := y0; y <= y1; y++ {
		row := g.rows[y-gridY0]
		if row == nil {
			continue
		}
		sa, sz := int32(1), int32(0) // the blocks counted from the row's sums
		if y >= ya && y <= yz && xa <= xz {
			if c, ok := g.rowCount(int(y-gridY0), row, m, int(xa-gridX0), int(xz-gridX0)); ok {
				n += c
				sa, sz = xa, xz
			}
		}
		for x := x0; x <= x1; x++ {
			if x >= sa && x <= sz {
				x = sz
				continue
			}
			if blk := row[x-gridX0]; blk != nil && !disjoint(blk.bound, b) {
				n += m.countBlock(blk, int(x), int(y))
			}
		}
	}
	if g.stray != nil && !disjoint(g.stray.bound, b) {
		n += m.countCell(g.stray, !inside(g.stray.bound, b))
	}
	return n
}

// countBlock returns the entries plain or whole-years m selects of blk,
// of column x and row y of the grid, which its bbox meets.
func (m *matcher) countBlock(blk *block, x, y int) int {
	b := m.box
	if inside(blk.bound, b) {
		return blk.count(m)
	}
	years := !m.plain()
	var k0, k1 int
	if years {
		k0, k1, _ = blk.wholeYears(m)
	}
	ax, zx := insideCells(x*blockSide, b.Min[0], b.Max[0])
	ay, zy := insideCells(y*blockSide, b.Min[1], b.Max[1])
	// Cut on one side only: from its strip (grid_ring.go).
	if c, ok := m.stripCount(blk, years, k0, k1, ax, zx, ay, zy); ok {
		return c
	}
	n := 0
	if ax <= zx && ay <= zy {
		var c int
		var ok bool
		if !years {
			c, ok = blk.sumRect(m, ax, zx, ay, zy)
		} else { // whole years (grid_years.go)
			c, ok = blk.yearRect(k0, k1, ax, zx, ay, zy)
		}
		if !ok {
			ax, zx = blockSide, -1 // no sums: every cell by itself
		}
		n += c
	}
	// The ring: the cells whose squares (widened) meet the bbox, but for
	// those in the sums; the others are not looked at.
	tx0, tx1 := touchCells(x*blockSide, b.Min[0], b.Max[0])
	ty0, ty1 := touchCells(y*blockSide, b.Min[1], b.Max[1])
	for sy := ty0; sy <= ty1; sy++ {
		for sx := tx0; sx <= tx1; sx++ {
			if sx >= ax && sx <= zx && sy >= ay && sy <= zy {
				continue // in the sums
			}
			if c := blk.cells[sy*blockSide+sx]; c != nil && !disjoint(c.bound, b) {
				n += m.countCell(c, !inside(c.bound, b))
			}
		}
	}
	return n
}

// plain reports whether m selects by its bbox alone, or with a type:
// no dates, no direction or sector.
func (m *matcher) plain() bool {
	return m.from == 0 && m.hi == math.MaxUint32 && m.since == 0 && m.dirs == 0 && m.sc == 0
}
