package server

import (
	"math"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/gofiber/fiber/v2"
)

// configAnswer is the body of /api/config: what this server allows and
// what its dataset spans, for the page to offer only what works.
type configAnswer struct {
	// Writes says whether writes, imports and backups are enabled (the
	// server has a token).
	Writes bool         `json:"writes"`
	Years  configYears  `json:"years"`
	Total  int          `json:"total"`
	BBox   []float64    `json:"bbox"` // [west, south, east, north] of the MDL and every incident
	MDL    configMDL    `json:"mdl"`
	Limits configLimits `json:"limits"`
}

type configYears struct {
	Min   int  `json:"min"`   // the earliest year a query may name
	Max   int  `json:"max"`   // the latest: this year
	First *int `json:"first"` // the dataset's first year, null when empty
	Last  *int `json:"last"`
}

type configMDL struct {
	LengthKm float64          `json:"length_km"`
	JSAKm    float64          `json:"jsa_km"` // the JSA's chainage
	Sectors  []configSector   `json:"sectors"`
	MaxKm    float64          `json:"max_km"` // the largest km= accepted
	Types    []data.Type      `json:"types"`
	Dirs     []data.Direction `json:"directions"`
}

type configSector struct {
	Sector geo.Sector `json:"sector"`
	FromKm float64    `json:"from_km"`
	ToKm   float64    `json:"to_km"`
}

type configLimits struct {
	MaxLimit  int `json:"max_limit"`  // the most features in one answer
	BodyLimit int `json:"body_limit"` // the largest request body, in bytes
	WriteRate int `json:"write_rate"` // writes a minute per client; 0 for no limit
	MaxText   int `json:"max_text"`   // the longest q=, in characters
}

// bboxCell is the grid, in degrees, on which /api/config rounds the
// dataset's box outwards.
const bboxCell = 0.02

// GET /api/config
func (s *Server) handleConfig(c *fiber.Ctx) error {
	var errs []data.FieldError
	c.Context().QueryArgs().VisitAll(func(k, _ []byte) {
		if len(errs) < data.MaxUnknown {
			errs = append(errs, data.ParamError(displayName(string(k)), "is not a parameter of /api/config: it takes none"))
		}
	})
	if len(errs) > 0 {
		return data.InvalidParams(errs...)
	}
	years, err := s.store.Years(data.Filter{})
	if err != nil {
		return err
	}
	cells, res, err := s.store.Clusters(data.Filter{}, bboxCell)
	if err != nil {
		return err
	}
	line := s.mdl.Line().Bound()
	w, so, e, n := line.Min[0], line.Min[1], line.Max[0], line.Max[1]
	for _, cl := range cells {
		x, y := math.Floor(cl.Lon/bboxCell)*bboxCell, math.Floor(cl.Lat/bboxCell)*bboxCell
		w, so, e, n = min(w, x), min(so, y), max(e, x+bboxCell), max(n, y+bboxCell)
	}
	down := func(v float64) float64 { return math.Floor(v*1e4) / 1e4 }
	up := func(v float64) float64 { return math.Ceil(v*1e4) / 1e4 }
	_, _, jsaKm := s.mdl.Nearest(geo.JSAPoint)
	length := math.Round(s.mdl.LengthKm()*10) / 10
	ans := configAnswer{
		Writes: s.cfg.Token != "",
		Years:  configYears{Min: data.FirstYear, Max: s.now().Year()},
		Total:  res.Matched,
		BBox:   []float64{down(w), down(so), up(e), up(n)},
		MDL: configMDL{
			LengthKm: length, JSAKm: math.Round(jsaKm*10) / 10, MaxKm: data.MaxKm,
			Sectors: []configSector{
				{geo.Western, 0, geo.WesternCentralKm},
				{geo.Central, geo.WesternCentralKm, geo.CentralEasternKm},
				{geo.Eastern, geo.CentralEasternKm, length},
			},
			Types: data.Types, Dirs: data.Directions,
		},
		Limits: configLimits{MaxLimit: s.cfg.MaxLimit, BodyLimit: s.cfg.BodyLimit, WriteRate: s.cfg.WriteRateLimit, MaxText: data.MaxText},
	}
	if len(years) > 0 {
		ans.Years.First, ans.Years.Last = &years[0].Year, &years[len(years)-1].Year
	}
	return c.JSON(ans)
}
