package data

import (
	"math"
	"slices"
	"strings"
)

// gatherCost is how many entries of a date walk one match gathered from
// the grid costs, about: gathering finds every match and sorts them; the
// walk stops at the last one the page needs.
const gatherCost = 24

// page calls add with the keys of the entries m selects, in key order,
// from the offset-th, at most limit of them (0: all), and returns how
// many m selects in all, counted from the grid (grid.count) rather than by
// walking them, and how many it passed to add. It finds the page by
// walking the date range until its last match, or, when the matches are
// few among the dates, by gathering them from the grid's cells.
func (st indexState) page(m *matcher, offset, limit int, add func(key string, at listPlace) error) (matched, returned int, err error) {
	matched = st.grid.count(m)
	want := matched - offset
	if limit > 0 {
		want = min(want, limit)
	}
	if want <= 0 {
		return matched, 0, nil
	}
	need := offset + want
	dated := st.entries.dated(m)
	walk := float64(dated)
	if need < matched {
		walk = float64(need) * float64(dated) / float64(matched)
	}
	if walk <= float64(matched)*gatherCost {
		return matched, want, st.entries.walk(m, offset, need, add)
	}
	return matched, want, st.grid.gather(m, offset, need, add)
}

// listPlace is where an entry is in the date list: its chunk and its index
// there; ci -1 where that is not known (an entry gathered from the grid).
type listPlace struct{ ci, i int32 }

// gather calls add with the keys of the matches of m in key order, from
// the skip-th, until the need-th: it gathers every match from the grid's
// cells and sorts them.
func (g *grid) gather(m *matcher, skip, need int, add func(key string, at listPlace) error) error {
	var found []entry
	g.each(m, func(e entry) bool { found = append(found, e); return true })
	slices.SortFunc(found, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	for _, e := range found[min(skip, len(found)):min(need, len(found))] {
		if err := add(e.key, listPlace{-1, -1}); err != nil {
			return err
		}
	}
	return nil
}

// walk calls add with the keys of the matches of m in key order, from the
// skip-th, until the need-th: one loop over the chunks, with the type,
// direction and sector looked up in m's tables.
func (l entryList) walk(m *matcher, skip, need int, add func(key string, at listPlace) error) error {
	n := 0
	b := &m.box
	ci, i := l.seekDate(m.from)
	for ; ci < len(l.chunks); ci, i = ci+1, 0 {
		c := l.chunks[ci]
		for ; i < len(c); i++ {
			e := &c[i]
			if e.date > m.hi {
				return nil
			}
			if !m.typOK[e.typ] || !m.dirOK[e.dir] || !m.secOK[e.sector] ||
				e.p[0] < b.Min[0] || e.p[0] > b.Max[0] || e.p[1] < b.Min[1] || e.p[1] > b.Max[1] {
				continue
			}
			if n++; n > skip {
				if err := add(e.key, listPlace{int32(ci), int32(i)}); err != nil {
					return err
				}
				if n == need {
					return nil
				}
			}
		}
	}
	return nil
}

// yearCounts is the count of each year and type code: byYear[y-first].
type yearCounts struct {
	first  int
	byYear [][8]int
	bad    []int // entries of a type this version does not know, by year
}

func (yc *yearCounts) add(year int, typ uint8, n int) {
	if len(yc.byYear) == 0 {
		yc.first = year
	}
	if year < yc.first {
		grow := yc.first - year
		yc.byYear = append(make([][8]int, grow), yc.byYear...)
		if yc.bad != nil {
			yc.bad = append(make([]int, grow), yc.bad...)
		}
		yc.first = year
	}
	for year-yc.first >= len(yc.byYear) {
		yc.byYear = append(yc.byYear, [8]int{})
	}
	if typ >= 8 {
		for len(yc.bad) < len(yc.byYear) {
			yc.bad = append(yc.bad, 0)
		}
		yc.bad[year-yc.first] += n
		return
	}
	yc.byYear[year-yc.first][typ] += n
}

// addDates counts dates, in order, as of type typ: one add per year.
func (yc *yearCounts) addDates(dates []uint32, typ uint8) {
	for i := 0; i < len(dates); {
		year := keyYear(dates[i])
		j := i + 1
		for j < len(dates) && keyYear(dates[j]) == year {
			j++
		}
		yc.add(int(year), typ, j-i)
		i = j
	}
}

// years counts the entries m selects by year and type from the grid: the
// dates of the blocks and cells wholly inside m's bbox year by year, the
// cells it cuts entry by entry.
func (g *grid) years(m *matcher) []YearCount {
	var yc yearCounts
	fromCounts := func(c *counts) {
		for _, gr := range c.groups {
			if m.attrOK[gr.attr] {
				d := c.dates[gr.start:gr.end]
				lo, hi := m.span(d)
				yc.addDates(d[lo:hi], typeOf(gr.attr))
			}
		}
	}
	g.visit(m.box, func(b *block) {
		k0, k1, ok := b.wholeYears(m)
		if !ok {
			for _, c := range b.cells {
				if c != nil {
					fromCounts(&c.counts)
				}
			}
			return
		}
		w := b.nyears + 1
		for g, a := range b.attrs {
			if !m.attrOK[a] {
				continue
			}
			for k := k0; k < k1; k++ {
				if n := b.cum[g*w+k+1] - b.cum[g*w+k]; n > 0 {
					yc.add(int(b.firstYear)+k, typeOf(a), int(n))
				}
			}
		}
	}, func(c *cell, cut bool) {
		if !cut {
			fromCounts(&c.counts)
			return
		}
		for _, gr := range c.groups {
			if !m.attrOK[gr.attr] {
				continue
			}
			lo, hi := m.span(c.dates[gr.start:gr.end])
			for i := int(gr.start) + lo; i < int(gr.start)+hi; i++ {
				if c.lons[i] >= m.box.Min[0] && c.lons[i] <= m.box.Max[0] && c.lats[i] >= m.box.Min[1] && c.lats[i] <= m.box.Max[1] {
					yc.add(int(keyYear(c.dates[i])), typeOf(gr.attr), 1)
				}
			}
		}
	})
	var out []YearCount
	for i, byType := range yc.byYear {
		y := YearCount{Year: yc.first + i, ByType: map[Type]int{}}
		for t, n := range byType {
			if n > 0 {
				y.ByType[Types[t]] = n
				y.Total += n
			}
		}
		if i < len(yc.bad) && yc.bad[i] > 0 {
			y.ByType[""] += yc.bad[i]
			y.Total += yc.bad[i]
		}
		if y.Total > 0 {
			out = append(out, y)
		}
	}
	return out
}

// clusterAcc sums the incidents of one cluster.
type clusterAcc struct {
	x, y           int64
	sumLon, sumLat float64
	count          int
	byType         [8]int
	id             string
}

// clusters groups the entries m selects into cells of deg degrees from
// the grid's cells: a cell of the grid that falls in one cluster's cell is
// summed as arrays, without finding each point's cell.
func (g *grid) clusters(m *matcher, deg float64) (map[[2]int64]*clusterAcc, int, error) {
	cells := map[[2]int64]*clusterAcc{}
	matched := 0
	var err error
	of := func(lon, lat float64) [2]int64 {
		return [2]int64{int64(math.Floor(lon / deg)), int64(math.Floor(lat / deg))}
	}
	get := func(k [2]int64, key string) *clusterAcc {
		a := cells[k]
		if a == nil {
			if len(cells) == MaxClusterCells {
				err = &Error{Kind: KindInvalid, Message: "too many cells: choose a larger cell or a smaller area"}
				return nil
			}
			a = &clusterAcc{x: k[0], y: k[1], id: key[4:]}
			cells[k] = a
		}
		return a
	}
	fromCell := func(c *cell, cut bool) {
		one := !cut && of(c.bound.Min[0], c.bound.Min[1]) == of(c.bound.Max[0], c.bound.Max[1])
		if one && m.anyAttr {
			// The whole cell in one cluster: its sums by date give the
			// sums of the range, its groups the counts by type.
			lo, hi := m.spanAll(&c.counts)
			if lo == hi {
				return
			}
			a := get(of(c.lons[c.byDate[lo]], c.lats[c.byDate[lo]]), c.keys[c.byDate[lo]])
			if a == nil {
				return
			}
			a.sumLon += c.cumLon[hi] - c.cumLon[lo]
			a.sumLat += c.cumLat[hi] - c.cumLat[lo]
			a.count += hi - lo
			matched += hi - lo
			for _, gr := range c.groups {
				glo, ghi := m.span(c.dates[gr.start:gr.end])
				a.byType[typeOf(gr.attr)&7] += ghi - glo
			}
			return
		}
		for _, gr := range c.groups {
			if err != nil || !m.attrOK[gr.attr] {
				continue
			}
			lo, hi := m.span(c.dates[gr.start:gr.end])
			lo, hi = lo+int(gr.start), hi+int(gr.start)
			if lo == hi {
				continue
			}
			typ := typeOf(gr.attr)
			if one {
				a := get(of(c.lons[lo], c.lats[lo]), c.keys[lo])
				if a == nil {
					return
				}
				for i := lo; i < hi; i++ {
					a.sumLon += c.lons[i]
					a.sumLat += c.lats[i]
				}
				a.count += hi - lo
				a.byType[typ&7] += hi - lo
				matched += hi - lo
				continue
			}
			var a *clusterAcc
			var last [2]int64
			for i := lo; i < hi; i++ {
				lon, lat := c.lons[i], c.lats[i]
				if cut && (lon < m.box.Min[0] || lon > m.box.Max[0] || lat < m.box.Min[1] || lat > m.box.Max[1]) {
					continue
				}
				if k := of(lon, lat); a == nil || k != last {
					if a, last = get(k, c.keys[i]), k; a == nil {
						return
					}
				}
				a.sumLon += lon
				a.sumLat += lat
				a.count++
				a.byType[typ&7]++
				matched++
			}
		}
	}
	g.visit(m.box, func(b *block) {
		for _, c := range b.cells {
			if c != nil && err == nil {
				fromCell(c, false)
			}
		}
	}, func(c *cell, cut bool) {
		if err == nil {
			fromCell(c, cut)
		}
	})
	return cells, matched, err
}
