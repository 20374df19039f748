package data

import (
	"slices"
	"sort"
	"sync"
)

// The index's date list: every entry in key (date) order, in chunks that a
// change copies one at a time. memIndex (index.go) holds one and replaces
// it on every committed write.

// dated returns how many entries are in m's date range.
func (l entryList) dated(m *matcher) int {
	hi := l.len()
	if m.to != 0 {
		hi = l.rank(l.seekDate(m.to + 1))
	}
	return hi - l.rank(l.seekDate(m.from))
}

// chunkSize is the length of the chunks of an entryList: a change copies
// one chunk and the list of chunks instead of every entry.
const chunkSize = 512

// entryList is the index's entries in key order, kept in chunks of 1 to
// 2*chunkSize entries. It is immutable: with and without return a new
// list that shares every chunk they do not change.
type entryList struct {
	chunks [][]entry
	starts []int // starts[i] is the position of chunks[i][0] in the list
	n      int
	years  *yearStarts
}

// chunked returns sorted as an entryList; it keeps sorted's memory.
func chunked(sorted []entry) entryList {
	var chunks [][]entry
	for len(sorted) > 0 {
		n := min(chunkSize, len(sorted))
		chunks = append(chunks, sorted[:n:n])
		sorted = sorted[n:]
	}
	return newEntryList(chunks)
}

func newEntryList(chunks [][]entry) entryList {
	l := entryList{chunks: chunks, starts: make([]int, len(chunks)), years: new(yearStarts)}
	for i, c := range chunks {
		l.starts[i] = l.n
		l.n += len(c)
	}
	return l
}

func (l entryList) len() int { return l.n }

// rank returns the position in the list of the entry at chunk ci, index i.
func (l entryList) rank(ci, i int) int {
	if ci == len(l.chunks) {
		return l.n
	}
	return l.starts[ci] + i
}

// seekDate returns where the first entry dated from or later is: its chunk
// and its index there, or len(l.chunks), 0 when there is none. A date of
// yearMarks in its year is where the list's yearStarts say; another is
// searched for.
func (l entryList) seekDate(from uint32) (ci, i int) {
	if mark := yearMark(from % 10000); l.years != nil && mark >= 0 {
		return l.years.seek(l, from, mark)
	}
	return l.searchDate(from)
}

// yearMarks are the months and days, in a year, of the dates a count or a
// page of whole years seeks: the year's start (a from of years), the key
// after the year's own (where sinceRanges looks for an entry between a
// datetime's ranges), the key after 31 December (where the end of a
// datetime of whole years is past), and the key after yearEndKey (where a
// to of years is past).
var yearMarks = [...]uint32{0, 1, 1232, 1300}

// yearMark returns the index in yearMarks of md, or -1.
func yearMark(md uint32) int {
	for i, m := range yearMarks {
		if m == md {
			return i
		}
	}
	return -1
}

// searchDate is seekDate by binary searches, over the chunks and in one.
func (l entryList) searchDate(from uint32) (ci, i int) {
	ci = sort.Search(len(l.chunks), func(c int) bool { return l.chunks[c][len(l.chunks[c])-1].date >= from })
	if ci == len(l.chunks) {
		return ci, 0
	}
	c := l.chunks[ci]
	return ci, sort.Search(len(c), func(i int) bool { return c[i].date >= from })
}

// yearStarts is where the first entry of each of yearMarks of each year,
// or later, is in an entryList, made at its first seekDate of one: a
// count or page of whole years (the page's years, a datetime of years)
// finds its dates with one read, rather than the two binary searches whose
// every step, under load, is a miss.
type yearStarts struct {
	once  sync.Once
	first uint32                     // the year of at[0]
	at    [][len(yearMarks)][2]int32 // at[y][mark]: chunk and index
}

// seek returns where the first entry dated from or later is in l, whose
// yearStarts ys are, for a from of yearMarks[mark] in its year.
func (ys *yearStarts) seek(l entryList, from uint32, mark int) (ci, i int) {
	ys.once.Do(func() {
		if l.n == 0 {
			return
		}
		ys.first = keyYear(l.chunks[0][0].date)
		last := keyYear(l.chunks[len(l.chunks)-1][len(l.chunks[len(l.chunks)-1])-1].date)
		ys.at = make([][len(yearMarks)][2]int32, last-ys.first+1)
		for k := range ys.at {
			for j, md := range yearMarks {
				ci, i := l.searchDate(yearStartOf(ys.first+uint32(k)) + md)
				ys.at[k][j] = [2]int32{int32(ci), int32(i)}
			}
		}
	})
	y := keyYear(from)
	switch {
	case len(ys.at) == 0 || y < ys.first:
		return 0, 0
	case y-ys.first >= uint32(len(ys.at)):
		return len(l.chunks), 0
	}
	at := ys.at[y-ys.first][mark]
	return int(at[0]), int(at[1])
}

// seekKey returns where key is, or would be inserted: its chunk, or the
// last chunk for a key after every other, and its index there.
func (l entryList) seekKey(key string) (ci, i int) {
	if len(l.chunks) == 0 {
		return 0, 0
	}
	ci = sort.Search(len(l.chunks), func(c int) bool { return l.chunks[c][len(l.chunks[c])-1].key >= key })
	if ci == len(l.chunks) {
		ci = len(l.chunks) - 1
	}
	c := l.chunks[ci]
	return ci, sort.Search(len(c), func(i int) bool { return c[i].key >= key })
}

// find returns the entry of key, or nil.
func (l entryList) find(key string) *entry {
	ci, i := l.seekKey(key)
	if ci < len(l.chunks) && i < len(l.chunks[ci]) && l.chunks[ci][i].key == key {
		return &l.chunks[ci][i]
	}
	return nil
}

// ascend calls fn with every entry from chunk ci, index i on, in order,
// until fn returns false.
func (l entryList) ascend(ci, i int, fn func(e *entry) bool) {
	for ; ci < len(l.chunks); ci, i = ci+1, 0 {
		c := l.chunks[ci]
		for ; i < len(c); i++ {
			if !fn(&c[i]) {
				return
			}
		}
	}
}

// with returns the list with e added, or put in place of the entry of the
// same key.
func (l entryList) with(e entry) entryList {
	if l.n == 0 {
		return newEntryList([][]entry{{e}})
	}
	ci, i := l.seekKey(e.key)
	var c []entry
	if old := l.chunks[ci]; i < len(old) && old[i].key == e.key {
		c = slices.Clone(old)
		c[i] = e
	} else {
		c = slices.Insert(slices.Clone(old), i, e)
	}
	chunks := slices.Clone(l.chunks)
	if len(c) <= 2*chunkSize {
		chunks[ci] = c
	} else {
		half := len(c) / 2
		chunks = slices.Insert(chunks, ci+1, c[half:])
		chunks[ci] = c[:half:half]
	}
	return newEntryList(chunks)
}

// without returns the list without the entry of key.
func (l entryList) without(key string) entryList {
	ci, i := l.seekKey(key)
	if ci >= len(l.chunks) || i >= len(l.chunks[ci]) || l.chunks[ci][i].key != key {
		return l
	}
	chunks := slices.Clone(l.chunks)
	if len(l.chunks[ci]) == 1 {
		chunks = slices.Delete(chunks, ci, ci+1)
	} else {
		chunks[ci] = slices.Delete(slices.Clone(l.chunks[ci]), i, i+1)
	}
	return newEntryList(chunks)
}

// changed returns the list after changes, made one by one.
func (l entryList) changed(changes []indexChange) entryList {
	if l.n == 0 {
		for _, c := range changes {
			if c.old.key != "" {
				l = l.without(c.old.key)
			}
			if c.new.key != "" {
				l = l.with(c.new)
			}
		}
		return l
	}
	// One copy of the list of chunks for every change, and one of each
	// chunk changed, the first time it changes.
	w := entryList{chunks: slices.Clone(l.chunks)}
	own := map[*entry]bool{} // the first entry of each chunk copied
	chunk := func(ci int) []entry {
		c := w.chunks[ci]
		if !own[&c[0]] {
			c = append(make([]entry, 0, len(c)+1), c...) // room for one insert
			own[&c[0]] = true
		}
		return c
	}
	for _, ch := range changes {
		if ch.old.key != "" {
			ci, i := w.seekKey(ch.old.key)
			if ci < len(w.chunks) && i < len(w.chunks[ci]) && w.chunks[ci][i].key == ch.old.key {
				if len(w.chunks[ci]) == 1 {
					w.chunks = slices.Delete(w.chunks, ci, ci+1)
				} else {
					w.chunks[ci] = slices.Delete(chunk(ci), i, i+1)
				}
			}
		}
		if ch.new.key == "" {
			continue
		}
		if len(w.chunks) == 0 {
			w.chunks = [][]entry{{ch.new}}
			continue
		}
		ci, i := w.seekKey(ch.new.key)
		if c := w.chunks[ci]; i < len(c) && c[i].key == ch.new.key {
			c = chunk(ci)
			c[i] = ch.new
			w.chunks[ci] = c
			continue
		}
		c := slices.Insert(chunk(ci), i, ch.new)
		own[&c[0]] = true
		if len(c) <= 2*chunkSize {
			w.chunks[ci] = c
		} else {
			half := len(c) / 2
			w.chunks = slices.Insert(w.chunks, ci+1, c[half:])
			w.chunks[ci] = c[:half:half]
		}
	}
	return newEntryList(w.chunks)
}

// merged returns the list after changes, merged with every entry at once.
func (l entryList) merged(changes []indexChange) entryList {
	// final is each changed key's entry after every change, nil if removed.
	final := make(map[string]*entry, len(changes))
	for _, c := range changes {
		if c.old.key != "" {
			final[c.old.key] = nil
		}
		if c.new.key != "" {
			final[c.new.key] = &c.new
		}
	}
	var added []entry
	for _, e := range final {
		if e != nil && l.find(e.key) == nil {
			added = append(added, *e)
		}
	}
	sort.Slice(added, func(i, j int) bool { return added[i].key < added[j].key })
	out := make([]entry, 0, l.len()+len(added))
	j := 0
	l.ascend(0, 0, func(e *entry) bool {
		for j < len(added) && added[j].key < e.key {
			out = append(out, added[j])
			j++
		}
		if f, changed := final[e.key]; !changed {
			out = append(out, *e)
		} else if f != nil {
			out = append(out, *f)
		}
		return true
	})
	out = append(out, added[j:]...)
	return chunked(out)
}
