package data

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// TestSortedPageOrdersByEachKeyWithMissingValuesLast sorts features by
// one key and then another, in both directions, and pages the result.
func TestSortedPageOrdersByEachKeyWithMissingValuesLast(t *testing.T) {
	features := []string{
		`{"id":"a","properties":{"type":"shooting","year":1968}}`,
		`{"id":"b","properties":{"type":"crossing","year":2017}}`,
		`{"id":"c","properties":{"type":"crossing"}}`,
		`{"id":"d","properties":{"type":"shooting","year":1968}}`,
		`{"id":"e","properties":{"type":"crossing","year":1998}}`,
	}
	scan := func(visit func([]byte) error) error {
		for _, f := range features {
			if err := visit([]byte(f)); err != nil {
				return err
			}
		}
		return nil
	}
	ids := func(keys []SortKey, limit, offset int) ([]string, Result) {
		t.Helper()
		var out []string
		res, err := SortedPage(scan, keys, limit, offset, func(b []byte) error {
			out = append(out, string(b[7:8]))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out, res
	}
	for _, c := range []struct {
		keys          []SortKey
		limit, offset int
		want          []string
	}{
		{[]SortKey{{Name: "year"}}, 0, 0, []string{"a", "d", "e", "b", "c"}},             // ties keep the scan's order; missing last
		{[]SortKey{{Name: "year", Desc: true}}, 0, 0, []string{"b", "e", "a", "d", "c"}}, // missing last descending too
		{[]SortKey{{Name: "type"}, {Name: "year", Desc: true}}, 0, 0, []string{"b", "e", "c", "a", "d"}},
		{[]SortKey{{Name: "year"}}, 2, 1, []string{"d", "e"}},
		{[]SortKey{{Name: "year"}}, 0, 9, nil},
	} {
		got, res := ids(c.keys, c.limit, c.offset)
		if !slices.Equal(got, c.want) || res.Matched != 5 || res.Returned != len(c.want) {
			t.Errorf("%+v, limit %d, offset %d: %v (%+v), want %v", c.keys, c.limit, c.offset, got, res, c.want)
		}
	}
}

// TestSortedPageRefusesMoreThanMaxSorted: past MaxSorted features the
// sort is refused as an error of sortby, not run.
func TestSortedPageRefusesMoreThanMaxSorted(t *testing.T) {
	f := []byte(`{"properties":{"year":1}}`)
	scan := func(visit func([]byte) error) error {
		for range MaxSorted + 1 {
			if err := visit(f); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := SortedPage(scan, []SortKey{{Name: "year"}}, 10, 0, func([]byte) error { return nil })
	var de *Error
	if !errors.As(err, &de) || de.Kind != KindInvalid || len(de.Fields) != 1 || de.Fields[0].Parameter != "sortby" {
		t.Fatalf("SortedPage of %d features: %v, want an invalid sortby", MaxSorted+1, fmt.Sprint(err))
	}
}
