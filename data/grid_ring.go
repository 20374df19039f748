package data

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// The ring of a plain or whole-years count (grid_plain.go) in bigger
// units than cells. A block cut by the bbox's left or right edge only
// (the rows of its cells all inside the bbox) is counted from its strip by
// longitude: all its entries sorted by longitude, so that the part of it
// inside the bbox is two binary searches (one, when the other edge is
// past the block), whatever the number of its cells, with sampled counts
// by type and by year to count a type or a range of years in that part.
// A block cut by the top or bottom edge only is counted from its strip by
// latitude. Only a block cut by two edges (a corner) is counted from its
// sums over rectangles of cells and, cell by cell, from the cells the
// edges cut. The blocks of a row of blocks wholly inside the bbox are
// counted from the row's prefix sums over its blocks (rowAgg), all, by
// type and by year, one subtraction for the row. Strips and row sums are
// made when a query first needs them: a write's copy of a block, or of a
// row, starts without them, so that a write costs about what it did (the
// list of rows' sums is copied with the list of rows). A block whose
// strip cannot be made (more than 255 years) is counted as a corner is.
//
// A block's two strips, rather than one for each column and row of its
// cells and its sums, are what a count reads least of: one strip a
// block, and under load most lines a count reads come from memory rather
// than the CPU's caches.

// stripStep is how many entries of a strip its sampled counts step over.
const stripStep = 64

// strip is the entries of a block sorted by longitude (latitude).
type strip struct {
	vals        []float64 // the longitudes (latitudes), sorted
	keys        []float64 // vals[q*stripStep] for each q: searched first
	typ         []uint8   // type code in the same order, 8 for badAttr
	yr          []uint8   // year less the block's firstYear
	first, last float64   // vals[0] and vals[len(vals)-1]
	ns          int       // the samples: len(vals)/stripStep+1
	// byType[s*9+t] is how many of the first s*stripStep entries are of
	// type class t; byYear[k*ns+s] how many of them are dated before the
	// year firstYear+k of the block (a year's samples side by side: the
	// counts of one range of years read two rows of them).
	byType []uint32
	byYear []uint32
}

// blockStrips is a block's strips, each made when a query first needs
// it: [0] by longitude, [1] by latitude; a nil strip once made is one the
// block cannot have.
type blockStrips struct {
	once   [2]sync.Once
	strips [2]*strip
}

// strip returns b's strip by longitude (by latitude, when lat), made at
// the first call; nil when b has none to make (a block made before it had
// blockYears, or of too many years for the strips' counts): its cells
// count it then.
func (b *block) strip(lat bool) *strip {
	if b.years == nil {
		return nil
	}
	k := b2i(lat)
	st := &b.years.strips
	st.once[k].Do(func() { st.strips[k] = makeStrip(b, lat) })
	return st.strips[k]
}

type stripPoint struct {
	lon, lat float64
	typ, yr  uint8
}

// makeStrip returns b's strip by longitude (by latitude, when lat), nil
// when it cannot have one.
func makeStrip(b *block, lat bool) *strip {
	if b.nyears > 255 {
		return nil
	}
	ps := make([]stripPoint, 0, b.n)
	for _, c := range b.cells {
		if c == nil {
			continue
		}
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
	if lat {
		val = func(p *stripPoint) float64 { return p.lat }
	}
	sortBy(ps, val)
	s := newStrip(ps, b.nyears, val)
	return &s
}

// sortBy sorts ps by val: as numbers of their positive values' bits less
// the least, shifted, with each one's index in the low bits, which sort as
// the values do and faster than a comparison; when a value is not
// positive, or they span too many bits for the indexes beside them, by
// comparing the values, then the indexes.
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
	sorted := make([]stripPoint, len(ps))
	shift := max(bits.Len(uint(len(ps))), 1)
	if lo > hi || (hi-lo)>>(64-shift) != 0 {
		type valued struct {
			v float64
			i int
		}
		vs := make([]valued, len(ps))
		for i := range ps {
			vs[i] = valued{val(&ps[i]), i}
		}
		slices.SortFunc(vs, func(a, b valued) int { return cmp.Or(cmp.Compare(a.v, b.v), cmp.Compare(a.i, b.i)) })
		for j, v := range vs {
			sorted[j] = ps[v.i]
		}
		copy(ps, sorted)
		return
	}
	keys := make([]uint64, len(ps))
	for i := range ps {
		keys[i] = (math.Float64bits(val(&ps[i]))-lo)<<shift | uint64(i)
	}
	slices.Sort(keys)
	mask := uint64(1)<<shift - 1
	for j, k := range keys {
		sorted[j] = ps[k&mask]
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
	s := strip{vals: make([]float64, len(ps)), keys: make([]float64, 0, (len(ps)+stripStep-1)/stripStep), typ: make([]uint8, len(ps)), yr: make([]uint8, len(ps)), ns: ns,
		byType: make([]uint32, ns*9), byYear: make([]uint32, ns*w), first: val(&ps[0]), last: val(&ps[len(ps)-1])}
	var byType [9]uint32
	byYear := make([]uint32, nyears)
	for i := 0; ; i++ {
		if i%stripStep == 0 {
			q := i / stripStep
			copy(s.byType[q*9:], byType[:])
			var before uint32
			for k, n := range byYear {
				before += n
				s.byYear[(k+1)*ns+q] = before
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
	if pos == 0 {
		return 0
	}
	q, up := s.nearer(pos)
	n := int(s.byYear[k1*s.ns+q]) - int(s.byYear[k0*s.ns+q])
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
	if pos == 0 {
		return 0
	}
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
// searched first, then the step of vals between two of them; no search
// for an end past the strip's.
func (s *strip) span(lo, hi float64) (int, int) {
	n := len(s.vals)
	step := func(q int) (int, int) { // vals after keys[q-1], up to keys[q]
		return max(q-1, 0)*stripStep + b2i(q > 0), min(q*stripStep, n)
	}
	a, z := 0, n
	if lo > s.first {
		i, j := step(lowerBound(s.keys, lo))
		a = i + lowerBound(s.vals[i:j], lo)
	}
	if hi < s.last {
		i, j := step(upperBound(s.keys, hi))
		z = i + upperBound(s.vals[i:j], hi)
	}
	return a, max(a, z)
}

// stripCount counts, from its strip, the entries m selects of block blk
// when the bbox holds all its cells' rows (ay–zy, the rows wholly inside
// it), or all their columns (ax–zx). False when it cannot.
func (m *matcher) stripCount(blk *block, years bool, k0, k1, ax, zx, ay, zy int) (int, bool) {
	b := &m.box
	var st *strip
	var lo, hi float64
	switch {
	case ay == 0 && zy == blockSide-1: // cut by the left or right edge
		st, lo, hi = blk.strip(false), b.Min[0], b.Max[0]
	case ax == 0 && zx == blockSide-1: // by the top or bottom
		st, lo, hi = blk.strip(true), b.Min[1], b.Max[1]
	}
	if st == nil {
		return 0, false
	}
	return st.count(m, years, k0, k1, lo, hi), true
}
