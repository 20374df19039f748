package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/dmzmap/dmzmap/data"
)

// sortby and properties on the OGC items (OGC API – Features Part 5 and
// Part 6 drafts).

// maxSorted is the most matches sortby sorts other than by date: each is
// read and decoded first.
const maxSorted = 100_000

// sortKey is one term of sortby.
type sortKey struct {
	name string
	desc bool
}

// parseSortby reads sortby for collection id: comma-separated sortable
// queryables, each with an optional + or -.
func parseSortby(v, id string) ([]sortKey, error) {
	if v == "" {
		return nil, nil
	}
	var keys []sortKey
	var sortable []string
	for _, q := range queryables[id] {
		if q.sortable {
			sortable = append(sortable, q.name)
		}
	}
	for _, term := range strings.Split(v, ",") {
		term = strings.TrimSpace(term)
		k := sortKey{name: term}
		switch {
		case strings.HasPrefix(term, "-"):
			k = sortKey{term[1:], true}
		case strings.HasPrefix(term, "+"):
			k.name = term[1:]
		}
		if !slices.Contains(sortable, k.name) {
			what := "nothing"
			if len(sortable) > 0 {
				what = strings.Join(sortable, ", ")
			}
			return nil, data.InvalidParams(data.ParamError("sortby", fmt.Sprintf("%s is not a sortable property of %s: expected a comma-separated list of %s, each with an optional - for descending",
				quote(term), id, what)))
		}
		if slices.ContainsFunc(keys, func(o sortKey) bool { return o.name == k.name }) {
			return nil, data.InvalidParams(data.ParamError("sortby", fmt.Sprintf("%s is given twice", quote(k.name))))
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// natural reports whether keys are the order the store gives: by date.
func natural(keys []sortKey) bool {
	return len(keys) == 0 || (len(keys) == 1 && keys[0] == sortKey{name: "date"})
}

// sortedItems calls visit with the page of features of collection id that
// q selects in the order of keys.
func (o *ogcService) sortedItems(id string, q query, keys []sortKey, visit func([]byte) error) (data.Result, error) {
	limit, offset := q.filter.Limit, q.filter.Offset
	all := q
	all.filter.Limit, all.filter.Offset = 0, 0
	if len(keys) == 1 && keys[0] == (sortKey{"date", true}) {
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
	type row struct {
		values  []any
		feature []byte
	}
	var rows []row
	_, err := o.unsortedItems(id, all, func(b []byte) error {
		if len(rows) == maxSorted {
			return data.InvalidParams(data.ParamError("sortby", fmt.Sprintf("sorts at most %d features by anything but date; narrow the selection with bbox, datetime or filter", maxSorted)))
		}
		var f struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("a stored feature: %w", err)
		}
		r := row{values: make([]any, len(keys)), feature: bytes.Clone(b)}
		for i, k := range keys {
			if raw, ok := f.Properties[k.name]; ok {
				json.Unmarshal(raw, &r.values[i])
			}
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return data.Result{}, err
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		for i, k := range keys {
			if c := compareValues(a.values[i], b.values[i], k.desc); c != 0 {
				return c
			}
		}
		return 0
	})
	res := data.Result{Matched: len(rows)}
	for i := offset; i < len(rows) && (limit == 0 || res.Returned < limit); i++ {
		res.Returned++
		if err := visit(rows[i].feature); err != nil {
			return res, err
		}
	}
	return res, nil
}

// compareValues orders two decoded JSON values, desc reversing all but a
// missing value, which comes last either way.
func compareValues(a, b any, desc bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	c := 0
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			c = strings.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			switch {
			case x < y:
				c = -1
			case x > y:
				c = 1
			}
		}
	case bool:
		if y, ok := b.(bool); ok && x != y {
			c = 1
			if !x {
				c = -1
			}
		}
	}
	if desc {
		return -c
	}
	return c
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

// keepProperties returns feature with only the properties names, in that
// order, appended to dst.
func keepProperties(dst, feature []byte, names []string) ([]byte, error) {
	var f struct {
		Type       json.RawMessage            `json:"type"`
		ID         json.RawMessage            `json:"id"`
		Geometry   json.RawMessage            `json:"geometry"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(feature, &f); err != nil {
		return nil, fmt.Errorf("a stored feature: %w", err)
	}
	dst = append(dst, `{"type":"Feature","id":`...)
	dst = append(dst, f.ID...)
	dst = append(dst, `,"geometry":`...)
	if f.Geometry == nil {
		f.Geometry = json.RawMessage("null")
	}
	dst = append(dst, f.Geometry...)
	dst = append(dst, `,"properties":{`...)
	first := true
	for _, n := range names {
		v, ok := f.Properties[n]
		if !ok {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		k, _ := json.Marshal(n)
		dst = append(dst, k...)
		dst = append(dst, ':')
		dst = append(dst, v...)
	}
	return append(dst, "}}"...), nil
}
