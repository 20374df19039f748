package data

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

// maxAppendPage is the most Features AppendQuery copies inside one read
// transaction; a larger page (an export) goes through Query's batches.
const maxAppendPage = batch

// AppendQuery is Query for an answer built in memory: add appends each
// Feature f selects to dst, in date order, within f's offset and limit, and
// AppendQuery returns dst. Where the grid counts f and its page is at most
// maxAppendPage Features, add runs inside the read transaction with the
// database's own bytes, so that each Feature is copied once, from the
// database's pages into dst: add must only append (no I/O, nothing that
// waits), and must not keep feature. Otherwise it is Query, add called
// outside the transaction as Query's visit is.
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
	err = s.view(func(tx *bolt.Tx) error {
		s.reads.Add(int64(len(keys)))
		var err error
		seekKeys(tx.Bucket(bucketByDate).Cursor(), keys, func(_ string, v []byte) bool {
			dst, err = add(dst, v[recordLen:])
			return err == nil
		})
		return err
	})
	return dst, Result{Matched: matched, Returned: returned}, err
}

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
