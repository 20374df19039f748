package server

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// The links of an items page in JSON, appended to one buffer: the bytes
// json.Marshal writes of itemsLinks, without building the links and their
// URLs, and with the query's parameters escaped once for all the links.

// appendItemsLinks appends ,"links":[…] of an items page in JSON to dst:
// the links itemsLinks returns, as json.Marshal writes them. The query's
// parameters are each escaped once, into scratch, and each link takes the
// ones it keeps from there; it returns dst and scratch, for the next use.
//
// A link's URL is written in JSON piece by piece (the base, the path, each
// parameter, the separators): the same as the whole URL escaped at once,
// since each piece after the first starts with an ASCII byte, which ends
// any UTF-8 sequence before it either way.
func appendItemsLinks(dst, scratch []byte, c *fiber.Ctx, path string, f data.Filter, res data.Result) ([]byte, []byte) {
	base, ok := c.Locals(publicURLKey).(string)
	scratch = scratch[:0]
	if ok {
		scratch = appendJSONChars(scratch, []byte(base))
	} else {
		scratch = appendJSONChars(scratch, []byte(c.Protocol()))
		scratch = append(scratch, "://"...)
		scratch = appendJSONChars(scratch, []byte(c.Hostname()))
	}
	baseEnd := len(scratch)
	var partsArray [16]queryPart
	parts := partsArray[:0]
	for rest := c.Request().URI().QueryString(); len(rest) > 0; {
		p := rest
		if i := indexByte(rest, '&'); i >= 0 {
			p, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if len(p) == 0 {
			continue
		}
		k, v, hasValue := p, []byte(nil), false
		if i := indexByte(p, '='); i >= 0 {
			k, v, hasValue = p[:i], p[i+1:], true
		}
		okK, okV := validEscapes(k), validEscapes(v)
		part := queryPart{start: len(scratch)}
		switch {
		case okK && unescapedIs(k, "f"):
			part.name = partF
		case okK && unescapedIs(k, "offset"):
			part.name = partOffset
		}
		if okK && okV && hasValue {
			scratch = appendQueryEscape(scratch, k) // only bytes JSON writes as they are
			scratch = append(scratch, '=')
			scratch = appendQueryEscape(scratch, v)
		} else {
			scratch = appendJSONChars(scratch, p)
		}
		part.end = len(scratch)
		parts = append(parts, part)
	}
	link := func(path string, query bool, drop uint8, add string, offset int, rel, typ, title string) {
		dst = append(dst, `{"href":"`...)
		dst = append(dst, scratch[:baseEnd]...)
		dst = appendJSONChars(dst, []byte(path))
		if query {
			sep := "?"
			for _, p := range parts {
				if drop != 0 && p.name == drop {
					continue
				}
				dst = append(dst, sep...)
				dst = append(dst, scratch[p.start:p.end]...)
				sep = `\u0026`
			}
			if add != "" {
				dst = append(dst, sep...)
				dst = append(dst, add...)
				if offset >= 0 {
					dst = strconv.AppendInt(dst, int64(offset), 10)
				}
			}
		}
		dst = append(dst, `","rel":"`...)
		dst = append(dst, rel...)
		dst = append(dst, `","type":"`...)
		dst = append(dst, typ...)
		dst = append(dst, `","title":"`...)
		dst = append(dst, title...)
		dst = append(dst, `"}`...)
	}
	dst = append(dst, `,"links":[`...)
	link(path, true, 0, "", -1, "self", data.ContentTypeGeoJSON, "this document")
	dst = append(dst, ',')
	link(path, true, partF, "f=html", -1, "alternate", mediaHTML, "this document as HTML")
	dst = append(dst, ',')
	link(strings.TrimSuffix(path, "/items"), false, 0, "", -1, "collection", contentTypeJSON, "the collection")
	if f.Limit > 0 && f.Offset+f.Limit < res.Matched {
		dst = append(dst, ',')
		link(path, true, partOffset, "offset=", f.Offset+f.Limit, "next", data.ContentTypeGeoJSON, "the next page")
	}
	if f.Offset > 0 {
		dst = append(dst, ',')
		link(path, true, partOffset, "offset=", max(0, f.Offset-f.Limit), "prev", data.ContentTypeGeoJSON, "the previous page")
	}
	return append(dst, ']'), scratch
}

// queryPart is one parameter of a request's query, as appendItemsLinks
// writes it in a link: scratch[start:end].
type queryPart struct {
	start, end int
	name       uint8 // partF, partOffset, or 0 for any other
}

// The parameters a link of an items page may drop.
const (
	partF uint8 = 1 + iota
	partOffset
)

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// validEscapes reports whether url.QueryUnescape accepts s: every % is
// followed by two hexadecimal digits.
func validEscapes(s []byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// plainInQueryByte marks the bytes queryEscape leaves as they are.
var plainInQueryByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || c == ',' || c == ':' || c == '/'
	}
	return t
}()

// unescapedAt returns the byte of s at i as url.QueryUnescape reads it,
// for an s with validEscapes, and the index of the next.
func unescapedAt(s []byte, i int) (byte, int) {
	switch c := s[i]; c {
	case '%':
		return unhex(s[i+1])<<4 | unhex(s[i+2]), i + 3
	case '+':
		return ' ', i + 1
	default:
		return c, i + 1
	}
}

// unescapedIs reports whether s, unescaped, is name.
func unescapedIs(s []byte, name string) bool {
	n := 0
	for i := 0; i < len(s); n++ {
		var c byte
		c, i = unescapedAt(s, i)
		if n >= len(name) || name[n] != c {
			return false
		}
	}
	return n == len(name)
}

// appendQueryEscape appends s unescaped and then escaped again as
// queryEscape does: url.QueryEscape, with commas, colons and slashes
// plain.
func appendQueryEscape(dst, s []byte) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); {
		if plainInQueryByte[s[i]] {
			i++
			dst = append(dst, s[i-1])
			continue
		}
		var c byte
		c, i = unescapedAt(s, i)
		switch {
		case plainInQueryByte[c]:
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

// appendJSONString appends s as a JSON string the way encoding/json writes
// one: <, > and & escaped for HTML, invalid UTF-8 as U+FFFD, and U+2028
// and U+2029 escaped.
func appendJSONString(dst, s []byte) []byte {
	return append(appendJSONChars(append(dst, '"'), s), '"')
}

// jsonPlain marks the bytes encoding/json writes in a string as they are
// (ASCII only: the rest are looked at as UTF-8).
var jsonPlain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONChars is appendJSONString without the quotes.
func appendJSONChars(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if jsonPlain[b] {
			i++
			continue
		}
		if b < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}
