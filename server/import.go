package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/gofiber/fiber/v2"
)

// The formats of a bulk import.
const (
	FormatGeoJSON = "geojson" // a FeatureCollection; a record's index is its feature index, from 0
	FormatCSV     = "csv"     // data's CSV columns; a record's index is its row number, the header being row 1
)

// mediaCSV is the media type of CSV (RFC 4180), without parameters.
const mediaCSV = "text/csv"

// POST /api/import
func (s *Server) handleImport(c *fiber.Ctx) error {
	ed, err := s.editor()
	if err != nil {
		return err
	}
	mt, err := requireType(c, data.ContentTypeGeoJSON, fiber.MIMEApplicationJSON, mediaCSV)
	if err != nil {
		return err
	}
	opt, err := importOptions(c)
	if err != nil {
		return err
	}
	if opt.Reason, err = reasonOf(c); err != nil {
		return err
	}
	format := FormatGeoJSON
	if mt == mediaCSV {
		format = FormatCSV
	}
	res, err := Import(ed, s.mdl, c.Body(), format, opt)
	if err != nil {
		return unprocessable(err)
	}
	if !res.DryRun {
		s.log.Info("import", "created", res.Created, "updated", res.Updated, "ip", s.clientIP(c))
	}
	return c.JSON(res)
}

// importOptions reads dry_run=true|false and mode=create|upsert.
func importOptions(c *fiber.Ctx) (data.ImportOptions, error) {
	opt := data.ImportOptions{Mode: data.ModeCreate}
	var errs queryError
	seen := map[string]bool{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		name, val := string(k), string(v)
		if seen[name] {
			errs = append(errs, paramError{displayName(name), "is given more than once"})
			return
		}
		seen[name] = true
		switch name {
		case "dry_run":
			switch val {
			case "", "false":
			case "true":
				opt.DryRun = true
			default:
				errs = append(errs, paramError{name, quote(val) + " is not true or false"})
			}
		case "mode":
			switch data.Mode(val) {
			case "", data.ModeCreate:
			case data.ModeUpsert:
				opt.Mode = data.ModeUpsert
			default:
				errs = append(errs, paramError{name, quote(val) + " is not a mode: expected create (refuse ids already stored) or upsert (create or replace by id)"})
			}
		default:
			errs = append(errs, paramError{displayName(name), "is not a parameter of /api/import; its parameters are dry_run, mode"})
		}
	})
	if len(errs) > 0 {
		return opt, errs
	}
	return opt, nil
}

// ValidateImport decodes body in format and checks every record as Import
// does, without a store: each one against the rules of an incident and mdl,
// and ids repeated in the input. It returns how many incidents body holds.
func ValidateImport(mdl *geo.MDL, body []byte, format string) (int, error) {
	ins, _, err := decodeImport(mdl, body, format)
	return len(ins), err
}

// Import decodes a GeoJSON FeatureCollection or a CSV (format FormatGeoJSON
// or FormatCSV), checks every record against the rules of an incident and
// mdl, and writes them all to ed in one transaction, or none. Its error, a
// *data.Error, lists every bad record by its index (see FormatGeoJSON and
// FormatCSV) and field: invalid records, ids repeated in the input, and in
// data.ModeCreate ids already stored.
func Import(ed Editor, mdl *geo.MDL, body []byte, format string, opt data.ImportOptions) (data.ImportResult, error) {
	ins, index, err := decodeImport(mdl, body, format)
	if err != nil {
		return data.ImportResult{DryRun: opt.DryRun}, err
	}
	if opt.Mode == "" || opt.Mode == data.ModeCreate {
		var fields []data.FieldError
		for i, in := range ins {
			if _, err := ed.Feature(in.ID); err == nil {
				fields = append(fields, data.FieldError{Index: &index[i], Field: "id",
					Message: fmt.Sprintf("%s is already stored: import with mode upsert to replace it", quote(in.ID))})
			} else if data.ErrorKind(err) != data.KindNotFound {
				return data.ImportResult{DryRun: opt.DryRun}, err
			}
		}
		if len(fields) > 0 {
			return data.ImportResult{DryRun: opt.DryRun}, &data.Error{Kind: data.KindConflict, Fields: fields,
				Message: fmt.Sprintf("%d of %d incidents have an id already stored; nothing was written", len(fields), len(ins))}
		}
	}
	res, err := ed.Import(ins, opt)
	return res, reindex(err, index)
}

// decodeImport decodes body and returns its incidents with the index of
// each in the input's terms.
func decodeImport(mdl *geo.MDL, body []byte, format string) ([]*data.Incident, []int, error) {
	var (
		ins   []*data.Incident
		index []int
		err   error
		what  = "feature"
	)
	switch format {
	case FormatGeoJSON:
		if ins, err = data.DecodeFeatureCollection(bytes.NewReader(body), mdl); err == nil {
			index = make([]int, len(ins))
			for i := range index {
				index[i] = i
			}
		}
	case FormatCSV:
		what = "row"
		if ins, err = data.DecodeCSV(bytes.NewReader(body), mdl); err == nil {
			index = csvRows(body, len(ins))
		}
	default:
		return nil, nil, fmt.Errorf("unknown import format %q", format)
	}
	if err != nil {
		return nil, nil, err
	}
	var fields []data.FieldError
	seen := make(map[string]int, len(ins))
	for i, in := range ins {
		// The store sets created and updated, as for a POST: an import
		// cannot backdate an incident.
		in.Created, in.Updated = time.Time{}, time.Time{}
		if j, dup := seen[in.ID]; dup {
			fields = append(fields, data.FieldError{Index: &index[i], Field: "id",
				Message: fmt.Sprintf("%s is also the id of %s %d", quote(in.ID), what, index[j])})
			continue
		}
		seen[in.ID] = i
	}
	if len(fields) > 0 {
		return nil, nil, &data.Error{Kind: data.KindInvalid, Fields: fields,
			Message: fmt.Sprintf("%d of %d incidents repeat an id; nothing was written", len(fields), len(ins))}
	}
	return ins, index, nil
}

// csvRows returns the row number of each of the n incidents data.DecodeCSV
// read from body, counting rows as it does: the header is row 1, and a
// blank row is counted but holds no incident.
func csvRows(body []byte, n int) []int {
	rows := make([]int, 0, n)
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	if _, err := cr.Read(); err == nil {
		for row := 2; len(rows) < n; row++ {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			rows = append(rows, row)
		}
	}
	next := 2
	if len(rows) > 0 {
		next = rows[len(rows)-1] + 1
	}
	for len(rows) < n {
		rows = append(rows, next)
		next++
	}
	return rows
}

// reindex turns the positions data.Store.Import gives its bad records into
// indexes of the input.
func reindex(err error, index []int) error {
	var de *data.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	out := *de
	out.Fields = make([]data.FieldError, len(de.Fields))
	for i, f := range de.Fields {
		if f.Index != nil && *f.Index >= 0 && *f.Index < len(index) {
			f.Index = &index[*f.Index]
		}
		out.Fields[i] = f
	}
	return &out
}
