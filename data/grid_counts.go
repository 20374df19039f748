package data

// counts: the arrays by attribute and date that cells and blocks count
// from, their binary searches and their copies on write.

import (
	"cmp"
	"slices"
)

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

// lowerBound returns the index of the first value >= x (d sorted).
func lowerBound[T cmp.Ordered](d []T, x T) int {
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

// upperBound returns the index of the first value > x (d sorted).
func upperBound[T cmp.Ordered](d []T, x T) int {
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
