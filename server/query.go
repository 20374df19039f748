package server

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
	"github.com/valyala/fasthttp"
)

// firstYear is the earliest year a query may name: the armistice of 1953
// drew the MDL.
const firstYear = 1953

// maxText is the longest q= accepted, in characters.
const maxText = 200

// maxUnknown is the most unknown parameters one problem lists.
const maxUnknown = 20

var (
	filterParams = []string{"year", "from", "to", "type", "direction", "sector", "bbox", "q"}
	kmParams     = []string{"km"} // listed last, after the paging and format parameters
	ogcParams    = []string{"bbox", "datetime", "type", "direction", "sector"}
	pageParams   = []string{"limit", "offset"}
	sectors      = []geo.Sector{geo.Western, geo.Central, geo.Eastern, geo.JSA}
)

// querySpec says which query parameters a route takes.
type querySpec struct {
	route    string // for messages, e.g. /api/incidents
	paging   bool   // limit and offset are accepted
	maxLimit int    // the largest limit; 0 for none
	defLimit int    // the limit when none is given; 0 for maxLimit
	// ogc selects the filters of OGC API – Features (bbox, datetime, type,
	// direction, sector) instead of year, from, to and q.
	ogc bool
	// format names the route's format parameter (f or format), if it has
	// one, and formats its values; the first is the default.
	format  string
	formats []string
}

func (sp querySpec) params() []string {
	ps := filterParams
	if sp.ogc {
		ps = ogcParams
	}
	if sp.paging {
		ps = append(slices.Clip(ps), pageParams...)
	}
	if sp.format != "" {
		ps = append(slices.Clip(ps), sp.format)
	}
	if !sp.ogc {
		ps = append(slices.Clip(ps), kmParams...)
	}
	return ps
}

// query is a parsed query string.
type query struct {
	filter           data.Filter
	fromYear, toYear int    // the years asked for, 0 where open
	paged            bool   // limit or offset was given
	format           string // the format asked for, or "" where none was
}

// parseQuery reads the filter of every incident route from args: year=YYYY,
// from=YYYY and to=YYYY (inclusive), type=, direction= and sector= (comma-
// separated lists), km=FROM,TO (see parseKm), bbox=minLon,minLat,maxLon,maxLat,
// q= (words), and where
// sp allows it limit= and offset=. For OGC API – Features routes (sp.ogc)
// datetime= (see parseDatetime) replaces year, from, to and q, and
// bbox-crs is refused as not implemented. An empty value is the same as no value.
// Unknown and repeated parameters are refused. The error, a queryError,
// lists every parameter that is wrong. Every string in the result is a copy.
func parseQuery(args *fasthttp.Args, sp querySpec, thisYear int) (query, error) {
	known := sp.params()
	var (
		q       query
		errs    queryError
		unknown int
	)
	vals := make(map[string]string, args.Len())
	seen := make(map[string]int, args.Len())
	args.VisitAll(func(k, v []byte) {
		name := string(k)
		seen[name]++
		switch {
		case sp.ogc && name == "bbox-crs":
			if seen[name] == 1 {
				errs = append(errs, paramError{name, "is not implemented: bbox is always in CRS84 (longitude, latitude in degrees, WGS 84); leave bbox-crs out"})
			}
		case !slices.Contains(known, name):
			if seen[name] == 1 {
				if unknown++; unknown <= maxUnknown {
					errs = append(errs, paramError{displayName(name),
						fmt.Sprintf("is not a parameter of %s; its parameters are %s", sp.route, strings.Join(known, ", "))})
				}
			}
		case seen[name] == 2:
			errs = append(errs, paramError{name, "is given more than once; give it once (a list is comma-separated, e.g. type=crossing,shooting)"})
		case seen[name] == 1:
			vals[name] = string(v)
		}
	})
	bad := func(name, format string, a ...any) {
		errs = append(errs, paramError{name, fmt.Sprintf(format, a...)})
	}
	year := func(name string) int {
		v := vals[name]
		if v == "" {
			return 0
		}
		n, ok := parseDigits(v)
		if !ok || len(v) != 4 {
			bad(name, "%s is not a year: expected a year like 2017", quote(v))
			return 0
		}
		if n < firstYear || n > thisYear {
			bad(name, "%d is out of range: expected a year from %d (the armistice) to %d", n, firstYear, thisYear)
			return 0
		}
		return n
	}

	y, from, to := year("year"), year("from"), year("to")
	switch {
	case vals["year"] != "" && (vals["from"] != "" || vals["to"] != ""):
		bad("year", "cannot be combined with from or to: give year=2017, or a range from=2010&to=2017")
	case y != 0:
		q.fromYear, q.toYear = y, y
	case from != 0 && to != 0 && from > to:
		bad("from", "from=%d is after to=%d: expected from <= to", from, to)
	default:
		q.fromYear, q.toYear = from, to
	}
	q.filter.From, q.filter.To = data.YearRange(q.fromYear, q.toYear)
	if v := vals["datetime"]; v != "" {
		var e *paramError
		if q.filter.From, q.filter.To, e = parseDatetime(v); e != nil {
			errs = append(errs, *e)
		}
	}

	var e *paramError
	if q.filter.Types, e = parseList("type", vals["type"], data.Types); e != nil {
		errs = append(errs, *e)
	}
	if q.filter.Directions, e = parseList("direction", vals["direction"], data.Directions); e != nil {
		errs = append(errs, *e)
	}
	if q.filter.Sectors, e = parseList("sector", vals["sector"], sectors); e != nil {
		errs = append(errs, *e)
	}
	if q.filter.BBox, e = parseBBox(vals["bbox"]); e != nil {
		errs = append(errs, *e)
	}
	if q.filter.Km, e = parseKm(vals["km"]); e != nil {
		errs = append(errs, *e)
	}

	if v := vals["q"]; v != "" {
		switch n := utf8.RuneCountInString(v); {
		case !utf8.ValidString(v):
			bad("q", "is not valid UTF-8")
		case n > maxText:
			bad("q", "is %d characters long; the limit is %d", n, maxText)
		default:
			q.filter.Text = strings.TrimSpace(v)
		}
	}

	q.filter.Limit = sp.maxLimit
	if sp.defLimit > 0 {
		q.filter.Limit = sp.defLimit
	}
	if v := vals["limit"]; v != "" {
		q.paged = true
		n, ok := parseDigits(v)
		switch {
		case !ok || n == 0:
			max := ""
			if sp.maxLimit > 0 {
				max = fmt.Sprintf(" (at most %d)", sp.maxLimit)
			}
			bad("limit", "%s is not a whole number above 0: expected a page size like 100%s", quote(v), max)
		case sp.maxLimit > 0 && n > sp.maxLimit:
			q.filter.Limit = sp.maxLimit
		default:
			q.filter.Limit = n
		}
	}
	if v := vals["offset"]; v != "" {
		q.paged = true
		n, ok := parseDigits(v)
		if !ok {
			bad("offset", "%s is not a whole number: expected a count of matches to skip, like 100", quote(v))
		}
		q.filter.Offset = n
	}

	if sp.format != "" {
		switch v := vals[sp.format]; {
		case v == "":
		case slices.Contains(sp.formats, v):
			q.format = v
		default:
			bad(sp.format, "%s is not a format of %s: expected one of %s", quote(v), sp.route, strings.Join(sp.formats, ", "))
		}
	}

	if len(errs) > 0 {
		if unknown > maxUnknown {
			bad("…", "and %d more unknown parameters", unknown-maxUnknown)
		}
		return query{}, errs
	}
	return q, nil
}

// parseDatetime reads the datetime= of OGC API – Features: an instant, a
// date (2017-11-13) or an RFC 3339 date-time (2017-11-13T10:00:00Z), or an
// interval start/end where either end may be ".." or empty to leave it open.
// Incidents have dates, not times: a date-time stands for its date as
// written. It returns the date keys of the range, 0 where open.
//
// An incident known only to the month or the year has a date key with 00
// for the unknown parts, which sorts before the first day of that month or
// year (1965 before 1965-01-01). It matches as that first day: a range that
// starts on the first day of a month or a year starts at the month's or the
// year's own key, so 1965-01-01/1965-12-31 holds the incidents of 1965 known
// only to the year, and 1969-12-01/1969-12-31 those of December 1969 known
// only to the month, as year=1965 and the page's year range do.
func parseDatetime(v string) (from, to uint32, e *paramError) {
	const want = "expected an instant like 2017-11-13 or 2017-11-13T10:00:00Z, or an interval like 1960-01-01/1969-12-31, 2017-01-01/.. or ../1970-12-31"
	bad := func(format string, a ...any) (uint32, uint32, *paramError) {
		return 0, 0, &paramError{"datetime", fmt.Sprintf(format, a...)}
	}
	date := func(s string) (time.Time, bool) {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, true
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		return t, err == nil
	}
	start, end, interval := strings.Cut(v, "/")
	if !interval {
		t, ok := date(v)
		if !ok {
			return bad("%s is not a date or an RFC 3339 date-time: %s", quote(v), want)
		}
		return firstKey(t), dayKey(t), nil
	}
	if strings.Contains(end, "/") {
		return bad("%s has more than one '/': %s", quote(v), want)
	}
	var a, b time.Time
	for _, part := range []struct {
		s string
		t *time.Time
	}{{start, &a}, {end, &b}} {
		if part.s == "" || part.s == ".." {
			continue
		}
		t, ok := date(part.s)
		if !ok {
			return bad("%s is not a date, an RFC 3339 date-time or '..': %s", quote(part.s), want)
		}
		*part.t = t
	}
	if !a.IsZero() {
		from = firstKey(a)
	}
	if !b.IsZero() {
		to = dayKey(b)
	}
	if !a.IsZero() && !b.IsZero() && dayKey(a) > to {
		return bad("the start %s is after the end %s: expected start <= end", quote(start), quote(end))
	}
	return from, to, nil
}

// dayKey is the date key of t's date as written.
func dayKey(t time.Time) uint32 {
	y, m, d := t.Date()
	return uint32(y*10000 + int(m)*100 + d)
}

// firstKey is the smallest date key that parseDatetime's start at t takes
// in: the year's key on 1 January, the month's key on the first of a
// month, the day's key otherwise.
func firstKey(t time.Time) uint32 {
	y, m, d := t.Date()
	switch {
	case m == time.January && d == 1:
		return uint32(y * 10000)
	case d == 1:
		return uint32(y*10000 + int(m)*100)
	}
	return dayKey(t)
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
func parseList[T ~string](name, v string, valid []T) ([]T, *paramError) {
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
			wrong = append(wrong, quote(item))
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
		return nil, &paramError{name, fmt.Sprintf("%s %s: expected a comma-separated list of %s", strings.Join(wrong, ", "), what, strings.Join(names, ", "))}
	}
	return out, nil
}

// parseBBox reads minLon,minLat,maxLon,maxLat in degrees.
func parseBBox(v string) (*orb.Bound, *paramError) {
	if v == "" {
		return nil, nil
	}
	const want = "expected 4 comma-separated numbers minLon,minLat,maxLon,maxLat, e.g. bbox=126.5,37.7,127.5,38.4"
	bad := func(format string, a ...any) (*orb.Bound, *paramError) {
		return nil, &paramError{"bbox", fmt.Sprintf(format, a...)}
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return bad("has %d numbers: %s", len(parts), want)
	}
	var c [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return bad("%s is not a number: %s", quote(p), want)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("%s is not a finite number: %s", quote(p), want)
		}
		c[i] = f
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
	if minLon > maxLon {
		return bad("minLon %g is east of maxLon %g: antimeridian-crossing boxes are not supported; give the west edge first", minLon, maxLon)
	}
	return &orb.Bound{Min: orb.Point{minLon, minLat}, Max: orb.Point{maxLon, maxLat}}, nil
}

// maxKm is the largest km= accepted: far beyond the MDL's 237.5 km, so
// that only nonsense is refused; a stretch past the line's end selects
// nothing.
const maxKm = 1000

// parseKm reads km=FROM,TO: a stretch of the MDL in km of chainage from
// its western end (mdl_km), inclusive.
func parseKm(v string) (*[2]float64, *paramError) {
	if v == "" {
		return nil, nil
	}
	const want = "expected two comma-separated numbers FROM,TO in km along the MDL from its western end, 0 <= FROM <= TO, e.g. km=10,40"
	bad := func(format string, a ...any) (*[2]float64, *paramError) {
		return nil, &paramError{"km", fmt.Sprintf(format, a...)}
	}
	parts := strings.Split(v, ",")
	if len(parts) != 2 {
		return bad("has %d numbers: %s", len(parts), want)
	}
	var km [2]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("%s is not a number: %s", quote(p), want)
		}
		if f < 0 || f > maxKm {
			return bad("%g is out of range: %s", f, want)
		}
		km[i] = f
	}
	if km[0] > km[1] {
		return bad("FROM %g is after TO %g: %s", km[0], km[1], want)
	}
	return &km, nil
}

// quote shows a value from a request in a message: quoted, printable and
// at most 40 characters.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

// displayName shows a parameter name from a request: as it is when it is
// short and plain, quoted otherwise.
func displayName(s string) string {
	plain := s != "" && len(s) <= 40 && utf8.ValidString(s)
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || r == '"' {
			plain = false
		}
	}
	if plain {
		return s
	}
	return quote(s)
}
