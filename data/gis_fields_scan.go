package data

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode"
	"unicode/utf8"
)

// appendGISFieldsFast is WithGISFields without encoding/json and without
// allocating, for the Features the store writes (encoding/json's output:
// no spaces, sources as objects of the four string members of
// Source): it reads the date and the sources array with a small
// scanner and writes the fields as json.Marshal would. It reports false,
// having appended nothing, for anything the scanner does not read exactly
// (another member in a source, a value not a string, an escaped
// surrogate, bytes that are not UTF-8, a date ParseDate would refuse):
// WithGISFields then does it the slow way, whose answer (or error) is the
// reference. TestGISFieldsFast compares the two.
func appendGISFieldsFast(dst, feature []byte, props, at, end int) ([]byte, bool) {
	start, last, ok := fastPeriod(feature[at:end])
	if !ok {
		return dst, false
	}
	n := len(dst)
	dst = append(dst, feature[:end+1]...)
	dst = append(dst, `,"date_start":"`...)
	dst = start.AppendFormat(dst, time.DateOnly)
	dst = append(dst, `","date_end":"`...)
	dst = last.AppendFormat(dst, time.DateOnly)
	dst = append(dst, '"')
	if i := bytes.Index(feature[props:], []byte(`"sources":[`)); i >= 0 {
		mark := len(dst)
		dst = append(dst, `,"sources_text":`...)
		var ok bool
		var empty bool
		if dst, empty, ok = appendSourcesText(dst, feature[props+i+len(`"sources":`):]); !ok {
			return dst[:n], false
		}
		if empty {
			dst = dst[:mark] // omitempty
		}
	}
	return append(dst, feature[end+1:]...), true
}

// fastPeriod is ParseDate and DatePeriod for YYYY, YYYY-MM and
// YYYY-MM-DD; false for anything else, which ParseDate may refuse.
func fastPeriod(s []byte) (start, end time.Time, ok bool) {
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	var d Date
	switch len(s) {
	case 4:
		d.Year, ok = num(s)
	case 7:
		if s[4] == '-' {
			if d.Year, ok = num(s[:4]); ok {
				d.Month, ok = num(s[5:])
			}
		}
	case 10:
		if s[4] == '-' && s[7] == '-' {
			if d.Year, ok = num(s[:4]); ok {
				if d.Month, ok = num(s[5:7]); ok {
					d.Day, ok = num(s[8:])
				}
			}
		}
	}
	if !ok || (len(s) >= 7 && (d.Month < 1 || d.Month > 12)) {
		return start, end, false
	}
	if len(s) == 10 {
		if t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC); d.Day < 1 || t.Day() != d.Day {
			return start, end, false
		}
	}
	start, end = DatePeriod(d)
	return start, end, true
}

// appendSourcesText appends, as a JSON string, SourcesText of the sources
// array b starts with (encoding/json's output), and whether the text is
// empty; false when the array is not what it reads exactly.
func appendSourcesText(dst, b []byte) (out []byte, empty, ok bool) {
	if len(b) < 2 || b[0] != '[' {
		return dst, false, false
	}
	var scratch [1024]byte
	text := scratch[:0]
	b = b[1:]
	first := true
	for len(b) > 0 && b[0] != ']' {
		if !first {
			if b[0] != ',' {
				return dst, false, false
			}
			b = b[1:]
			text = append(text, " | "...)
		}
		first = false
		var src [4][]byte // title, url, publisher, published
		var rest []byte
		if src, rest, ok = scanSource(b); !ok {
			return dst, false, false
		}
		b = rest
		text = appendSourcePart(text, &src)
	}
	if len(b) == 0 {
		return dst, false, false
	}
	if len(text) == 0 {
		return dst, true, true
	}
	return appendJSONString(dst, text), false, true
}

var sourceKeys = [4]string{`"title":`, `"url":`, `"publisher":`, `"published":`}

// scanSource reads one source object at the start of b: its members'
// strings, unescaped, in the order of sourceKeys.
func scanSource(b []byte) (src [4][]byte, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '{' {
		return src, nil, false
	}
	b = b[1:]
	for first := true; len(b) > 0 && b[0] != '}'; first = false {
		if !first {
			if b[0] != ',' {
				return src, nil, false
			}
			b = b[1:]
		}
		k := -1
		for i, key := range sourceKeys {
			if bytes.HasPrefix(b, []byte(key)) {
				k = i
				break
			}
		}
		if k < 0 || src[k] != nil {
			return src, nil, false
		}
		b = b[len(sourceKeys[k]):]
		var v []byte
		if v, b, ok = scanString(b); !ok {
			return src, nil, false
		}
		if v == nil {
			v = []byte{}
		}
		src[k] = v
	}
	if len(b) == 0 {
		return src, nil, false
	}
	return src, b[1:], true
}

// scanString reads a JSON string at the start of b and returns its value
// (b's own bytes when it has no escape) and what follows it.
func scanString(b []byte) (v, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, false
	}
	b = b[1:]
	i := 0
	for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
		i++
	}
	if i < len(b) && b[i] == '"' {
		if !utf8.Valid(b[:i]) {
			return nil, nil, false
		}
		return b[:i], b[i+1:], true
	}
	// Escapes: decode into a new slice (rare: text with < > & or quotes).
	out := append([]byte(nil), b[:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				return nil, nil, false
			}
			return out, b[i+1:], true
		case c < 0x20:
			return nil, nil, false
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return nil, nil, false
		}
		switch e := b[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if i+6 > len(b) {
				return nil, nil, false
			}
			r := rune(0)
			for _, h := range b[i+2 : i+6] {
				switch {
				case h >= '0' && h <= '9':
					r = r<<4 | rune(h-'0')
				case h >= 'a' && h <= 'f':
					r = r<<4 | rune(h-'a'+10)
				case h >= 'A' && h <= 'F':
					r = r<<4 | rune(h-'A'+10)
				default:
					return nil, nil, false
				}
			}
			if utf8.RuneLen(r) < 0 { // a surrogate: the slow way
				return nil, nil, false
			}
			out = utf8.AppendRune(out, r)
			i += 6
			continue
		default:
			return nil, nil, false
		}
		i += 2
	}
	return nil, nil, false
}

// appendSourcePart appends SourcesText's part of one source: "title
// (publisher, published) url", its spaces as strings.Fields then
// strings.Join leave them.
func appendSourcePart(dst []byte, src *[4][]byte) []byte {
	title, url, publisher, published := src[0], src[1], src[2], src[3]
	var raw [512]byte
	r := append(raw[:0], title...)
	if len(publisher) > 0 || len(published) > 0 {
		r = append(r, " ("...)
		r = append(r, publisher...)
		if len(publisher) > 0 && len(published) > 0 {
			r = append(r, ", "...)
		}
		r = append(r, published...)
		r = append(r, ')')
	}
	if len(url) > 0 {
		r = append(r, ' ')
		r = append(r, url...)
	}
	return appendFields(dst, r)
}

// appendFields appends the words of s (split at Unicode white space, as
// strings.Fields splits) joined by one space.
func appendFields(dst, s []byte) []byte {
	word := false // a word was written
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c > ' ' && c < utf8.RuneSelf { // a run of ASCII letters at once
			j := i + 1
			for j < len(s) && s[j] > ' ' && s[j] < utf8.RuneSelf {
				j++
			}
			if word && space {
				dst = append(dst, ' ')
			}
			dst = append(dst, s[i:j]...)
			word, space = true, false
			i = j
			continue
		}
		size := 1
		isSpace := false
		if c < utf8.RuneSelf {
			isSpace = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
		} else {
			var r rune
			r, size = utf8.DecodeRune(s[i:])
			isSpace = unicode.IsSpace(r)
		}
		if isSpace {
			space = true
		} else {
			if word && space {
				dst = append(dst, ' ')
			}
			dst = append(dst, s[i:i+size]...)
			word, space = true, false
		}
		i += size
	}
	return dst
}

// appendJSONString appends s as json.Marshal writes a string.
func appendJSONString(dst, s []byte) []byte {
	for _, c := range s {
		if jsonEscapes[c] {
			// An escape, or maybe U+2028 or U+2029: as encoding/json does.
			b, _ := json.Marshal(string(s))
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// jsonEscapes are the bytes after which json.Marshal may write a string
// otherwise than as it is: control characters, the quote, the backslash,
// the HTML characters, and 0xe2, which starts U+2028 and U+2029.
var jsonEscapes = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for _, c := range []byte{'"', '\\', '<', '>', '&', 0xe2} {
		t[c] = true
	}
	return t
}()
