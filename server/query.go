package server

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
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
	pageParams   = []string{"limit", "offset"}
	sectors      = []geo.Sector{geo.Western, geo.Central, geo.Eastern, geo.JSA}
)

// querySpec says which query parameters a route takes.
type querySpec struct {
	route    string // for messages, e.g. /api/incidents
	paging   bool   // limit and offset are accepted
	maxLimit int    // the default and largest limit; 0 for none
}

func (sp querySpec) params() []string {
	if sp.paging {
		return append(slices.Clip(filterParams), pageParams...)
	}
	return filterParams
}

// query is a parsed query string.
type query struct {
	filter           data.Filter
	fromYear, toYear int  // the years asked for, 0 where open
	paged            bool // limit or offset was given
}

// parseQuery reads the filter of every incident route from args: year=YYYY,
// from=YYYY and to=YYYY (inclusive), type=, direction= and sector= (comma-
// separated lists), bbox=minLon,minLat,maxLon,maxLat, q= (words), and where
// sp allows it limit= and offset=. An empty value is the same as no value.
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

	if len(errs) > 0 {
		if unknown > maxUnknown {
			bad("…", "and %d more unknown parameters", unknown-maxUnknown)
		}
		return query{}, errs
	}
	return q, nil
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
