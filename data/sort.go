package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Sorting features by their properties, and keeping some of their
// properties: OGC API – Features' sortby and properties (Part 5 and Part 6
// drafts).

// MaxSorted is the most features SortedPage sorts: each is read and
// decoded first.
const MaxSorted = 100_000

// SortKey is one term of a sort: a property and its direction.
type SortKey struct {
	Name string
	Desc bool
}

// SortedPage calls visit with the page (offset, then at most limit; 0 for
// no limit) of the features scan yields, sorted by keys; features equal
// by every key keep scan's order, and a missing value sorts last either
// way. More than MaxSorted features are refused as an error of the
// parameter sortby.
func SortedPage(scan func(visit func([]byte) error) error, keys []SortKey, limit, offset int, visit func([]byte) error) (Result, error) {
	type row struct {
		values  []any
		feature []byte
	}
	var rows []row
	err := scan(func(b []byte) error {
		if len(rows) == MaxSorted {
			return InvalidParams(ParamError("sortby", fmt.Sprintf("sorts at most %d features by anything but date; narrow the selection with bbox, datetime or filter", MaxSorted)))
		}
		var f struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("a stored feature: %w", err)
		}
		r := row{values: make([]any, len(keys)), feature: bytes.Clone(b)}
		for i, k := range keys {
			if raw, ok := f.Properties[k.Name]; ok {
				json.Unmarshal(raw, &r.values[i])
			}
		}
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		for i, k := range keys {
			if c := compareValues(a.values[i], b.values[i], k.Desc); c != 0 {
				return c
			}
		}
		return 0
	})
	res := Result{Matched: len(rows)}
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

// KeepProperties returns feature with only the properties names, in that
// order, appended to dst.
func KeepProperties(dst, feature []byte, names []string) ([]byte, error) {
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
