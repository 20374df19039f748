package data

import (
	"math"
	"sync"
)

// A row of blocks' prefix sums over its blocks, for the blocks of a row
// wholly inside a bbox (see the ring's comment in grid_ring.go).

// rowAgg is a row of blocks' prefix sums over its blocks, made when first
// asked for; every row made or copied has its own.
type rowAgg struct {
	plainOnce sync.Once
	// plain[x] is the entries of the blocks before x: [0] all, [1+t] of
	// type code t (of a valid attribute).
	plain [][9]int32

	yearsOnce sync.Once
	firstYear uint32
	w         int // years + 1
	// years[x*w+k] is the entries of the blocks before x dated before
	// the year firstYear+k; nil when the row spans too many years.
	years []int32
}

// rowYearsMax is the most years a row's sums by year span.
const rowYearsMax = 512

func (a *rowAgg) plainSums(row []*block) [][9]int32 {
	a.plainOnce.Do(func() {
		p := make([][9]int32, len(row)+1)
		for x, b := range row {
			p[x+1] = p[x]
			if b == nil {
				continue
			}
			w := b.nyears + 1
			total := len(b.attrs) * w
			p[x+1][0] += b.cum[total+b.nyears] - b.cum[total]
			for g, at := range b.attrs {
				if at != badAttr {
					p[x+1][1+typeOf(at)] += b.cum[g*w+b.nyears] - b.cum[g*w]
				}
			}
		}
		a.plain = p
	})
	return a.plain
}

func (a *rowAgg) yearSums(row []*block) []int32 {
	a.yearsOnce.Do(func() {
		first, last, some := uint32(math.MaxUint32), uint32(0), false
		for _, b := range row {
			if b != nil && b.nyears > 0 {
				first, last, some = min(first, b.firstYear), max(last, b.firstYear+uint32(b.nyears)-1), true
			}
		}
		if !some {
			first, last = 0, 0
		}
		if last-first+1 > rowYearsMax {
			return
		}
		w := int(last-first) + 2
		s := make([]int32, (len(row)+1)*w)
		for x, b := range row {
			copy(s[(x+1)*w:(x+2)*w], s[x*w:(x+1)*w])
			if b == nil || b.nyears == 0 {
				continue
			}
			bw := b.nyears + 1
			total := len(b.attrs) * bw
			for k := range w {
				kb := min(max(int64(first)+int64(k)-int64(b.firstYear), 0), int64(b.nyears))
				s[(x+1)*w+k] += b.cum[total+int(kb)] - b.cum[total]
			}
		}
		a.firstYear, a.w, a.years = first, w, s
	})
	return a.years
}

// rowCount returns the entries m selects of the blocks xa to xz of row r
// (indexes in the row), all inside m's bbox; false when the row has no
// sums for m.
func (g *grid) rowCount(r int, row []*block, m *matcher, xa, xz int) (int, bool) {
	if r >= len(g.aggs) || g.aggs[r] == nil {
		return 0, false
	}
	a := g.aggs[r]
	if m.plain() {
		p := a.plainSums(row)
		if m.anyAttr {
			return int(p[xz+1][0] - p[xa][0]), true
		}
		n := 0
		for t, ok := range m.typOK[:8] {
			if ok {
				n += int(p[xz+1][1+t] - p[xa][1+t])
			}
		}
		return n, true
	}
	s := a.yearSums(row)
	if s == nil {
		return 0, false
	}
	k0, k1 := 0, a.w-1
	if m.from != 0 {
		k0 = int(min(max(int64(keyYear(m.from))-int64(a.firstYear), 0), int64(a.w-1)))
	}
	if m.hi != math.MaxUint32 {
		k1 = int(min(max(int64(keyYear(m.hi))-int64(a.firstYear)+1, 0), int64(a.w-1)))
	}
	k1 = max(k0, k1)
	w := a.w
	return int(s[(xz+1)*w+k1] - s[(xz+1)*w+k0] - s[xa*w+k1] + s[xa*w+k0]), true
}

// insideBlocks returns the blocks, from x0 to x1, whose squares widened by
// plainEps lie from lo to hi (a > z when none); x0 is lo's block, so each
// loop steps once or twice.
func insideBlocks(x0, x1 int32, lo, hi float64) (int32, int32) {
	a, z := x0, x1
	for a <= z && float64(int(a)*blockSide)*fineDeg-plainEps < lo {
		a++
	}
	for z >= a && float64(int(z+1)*blockSide)*fineDeg+plainEps > hi {
		z--
	}
	return a, z
}
