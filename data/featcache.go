package data

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// featureCacheBytes bounds the Features the store keeps in memory for the
// pages of queries: two generations of at most half of it each.
const featureCacheBytes = 32 << 20

// featureCache keeps recently read Features by their by_date key, for
// AppendQuery: a map panned a little asks again for most of the Features
// of its last page, and a Feature from memory is a map lookup rather than
// a cursor's step through bbolt's pages. It is two maps, the newer filled
// until it holds half of featureCacheBytes, then made the older one and
// the older dropped; a hit in the older moves to the newer (a cheap
// approximation of least recently used).
//
// It never outlives a write: every write transaction empties it and bumps
// gen once it has ended, and a Feature read in a transaction is kept only
// if gen is what it was before that transaction began. The Features a
// request takes from it are those of a moment before a write commits, as
// the index's entries are until the write's change is applied.
type featureCache struct {
	mu       sync.Mutex
	gen      uint64
	cur, old map[cacheKey][]byte
	// door is the doorkeeper of seen: a tag of each key missed lately,
	// in a slot by its hash.
	door     [1 << 16]uint32
	curBytes int
	hits     atomic.Int64
	misses   atomic.Int64
}

// cacheKey is a Feature's by_date key and the kind of FeatureWriter that
// wrote what is kept (0: the stored Feature).
type cacheKey struct {
	kind uint8
	key  string
}

// lookup sets found[i] to the kept Feature of keys[i] as written by kind,
// or nil, and admit[i] for one it does not hold whether it missed it
// recently too (seen), and returns the generation to pass to keep.
func (fc *featureCache) lookup(kind uint8, keys []string, found [][]byte, admit []bool) (gen uint64, missing int) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	for i, key := range keys {
		k := cacheKey{kind, key}
		b, ok := fc.cur[k]
		if !ok {
			if b, ok = fc.old[k]; ok {
				fc.putLocked(k, b)
			}
		}
		if !ok {
			missing++
			admit[i] = fc.seen(k)
		}
		found[i] = b
	}
	fc.hits.Add(int64(len(keys) - missing))
	fc.misses.Add(int64(missing))
	return fc.gen, missing
}

// keep keeps the Features read (found[i] of keys[i], as written by kind;
// nil for none) if no write has ended since gen.
func (fc *featureCache) keep(kind uint8, gen uint64, keys []string, found [][]byte, fresh []bool) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.gen != gen {
		return
	}
	for i, key := range keys {
		if fresh[i] && found[i] != nil {
			fc.putLocked(cacheKey{kind, key}, found[i])
		}
	}
}

// seen reports whether k missed recently (since it was last in one of
// the doorkeeper's slots), and notes that it missed now. A Feature asked
// for once is not kept: a page of ten years asked for once would push out
// those asked for again and again.
func (fc *featureCache) seen(k cacheKey) bool {
	h := maphash.Comparable(doorSeed, k)
	slot, tag := &fc.door[h%uint64(len(fc.door))], uint32(h>>32)|1
	if *slot == tag {
		return true
	}
	*slot = tag
	return false
}

var doorSeed = maphash.MakeSeed()

func (fc *featureCache) putLocked(k cacheKey, b []byte) {
	if fc.cur == nil || fc.curBytes+len(b) > featureCacheBytes/2 {
		fc.old, fc.cur, fc.curBytes = fc.cur, make(map[cacheKey][]byte), 0
	}
	if _, ok := fc.cur[k]; !ok {
		fc.cur[k] = b
		fc.curBytes += len(b) + len(k.key)
	}
}

// changed empties the cache: after every write transaction.
func (fc *featureCache) changed() {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.gen++
	fc.cur, fc.old, fc.curBytes = nil, nil, 0
}

// FeatureCacheStats returns how many Features of AppendQuery's pages came
// from the cache of Features and how many were read, since s opened.
func (s *Store) FeatureCacheStats() (hits, misses int64) {
	return s.features.hits.Load(), s.features.misses.Load()
}
