package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// ErrMalformedJSON is the cause of every error checkJSON reports: a body
// that is not one JSON value that means one thing. Callers answer it 400,
// not 422.
var ErrMalformedJSON = errors.New("malformed JSON")

// MaxJSONDepth is the deepest nesting of arrays and objects a body may have.
const MaxJSONDepth = 32

// checkJSON refuses a JSON text that encoding/json would read in a way its
// sender may not have meant: anything but whitespace after the one value;
// bytes that are not UTF-8 or an escaped unpaired surrogate (both become
// U+FFFD); NaN or Infinity; nesting deeper than MaxJSONDepth; a member
// name repeated in an object; and, in the objects t decodes into structs, a
// member that matches a field only when case is ignored ("ID" for "id"),
// which encoding/json would take. Each error names the field, or "body".
// t may be nil: then only the grammar and duplicates are checked.
func checkJSON(b []byte, t reflect.Type) *Error {
	s := &jsonScan{b: b}
	s.space()
	if s.i >= len(b) {
		return s.fail("the body is empty: it must be one JSON value")
	}
	if err := s.value(t, 0); err != nil {
		return err
	}
	s.space()
	if s.i < len(b) {
		s.path = s.path[:0]
		return s.fail("more than one value in the body: only whitespace may follow the first")
	}
	return nil
}

type jsonScan struct {
	b    []byte
	i    int
	path []string
}

func (s *jsonScan) field() string {
	f := strings.Join(s.path, "")
	f = strings.TrimPrefix(strings.TrimPrefix(f, "."), "properties.")
	if f == "" {
		return "body"
	}
	return f
}

func (s *jsonScan) fail(format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Kind: KindInvalid, Err: ErrMalformedJSON,
		Message: fmt.Sprintf("malformed JSON at byte %d: %s", s.i, msg),
		Fields:  []FieldError{{Field: s.field(), Message: fmt.Sprintf("%s (at byte %d)", msg, s.i)}}}
}

func (s *jsonScan) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScan) value(t reflect.Type, depth int) *Error {
	t = schemaOf(t)
	if s.i >= len(s.b) {
		return s.fail("the document ends early")
	}
	switch c := s.b[s.i]; {
	case c == '{':
		if depth >= MaxJSONDepth {
			return s.fail("nesting depth over %d objects and arrays", MaxJSONDepth)
		}
		return s.object(t, depth+1)
	case c == '[':
		if depth >= MaxJSONDepth {
			return s.fail("nesting depth over %d objects and arrays", MaxJSONDepth)
		}
		return s.array(t, depth+1)
	case c == '"':
		_, err := s.str()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	}
	for _, lit := range []string{"true", "false", "null"} {
		if strings.HasPrefix(string(s.b[s.i:min(len(s.b), s.i+5)]), lit) {
			s.i += len(lit)
			return nil
		}
	}
	rest := string(s.b[s.i:min(len(s.b), s.i+9)])
	for _, w := range []string{"NaN", "Infinity", "+Infinity"} {
		if strings.HasPrefix(rest, w) {
			return s.fail("%s is not a JSON number: numbers must be finite", w)
		}
	}
	return s.fail("invalid character %s where a value should be", strconv.QuoteRune(rune(s.b[s.i])))
}

func (s *jsonScan) number() *Error {
	start := s.i
	if s.b[s.i] == '-' {
		s.i++
		if strings.HasPrefix(string(s.b[s.i:min(len(s.b), s.i+8)]), "Infinity") {
			s.i = start
			return s.fail("-Infinity is not a JSON number: numbers must be finite")
		}
	}
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i, n = s.i+1, n+1
		}
		return n
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if digits() == 0 {
		return s.fail("a number must have digits")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return s.fail("a number must have digits after its decimal point")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return s.fail("a number must have digits in its exponent")
		}
	}
	return nil
}

// str reads a string and returns its raw contents between the quotes.
func (s *jsonScan) str() (string, *Error) {
	s.i++
	start := s.i
	escaped := false
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw := s.b[start:s.i]
			s.i++
			if !escaped {
				return string(raw), nil
			}
			var v string
			if err := json.Unmarshal(s.b[start-1:s.i], &v); err != nil {
				return "", s.fail("a string that cannot be read")
			}
			return v, nil
		case c < 0x20:
			return "", s.fail("a control character (U+%04X) in a string: escape it", c)
		case c == '\\':
			escaped = true
			if s.i+1 >= len(s.b) {
				return "", s.fail("the document ends early")
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				r, ok := s.hex4(s.i + 2)
				if !ok {
					return "", s.fail(`\u must be followed by four hexadecimal digits`)
				}
				switch {
				case r >= 0xD800 && r <= 0xDBFF:
					low, ok := rune(0), false
					if s.i+7 < len(s.b) && s.b[s.i+6] == '\\' && s.b[s.i+7] == 'u' {
						low, ok = s.hex4(s.i + 8)
					}
					if !ok || low < 0xDC00 || low > 0xDFFF {
						return "", s.fail(`\u%04x is an unpaired surrogate, which is not a character`, r)
					}
					s.i += 12
				case r >= 0xDC00 && r <= 0xDFFF:
					return "", s.fail(`\u%04x is an unpaired surrogate, which is not a character`, r)
				default:
					s.i += 6
				}
			default:
				return "", s.fail("an invalid escape in a string")
			}
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n == 1 {
				return "", s.fail("byte %d is not valid UTF-8; JSON text must be UTF-8", s.i)
			}
			s.i += n
		}
	}
	return "", s.fail("the document ends early")
}

func (s *jsonScan) hex4(at int) (rune, bool) {
	if at+4 > len(s.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.b[at:at+4]), 16, 32)
	return rune(v), err == nil
}

func (s *jsonScan) array(t reflect.Type, depth int) *Error {
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	s.i++
	s.space()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for n := 0; ; n++ {
		s.path = append(s.path, fmt.Sprintf("[%d]", n))
		s.space()
		if err := s.value(elem, depth); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		if end, err := s.after(']', "an array element"); end || err != nil {
			return err
		}
	}
}

// after reads the comma or the closing byte end that follows an element
// (what it was, for the message), and reports whether it was end.
func (s *jsonScan) after(end byte, what string) (bool, *Error) {
	s.space()
	if s.i >= len(s.b) {
		return false, s.fail("the document ends early")
	}
	switch s.b[s.i] {
	case ',':
		s.i++
		return false, nil
	case end:
		s.i++
		return true, nil
	}
	return false, s.fail("invalid character %s after %s", strconv.QuoteRune(rune(s.b[s.i])), what)
}

func (s *jsonScan) object(t reflect.Type, depth int) *Error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields = structFields(t)
		case reflect.Map:
			elem = t.Elem()
		}
	}
	s.i++
	s.space()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	seen := map[string]bool{}
	for {
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != '"' {
			if s.i >= len(s.b) {
				return s.fail("the document ends early")
			}
			return s.fail("invalid character %s where a member name should be", strconv.QuoteRune(rune(s.b[s.i])))
		}
		at := s.i
		name, err := s.str()
		if err != nil {
			return err
		}
		s.path = append(s.path, "."+name)
		if seen[name] {
			s.i = at
			return s.fail("the member %s appears twice", strconv.Quote(name))
		}
		seen[name] = true
		vt := elem
		if fields != nil {
			ft, ok := fields[name]
			if !ok {
				for known := range fields {
					if strings.EqualFold(known, name) {
						s.i = at
						return s.fail("the member %s is not %s: member names are case-sensitive", strconv.Quote(name), strconv.Quote(known))
					}
				}
			}
			vt = ft
		}
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return s.fail("a member name must be followed by a colon")
		}
		s.i++
		s.space()
		if err := s.value(vt, depth); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		if end, err := s.after('}', "an object member"); end || err != nil {
			return err
		}
	}
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// schemaOf is the type whose member names checkJSON checks for t: t
// without pointers, or nil for a type that reads itself (json.Unmarshaler,
// json.RawMessage) or takes anything.
func schemaOf(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	return t
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// structFields maps the JSON member names of struct t to their types.
func structFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	fieldCache.Store(t, m)
	return m
}
