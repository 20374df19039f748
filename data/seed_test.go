package data

import (
	"errors"
	"strings"
	"testing"
)

func TestSeedIsValidAndSourced(t *testing.T) {
	ins, err := SeedIncidents(mdl(t))
	if err != nil {
		t.Fatalf("SeedIncidents: %v", err)
	}
	if len(ins) < 60 {
		t.Errorf("the seed holds %d incidents, want at least 60", len(ins))
	}
	seen := map[string]bool{}
	var last Date
	for i, in := range ins {
		if seen[in.ID] {
			t.Errorf("id %s is repeated", in.ID)
		}
		seen[in.ID] = true
		if len(in.Sources) == 0 {
			t.Errorf("%s has no source", in.ID)
		}
		for _, s := range in.Sources {
			if !strings.HasPrefix(s.URL, "http") {
				t.Errorf("%s: source URL %q", in.ID, s.URL)
			}
		}
		if in.Date.Year < 1953 || in.Date.Year > 2025 {
			t.Errorf("%s: date %s outside 1953–2025", in.ID, in.Date)
		}
		if i > 0 && in.Date.Key() < last.Key() {
			t.Errorf("%s (%s) comes after %s: the file is not in date order", in.ID, in.Date, last)
		}
		last = in.Date
		if in.Confidence != ConfidenceHigh && in.Note == "" {
			t.Errorf("%s has %s confidence but no note saying why", in.ID, in.Confidence)
		}
		if !idHoldsDate(in.ID, in.Date) {
			t.Errorf("id %s does not start with its date %s", in.ID, in.Date)
		}
	}
}

// correctedDates are the incidents whose date the research of dataset
// 2026.12.1 corrected: an id is stable, so it keeps the date it was minted
// with (see data/CHANGES.md).
var correctedDates = map[string]string{
	"1981-03-geumhwa-infiltration":           "1980-03-27",
	"2015-06-15-teenage-kpa-soldier-defects": "2015-06-14",
}

// idHoldsDate reports whether id starts with the date d, or with its month
// when the id was minted before the day was known (2010-03-words for
// 2010-03-02), or is one of the correctedDates.
func idHoldsDate(id string, d Date) bool {
	date := d.String()
	switch {
	case strings.HasPrefix(id, date), correctedDates[id] == date:
		return true
	case len(id) > 8 && id[7] == '-' && (id[8] < '0' || id[8] > '9'):
		return d.Precision() == PrecisionDay && strings.HasPrefix(date, id[:7])
	}
	return false
}

// TestSeedHoldsTheIncidentsUsersLookFor pins the incidents the dataset is
// cited for, with the facts the research settled.
func TestSeedHoldsTheIncidentsUsersLookFor(t *testing.T) {
	ins, err := SeedIncidents(mdl(t))
	if err != nil {
		t.Fatal(err)
	}
	find := func(date string, typ Type, dir Direction) *Incident {
		for _, in := range ins {
			if in.Date.String() == date && in.Type == typ && in.Direction == dir {
				return in
			}
		}
		t.Errorf("no %s %s incident on %s", typ, dir, date)
		return nil
	}
	if in := find("2025-07-03", TypeCrossing, NorthToSouth); in != nil {
		text := strings.ToLower(in.Summary + " " + in.Note)
		for _, w := range []string{"civilian", "soldier", "guiding"} {
			if !strings.Contains(text, w) {
				t.Errorf("the July 2025 crossing does not mention %q in its summary or note", w)
			}
		}
	}
	if in := find("1984-11-23", TypeCrossing, NorthToSouth); in != nil && !strings.Contains(strings.ToLower(in.Summary), "soviet") {
		t.Errorf("the 1984 JSA shootout does not say the defector was Soviet: %q", in.Summary)
	}
	south, north := find("2020-11-03", TypeCrossing, NorthToSouth), find("2022-01-01", TypeCrossing, SouthToNorth)
	if south != nil && north != nil {
		if !strings.Contains(south.Summary+south.Note, north.ID) || !strings.Contains(north.Summary+north.Note, south.ID) {
			t.Errorf("the 2020 crossing and the 2022 return do not name each other (%s, %s)", south.ID, north.ID)
		}
	}
	if in := find("2017-11-13", TypeCrossing, NorthToSouth); in != nil && mdl(t).SectorOf(in.Location) != "jsa" {
		t.Errorf("the 2017 JSA defection is in sector %s, want jsa", mdl(t).SectorOf(in.Location))
	}
	sixties := 0
	for _, in := range ins {
		if in.Type == TypeCrossing && in.Direction == SouthToNorth && in.Date.Year >= 1962 && in.Date.Year <= 1965 {
			sixties++
		}
	}
	if sixties < 4 {
		t.Errorf("%d crossings north in 1962–1965, want the four US soldiers", sixties)
	}
}

// TestSeedPassesStrict runs dmzmap validate --strict's check on the
// embedded seed: every refusal is listed with the incident and the field.
func TestSeedPassesStrict(t *testing.T) {
	n, err := ValidateStrict(seedGeoJSON, mdl(t))
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			for _, f := range e.Fields {
				t.Errorf("%v", f)
			}
		}
		t.Fatalf("the seed breaks the strict rules: %s", err.(*Error).Message)
	}
	if n < 175 {
		t.Errorf("the seed holds %d incidents, want at least 175", n)
	}
}
