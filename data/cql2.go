package data

// One file on purpose: the CQL2 text and JSON parsers build one syntax tree and
// share its node types and error positions; cql2_eval.go evaluates the tree.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// CQL2 filters (OGC Common Query Language, 21-065r2): Basic CQL2
// (comparisons, AND, OR, NOT, IS NULL), the advanced comparison operators
// (LIKE, BETWEEN, IN), S_INTERSECTS with points, lines, polygons, their
// multi forms and BBOX, and the temporal functions, in the text encoding
// and the JSON encoding. The evaluator is in cql2_eval.go.

// Limits of a filter, against hostile input.
const (
	maxCQL2Len   = 16 << 10
	maxCQL2Depth = 64
)

// CQL2Error is a filter that does not parse: Pos is the position of the
// error, the 1-based character of a cql2-text filter or the JSON pointer of
// the member of a cql2-json one.
type CQL2Error struct {
	Pos     string
	Message string
}

func (e *CQL2Error) Error() string { return e.Pos + ": " + e.Message }

// CQL2 is a parsed filter.
type CQL2 struct {
	root node
}

// node is a boolean expression or an operand.
type node interface{}

type (
	boolOp struct { // and, or
		and  bool
		args []node
	}
	notOp struct{ arg node }
	cmpOp struct {
		op   string
		l, r node
	} // = <> < <= > >=
	likeOp    struct{ l, pattern node }
	betweenOp struct{ x, lo, hi node }
	inOp      struct {
		x    node
		list []node
	}
	isNullOp  struct{ x node }
	spatialOp struct {
		op   string // s_intersects
		l, r node
	}
	temporalOp struct {
		op   string // t_intersects, t_before, …
		l, r node
	}
	property struct{ name string }
	// Literals.
	strLit   string
	numLit   float64
	boolLit  bool
	dateLit  struct{ day int } // days since 0000-03-01, see dayNumber
	timeLit  struct{ day int } // a timestamp, as its date
	interval struct{ from, to int }
	geomLit  struct{ g orb.Geometry }
)

// Open ends of an interval, in days.
const (
	minDay = math.MinInt32
	maxDay = math.MaxInt32
)

// spatialOps and temporalOps are the functions a filter may call.
var (
	spatialOps  = []string{"s_intersects"}
	temporalOps = []string{"t_after", "t_before", "t_contains", "t_disjoint", "t_during", "t_equals", "t_finishedby",
		"t_finishes", "t_intersects", "t_meets", "t_metby", "t_overlappedby", "t_overlaps", "t_startedby", "t_starts"}
)

// Properties returns the names of the properties the filter reads, each once.
func (x *CQL2) Properties() []string {
	var out []string
	var walk func(n node)
	walk = func(n node) {
		switch n := n.(type) {
		case property:
			for _, p := range out {
				if p == n.name {
					return
				}
			}
			out = append(out, n.name)
		case boolOp:
			for _, a := range n.args {
				walk(a)
			}
		case notOp:
			walk(n.arg)
		case cmpOp:
			walk(n.l)
			walk(n.r)
		case likeOp:
			walk(n.l)
			walk(n.pattern)
		case betweenOp:
			walk(n.x)
			walk(n.lo)
			walk(n.hi)
		case inOp:
			walk(n.x)
			for _, a := range n.list {
				walk(a)
			}
		case isNullOp:
			walk(n.x)
		case spatialOp:
			walk(n.l)
			walk(n.r)
		case temporalOp:
			walk(n.l)
			walk(n.r)
		}
	}
	walk(x.root)
	return out
}

// ParseCQL2Text parses a filter in the text encoding of CQL2.
func ParseCQL2Text(s string) (*CQL2, error) {
	if len(s) > maxCQL2Len {
		return nil, &CQL2Error{"character 1", fmt.Sprintf("the filter is %d bytes long; the limit is %d", len(s), maxCQL2Len)}
	}
	if !utf8.ValidString(s) {
		return nil, &CQL2Error{"character 1", "the filter is not valid UTF-8"}
	}
	toks, err := lexCQL2(s)
	if err != nil {
		return nil, err
	}
	p := &textParser{src: s, toks: toks}
	root, err := p.boolExpr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errAt(t, "expected AND, OR or the end of the filter, found %s", t.show())
	}
	return &CQL2{root}, nil
}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tQuoted // "name"
	tString
	tNumber
	tOp    // = <> < <= > >=
	tPunct // ( ) ,
)

type token struct {
	kind tokKind
	text string // the identifier, the string's value, the number or the operator
	pos  int    // byte offset
}

func (t token) show() string {
	switch t.kind {
	case tEOF:
		return "the end of the filter"
	case tString:
		return strconv.Quote(t.text)
	}
	return "'" + t.text + "'"
}

func (t token) is(word string) bool { return t.kind == tIdent && strings.EqualFold(t.text, word) }

func lexCQL2(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '\'' || r == '"':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					what := "string"
					if r == '"' {
						what = "quoted property name"
					}
					return nil, &CQL2Error{charPos(s, i), "the " + what + " is not closed"}
				}
				if s[j] == byte(r) {
					if j+1 < len(s) && s[j+1] == byte(r) { // '' in a string
						b.WriteByte(byte(r))
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			kind := tString
			if r == '"' {
				kind = tQuoted
			}
			toks = append(toks, token{kind, b.String(), i})
			i = j + 1
		case r == '(' || r == ')' || r == ',':
			toks = append(toks, token{tPunct, string(r), i})
			i++
		case r == '=':
			toks = append(toks, token{tOp, "=", i})
			i++
		case r == '<' || r == '>':
			op := string(r)
			if i+1 < len(s) && (s[i+1] == '=' || (r == '<' && s[i+1] == '>')) {
				op += string(s[i+1])
			}
			toks = append(toks, token{tOp, op, i})
			i += len(op)
		case r == '-' || r == '+' || r == '.' || (r >= '0' && r <= '9'):
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
				((s[j] == '-' || s[j] == '+') && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				j++
			}
			if _, err := strconv.ParseFloat(s[i:j], 64); err != nil {
				return nil, &CQL2Error{charPos(s, i), fmt.Sprintf("%q is not a number", s[i:j])}
			}
			toks = append(toks, token{tNumber, s[i:j], i})
			i = j
		case unicode.IsLetter(r) || r == '_':
			j := i + size
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !(unicode.IsLetter(r2) || unicode.IsDigit(r2) || r2 == '_' || r2 == ':' || r2 == '.') {
					break
				}
				j += n
			}
			toks = append(toks, token{tIdent, s[i:j], i})
			i = j
		default:
			return nil, &CQL2Error{charPos(s, i), fmt.Sprintf("unexpected character %q", r)}
		}
	}
	return append(toks, token{tEOF, "", len(s)}), nil
}

// charPos names the 1-based character at byte offset i of s.
func charPos(s string, i int) string {
	return "character " + strconv.Itoa(utf8.RuneCountInString(s[:min(i, len(s))])+1)
}

type textParser struct {
	src  string
	toks []token
	i    int
}

func (p *textParser) peek() token { return p.toks[p.i] }
func (p *textParser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *textParser) errAt(t token, format string, a ...any) error {
	return &CQL2Error{charPos(p.src, t.pos), fmt.Sprintf(format, a...)}
}

func (p *textParser) expect(punct string) error {
	if t := p.next(); t.kind != tPunct || t.text != punct {
		return p.errAt(t, "expected '%s', found %s", punct, t.show())
	}
	return nil
}

func (p *textParser) boolExpr(depth int) (node, error) {
	if depth > maxCQL2Depth {
		return nil, p.errAt(p.peek(), "the filter is nested more than %d deep", maxCQL2Depth)
	}
	return p.boolList(depth, false)
}

// boolList reads terms joined by OR (and false) or factors joined by AND.
func (p *textParser) boolList(depth int, and bool) (node, error) {
	read := func() (node, error) {
		if and {
			return p.boolFactor(depth)
		}
		return p.boolList(depth, true)
	}
	word := "OR"
	if and {
		word = "AND"
	}
	first, err := read()
	if err != nil {
		return nil, err
	}
	args := []node{first}
	for p.peek().is(word) {
		p.next()
		n, err := read()
		if err != nil {
			return nil, err
		}
		args = append(args, n)
	}
	if len(args) == 1 {
		return first, nil
	}
	return boolOp{and: and, args: args}, nil
}

func (p *textParser) boolFactor(depth int) (node, error) {
	if p.peek().is("NOT") {
		p.next()
		n, err := p.boolFactor(depth + 1)
		if err != nil {
			return nil, err
		}
		return notOp{n}, nil
	}
	t := p.peek()
	if t.kind == tPunct && t.text == "(" {
		// A parenthesised boolean expression, or an operand in
		// parentheses? Only the former is CQL2.
		p.next()
		n, err := p.boolExpr(depth + 1)
		if err != nil {
			return nil, err
		}
		return n, p.expect(")")
	}
	if t.is("TRUE") || t.is("FALSE") {
		// TRUE alone is a predicate; TRUE = x is a comparison.
		if nt := p.toks[p.i+1]; nt.kind != tOp && !nt.is("IS") && !nt.is("IN") && !nt.is("NOT") && !nt.is("LIKE") && !nt.is("BETWEEN") {
			p.next()
			return boolLit(t.is("TRUE")), nil
		}
	}
	if t.kind == tIdent && p.toks[p.i+1].kind == tPunct && p.toks[p.i+1].text == "(" {
		name := strings.ToLower(t.text)
		if contains(spatialOps, name) || contains(temporalOps, name) {
			p.next()
			p.next()
			l, err := p.operand(depth + 1)
			if err != nil {
				return nil, err
			}
			if err := p.expect(","); err != nil {
				return nil, err
			}
			r, err := p.operand(depth + 1)
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			if contains(spatialOps, name) {
				return spatialOp{name, l, r}, nil
			}
			return temporalOp{name, l, r}, nil
		}
	}
	return p.predicate(depth)
}

func (p *textParser) predicate(depth int) (node, error) {
	x, err := p.operand(depth + 1)
	if err != nil {
		return nil, err
	}
	t := p.next()
	not := false
	if t.is("NOT") {
		not, t = true, p.next()
	}
	wrap := func(n node) node {
		if not {
			return notOp{n}
		}
		return n
	}
	switch {
	case t.kind == tOp && !not:
		r, err := p.operand(depth + 1)
		if err != nil {
			return nil, err
		}
		return cmpOp{t.text, x, r}, nil
	case t.is("LIKE"):
		pat, err := p.operand(depth + 1)
		if err != nil {
			return nil, err
		}
		return wrap(likeOp{x, pat}), nil
	case t.is("BETWEEN"):
		lo, err := p.operand(depth + 1)
		if err != nil {
			return nil, err
		}
		if a := p.next(); !a.is("AND") {
			return nil, p.errAt(a, "expected AND in BETWEEN, found %s", a.show())
		}
		hi, err := p.operand(depth + 1)
		if err != nil {
			return nil, err
		}
		return wrap(betweenOp{x, lo, hi}), nil
	case t.is("IN"):
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var list []node
		for {
			v, err := p.operand(depth + 1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			if c := p.peek(); c.kind == tPunct && c.text == "," {
				p.next()
				continue
			}
			break
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return wrap(inOp{x, list}), nil
	case t.is("IS") && !not:
		isNot := false
		if p.peek().is("NOT") {
			p.next()
			isNot = true
		}
		if n := p.next(); !n.is("NULL") {
			return nil, p.errAt(n, "expected NULL after IS, found %s", n.show())
		}
		if isNot {
			return notOp{isNullOp{x}}, nil
		}
		return isNullOp{x}, nil
	}
	return nil, p.errAt(t, "expected a comparison (=, <>, <, <=, >, >=), LIKE, BETWEEN, IN or IS NULL, found %s", t.show())
}

var geometryWords = []string{"point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "bbox"}

// operand reads a property, a literal, a geometry, DATE(), TIMESTAMP() or
// INTERVAL().
func (p *textParser) operand(depth int) (node, error) {
	if depth > maxCQL2Depth {
		return nil, p.errAt(p.peek(), "the filter is nested more than %d deep", maxCQL2Depth)
	}
	t := p.next()
	switch t.kind {
	case tString:
		return strLit(t.text), nil
	case tNumber:
		f, _ := strconv.ParseFloat(t.text, 64)
		return numLit(f), nil
	case tQuoted:
		return property{t.text}, nil
	case tIdent:
		word := strings.ToLower(t.text)
		call := p.peek().kind == tPunct && p.peek().text == "("
		switch {
		case word == "true" || word == "false":
			return boolLit(word == "true"), nil
		case call && (word == "date" || word == "timestamp"):
			p.next()
			s := p.next()
			if s.kind != tString {
				return nil, p.errAt(s, "expected a quoted %s, found %s", strings.ToUpper(word), s.show())
			}
			day, ok := parseTemporal(s.text, word == "date")
			if !ok {
				return nil, p.errAt(s, "%s is not a %s", strconv.Quote(s.text), map[string]string{"date": "date like '2017-11-13'", "timestamp": "timestamp like '2017-11-13T10:00:00Z'"}[word])
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			if word == "date" {
				return dateLit{day}, nil
			}
			return timeLit{day}, nil
		case call && word == "interval":
			p.next()
			var ends [2]int
			for i := range ends {
				if i == 1 {
					if err := p.expect(","); err != nil {
						return nil, err
					}
				}
				s := p.next()
				if s.kind != tString {
					return nil, p.errAt(s, "expected a quoted date, timestamp or '..' in INTERVAL, found %s", s.show())
				}
				ends[i] = minDay
				if i == 1 {
					ends[i] = maxDay
				}
				if s.text != ".." {
					day, ok := parseTemporal(s.text, false)
					if !ok {
						return nil, p.errAt(s, "%s is not a date, a timestamp or '..'", strconv.Quote(s.text))
					}
					ends[i] = day
				}
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			if ends[0] > ends[1] {
				return nil, p.errAt(t, "the interval starts after it ends")
			}
			return interval{ends[0], ends[1]}, nil
		case call && contains(geometryWords, word):
			g, err := p.geometry(word)
			if err != nil {
				return nil, err
			}
			return geomLit{g}, nil
		case call:
			return nil, p.errAt(t, "%s is not a function of this service: the functions are S_INTERSECTS, %s, and the literals DATE, TIMESTAMP, INTERVAL, POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON and BBOX",
				t.show(), strings.ToUpper(strings.Join(temporalOps, ", ")))
		case contains([]string{"and", "or", "not", "like", "between", "in", "is", "null"}, word):
			return nil, p.errAt(t, "expected a property or a value, found the keyword %s", strings.ToUpper(t.text))
		}
		return property{t.text}, nil
	}
	return nil, p.errAt(t, "expected a property or a value, found %s", t.show())
}

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
			if n := p.peek(); n.kind == tPunct && n.text == "," {
				p.next()
				continue
			}
			break
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
			if n := p.peek(); n.kind == tPunct && n.text == "," {
				p.next()
				continue
			}
			break
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

// ParseCQL2JSON parses a filter in the JSON encoding of CQL2.
func ParseCQL2JSON(b []byte) (*CQL2, error) {
	if len(b) > maxCQL2Len {
		return nil, &CQL2Error{"/", fmt.Sprintf("the filter is %d bytes long; the limit is %d", len(b), maxCQL2Len)}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		pos := "byte " + strconv.FormatInt(dec.InputOffset()+1, 10)
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			pos = "byte " + strconv.FormatInt(se.Offset, 10)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			pos = "byte " + strconv.Itoa(len(b)+1)
			err = errors.New("it ends early")
		}
		return nil, &CQL2Error{pos, "the filter is not JSON: " + err.Error()}
	}
	if dec.More() {
		return nil, &CQL2Error{"byte " + strconv.FormatInt(dec.InputOffset()+1, 10), "the filter has more than one JSON value"}
	}
	root, err := jsonBool(v, "", 0)
	if err != nil {
		return nil, err
	}
	return &CQL2{root}, nil
}

func jsonErr(ptr, format string, a ...any) error {
	if ptr == "" {
		ptr = "/"
	}
	return &CQL2Error{ptr, fmt.Sprintf(format, a...)}
}

func jsonBool(v any, ptr string, depth int) (node, error) {
	if depth > maxCQL2Depth {
		return nil, jsonErr(ptr, "the filter is nested more than %d deep", maxCQL2Depth)
	}
	if b, ok := v.(bool); ok {
		return boolLit(b), nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, jsonErr(ptr, "expected an object with op and args, or true or false")
	}
	op, _ := m["op"].(string)
	args, isList := m["args"].([]any)
	if op == "" || !isList {
		return nil, jsonErr(ptr, "expected an object with op (a string) and args (an array)")
	}
	argPtr := func(i int) string { return ptr + "/args/" + strconv.Itoa(i) }
	want := func(n int) error {
		if len(args) != n {
			return jsonErr(ptr+"/args", "%s takes %d arguments, not %d", op, n, len(args))
		}
		return nil
	}
	operands := func() ([]node, error) {
		out := make([]node, len(args))
		for i, a := range args {
			n, err := jsonOperand(a, argPtr(i), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	lop := strings.ToLower(op)
	switch {
	case lop == "and" || lop == "or":
		if len(args) < 2 {
			return nil, jsonErr(ptr+"/args", "%s takes 2 or more arguments, not %d", op, len(args))
		}
		out := boolOp{and: lop == "and"}
		for i, a := range args {
			n, err := jsonBool(a, argPtr(i), depth+1)
			if err != nil {
				return nil, err
			}
			out.args = append(out.args, n)
		}
		return out, nil
	case lop == "not":
		if err := want(1); err != nil {
			return nil, err
		}
		n, err := jsonBool(args[0], argPtr(0), depth+1)
		return notOp{n}, err
	case contains([]string{"=", "<>", "<", "<=", ">", ">="}, op):
		if err := want(2); err != nil {
			return nil, err
		}
		ns, err := operands()
		if err != nil {
			return nil, err
		}
		return cmpOp{op, ns[0], ns[1]}, nil
	case lop == "like":
		if err := want(2); err != nil {
			return nil, err
		}
		ns, err := operands()
		if err != nil {
			return nil, err
		}
		return likeOp{ns[0], ns[1]}, nil
	case lop == "between":
		if err := want(3); err != nil {
			return nil, err
		}
		ns, err := operands()
		if err != nil {
			return nil, err
		}
		return betweenOp{ns[0], ns[1], ns[2]}, nil
	case lop == "in":
		if err := want(2); err != nil {
			return nil, err
		}
		x, err := jsonOperand(args[0], argPtr(0), depth+1)
		if err != nil {
			return nil, err
		}
		list, ok := args[1].([]any)
		if !ok || len(list) == 0 {
			return nil, jsonErr(argPtr(1), "expected the array of values of in")
		}
		out := inOp{x: x}
		for i, a := range list {
			n, err := jsonOperand(a, argPtr(1)+"/"+strconv.Itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			out.list = append(out.list, n)
		}
		return out, nil
	case lop == "isnull":
		if err := want(1); err != nil {
			return nil, err
		}
		ns, err := operands()
		if err != nil {
			return nil, err
		}
		return isNullOp{ns[0]}, nil
	case contains(spatialOps, lop) || contains(temporalOps, lop):
		if err := want(2); err != nil {
			return nil, err
		}
		ns, err := operands()
		if err != nil {
			return nil, err
		}
		if contains(spatialOps, lop) {
			return spatialOp{lop, ns[0], ns[1]}, nil
		}
		return temporalOp{lop, ns[0], ns[1]}, nil
	}
	return nil, jsonErr(ptr+"/op", "%q is not an operator of this service: the operators are and, or, not, =, <>, <, <=, >, >=, like, between, in, isNull, s_intersects, %s",
		op, strings.Join(temporalOps, ", "))
}

func jsonOperand(v any, ptr string, depth int) (node, error) {
	if depth > maxCQL2Depth {
		return nil, jsonErr(ptr, "the filter is nested more than %d deep", maxCQL2Depth)
	}
	switch x := v.(type) {
	case string:
		return strLit(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return nil, jsonErr(ptr, "%s is not a number", x)
		}
		return numLit(f), nil
	case bool:
		return boolLit(x), nil
	case nil:
		return nil, jsonErr(ptr, "null is not a value: test for it with isNull")
	case map[string]any:
		if name, ok := x["property"].(string); ok {
			return property{name}, nil
		}
		if s, ok := x["date"].(string); ok {
			day, ok := parseTemporal(s, true)
			if !ok {
				return nil, jsonErr(ptr+"/date", "%q is not a date like 2017-11-13", s)
			}
			return dateLit{day}, nil
		}
		if s, ok := x["timestamp"].(string); ok {
			day, ok := parseTemporal(s, false)
			if !ok {
				return nil, jsonErr(ptr+"/timestamp", "%q is not a timestamp like 2017-11-13T10:00:00Z", s)
			}
			return timeLit{day}, nil
		}
		if iv, ok := x["interval"].([]any); ok {
			if len(iv) != 2 {
				return nil, jsonErr(ptr+"/interval", "an interval has 2 ends, not %d", len(iv))
			}
			ends := [2]int{minDay, maxDay}
			for i, e := range iv {
				if m, ok := e.(map[string]any); ok { // {"date": …} or {"timestamp": …}
					for _, k := range []string{"date", "timestamp"} {
						if s, ok := m[k].(string); ok {
							e = s
						}
					}
				}
				s, ok := e.(string)
				if !ok {
					return nil, jsonErr(ptr+"/interval/"+strconv.Itoa(i), "expected a date, a timestamp or \"..\"")
				}
				if s != ".." {
					day, ok := parseTemporal(s, false)
					if !ok {
						return nil, jsonErr(ptr+"/interval/"+strconv.Itoa(i), "%q is not a date, a timestamp or \"..\"", s)
					}
					ends[i] = day
				}
			}
			if ends[0] > ends[1] {
				return nil, jsonErr(ptr+"/interval", "the interval starts after it ends")
			}
			return interval{ends[0], ends[1]}, nil
		}
		if bb, ok := x["bbox"].([]any); ok {
			c := make([]float64, 0, len(bb))
			for i, e := range bb {
				n, ok := e.(json.Number)
				f, err := n.Float64()
				if !ok || err != nil {
					return nil, jsonErr(ptr+"/bbox/"+strconv.Itoa(i), "expected a number")
				}
				c = append(c, f)
			}
			if len(c) == 6 {
				c = []float64{c[0], c[1], c[3], c[4]}
			}
			if len(c) != 4 || c[1] > c[3] {
				return nil, jsonErr(ptr+"/bbox", "expected 4 numbers west, south, east, north (or 6), south below north")
			}
			if c[0] > c[2] {
				return geomLit{orb.MultiPolygon{orb.Bound{Min: orb.Point{c[0], c[1]}, Max: orb.Point{180, c[3]}}.ToPolygon(),
					orb.Bound{Min: orb.Point{-180, c[1]}, Max: orb.Point{c[2], c[3]}}.ToPolygon()}}, nil
			}
			return geomLit{orb.Bound{Min: orb.Point{c[0], c[1]}, Max: orb.Point{c[2], c[3]}}}, nil
		}
		if typ, ok := x["type"].(string); ok {
			g, err := jsonGeometry(typ, x["coordinates"])
			if err != nil {
				return nil, jsonErr(ptr+"/coordinates", "%s", err.Error())
			}
			return geomLit{g}, nil
		}
	}
	return nil, jsonErr(ptr, "expected a property ({\"property\": name}), a string, a number, a boolean, a date, a timestamp, an interval, a bbox or a GeoJSON geometry")
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
