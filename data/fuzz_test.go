package data

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// Seed corpora are committed under testdata/fuzz/<Name>/; the f.Add seeds
// below are the small cases. Run one target with, for example:
//
//	go test ./data -run '^$' -fuzz '^FuzzDecodeFeature$' -fuzztime 30s

// checkError fails unless err is an *Error with a message for users, and
// every field error names its field and says what is wrong, in UTF-8.
func checkError(t *testing.T, input []byte, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%q: error %T %v is not a *data.Error", input, err, err)
	}
	if e.Kind != KindInvalid && e.Kind != KindTooLarge {
		t.Fatalf("%q: error %q has kind %d, want invalid or too large", input, e, e.Kind)
	}
	if strings.TrimSpace(e.Message) == "" || !utf8.ValidString(e.Message) {
		t.Fatalf("%q: error %#v has no message, or one that is not UTF-8", input, e)
	}
	for _, f := range e.Fields {
		if f.Field == "" || f.Message == "" || !utf8.ValidString(f.Field) || !utf8.ValidString(f.Message) {
			t.Fatalf("%q: field error %+v lacks a field or a message, or is not UTF-8", input, f)
		}
	}
}

// checkRoundTrip fails unless a valid incident encodes to a Feature that
// decodes to the same incident, which is valid again.
func checkRoundTrip(t *testing.T, input []byte, in *Incident) {
	t.Helper()
	if err := in.Validate(mdl(t)); err != nil {
		t.Fatalf("%q: a decoded incident is not valid: %v", input, err)
	}
	checkValidHolds(t, input, in)
	b1, err := EncodeFeature(in, nil)
	if err != nil {
		t.Fatalf("%q: encoding a valid incident: %v", input, err)
	}
	back, err := DecodeFeature(b1)
	if err != nil {
		t.Fatalf("%q: decoding its own encoding %s: %v", input, b1, err)
	}
	if err := back.Validate(mdl(t)); err != nil {
		t.Fatalf("%q: the re-decoded incident is not valid: %v\n%s", input, err, b1)
	}
	b2, err := EncodeFeature(back, nil)
	if err != nil {
		t.Fatalf("%q: encoding the re-decoded incident: %v", input, err)
	}
	if !bytes.Equal(b1, b2) {
		t.Fatalf("%q: the round trip changed the incident:\n%s\n%s", input, b1, b2)
	}
}

// checkValidHolds spot-checks what Validate promises of a valid incident.
func checkValidHolds(t *testing.T, input []byte, in *Incident) {
	t.Helper()
	switch {
	case !ValidID(in.ID):
		t.Fatalf("%q: valid with the id %q", input, in.ID)
	case !Region.Contains(in.Location):
		t.Fatalf("%q: valid at %v, outside the region", input, in.Location)
	case in.Path != nil && (len(in.Path) < 2 || len(in.Path) > MaxPathVertices):
		t.Fatalf("%q: valid with a path of %d positions", input, len(in.Path))
	case !(in.LocationPrecisionM > 0) || math.IsInf(in.LocationPrecisionM, 0):
		t.Fatalf("%q: valid with the precision %v", input, in.LocationPrecisionM)
	case len(in.Sources) == 0 || len(in.Sources) > MaxSources:
		t.Fatalf("%q: valid with %d sources", input, len(in.Sources))
	case strings.TrimSpace(in.Title) == "" || !utf8.ValidString(in.Title) || !utf8.ValidString(in.Summary):
		t.Fatalf("%q: valid with the title %q", input, in.Title)
	}
}

const fuzzFeature = `{"type":"Feature","id":"2017-11-13-jsa-defection",
"geometry":{"type":"Point","coordinates":[126.6767,37.9558]},
"properties":{"title":"KPA soldier defects","type":"crossing","date":"2017-11-13","date_precision":"day",
"location_precision_m":100,"place":"JSA","path":{"type":"LineString","coordinates":[[126.6767,37.96],[126.6767,37.95]]},
"direction":"north_to_south","persons":"One KPA soldier","persons_count":1,"casualties":{"killed":0,"wounded":1},
"summary":"He drove to the JSA\nand ran south.","sources":[{"title":"Report","url":"https://example.org/a","publisher":"Example"}],
"confidence":"high","note":"","tags":["jsa"]}}`

func FuzzDecodeFeature(f *testing.F) {
	for _, s := range []string{
		fuzzFeature,
		`{}`, `[]`, `null`, `{"type":"Feature"}`, `{"type":"Feature","geometry":{"type":"LineString","coordinates":[]}}`,
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[1e999,37]},"properties":{}}`,
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,37]}}`,
		`{"type":"Feature","properties":{"title":"\xff\xfe"}}`, `[[[[[[[[[[`, `{"type":"Feature"}{}`,
	} {
		f.Add([]byte(s))
	}
	if b, err := EncodeFeature(korean(), nil); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := DecodeFeature(b)
		if err == nil && !utf8.Valid(b) {
			t.Fatalf("%q: not UTF-8, and decoded", b)
		}
		if err != nil {
			checkError(t, b, err)
			return
		}
		if in == nil {
			t.Fatalf("%q: no incident and no error", b)
		}
		if err := in.Validate(mdl(t)); err != nil {
			checkError(t, b, err)
			if len(err.Error()) > 64<<10 {
				t.Fatalf("%d bytes of input, %d of error: the error repeats the input", len(b), len(err.Error()))
			}
			return
		}
		checkRoundTrip(t, b, in)
	})
}

func FuzzDecodeFeatureCollection(f *testing.F) {
	for _, s := range []string{
		`{"type":"FeatureCollection","features":[` + fuzzFeature + `]}`,
		`{"type":"FeatureCollection","features":[]}`, `{"type":"FeatureCollection","features":[{},null,1]}`,
		`{"type":"FeatureCollection"}`, `{"type":"Feature"}`, `{"features":"x"}`, `]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ins, err := DecodeFeatureCollection(bytes.NewReader(b), mdl(t))
		if err == nil && !utf8.Valid(b) {
			t.Fatalf("%q: not UTF-8, and decoded", b)
		}
		if err != nil {
			checkError(t, b, err)
			return
		}
		for _, in := range ins {
			checkRoundTrip(t, b, in)
		}
	})
}

const fuzzCSV = "id,title,type,date,lon,lat,location_precision_m,summary,confidence,direction,tags,path,source1_title,source1_url,source1_publisher\n" +
	"2017-11-13-jsa-defection,KPA soldier defects,crossing,2017-11-13,126.6767,37.9558,100,\"He ran south,\nunder fire.\",high,north_to_south,jsa|soldier,\"LINESTRING (126.6767 37.96, 126.6767 37.95)\",Report,https://example.org/a,Example\n"

func FuzzDecodeCSV(f *testing.F) {
	for _, s := range []string{
		fuzzCSV, "", "\n", "id\n", "\ufeffid,title\n1,2\n", "a,\"b\n", "id,id\n",
		"id,title,type,date,lon,lat,location_precision_m,summary,confidence,source1_title,source1_url,source1_publisher,source2_title,source2_url,source2_publisher,title_ko,place_ko,disputes,distinct_from\n" +
			`2017-11-13-jsa,T,other,2017-11-13,126.7,37.9,100,S,high,A,https://example.org/a,P,B,https://example.org/b,Q,판문점 귀순,판문점,"[{""field"":""date"",""claims"":[{""value"":""13"",""source"":0},{""value"":""14"",""value_ko"":""14일"",""source"":1}]}]",2017-11-13-other|2017-11-13-more` + "\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ins, err := DecodeCSV(bytes.NewReader(b), mdl(t))
		if err != nil {
			checkError(t, b, err)
			return
		}
		if len(ins) == 0 {
			return
		}
		for _, in := range ins {
			checkRoundTrip(t, b, in)
		}
		// Export and import again: the same incidents.
		var buf bytes.Buffer
		cw, err := NewCSVWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		var want [][]byte
		for _, in := range ins {
			feature, err := EncodeFeature(in, nil)
			if err != nil {
				t.Fatalf("%q: %v", b, err)
			}
			want = append(want, feature)
			if err := cw.WriteFeature(feature); err != nil {
				t.Fatalf("%q: writing CSV: %v", b, err)
			}
		}
		if err := cw.Flush(); err != nil {
			t.Fatal(err)
		}
		back, err := DecodeCSV(bytes.NewReader(buf.Bytes()), mdl(t))
		if err != nil {
			t.Fatalf("%q: re-reading the exported CSV: %v\n%s", b, err, buf.Bytes())
		}
		if len(back) != len(ins) {
			t.Fatalf("%q: %d incidents exported, %d read back", b, len(ins), len(back))
		}
		for i, in := range back {
			got, err := EncodeFeature(in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want[i]) {
				t.Fatalf("%q: the CSV round trip changed incident %d:\n%s\n%s", b, i, want[i], got)
			}
		}
	})
}

func FuzzValidate(f *testing.F) {
	f.Add("2017-11-13-jsa-defection", "KPA soldier defects", "crossing", "2017-11-13", "north_to_south", "high",
		"He ran south.", "https://example.org/a", "jsa", 126.6767, 37.9558, 100.0, 126.6767, 37.96, true)
	f.Add("x", "", "war", "1950", "up", "sure", "", "javascript:alert(1)", "JSA", 37.9558, 126.6767, -1.0, 0.0, 0.0, false)
	f.Add("1969-12-shooting", "Firefight", "shooting", "1969-12", "none", "low", "Fire.", "http://a.b", "a-b", 127.5, 38.3, 1e6, math.NaN(), math.Inf(1), true)
	f.Add("2025-07-man", "<script>alert(1)</script>", "other", "2025", "south_to_north", "medium", "x\x00y", "https://x", "x", 181.0, 91.0, 5e5, 127.0, 38.0, true)
	f.Fuzz(func(t *testing.T, id, title, typ, date, dir, conf, summary, url, tag string, lon, lat, prec, pLon, pLat float64, withPath bool) {
		in := &Incident{
			ID: id, Title: title, Type: Type(typ), Location: orb.Point{lon, lat}, LocationPrecisionM: prec,
			Direction: Direction(dir), Summary: summary, Confidence: Confidence(conf), Tags: []string{tag},
			Sources: []Source{{Title: "Report", URL: url, Publisher: "Example"}},
		}
		in.Date, _ = ParseDate(date)
		if withPath {
			in.Path = orb.LineString{{lon, lat}, {pLon, pLat}}
		}
		input := []byte(strings.Join([]string{id, title, typ, date, dir, conf, summary, url, tag}, "|"))
		err := in.Validate(mdl(t))
		if err != nil {
			checkError(t, input, err)
			var e *Error
			errors.As(err, &e)
			if len(e.Fields) == 0 {
				t.Fatalf("%q: %v names no field", input, err)
			}
			if again := in.Validate(mdl(t)); again == nil || again.Error() != err.Error() {
				t.Fatalf("%q: validating twice gave %v, then %v", input, err, again)
			}
			return
		}
		checkRoundTrip(t, input, in)
	})
}

// TestFuzzFindings keeps what the fuzzers found as regular cases.
func TestFuzzFindings(t *testing.T) {
	cases := []struct {
		name  string
		input string
		field string
	}{
		// A member with an empty name was reported against the field "",
		// which a problem document leaves out: the user saw no field.
		{"empty member name", `{"":0 }`, "feature"},
		{"empty member name in properties", `{"type":"Feature","properties":{"":1}}`, "feature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeFeature([]byte(tc.input))
			checkError(t, []byte(tc.input), err)
			var e *Error
			errors.As(err, &e)
			if len(e.Fields) != 1 || e.Fields[0].Field != tc.field {
				t.Errorf("DecodeFeature(%q) = %v, want one error on %q", tc.input, err, tc.field)
			}
		})
	}

	// A source URL that was not UTF-8 (from CSV, which keeps bytes as they
	// are) passed validation and was stored with U+FFFD in place of the bad
	// byte: not what was validated.
	t.Run("source URL not UTF-8", func(t *testing.T) {
		in := valid()
		in.Sources[0].URL = "http://0\x80"
		err := in.Validate(mdl(t))
		checkError(t, []byte(in.Sources[0].URL), err)
		var e *Error
		errors.As(err, &e)
		if len(e.Fields) != 1 || e.Fields[0].Field != "sources[0].url" {
			t.Errorf("Validate = %v, want one error on sources[0].url", err)
		}
	})
}
