package data

import (
	"strings"
	"testing"
)

// FuzzParseCQL2 feeds both encodings arbitrary text: a parser may refuse
// it, never panic, and a filter it takes must evaluate and push without
// panicking, with an error position that names a place in the input.
func FuzzParseCQL2(f *testing.F) {
	for _, s := range []string{
		"type = 'crossing' AND date >= '2017-01-01'",
		"NOT (sector IN ('western','eastern')) OR title LIKE '%JSA\\%%'",
		"S_INTERSECTS(geometry, POLYGON((126 37, 127 37, 127 38, 126 38, 126 37)))",
		"S_INTERSECTS(geometry, MULTIPOINT(1 2, (3 4)))",
		"T_INTERSECTS(date, INTERVAL('2017-01-01', '..')) AND year BETWEEN 1 AND 2e3",
		"note IS NOT NULL AND in_dmz = TRUE",
		`{"op":"and","args":[{"op":"=","args":[{"property":"type"},"crossing"]},{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[1,2,3,4]}]}]}`,
		`{"op":"t_before","args":[{"property":"date"},{"interval":["..",{"date":"2017-01-01"}]}]}`,
	} {
		f.Add(s)
	}
	sample := cqlSample()
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (*CQL2, error){ParseCQL2Text, func(s string) (*CQL2, error) { return ParseCQL2JSON([]byte(s)) }} {
			x, err := parse(s)
			if err != nil {
				ce, ok := err.(*CQL2Error)
				if !ok || ce.Message == "" || !(strings.HasPrefix(ce.Pos, "character ") || strings.HasPrefix(ce.Pos, "byte ") || strings.HasPrefix(ce.Pos, "/")) {
					t.Fatalf("%q: error %v is not a CQL2Error with a position", s, err)
				}
				continue
			}
			x.Match(sample)
			x.Properties()
			var fl Filter
			x.Push(&fl)
		}
	})
}
