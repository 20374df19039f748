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
	if newFeatureFilter(&f) != nil || f.Match != nil || s.index.gridCost == noGrid || f.Limit <= 0 || f.Limit > maxAppendPage {
		return s.appendByQuery(dst, f, w)
	}
	// Nothing of the page below is kept past the call: the closures are
	// called directly (no func variable), so that the matcher, the page's
	// writer and them stay on the stack.
	out := pageOut{dst: dst, w: w}
	m := compile(&f)
	st := s.index.state()
	sc := pageScratches.Get().(*pageScratch)
	defer func() { sc.reset(0); pageScratches.Put(sc) }()
	sc.reset(0)
	collect := func(key string, at listPlace) error {
		sc.keys, sc.at = append(sc.keys, key), append(sc.at, at)
		return nil
	}
	var matched, returned int
	var err error
	if f.Since != 0 {
		matched, returned, err = st.pageSince(&m, f.Offset, f.Limit, collect)
	} else {
		matched, returned, err = st.page(&m, f.Offset, f.Limit, collect)
	}
	res := Result{Matched: matched, Returned: returned}
	keys := sc.keys
	if err != nil || len(keys) == 0 {
		return out.dst, res, err
	}
	sc.size(len(keys))
	gen, missing := s.features.lookup(w.Kind, st.entries, keys, sc.at, sc.found, sc.admit)
	if missing == 0 {
		for _, b := range sc.found {
			if err := out.appendKept(b); err != nil {
				return out.dst, res, err
			}
		}
		return out.dst, res, nil
	}
	// Read what the cache does not hold in one transaction, and build the
	// page there: the Features admitted to the cache (missed before)
	// copied, or written for a kind, into one new slab sized to them, and
	// kept unless a write ended meanwhile; the others appended to dst from
	// the database's pages.
	for i, k := range keys {
		if sc.found[i] == nil {
			sc.missKeys, sc.missAt = append(sc.missKeys, k), append(sc.missAt, i)
		}
	}
	kept := false
	err = s.view(func(tx *bolt.Tx) error {
		s.reads.Add(int64(len(sc.missKeys)))
		j, size := 0, 0
		seekKeys(tx.Bucket(bucketByDate).Cursor(), sc.missKeys, func(key string, v []byte) bool {
			for sc.missKeys[j] != key {
				j++
			}
			at := sc.missAt[j]
			sc.vals[at] = v[recordLen:]
			if sc.admit[at] {
				size += len(v) - recordLen
				if w.Kind != 0 {
					size += 256 // what a writer adds, about
				}
			}
			return true
		})
		var slab []byte
		if size > 0 {
			slab = make([]byte, 0, size)
		}
		for at, v := range sc.vals {
			if v == nil || !sc.admit[at] {
				continue
			}
			start := len(slab)
			var err error
			if w.Kind == 0 {
				slab = append(slab, v...)
			} else if slab, err = w.write(slab, v); err != nil {
				return err
			}
			sc.found[at], sc.fresh[at], kept = slab[start:len(slab):len(slab)], true, true
		}
		for at, b := range sc.found {
			var err error
			switch {
			case b != nil:
				err = out.appendKept(b)
			case sc.vals[at] != nil:
				err = out.add(sc.vals[at])
			default:
				continue // deleted since the index was read
			}
			if err != nil {
				return err
			}
		}
		clear(sc.vals) // the database's pages: not past the transaction
		return nil
	})
	if err == nil && kept {
		s.features.keep(w.Kind, gen, keys, sc.found, sc.fresh)
	}
	return out.dst, res, err
}

// appendByQuery is AppendQuery through Query: for what the grid does not
// count, and pages larger than maxAppendPage.
func (s *Store) appendByQuery(dst []byte, f Filter, w FeatureWriter) ([]byte, Result, error) {
	out := &pageOut{dst: dst, w: w}
	res, err := s.Query(f, out.add)
	return out.dst, res, err
}

// pageOut is the answer AppendQuery appends to: dst, how many Features
// it holds, and the writer.
type pageOut struct {
	dst []byte
	n   int
	w   FeatureWriter
}

// add appends a Feature as stored, written by the writer.
func (o *pageOut) add(feature []byte) error {
	if o.n > 0 {
		o.dst = append(o.dst, o.w.Sep...)
	}
	o.n++
	var err error
	o.dst, err = o.w.write(o.dst, feature)
	return err
}

// appendKept appends a Feature as the cache keeps it: written already
// for a kind, or as stored for none.
func (o *pageOut) appendKept(b []byte) error {
	if o.w.Kind == 0 {
		return o.add(b)
	}
	if o.n > 0 {
		o.dst = append(o.dst, o.w.Sep...)
	}
	o.n++
	o.dst = append(o.dst, b...)
	return nil
}

// pageScratch is AppendQuery's per-call memory, pooled: the key of each
// entry of the page and its place in the date list, and by its index its
// Feature from the cache or a slab, whether it is new there, whether the
// cache admits it, and its bytes in the database (valid only in the
// transaction).
type pageScratch struct {
	keys     []string
	at       []listPlace
	found    [][]byte
	fresh    []bool
	admit    []bool
	vals     [][]byte
	missKeys []string
	missAt   []int
}

// reset empties sc for a page, dropping what it points to.
func (sc *pageScratch) reset(n int) {
	clear(sc.keys)
	sc.keys, sc.at = sc.keys[:0], sc.at[:0]
	sc.size(n)
}

// size makes sc's arrays by index n long and empty.
func (sc *pageScratch) size(n int) {
	if cap(sc.found) < n {
		sc.found, sc.fresh, sc.admit, sc.vals = make([][]byte, n), make([]bool, n), make([]bool, n), make([][]byte, n)
	}
	sc.found, sc.fresh, sc.admit, sc.vals = sc.found[:n], sc.fresh[:n], sc.admit[:n], sc.vals[:n]
	clear(sc.found)
	clear(sc.fresh)
	clear(sc.admit)
	clear(sc.vals)
	clear(sc.missKeys)
	sc.missKeys, sc.missAt = sc.missKeys[:0], sc.missAt[:0]
}

var pageScratches = sync.Pool{New: func() any { return new(pageScratch) }}

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
