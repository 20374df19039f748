package data

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// MDLGeoJSON is the Military Demarcation Line as mapped in OpenStreetMap
// (ODbL, © OpenStreetMap contributors): a FeatureCollection of one LineString,
// west to east. See data/SOURCES.md.
//
//go:embed mdl.geojson
var MDLGeoJSON []byte

//go:embed seed/incidents.geojson
var seedGeoJSON []byte

// Attribution is the credit the MDL and basemap data require wherever they show.
const Attribution = "© OpenStreetMap contributors (ODbL)"

// LoadMDL reads the embedded MDL line.
func LoadMDL() (*geo.MDL, error) {
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string       `json:"type"`
				Coordinates [][2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(MDLGeoJSON, &fc); err != nil {
		return nil, fmt.Errorf("embedded mdl.geojson: %w", err)
	}
	if len(fc.Features) != 1 || fc.Features[0].Geometry.Type != "LineString" {
		return nil, fmt.Errorf("embedded mdl.geojson: want one LineString feature")
	}
	coords := fc.Features[0].Geometry.Coordinates
	ls := make(orb.LineString, len(coords))
	for i, c := range coords {
		ls[i] = orb.Point{c[0], c[1]}
	}
	return geo.NewMDL(ls)
}

// SeedIncidents decodes and validates the embedded seed dataset.
func SeedIncidents(mdl *geo.MDL) ([]*Incident, error) {
	ins, err := DecodeFeatureCollection(bytes.NewReader(seedGeoJSON), mdl)
	if err != nil {
		return nil, fmt.Errorf("embedded seed dataset: %w", err)
	}
	return ins, nil
}
