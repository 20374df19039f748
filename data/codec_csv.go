package data

// The columns of an incident in CSV and the rules of its cells; the export's
// writer is in codec_csv_encode.go, DecodeCSV in codec_csv_decode.go.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

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
