package data

// The evaluation of a CQL2 filter on a feature; the temporal functions are in
// cql2_temporal.go, S_INTERSECTS in cql2_spatial.go, and Push, which narrows a
// Filter with what of a filter the index can select, in cql2_push.go: a new
// node kind is added to eval and, where the index can select it, to push.

import (
	"cmp"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// CQL2Feature is what a filter reads of a feature: its geometry (the
// property "geometry" of a filter) and its properties as decoded JSON
// values (string, float64, bool, nil, []any, map[string]any).
type CQL2Feature struct {
	Geometry   orb.Geometry
	Properties map[string]any
}

// tri is a truth value of SQL's three-valued logic: a comparison with a
// missing value is unknown, and only true selects.
type tri int8

const (
	tFalse tri = iota
	tTrue
	tUnknown
)

func triOf(b bool) tri {
	if b {
		return tTrue
	}
	return tFalse
}

// Match reports whether the filter selects f.
//
// Strings compare as strings (so a date property compares with '2017-01-01'
// as its text, which orders as its date: 1965 < 1965-06 < 1965-06-15),
// numbers as numbers; a date or timestamp literal compares with the first
// day of the period a date property names. The temporal functions take a
// date property as that period (1965 is all of 1965), a timestamp as its
// date, DATE and TIMESTAMP as one day and INTERVAL as the days from one
// end to the other.
func (x *CQL2) Match(f CQL2Feature) bool { return eval(x.root, &f) == tTrue }

func eval(n node, f *CQL2Feature) tri {
	switch n := n.(type) {
	case boolLit:
		return triOf(bool(n))
	case boolOp:
		out := triOf(n.and)
		for _, a := range n.args {
			v := eval(a, f)
			switch {
			case n.and && v == tFalse, !n.and && v == tTrue:
				return v
			case v == tUnknown:
				out = tUnknown
			}
		}
		return out
	case notOp:
		switch v := eval(n.arg, f); v {
		case tTrue:
			return tFalse
		case tFalse:
			return tTrue
		}
		return tUnknown
	case isNullOp:
		return triOf(value(n.x, f) == nil)
	case cmpOp:
		c, ok := compare(value(n.l, f), value(n.r, f))
		if !ok {
			return tUnknown
		}
		switch n.op {
		case "=":
			return triOf(c == 0)
		case "<>":
			return triOf(c != 0)
		case "<":
			return triOf(c < 0)
		case "<=":
			return triOf(c <= 0)
		case ">":
			return triOf(c > 0)
		}
		return triOf(c >= 0)
	case likeOp:
		s, ok1 := value(n.l, f).(string)
		p, ok2 := value(n.pattern, f).(string)
		if !ok1 || !ok2 {
			return tUnknown
		}
		return triOf(like(s, p))
	case betweenOp:
		x := value(n.x, f)
		lo, ok1 := compare(x, value(n.lo, f))
		hi, ok2 := compare(x, value(n.hi, f))
		if !ok1 || !ok2 {
			return tUnknown
		}
		return triOf(lo >= 0 && hi <= 0)
	case inOp:
		x := value(n.x, f)
		out := tFalse
		for _, e := range n.list {
			c, ok := compare(x, value(e, f))
			if !ok {
				out = tUnknown
			} else if c == 0 {
				return tTrue
			}
		}
		return out
	case spatialOp:
		a, ok1 := geometryOf(n.l, f)
		b, ok2 := geometryOf(n.r, f)
		if !ok1 || !ok2 {
			return tUnknown
		}
		return triOf(intersects(a, b))
	case temporalOp:
		a, ok1 := periodOf(n.l, f)
		b, ok2 := periodOf(n.r, f)
		if !ok1 || !ok2 {
			return tUnknown
		}
		return triOf(temporal(n.op, a, b))
	}
	return tUnknown
}

// value is an operand's value: a property's decoded JSON value, or a
// literal.
func value(n node, f *CQL2Feature) any {
	switch n := n.(type) {
	case property:
		if n.name == "geometry" {
			if f.Geometry == nil {
				return nil
			}
			return geomLit{f.Geometry}
		}
		return f.Properties[n.name]
	case strLit:
		return string(n)
	case numLit:
		return float64(n)
	case boolLit:
		return bool(n)
	}
	return n
}

// compare orders two values: -1, 0 or 1, and false when they cannot be
// compared (a missing value, or values of different kinds).
func compare(a, b any) (int, bool) {
	if a == nil || b == nil {
		return 0, false
	}
	day := func(v any) (int, bool) {
		switch v := v.(type) {
		case dateLit:
			return v.day, true
		case timeLit:
			return v.day, true
		case string:
			p, ok := parsePeriod(v)
			return p[0], ok
		}
		return 0, false
	}
	_, aDay := a.(dateLit)
	_, aTime := a.(timeLit)
	_, bDay := b.(dateLit)
	_, bTime := b.(timeLit)
	if aDay || aTime || bDay || bTime {
		x, ok1 := day(a)
		y, ok2 := day(b)
		return cmp.Compare(x, y), ok1 && ok2
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case float64:
		if y, ok := b.(float64); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, x == y // NaN compares with nothing
		}
	case bool:
		if y, ok := b.(bool); ok {
			if x == y {
				return 0, true
			}
			return 1, true // only = and <> mean anything for booleans
		}
	}
	return 0, false
}

// like matches s against a LIKE pattern: % any run of characters, _ one
// character, \ escapes the next one. It backtracks only to the last %, so
// it takes at most len(s)·len(p) steps.
func like(s, p string) bool {
	const (
		lit = iota
		one
		any
	)
	type elem struct {
		kind int
		r    rune
	}
	var pat []elem
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		switch r {
		case '%':
			if len(pat) == 0 || pat[len(pat)-1].kind != any {
				pat = append(pat, elem{kind: any})
			}
		case '_':
			pat = append(pat, elem{kind: one})
		case '\\':
			if i < len(p) {
				r, n = utf8.DecodeRuneInString(p[i:])
				i += n
			}
			pat = append(pat, elem{lit, r})
		default:
			pat = append(pat, elem{lit, r})
		}
	}
	text := []rune(s)
	ti, pi, star, mark := 0, 0, -1, 0
	for ti < len(text) {
		switch {
		case pi < len(pat) && (pat[pi].kind == one || (pat[pi].kind == lit && pat[pi].r == text[ti])):
			ti, pi = ti+1, pi+1
		case pi < len(pat) && pat[pi].kind == any:
			star, mark = pi, ti
			pi++
		case star >= 0:
			mark++
			ti, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi].kind == any {
		pi++
	}
	return pi == len(pat)
}
