package data

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
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

// What a Filter selects: the Filter, its compiled matcher of an index entry
// (dates, attributes, bbox) and the feature filter of its text; Query,
// Crossings, Years and the grid's counts all match through them.

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

func words(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Fields(strings.ToLower(text))
}
