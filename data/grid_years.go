package data

import "sync"

// A bbox over whole years with no type, direction or sector (a datetime
// or from/to of years) is counted as a bbox alone is (grid_plain.go), with
// a block's sums over rectangles of cells by year: how many entries of the
// cells of rows 0 to sy and columns 0 to sx are dated before each year.
// Those are 81 numbers a year, some 25 KB a block, so a block makes them
// when a query first needs them (a write's copy of a block starts without
// them) rather than at every write.

// blockYears is a block's sums over rectangles of cells by year, made
// once: sums[k*(blockSide+1)*(blockSide+1)+(sy+1)*(blockSide+1)+sx+1]
// counts the entries of the cells of rows 0 to sy and columns 0 to sx
// dated before the year firstYear+k of the block's table, k from 0 to
// nyears. A year's corners are side by side (a layer of 324 bytes), so
// that the queries of one range of years, whatever their bbox, read two
// layers of a block rather than lines all over its 25 KB.
type blockYears struct {
	once sync.Once
	sums []int32
	// plain are the sums by type (grid_plain.go), made once too.
	plainOnce sync.Once
	plain     *[1 + 8][(blockSide + 1) * (blockSide + 1)]int32
	// strips are its two strips, by longitude and by latitude
	// (grid_ring.go), each made once too.
	strips blockStrips
}

// yearSums returns b's sums by year, made at the first call; nil when b
// has none to make (a block made before it had blockYears).
func (b *block) yearSums() []int32 {
	if b.years == nil {
		return nil
	}
	b.years.once.Do(func() {
		const w = blockSide + 1
		const ww = w * w
		layers := b.nyears + 1
		s := make([]int32, ww*layers)
		for sub, c := range b.cells {
			if c == nil {
				continue
			}
			sx, sy := sub%blockSide, sub/blockSide
			for _, d := range c.all {
				k := int64(keyYear(d)) - int64(b.firstYear) + 1
				if k < 1 || k >= int64(layers) {
					continue // not in the table's years: cannot be (table covers every date)
				}
				s[int(k)*ww+(sy+1)*w+sx+1]++
			}
		}
		for k := 1; k < layers; k++ { // before the year: the years before added
			l, before := s[k*ww:(k+1)*ww], s[(k-1)*ww:k*ww]
			for i := range l {
				l[i] += before[i]
			}
		}
		for k := range layers { // over rectangles of cells
			l := s[k*ww : (k+1)*ww]
			for y := 1; y < w; y++ {
				for x := 1; x < w; x++ {
					l[y*w+x] += l[(y-1)*w+x] + l[y*w+x-1] - l[(y-1)*w+x-1]
				}
			}
		}
		b.years.sums = s
	})
	return b.years.sums
}

// yearRect returns the entries of the cells of columns x0 to x1 and rows
// y0 to y1 (inclusive) dated in the years k0 to k1-1 of b's table, and
// false when b has no sums by year.
func (b *block) yearRect(k0, k1, x0, x1, y0, y1 int) (int, bool) {
	s := b.yearSums()
	if s == nil {
		return 0, false
	}
	const w = blockSide + 1
	const ww = w * w
	rect := func(l []int32) int32 {
		return l[(y1+1)*w+x1+1] - l[y0*w+x1+1] - l[(y1+1)*w+x0] + l[y0*w+x0]
	}
	return int(rect(s[k1*ww:(k1+1)*ww]) - rect(s[k0*ww:(k0+1)*ww])), true
}

// wholeYearsOnly reports whether m selects by its bbox and a range of
// whole years (or open ends) alone.
func (m *matcher) wholeYearsOnly() bool {
	var b block
	_, _, ok := b.wholeYears(m)
	return ok && m.anyAttr && m.since == 0
}
