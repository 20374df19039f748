package data

// One file on purpose: Filter, its compiled matcher, the feature filter and the
// fetcher are what Query, Crossings and Years share; splitting them would put
// the three walks apart from the one definition of a match.

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"sync"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
	bolt "go.etcd.io/bbolt"
)

// Filter selects incidents. Zero fields select everything.
type Filter struct {
	From, To   uint32 // date keys (YYYYMMDD, see Date.Key), inclusive; 0 for open
	Types      []Type
	Directions []Direction
	Sectors    []geo.Sector
	BBox       *orb.Bound
	Text       string      // words that must all appear in the title, summary or place, in English or Korean
	Km         *[2]float64 // the stretch of the MDL, in km of chainage (mdl_km), inclusive; nil for all of it
	// Since is a day key (YYYYMMDD): only incidents whose date, as the
	// period it names (1965 is all of 1965, 1969-12 all of December 1969),
	// ends on that day or later; 0 for any. From stays the first key of the
	// range walked: set it to Since's year (YYYY0000) to take in the
	// incidents known only to the month or the year that end after Since.
	Since uint32
	// Match, when set, is called by Query with the Feature bytes of each
	// incident the other criteria select, inside a read transaction (it
	// must not keep them): false leaves the incident out before offset and
	// limit count it. Crossings and Years ignore it.
	Match  func(feature []byte) bool
	Limit  int // at most this many; 0 for no limit
	Offset int // skip this many matches first
}

// YearRange returns the date keys spanning the years from and to,
// inclusive; 0 leaves a side open.
func YearRange(from, to int) (uint32, uint32) {
	var a, b uint32
	if from != 0 {
		a = YearKey(from)
	}
	if to != 0 {
		b = yearEndKey(to)
	}
	return a, b
}

// matcher is a Filter's criteria but text, as sets of codes, and as the
// tables the loops of the index look entries up in.
type matcher struct {
	from, to        uint32
	since           uint32
	types, dirs, sc uint32 // bit sets of codes; 0 for any
	bbox            *orb.Bound

	hi                  uint32    // to, or the last date there is
	box                 orb.Bound // bbox, or anyBound
	anyAttr             bool      // no type, direction or sector
	attrOK              [256]bool // by packed attribute (packAttr)
	typOK, dirOK, secOK [256]bool // by code
}

// codeSet is the set of values' codes in list, as bits (bit i for code i).
func codeSet[T comparable](list []T, values []T) uint32 {
	var set uint32
	for _, v := range values {
		set |= 1 << codeOf(list, v)
	}
	return set
}

func compile(f *Filter) matcher {
	m := matcher{from: f.From, to: f.To, types: codeSet(Types, f.Types), dirs: codeSet(Directions, f.Directions),
		sc: codeSet(sectors, f.Sectors), bbox: f.BBox, since: f.Since, hi: f.To, box: anyBound}
	if m.hi == 0 {
		m.hi = math.MaxUint32
	}
	if f.BBox != nil {
		m.box = *f.BBox
	}
	m.anyAttr = m.types == 0 && m.dirs == 0 && m.sc == 0
	in := func(set uint32, code int) bool { return set == 0 || code < 32 && set&(1<<code) != 0 }
	for c := range 256 {
		m.typOK[c], m.dirOK[c], m.secOK[c] = in(m.types, c), in(m.dirs, c), in(m.sc, c)
	}
	for a := range 256 {
		m.attrOK[a] = m.typOK[a&7] && m.dirOK[a>>3&3] && m.secOK[a>>5]
	}
	m.attrOK[badAttr] = m.anyAttr
	return m
}

func (m *matcher) match(e *entry) bool {
	if e.date < m.from || (m.to != 0 && e.date > m.to) || (m.since != 0 && PeriodEnd(e.date) < m.since) {
		return false
	}
	if (m.types != 0 && m.types&(1<<e.typ) == 0) || (m.dirs != 0 && m.dirs&(1<<e.dir) == 0) || (m.sc != 0 && m.sc&(1<<e.sector) == 0) {
		return false
	}
	if b := m.bbox; b != nil {
		return e.p[0] >= b.Min[0] && e.p[0] <= b.Max[0] && e.p[1] >= b.Min[1] && e.p[1] <= b.Max[1]
	}
	return true
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// textMatch reports whether every word of the query appears in the
// Feature's title, summary or place, English or Korean, ignoring case.
func textMatch(feature []byte, words []string) bool {
	var f struct {
		Properties struct {
			Title, Summary, Place string
			TitleKo               string `json:"title_ko"`
			SummaryKo             string `json:"summary_ko"`
			PlaceKo               string `json:"place_ko"`
		} `json:"properties"`
	}
	if json.Unmarshal(feature, &f) != nil {
		return false
	}
	p := f.Properties
	hay := strings.ToLower(p.Title + "\n" + p.Summary + "\n" + p.Place + "\n" + p.TitleKo + "\n" + p.SummaryKo + "\n" + p.PlaceKo)
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// featureFilter is what of a Filter only the stored Feature can answer:
// the words of its text and its km range. nil selects every Feature.
type featureFilter struct {
	words []string
	km    *[2]float64
}

func newFeatureFilter(f *Filter) *featureFilter {
	ws := words(f.Text)
	if ws == nil && f.Km == nil {
		return nil
	}
	return &featureFilter{words: ws, km: f.Km}
}

// match reports whether the Feature's chainage is in the km range and
// every word of the query is in its text (textMatch).
func (ff *featureFilter) match(feature []byte) bool {
	if km := ff.km; km != nil {
		var f struct {
			Properties struct {
				MDLKm *float64 `json:"mdl_km"`
			} `json:"properties"`
		}
		if json.Unmarshal(feature, &f) != nil || f.Properties.MDLKm == nil || *f.Properties.MDLKm < km[0] || *f.Properties.MDLKm > km[1] {
			return false
		}
	}
	return ff.words == nil || textMatch(feature, ff.words)
}

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

func words(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Fields(strings.ToLower(text))
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
		matched, returned, err := page(&m, f.Offset, f.Limit, fe.add)
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
