package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/dmzmap/dmzmap/geo"
	orbgeo "github.com/paulmach/orb/geo"
)

// Thresholds of the strict check.
const (
	// MinPrecisionM is the least location_precision_m a published incident
	// may claim: no report places an event closer than that.
	MinPrecisionM = 50
	// SamePlaceM is how close two incidents of the same day must be to need
	// distinct_from naming each other.
	SamePlaceM = 10000
)

// sectorTerm is a name of a stretch of the front that a text may use, the
// computed sectors it agrees with, and the group of names it belongs to (a
// note that uses any name of the group explains it).
type sectorTerm struct {
	term     string
	sectors  []geo.Sector
	group    string
	siteOnly bool // matched in the title and place only: summaries name Panmunjom for the talks held there
}

// sectorTerms, longest first, so that "east-central front" is not read as
// "central front" and 중동부전선 not as 동부전선. The JSA's names count only
// where they name the site itself, not a landmark ("near Panmunjom",
// "판문점 동쪽 100km": see jsaRelative).
var sectorTerms = func() []sectorTerm {
	w, c, e, j := geo.Western, geo.Central, geo.Eastern, geo.JSA
	wc, ce := []geo.Sector{w, c, j}, []geo.Sector{c, e}
	var ts []sectorTerm
	add := func(sectors []geo.Sector, group string, terms ...string) {
		for _, t := range terms {
			ts = append(ts, sectorTerm{term: t, sectors: sectors, group: group})
		}
	}
	add(wc, "west-central", "west-central front", "west central front", "central-western front", "western and central front",
		"중서부전선", "중서부 전선", "서부·중부전선", "서부·중부 전선", "서·중부전선", "중·서부전선", "서부와 중부전선")
	add(ce, "east-central", "east-central front", "east central front", "central-eastern front", "central and eastern front",
		"중동부전선", "중동부 전선", "중부·동부전선", "중부·동부 전선", "중·동부전선", "중부와 동부전선")
	add([]geo.Sector{w, j}, "western", "western front", "western sector", "서부전선", "서부 전선")
	add([]geo.Sector{c}, "central", "central front", "central sector", "중부전선", "중부 전선")
	add([]geo.Sector{e}, "eastern", "eastern front", "eastern sector", "동부전선", "동부 전선")
	add([]geo.Sector{j}, "jsa", "joint security area", "공동경비구역", "jsa")
	add([]geo.Sector{j}, "jsa", "panmunjom", "판문점")
	ts[len(ts)-1].siteOnly, ts[len(ts)-2].siteOnly = true, true
	sort.SliceStable(ts, func(a, b int) bool { return len(ts[a].term) > len(ts[b].term) })
	return ts
}()

// jsaBefore and jsaAfter hold the words that, next to a name of the JSA,
// make it a landmark the place is given from ("near Panmunjom", "판문점 동쪽")
// or a channel ("returned through Panmunjom", "판문점을 통해 송환") rather than
// the place.
var (
	jsaBefore = []string{"near ", "of ", "from ", "outside ", "beyond ", "towards ", "toward ", "through ", "via "}
	jsaAfter  = []string{" area", "통해", " 통해", "을 통해", "를 통해", "로 송환", "으로 송환", "에서 송환", "인근", "부근", "근처", " 인근", " 부근", " 근처", "에서 ", " 남쪽", " 북쪽", " 동쪽", " 서쪽", "남쪽", "북쪽", "동쪽", "서쪽", " 남방", " 북방", " 동방", " 서방", "남방", "북방", "동방", "서방"}
)

// jsaRelative reports whether the JSA name at text[at:end] is a landmark.
func jsaRelative(text string, at, end int) bool {
	before := text[max(0, at-12):at]
	for _, w := range jsaBefore {
		if strings.Contains(before, w) {
			return true
		}
	}
	after := text[end:]
	for _, w := range jsaAfter {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return false
}

// CheckStrict applies the rules a published dataset keeps beyond those of
// each incident (Validate): every incident sourced from https pages that are
// not search pages; title_ko, summary_ko and place_ko in Korean; incidents
// of the same day within SamePlaceM naming each other in distinct_from; a
// location_precision_m of at least MinPrecisionM; and a front named in the
// text that agrees with the sector computed from the point, unless the note
// or location note speaks of it. It returns an *Error of kind KindInvalid
// whose every field error has the incident's position in ins as Index and
// starts its message with the incident's id, or nil.
func CheckStrict(ins []*Incident, mdl *geo.MDL) error {
	var errs []FieldError
	add := func(i int, field, format string, args ...any) {
		idx := i
		errs = append(errs, FieldError{Index: &idx, Field: field, Message: ins[i].ID + ": " + fmt.Sprintf(format, args...)})
	}
	ids := map[string]bool{}
	for _, in := range ins {
		ids[in.ID] = true
	}
	for i, in := range ins {
		if len(in.Sources) == 0 {
			add(i, "sources", "has no source")
		}
		for j, s := range in.Sources {
			if msg := strictURL(s.URL); msg != "" {
				add(i, fmt.Sprintf("sources[%d].url", j), "%s", msg)
			}
		}
		for _, f := range []struct{ name, text string }{{"title_ko", in.TitleKo}, {"summary_ko", in.SummaryKo}, {"place_ko", in.PlaceKo}} {
			if !hasHangul(f.text) {
				add(i, f.name, "has no Korean text: every incident needs its title, summary and place in Korean")
			}
		}
		for _, f := range []struct{ name, en, ko string }{{"persons_ko", in.Persons, in.PersonsKo},
			{"location_note_ko", in.LocationNote, in.LocationNoteKo}, {"note_ko", in.Note, in.NoteKo},
			{"casualties.note_ko", in.Casualties.Note, in.Casualties.NoteKo}} {
			if strings.TrimSpace(f.en) != "" && !hasHangul(f.ko) {
				add(i, f.name, "has no Korean text: the page in Korean shows every text of an incident in Korean")
			}
		}
		if in.LocationPrecisionM < MinPrecisionM {
			add(i, "location_precision_m", "is %g m; no report places an event that closely: at least %d", in.LocationPrecisionM, MinPrecisionM)
		}
		if in.Date.Precision() == PrecisionDay && in.Date.Day == 0 {
			add(i, "date_precision", "is day but the date %s has no day", in.Date)
		}
		for j, other := range in.DistinctFrom {
			if !ids[other] {
				add(i, fmt.Sprintf("distinct_from[%d]", j), "names %s, which is not in the dataset", other)
			}
		}
		if mdl != nil {
			if f, msg := sectorContradiction(in, mdl.SectorOf(in.Location)); msg != "" {
				add(i, f, "%s", msg)
			}
		}
	}
	byDay := map[uint32][]int{}
	for i, in := range ins {
		if in.Date.Precision() == PrecisionDay {
			byDay[in.Date.Key()] = append(byDay[in.Date.Key()], i)
		}
	}
	for _, group := range byDay {
		for a := 0; a < len(group); a++ {
			for b := a + 1; b < len(group); b++ {
				x, y := ins[group[a]], ins[group[b]]
				d := orbgeo.Distance(x.Location, y.Location)
				if d > SamePlaceM {
					continue
				}
				for _, p := range [][2]int{{group[a], group[b]}, {group[b], group[a]}} {
					if !contains(ins[p[0]].DistinctFrom, ins[p[1]].ID) {
						add(p[0], "distinct_from", "%s is on the same day %.1f km away: name it in distinct_from if they are separate events, or merge them",
							ins[p[1]].ID, d/1000)
					}
				}
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(a, b int) bool { return *errs[a].Index < *errs[b].Index })
	return &Error{Kind: KindInvalid, Message: fmt.Sprintf("%d of %d incidents break the strict rules", countIndexes(errs), len(ins)), Fields: errs}
}

// ValidateStrict decodes a GeoJSON FeatureCollection, validates every
// incident and applies CheckStrict; the collection must also carry its
// dataset version. Every refusal names the feature's index, its id and the
// field. It returns the number of incidents.
func ValidateStrict(b []byte, mdl *geo.MDL) (int, error) {
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := checkJSON(b, reflect.TypeOf(fc)); err != nil {
		return 0, err
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&fc); err != nil {
		return 0, jsonError(err)
	}
	if fc.Type != "FeatureCollection" {
		return 0, &Error{Kind: KindInvalid, Message: fmt.Sprintf("type must be \"FeatureCollection\", got %s", shown(fc.Type))}
	}
	var fields []FieldError
	if d, err := DecodeDataset(b); err != nil {
		var e *Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			fields = append(fields, e.Fields...)
		} else {
			fields = append(fields, FieldError{Field: "dataset", Message: err.Error()})
		}
	} else if d.IsZero() {
		fields = append(fields, FieldError{Field: "dataset", Message: `the collection must carry its version: "dataset": {"version": "YYYY.MM.N", "date": "YYYY-MM-DD"}`})
	}
	var ins []*Incident
	var pos []int
	for i, raw := range fc.Features {
		in, err := DecodeFeature(raw)
		if err == nil {
			err = in.Validate(mdl)
		}
		if err != nil {
			var id struct {
				ID any `json:"id"`
			}
			json.Unmarshal(raw, &id)
			for _, f := range indexed(i, err) {
				f.Message = fmt.Sprintf("%v: %s", id.ID, f.Message)
				fields = append(fields, f)
			}
			continue
		}
		ins = append(ins, in)
		pos = append(pos, i)
	}
	seen := map[string]int{}
	for j, in := range ins {
		if k, dup := seen[in.ID]; dup {
			i := pos[j]
			fields = append(fields, FieldError{Index: &i, Field: "id", Message: fmt.Sprintf("%s: is repeated (feature %d has it too)", in.ID, pos[k])})
		}
		seen[in.ID] = j
	}
	if err := CheckStrict(ins, mdl); err != nil {
		for _, f := range err.(*Error).Fields {
			i := pos[*f.Index]
			f.Index = &i
			fields = append(fields, f)
		}
	}
	if len(fields) > 0 {
		return len(fc.Features), &Error{Kind: KindInvalid, Message: fmt.Sprintf("%d of %d features break the rules", countIndexes(fields), len(fc.Features)), Fields: fields}
	}
	return len(ins), nil
}

func hasHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}

// strictURL says what is wrong with a source URL for a published dataset:
// not https, or a search page rather than the report itself.
func strictURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("%s is not an absolute URL", shown(s))
	}
	if u.Scheme != "https" {
		return fmt.Sprintf("%s is not https", shown(s))
	}
	if isSearchPage(u) {
		return fmt.Sprintf("%s is a search page: cite the report itself", shown(s))
	}
	return ""
}

// searchSegment is a path segment of a search page: /search,
// /search.php, /searchList.do, /total_search.php, /search-results (but not
// /research or an article's slug with "searching" in it).
var searchSegment = regexp.MustCompile(`^([a-z]+[_-])?search(es|list|result|results)?([._-][a-z]*)?$`)

// isSearchPage reports whether u is a site's search: a path segment like
// searchSegment (whatever its query, q= included), or a query of keyword=,
// query=, searchword=, search_query= or kwd=.
func isSearchPage(u *url.URL) bool {
	for _, seg := range strings.Split(strings.ToLower(u.Path), "/") {
		if searchSegment.MatchString(seg) {
			return true
		}
	}
	q := u.Query()
	for k := range q {
		switch strings.ToLower(k) {
		case "keyword", "query", "searchword", "search_query", "kwd":
			return true
		}
	}
	return false
}

// sectorContradiction returns the field and a message when the text of in
// names a stretch of the front that disagrees with sector, the one computed
// from its point, and neither the note nor the location note mentions the
// term.
func sectorContradiction(in *Incident, sector geo.Sector) (string, string) {
	explain := strings.ToLower(in.Note + "\n" + in.LocationNote)
	fields := []struct {
		name, text string
		summary    bool
	}{
		{"title", in.Title, false}, {"place", in.Place, false}, {"summary", in.Summary, true},
		{"title_ko", in.TitleKo, false}, {"place_ko", in.PlaceKo, false}, {"summary_ko", in.SummaryKo, true},
	}
	for _, f := range fields {
		text := strings.ToLower(f.text)
		for _, t := range sectorTerms {
			if t.siteOnly && f.summary {
				continue
			}
			at := indexTerm(text, t.term)
			if at < 0 {
				continue
			}
			end := at + len(t.term)
			text = text[:at] + strings.Repeat(" ", len(t.term)) + text[end:]
			if contains(t.sectors, sector) || explained(explain, t.group) || (t.group == "jsa" && jsaRelative(strings.ToLower(f.text), at, end)) {
				continue
			}
			return f.name, fmt.Sprintf("names %q but the point is in the %s sector: move the point, or say in the note why the report's name differs", t.term, sector)
		}
	}
	return "", ""
}

// explained reports whether the note text uses a name of the group.
func explained(note, group string) bool {
	for _, t := range sectorTerms {
		if t.group == group && indexTerm(note, t.term) >= 0 {
			return true
		}
	}
	return false
}

// indexTerm finds term in text as a whole word (for Latin letters).
func indexTerm(text, term string) int {
	from := 0
	for {
		i := strings.Index(text[from:], term)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(term)
		before := i == 0 || !isLatinWordByte(text[i-1])
		after := end == len(text) || !isLatinWordByte(text[end])
		if before && after {
			return i
		}
		from = i + 1
	}
}

func isLatinWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9'
}
