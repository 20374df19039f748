package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

func invalid(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Message: "the feature is not a valid incident",
		Fields: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// jsonError turns a decoding error into an *Error that names the field.
func jsonError(err error) *Error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := strings.TrimPrefix(typeErr.Field, "properties.")
		if field == "" {
			field = "feature"
		}
		return invalid(field, "must be %s, not a JSON %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return &Error{Kind: KindInvalid, Message: fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &Error{Kind: KindInvalid, Message: "malformed JSON: the document ends early"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if name == "" {
			return invalid("feature", "has a member with an empty name, which is not a known property of an incident")
		}
		return invalid(name, "is not a known property of an incident")
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: KindInvalid, Message: "malformed JSON: " + err.Error()}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "true or false"
	case "ptr":
		return "a value"
	}
	return "a number"
}

func decodePosition(field string, raw json.RawMessage) (orb.Point, *Error) {
	var c []float64
	if err := json.Unmarshal(raw, &c); err != nil {
		return orb.Point{}, invalid(field, "a position must be an array of 2 numbers [lon, lat]")
	}
	if len(c) != 2 && len(c) != 3 {
		return orb.Point{}, invalid(field, "a position must be [lon, lat], got %d numbers", len(c))
	}
	return orb.Point{c[0], c[1]}, nil
}

func decodeLine(field string, g *geometryJSON) (orb.LineString, *Error) {
	if g.Type != "LineString" {
		return nil, invalid(field, "must be a LineString, got %s", shown(g.Type))
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(g.Coordinates, &raw); err != nil {
		return nil, invalid(field, "coordinates must be an array of positions")
	}
	if len(raw) > MaxPathVertices {
		return nil, invalid(field, "has %d positions; the limit is %d", len(raw), MaxPathVertices)
	}
	ls := make(orb.LineString, len(raw))
	for i, r := range raw {
		p, err := decodePosition(fmt.Sprintf("%s[%d]", field, i), r)
		if err != nil {
			return nil, err
		}
		ls[i] = p
	}
	return ls, nil
}

// DecodeFeature reads one incident from a GeoJSON Feature. The computed
// properties are ignored, unknown ones refused. The result is not yet
// validated: call Validate.
func DecodeFeature(b []byte) (*Incident, error) {
	if err := checkJSON(b, featureType); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f featureJSON
	if err := dec.Decode(&f); err != nil {
		return nil, jsonError(err)
	}
	if dec.More() {
		return nil, &Error{Kind: KindInvalid, Message: "malformed JSON: more than one value in the body"}
	}
	return fromFeature(&f)
}

var featureType = reflect.TypeFor[featureJSON]()

func fromFeature(f *featureJSON) (*Incident, error) {
	if f.Type != "Feature" {
		return nil, invalid("type", "must be \"Feature\", got %s", shown(f.Type))
	}
	in := &Incident{}
	if len(f.ID) > 0 && string(f.ID) != "null" {
		if err := json.Unmarshal(f.ID, &in.ID); err != nil {
			return nil, invalid("id", "must be a string")
		}
	}
	if f.Geometry == nil {
		return nil, invalid("geometry", "is required: a Point [lon, lat]")
	}
	if f.Geometry.Type != "Point" {
		return nil, invalid("geometry", "must be a Point, got %s", shown(f.Geometry.Type))
	}
	p, ferr := decodePosition("geometry.coordinates", f.Geometry.Coordinates)
	if ferr != nil {
		return nil, ferr
	}
	in.Location = p
	pr := f.Properties
	if pr == nil {
		return nil, invalid("properties", "is required")
	}
	in.Title, in.TitleKo, in.Type = pr.Title, pr.TitleKo, pr.Type
	if pr.Date != "" {
		d, err := ParseDate(pr.Date)
		if err != nil {
			return nil, invalid("date", "%v", err)
		}
		if pr.DatePrecision != "" && pr.DatePrecision != d.Precision() {
			return nil, invalid("date_precision", "is %s but the date %s is known to the %s", shown(string(pr.DatePrecision)), pr.Date, d.Precision())
		}
		in.Date = d
	}
	in.LocationPrecisionM, in.LocationNote, in.Place, in.PlaceKo = pr.LocationPrecisionM, pr.LocationNote, pr.Place, pr.PlaceKo
	if pr.Path != nil {
		ls, err := decodeLine("path", pr.Path)
		if err != nil {
			return nil, err
		}
		in.Path = ls
	}
	in.Direction, in.Persons, in.PersonsKo, in.PersonsCount = pr.Direction, pr.Persons, pr.PersonsKo, pr.PersonsCount
	in.LocationNoteKo = pr.LocationNoteKo
	if in.Direction == "" {
		in.Direction = NoDirection
	}
	in.Casualties, in.Summary, in.SummaryKo, in.Sources = pr.Casualties, pr.Summary, pr.SummaryKo, pr.Sources
	in.Disputes = disputesFromJSON(pr.Disputes)
	in.Confidence, in.Note, in.NoteKo, in.Tags = pr.Confidence, pr.Note, pr.NoteKo, pr.Tags
	if len(pr.DistinctFrom) > 0 {
		in.DistinctFrom = pr.DistinctFrom
	}
	if pr.Created != nil {
		in.Created = *pr.Created
	}
	if pr.Updated != nil {
		in.Updated = *pr.Updated
	}
	return in, nil
}

// decodeStored reads a stored Feature as its JSON shape, which holds the
// computed properties, and as its incident.
func decodeStored(feature []byte) (*featureJSON, *Incident, error) {
	var f featureJSON
	err := json.Unmarshal(feature, &f)
	var in *Incident
	if err == nil {
		in, err = fromFeature(&f)
	}
	if err != nil {
		// Stored bytes that do not decode are the database's damage, not
		// the caller's invalid input.
		return nil, nil, &Error{Kind: KindInternal, Err: fmt.Errorf("%w: %v", ErrDamaged, err),
			Message: fmt.Sprintf("a stored incident is damaged: %v; run dmzmap check, or restore a backup (dmzmap restore)", err)}
	}
	return &f, in, nil
}

// DecodeFeatureCollection reads the incidents of a GeoJSON FeatureCollection.
// It reports the problems of every feature at once, each with its index,
// and validates each incident against mdl (which may be nil).
func DecodeFeatureCollection(r io.Reader, mdl *geo.MDL) ([]*Incident, error) {
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, &Error{Kind: KindInvalid, Err: err, Message: "cannot read the FeatureCollection: " + err.Error()}
	}
	if err := checkJSON(b, reflect.TypeOf(fc)); err != nil {
		return nil, err
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&fc); err != nil {
		return nil, jsonError(err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, &Error{Kind: KindInvalid, Message: fmt.Sprintf("type must be \"FeatureCollection\", got %s", shown(fc.Type))}
	}
	var out []*Incident
	var fields []FieldError
	for i, raw := range fc.Features {
		in, err := DecodeFeature(raw)
		if err == nil {
			err = in.Validate(mdl)
		}
		if err != nil {
			fields = append(fields, indexed(i, err)...)
			continue
		}
		out = append(out, in)
	}
	if len(fields) > 0 {
		return nil, &Error{Kind: KindInvalid, Message: fmt.Sprintf("%d of %d features are not valid incidents", countIndexes(fields), len(fc.Features)), Fields: fields}
	}
	return out, nil
}

func indexed(i int, err error) []FieldError {
	var e *Error
	if !errors.As(err, &e) {
		return []FieldError{{Index: &i, Field: "feature", Message: err.Error()}}
	}
	if len(e.Fields) == 0 {
		return []FieldError{{Index: &i, Field: "feature", Message: e.Message}}
	}
	out := make([]FieldError, len(e.Fields))
	for j, f := range e.Fields {
		f.Index = &i
		out[j] = f
	}
	return out
}

func countIndexes(fields []FieldError) int {
	n, last := 0, -1
	for _, f := range fields {
		if f.Index != nil && *f.Index != last {
			n, last = n+1, *f.Index
		}
	}
	return n
}
