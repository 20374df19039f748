package data

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

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

// comma reads a comma if one comes next, and reports whether it did.
func (p *textParser) comma() bool {
	if t := p.peek(); t.kind == tPunct && t.text == "," {
		p.next()
		return true
	}
	return false
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
			if !p.comma() {
				break
			}
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
