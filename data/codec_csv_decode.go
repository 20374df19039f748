package data

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

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
