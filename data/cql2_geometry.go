package data

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// geometry reads a geometry literal after its word, from its "(".
func (p *textParser) geometry(word string) (orb.Geometry, error) {
	p.next() // (
	if word == "bbox" {
		var c []float64
		for {
			t := p.next()
			if t.kind != tNumber {
				return nil, p.errAt(t, "expected a number in BBOX, found %s", t.show())
			}
			f, _ := strconv.ParseFloat(t.text, 64)
			c = append(c, f)
			if !p.comma() {
				break
			}
		}
		if len(c) == 6 {
			c = []float64{c[0], c[1], c[3], c[4]}
		}
		if len(c) != 4 {
			return nil, p.errAt(p.peek(), "BBOX has %d numbers: expected 4 (west, south, east, north) or 6", len(c))
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		if c[1] > c[3] {
			return nil, p.errAt(p.peek(), "BBOX's south edge %g is above its north edge %g", c[1], c[3])
		}
		if c[0] > c[2] { // across the antimeridian
			return orb.MultiPolygon{orb.Bound{Min: orb.Point{c[0], c[1]}, Max: orb.Point{180, c[3]}}.ToPolygon(),
				orb.Bound{Min: orb.Point{-180, c[1]}, Max: orb.Point{c[2], c[3]}}.ToPolygon()}, nil
		}
		return orb.Bound{Min: orb.Point{c[0], c[1]}, Max: orb.Point{c[2], c[3]}}, nil
	}
	// point: x y; a list of them: (…); nesting per type.
	levels := map[string]int{"point": 0, "linestring": 1, "multipoint": 1, "polygon": 2, "multilinestring": 2, "multipolygon": 3}[word]
	var read func(level int, opened bool) (any, error)
	read = func(level int, opened bool) (any, error) {
		if level == 0 {
			var pt orb.Point
			for i := range 2 {
				t := p.next()
				if t.kind != tNumber {
					return nil, p.errAt(t, "expected a coordinate, found %s", t.show())
				}
				pt[i], _ = strconv.ParseFloat(t.text, 64)
			}
			if n := p.peek(); n.kind == tNumber { // a height, ignored
				p.next()
			}
			return pt, nil
		}
		if !opened {
			if err := p.expect("("); err != nil {
				return nil, err
			}
		}
		var items []any
		for {
			var it any
			var err error
			// MULTIPOINT takes its points with or without parentheses.
			if level == 1 && word == "multipoint" && p.peek().kind == tPunct && p.peek().text == "(" {
				p.next()
				it, err = read(0, false)
				if err == nil {
					err = p.expect(")")
				}
			} else {
				it, err = read(level-1, false)
			}
			if err != nil {
				return nil, err
			}
			items = append(items, it)
			if !p.comma() {
				break
			}
		}
		return items, p.expect(")")
	}
	v, err := read(levels, levels > 0)
	if err != nil {
		return nil, err
	}
	if levels == 0 {
		if err := p.expect(")"); err != nil {
			return nil, err
		}
	}
	return buildGeometry(word, v), nil
}

func buildGeometry(word string, v any) orb.Geometry {
	points := func(v any) []orb.Point {
		var out []orb.Point
		for _, x := range v.([]any) {
			out = append(out, x.(orb.Point))
		}
		return out
	}
	lines := func(v any) []orb.LineString {
		var out []orb.LineString
		for _, x := range v.([]any) {
			out = append(out, orb.LineString(points(x)))
		}
		return out
	}
	polygon := func(v any) orb.Polygon {
		var out orb.Polygon
		for _, l := range lines(v) {
			out = append(out, orb.Ring(l))
		}
		return out
	}
	switch word {
	case "point":
		return v.(orb.Point)
	case "linestring":
		return orb.LineString(points(v))
	case "multipoint":
		return orb.MultiPoint(points(v))
	case "polygon":
		return polygon(v)
	case "multilinestring":
		return orb.MultiLineString(lines(v))
	}
	var mp orb.MultiPolygon
	for _, x := range v.([]any) {
		mp = append(mp, polygon(x))
	}
	return mp
}

func jsonGeometry(typ string, coords any) (orb.Geometry, error) {
	levels, ok := map[string]int{"Point": 0, "LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}[typ]
	if !ok {
		return nil, fmt.Errorf("%q is not a geometry type: expected Point, LineString, Polygon, MultiPoint, MultiLineString or MultiPolygon", typ)
	}
	var conv func(v any, level int) (any, error)
	conv = func(v any, level int) (any, error) {
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("the coordinates of a %s are not nested arrays", typ)
		}
		if level == 0 {
			if len(list) < 2 {
				return nil, fmt.Errorf("a position has %d numbers, not 2 or 3", len(list))
			}
			var pt orb.Point
			for i := range 2 {
				n, ok := list[i].(json.Number)
				f, err := n.Float64()
				if !ok || err != nil {
					return nil, fmt.Errorf("a coordinate is not a number")
				}
				pt[i] = f
			}
			return pt, nil
		}
		out := make([]any, 0, len(list))
		for _, x := range list {
			c, err := conv(x, level-1)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("a %s has an empty list of coordinates", typ)
		}
		return out, nil
	}
	v, err := conv(coords, levels)
	if err != nil {
		return nil, err
	}
	return buildGeometry(strings.ToLower(typ), v), nil
}
