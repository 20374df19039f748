package data

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

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
