package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The OGC items carry fields GIS clients can type beside the ones stored:
// QGIS types a field from its first values, so a date known only to the
// month ("1970-04") became NULL there, and an array of objects (sources)
// NULL on every incident.

// gisFields are the properties added to an incident or crossing-point
// Feature of /ogc.
type gisFields struct {
	DateStart   string `json:"date_start"`             // the first day of the period the date names
	DateEnd     string `json:"date_end"`               // its last day
	SourcesText string `json:"sources_text,omitempty"` // the sources as one line of text (incidents)
}

// DatePeriod returns the first and last days of the period date names:
// the day itself, or all of a month or a year.
func DatePeriod(d Date) (start, end time.Time) {
	switch {
	case d.Month == 0:
		return time.Date(d.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(d.Year, 12, 31, 0, 0, 0, 0, time.UTC)
	case d.Day == 0:
		start = time.Date(d.Year, time.Month(d.Month), 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(0, 1, -1)
	}
	t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
	return t, t
}

// SourcesText writes sources as one line: each "title (publisher,
// published) url", joined by " | ".
func SourcesText(sources []Source) string {
	parts := make([]string, 0, len(sources))
	for _, s := range sources {
		var b strings.Builder
		b.WriteString(s.Title)
		if s.Publisher != "" || s.Published != "" {
			b.WriteString(" (")
			b.WriteString(s.Publisher)
			if s.Publisher != "" && s.Published != "" {
				b.WriteString(", ")
			}
			b.WriteString(s.Published)
			b.WriteString(")")
		}
		if s.URL != "" {
			b.WriteString(" ")
			b.WriteString(s.URL)
		}
		parts = append(parts, strings.Join(strings.Fields(b.String()), " "))
	}
	return strings.Join(parts, " | ")
}

var dateMember = []byte(`"date":"`)

// WithGISFields returns feature with date_start, date_end and sources_text
// written after its date, appended to dst; a Feature without a date (the
// MDL) is returned as it is.
func WithGISFields(dst, feature []byte) ([]byte, error) {
	props := bytes.Index(feature, []byte(`"properties":{`))
	if props < 0 {
		return append(dst, feature...), nil
	}
	// The first "date":" after the properties open is the incident's
	// date: a quote inside a string is escaped, so no string holds it.
	at := bytes.Index(feature[props:], dateMember)
	if at < 0 {
		return append(dst, feature...), nil
	}
	at += props + len(dateMember)
	end := bytes.IndexByte(feature[at:], '"')
	if end < 0 {
		return nil, fmt.Errorf("a stored feature: its date is not closed")
	}
	end += at
	if out, ok := appendGISFieldsFast(dst, feature, props, at, end); ok {
		return out, nil
	}
	return withGISFieldsJSON(dst, feature, props, at, end)
}

// withGISFieldsJSON is WithGISFields through encoding/json: the reference
// of appendGISFieldsFast, and what reads a Feature it does not.
func withGISFieldsJSON(dst, feature []byte, props, at, end int) ([]byte, error) {
	d, err := ParseDate(string(feature[at:end]))
	if err != nil {
		return nil, fmt.Errorf("a stored feature: %w", err)
	}
	start, last := DatePeriod(d)
	g := gisFields{DateStart: start.Format(time.DateOnly), DateEnd: last.Format(time.DateOnly)}
	if bytes.Contains(feature[props:], []byte(`"sources":[`)) {
		var f struct {
			Properties struct {
				Sources []Source `json:"sources"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(feature, &f); err != nil {
			return nil, fmt.Errorf("a stored feature: %w", err)
		}
		g.SourcesText = SourcesText(f.Properties.Sources)
	}
	fields, err := json.Marshal(g)
	if err != nil {
		return nil, err
	}
	dst = append(dst, feature[:end+1]...)
	dst = append(dst, ',')
	dst = append(dst, fields[1:len(fields)-1]...)
	return append(dst, feature[end+1:]...), nil
}
