package data

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
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
