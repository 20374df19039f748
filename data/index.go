package data

import (
	"encoding/binary"
	"math"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"
)

// cellDeg is the side of a spatial index cell in degrees (about 5 km).
const cellDeg = 0.05

// maxCells bounds the cells a bbox query may visit before the date index
// is cheaper anyway.
const maxCells = 20000

// memIndex is the in-memory spatial index over incident locations, with a
// count per year to estimate the cost of a date-range scan. It is rebuilt
// from the date index when the store opens and kept current by every write.
type memIndex struct {
	mu    sync.RWMutex
	cells map[uint64][]indexEntry
	years map[int]int
}

type indexEntry struct {
	key string // the date index key: date key + id
	p   orb.Point
}

func cellOf(p orb.Point) (int32, int32) {
	return int32(math.Floor(p[0] / cellDeg)), int32(math.Floor(p[1] / cellDeg))
}

func cellID(x, y int32) uint64 { return uint64(uint32(x))<<32 | uint64(uint32(y)) }

func newMemIndex() *memIndex {
	return &memIndex{cells: map[uint64][]indexEntry{}, years: map[int]int{}}
}

// load fills the index from the date index in tx.
func (ix *memIndex) load(tx *bolt.Tx) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	c := tx.Bucket(bucketByDate).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		ix.addLocked(string(k), decodeRecord(v).point)
	}
}

func (ix *memIndex) addLocked(key string, p orb.Point) {
	id := cellID(cellOf(p))
	ix.cells[id] = append(ix.cells[id], indexEntry{key, p})
	ix.years[int(binary.BigEndian.Uint32([]byte(key[:4])))/10000]++
}

func (ix *memIndex) removeLocked(key string, p orb.Point) {
	id := cellID(cellOf(p))
	es := ix.cells[id]
	for i, e := range es {
		if e.key == key {
			es[i] = es[len(es)-1]
			es = es[:len(es)-1]
			ix.years[int(binary.BigEndian.Uint32([]byte(key[:4])))/10000]--
			break
		}
	}
	if len(es) == 0 {
		delete(ix.cells, id)
	} else {
		ix.cells[id] = es
	}
}

// indexChange is one write's effect on the index, applied after commit.
type indexChange struct {
	oldKey, newKey string
	oldP, newP     orb.Point
}

func (ix *memIndex) apply(changes []indexChange) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, c := range changes {
		if c.oldKey != "" {
			ix.removeLocked(c.oldKey, c.oldP)
		}
		if c.newKey != "" {
			ix.addLocked(c.newKey, c.newP)
		}
	}
}

// plan returns the sorted date-index keys of the incidents inside f's bbox
// and date range when the spatial index is the cheaper way to find them,
// and false when a scan of the date range costs less.
func (ix *memIndex) plan(f *Filter) ([]string, bool) {
	if f.BBox == nil {
		return nil, false
	}
	x0, y0 := cellOf(f.BBox.Min)
	x1, y1 := cellOf(f.BBox.Max)
	if cells := (int64(x1) - int64(x0) + 1) * (int64(y1) - int64(y0) + 1); cells > maxCells {
		return nil, false
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	spatial := 0
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			spatial += len(ix.cells[cellID(x, y)])
		}
	}
	dated := 0
	fromYear, toYear := int(f.From/10000), int(f.To/10000)
	for year, n := range ix.years {
		if year >= fromYear && (f.To == 0 || year <= toYear) {
			dated += n
		}
	}
	if spatial >= dated {
		return nil, false
	}
	var keys []string
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for _, e := range ix.cells[cellID(x, y)] {
				dk := binary.BigEndian.Uint32([]byte(e.key[:4]))
				if dk < f.From || (f.To != 0 && dk > f.To) || !f.BBox.Contains(e.p) {
					continue
				}
				keys = append(keys, e.key)
			}
		}
	}
	sort.Strings(keys)
	return keys, true
}
