package data

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
