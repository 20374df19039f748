package data

import (
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"
)

// cellDeg is the side of a spatial index cell in degrees (about 5 km).
const cellDeg = 0.05

// maxCells bounds the cells a bbox query may visit before the date order
// is cheaper anyway.
const maxCells = 20000

// memIndex keeps in memory what a query needs to select and count
// incidents: for each, its date index key, point, type, direction, sector
// and number of crossing points, in date order; and a grid over the points.
// bbolt stays the truth: the index is rebuilt from it at open and follows
// every committed write. A query reads from bbolt only the Features it
// returns.
type memIndex struct {
	mu      sync.RWMutex
	entries []entry // sorted by key; replaced on change, never changed in place
	cells   map[uint64][]string
}

type entry struct {
	date                     uint32 // the date key, also the key's first 4 bytes
	typ, dir, sector, ncross uint8
	p                        orb.Point
	key                      string // date key (4 bytes) + id
}

func newEntry(key string, value []byte, crossings []byte) entry {
	b := value
	e := entry{key: key, typ: b[0], dir: b[1], sector: b[2], p: decodeRecord(b).point,
		date: uint32(key[0])<<24 | uint32(key[1])<<16 | uint32(key[2])<<8 | uint32(key[3])}
	if len(crossings) > 0 {
		e.ncross = uint8(min(255, 1+strings.Count(string(crossings), "\n")))
	}
	return e
}

func cellOf(p orb.Point) (int32, int32) {
	return int32(math.Floor(p[0] / cellDeg)), int32(math.Floor(p[1] / cellDeg))
}

func cellID(x, y int32) uint64 { return uint64(uint32(x))<<32 | uint64(uint32(y)) }

func newMemIndex() *memIndex {
	return &memIndex{cells: map[uint64][]string{}}
}

// load fills the index from the date index in tx.
func (ix *memIndex) load(tx *bolt.Tx) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	byDate, crossings := tx.Bucket(bucketByDate), tx.Bucket(bucketCrossings)
	entries := make([]entry, 0, byDate.Stats().KeyN)
	cc := crossings.Cursor()
	ck, cv := cc.First()
	c := byDate.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(v) < recordLen {
			continue
		}
		for ck != nil && string(ck) < string(k) {
			ck, cv = cc.Next()
		}
		var cs []byte
		if ck != nil && string(ck) == string(k) {
			cs = cv
		}
		e := newEntry(string(k), v, cs)
		entries = append(entries, e)
		ix.addCellLocked(e)
	}
	ix.entries = entries
}

func (ix *memIndex) addCellLocked(e entry) {
	id := cellID(cellOf(e.p))
	ix.cells[id] = append(ix.cells[id], e.key)
}

func (ix *memIndex) removeCellLocked(e entry) {
	id := cellID(cellOf(e.p))
	keys := ix.cells[id]
	for i, k := range keys {
		if k == e.key {
			keys[i] = keys[len(keys)-1]
			keys = keys[:len(keys)-1]
			break
		}
	}
	if len(keys) == 0 {
		delete(ix.cells, id)
	} else {
		ix.cells[id] = keys
	}
}

// indexChange is one write's effect on the index, applied after commit:
// the entry to remove (zero key for none) and the one to add.
type indexChange struct {
	old, new entry
}

// apply makes committed changes visible: a new sorted slice, merged from
// the old one, so that readers holding the old one are not disturbed.
func (ix *memIndex) apply(changes []indexChange) {
	if len(changes) == 0 {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	gone := map[string]bool{}
	var added []entry
	for _, c := range changes {
		if c.old.key != "" {
			gone[c.old.key] = true
			ix.removeCellLocked(c.old)
		}
		if c.new.key != "" {
			delete(gone, c.new.key)
			added = append(added, c.new)
			ix.addCellLocked(c.new)
		}
	}
	sort.Slice(added, func(i, j int) bool { return added[i].key < added[j].key })
	out := make([]entry, 0, len(ix.entries)+len(added))
	i, j := 0, 0
	for i < len(ix.entries) || j < len(added) {
		switch {
		case j == len(added) || (i < len(ix.entries) && ix.entries[i].key < added[j].key):
			if e := ix.entries[i]; !gone[e.key] {
				out = append(out, e)
			}
			i++
		case i < len(ix.entries) && ix.entries[i].key == added[j].key:
			i++ // replaced by added[j]
		default:
			out = append(out, added[j])
			j++
		}
	}
	ix.entries = out
}

func (ix *memIndex) snapshot() []entry {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.entries
}

func (ix *memIndex) len() int { return len(ix.snapshot()) }

// lowerBound returns the first index in entries whose date is at least from.
func lowerBound(entries []entry, from uint32) int {
	return sort.Search(len(entries), func(i int) bool { return entries[i].date >= from })
}

// each calls yield, in date order, with every entry that f's criteria
// other than text select, until yield returns false. It walks the date
// range, or the grid cells of f's bbox when they hold fewer entries.
func (ix *memIndex) each(f *Filter, yield func(e entry) bool) {
	m := compile(f)
	entries := ix.snapshot()
	if keys, ok := ix.plan(f, entries); ok {
		for _, k := range keys {
			i := sort.Search(len(entries), func(i int) bool { return entries[i].key >= k })
			if i < len(entries) && entries[i].key == k && m.match(&entries[i]) {
				if !yield(entries[i]) {
					return
				}
			}
		}
		return
	}
	to := f.To
	if to == 0 {
		to = math.MaxUint32
	}
	for i := lowerBound(entries, f.From); i < len(entries) && entries[i].date <= to; i++ {
		if m.match(&entries[i]) && !yield(entries[i]) {
			return
		}
	}
}

// plan returns the sorted keys of the entries inside f's bbox and date
// range when the grid holds fewer candidates than the date range, and
// false when walking the date range costs less.
func (ix *memIndex) plan(f *Filter, entries []entry) ([]string, bool) {
	if f.BBox == nil {
		return nil, false
	}
	x0, y0 := cellOf(f.BBox.Min)
	x1, y1 := cellOf(f.BBox.Max)
	if cells := (int64(x1) - int64(x0) + 1) * (int64(y1) - int64(y0) + 1); cells > maxCells {
		return nil, false
	}
	dated := len(entries)
	if f.From != 0 || f.To != 0 {
		hi := len(entries)
		if f.To != 0 {
			hi = lowerBound(entries, f.To+1)
		}
		dated = hi - lowerBound(entries, f.From)
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	spatial := 0
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			spatial += len(ix.cells[cellID(x, y)])
		}
	}
	// A candidate from the grid costs a binary search; one from the date
	// range a step.
	if spatial*8 >= dated {
		return nil, false
	}
	var keys []string
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			keys = append(keys, ix.cells[cellID(x, y)]...)
		}
	}
	sort.Strings(keys)
	return keys, true
}
