package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/geo"
)

// The formats of a bulk import.
const (
	FormatGeoJSON = "geojson" // a FeatureCollection; a record's index is its feature index, from 0
	FormatCSV     = "csv"     // the CSV columns of NewCSVWriter; a record's index is its row number, the header being row 1
)

// ValidateImport decodes body in format and checks every record as
// ImportFile does, without a store: each one against the rules of an
// incident and mdl, and ids repeated in the input. It returns how many
// incidents body holds.
func ValidateImport(mdl *geo.MDL, body []byte, format string) (int, error) {
	ins, _, err := decodeImport(mdl, body, format)
	return len(ins), err
}

// ImportFile decodes a GeoJSON FeatureCollection or a CSV (format
// FormatGeoJSON or FormatCSV), checks every record against the rules of an
// incident and the store's MDL, and writes them all with Import, in one
// transaction, or none. Its error, an *Error, lists every bad record by
// its index (see FormatGeoJSON and FormatCSV) and field: invalid records,
// ids repeated in the input, and in ModeCreate ids already stored.
func (s *Store) ImportFile(body []byte, format string, opt ImportOptions) (ImportResult, error) {
	ins, index, err := decodeImport(s.mdl, body, format)
	if err != nil {
		return ImportResult{DryRun: opt.DryRun}, err
	}
	if opt.Mode == "" || opt.Mode == ModeCreate {
		var fields []FieldError
		for i, in := range ins {
			if _, err := s.Feature(in.ID); err == nil {
				fields = append(fields, FieldError{Index: &index[i], Field: "id",
					Message: fmt.Sprintf("%s is already stored: import with mode upsert to replace it", Quote(in.ID))})
			} else if ErrorKind(err) != KindNotFound {
				return ImportResult{DryRun: opt.DryRun}, err
			}
		}
		if len(fields) > 0 {
			return ImportResult{DryRun: opt.DryRun}, &Error{Kind: KindConflict, Fields: fields,
				Message: fmt.Sprintf("%d of %d incidents have an id already stored; nothing was written", len(fields), len(ins))}
		}
	}
	res, err := s.Import(ins, opt)
	return res, reindex(err, index)
}

// decodeImport decodes body and returns its incidents with the index of
// each in the input's terms.
func decodeImport(mdl *geo.MDL, body []byte, format string) ([]*Incident, []int, error) {
	var (
		ins   []*Incident
		index []int
		err   error
		what  = "feature"
	)
	switch format {
	case FormatGeoJSON:
		if ins, err = DecodeFeatureCollection(bytes.NewReader(body), mdl); err == nil {
			index = make([]int, len(ins))
			for i := range index {
				index[i] = i
			}
		}
	case FormatCSV:
		what = "row"
		if ins, err = DecodeCSV(bytes.NewReader(body), mdl); err == nil {
			index = csvRows(body, len(ins))
		}
	default:
		return nil, nil, fmt.Errorf("unknown import format %q", format)
	}
	if err != nil {
		return nil, nil, err
	}
	var fields []FieldError
	seen := make(map[string]int, len(ins))
	for i, in := range ins {
		// The store sets created and updated, as for a POST: an import
		// cannot backdate an incident.
		in.Created, in.Updated = time.Time{}, time.Time{}
		if j, dup := seen[in.ID]; dup {
			fields = append(fields, FieldError{Index: &index[i], Field: "id",
				Message: fmt.Sprintf("%s is also the id of %s %d", Quote(in.ID), what, index[j])})
			continue
		}
		seen[in.ID] = i
	}
	if len(fields) > 0 {
		return nil, nil, &Error{Kind: KindInvalid, Fields: fields,
			Message: fmt.Sprintf("%d of %d incidents repeat an id; nothing was written", len(fields), len(ins))}
	}
	return ins, index, nil
}

// csvRows returns the row number of each of the n incidents DecodeCSV read
// from body, counting rows as it does: the header is row 1, and a blank row
// is counted but holds no incident.
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

// reindex turns the positions Import gives its bad records into indexes
// of the input.
func reindex(err error, index []int) error {
	var de *Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	out := *de
	out.Fields = make([]FieldError, len(de.Fields))
	for i, f := range de.Fields {
		if f.Index != nil && *f.Index >= 0 && *f.Index < len(index) {
			f.Index = &index[*f.Index]
		}
		out.Fields[i] = f
	}
	return &out
}
