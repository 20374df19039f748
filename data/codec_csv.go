package data

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// CSVSourceGroups is how many sources the CSV export writes in numbered
// columns (source1_title, source1_url, …); further sources go, as a JSON
// array, into the column more_sources. Import reads any number of groups.
const CSVSourceGroups = 5

// csvColumns are the columns of an incident in CSV, in order. Import needs
// id, title, type, date, lon, lat, location_precision_m, summary,
// confidence and at least source1_title, source1_url and source1_publisher.
var csvColumns = []string{
	"id", "title", "type", "date", "date_precision", "lon", "lat", "location_precision_m", "location_note", "place",
	"direction", "persons", "persons_count", "killed", "wounded", "casualties_note", "summary", "confidence", "note",
	"tags", "path", "title_ko", "summary_ko", "place_ko", "disputes", "distinct_from",
	"persons_ko", "location_note_ko", "casualties_note_ko", "note_ko",
}

// csvComputed are exported for reading and ignored on import: the
// computed properties but side_certain (which follows from
// location_precision_m and distance_to_mdl_m), and dataset_version, the
// version of the dataset the export was made from.
var csvComputed = append(slices.DeleteFunc(slices.Clone(ComputedProperties), func(p string) bool { return p == "side_certain" }), "dataset_version")

var sourceFields = []string{"title", "url", "publisher", "published"}

// CSVHeader returns the header row of the CSV export.
func CSVHeader() []string {
	h := append([]string(nil), csvColumns...)
	for i := 1; i <= CSVSourceGroups; i++ {
		for _, f := range sourceFields {
			h = append(h, fmt.Sprintf("source%d_%s", i, f))
		}
	}
	h = append(h, "more_sources")
	return append(h, csvComputed...)
}

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
	var f featureJSON
	if err := json.Unmarshal(feature, &f); err != nil {
		return err
	}
	in, err := fromFeature(&f)
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

func lineWKT(ls orb.LineString) string {
	if len(ls) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("LINESTRING (")
	for i, p := range ls {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatFloat(p[0], 'f', -1, 64))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(p[1], 'f', -1, 64))
	}
	b.WriteByte(')')
	return b.String()
}

func parseLineWKT(s string) (orb.LineString, error) {
	s = strings.TrimSpace(s)
	upper := strings.ToUpper(s)
	if !strings.HasPrefix(upper, "LINESTRING") {
		return nil, fmt.Errorf("must be WKT like LINESTRING (126.7 37.99, 126.7 37.93)")
	}
	body := strings.TrimSpace(s[len("LINESTRING"):])
	if !strings.HasPrefix(body, "(") || !strings.HasSuffix(body, ")") {
		return nil, fmt.Errorf("must be WKT like LINESTRING (126.7 37.99, 126.7 37.93)")
	}
	parts := strings.Split(body[1:len(body)-1], ",")
	if len(parts) > MaxPathVertices {
		return nil, fmt.Errorf("has %d positions; the limit is %d", len(parts), MaxPathVertices)
	}
	ls := make(orb.LineString, 0, len(parts))
	for i, p := range parts {
		xy := strings.Fields(p)
		if len(xy) < 2 || len(xy) > 3 {
			return nil, fmt.Errorf("position %d must be \"lon lat\"", i)
		}
		lon, err1 := strconv.ParseFloat(xy[0], 64)
		lat, err2 := strconv.ParseFloat(xy[1], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("position %d must be two numbers \"lon lat\"", i)
		}
		ls = append(ls, orb.Point{lon, lat})
	}
	return ls, nil
}

// DecodeCSV reads incidents from CSV with a header row (the columns of
// CSVHeader; computed columns are ignored). Every bad row is reported,
// with Index set to its row number in the file (the header is row 1), and
// each incident is validated against mdl (which may be nil).
func DecodeCSV(r io.Reader, mdl *geo.MDL) ([]*Incident, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &Error{Kind: KindInvalid, Message: "the CSV is empty: it needs a header row"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	var bad []string
	known := map[string]bool{"more_sources": true}
	for _, c := range append(append([]string(nil), csvColumns...), csvComputed...) {
		known[c] = true
	}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := col[h]; dup {
			bad = append(bad, fmt.Sprintf("%s is repeated", shown(h)))
		}
		col[h] = i
		var n int
		var f string
		if known[h] {
			continue
		}
		if k, err := fmt.Sscanf(h, "source%d_%s", &n, &f); k == 2 && err == nil && n >= 1 && n <= MaxSources && contains(sourceFields, f) {
			continue
		}
		bad = append(bad, fmt.Sprintf("%s is not a known column", shown(h)))
	}
	for _, need := range []string{"id", "title", "type", "date", "lon", "lat", "location_precision_m", "summary", "confidence"} {
		if _, ok := col[need]; !ok {
			bad = append(bad, fmt.Sprintf("the column %q is missing", need))
		}
	}
	if len(bad) > 0 {
		fields := make([]FieldError, len(bad))
		one := 1
		for i, b := range bad {
			fields[i] = FieldError{Index: &one, Field: "header", Message: b}
		}
		return nil, &Error{Kind: KindInvalid, Message: "the CSV header is not valid", Fields: fields}
	}

	var out []*Incident
	var fields []FieldError
	total := 0
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		total++
		in, errs := csvIncident(rec, col)
		if len(errs) == 0 {
			if err := in.Validate(mdl); err != nil {
				var e *Error
				errors.As(err, &e)
				errs = e.Fields
			}
		}
		for _, e := range errs {
			rowN := row
			e.Index = &rowN
			fields = append(fields, e)
		}
		if len(errs) == 0 {
			out = append(out, in)
		}
	}
	if len(fields) > 0 {
		return nil, &Error{Kind: KindInvalid, Message: fmt.Sprintf("%d of %d rows are not valid incidents (index is the row number; the header is row 1)", countIndexes(fields), total), Fields: fields}
	}
	return out, nil
}

func csvError(err error) *Error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Kind: KindInvalid, Message: fmt.Sprintf("malformed CSV at line %d, column %d: %v", pe.Line, pe.Column, pe.Err)}
	}
	return &Error{Kind: KindInvalid, Message: "malformed CSV: " + err.Error()}
}

func csvIncident(rec []string, col map[string]int) (*Incident, []FieldError) {
	var errs []FieldError
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return csvRestore(strings.TrimSpace(rec[i]))
		}
		return ""
	}
	fail := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	number := func(field string) float64 {
		s := get(field)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			fail(field, "%s is not a number", shown(s))
		}
		return v
	}
	count := func(field string) *int {
		s := get(field)
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			fail(field, "%s is not a whole number (leave it empty when unknown)", shown(s))
			return nil
		}
		return &n
	}
	in := &Incident{
		ID: get("id"), Title: get("title"), Type: Type(get("type")),
		LocationNote: get("location_note"), Place: get("place"), Direction: Direction(get("direction")),
		Persons: get("persons"), Summary: get("summary"), Confidence: Confidence(get("confidence")), Note: get("note"),
		TitleKo: get("title_ko"), SummaryKo: get("summary_ko"), PlaceKo: get("place_ko"),
		PersonsKo: get("persons_ko"), LocationNoteKo: get("location_note_ko"), NoteKo: get("note_ko"),
	}
	if in.Direction == "" {
		in.Direction = NoDirection
	}
	if d, err := ParseDate(get("date")); err != nil {
		fail("date", "%v", err)
	} else {
		in.Date = d
		if p := get("date_precision"); p != "" && Precision(p) != d.Precision() {
			fail("date_precision", "is %s but the date %s is known to the %s", shown(p), d, d.Precision())
		}
	}
	in.Location = orb.Point{number("lon"), number("lat")}
	in.LocationPrecisionM = number("location_precision_m")
	in.PersonsCount = count("persons_count")
	in.Casualties = Casualties{Killed: count("killed"), Wounded: count("wounded"), Note: get("casualties_note"), NoteKo: get("casualties_note_ko")}
	if t := get("tags"); t != "" {
		for _, tag := range strings.Split(t, "|") {
			in.Tags = append(in.Tags, strings.TrimSpace(tag))
		}
	}
	if d := get("disputes"); d != "" {
		var ds []disputeJSON
		dec := json.NewDecoder(strings.NewReader(d))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ds); err != nil {
			fail("disputes", "must be a JSON array of {field, claims: [{value, value_ko, source}], note}")
		}
		in.Disputes = disputesFromJSON(ds)
	}
	if t := get("distinct_from"); t != "" {
		for _, id := range strings.Split(t, "|") {
			in.DistinctFrom = append(in.DistinctFrom, strings.TrimSpace(id))
		}
	}
	if p := get("path"); p != "" {
		ls, err := parseLineWKT(p)
		if err != nil {
			fail("path", "%v", err)
		}
		in.Path = ls
	}
	for n := 1; n <= MaxSources; n++ {
		s := Source{}
		for _, f := range sourceFields {
			v := get(fmt.Sprintf("source%d_%s", n, f))
			switch f {
			case "title":
				s.Title = v
			case "url":
				s.URL = v
			case "publisher":
				s.Publisher = v
			case "published":
				s.Published = v
			}
		}
		if s != (Source{}) {
			in.Sources = append(in.Sources, s)
		}
	}
	if more := get("more_sources"); more != "" {
		var extra []Source
		if err := json.Unmarshal([]byte(more), &extra); err != nil {
			fail("more_sources", "must be a JSON array of {title, url, publisher, published}")
		}
		in.Sources = append(in.Sources, extra...)
	}
	return in, errs
}

// csvFormulaStart says whether a cell starting with c is read as a formula
// by spreadsheets (OWASP's CSV injection list: =, +, -, @, tab, CR).
func csvFormulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// csvNeedsQuote says whether v is written with a leading single quote:
// it starts, after any single quotes, with a formula character, and is not
// a plain number such as -12.5.
func csvNeedsQuote(v string) bool {
	i := 0
	for i < len(v) && v[i] == '\'' {
		i++
	}
	if i == len(v) || !csvFormulaStart(v[i]) {
		return false
	}
	if i == 0 && v[0] == '-' {
		if _, err := strconv.ParseFloat(v, 64); err == nil && strings.Trim(v[1:], "0123456789.") == "" {
			return false
		}
	}
	return true
}

// csvNeutralise prefixes a single quote to a cell a spreadsheet would run as
// a formula, as OWASP recommends. A value that itself starts with quotes
// before a formula character gets one more, so csvRestore, which strips
// exactly one, gives back the value.
func csvNeutralise(v string) string {
	if csvNeedsQuote(v) {
		return "'" + v
	}
	return v
}

// csvRestore undoes csvNeutralise: it strips the one quote csvNeutralise
// adds, and leaves any other value as it is.
func csvRestore(v string) string {
	if len(v) > 1 && v[0] == '\'' && csvNeedsQuote(v[1:]) {
		return v[1:]
	}
	return v
}
