package data

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

// maxAppendPage is the most Features of an AppendQuery page; a larger
// page (an export) goes through Query's batches.
const maxAppendPage = batch

// AppendQuery is Query for an answer built in memory: add appends each
// Feature f selects to dst, in date order, within f's offset and limit, and
// AppendQuery returns dst; add must not keep feature. Where the grid counts
// f and its page is at most maxAppendPage Features, the Features come from
// the store's cache of Features (featcache.go) or one read transaction
// that fills it, and each is copied once into dst. Otherwise it is Query,
// add called as Query's visit is.
func (s *Store) AppendQuery(dst []byte, f Filter, add func(dst, feature []byte) ([]byte, error)) ([]byte, Result, error) {
	if newFeatureFilter(&f) != nil || f.Match != nil || s.index.gridCost == noGrid || f.Limit <= 0 || f.Limit > maxAppendPage {
		res, err := s.Query(f, func(feature []byte) error {
			var err error
			dst, err = add(dst, feature)
			return err
		})
		return dst, res, err
	}
	m := compile(&f)
	st := s.index.state()
	page := st.page
	if f.Since != 0 {
		page = st.pageSince
	}
	kp := pageKeys.Get().(*[]string)
	defer func() { clear(*kp); *kp = (*kp)[:0]; pageKeys.Put(kp) }()
	keys := *kp
	matched, returned, err := page(&m, f.Offset, f.Limit, func(key string) error { keys = append(keys, key); return nil })
	*kp = keys
	if err != nil || len(keys) == 0 {
		return dst, Result{Matched: matched, Returned: returned}, err
	}
	sc := pageScratches.Get().(*pageScratch)
	defer func() { clear(sc.found); pageScratches.Put(sc) }()
	sc.reset(len(keys))
	gen, missing := s.features.lookup(keys, sc.found)
	if missing > 0 {
		// Read what the cache does not hold, in one transaction, copied
		// (to keep), and keep it unless a write ended meanwhile.
		for i, k := range keys {
			if sc.found[i] == nil {
				sc.missKeys, sc.missAt = append(sc.missKeys, k), append(sc.missAt, i)
			}
		}
		j := 0
		err = s.view(func(tx *bolt.Tx) error {
			s.reads.Add(int64(len(sc.missKeys)))
			seekKeys(tx.Bucket(bucketByDate).Cursor(), sc.missKeys, func(key string, v []byte) bool {
				for sc.missKeys[j] != key {
					j++
				}
				at := sc.missAt[j]
				sc.found[at], sc.fresh[at] = append([]byte(nil), v[recordLen:]...), true
				return true
			})
			return nil
		})
		if err != nil {
			return dst, Result{Matched: matched, Returned: returned}, err
		}
		s.features.keep(gen, keys, sc.found, sc.fresh)
	}
	for _, b := range sc.found {
		if b == nil {
			continue // deleted since the index was read
		}
		if dst, err = add(dst, b); err != nil {
			break
		}
	}
	return dst, Result{Matched: matched, Returned: returned}, err
}

// pageScratch is AppendQuery's per-call memory, pooled.
type pageScratch struct {
	found    [][]byte
	fresh    []bool
	missKeys []string
	missAt   []int
}

func (sc *pageScratch) reset(n int) {
	if cap(sc.found) < n {
		sc.found, sc.fresh = make([][]byte, n), make([]bool, n)
	}
	sc.found, sc.fresh = sc.found[:n], sc.fresh[:n]
	clear(sc.found)
	clear(sc.fresh)
	clear(sc.missKeys)
	sc.missKeys, sc.missAt = sc.missKeys[:0], sc.missAt[:0]
}

var pageScratches = sync.Pool{New: func() any { return new(pageScratch) }}

var pageKeys = sync.Pool{New: func() any { s := make([]string, 0, 128); return &s }}

// seekKeys calls fn with the value of each of keys (in order) that c's
// bucket holds, until fn returns false. The keys come in order: it steps
// the cursor forward to each while they are near each other, and seeks
// when one is far or behind. After a seek, one step is tried before the
// next.
func seekKeys(c *bolt.Cursor, keys []string, fn func(key string, v []byte) bool) {
	var k, v []byte
	steps := maxSteps
	for i, key := range keys {
		far := i == 0 || k == nil || string(k) > key
		for n := 0; !far && k != nil && string(k) < key; n++ {
			if far = n == steps; !far {
				k, v = c.Next()
			}
		}
		if far {
			k, v = c.Seek([]byte(key))
			steps = 1
		} else {
			steps = maxSteps
		}
		if k == nil || string(k) != key {
			continue
		}
		if !fn(key, v) {
			return
		}
		k, v = c.Next()
	}
}
