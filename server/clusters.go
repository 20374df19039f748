package server

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// The sizes of a cluster cell /api/clusters accepts, in degrees.
const (
	minCell = 0.0005
	maxCell = 5.0
)

// GET /api/clusters?cell=DEG&… (the filters of /api/incidents)
//
// The map asks for this when more incidents match than it can draw one by
// one: a GeoJSON FeatureCollection of Points, one per grid cell holding
// incidents, with their count and counts by type; a cell of one incident
// carries its id. numberMatched counts incidents, numberReturned cells.
func (s *Server) handleClusters(c *fiber.Ctx) error {
	args := c.Context().QueryArgs()
	rest := fasthttp.AcquireArgs()
	defer fasthttp.ReleaseArgs(rest)
	var cells []string
	args.VisitAll(func(k, v []byte) {
		if string(k) == "cell" {
			cells = append(cells, string(v))
			return
		}
		rest.AddBytesKV(k, v)
	})
	var errs []data.FieldError
	cell := 0.0
	switch {
	case len(cells) == 0:
		errs = append(errs, data.ParamError("cell", "is required: the side of a grid cell in degrees, e.g. cell=0.1"))
	case len(cells) > 1:
		errs = append(errs, data.ParamError("cell", "is given more than once; give it once"))
	default:
		v, err := strconv.ParseFloat(cells[0], 64)
		if err != nil || math.IsNaN(v) || v < minCell || v > maxCell {
			errs = append(errs, data.ParamError("cell", "must be a number of degrees from "+
				strconv.FormatFloat(minCell, 'g', -1, 64)+" to "+strconv.FormatFloat(maxCell, 'g', -1, 64)))
		}
		cell = v
	}
	q, err := parseQueryAfter(errs, rest, data.FilterSpec{Route: "/api/clusters"}, s.now().Year())
	if err != nil {
		return err
	}
	clusters, res, err := s.store.Clusters(q.filter, cell)
	if err != nil {
		return err
	}
	fc := data.NewCollectionWriter(c)
	for _, cl := range clusters {
		props := map[string]any{"count": cl.Count, "by_type": cl.ByType}
		if cl.ID != "" {
			props["id"] = cl.ID
		}
		b, err := json.Marshal(map[string]any{
			"type":       "Feature",
			"geometry":   map[string]any{"type": "Point", "coordinates": [2]float64{cl.Lon, cl.Lat}},
			"properties": props,
		})
		if err != nil {
			return err
		}
		fc.Add(b)
	}
	if err := fc.End(res); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	return nil
}
