package data

// The Feature's JSON shape (propsJSON); its decoding is in
// codec_geojson_decode.go (fromFeature) and its encoding in
// codec_geojson_encode.go (EncodeFeature): a field added here is added to both.

import (
	"encoding/json"
	"time"
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
