package server

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/dmzmap/dmzmap/data"
)

// sortby and properties on the OGC items (OGC API – Features Part 5 and
// Part 6 drafts).

// parseSortby reads sortby for collection id: comma-separated sortable
// queryables, each with an optional + or -.
func parseSortby(v, id string) ([]data.SortKey, error) {
	if v == "" {
		return nil, nil
	}
	var keys []data.SortKey
	var sortable []string
	for _, q := range queryables[id] {
		if q.sortable {
			sortable = append(sortable, q.name)
		}
	}
	for _, term := range strings.Split(v, ",") {
		term = strings.TrimSpace(term)
		k := data.SortKey{Name: term}
		switch {
		case strings.HasPrefix(term, "-"):
			k = data.SortKey{Name: term[1:], Desc: true}
		case strings.HasPrefix(term, "+"):
			k.Name = term[1:]
		}
		if !slices.Contains(sortable, k.Name) {
			what := "nothing"
			if len(sortable) > 0 {
				what = strings.Join(sortable, ", ")
			}
			return nil, data.InvalidParams(data.ParamError("sortby", fmt.Sprintf("%s is not a sortable property of %s: expected a comma-separated list of %s, each with an optional - for descending",
				quote(term), id, what)))
		}
		if slices.ContainsFunc(keys, func(o data.SortKey) bool { return o.Name == k.Name }) {
			return nil, data.InvalidParams(data.ParamError("sortby", fmt.Sprintf("%s is given twice", quote(k.Name))))
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// natural reports whether keys are the order the store gives: by date.
func natural(keys []data.SortKey) bool {
	return len(keys) == 0 || (len(keys) == 1 && keys[0] == data.SortKey{Name: "date"})
}

// sortedItems calls visit with the page of features of collection id that
// q selects in the order of keys.
func (o *ogcService) sortedItems(id string, q query, keys []data.SortKey, visit func([]byte) error) (data.Result, error) {
	limit, offset := q.filter.Limit, q.filter.Offset
	all := q
	all.filter.Limit, all.filter.Offset = 0, 0
	if len(keys) == 1 && keys[0] == (data.SortKey{Name: "date", Desc: true}) {
		// The reverse of the date order: the page mirrored.
		count := q
		count.filter.Limit, count.filter.Offset = 1, 0
		res, err := o.unsortedItems(id, count, func([]byte) error { return nil })
		if err != nil {
			return res, err
		}
		total := res.Matched
		res = data.Result{Matched: total}
		if offset >= total {
			return res, nil
		}
		n := total - offset
		if limit > 0 {
			n = min(n, limit)
		}
		page := q
		page.filter.Offset, page.filter.Limit = total-offset-n, n
		var features [][]byte
		if _, err := o.unsortedItems(id, page, func(b []byte) error {
			features = append(features, bytes.Clone(b))
			return nil
		}); err != nil {
			return res, err
		}
		for i := len(features) - 1; i >= 0; i-- {
			res.Returned++
			if err := visit(features[i]); err != nil {
				return res, err
			}
		}
		return res, nil
	}
	return data.SortedPage(func(visit func([]byte) error) error {
		_, err := o.unsortedItems(id, all, visit)
		return err
	}, keys, limit, offset, visit)
}

// parseProperties reads properties= for collection id: the properties
// each feature keeps.
func parseProperties(v, id string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	known := queryableNames(id)
	if id == "incidents" {
		known = append(known, "sources", "path", "casualties", "tags")
	}
	known = slices.DeleteFunc(slices.Clone(known), func(s string) bool { return s == "geometry" })
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(known, p) {
			return nil, data.InvalidParams(data.ParamError("properties", fmt.Sprintf("%s is not a property of %s: expected a comma-separated list of %s", quote(p), id, strings.Join(known, ", "))))
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}
