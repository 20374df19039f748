package server

import (
	"bufio"
	"cmp"
	"errors"
	"path"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/gofiber/fiber/v2"
)

// GET /api/export.geojson, /api/export.csv, /api/export.kml and
// /api/export?format=geojson|csv|kml
func (s *Server) handleExport(c *fiber.Ctx) error {
	route := c.Route().Path
	sp := data.FilterSpec{Route: route, Paging: true}
	name := strings.TrimPrefix(path.Ext(route), ".")
	if name == "" {
		sp.Format, sp.Formats = "format", data.ExportFormats
	}
	q, err := parseQuery(c.Context().QueryArgs(), sp, s.now().Year())
	if err != nil {
		return err
	}
	if name == "" {
		name = cmp.Or(q.format, data.ExportFormats[0])
	}
	ct, _ := data.ExportContentType(name)
	c.Set(fiber.HeaderContentType, ct)
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
		n, err := data.WriteExport(w, s.store, q.filter, name)
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
			from = data.FirstYear
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
	for _, sec := range geo.Sectors {
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
