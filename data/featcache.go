package data

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// featureCacheBytes bounds the Features the store keeps in memory for the
// pages of queries: two epochs of at most half of it each.
const featureCacheBytes = 32 << 20

// cacheKinds is how many kinds of FeatureWriter the cache keeps Features
// for (kind 0, the stored Feature, included); a page written by a writer
// of another kind is read, not kept.
const cacheKinds = 2

// featureCache keeps recently read Features for AppendQuery by their
// by_date key: a map panned a little asks again for most of the Features
// of its last page, and a Feature from memory is a look-up in a table
// rather than a cursor's seek through bbolt's pages. The table is open
// addressing over atomic pointers, so a look-up takes no lock: keep,
// first and remake, under mu, are the only writers, and a table that fills
// is replaced by a larger one.
//
// Features are kept in epochs: a kept Feature of this epoch or the one
// before is a hit (and one of the epoch before is moved to this one); when
// this epoch has kept half of the limit, a new one begins and the table is
// made again of what is newer (a cheap approximation of least recently
// used). A Feature is kept only on its second miss in this epoch (door,
// one bit per hash: a collision admits a Feature early, it never
// keeps one out): a page of ten years asked for once would push out those
// asked for again and again.
//
// It never outlives a write: every write transaction bumps gen once it has
// ended, a kept Feature of another gen is a miss, and a Feature read in a
// transaction is kept only if gen is what it was before that transaction
// began. The Features a request takes from it are those of a moment before
// a write commits, as the index's entries are until the write's change is
// applied.
type featureCache struct {
	mu    sync.Mutex // serializes keep, first and remake
	table atomic.Pointer[cacheTable]
	gen   atomic.Uint64
	epoch atomic.Uint32
	// held is the bytes of the Features in the table, stale ones too
	// until a remake drops them; fresh those kept or moved in this epoch.
	held, fresh  atomic.Int64
	hits, misses atomic.Int64
	// limit is featureCacheBytes but in tests.
	limit int64
	// front is, for each kind, the Features the table gave by their place
	// in the date list (featfront.go).
	front [cacheKinds]atomic.Pointer[frontTable]
}

// cacheTable is the kept Features in slots by their hash, probed
// linearly, and the doorkeeper's bits. n, guarded by featureCache.mu, is
// how many slots are taken.
type cacheTable struct {
	slots []atomic.Pointer[keptFeature]
	door  []atomic.Uint64
	n     int
}

// doorBits is the size of the doorkeeper: a bit for each hash modulo it.
const doorBits = 1 << 20

func newCacheTable(slots int) *cacheTable {
	return &cacheTable{slots: make([]atomic.Pointer[keptFeature], slots), door: make([]atomic.Uint64, doorBits/64)}
}

// keptFeature is a Feature's key, the kind that wrote it, the Feature as
// written, the gen it was read in, and the epoch it was last kept or hit
// in.
type keptFeature struct {
	key   string
	kind  uint8
	b     []byte
	gen   uint64
	epoch atomic.Uint32
}

var cacheSeed = maphash.MakeSeed()

func cacheHash(kind uint8, key string) uint64 {
	return maphash.String(cacheSeed, key) ^ uint64(kind)*0x9e3779b97f4a7c15
}

// find returns the slot of key and kind in t, or the empty slot where it
// would go (nil when t is full, which keep never lets happen), and the
// Feature there.
func (t *cacheTable) find(h uint64, kind uint8, key string) (*atomic.Pointer[keptFeature], *keptFeature) {
	mask := uint64(len(t.slots) - 1)
	for i, n := h&mask, 0; n < len(t.slots); i, n = (i+1)&mask, n+1 {
		k := t.slots[i].Load()
		if k == nil || (k.kind == kind && k.key == key) {
			return &t.slots[i], k
		}
	}
	return nil, nil
}

// lookup sets found[i] to the kept Feature of keys[i] as written by kind,
// or nil, and admit[i] for one it does not hold whether it missed it
// in this epoch too, and returns the generation to pass to keep. at[i] is
// where keys[i] is in l, the date list they come from: the front is
// looked in first, the table then.
func (fc *featureCache) lookup(kind uint8, l entryList, keys []string, at []listPlace, found [][]byte, admit []bool) (gen uint64, missing int) {
	gen, epoch := fc.gen.Load(), fc.epoch.Load()
	t := fc.table.Load()
	if t == nil {
		t = fc.first()
	}
	var ft *frontTable
	if kind < cacheKinds {
		ft = fc.frontOf(l, kind, gen, epoch)
	}
	for i, key := range keys {
		found[i], admit[i] = nil, false
		if kind >= cacheKinds {
			missing++
			continue
		}
		if ft != nil {
			if k := ft.get(at[i]); k != nil && k.gen == gen && k.key == key {
				found[i] = k.b
				continue
			}
		}
		h := cacheHash(kind, key)
		if _, k := t.find(h, kind, key); k != nil && k.gen == gen {
			if e := k.epoch.Load(); e == epoch || e+1 == epoch {
				if e != epoch && k.epoch.CompareAndSwap(e, epoch) {
					fc.fresh.Add(int64(len(k.b)))
				}
				found[i] = k.b
				if ft == nil && at[i].ci >= 0 {
					ft = fc.newFront(l, kind, gen, epoch)
				}
				if ft != nil {
					ft.put(l, at[i], k)
				}
				continue
			}
		}
		missing++
		bit := uint64(1) << (h % 64)
		admit[i] = t.door[h/64%(doorBits/64)].Or(bit)&bit != 0
	}
	fc.hits.Add(int64(len(keys) - missing))
	fc.misses.Add(int64(missing))
	return gen, missing
}

// keep keeps the Features read (found[i] of keys[i], as written by kind,
// where fresh[i]) if no write has ended since gen.
func (fc *featureCache) keep(kind uint8, gen uint64, keys []string, found [][]byte, fresh []bool) {
	if kind >= cacheKinds {
		return
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.gen.Load() != gen {
		return
	}
	t := fc.table.Load()
	epoch := fc.epoch.Load()
	var ks []keptFeature // one allocation for the page's
	for i, key := range keys {
		if !fresh[i] || found[i] == nil {
			continue
		}
		if 2*(t.n+1) > len(t.slots) {
			t = fc.remake(t, epoch, 2*len(t.slots), true)
		}
		if len(ks) == 0 {
			ks = make([]keptFeature, len(keys)-i)
		}
		k := &ks[0]
		ks = ks[1:]
		k.key, k.kind, k.b, k.gen = key, kind, found[i], gen
		k.epoch.Store(epoch)
		slot, old := t.find(cacheHash(kind, key), kind, key)
		if old == nil {
			t.n++
		} else {
			fc.held.Add(-int64(len(old.b)))
		}
		slot.Store(k)
		fc.held.Add(int64(len(k.b)))
		fc.fresh.Add(int64(len(k.b)))
	}
	limit := fc.limit
	if limit == 0 {
		limit = featureCacheBytes
	}
	if fc.fresh.Load() > limit/2 || fc.held.Load() > limit {
		epoch = fc.epoch.Add(1)
		fc.fresh.Store(0)
		fc.remake(t, epoch, len(t.slots), false)
	}
}

// first returns the table, made empty if there is none yet.
func (fc *featureCache) first() *cacheTable {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if t := fc.table.Load(); t != nil {
		return t
	}
	t := newCacheTable(1 << 12)
	fc.table.Store(t)
	return t
}

// remake replaces t with a table of size slots (a power of two, or more)
// holding what t holds that is of this gen and of epoch or the one
// before, with t's misses if door, and returns it. fc.mu held. Look-ups
// that took t go on in it: its Features stay what they were.
func (fc *featureCache) remake(t *cacheTable, epoch uint32, size int, door bool) *cacheTable {
	gen := fc.gen.Load()
	var live []*keptFeature
	for i := range t.slots {
		if k := t.slots[i].Load(); k != nil && k.gen == gen && k.epoch.Load()+1 >= epoch {
			live = append(live, k)
		}
	}
	for 2*len(live) > size {
		size *= 2
	}
	nt := newCacheTable(size)
	if door {
		for i := range t.door {
			nt.door[i].Store(t.door[i].Load())
		}
	}
	var held int64
	for _, k := range live {
		slot, _ := nt.find(cacheHash(k.kind, k.key), k.kind, k.key)
		slot.Store(k)
		held += int64(len(k.b))
	}
	nt.n = len(live)
	fc.held.Store(held)
	fc.table.Store(nt)
	return nt
}

// changed makes every kept Feature stale: after every write transaction.
// The next remake frees their memory.
func (fc *featureCache) changed() {
	fc.gen.Add(1)
}

// FeatureCacheStats returns how many Features of AppendQuery's pages came
// from the cache of Features and how many were read, since s opened.
func (s *Store) FeatureCacheStats() (hits, misses int64) {
	return s.features.hits.Load(), s.features.misses.Load()
}
