package data

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// The ring of a plain or whole-years count (grid_plain.go) in bigger
// units than cells. A block cut by one edge of the bbox only (its cells'
// rows, or columns, all inside it) is counted from its sums over
// rectangles of cells and, for each column (row) of cells the edge cuts,
// from a strip: the entries of that column of the block sorted by
// longitude (the row's by latitude), so that the part of it inside the
// bbox is two binary searches, whatever the number of its cells, with
// sampled counts by type and by year to count a type or a range of years
// in that part. Only a block cut by two edges (a corner) is counted cell
// by cell. The blocks of a row of blocks wholly inside the bbox are
// counted from the row's prefix sums over its blocks (rowAgg), all, by
// type and by year, one subtraction for the row. Strips and row sums are
// made when a query first needs them: a write's copy of a block, or of a
// row, starts without them, so that a write costs about what it did (the
// list of rows' sums is copied with the list of rows). A block whose
// strip cannot be made (more than 65,535 entries in it, or more than 255
// years) is counted cell by cell, as a corner is.

// stripStep is how many entries of a strip its sampled counts step over.
const stripStep = 32

// strip is the entries of one column (or row) of cells of a block, sorted
// by longitude (latitude).
type strip struct {
	vals []float64 // the longitudes (latitudes), sorted
	keys []float64 // vals[q*stripStep] for each q: searched first
	typ  []uint8   // type code in the same order, 8 for badAttr
	yr   []uint8   // year less the block's firstYear
	w    int       // the block's nyears+1
	// byType[s*9+t] is how many of the first s*stripStep entries are of
	// type class t; byYear[s*w+k] how many of them are dated before the
	// year firstYear+k of the block.
	byType []uint16
	byYear []uint16
}

// blockStrips is a block's strips, each made when a query first needs
// it: [sx] the cells of column sx, [blockSide+sy] those of row sy; a nil
// strip once made is one the block cannot have.
type blockStrips struct {
	once   [2 * blockSide]sync.Once
	strips [2 * blockSide]*strip
}

// strip returns b's strip of column i (of row i, when row), made at the
// first call; nil when b has none to make (a block made before it had
// blockYears, or a strip too long, or of too many years, for the strips'
// counts): its cells count it then.
func (b *block) strip(row bool, i int) *strip {
	if b.years == nil {
		return nil
	}
	k := i + blockSide*b2i(row)
	st := &b.years.strips
	st.once[k].Do(func() { st.strips[k] = makeStrip(b, row, i) })
	return st.strips[k]
}

type stripPoint struct {
	lon, lat float64
	typ, yr  uint8
}

// makeStrip returns the strip of column i of b's cells (of row i, when
// row), nil when it cannot have one.
func makeStrip(b *block, row bool, i int) *strip {
	if b.nyears > 255 {
		return nil
	}
	var cells []*cell
	for s := range blockSide {
		sub := s*blockSide + i // column i
		if row {
			sub = i*blockSide + s
		}
		if c := b.cells[sub]; c != nil {
			cells = append(cells, c)
		}
	}
	n := 0
	for _, c := range cells {
		n += c.len()
	}
	if n > math.MaxUint16 {
		return nil // more than the samples' counts hold
	}
	ps := make([]stripPoint, 0, n)
	for _, c := range cells {
		for _, g := range c.groups {
			t := uint8(8)
			if g.attr != badAttr {
				t = typeOf(g.attr)
			}
			for j := g.start; j < g.end; j++ {
				y := int64(keyYear(c.dates[j])) - int64(b.firstYear)
				if y < 0 || y >= int64(b.nyears) {
					return nil // not in the table's years: cannot be (table covers every date)
				}
				ps = append(ps, stripPoint{c.lons[j], c.lats[j], t, uint8(y)})
			}
		}
	}
	val := func(p *stripPoint) float64 { return p.lon }
	if row {
		val = func(p *stripPoint) float64 { return p.lat }
	}
	sortBy(ps, val)
	s := newStrip(ps, b.nyears, val)
	return &s
}

// sortBy sorts ps (at most 65,535 of them) by val: as numbers of their
// positive values' bits less the least, each with its index in the low 16
// bits, which sort as the values do and faster than a comparison; by
// comparison when a value is not positive or they span too many bits.
func sortBy(ps []stripPoint, val func(*stripPoint) float64) {
	lo, hi := uint64(math.MaxUint64), uint64(0)
	for i := range ps {
		v := val(&ps[i])
		if !(v > 0) {
			lo, hi = 1, 0
			break
		}
		lo, hi = min(lo, math.Float64bits(v)), max(hi, math.Float64bits(v))
	}
	if lo > hi || hi-lo >= 1<<48 || len(ps) > math.MaxUint16 {
		if len(ps) > 0 {
			slices.SortStableFunc(ps, func(a, b stripPoint) int { return cmp.Compare(val(&a), val(&b)) })
		}
		return
	}
	keys := make([]uint64, len(ps))
	for i := range ps {
		keys[i] = (math.Float64bits(val(&ps[i]))-lo)<<16 | uint64(i)
	}
	slices.Sort(keys)
	sorted := make([]stripPoint, len(ps))
	for j, k := range keys {
		sorted[j] = ps[k&0xffff]
	}
	copy(ps, sorted)
}

// newStrip returns the strip of ps, sorted by val, of a block of nyears.
func newStrip(ps []stripPoint, nyears int, val func(*stripPoint) float64) strip {
	if len(ps) == 0 {
		return strip{}
	}
	w := nyears + 1
	ns := len(ps)/stripStep + 1
	s := strip{vals: make([]float64, len(ps)), keys: make([]float64, 0, (len(ps)+stripStep-1)/stripStep), typ: make([]uint8, len(ps)), yr: make([]uint8, len(ps)), w: w,
		byType: make([]uint16, ns*9), byYear: make([]uint16, ns*w)}
	var byType [9]uint16
	byYear := make([]uint16, nyears)
	for i := 0; ; i++ {
		if i%stripStep == 0 {
			q := i / stripStep
			copy(s.byType[q*9:], byType[:])
			var before uint16
			for k, n := range byYear {
				before += n
				s.byYear[q*w+k+1] = before
			}
		}
		if i == len(ps) {
			break
		}
		p := &ps[i]
		s.vals[i], s.typ[i], s.yr[i] = val(p), p.typ, p.yr
		if i%stripStep == 0 {
			s.keys = append(s.keys, s.vals[i])
		}
		byType[p.typ]++
		byYear[p.yr]++
	}
	return s
}

// count returns how many of s's entries from lo to hi m selects: all of
// them, those of m's types (m plain), or, with years, those of the years
// k0 to k1-1 of the block's table.
func (s *strip) count(m *matcher, years bool, k0, k1 int, lo, hi float64) int {
	a, z := s.span(lo, hi)
	switch {
	case a >= z:
		return 0
	case years:
		return s.rankYears(z, k0, k1) - s.rankYears(a, k0, k1)
	case m.anyAttr:
		return z - a
	}
	return s.rankTypes(z, m) - s.rankTypes(a, m)
}

// rankYears returns how many of the first pos entries are of the years k0
// to k1-1: from the sample nearer pos, and the entries between.
func (s *strip) rankYears(pos, k0, k1 int) int {
	q, up := s.nearer(pos)
	n := int(s.byYear[q*s.w+k1]) - int(s.byYear[q*s.w+k0])
	lo, span := uint8(k0), uint8(k1-k0) // k1 <= 256: a year below k0 wraps past span
	if up {
		for _, y := range s.yr[pos : q*stripStep] {
			n -= b2i(y-lo < span)
		}
		return n
	}
	for _, y := range s.yr[q*stripStep : pos] {
		n += b2i(y-lo < span)
	}
	return n
}

// rankTypes returns how many of the first pos entries are of m's types.
func (s *strip) rankTypes(pos int, m *matcher) int {
	q, up := s.nearer(pos)
	n := 0
	for t, ok := range m.typOK[:8] {
		if ok {
			n += int(s.byType[q*9+t])
		}
	}
	if up {
		for _, t := range s.typ[pos : q*stripStep] {
			n -= b2i(t < 8 && m.typOK[t])
		}
		return n
	}
	for _, t := range s.typ[q*stripStep : pos] {
		n += b2i(t < 8 && m.typOK[t])
	}
	return n
}

// nearer returns the sample nearer pos, and whether it is after pos.
func (s *strip) nearer(pos int) (int, bool) {
	q := pos / stripStep
	if pos-q*stripStep > stripStep/2 && (q+1)*stripStep <= len(s.vals) {
		return q + 1, true
	}
	return q, false
}

// span returns the part of s.vals from lo to hi: the samples' keys
// searched first, then the step of vals between two of them.
func (s *strip) span(lo, hi float64) (int, int) {
	n := len(s.vals)
	step := func(q int) (int, int) { // vals after keys[q-1], up to keys[q]
		return max(q-1, 0)*stripStep + b2i(q > 0), min(q*stripStep, n)
	}
	i, j := step(lowerBound(s.keys, lo))
	a := i + lowerBound(s.vals[i:j], lo)
	i, j = step(upperBound(s.keys, hi))
	z := i + upperBound(s.vals[i:j], hi)
	return a, max(a, z)
}

// stripCount counts, from its strips, the entries m selects of block blk
// that lie outside the rectangle of
// its cells ax–zx, ay–zy when that rectangle holds all its cells' rows or
// all their columns: the cells of the other columns (rows) touching the
// bbox, tx0–tx1 (ty0–ty1). False when it cannot.
func (m *matcher) stripCount(blk *block, years bool, k0, k1, ax, zx, ay, zy, tx0, tx1, ty0, ty1 int) (int, bool) {
	b := &m.box
	cols, rows := ay == 0 && zy == blockSide-1, ax == 0 && zx == blockSide-1
	if !cols && !rows {
		return 0, false
	}
	n := 0
	if cols {
		for sx := tx0; sx <= tx1; sx++ {
			if sx < ax || sx > zx {
				st := blk.strip(false, sx)
				if st == nil {
					return 0, false
				}
				n += st.count(m, years, k0, k1, b.Min[0], b.Max[0])
			}
		}
		return n, true
	}
	for sy := ty0; sy <= ty1; sy++ {
		if sy < ay || sy > zy {
			st := blk.strip(true, sy)
			if st == nil {
				return 0, false
			}
			n += st.count(m, years, k0, k1, b.Min[1], b.Max[1])
		}
	}
	return n, true
}
