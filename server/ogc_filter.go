package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
)

// OGC API – Features Part 3 (Filtering): the queryables of each collection
// and the filter parameter, in CQL2 text or JSON (data/cql2.go).

// filterClasses are the conformance classes of Part 3 and CQL2 the
// service meets. Not declared: queryables as query parameters (only type,
// direction and sector are), GEOMETRYCOLLECTION literals
// (basic-spatial-functions-plus), the other spatial functions, functions,
// arithmetic, arrays, property-property comparisons and CASEI/ACCENTI.
var filterClasses = []string{
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
}

// queryable is one property a filter may name.
type queryable struct {
	name     string
	schema   jsonObject
	sortable bool
}

func enumOf[T ~string](values []T) jsonObject {
	return jsonObject{"type": "string", "enum": oaEnum(values)}
}

var (
	qString   = jsonObject{"type": "string"}
	qDate     = jsonObject{"type": "string", "format": "date"}
	qDateTime = jsonObject{"type": "string", "format": "date-time"}
	qNumber   = jsonObject{"type": "number"}
	qInteger  = jsonObject{"type": "integer"}
	qBoolean  = jsonObject{"type": "boolean"}
	qPartial  = jsonObject{"type": "string", "pattern": `^\d{4}(-\d{2}(-\d{2})?)?$`,
		"description": "YYYY-MM-DD, YYYY-MM or YYYY. As text it orders as the date does (1965 < 1965-06 < 1965-06-15); " +
			"the temporal functions take it as the period it names, from date_start to date_end."}
	qPrecision = jsonObject{"type": "string", "enum": []string{"day", "month", "year"}}
)

// queryables are the properties a filter may name, per collection.
var queryables = map[string][]queryable{
	"incidents": {
		{"geometry", jsonObject{"format": "geometry-point", "x-ogc-role": "primary-geometry", "description": "The incident's location."}, false},
		{"title", qString, true},
		{"type", enumOf(data.Types), true},
		{"date", qPartial, true},
		{"date_precision", qPrecision, false},
		{"date_start", oaMerge(jsonObject{"description": "The first day of the period date names."}, qDate), true},
		{"date_end", oaMerge(jsonObject{"description": "The last day of the period date names."}, qDate), true},
		{"year", qInteger, true},
		{"location_precision_m", qNumber, true},
		{"location_note", qString, false},
		{"place", qString, true},
		{"direction", enumOf(data.Directions), true},
		{"persons", qString, false},
		{"persons_count", qInteger, true},
		{"summary", qString, false},
		{"sources_text", qString, false},
		{"confidence", jsonObject{"type": "string", "enum": []string{"high", "medium", "low"}}, true},
		{"note", qString, false},
		{"created", qDateTime, true},
		{"updated", qDateTime, true},
		{"distance_to_mdl_m", qNumber, true},
		{"side", jsonObject{"type": "string", "enum": []string{"north", "south"}}, true},
		{"mdl_km", qNumber, true},
		{"sector", enumOf(geo.Sectors), true},
		{"in_dmz", qBoolean, true},
	},
	"crossings": {
		{"geometry", jsonObject{"format": "geometry-point", "x-ogc-role": "primary-geometry", "description": "The crossing point."}, false},
		{"incident_id", qString, true},
		{"title", qString, true},
		{"type", enumOf(data.Types), true},
		{"date", qPartial, true},
		{"date_precision", qPrecision, false},
		{"date_start", qDate, true},
		{"date_end", qDate, true},
		{"direction", enumOf(data.Directions), true},
		{"estimated", qBoolean, true},
		{"mdl_km", qNumber, true},
		{"sector", enumOf(geo.Sectors), true},
	},
	"mdl": {
		{"geometry", jsonObject{"format": "geometry-linestring", "x-ogc-role": "primary-geometry", "description": "The line."}, false},
		{"name", qString, false},
		{"length_km", qNumber, false},
	},
}

func queryableNames(id string) []string {
	var out []string
	for _, q := range queryables[id] {
		out = append(out, q.name)
	}
	return out
}

// GET /ogc/collections/{collectionId}/queryables
func (o *ogcService) handleQueryables(c *fiber.Ctx) error {
	ci, err := collectionParam(c)
	if err != nil {
		return err
	}
	if _, err := o.parse(c, "/ogc/collections/"+ci.id+"/queryables"); err != nil {
		return err
	}
	props := jsonObject{}
	var sortable []string
	for _, q := range queryables[ci.id] {
		props[q.name] = oaMerge(jsonObject{"title": q.name}, q.schema)
		if q.sortable {
			props[q.name].(jsonObject)["x-ogc-sortable"] = true
			sortable = append(sortable, q.name)
		}
	}
	doc := jsonObject{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id":     href(c, "/ogc/collections/"+ci.id+"/queryables", ""),
		"type":    "object",
		"title":   ci.title,
		"description": "The properties a filter (filter-lang cql2-text or cql2-json) may name, and those sortby may sort by " +
			"(x-ogc-sortable; also listed in x-ogc-sortables).",
		"properties":           props,
		"additionalProperties": false,
		"x-ogc-sortables":      sortable,
		"links":                selfLinks(c, "/ogc/collections/"+ci.id+"/queryables", false, contentTypeSchema)[:1],
	}
	return sendJSON(c, contentTypeSchema, doc)
}

const contentTypeSchema = "application/schema+json"

// ogcFilter is a parsed filter= with what it needs to be evaluated.
type ogcFilter struct {
	x        *data.CQL2
	names    []string // the properties it reads, geometry aside
	geometry bool     // it reads the geometry
	derived  bool     // it reads date_start, date_end or sources_text
}

// parseFilter reads q's filter, filter-lang and filter-crs for collection
// id: unknown properties, a wrong language or CRS and a malformed filter
// are a data.Error naming the parameter, the error's position in the
// message.
func parseFilter(q query, id string) (*ogcFilter, error) {
	if q.filterText == "" {
		if q.filterLang != "" || q.filterCRS != "" {
			return nil, data.InvalidParams(data.ParamError("filter-lang", "is given without a filter: give filter=…"))
		}
		return nil, nil
	}
	if q.filterCRS != "" && q.filterCRS != crs84 {
		return nil, data.InvalidParams(data.ParamError("filter-crs", fmt.Sprintf("%s is not supported: filters are in CRS84 (%s), longitude then latitude", quote(q.filterCRS), crs84)))
	}
	var x *data.CQL2
	var err error
	switch q.filterLang {
	case "", "cql2-text":
		x, err = data.ParseCQL2Text(q.filterText)
	case "cql2-json":
		x, err = data.ParseCQL2JSON([]byte(q.filterText))
	default:
		return nil, data.InvalidParams(data.ParamError("filter-lang", fmt.Sprintf("%s is not a filter language of this service: expected cql2-text (the default) or cql2-json", quote(q.filterLang))))
	}
	var ce *data.CQL2Error
	if errors.As(err, &ce) {
		return nil, data.InvalidParams(data.ParamError("filter", fmt.Sprintf("at %s: %s", ce.Pos, ce.Message)))
	}
	if err != nil {
		return nil, err
	}
	names := queryableNames(id)
	f := &ogcFilter{x: x}
	var unknown []string
	for _, p := range x.Properties() {
		switch {
		case !slices.Contains(names, p):
			unknown = append(unknown, quote(p))
		case p == "geometry":
			f.geometry = true
		case p == "date_start" || p == "date_end":
			f.derived = true
			f.names = append(f.names, "date")
		case p == "sources_text":
			f.derived = true
			f.names = append(f.names, "sources")
		default:
			f.names = append(f.names, p)
		}
	}
	if len(unknown) > 0 {
		return nil, data.InvalidParams(data.ParamError("filter", fmt.Sprintf("%s %s not queryable in %s: the queryables are %s (see /ogc/collections/%s/queryables)",
			strings.Join(unknown, ", "), map[bool]string{true: "is", false: "are"}[len(unknown) == 1], id, strings.Join(names, ", "), id)))
	}
	return f, nil
}

// match evaluates the filter on an encoded Feature, decoding only the
// properties it reads.
func (f *ogcFilter) match(b []byte) bool {
	var ft struct {
		Geometry   json.RawMessage            `json:"geometry"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(b, &ft) != nil {
		return false
	}
	props := make(map[string]any, len(f.names)+3)
	for _, n := range f.names {
		if raw, ok := ft.Properties[n]; ok {
			var v any
			if json.Unmarshal(raw, &v) == nil {
				props[n] = v
			}
		}
	}
	var g orb.Geometry
	if f.geometry && len(ft.Geometry) > 0 {
		var geom struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		}
		if json.Unmarshal(ft.Geometry, &geom) == nil {
			switch geom.Type {
			case "Point":
				var p orb.Point
				if json.Unmarshal(geom.Coordinates, &p) == nil {
					g = p
				}
			case "LineString":
				var l orb.LineString
				if json.Unmarshal(geom.Coordinates, &l) == nil {
					g = l
				}
			}
		}
	}
	if f.derived {
		addDerived(props)
	}
	return f.x.Match(data.CQL2Feature{Geometry: g, Properties: props})
}

// addDerived adds the GIS fields (data.WithGISFields) to decoded properties.
func addDerived(props map[string]any) {
	if s, ok := props["date"].(string); ok {
		if d, err := data.ParseDate(s); err == nil {
			a, b := data.DatePeriod(d)
			props["date_start"], props["date_end"] = a.Format(time.DateOnly), b.Format(time.DateOnly)
		}
	}
	if list, ok := props["sources"].([]any); ok {
		var sources []data.Source
		for _, v := range list {
			m, _ := v.(map[string]any)
			str := func(k string) string { s, _ := m[k].(string); return s }
			sources = append(sources, data.Source{Title: str("title"), URL: str("url"), Publisher: str("publisher"), Published: str("published")})
		}
		props["sources_text"] = data.SourcesText(sources)
	}
}

// applyFilter puts the filter of q into q.filter: what the index can
// select pushed into it, and the whole filter evaluated on the rest unless
// the push is exact. For crossing points only the incident's type and
// date are pushed (their direction, sector and place are their own).
func applyFilter(q *query, id string) error {
	f, err := parseFilter(*q, id)
	if err != nil || f == nil {
		return err
	}
	q.cql = f
	if id == "incidents" {
		pushed := q.filter
		exact := f.x.Push(&pushed)
		if q.filter.Match != nil { // the antimeridian's boxes
			exact = false
		}
		pushed.Match = q.filter.Match
		q.filter = pushed
		if !exact {
			q.filter.Match = andMatch(q.filter.Match, f.match)
		}
		return nil
	}
	if id == "crossings" {
		scratch := q.filter
		f.x.Push(&scratch)
		q.filter.Types, q.filter.From, q.filter.To, q.filter.Since = scratch.Types, scratch.From, scratch.To, scratch.Since
	}
	return nil
}

func andMatch(a, b func([]byte) bool) func([]byte) bool {
	if a == nil {
		return b
	}
	return func(f []byte) bool { return a(f) && b(f) }
}
