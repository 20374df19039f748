package server

import (
	"bufio"
	"slices"
	"strconv"
	"strings"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// GET /api/export.geojson
func (s *Server) handleExport(c *fiber.Ctx) error {
	q, err := s.parseQuery(c, "/api/export.geojson", true, 0)
	if err != nil {
		return err
	}
	thisYear := s.now().Year()
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+exportName(q, thisYear)+`"`)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		fc := newCollection(w)
		res, err := s.store.Query(q.filter, fc.add)
		if err == nil {
			err = fc.end(res)
		}
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			// The status is sent: the client gets a truncated, invalid
			// document, which no GeoJSON reader takes for a whole one.
			s.log.Warn("export stopped", "err", err, "features", fc.n)
		}
	})
	return nil
}

var directionNames = map[data.Direction]string{
	data.NorthToSouth: "north-to-south",
	data.SouthToNorth: "south-to-north",
	data.NoDirection:  "no-direction",
}

// exportName is the file name of an export that says its filter:
// dmz-incidents-2017.geojson, dmz-incidents-1990-2025-crossing-north-to-south.geojson,
// dmz-incidents-all-western-filtered.geojson.
func exportName(q query, thisYear int) string {
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
	b.WriteString(".geojson")
	return b.String()
}
