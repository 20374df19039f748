package data

// Running a Filter: Query and Crossings walk the index (or the grid) and
// read the Features they return in batches (fetcher); Years counts by
// year. What a Filter selects is defined once, in match.go.

import (
	"bytes"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Result says how many incidents or points a query matched and returned.
type Result struct {
	Matched  int
	Returned int
}

const batch = 512

// fetcher reads stored values for keys in read transactions of at most
// batch keys and hands them on outside the transaction, so that a slow
// consumer never holds the database. The bytes it hands on live in one
// reused buffer: valid only during the call.
type fetcher struct {
	s      *Store
	bucket []byte
	keys   []string
	// keep decides, inside the transaction, what of a stored value to pass
	// on (nil: nothing).
	keep  func(key string, v []byte) []byte
	visit func(b []byte) error
	arena []byte
	ends  []int
}

// maxSteps is how many keys the fetcher steps over before it seeks.
const maxSteps = 16

func (f *fetcher) add(key string) error {
	f.keys = append(f.keys, key)
	if len(f.keys) == batch {
		return f.flush()
	}
	return nil
}

var arenas = sync.Pool{New: func() any { return new([]byte) }}

func (f *fetcher) flush() error {
	if len(f.keys) == 0 {
		return nil
	}
	if f.arena == nil {
		a := arenas.Get().(*[]byte)
		f.arena = *a
		defer func() { *a = f.arena[:0]; arenas.Put(a); f.arena = nil }()
	}
	f.arena, f.ends = f.arena[:0], f.ends[:0]
	err := f.s.view(func(tx *bolt.Tx) error {
		f.s.reads.Add(int64(len(f.keys)))
		seekKeys(tx.Bucket(f.bucket).Cursor(), f.keys, func(key string, v []byte) bool {
			if p := f.keep(key, v); p != nil {
				f.arena = append(f.arena, p...)
				f.ends = append(f.ends, len(f.arena))
			}
			return true
		})
		return nil
	})
	f.keys = f.keys[:0]
	if err != nil {
		return err
	}
	start := 0
	for _, end := range f.ends {
		if err := f.visit(f.arena[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// Query calls visit with the Feature bytes of each incident that f selects,
// in date order, within f's offset and limit. The bytes are valid only
// during the call. Without words, a km range or Match it counts the
// matches from the index's grid and reads from the database only the
// Features it returns.
func (s *Store) Query(f Filter, visit func(feature []byte) error) (Result, error) {
	ff := newFeatureFilter(&f)
	if ff == nil && f.Match == nil && s.index.gridCost != noGrid {
		fe := &fetcher{s: s, bucket: bucketByDate, visit: visit, keep: func(_ string, v []byte) []byte { return v[recordLen:] }}
		m := compile(&f)
		st := s.index.state()
		page := st.page
		if f.Since != 0 {
			page = st.pageSince // Since as up to three date ranges (since.go)
		}
		matched, returned, err := page(&m, f.Offset, f.Limit, func(key string, _ listPlace) error { return fe.add(key) })
		if err == nil {
			err = fe.flush()
		}
		return Result{Matched: matched, Returned: returned}, err
	}
	// The words and the km range are in the Features and Match reads
	// them: none of them is in the grid's counts, so every candidate is walked, its
	// Feature read where it must be, and the matches counted one by one.
	// (Without any of them, this is the naive walk the benchmarks compare
	// with.)
	var res Result
	window := func() bool {
		res.Matched++
		if res.Matched <= f.Offset || (f.Limit > 0 && res.Returned >= f.Limit) {
			return false
		}
		res.Returned++
		return true
	}
	// With words or Match, an incident counts once its Feature is read.
	late := ff != nil || f.Match != nil
	fe := &fetcher{s: s, bucket: bucketByDate, visit: visit, keep: func(_ string, v []byte) []byte {
		feature := v[recordLen:]
		if late && ((ff != nil && !ff.match(feature)) || (f.Match != nil && !f.Match(feature)) || !window()) {
			return nil
		}
		return feature
	}}
	var err error
	s.index.each(&f, func(e entry) bool {
		if !late && !window() {
			return true // counted, not returned
		}
		err = fe.add(e.key)
		return err == nil
	})
	if err == nil {
		err = fe.flush()
	}
	return res, err
}

// Crossings calls visit with each crossing-point Feature of the incidents
// that f selects, in date order; f's offset and limit count points. The
// bytes are valid only during the call.
func (s *Store) Crossings(f Filter, visit func(feature []byte) error) (Result, error) {
	var res Result
	// window holds, per key, the first of its points to return and how many.
	window := map[string][2]int{}
	take := func(key string, n int) bool {
		first, count := 0, 0
		for i := 0; i < n; i++ {
			res.Matched++
			switch {
			case res.Matched <= f.Offset:
				first = i + 1
			case f.Limit == 0 || res.Returned < f.Limit:
				res.Returned++
				count++
			}
		}
		if count > 0 {
			window[key] = [2]int{first, count}
		}
		return count > 0
	}
	fe := &fetcher{s: s, bucket: bucketCrossings, keep: func(key string, v []byte) []byte {
		w := window[key]
		points := bytes.Split(v, []byte{'\n'})
		if w[0]+w[1] > len(points) {
			return nil // changed since it was counted
		}
		delete(window, key)
		return bytes.Join(points[w[0]:w[0]+w[1]], []byte{'\n'})
	}, visit: func(joined []byte) error {
		for _, c := range bytes.Split(joined, []byte{'\n'}) {
			if err := visit(c); err != nil {
				return err
			}
		}
		return nil
	}}
	ff := newFeatureFilter(&f)
	var err error
	var candidates []entry
	s.index.each(&f, func(e entry) bool {
		switch {
		case e.ncross == 0:
		case ff != nil:
			candidates = append(candidates, e) // the text is in the Feature: read it first
		case take(e.key, int(e.ncross)):
			err = fe.add(e.key)
		}
		return err == nil
	})
	if err == nil && ff != nil {
		err = s.textFilter(candidates, ff, func(e entry) error {
			if take(e.key, int(e.ncross)) {
				return fe.add(e.key)
			}
			return nil
		})
	}
	if err == nil {
		err = fe.flush()
	}
	return res, err
}

// textFilter calls fn, in order, with the entries whose Features match
// every word.
func (s *Store) textFilter(entries []entry, ff *featureFilter, fn func(e entry) error) error {
	var matching []entry
	i := 0
	tf := &fetcher{s: s, bucket: bucketByDate, visit: func([]byte) error { return nil },
		keep: func(key string, v []byte) []byte {
			for entries[i].key != key {
				i++
			}
			if ff.match(v[recordLen:]) {
				matching = append(matching, entries[i])
			}
			return nil
		}}
	for _, e := range entries {
		if err := tf.add(e.key); err != nil {
			return err
		}
	}
	if err := tf.flush(); err != nil {
		return err
	}
	for _, e := range matching {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// YearCount is the number of incidents of each type in one year.
type YearCount struct {
	Year   int          `json:"year"`
	Total  int          `json:"total"`
	ByType map[Type]int `json:"by_type"`
}

// Years counts the incidents that f selects per year and type, in year
// order. f's offset and limit are ignored. Without a text filter it counts
// from the index's grid.
func (s *Store) Years(f Filter) ([]YearCount, error) {
	ff := newFeatureFilter(&f)
	if ff == nil && f.Since == 0 {
		m := compile(&f)
		return s.index.state().grid.years(&m), nil
	}
	// The words and the km range are in the Features, and Since asks for
	// the end of the period a partial date names: walk the candidates.
	var out []YearCount
	count := func(e entry) {
		year := int(keyYear(e.date))
		if len(out) == 0 || out[len(out)-1].Year != year {
			out = append(out, YearCount{Year: year, ByType: map[Type]int{}})
		}
		out[len(out)-1].Total++
		out[len(out)-1].ByType[valueOf(Types, e.typ)]++
	}
	if ff == nil {
		s.index.each(&f, func(e entry) bool { count(e); return true })
		return out, nil
	}
	var candidates []entry
	s.index.each(&f, func(e entry) bool { candidates = append(candidates, e); return true })
	err := s.textFilter(candidates, ff, func(e entry) error { count(e); return nil })
	return out, err
}
