package data

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(in *Incident)
		field  string // the field the error must name; "" for valid
		want   string // a fragment of its message
	}{
		{"valid", func(in *Incident) {}, "", ""},
		{"valid year precision", func(in *Incident) { in.Date = Date{1965, 0, 0} }, "", ""},
		{"valid path", func(in *Incident) {
			in.Path = orb.LineString{{126.6767, 37.99}, {126.6767, 37.93}}
		}, "", ""},
		{"bad id", func(in *Incident) { in.ID = "Bad ID!" }, "id", "a-z"},
		{"short id", func(in *Incident) { in.ID = "ab" }, "id", "3 to 80"},
		{"no title", func(in *Incident) { in.Title = "  " }, "title", "required"},
		{"long title", func(in *Incident) { in.Title = strings.Repeat("x", 201) }, "title", "limit is 200"},
		{"control char", func(in *Incident) { in.Title = "a\x00b" }, "title", "control character"},
		{"invalid utf8", func(in *Incident) { in.Summary = "a\xffb" }, "summary", "UTF-8"},
		{"unknown type", func(in *Incident) { in.Type = "riot" }, "type", "not one of"},
		{"no date", func(in *Incident) { in.Date = Date{} }, "date", "required"},
		{"before armistice", func(in *Incident) { in.Date = Date{1950, 6, 25} }, "date", "before the armistice"},
		{"future", func(in *Incident) { in.Date = Date{2999, 1, 1} }, "date", "future"},
		{"nan", func(in *Incident) { in.Location = orb.Point{math.NaN(), 37} }, "geometry", "finite"},
		{"inf", func(in *Incident) { in.Location = orb.Point{126, math.Inf(1)} }, "geometry", "finite"},
		{"out of range", func(in *Incident) { in.Location = orb.Point{200, 37} }, "geometry", "out of range"},
		{"swapped", func(in *Incident) { in.Location = orb.Point{37.9, 126.6} }, "geometry", "[lon, lat]"},
		{"far away", func(in *Incident) { in.Location = orb.Point{2.35, 48.85} }, "geometry", "outside the Korean peninsula"},
		{"zero precision", func(in *Incident) { in.LocationPrecisionM = 0 }, "location_precision_m", "above 0"},
		{"huge precision", func(in *Incident) { in.LocationPrecisionM = 1e9 }, "location_precision_m", "at most"},
		{"path of one", func(in *Incident) { in.Path = orb.LineString{{126.7, 37.9}} }, "path", "at least 2"},
		{"path too long", func(in *Incident) { in.Path = make(orb.LineString, MaxPathVertices+1) }, "path", "limit"},
		{"path vertex out", func(in *Incident) { in.Path = orb.LineString{{126.7, 37.9}, {0, 0}} }, "path[1]", "outside"},
		{"bad direction", func(in *Incident) { in.Direction = "up" }, "direction", "not one of"},
		{"crossing without direction", func(in *Incident) { in.Direction = NoDirection }, "direction", "which way"},
		{"path disagrees with direction", func(in *Incident) {
			in.Path = orb.LineString{{126.6767, 37.93}, {126.6767, 37.99}}
		}, "direction", "crosses the MDL south_to_north"},
		{"negative persons", func(in *Incident) { in.PersonsCount = intp(-1) }, "persons_count", "count"},
		{"negative killed", func(in *Incident) { in.Casualties.Killed = intp(-2) }, "casualties.killed", "count"},
		{"no summary", func(in *Incident) { in.Summary = "" }, "summary", "required"},
		{"no sources", func(in *Incident) { in.Sources = nil }, "sources", "at least one"},
		{"source without url", func(in *Incident) { in.Sources[0].URL = "" }, "sources[0].url", "required"},
		{"source ftp", func(in *Incident) { in.Sources[0].URL = "ftp://x.org/a" }, "sources[0].url", "http or https"},
		{"source relative", func(in *Incident) { in.Sources[0].URL = "/a/b" }, "sources[0].url", "absolute"},
		{"source without title", func(in *Incident) { in.Sources[0].Title = "" }, "sources[0].title", "required"},
		{"source without publisher", func(in *Incident) { in.Sources[0].Publisher = "" }, "sources[0].publisher", "required"},
		{"source bad date", func(in *Incident) { in.Sources[0].Published = "14 Nov 2017" }, "sources[0].published", "YYYY-MM-DD"},
		{"bad confidence", func(in *Incident) { in.Confidence = "sure" }, "confidence", "not one of"},
		{"bad tag", func(in *Incident) { in.Tags = []string{"Bad Tag"} }, "tags[0]", "a-z"},
		{"repeated tag", func(in *Incident) { in.Tags = []string{"jsa", "jsa"} }, "tags[1]", "repeated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := valid()
			tc.change(in)
			err := in.Validate(mdl(t))
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindInvalid {
				t.Fatalf("Validate() = %v, want an invalid *Error", err)
			}
			for _, f := range e.Fields {
				if f.Field == tc.field && strings.Contains(f.Message, tc.want) {
					return
				}
			}
			t.Errorf("Validate() fields = %v, want %s: …%s…", e.Fields, tc.field, tc.want)
		})
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	in := valid()
	in.Title, in.Type, in.Sources = "", "riot", nil
	err := in.Validate(nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Validate() = %v", err)
	}
	got := map[string]bool{}
	for _, f := range e.Fields {
		got[f.Field] = true
	}
	for _, want := range []string{"title", "type", "sources"} {
		if !got[want] {
			t.Errorf("fields %v lack %q", e.Fields, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct {
		in   string
		want Date
		prec Precision
		ok   bool
	}{
		{"2025-07-03", Date{2025, 7, 3}, PrecisionDay, true},
		{"1970-04", Date{1970, 4, 0}, PrecisionMonth, true},
		{"1965", Date{1965, 0, 0}, PrecisionYear, true},
		{"2024-02-29", Date{2024, 2, 29}, PrecisionDay, true},
		{"2023-02-29", Date{}, "", false},
		{"2023-13", Date{}, "", false},
		{"2023-00-10", Date{}, "", false},
		{"23-01-01", Date{}, "", false},
		{"2023/01/01", Date{}, "", false},
		{"２０２３", Date{}, "", false},
		{"", Date{}, "", false},
		{"-123", Date{}, "", false},
	}
	for _, tc := range cases {
		got, err := ParseDate(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) error = %v, want ok %v", tc.in, err, tc.ok)
			continue
		}
		if !tc.ok {
			continue
		}
		if got != tc.want || got.Precision() != tc.prec || got.String() != tc.in {
			t.Errorf("ParseDate(%q) = %v (%s, %q), want %v (%s)", tc.in, got, got.Precision(), got.String(), tc.want, tc.prec)
		}
	}
}
