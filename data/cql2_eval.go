package data

// One file on purpose: the evaluation of every CQL2 node kind, and Push, which
// must handle exactly the same kinds, live side by side so a new kind is added to both.

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
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
		return cmpInt(x, y), ok1 && ok2
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

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
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

// parseTemporal reads a date (YYYY-MM-DD) or, unless dateOnly, an RFC 3339
// timestamp, as the number of its day (its date as written).
func parseTemporal(s string, dateOnly bool) (int, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return dayNumber(t), true
	}
	if dateOnly {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	if err != nil {
		return 0, false
	}
	return dayNumber(t), true
}

// parsePeriod reads a property's value as the days it names: a date
// (YYYY-MM-DD, YYYY-MM or YYYY: all of that month or year) or a timestamp.
func parsePeriod(s string) ([2]int, bool) {
	if d, err := ParseDate(s); err == nil {
		switch {
		case d.Month == 0:
			return [2]int{dayNumber(time.Date(d.Year, 1, 1, 0, 0, 0, 0, time.UTC)), dayNumber(time.Date(d.Year, 12, 31, 0, 0, 0, 0, time.UTC))}, true
		case d.Day == 0:
			first := time.Date(d.Year, time.Month(d.Month), 1, 0, 0, 0, 0, time.UTC)
			return [2]int{dayNumber(first), dayNumber(first.AddDate(0, 1, -1))}, true
		}
		day := dayNumber(time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC))
		return [2]int{day, day}, true
	}
	if day, ok := parseTemporal(s, false); ok {
		return [2]int{day, day}, true
	}
	return [2]int{}, false
}

// dayNumber numbers t's date as written: days since 1970-01-01.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayKey is the date key (YYYYMMDD) of a day number.
func dayKeyOf(day int) uint32 {
	y, m, d := time.Unix(int64(day)*86400, 0).UTC().Date()
	if y < 1 {
		return 0
	}
	return uint32(min(y, 9999)*10000 + int(m)*100 + d)
}

func periodOf(n node, f *CQL2Feature) ([2]int, bool) {
	switch v := value(n, f).(type) {
	case dateLit:
		return [2]int{v.day, v.day}, true
	case timeLit:
		return [2]int{v.day, v.day}, true
	case interval:
		return [2]int{v.from, v.to}, true
	case string:
		return parsePeriod(v)
	}
	return [2]int{}, false
}

// temporal is a temporal function of CQL2 on closed intervals of days.
func temporal(op string, a, b [2]int) bool {
	switch op {
	case "t_after":
		return a[0] > b[1]
	case "t_before":
		return a[1] < b[0]
	case "t_contains":
		return a[0] < b[0] && a[1] > b[1]
	case "t_disjoint":
		return a[0] > b[1] || a[1] < b[0]
	case "t_during":
		return a[0] > b[0] && a[1] < b[1]
	case "t_equals":
		return a == b
	case "t_finishedby":
		return a[0] < b[0] && a[1] == b[1]
	case "t_finishes":
		return a[0] > b[0] && a[1] == b[1]
	case "t_meets":
		return a[1] == b[0] && a[0] < b[0]
	case "t_metby":
		return a[0] == b[1] && a[1] > b[1]
	case "t_overlappedby":
		return a[0] > b[0] && a[0] < b[1] && a[1] > b[1]
	case "t_overlaps":
		return a[0] < b[0] && a[1] > b[0] && a[1] < b[1]
	case "t_startedby":
		return a[0] == b[0] && a[1] > b[1]
	case "t_starts":
		return a[0] == b[0] && a[1] < b[1]
	}
	return a[0] <= b[1] && a[1] >= b[0] // t_intersects
}

func geometryOf(n node, f *CQL2Feature) (orb.Geometry, bool) {
	if g, ok := value(n, f).(geomLit); ok && g.g != nil {
		return g.g, true
	}
	return nil, false
}

// intersects reports whether two geometries share a point.
func intersects(a, b orb.Geometry) bool {
	pa, la, ra := parts(a)
	pb, lb, rb := parts(b)
	for _, p := range pa {
		if pointMeets(p, pb, lb, rb) {
			return true
		}
	}
	for _, p := range pb {
		if pointMeets(p, pa, la, ra) {
			return true
		}
	}
	for _, l := range la {
		for _, m := range lb {
			if linesCross(l, m) {
				return true
			}
		}
		for _, poly := range rb {
			if lineMeetsPolygon(l, poly) {
				return true
			}
		}
	}
	for _, l := range lb {
		for _, poly := range ra {
			if lineMeetsPolygon(l, poly) {
				return true
			}
		}
	}
	for _, p := range ra {
		for _, q := range rb {
			if polygonsMeet(p, q) {
				return true
			}
		}
	}
	return false
}

// parts takes a geometry apart into points, lines and polygons.
func parts(g orb.Geometry) ([]orb.Point, []orb.LineString, []orb.Polygon) {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}, nil, nil
	case orb.MultiPoint:
		return g, nil, nil
	case orb.LineString:
		return nil, []orb.LineString{g}, nil
	case orb.MultiLineString:
		return nil, g, nil
	case orb.Polygon:
		return nil, nil, []orb.Polygon{g}
	case orb.MultiPolygon:
		return nil, nil, g
	case orb.Bound:
		return nil, nil, []orb.Polygon{g.ToPolygon()}
	case orb.Ring:
		return nil, nil, []orb.Polygon{{g}}
	}
	return nil, nil, nil
}

func pointMeets(p orb.Point, points []orb.Point, lines []orb.LineString, polys []orb.Polygon) bool {
	for _, q := range points {
		if p == q {
			return true
		}
	}
	for _, l := range lines {
		if onLine(p, l) {
			return true
		}
	}
	for _, poly := range polys {
		if inPolygon(p, poly) {
			return true
		}
	}
	return false
}

// inPolygon: inside the outer ring or on its edge, not inside a hole.
func inPolygon(p orb.Point, poly orb.Polygon) bool {
	if len(poly) == 0 {
		return false
	}
	for _, r := range poly {
		if onLine(p, orb.LineString(r)) {
			return true
		}
	}
	return planar.PolygonContains(poly, p)
}

func onLine(p orb.Point, l orb.LineString) bool {
	if len(l) == 1 {
		return l[0] == p
	}
	for i := 1; i < len(l); i++ {
		if onSegment(p, l[i-1], l[i]) {
			return true
		}
	}
	return false
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

func onSegment(p, a, b orb.Point) bool {
	const eps = 1e-12
	if math.Abs(cross(a, b, p)) > eps*math.Max(1, math.Hypot(b[0]-a[0], b[1]-a[1])) {
		return false
	}
	return p[0] >= math.Min(a[0], b[0])-eps && p[0] <= math.Max(a[0], b[0])+eps &&
		p[1] >= math.Min(a[1], b[1])-eps && p[1] <= math.Max(a[1], b[1])+eps
}

func segmentsCross(a, b, c, d orb.Point) bool {
	d1, d2 := cross(c, d, a), cross(c, d, b)
	d3, d4 := cross(a, b, c), cross(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return onSegment(a, c, d) || onSegment(b, c, d) || onSegment(c, a, b) || onSegment(d, a, b)
}

func linesCross(l, m orb.LineString) bool {
	if len(l) == 1 {
		return onLine(l[0], m)
	}
	if len(m) == 1 {
		return onLine(m[0], l)
	}
	if !l.Bound().Intersects(m.Bound()) {
		return false
	}
	for i := 1; i < len(l); i++ {
		for j := 1; j < len(m); j++ {
			if segmentsCross(l[i-1], l[i], m[j-1], m[j]) {
				return true
			}
		}
	}
	return false
}

func lineMeetsPolygon(l orb.LineString, poly orb.Polygon) bool {
	for _, p := range l {
		if inPolygon(p, poly) {
			return true
		}
	}
	for _, r := range poly {
		if linesCross(l, orb.LineString(r)) {
			return true
		}
	}
	return false
}

func polygonsMeet(p, q orb.Polygon) bool {
	if len(p) == 0 || len(q) == 0 {
		return false
	}
	for _, r := range p {
		if lineMeetsPolygon(orb.LineString(r), q) {
			return true
		}
	}
	for _, r := range q {
		if lineMeetsPolygon(orb.LineString(r), p) {
			return true
		}
	}
	return false
}

// Push narrows f with what of the filter the index can select (the
// conjuncts on type, direction, sector, date and the geometry's box at the
// top of the filter) and reports whether f now selects exactly what the
// filter does: then it need not be evaluated on each incident. Push only
// narrows: with Match it selects the same incidents as without.
func (x *CQL2) Push(f *Filter) (exact bool) {
	conj := []node{x.root}
	if b, ok := x.root.(boolOp); ok && b.and {
		conj = b.args
	}
	exact = true
	for _, c := range conj {
		if !push(c, f) {
			exact = false
		}
	}
	return exact
}

// flipped is the comparison with its operands swapped.
var flipped = map[string]string{"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

func push(n node, f *Filter) bool {
	switch n := n.(type) {
	case cmpOp:
		p, lit, op := n.l, n.r, n.op
		if _, ok := p.(property); !ok {
			p, lit, op = n.r, n.l, flipped[n.op]
		}
		prop, ok := p.(property)
		s, isStr := lit.(strLit)
		if !ok || !isStr {
			return false
		}
		if prop.name == "date" {
			return pushDate(op, string(s), f)
		}
		if op != "=" {
			return false
		}
		return pushEnum(prop.name, []string{string(s)}, f)
	case inOp:
		prop, ok := n.x.(property)
		if !ok {
			return false
		}
		var values []string
		for _, e := range n.list {
			s, ok := e.(strLit)
			if !ok {
				return false
			}
			values = append(values, string(s))
		}
		return pushEnum(prop.name, values, f)
	case spatialOp:
		p, lit := n.l, n.r
		if _, ok := p.(property); !ok {
			p, lit = n.r, n.l
		}
		prop, ok1 := p.(property)
		g, ok2 := lit.(geomLit)
		if !ok1 || !ok2 || prop.name != "geometry" {
			return false
		}
		b := g.g.Bound()
		if _, isMulti := g.g.(orb.MultiPolygon); isMulti && b.Max[0]-b.Min[0] >= 360 {
			return false // a box across the antimeridian
		}
		if f.BBox != nil {
			b = orb.Bound{Min: orb.Point{math.Max(b.Min[0], f.BBox.Min[0]), math.Max(b.Min[1], f.BBox.Min[1])},
				Max: orb.Point{math.Min(b.Max[0], f.BBox.Max[0]), math.Min(b.Max[1], f.BBox.Max[1])}}
		}
		f.BBox = &b
		_, isBox := g.g.(orb.Bound)
		return isBox // the incidents are points: in the box is intersecting it
	case temporalOp:
		prop, ok := n.l.(property)
		if !ok || prop.name != "date" {
			return false
		}
		var iv [2]int
		switch v := n.r.(type) {
		case dateLit:
			iv = [2]int{v.day, v.day}
		case timeLit:
			iv = [2]int{v.day, v.day}
		case interval:
			iv = [2]int{v.from, v.to}
		default:
			return false
		}
		switch n.op {
		case "t_intersects":
			if iv[0] != minDay {
				k := dayKeyOf(iv[0])
				f.From, f.Since = max(f.From, k/10000*10000), max(f.Since, k)
			}
			if iv[1] != maxDay {
				f.To = minKey(f.To, dayKeyOf(iv[1]))
			}
			return true
		case "t_after":
			if iv[1] == maxDay {
				return false
			}
			f.From = max(f.From, dayKeyOf(iv[1])+1)
			return true
		case "t_before":
			if iv[0] != minDay {
				f.To = minKey(f.To, dayKeyOf(iv[0])-1)
			}
			return false // a month or a year may end after the start
		}
	}
	return false
}

// minKey is the smaller of two To bounds, 0 being open.
func minKey(a, b uint32) uint32 {
	if a == 0 {
		return b
	}
	return min(a, b)
}

// pushDate narrows f with date op s, where s is a date as the incidents
// write them: their text orders as their keys do.
func pushDate(op, s string, f *Filter) bool {
	d, err := ParseDate(s)
	if err != nil || d.String() != s {
		return false
	}
	k := d.Key()
	switch op {
	case "=":
		f.From, f.To = max(f.From, k), minKey(f.To, k)
	case ">":
		f.From = max(f.From, k+1)
	case ">=":
		f.From = max(f.From, k)
	case "<":
		f.To = minKey(f.To, k-1)
	case "<=":
		f.To = minKey(f.To, k)
	default:
		return false
	}
	if f.To != 0 && f.From > f.To {
		f.From, f.To = math.MaxUint32, 1 // nothing
	}
	return true
}

// pushEnum narrows f's list of types, directions or sectors to values.
func pushEnum(name string, values []string, f *Filter) bool {
	switch name {
	case "type":
		return narrow(&f.Types, Types, values)
	case "direction":
		return narrow(&f.Directions, Directions, values)
	case "sector":
		return narrow(&f.Sectors, sectors, values)
	}
	return false
}

func narrow[T ~string](list *[]T, valid []T, values []string) bool {
	var keep []T
	for _, v := range values {
		t := T(v)
		if !contains(valid, t) {
			continue // matches nothing
		}
		if (*list == nil || contains(*list, t)) && !contains(keep, t) {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		return false // nothing matches: leave it to the evaluation
	}
	*list = keep
	return true
}
