package data

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

// maxAppendPage is the most Features of an AppendQuery page; a larger
// page (an export) goes through Query's batches.
const maxAppendPage = batch

// FeatureWriter is how AppendQuery writes the Features: Sep between two,
// each as Write appends it to dst (nil: as stored). Write must not keep
// feature. With Kind not 0, what Write writes depends on the Feature's
// bytes only, and AppendQuery may keep it in its cache under that kind
// (one kind for each way of writing).
type FeatureWriter struct {
	Sep   []byte
	Write func(dst, feature []byte) ([]byte, error)
	Kind  uint8
}

func (w *FeatureWriter) write(dst, feature []byte) ([]byte, error) {
	if w.Write == nil {
		return append(dst, feature...), nil
	}
	return w.Write(dst, feature)
}

// AppendQuery is Query for an answer built in memory: it appends each
// Feature f selects to dst as w writes it, in date order, within f's
// offset and limit, and returns dst. Where the grid counts f and its page
// is at most maxAppendPage Features, the Features (as w writes them, for
// a w of a Kind) come from the store's cache of Features (featcache.go) or
// from one read transaction that fills it, and each is copied once into
// dst. Otherwise it is Query.
func (s *Store) AppendQuery(dst []byte, f Filter, w FeatureWriter) ([]byte, Result, error) {
	n := 0
	add := func(feature []byte) error {
		if n > 0 {
			dst = append(dst, w.Sep...)
		}
		n++
		var err error
		dst, err = w.write(dst, feature)
		return err
	}
	if newFeatureFilter(&f) != nil || f.Match != nil || s.index.gridCost == noGrid || f.Limit <= 0 || f.Limit > maxAppendPage {
		res, err := s.Query(f, add)
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
	res := Result{Matched: matched, Returned: returned}
	if err != nil || len(keys) == 0 {
		return dst, res, err
	}
	sc := pageScratches.Get().(*pageScratch)
	defer func() { clear(sc.found); pageScratches.Put(sc) }()
	sc.reset(len(keys))
	gen, missing := s.features.lookup(w.Kind, keys, sc.found)
	if missing > 0 {
		// Read what the cache does not hold, in one transaction, copied
		// (or written, for a kind) to keep, and keep it unless a write
		// ended meanwhile.
		for i, k := range keys {
			if sc.found[i] == nil {
				sc.missKeys, sc.missAt = append(sc.missKeys, k), append(sc.missAt, i)
			}
		}
		j := 0
		err = s.view(func(tx *bolt.Tx) error {
			s.reads.Add(int64(len(sc.missKeys)))
			var err error
			seekKeys(tx.Bucket(bucketByDate).Cursor(), sc.missKeys, func(key string, v []byte) bool {
				for sc.missKeys[j] != key {
					j++
				}
				at := sc.missAt[j]
				var b []byte
				if w.Kind == 0 {
					b = append([]byte(nil), v[recordLen:]...)
				} else if b, err = w.write(nil, v[recordLen:]); err != nil {
					return false
				}
				sc.found[at], sc.fresh[at] = b, true
				return true
			})
			return err
		})
		if err != nil {
			return dst, res, err
		}
		s.features.keep(w.Kind, gen, keys, sc.found, sc.fresh)
	}
	for _, b := range sc.found {
		if b == nil {
			continue // deleted since the index was read
		}
		if w.Kind == 0 {
			if err = add(b); err != nil {
				return dst, res, err
			}
			continue
		}
		if n > 0 {
			dst = append(dst, w.Sep...)
		}
		n++
		dst = append(dst, b...) // written when it was kept
	}
	return dst, res, nil
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
