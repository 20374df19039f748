package server

import (
	"bufio"
	"cmp"
	"errors"
	"io"
	"path"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// exportFormat is a file format of the export.
type exportFormat struct {
	contentType string
	// write streams the incidents f selects to w and returns how many it wrote.
	write func(s *Server, w io.Writer, f data.Filter) (int, error)
}

// exportFormats are the export's formats by name, which is also the file
// extension; exportFormatNames lists them, the default first.
var (
	exportFormats = map[string]exportFormat{
		"geojson": {data.ContentTypeGeoJSON, writeGeoJSON},
		"csv":     {ContentTypeCSV, writeCSV},
		"kml":     {ContentTypeKML, writeKML},
	}
	exportFormatNames = []string{"geojson", "csv", "kml"}
)

// The media types of the CSV and KML exports.
const (
	ContentTypeCSV = "text/csv; charset=utf-8"
	ContentTypeKML = "application/vnd.google-earth.kml+xml"
)

// kmlDescription is the KML document's description: the credit of its data.
const kmlDescription = "DMZ incidents from dmzmap (CC BY 4.0): each Placemark lists the published sources it rests on. " +
	"Locations are placed against the Military Demarcation Line derived from OpenStreetMap data, © OpenStreetMap contributors (ODbL)."

// GET /api/export.geojson, /api/export.csv, /api/export.kml and
// /api/export?format=geojson|csv|kml
func (s *Server) handleExport(c *fiber.Ctx) error {
	route := c.Route().Path
	sp := querySpec{route: route, paging: true}
	name := strings.TrimPrefix(path.Ext(route), ".")
	if name == "" {
		sp.format, sp.formats = "format", exportFormatNames
	}
	q, err := parseQuery(c.Context().QueryArgs(), sp, s.now().Year())
	if err != nil {
		return err
	}
	if name == "" {
		name = cmp.Or(q.format, exportFormatNames[0])
	}
	ef := exportFormats[name]
	c.Set(fiber.HeaderContentType, ef.contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+exportName(q, s.now().Year(), name)+`"`)
	method, route := c.Method(), c.Path()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The stream is written after the handler returns, outside the
		// middleware: a panic here is recovered and logged as a handler's.
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("internal error", "method", method, "path", route,
					"err", &panicError{value: v, stack: debug.Stack()})
			}
		}()
		n, err := ef.write(s, w, q.filter)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			// The status is sent: the client gets a truncated, invalid
			// document, which no reader takes for a whole one.
			if errors.Is(err, data.ErrDamaged) {
				s.log.Error("internal error", "method", method, "path", route, "err", err, "features", n)
				return
			}
			s.log.Warn("export stopped", "format", name, "err", err, "features", n)
		}
	})
	return nil
}

func writeGeoJSON(s *Server, w io.Writer, f data.Filter) (int, error) {
	fc := newCollection(w).withDataset(datasetOf(s.store))
	res, err := s.store.Query(f, fc.add)
	if err == nil {
		err = fc.end(res)
	}
	return fc.n, err
}

func writeCSV(s *Server, w io.Writer, f data.Filter) (int, error) {
	cw, err := data.NewCSVWriter(w)
	if err != nil {
		return 0, err
	}
	cw.DatasetVersion = datasetOf(s.store).Version
	res, err := s.store.Query(f, cw.WriteFeature)
	if err == nil {
		err = cw.Flush()
	}
	return res.Returned, err
}

func writeKML(s *Server, w io.Writer, f data.Filter) (int, error) {
	desc := kmlDescription
	if d := datasetOf(s.store); !d.IsZero() {
		desc += " Dataset version " + d.Version + " (" + d.Date + ")."
	}
	kw, err := data.NewKMLWriter(w, "DMZ incidents", desc)
	if err != nil {
		return 0, err
	}
	res, err := s.store.Query(f, kw.WriteFeature)
	if err == nil {
		err = kw.Close()
	}
	return res.Returned, err
}

var directionNames = map[data.Direction]string{
	data.NorthToSouth: "north-to-south",
	data.SouthToNorth: "south-to-north",
	data.NoDirection:  "no-direction",
}

// exportName is the file name of an export that says its filter, with the
// extension ext: dmz-incidents-2017.geojson,
// dmz-incidents-1990-2025-crossing-north-to-south.csv,
// dmz-incidents-all-western-filtered.kml.
func exportName(q query, thisYear int, ext string) string {
	var b strings.Builder
	b.WriteString("dmz-incidents-")
	from, to := q.fromYear, q.toYear
	switch {
	case from == 0 && to == 0:
		b.WriteString("all")
	case from == to:
		b.WriteString(strconv.Itoa(from))
	default:
		if from == 0 {
			from = firstYear
		}
		if to == 0 {
			to = thisYear
		}
		b.WriteString(strconv.Itoa(from) + "-" + strconv.Itoa(to))
	}
	for _, t := range data.Types {
		if slices.Contains(q.filter.Types, t) {
			b.WriteString("-" + string(t))
		}
	}
	for _, d := range data.Directions {
		if slices.Contains(q.filter.Directions, d) {
			b.WriteString("-" + directionNames[d])
		}
	}
	for _, sec := range sectors {
		if slices.Contains(q.filter.Sectors, sec) {
			b.WriteString("-" + string(sec))
		}
	}
	if q.filter.BBox != nil || q.filter.Text != "" || q.paged {
		b.WriteString("-filtered")
	}
	b.WriteString("." + ext)
	return b.String()
}
