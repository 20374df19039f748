package server

import (
	"github.com/dmzmap/dmzmap/data"
	"github.com/paulmach/orb"
)

// query is a request's query: what data.ParseFilter read, and the OGC
// filter, sortby and properties parsed for a collection.
type query struct {
	filter           data.Filter
	fromYear, toYear int    // the years asked for, 0 where open
	paged            bool   // limit or offset was given
	format           string // the format asked for, or "" where none was
	// boxes is the bbox: one box, or two for one across the antimeridian
	// (then filter.BBox is the band of its latitudes and filter.Match
	// checks each point against both).
	boxes []orb.Bound
	// The OGC filter (Part 3) as given, and parsed for a collection by
	// applyFilter; sortby and properties as given.
	filterText, filterLang, filterCRS string
	cql                               *ogcFilter
	sortby, properties                string
	sortKeys                          []data.SortKey // sortby, parsed for the collection
	keep                              []string       // properties, parsed for the collection
}

// parseQuery reads the query of a route from p by the rules of
// data.ParseFilter.
func parseQuery(p data.Params, sp data.FilterSpec, thisYear int) (query, error) {
	fq, err := data.ParseFilter(p, sp, thisYear)
	if err != nil {
		return query{}, err
	}
	return query{
		filter: fq.Filter, fromYear: fq.FromYear, toYear: fq.ToYear, paged: fq.Paged, format: fq.Format, boxes: fq.Boxes,
		filterText: fq.FilterText, filterLang: fq.FilterLang, filterCRS: fq.FilterCRS,
		sortby: fq.SortBy, properties: fq.Properties,
	}, nil
}

// parseQueryAfter is parseQuery for a route that reads parameters of its
// own first: errs, their errors, come first in the one error that lists
// every wrong parameter.
func parseQueryAfter(errs []data.FieldError, p data.Params, sp data.FilterSpec, thisYear int) (query, error) {
	q, err := parseQuery(p, sp, thisYear)
	if de, ok := err.(*data.Error); ok && de.Kind == data.KindInvalid {
		errs = append(errs, de.Fields...)
	} else if err != nil {
		return q, err
	}
	if len(errs) > 0 {
		return q, data.InvalidParams(errs...)
	}
	return q, nil
}

// quote shows a value from a request in a message (data.Quote).
func quote(s string) string { return data.Quote(s) }

// displayName shows a parameter name from a request (data.DisplayName).
func displayName(s string) string { return data.DisplayName(s) }
