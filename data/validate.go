package data

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dmzmap/dmzmap/geo"
	"github.com/paulmach/orb"
)

// Limits on what an incident may hold.
const (
	MaxPathVertices = 10000
	MaxSources      = 20
	MaxTags         = 20
	MaxDisputes     = 20
	MaxClaims       = 10
	MaxDistinctFrom = 20
	maxTitle        = 200
	maxSummary      = 5000
	maxNote         = 2000
	maxShort        = 500 // place, persons, location note, source fields
	maxURL          = 2000
	maxPrecisionM   = 200000
)

// FirstYear is the earliest year of an incident and of a query: the
// armistice drew the MDL on 27 July 1953.
const FirstYear = 1953

// Region is the box an incident's coordinates must fall in: the Korean
// peninsula with its seas. It catches swapped longitude and latitude.
var Region = orb.Bound{Min: orb.Point{123, 33}, Max: orb.Point{132, 44}}

var (
	idPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,79}$`)
	tagPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
)

// IDRule says what an incident id is, for messages about one that is not.
const IDRule = "an id is 3 to 80 characters of a-z, 0-9 and '-', like 2017-11-13-jsa-defection"

// ValidID reports whether id is a well-formed incident id.
func ValidID(id string) bool { return idPattern.MatchString(id) }

type checker struct{ errs []FieldError }

func (c *checker) add(field, format string, args ...any) {
	c.errs = append(c.errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// text checks a string field: valid UTF-8, no control characters but
// newlines and tabs where multiline is set, and at most max characters.
func (c *checker) text(field, s string, required bool, max int, multiline bool) {
	if !utf8.ValidString(s) {
		c.add(field, "is not valid UTF-8")
		return
	}
	if required && strings.TrimSpace(s) == "" {
		c.add(field, "is required")
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		c.add(field, "is %d characters long; the limit is %d", n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r')) {
			c.add(field, "holds a control character (U+%04X)", r)
			return
		}
	}
}

func (c *checker) point(field string, p orb.Point) {
	lon, lat := p[0], p[1]
	switch {
	case math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0):
		c.add(field, "coordinates must be finite numbers")
	case lon < -180 || lon > 180 || lat < -90 || lat > 90:
		c.add(field, "[%g, %g] is out of range: longitude must be within ±180 and latitude within ±90, in the order [lon, lat]", lon, lat)
	case !Region.Contains(p):
		c.add(field, "[%g, %g] is outside the Korean peninsula (longitude %g to %g, latitude %g to %g); check the order is [lon, lat]",
			lon, lat, Region.Min[0], Region.Max[0], Region.Min[1], Region.Max[1])
	}
}

// Validate checks every field of in and returns an *Error of kind
// KindInvalid listing every problem, or nil. With an MDL it also checks that a
// path's crossings agree with the recorded direction.
func (in *Incident) Validate(mdl *geo.MDL) error {
	var c checker
	if !ValidID(in.ID) {
		c.add("id", "%s must be 3 to 80 characters of a-z, 0-9 and '-', starting with a letter or digit", shown(in.ID))
	}
	c.text("title", in.Title, true, maxTitle, false)
	c.text("title_ko", in.TitleKo, false, maxTitle, false)
	if !validType(in.Type) {
		c.add("type", "%s is not one of %s", shown(string(in.Type)), joinTypes())
	}
	switch {
	case in.Date.IsZero():
		c.add("date", "is required (YYYY-MM-DD, YYYY-MM or YYYY)")
	case in.Date.Year < FirstYear:
		c.add("date", "%s is before the armistice of 1953 that drew the MDL", in.Date)
	case in.Date.Key() > today():
		c.add("date", "%s is in the future", in.Date)
	}
	c.point("geometry", in.Location)
	switch p := in.LocationPrecisionM; {
	case math.IsNaN(p) || p <= 0 || p > maxPrecisionM:
		c.add("location_precision_m", "must be a number of metres above 0 and at most %d", maxPrecisionM)
	}
	c.text("location_note", in.LocationNote, false, maxShort, false)
	c.text("location_note_ko", in.LocationNoteKo, false, maxShort, false)
	c.text("place", in.Place, false, maxShort, false)
	c.text("place_ko", in.PlaceKo, false, maxShort, false)
	if in.Path != nil {
		switch n := len(in.Path); {
		case n < 2:
			c.add("path", "a LineString needs at least 2 positions, got %d", n)
		case n > MaxPathVertices:
			c.add("path", "has %d positions; the limit is %d", n, MaxPathVertices)
		default:
			for i, p := range in.Path {
				before := len(c.errs)
				c.point(fmt.Sprintf("path[%d]", i), p)
				if len(c.errs) > before {
					break
				}
			}
		}
	}
	switch in.Direction {
	case NorthToSouth, SouthToNorth:
	case NoDirection:
		if in.Type == TypeCrossing {
			c.add("direction", "a crossing must say which way it went: north_to_south or south_to_north")
		}
	default:
		c.add("direction", "%s is not one of north_to_south, south_to_north, none", shown(string(in.Direction)))
	}
	if mdl != nil && len(in.Path) >= 2 && len(in.Path) <= MaxPathVertices && len(c.errs) == 0 {
		if got := Direction(mdl.PathDirection(in.Path)); got != NoDirection && in.Direction != got {
			c.add("direction", "is %s but the path crosses the MDL %s", in.Direction, got)
		}
	}
	c.text("persons", in.Persons, false, maxShort, false)
	c.text("persons_ko", in.PersonsKo, false, maxShort, false)
	if in.PersonsCount != nil && (*in.PersonsCount < 0 || *in.PersonsCount > 1000000) {
		c.add("persons_count", "must be a count from 0 to 1000000")
	}
	for field, n := range map[string]*int{"casualties.killed": in.Casualties.Killed, "casualties.wounded": in.Casualties.Wounded} {
		if n != nil && (*n < 0 || *n > 1000000) {
			c.add(field, "must be a count from 0 to 1000000, or null when unknown")
		}
	}
	c.text("casualties.note", in.Casualties.Note, false, maxShort, false)
	c.text("casualties.note_ko", in.Casualties.NoteKo, false, maxShort, false)
	c.text("summary", in.Summary, true, maxSummary, true)
	c.text("summary_ko", in.SummaryKo, false, maxSummary, true)
	switch n := len(in.Sources); {
	case n == 0:
		c.add("sources", "at least one source is required")
	case n > MaxSources:
		c.add("sources", "has %d sources; the limit is %d", n, MaxSources)
	}
	for i, s := range in.Sources[:min(len(in.Sources), MaxSources)] {
		f := fmt.Sprintf("sources[%d]", i)
		c.text(f+".title", s.Title, true, maxShort, false)
		c.text(f+".publisher", s.Publisher, true, maxShort, false)
		if msg := checkURL(s.URL); msg != "" {
			c.add(f+".url", "%s", msg)
		}
		if s.Published != "" {
			if _, err := ParseDate(s.Published); err != nil {
				c.add(f+".published", "%v", err)
			}
		}
	}
	c.disputes(in.Disputes, len(in.Sources))
	switch in.Confidence {
	case ConfidenceHigh, ConfidenceMedium, ConfidenceLow:
	default:
		c.add("confidence", "%s is not one of high, medium, low", shown(string(in.Confidence)))
	}
	c.text("note", in.Note, false, maxNote, true)
	c.text("note_ko", in.NoteKo, false, maxNote, true)
	if len(in.Tags) > MaxTags {
		c.add("tags", "has %d tags; the limit is %d", len(in.Tags), MaxTags)
	}
	seen := map[string]bool{}
	for i, t := range in.Tags[:min(len(in.Tags), MaxTags)] {
		switch {
		case !tagPattern.MatchString(t):
			c.add(fmt.Sprintf("tags[%d]", i), "%s must be 1 to 40 characters of a-z, 0-9 and '-'", shown(t))
		case seen[t]:
			c.add(fmt.Sprintf("tags[%d]", i), "%s is repeated", shown(t))
		}
		seen[t] = true
	}
	c.distinctFrom(in.ID, in.DistinctFrom)
	if len(c.errs) > 0 {
		return &Error{Kind: KindInvalid, Message: "the incident is not valid", Fields: c.errs}
	}
	return nil
}

// disputes checks that each dispute names a known field and holds at least
// two claims, each with a value and the index of one of the nsources sources.
func (c *checker) disputes(ds []Dispute, nsources int) {
	if len(ds) > MaxDisputes {
		c.add("disputes", "has %d disputes; the limit is %d", len(ds), MaxDisputes)
		ds = ds[:MaxDisputes]
	}
	for i, d := range ds {
		f := fmt.Sprintf("disputes[%d]", i)
		if !contains(DisputeFields, d.Field) {
			c.add(f+".field", "%s is not one of %s", shown(d.Field), strings.Join(DisputeFields, ", "))
		}
		switch n := len(d.Claims); {
		case n < 2:
			c.add(f+".claims", "a dispute needs at least two claims, got %d", n)
		case n > MaxClaims:
			c.add(f+".claims", "has %d claims; the limit is %d", n, MaxClaims)
		}
		for j, cl := range d.Claims[:min(len(d.Claims), MaxClaims)] {
			cf := fmt.Sprintf("%s.claims[%d]", f, j)
			c.text(cf+".value", cl.Value, true, maxShort, false)
			c.text(cf+".value_ko", cl.ValueKo, false, maxShort, false)
			if cl.Source < 0 || cl.Source >= nsources {
				c.add(cf+".source", "must be the index of one of the incident's %d sources (0 to %d)", nsources, nsources-1)
			}
		}
		c.text(f+".note", d.Note, false, maxNote, true)
	}
}

// distinctFrom checks the ids of the incidents one says it is distinct from.
func (c *checker) distinctFrom(id string, ids []string) {
	if len(ids) > MaxDistinctFrom {
		c.add("distinct_from", "has %d ids; the limit is %d", len(ids), MaxDistinctFrom)
		ids = ids[:MaxDistinctFrom]
	}
	seen := map[string]bool{}
	for i, other := range ids {
		f := fmt.Sprintf("distinct_from[%d]", i)
		switch {
		case !ValidID(other):
			c.add(f, "%s is not an incident id: 3 to 80 characters of a-z, 0-9 and '-'", shown(other))
		case other == id:
			c.add(f, "an incident cannot be distinct from itself")
		case seen[other]:
			c.add(f, "%s is repeated", shown(other))
		}
		seen[other] = true
	}
}

// shown quotes a value from the input for a message (Quote: cut to 40
// characters, so that no message repeats a large input back).
func shown(s string) string { return Quote(s) }

func checkURL(s string) string {
	if s == "" {
		return "is required"
	}
	if len(s) > maxURL {
		return fmt.Sprintf("is %d characters long; the limit is %d", len(s), maxURL)
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q must be an absolute http or https URL", s)
	}
	return ""
}

func validType(t Type) bool {
	for _, v := range Types {
		if t == v {
			return true
		}
	}
	return false
}

func joinTypes() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// today is the date key of the current day, one day ahead to allow for time zones.
func today() uint32 {
	t := time.Now().UTC().Add(24 * time.Hour)
	return Date{t.Year(), int(t.Month()), t.Day()}.Key()
}
