// Package data holds the incident model and its validation, the bbolt store
// with its indexes, the codecs (GeoJSON, CSV) and the embedded data files.
package data

import (
	"fmt"
	"strconv"
	"time"

	"github.com/paulmach/orb"
)

// Type is the kind of an incident.
type Type string

// The incident types.
const (
	TypeCrossing     Type = "crossing"     // a person or group going over the MDL to the other side
	TypeIncursion    Type = "incursion"    // troops stepping over the line and withdrawing
	TypeInfiltration Type = "infiltration" // armed or covert entry
	TypeShooting     Type = "shooting"     // an exchange of fire, an ambush, shelling
	TypeTunnel       Type = "tunnel"       // a tunnel found, or an incident in one
	TypeLandmine     Type = "landmine"     // a mine blast
	TypeAbduction    Type = "abduction"    // a person taken over the line
	TypeOther        Type = "other"        // armistice events, summits, demolitions…
)

// Types lists every incident type in a fixed order.
var Types = []Type{TypeCrossing, TypeIncursion, TypeInfiltration, TypeShooting, TypeTunnel, TypeLandmine, TypeAbduction, TypeOther}

// Direction says which way over the MDL an incident went.
type Direction string

// The directions.
const (
	NorthToSouth Direction = "north_to_south"
	SouthToNorth Direction = "south_to_north"
	NoDirection  Direction = "none"
)

// Directions lists every direction in a fixed order.
var Directions = []Direction{NorthToSouth, SouthToNorth, NoDirection}

// Confidence says how well the key facts of an incident are sourced.
type Confidence string

// The confidence levels.
const (
	ConfidenceHigh   Confidence = "high"
	ConfidenceMedium Confidence = "medium"
	ConfidenceLow    Confidence = "low"
)

// Precision says how much of a date is known.
type Precision string

// The date precisions.
const (
	PrecisionDay   Precision = "day"
	PrecisionMonth Precision = "month"
	PrecisionYear  Precision = "year"
)

// Date is a calendar date known to the day, the month or only the year:
// Month and Day are 0 where they are unknown.
type Date struct {
	Year, Month, Day int
}

// ParseDate reads YYYY-MM-DD, YYYY-MM or YYYY.
func ParseDate(s string) (Date, error) {
	var d Date
	bad := fmt.Errorf("%s is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY", shown(s))
	num := func(part string) (int, bool) {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(part)
		return n, err == nil
	}
	var ok bool
	switch len(s) {
	case 4:
		d.Year, ok = num(s)
	case 7:
		if s[4] != '-' {
			return d, bad
		}
		if d.Year, ok = num(s[:4]); ok {
			d.Month, ok = num(s[5:])
		}
	case 10:
		if s[4] != '-' || s[7] != '-' {
			return d, bad
		}
		if d.Year, ok = num(s[:4]); ok {
			if d.Month, ok = num(s[5:7]); ok {
				d.Day, ok = num(s[8:])
			}
		}
	}
	if !ok {
		return Date{}, bad
	}
	if len(s) >= 7 && (d.Month < 1 || d.Month > 12) {
		return Date{}, fmt.Errorf("%q has no month %d", s, d.Month)
	}
	if len(s) == 10 {
		t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
		if d.Day < 1 || t.Day() != d.Day {
			return Date{}, fmt.Errorf("%q is not a day of the calendar", s)
		}
	}
	return d, nil
}

// Precision returns how much of d is known.
func (d Date) Precision() Precision {
	switch {
	case d.Month == 0:
		return PrecisionYear
	case d.Day == 0:
		return PrecisionMonth
	}
	return PrecisionDay
}

// String formats d at its precision.
func (d Date) String() string {
	switch d.Precision() {
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Key is the date key of d (see DateKey).
func (d Date) Key() uint32 { return DateKey(d.Year, d.Month, d.Day) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.Year == 0 }

// ComputedProperties are the properties of a Feature the store computes
// when it writes an incident (created and updated among them): an input or
// a patch may carry them, and they are dropped.
var ComputedProperties = []string{"year", "distance_to_mdl_m", "side", "side_certain", "mdl_km", "sector", "in_dmz", "created", "updated"}

// Casualties counts the people killed and wounded; nil means unknown.
type Casualties struct {
	Killed  *int   `json:"killed"`
	Wounded *int   `json:"wounded"`
	Note    string `json:"note,omitempty"`
	NoteKo  string `json:"note_ko,omitempty"` // the note in Korean
}

// Source is a published report an incident rests on.
type Source struct {
	Title     string `json:"title"`
	URL       string `json:"url"`
	Publisher string `json:"publisher"`
	Published string `json:"published,omitempty"` // YYYY-MM-DD, YYYY-MM or YYYY; empty when unknown
}

// DisputeFields are the fields a Dispute may be about.
var DisputeFields = []string{"date", "time", "place", "persons", "casualties", "direction", "details"}

// Claim is what one source says about a disputed field.
type Claim struct {
	Value   string `json:"value"`
	ValueKo string `json:"value_ko,omitempty"`
	Source  int    `json:"source"` // index into the incident's Sources
}

// Dispute records that the sources of an incident disagree on one field:
// at least two claims, each naming its source, and a note that may say
// which claim the record follows and why.
type Dispute struct {
	Field  string  `json:"field"`
	Claims []Claim `json:"claims"`
	Note   string  `json:"note,omitempty"`
}

// Incident is one documented event on or near the MDL. The fields ending
// in Ko are the Korean text of the fields they follow.
type Incident struct {
	ID                 string
	Title              string
	TitleKo            string
	Type               Type
	Date               Date
	Location           orb.Point
	LocationPrecisionM float64 // radius within which the true place lies, metres
	LocationNote       string
	LocationNoteKo     string
	Place              string
	PlaceKo            string
	Path               orb.LineString // the tracked route, if known
	Direction          Direction
	Persons            string
	PersonsKo          string
	PersonsCount       *int
	Casualties         Casualties
	Summary            string
	SummaryKo          string
	Sources            []Source
	Disputes           []Dispute // where the sources disagree
	Confidence         Confidence
	Note               string // what is uncertain, or where sources disagree
	NoteKo             string
	Tags               []string
	DistinctFrom       []string // ids of incidents of the same day and place that are separate events
	Created            time.Time
	Updated            time.Time
}
