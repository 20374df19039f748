package data

// The readers of one query parameter's value for ParseFilter, and how a
// message shows a value or a name from a request.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// parseDigits reads a whole number written with the digits 0-9 only;
// one too large for an int becomes math.MaxInt.
func parseDigits[S string | []byte](s S) (int, bool) {
	if len(s) == 0 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		d := s[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		if n > (math.MaxInt-int(d-'0'))/10 {
			n = math.MaxInt
			continue
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}

// parseList reads a comma-separated list of values from valid; empty items
// are skipped and repeated ones kept once.
func parseList[T ~string](name string, v []byte, valid []T) ([]T, *FieldError) {
	if len(v) == 0 {
		return nil, nil
	}
	var out []T
	var wrong []string
	for rest := v; rest != nil; {
		var item []byte
		item, rest = cutComma(rest)
		item = bytes.TrimSpace(item)
		if len(item) == 0 {
			continue
		}
		i := slices.IndexFunc(valid, func(t T) bool { return string(t) == string(item) })
		switch {
		case i < 0:
			wrong = append(wrong, Quote(string(item)))
		case !slices.Contains(out, valid[i]):
			if out == nil {
				out = make([]T, 0, 2)
			}
			out = append(out, valid[i])
		}
	}
	if len(wrong) > 0 {
		names := make([]string, len(valid))
		for i, t := range valid {
			names[i] = string(t)
		}
		what := "is not a known " + name
		if len(wrong) > 1 {
			what = "are not known values of " + name
		}
		if len(wrong) > 5 {
			wrong = append(wrong[:5], "…")
		}
		fe := ParamError(name, fmt.Sprintf("%s %s: expected a comma-separated list of %s", strings.Join(wrong, ", "), what, strings.Join(names, ", ")))
		return nil, &fe
	}
	return out, nil
}

// cutComma returns v up to its first comma, and what follows the comma:
// nil when v has none (strings.Split's parts, one at a time).
func cutComma(v []byte) (item, rest []byte) {
	if i := bytes.IndexByte(v, ','); i >= 0 {
		return v[:i], v[i+1:]
	}
	return v, nil
}

// parseBBox reads minLon,minLat,maxLon,maxLat in degrees. With ogc (OGC API
// – Features), it also takes 6 numbers minLon,minLat,minHeight,maxLon,
// maxLat,maxHeight (the heights are ignored: incidents have none), and a
// box whose west edge is east of its east edge, which crosses the
// antimeridian: it returns that one as two boxes, west and east of it.
func parseBBox(v []byte, ogc bool) ([]orb.Bound, *FieldError) {
	if len(v) == 0 {
		return nil, nil
	}
	bad := func(format string, a ...any) ([]orb.Bound, *FieldError) {
		want := "expected 4 comma-separated numbers minLon,minLat,maxLon,maxLat, e.g. bbox=126.5,37.7,127.5,38.4"
		if ogc {
			want = "expected 4 comma-separated numbers minLon,minLat,maxLon,maxLat (e.g. bbox=126.5,37.7,127.5,38.4) " +
				"or 6 with heights minLon,minLat,minHeight,maxLon,maxLat,maxHeight"
		}
		fe := ParamError("bbox", fmt.Sprintf(format, append(a, want)...))
		return nil, &fe
	}
	n := bytes.Count(v, []byte{','}) + 1
	if n != 4 && !(ogc && n == 6) {
		return bad("has %d numbers: %s", n)
	}
	var c [6]float64
	for i, rest := 0, v; rest != nil; i++ {
		var p []byte
		p, rest = cutComma(rest)
		f, err := strconv.ParseFloat(string(bytes.TrimSpace(p)), 64)
		if err != nil {
			return bad("%s is not a number: %s", Quote(string(p)))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("%s is not a finite number: %s", Quote(string(p)))
		}
		c[i] = f
	}
	if n == 6 {
		if c[2] > c[5] {
			return bad("minHeight %g is above maxHeight %g: %s", c[2], c[5])
		}
		c[2], c[3] = c[3], c[4]
	}
	minLon, minLat, maxLon, maxLat := c[0], c[1], c[2], c[3]
	for _, lon := range [2]float64{minLon, maxLon} {
		if lon < -180 || lon > 180 {
			fe := ParamError("bbox", fmt.Sprintf("longitude %g is out of range: expected -180 to 180 (the order is minLon,minLat,maxLon,maxLat)", lon))
			return nil, &fe
		}
	}
	for _, lat := range [2]float64{minLat, maxLat} {
		if lat < -90 || lat > 90 {
			fe := ParamError("bbox", fmt.Sprintf("latitude %g is out of range: expected -90 to 90 (the order is minLon,minLat,maxLon,maxLat)", lat))
			return nil, &fe
		}
	}
	if minLat > maxLat {
		return bad("minLat %g is above maxLat %g: %s", minLat, maxLat)
	}
	box := func(w, e float64) orb.Bound {
		return orb.Bound{Min: orb.Point{w, minLat}, Max: orb.Point{e, maxLat}}
	}
	if minLon > maxLon {
		if !ogc {
			fe := ParamError("bbox", fmt.Sprintf("minLon %g is east of maxLon %g: antimeridian-crossing boxes are not supported; give the west edge first", minLon, maxLon))
			return nil, &fe
		}
		return []orb.Bound{box(minLon, 180), box(-180, maxLon)}, nil
	}
	return []orb.Bound{box(minLon, maxLon)}, nil
}

// inBoxes returns a Filter Match that keeps the Features whose point lies
// in one of boxes.
func inBoxes(boxes []orb.Bound) func([]byte) bool {
	return func(feature []byte) bool {
		var f struct {
			Geometry struct {
				Coordinates orb.Point `json:"coordinates"`
			} `json:"geometry"`
		}
		if json.Unmarshal(feature, &f) != nil {
			return false
		}
		return slices.ContainsFunc(boxes, func(b orb.Bound) bool { return b.Contains(f.Geometry.Coordinates) })
	}
}

// parseKm reads km=FROM,TO: a stretch of the MDL in km of chainage from
// its western end (mdl_km), inclusive.
func parseKm(v string) (*[2]float64, *FieldError) {
	if v == "" {
		return nil, nil
	}
	const want = "expected two comma-separated numbers FROM,TO in km along the MDL from its western end, 0 <= FROM <= TO, e.g. km=10,40"
	bad := func(format string, a ...any) (*[2]float64, *FieldError) {
		fe := ParamError("km", fmt.Sprintf(format, a...))
		return nil, &fe
	}
	parts := strings.Split(v, ",")
	if len(parts) != 2 {
		return bad("has %d numbers: %s", len(parts), want)
	}
	var km [2]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("%s is not a number: %s", Quote(p), want)
		}
		if f < 0 || f > MaxKm {
			return bad("%g is out of range: %s", f, want)
		}
		km[i] = f
	}
	if km[0] > km[1] {
		return bad("FROM %g is after TO %g: %s", km[0], km[1], want)
	}
	return &km, nil
}

// Quote shows a value from a request in a message: quoted, printable and
// at most 40 characters.
func Quote(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

// DisplayName shows a parameter name from a request: as it is when it is
// short and plain, quoted otherwise.
func DisplayName(s string) string {
	plain := s != "" && len(s) <= 40 && utf8.ValidString(s)
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || r == '"' {
			plain = false
		}
	}
	if plain {
		return s
	}
	return Quote(s)
}
