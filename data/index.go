package data

import (
	"math"
	"slices"
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
// and number of crossing points, in date order; and a grid over the points
// that counts them (grid.go). bbolt stays the truth: the index is rebuilt
// from it at open and follows every committed write. A query reads from
// bbolt only the Features it returns.
type memIndex struct {
	mu      sync.RWMutex
	entries entryList // replaced on change, never changed in place
	grid    *grid     // the same entries by place; replaced with entries
	// gridCost is how many entries of a date range one candidate from the
	// grid costs, about (BenchmarkIndexBBox): plan walks the date range
	// unless it has gridCost times more entries than the grid candidates.
	// The benchmarks set it to 0 to use the grid always, and to noGrid to
	// walk always.
	gridCost int
}

// defaultGridCost is memIndex.gridCost's value, and noGrid the one that
// turns the grid off.
const (
	defaultGridCost = 40
	noGrid          = math.MaxInt32
)

type entry struct {
	date                     uint32 // the date key, also the key's first 4 bytes
	typ, dir, sector, ncross uint8
	p                        orb.Point
	key                      string // date key (4 bytes) + id
}

// newEntry returns the entry of key from its records value (indexValue).
func newEntry(key string, record []byte) entry {
	return entry{key: key, typ: record[0], dir: record[1], sector: record[2], p: decodeRecord(record).point, ncross: record[recordLen],
		date: uint32(key[0])<<24 | uint32(key[1])<<16 | uint32(key[2])<<8 | uint32(key[3])}
}

func cellOf(p orb.Point) (int32, int32) {
	return int32(math.Floor(p[0] / cellDeg)), int32(math.Floor(p[1] / cellDeg))
}

func newMemIndex() *memIndex {
	return &memIndex{grid: newGrid(entryList{}), gridCost: defaultGridCost}
}

// load fills the index from the records bucket in tx, or, in a version 1
// database opened read-only, from its date index and crossings.
func (ix *memIndex) load(tx *bolt.Tx) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var entries []entry
	add := func(k, rv []byte) error {
		if len(rv) == recordLen+1 {
			entries = append(entries, newEntry(string(k), rv))
		}
		return nil
	}
	if records := tx.Bucket(bucketRecords); records != nil {
		records.ForEach(add)
	} else {
		eachLegacyRecord(tx, add)
	}
	ix.entries = chunked(entries)
	ix.grid = newGrid(ix.entries)
}

// indexChange is one write's effect on the index, applied after commit:
// the entry to remove (zero key for none) and the one to add.
type indexChange struct {
	old, new entry
}

// rebuildAt is the number of changes from which apply merges them into a
// new list at once rather than one by one.
const rebuildAt = 64

// apply makes committed changes visible in a new list and grid, so that
// readers holding the old ones are not disturbed: a few changes copy only
// the chunks, cells and blocks they touch; many are merged with the whole
// list, and the grid made again. Its callers are serialized (Store.update
// holds updateMu), so it builds the new state without holding ix.mu
// against readers, and takes it only to swap.
func (ix *memIndex) apply(changes []indexChange) {
	if len(changes) == 0 {
		return
	}
	st := ix.state()
	if len(changes) < rebuildAt {
		st.entries, st.grid = st.entries.changed(changes), st.grid.changed(changes)
	} else {
		st.entries = st.entries.merged(changes)
		st.grid = newGrid(st.entries)
	}
	ix.mu.Lock()
	ix.entries, ix.grid = st.entries, st.grid
	ix.mu.Unlock()
}

// indexState is the index at one moment: a query takes it once.
type indexState struct {
	entries entryList
	grid    *grid
}

func (ix *memIndex) state() indexState {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return indexState{ix.entries, ix.grid}
}

func (ix *memIndex) snapshot() entryList { return ix.state().entries }

func (ix *memIndex) len() int { return ix.snapshot().len() }

// each calls yield, in date order, with every entry that f's criteria
// other than text select, until yield returns false. It walks the date
// range, or the grid cells of f's bbox when they hold fewer entries.
func (ix *memIndex) each(f *Filter, yield func(e entry) bool) {
	m := compile(f)
	st := ix.state()
	entries := st.entries
	if found, ok := st.plan(f, &m, ix.gridCost); ok {
		for _, e := range found {
			if !yield(e) {
				return
			}
		}
		return
	}
	to := f.To
	if to == 0 {
		to = math.MaxUint32
	}
	ci, i := entries.seekDate(f.From)
	entries.ascend(ci, i, func(e *entry) bool {
		return e.date <= to && (!m.match(e) || yield(*e))
	})
}

// plan returns the entries that m selects, in key order, from the grid
// cells of f's bbox when they hold fewer candidates than the date range,
// and false when walking the date range costs less.
func (ix *memIndex) plan(f *Filter, m *matcher, entries entryList) ([]entry, bool) {
	st := ix.state()
	st.entries = entries
	return st.plan(f, m, ix.gridCost)
}

// plan is memIndex.plan on st, with the grid's cost gridCost.
func (st indexState) plan(f *Filter, m *matcher, gridCost int) ([]entry, bool) {
	if f.BBox == nil || gridCost == noGrid {
		return nil, false
	}
	if int64(st.grid.count(m))*int64(gridCost) >= int64(st.entries.dated(m)) {
		return nil, false
	}
	var found []entry
	st.grid.each(m, func(e entry) bool { found = append(found, e); return true })
	slices.SortFunc(found, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	return found, true
}
