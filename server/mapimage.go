package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"sync"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
	"github.com/valyala/fasthttp"
)

const (
	// maxMapPoints is the most incidents one map image draws; the caption
	// says how many more matched.
	maxMapPoints = 20000
	// ContentTypePNG is the media type of the map images.
	ContentTypePNG = "image/png"
	// mapAttribution is written in every map image.
	mapAttribution = "© OpenStreetMap contributors (ODbL) · dmzmap (CC BY 4.0)"
)

// lineView is the box of the whole MDL and the Han estuary, the default
// view of a map image.
var lineView = orb.Bound{Min: orb.Point{125.95, 37.45}, Max: orb.Point{128.75, 38.85}}

// land is the page's basemap, parsed once, for the map images.
type land struct {
	once  sync.Once
	polys []orb.Polygon
	err   error
}

func (s *Server) landPolygons() ([]orb.Polygon, error) {
	s.land.once.Do(func() {
		if s.cfg.Assets == nil {
			return
		}
		b, err := fs.ReadFile(s.cfg.Assets, "static/basemap/basemap-korea.geojson")
		if err != nil {
			s.land.err = err
			return
		}
		s.land.polys, s.land.err = data.ParseLand(b)
	})
	return s.land.polys, s.land.err
}

// mapSize reads width= and height= from args and removes them, so that
// the rest can be parsed as the API's filters.
func mapSize(args *fasthttp.Args, defW, defH int) (w, h int, errs []data.FieldError) {
	read := func(name string, def int) int {
		v := args.Peek(name)
		if v == nil {
			return def
		}
		n, err := strconv.Atoi(string(v))
		if err != nil || n < data.MinMapSize || n > data.MaxMapSize {
			errs = append(errs, data.ParamError(name, fmt.Sprintf("%s is not a size in pixels from %d to %d", quote(string(v)), data.MinMapSize, data.MaxMapSize)))
		}
		args.Del(name)
		return n
	}
	return read("width", defW), read("height", defH), errs
}

// featurePoint is what a map image needs of a stored Feature.
func featurePoint(b []byte) (data.MapPoint, float64, error) {
	var f struct {
		Geometry struct {
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Type      data.Type `json:"type"`
			Precision float64   `json:"location_precision_m"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &f); err != nil || len(f.Geometry.Coordinates) < 2 {
		return data.MapPoint{}, 0, fmt.Errorf("a stored feature has no point: %v", err)
	}
	p := orb.Point{f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]}
	return data.MapPoint{Location: p, Type: f.Properties.Type}, f.Properties.Precision, nil
}

func (s *Server) sendMap(c *fiber.Ctx, mi data.MapImage) error {
	polys, err := s.landPolygons()
	if err != nil {
		return err
	}
	mi.Land, mi.MDL, mi.Attribution = polys, s.mdl, mapAttribution
	var b bytes.Buffer
	if err := mi.Encode(&b); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ContentTypePNG)
	return c.Send(b.Bytes())
}

// GET /api/map.png
func (s *Server) handleMapImage(c *fiber.Ctx) error {
	args := &fasthttp.Args{}
	c.Context().QueryArgs().CopyTo(args)
	w, h, errs := mapSize(args, 1200, 800)
	q, err := parseQueryAfter(errs, args, data.FilterSpec{Route: "/api/map.png"}, s.now().Year())
	if err != nil {
		return err
	}
	f := q.filter
	f.Limit = maxMapPoints
	var points []data.MapPoint
	res, err := s.store.Query(f, func(b []byte) error {
		p, _, err := featurePoint(b)
		points = append(points, p)
		return err
	})
	if err != nil {
		return err
	}
	view := lineView
	if f.BBox != nil {
		view = *f.BBox
	}
	caption := fmt.Sprintf("%d incidents", res.Matched)
	if res.Matched == 1 {
		caption = "1 incident"
	}
	if res.Matched > res.Returned {
		caption = fmt.Sprintf("%d of %d incidents shown", res.Returned, res.Matched)
	}
	return s.sendMap(c, data.MapImage{Width: w, Height: h, View: view, Points: points, Caption: caption})
}

// GET /api/incidents/{id}/map.png
func (s *Server) handleIncidentMap(c *fiber.Ctx) error {
	args := &fasthttp.Args{}
	c.Context().QueryArgs().CopyTo(args)
	w, h, errs := mapSize(args, 1200, 630) // the size link previews ask for
	args.VisitAll(func(k, _ []byte) {
		errs = append(errs, data.ParamError(displayName(string(k)), "is not a parameter of /api/incidents/{id}/map.png, which takes width and height"))
	})
	if len(errs) > 0 {
		return data.InvalidParams(errs...)
	}
	in, err := s.incident(c)
	if err != nil {
		return err
	}
	// Show the incident with its precision circle and some of its
	// surroundings: at least 40 km across.
	half := math.Max(20000, in.LocationPrecisionM*1.4)
	dLat := half / 111320
	dLon := half / (111320 * math.Cos(in.Location[1]*math.Pi/180))
	view := orb.Bound{Min: orb.Point{in.Location[0] - dLon, in.Location[1] - dLat}, Max: orb.Point{in.Location[0] + dLon, in.Location[1] + dLat}}
	p := data.MapPoint{Location: in.Location, Type: in.Type, Highlight: true, RadiusM: in.LocationPrecisionM}
	caption := []rune(in.Date.String() + " · " + in.Title)
	if len(caption) > 90 {
		caption = append(caption[:87], '…')
	}
	return s.sendMap(c, data.MapImage{Width: w, Height: h, View: view, Points: []data.MapPoint{p}, Caption: string(caption)})
}
