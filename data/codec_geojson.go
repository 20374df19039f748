package data

// One file on purpose: the Feature's JSON shape (propsJSON) and its decoding and
// encoding change together, field by field; apart they would drift.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// ContentTypeGeoJSON is the media type of GeoJSON (RFC 7946).
const ContentTypeGeoJSON = "application/geo+json"

type geometryJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	// Geometries is read so that a GeometryCollection is refused by its
	// type, naming the geometry, not by an unknown member.
	Geometries json.RawMessage `json:"geometries,omitempty"`
}

type featureJSON struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id,omitempty"`
	BBox       json.RawMessage `json:"bbox,omitempty"`
	Geometry   *geometryJSON   `json:"geometry"`
	Properties *propsJSON      `json:"properties"`
}

// propsJSON is the properties object of an incident Feature; the fields
// after Updated are computed by the store and ignored on input. The Korean
// fields, disputes and distinct_from are left out when empty, as Features
// stored before they existed lack them.
type propsJSON struct {
	Title              string        `json:"title"`
	TitleKo            string        `json:"title_ko,omitempty"`
	Type               Type          `json:"type"`
	Date               string        `json:"date"`
	DatePrecision      Precision     `json:"date_precision"`
	Year               int           `json:"year,omitempty"`
	LocationPrecisionM float64       `json:"location_precision_m"`
	LocationNote       string        `json:"location_note"`
	LocationNoteKo     string        `json:"location_note_ko,omitempty"`
	Place              string        `json:"place"`
	PlaceKo            string        `json:"place_ko,omitempty"`
	Path               *geometryJSON `json:"path"`
	Direction          Direction     `json:"direction"`
	Persons            string        `json:"persons"`
	PersonsKo          string        `json:"persons_ko,omitempty"`
	PersonsCount       *int          `json:"persons_count,omitempty"`
	Casualties         Casualties    `json:"casualties"`
	Summary            string        `json:"summary"`
	SummaryKo          string        `json:"summary_ko,omitempty"`
	Sources            []Source      `json:"sources"`
	Disputes           []disputeJSON `json:"disputes,omitempty"`
	Confidence         Confidence    `json:"confidence"`
	Note               string        `json:"note"`
	NoteKo             string        `json:"note_ko,omitempty"`
	Tags               []string      `json:"tags"`
	DistinctFrom       []string      `json:"distinct_from,omitempty"`
	Created            *time.Time    `json:"created,omitempty"`
	Updated            *time.Time    `json:"updated,omitempty"`

	DistanceToMDLM *float64 `json:"distance_to_mdl_m,omitempty"`
	Side           string   `json:"side,omitempty"`
	SideCertain    *bool    `json:"side_certain,omitempty"`
	MDLKm          *float64 `json:"mdl_km,omitempty"`
	Sector         string   `json:"sector,omitempty"`
	InDMZ          *bool    `json:"in_dmz,omitempty"`
}

// disputeJSON is a Dispute as GeoJSON carries it: a claim without a source
// index is refused, not taken as the first source.
type disputeJSON struct {
	Field  string      `json:"field"`
	Claims []claimJSON `json:"claims"`
	Note   string      `json:"note,omitempty"`
}

type claimJSON struct {
	Value   string `json:"value"`
	ValueKo string `json:"value_ko,omitempty"`
	Source  *int   `json:"source"`
}

func disputesFromJSON(ds []disputeJSON) []Dispute {
	if len(ds) == 0 {
		return nil
	}
	out := make([]Dispute, len(ds))
	for i, d := range ds {
		out[i] = Dispute{Field: d.Field, Note: d.Note, Claims: make([]Claim, len(d.Claims))}
		for j, c := range d.Claims {
			src := -1
			if c.Source != nil {
				src = *c.Source
			}
			out[i].Claims[j] = Claim{Value: c.Value, ValueKo: c.ValueKo, Source: src}
		}
	}
	return out
}

func disputesToJSON(ds []Dispute) []disputeJSON {
	if len(ds) == 0 {
		return nil
	}
	out := make([]disputeJSON, len(ds))
	for i, d := range ds {
		out[i] = disputeJSON{Field: d.Field, Note: d.Note, Claims: make([]claimJSON, len(d.Claims))}
		for j, c := range d.Claims {
			src := c.Source
			out[i].Claims[j] = claimJSON{Value: c.Value, ValueKo: c.ValueKo, Source: &src}
		}
	}
	return out
}

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

func round(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

func pointJSON(p orb.Point) json.RawMessage {
	b, _ := json.Marshal([2]float64{p[0], p[1]})
	return b
}

// EncodeFeature writes in as a GeoJSON Feature. With pl it adds the computed
// properties that place the incident against the MDL.
func EncodeFeature(in *Incident, pl *geo.Placement) ([]byte, error) {
	pr := propsJSON{
		Title: in.Title, TitleKo: in.TitleKo, Type: in.Type, Date: in.Date.String(), DatePrecision: in.Date.Precision(), Year: in.Date.Year,
		LocationPrecisionM: in.LocationPrecisionM, LocationNote: in.LocationNote, LocationNoteKo: in.LocationNoteKo, Place: in.Place, PlaceKo: in.PlaceKo,
		Direction: in.Direction, Persons: in.Persons, PersonsKo: in.PersonsKo, PersonsCount: in.PersonsCount,
		Casualties: in.Casualties, Summary: in.Summary, SummaryKo: in.SummaryKo, Sources: in.Sources,
		Disputes:   disputesToJSON(in.Disputes),
		Confidence: in.Confidence, Note: in.Note, NoteKo: in.NoteKo, Tags: in.Tags, DistinctFrom: in.DistinctFrom,
	}
	if pr.Tags == nil {
		pr.Tags = []string{}
	}
	if !in.Created.IsZero() {
		pr.Created = &in.Created
	}
	if !in.Updated.IsZero() {
		pr.Updated = &in.Updated
	}
	if len(in.Path) > 0 {
		coords := make([][2]float64, len(in.Path))
		for i, p := range in.Path {
			coords[i] = [2]float64{p[0], p[1]}
		}
		raw, err := json.Marshal(coords)
		if err != nil {
			return nil, err
		}
		pr.Path = &geometryJSON{Type: "LineString", Coordinates: raw}
	}
	if pl != nil {
		d, km, dmz := round(pl.DistanceM, 1), round(pl.ChainageKm, 3), pl.InDMZ
		pr.DistanceToMDLM, pr.MDLKm, pr.InDMZ = &d, &km, &dmz
		pr.Side, pr.Sector = string(pl.Side), string(pl.Sector)
		// A point known only to more than its distance from the line may
		// be on either side of it: the side and the distance are not facts.
		certain := in.LocationPrecisionM <= pl.DistanceM
		pr.SideCertain = &certain
	}
	id, _ := json.Marshal(in.ID)
	return json.Marshal(featureJSON{
		Type: "Feature", ID: id,
		Geometry:   &geometryJSON{Type: "Point", Coordinates: pointJSON(in.Location)},
		Properties: &pr,
	})
}

// crossingProps are the properties of a crossing point Feature.
type crossingProps struct {
	IncidentID    string    `json:"incident_id"`
	Title         string    `json:"title"`
	TitleKo       string    `json:"title_ko,omitempty"`
	Type          Type      `json:"type"`
	Date          string    `json:"date"`
	DatePrecision Precision `json:"date_precision"`
	Direction     Direction `json:"direction"`
	Estimated     bool      `json:"estimated"`
	MDLKm         float64   `json:"mdl_km"`
	Sector        string    `json:"sector"`
}

// EncodeCrossings writes the points where in crossed the MDL as GeoJSON
// Features: from its path where the path crosses the line, otherwise the
// nearest point of the MDL to its location, marked estimated. Incidents whose
// direction is none have no crossing points.
func EncodeCrossings(in *Incident, mdl *geo.MDL) ([][]byte, error) {
	if in.Direction == NoDirection || mdl == nil {
		return nil, nil
	}
	var cs []geo.Crossing
	if len(in.Path) >= 2 {
		cs = mdl.Crossings(in.Path)
	}
	if len(cs) == 0 {
		cs = []geo.Crossing{mdl.EstimatedCrossing(in.Location)}
	}
	out := make([][]byte, len(cs))
	for i, c := range cs {
		dir := Direction(c.Direction)
		if c.Estimated || dir == NoDirection || dir == "" {
			dir = in.Direction
		}
		id, _ := json.Marshal(fmt.Sprintf("%s-x%d", in.ID, i+1))
		props, err := json.Marshal(crossingProps{
			IncidentID: in.ID, Title: in.Title, TitleKo: in.TitleKo, Type: in.Type, Date: in.Date.String(), DatePrecision: in.Date.Precision(),
			Direction: dir, Estimated: c.Estimated, MDLKm: round(c.ChainageKm, 3), Sector: string(mdl.SectorOf(c.Point)),
		})
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(struct {
			Type       string          `json:"type"`
			ID         json.RawMessage `json:"id"`
			Geometry   geometryJSON    `json:"geometry"`
			Properties json.RawMessage `json:"properties"`
		}{"Feature", id, geometryJSON{Type: "Point", Coordinates: pointJSON(c.Point)}, props})
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
