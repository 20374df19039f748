package data

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"
)

// CSVWriter writes stored incident Features as CSV rows. A cell that a
// spreadsheet would run as a formula (one starting with =, +, -, @, tab or
// CR) is written with a leading single quote, which DecodeCSV strips.
type CSVWriter struct {
	w *csv.Writer
	// DatasetVersion fills the column dataset_version of every row.
	DatasetVersion string
}

// NewCSVWriter writes the header row to w and returns a writer for the rows.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	cw := &CSVWriter{w: csv.NewWriter(w)}
	return cw, cw.w.Write(CSVHeader())
}

// WriteFeature writes one stored Feature as a row.
func (cw *CSVWriter) WriteFeature(feature []byte) error {
	f, in, err := decodeStored(feature)
	if err != nil {
		return err
	}
	pr := f.Properties
	num := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	float := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	row := []string{
		in.ID, in.Title, string(in.Type), in.Date.String(), string(in.Date.Precision()), float(in.Location[0]), float(in.Location[1]),
		float(in.LocationPrecisionM), in.LocationNote, in.Place, string(in.Direction), in.Persons, num(in.PersonsCount),
		num(in.Casualties.Killed), num(in.Casualties.Wounded), in.Casualties.Note, in.Summary, string(in.Confidence), in.Note,
		strings.Join(in.Tags, "|"), lineWKT(in.Path), in.TitleKo, in.SummaryKo, in.PlaceKo, disputesCSV(in.Disputes),
		strings.Join(in.DistinctFrom, "|"),
		in.PersonsKo, in.LocationNoteKo, in.Casualties.NoteKo, in.NoteKo,
	}
	for i := 0; i < CSVSourceGroups; i++ {
		if i < len(in.Sources) {
			s := in.Sources[i]
			row = append(row, s.Title, s.URL, s.Publisher, s.Published)
		} else {
			row = append(row, "", "", "", "")
		}
	}
	more := ""
	if len(in.Sources) > CSVSourceGroups {
		b, _ := json.Marshal(in.Sources[CSVSourceGroups:])
		more = string(b)
	}
	row = append(row, more)
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return float(*p)
	}
	inDMZ := ""
	if pr.InDMZ != nil {
		inDMZ = strconv.FormatBool(*pr.InDMZ)
	}
	row = append(row, strconv.Itoa(in.Date.Year), opt(pr.DistanceToMDLM), pr.Side, opt(pr.MDLKm), pr.Sector, inDMZ,
		timeString(pr.Created), timeString(pr.Updated), cw.DatasetVersion)
	for i, v := range row {
		row[i] = csvNeutralise(v)
	}
	return cw.w.Write(row)
}

// disputesCSV is the disputes column: a JSON array, empty when there are none.
func disputesCSV(ds []Dispute) string {
	if len(ds) == 0 {
		return ""
	}
	b, _ := json.Marshal(disputesToJSON(ds))
	return string(b)
}

// Flush writes any buffered rows and reports a write error.
func (cw *CSVWriter) Flush() error {
	cw.w.Flush()
	return cw.w.Error()
}

func timeString(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
