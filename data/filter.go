package data

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// MaxText is the longest q= accepted, in characters.
const MaxText = 200

// MaxUnknown is the most unknown parameters one error lists.
const MaxUnknown = 20

// MaxKm is the largest km= accepted: far beyond the MDL's 237.5 km, so
// that only nonsense is refused; a stretch past the line's end selects
// nothing.
const MaxKm = 1000

var (
	filterParams = []string{"year", "from", "to", "type", "direction", "sector", "bbox", "q"}
	kmParams     = []string{"km"} // listed last, after the paging and format parameters
	ogcParams    = []string{"bbox", "datetime", "type", "direction", "sector", "filter", "filter-lang", "filter-crs", "sortby", "properties"}
	pageParams   = []string{"limit", "offset"}
)

// Params are the parameters of a query in the order given, repeats
// included. A *fasthttp.Args is Params; URLParams makes them of url.Values.
type Params interface {
	VisitAll(func(key, value []byte))
}

// URLParams returns v as Params, in the order of their names.
func URLParams(v url.Values) Params { return urlParams(v) }

type urlParams url.Values

func (p urlParams) VisitAll(fn func(key, value []byte)) {
	names := make([]string, 0, len(p))
	for name := range p {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range p[name] {
			fn([]byte(name), []byte(v))
		}
	}
}

// FilterSpec says which parameters a caller of ParseFilter takes.
type FilterSpec struct {
	Route    string // for messages, e.g. /api/incidents
	Paging   bool   // limit and offset are accepted
	MaxLimit int    // the largest limit; 0 for none
	DefLimit int    // the limit when none is given; 0 for MaxLimit
	// OGC selects the filters of OGC API – Features (bbox, datetime, type,
	// direction, sector, and filter, filter-lang, filter-crs, sortby and
	// properties as given) instead of year, from, to, q and km.
	OGC bool
	// Format names the caller's format parameter (f or format), if it has
	// one, and Formats its values; the first is the default.
	Format  string
	Formats []string
}

// Names lists the parameters sp accepts, in the order messages list them.
func (sp FilterSpec) Names() []string {
	ps := filterParams
	if sp.OGC {
		ps = ogcParams
	}
	if sp.Paging {
		ps = append(slices.Clip(ps), pageParams...)
	}
	if sp.Format != "" {
		ps = append(slices.Clip(ps), sp.Format)
	}
	if !sp.OGC {
		ps = append(slices.Clip(ps), kmParams...)
	}
	return ps
}

// FilterQuery is what ParseFilter read: the Filter, and what else the
// parameters said.
type FilterQuery struct {
	Filter           Filter
	FromYear, ToYear int    // the years asked for, 0 where open
	Paged            bool   // limit or offset was given
	Format           string // the format asked for, or "" where none was
	// Boxes is the bbox: one box, or two for one across the antimeridian
	// (then Filter.BBox is the band of its latitudes and Filter.Match
	// checks each point against both).
	Boxes []orb.Bound
	// The OGC filter (Part 3), sortby and properties as given, for the
	// caller to read against a collection.
	FilterText, FilterLang, FilterCRS string
	SortBy, Properties                string
}

// ParseFilter reads the filter of every incident route from p: year=YYYY,
// from=YYYY and to=YYYY (inclusive, from FirstYear to thisYear), type=,
// direction= and sector= (comma-separated lists), km=FROM,TO (see
// parseKm), bbox=minLon,minLat,maxLon,maxLat, q= (words), and where sp
// allows it limit= and offset=. With sp.OGC (OGC API – Features)
// datetime= (see parseDatetime) replaces year, from, to and q, and bbox-crs
// is refused as not implemented. An empty value is the same as no value.
// Unknown and repeated parameters are refused. The error, an *Error of
// KindInvalid, lists every parameter that is wrong (see InvalidParams).
// Every string in the result is a copy.
func ParseFilter(p Params, sp FilterSpec, thisYear int) (FilterQuery, error) {
	known := sp.Names()
	var (
		q       FilterQuery
		errs    []FieldError
		unknown int
	)
	vals := make(map[string]string, 16)
	seen := make(map[string]int, 16)
	p.VisitAll(func(k, v []byte) {
		name := string(k)
		seen[name]++
		switch {
		case sp.OGC && name == "bbox-crs":
			if seen[name] == 1 {
				errs = append(errs, ParamError(name, "is not implemented: bbox is always in CRS84 (longitude, latitude in degrees, WGS 84); leave bbox-crs out"))
			}
		case !slices.Contains(known, name):
			if seen[name] == 1 {
				if unknown++; unknown <= MaxUnknown {
					errs = append(errs, ParamError(DisplayName(name),
						fmt.Sprintf("is not a parameter of %s; its parameters are %s", sp.Route, strings.Join(known, ", "))))
				}
			}
		case seen[name] == 2:
			errs = append(errs, ParamError(name, "is given more than once; give it once (a list is comma-separated, e.g. type=crossing,shooting)"))
		case seen[name] == 1:
			vals[name] = string(v)
		}
	})
	bad := func(name, format string, a ...any) {
		errs = append(errs, ParamError(name, fmt.Sprintf(format, a...)))
	}
	year := func(name string) int {
		v := vals[name]
		if v == "" {
			return 0
		}
		n, ok := parseDigits(v)
		if !ok || len(v) != 4 {
			bad(name, "%s is not a year: expected a year like 2017", Quote(v))
			return 0
		}
		if n < FirstYear || n > thisYear {
			bad(name, "%d is out of range: expected a year from %d (the armistice) to %d", n, FirstYear, thisYear)
			return 0
		}
		return n
	}

	y, from, to := year("year"), year("from"), year("to")
	switch {
	case vals["year"] != "" && (vals["from"] != "" || vals["to"] != ""):
		bad("year", "cannot be combined with from or to: give year=2017, or a range from=2010&to=2017")
	case y != 0:
		q.FromYear, q.ToYear = y, y
	case from != 0 && to != 0 && from > to:
		bad("from", "from=%d is after to=%d: expected from <= to", from, to)
	default:
		q.FromYear, q.ToYear = from, to
	}
	q.Filter.From, q.Filter.To = YearRange(q.FromYear, q.ToYear)
	if v := vals["datetime"]; v != "" {
		var e *FieldError
		if q.Filter.From, q.Filter.To, q.Filter.Since, e = parseDatetime(v); e != nil {
			errs = append(errs, *e)
		}
	}

	var e *FieldError
	if q.Filter.Types, e = parseList("type", vals["type"], Types); e != nil {
		errs = append(errs, *e)
	}
	if q.Filter.Directions, e = parseList("direction", vals["direction"], Directions); e != nil {
		errs = append(errs, *e)
	}
	if q.Filter.Sectors, e = parseList("sector", vals["sector"], geo.Sectors); e != nil {
		errs = append(errs, *e)
	}
	if q.Boxes, e = parseBBox(vals["bbox"], sp.OGC); e != nil {
		errs = append(errs, *e)
	}
	switch len(q.Boxes) {
	case 1:
		q.Filter.BBox = &q.Boxes[0]
	case 2:
		// Across the antimeridian: the band of its latitudes on the
		// index, and each incident's point against the two boxes.
		q.Filter.BBox = &orb.Bound{Min: orb.Point{-180, q.Boxes[0].Min[1]}, Max: orb.Point{180, q.Boxes[0].Max[1]}}
		q.Filter.Match = inBoxes(q.Boxes)
	}

	q.FilterText, q.FilterLang, q.FilterCRS = vals["filter"], vals["filter-lang"], vals["filter-crs"]
	q.SortBy, q.Properties = vals["sortby"], vals["properties"]

	if q.Filter.Km, e = parseKm(vals["km"]); e != nil {
		errs = append(errs, *e)
	}

	if v := vals["q"]; v != "" {
		switch n := utf8.RuneCountInString(v); {
		case !utf8.ValidString(v):
			bad("q", "is not valid UTF-8")
		case n > MaxText:
			bad("q", "is %d characters long; the limit is %d", n, MaxText)
		default:
			q.Filter.Text = strings.TrimSpace(v)
		}
	}

	q.Filter.Limit = sp.MaxLimit
	if sp.DefLimit > 0 {
		q.Filter.Limit = sp.DefLimit
	}
	if v := vals["limit"]; v != "" {
		q.Paged = true
		n, ok := parseDigits(v)
		switch {
		case !ok || n == 0:
			max := ""
			if sp.MaxLimit > 0 {
				max = fmt.Sprintf(" (at most %d)", sp.MaxLimit)
			}
			bad("limit", "%s is not a whole number above 0: expected a page size like 100%s", Quote(v), max)
		case sp.MaxLimit > 0 && n > sp.MaxLimit:
			q.Filter.Limit = sp.MaxLimit
		default:
			q.Filter.Limit = n
		}
	}
	if v := vals["offset"]; v != "" {
		q.Paged = true
		n, ok := parseDigits(v)
		if !ok {
			bad("offset", "%s is not a whole number: expected a count of matches to skip, like 100", Quote(v))
		}
		q.Filter.Offset = n
	}

	if sp.Format != "" {
		switch v := vals[sp.Format]; {
		case v == "":
		case slices.Contains(sp.Formats, v):
			q.Format = v
		default:
			bad(sp.Format, "%s is not a format of %s: expected one of %s", Quote(v), sp.Route, strings.Join(sp.Formats, ", "))
		}
	}

	if len(errs) > 0 {
		if unknown > MaxUnknown {
			bad("…", "and %d more unknown parameters", unknown-MaxUnknown)
		}
		return FilterQuery{}, InvalidParams(errs...)
	}
	return q, nil
}

// parseDatetime reads the datetime= of OGC API – Features: an instant, a
// date (2017-11-13) or an RFC 3339 date-time (2017-11-13T10:00:00Z), or an
// interval start/end where either end may be ".." or empty to leave it
// open. A date followed by a bare T (2017-01-01T, as GDAL 3.6 sends) is that
// date. Incidents have dates, not times: a date-time stands for its date as
// written. It returns the date keys of the range, 0 where open, and the day
// Since of Filter.
//
// An incident's date is the period it names: a day, or for a date known
// only to the month or the year the whole month or year (1965 is
// 1965-01-01/1965-12-31, as its date_start and date_end say). datetime
// selects the incidents whose period meets the instant or the interval:
// 1965-06-01/1965-12-31 and the instant 1965-06-15 hold an incident dated
// only 1965, ../1964-12-31 and 1966-01-01/.. do not.
func parseDatetime(v string) (from, to, since uint32, e *FieldError) {
	const want = "expected an instant like 2017-11-13 or 2017-11-13T10:00:00Z, or an interval like 1960-01-01/1969-12-31, 2017-01-01/.. or ../1970-12-31"
	bad := func(format string, a ...any) (uint32, uint32, uint32, *FieldError) {
		fe := ParamError("datetime", fmt.Sprintf(format, a...))
		return 0, 0, 0, &fe
	}
	date := func(s string) (time.Time, bool) {
		s = strings.ToUpper(s) // RFC 3339 allows t and z
		for _, layout := range []string{time.DateOnly, "2006-01-02T", time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	start, end, interval := strings.Cut(v, "/")
	if !interval {
		t, ok := date(v)
		if !ok {
			return bad("%s is not a date or an RFC 3339 date-time: %s", Quote(v), want)
		}
		return YearKey(t.Year()), DayKey(t), DayKey(t), nil
	}
	if strings.Contains(end, "/") {
		return bad("%s has more than one '/': %s", Quote(v), want)
	}
	var a, b time.Time
	// One end may be an ISO 8601 duration from or to the other
	// (2018-02-12/P2D, P1M/2018-03-01), as the OGC's conformance suite sends.
	startDur, endDur := isDuration(start), isDuration(end)
	if startDur && endDur {
		return bad("%s has two durations: give a start or an end: %s", Quote(v), want)
	}
	for _, part := range []struct {
		s string
		t *time.Time
	}{{start, &a}, {end, &b}} {
		if part.s == "" || part.s == ".." || isDuration(part.s) {
			continue
		}
		t, ok := date(part.s)
		if !ok {
			return bad("%s is not a date, an RFC 3339 date-time or '..': %s", Quote(part.s), want)
		}
		*part.t = t
	}
	if startDur || endDur {
		d, ok := parseDuration(pick(start, end, startDur))
		switch {
		case !ok:
			return bad("%s is not an ISO 8601 duration like P2D, P1M6D or PT12H: %s", Quote(pick(start, end, startDur)), want)
		case startDur && b.IsZero(), endDur && a.IsZero():
			return bad("%s: a duration needs a date at the other end: %s", Quote(v), want)
		case startDur:
			if a = d.before(b); a.Year() < 1 {
				a = time.Time{} // before any date: open
			}
		default:
			if b = d.after(a); b.Year() > 9999 {
				b = time.Time{} // after any date: open
			}
		}
	}
	if !a.IsZero() {
		from, since = YearKey(a.Year()), DayKey(a)
	}
	if !b.IsZero() {
		to = DayKey(b)
	}
	if !a.IsZero() && !b.IsZero() && since > to {
		return bad("the start %s is after the end %s: expected start <= end", Quote(start), Quote(end))
	}
	return from, to, since, nil
}

func pick(a, b string, first bool) string {
	if first {
		return a
	}
	return b
}

func isDuration(s string) bool { return strings.HasPrefix(strings.ToUpper(s), "P") }

// duration is an ISO 8601 duration: years, months and days of the
// calendar, and a time.
type duration struct {
	years, months, days int
	clock               time.Duration
}

func (d duration) after(t time.Time) time.Time {
	return t.AddDate(d.years, d.months, d.days).Add(d.clock)
}

func (d duration) before(t time.Time) time.Time {
	return t.AddDate(-d.years, -d.months, -d.days).Add(-d.clock)
}

var durationRE = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$`)

// parseDuration reads an ISO 8601 duration such as P2D, P1Y2M, P1M6DT12H31M12S.
func parseDuration(s string) (duration, bool) {
	s = strings.ToUpper(s)
	m := durationRE.FindStringSubmatch(s)
	if m == nil || s == "P" || strings.HasSuffix(s, "T") {
		return duration{}, false
	}
	n := func(i int) int {
		v, _ := parseDigits(m[i])
		return min(v, 100000) // beyond any date: the range is then open in effect
	}
	d := duration{years: n(1), months: n(2), days: n(3)*7 + n(4)}
	d.clock = time.Duration(n(5))*time.Hour + time.Duration(n(6))*time.Minute
	if m[7] != "" {
		sec, err := strconv.ParseFloat(strings.Replace(m[7], ",", ".", 1), 64)
		if err != nil {
			return duration{}, false
		}
		d.clock += time.Duration(min(sec, 1e9) * float64(time.Second))
	}
	return d, true
}

// parseDigits reads a whole number written with the digits 0-9 only;
// one too large for an int becomes math.MaxInt.
func parseDigits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		d := s[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		if n > (math.MaxInt-int(d-'0'))/10 {
			n = math.MaxInt
			continue
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}

// parseList reads a comma-separated list of values from valid; empty items
// are skipped and repeated ones kept once.
func parseList[T ~string](name, v string, valid []T) ([]T, *FieldError) {
	if v == "" {
		return nil, nil
	}
	var out []T
	var wrong []string
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		t := T(item)
		switch {
		case !slices.Contains(valid, t):
			wrong = append(wrong, Quote(item))
		case !slices.Contains(out, t):
			out = append(out, t)
		}
	}
	if len(wrong) > 0 {
		names := make([]string, len(valid))
		for i, t := range valid {
			names[i] = string(t)
		}
		what := "is not a known " + name
		if len(wrong) > 1 {
			what = "are not known values of " + name
		}
		if len(wrong) > 5 {
			wrong = append(wrong[:5], "…")
		}
		fe := ParamError(name, fmt.Sprintf("%s %s: expected a comma-separated list of %s", strings.Join(wrong, ", "), what, strings.Join(names, ", ")))
		return nil, &fe
	}
	return out, nil
}

// parseBBox reads minLon,minLat,maxLon,maxLat in degrees. With ogc (OGC API
// – Features), it also takes 6 numbers minLon,minLat,minHeight,maxLon,
// maxLat,maxHeight (the heights are ignored: incidents have none), and a
// box whose west edge is east of its east edge, which crosses the
// antimeridian: it returns that one as two boxes, west and east of it.
func parseBBox(v string, ogc bool) ([]orb.Bound, *FieldError) {
	if v == "" {
		return nil, nil
	}
	want := "expected 4 comma-separated numbers minLon,minLat,maxLon,maxLat, e.g. bbox=126.5,37.7,127.5,38.4"
	if ogc {
		want = "expected 4 comma-separated numbers minLon,minLat,maxLon,maxLat (e.g. bbox=126.5,37.7,127.5,38.4) " +
			"or 6 with heights minLon,minLat,minHeight,maxLon,maxLat,maxHeight"
	}
	bad := func(format string, a ...any) ([]orb.Bound, *FieldError) {
		fe := ParamError("bbox", fmt.Sprintf(format, a...))
		return nil, &fe
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 && !(ogc && len(parts) == 6) {
		return bad("has %d numbers: %s", len(parts), want)
	}
	c := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return bad("%s is not a number: %s", Quote(p), want)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("%s is not a finite number: %s", Quote(p), want)
		}
		c[i] = f
	}
	if len(c) == 6 {
		if c[2] > c[5] {
			return bad("minHeight %g is above maxHeight %g: %s", c[2], c[5], want)
		}
		c = []float64{c[0], c[1], c[3], c[4]}
	}
	minLon, minLat, maxLon, maxLat := c[0], c[1], c[2], c[3]
	for _, lon := range []float64{minLon, maxLon} {
		if lon < -180 || lon > 180 {
			return bad("longitude %g is out of range: expected -180 to 180 (the order is minLon,minLat,maxLon,maxLat)", lon)
		}
	}
	for _, lat := range []float64{minLat, maxLat} {
		if lat < -90 || lat > 90 {
			return bad("latitude %g is out of range: expected -90 to 90 (the order is minLon,minLat,maxLon,maxLat)", lat)
		}
	}
	if minLat > maxLat {
		return bad("minLat %g is above maxLat %g: %s", minLat, maxLat, want)
	}
	box := func(w, e float64) orb.Bound {
		return orb.Bound{Min: orb.Point{w, minLat}, Max: orb.Point{e, maxLat}}
	}
	if minLon > maxLon {
		if !ogc {
			return bad("minLon %g is east of maxLon %g: antimeridian-crossing boxes are not supported; give the west edge first", minLon, maxLon)
		}
		return []orb.Bound{box(minLon, 180), box(-180, maxLon)}, nil
	}
	return []orb.Bound{box(minLon, maxLon)}, nil
}

// inBoxes returns a Filter Match that keeps the Features whose point lies
// in one of boxes.
func inBoxes(boxes []orb.Bound) func([]byte) bool {
	return func(feature []byte) bool {
		var f struct {
			Geometry struct {
				Coordinates orb.Point `json:"coordinates"`
			} `json:"geometry"`
		}
		if json.Unmarshal(feature, &f) != nil {
			return false
		}
		return slices.ContainsFunc(boxes, func(b orb.Bound) bool { return b.Contains(f.Geometry.Coordinates) })
	}
}

// parseKm reads km=FROM,TO: a stretch of the MDL in km of chainage from
// its western end (mdl_km), inclusive.
func parseKm(v string) (*[2]float64, *FieldError) {
	if v == "" {
		return nil, nil
	}
	const want = "expected two comma-separated numbers FROM,TO in km along the MDL from its western end, 0 <= FROM <= TO, e.g. km=10,40"
	bad := func(format string, a ...any) (*[2]float64, *FieldError) {
		fe := ParamError("km", fmt.Sprintf(format, a...))
		return nil, &fe
	}
	parts := strings.Split(v, ",")
	if len(parts) != 2 {
		return bad("has %d numbers: %s", len(parts), want)
	}
	var km [2]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("%s is not a number: %s", Quote(p), want)
		}
		if f < 0 || f > MaxKm {
			return bad("%g is out of range: %s", f, want)
		}
		km[i] = f
	}
	if km[0] > km[1] {
		return bad("FROM %g is after TO %g: %s", km[0], km[1], want)
	}
	return &km, nil
}

// Quote shows a value from a request in a message: quoted, printable and
// at most 40 characters.
func Quote(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

// DisplayName shows a parameter name from a request: as it is when it is
// short and plain, quoted otherwise.
func DisplayName(s string) string {
	plain := s != "" && len(s) <= 40 && utf8.ValidString(s)
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || r == '"' {
			plain = false
		}
	}
	if plain {
		return s
	}
	return Quote(s)
}
