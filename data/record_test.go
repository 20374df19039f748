package data

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// korean returns valid() with every field of the citable record set: the
// Korean text, a dispute between its two sources and a distinct incident.
func korean() *Incident {
	in := valid()
	in.TitleKo = "북한군 병사, 총격 속 판문점 공동경비구역 통해 귀순"
	in.SummaryKo = "북한군 병사 1명이 차량으로 공동경비구역에 접근한 뒤 군사분계선(MDL)을 넘어 남쪽으로 달려왔다."
	in.PlaceKo = "판문점 공동경비구역"
	in.Place = "Joint Security Area, Panmunjom"
	in.Sources = append(in.Sources, Source{Title: "Second report", URL: "https://example.org/b", Publisher: "Other", Published: "2017-11-22"})
	in.Disputes = []Dispute{{Field: "casualties", Note: "the record follows the surgeon's count",
		Claims: []Claim{{Value: "hit four times", ValueKo: "4발 피격", Source: 0}, {Value: "hit five times", ValueKo: "5발 피격", Source: 1}}}}
	in.DistinctFrom = []string{"2017-11-13-other-event"}
	return in
}

func TestRecordFieldsRoundTrip(t *testing.T) {
	in := korean()
	m := mdl(t)
	pl := m.Place(in.Location)
	f, err := EncodeFeature(in, &pl)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"title_ko":"북한군`, `"summary_ko":`, `"place_ko":"판문점 공동경비구역"`, `"disputes":[{"field":"casualties","claims":[{"value":"hit four times","value_ko":"4발 피격","source":0}`, `"distinct_from":["2017-11-13-other-event"]`} {
		if !bytes.Contains(f, []byte(k)) {
			t.Errorf("the Feature lacks %s: %s", k, f)
		}
	}
	t.Run("geojson", func(t *testing.T) {
		got, err := DecodeFeature(f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, in) {
			t.Errorf("decoded\n got %+v\nwant %+v", got, in)
		}
	})
	t.Run("empty fields are left out", func(t *testing.T) {
		b, _ := EncodeFeature(valid(), nil)
		for _, k := range []string{`"title_ko"`, `"summary_ko"`, `"place_ko"`, `"disputes"`, `"distinct_from"`} {
			if bytes.Contains(b, []byte(k)) {
				t.Errorf("the Feature holds %s: %s", k, b)
			}
		}
		in, err := DecodeFeature(append(b[:len(b)-2:len(b)-2], []byte(`,"disputes":[],"distinct_from":[]}}`)...))
		if err != nil || in.Disputes != nil || in.DistinctFrom != nil {
			t.Errorf("empty disputes and distinct_from decode as %v, %v (%v); want nil", in.Disputes, in.DistinctFrom, err)
		}
	})
	t.Run("csv", func(t *testing.T) {
		var buf bytes.Buffer
		w, err := NewCSVWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.DatasetVersion = "2026.12.1"
		if err := w.WriteFeature(f); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if !strings.Contains(buf.String(), "2026.12.1") || !strings.Contains(buf.String(), "4발 피격") {
			t.Errorf("the CSV lacks the dataset version or the disputes:\n%s", buf.String())
		}
		got, err := DecodeCSV(&buf, m)
		if err != nil {
			t.Fatalf("DecodeCSV: %v", err)
		}
		if len(got) != 1 || !reflect.DeepEqual(got[0], in) {
			t.Errorf("read back\n got %+v\nwant %+v", got[0], in)
		}
	})
	t.Run("csv bad disputes", func(t *testing.T) {
		h := "id,title,type,date,lon,lat,location_precision_m,summary,confidence,source1_title,source1_url,source1_publisher,disputes\n"
		row := `2017-11-13-x,T,other,2017-11-13,126.7,37.9,100,S,high,A,https://example.org/a,P,"[{""field"":""place""}]"` + "\n"
		_, err := DecodeCSV(strings.NewReader(h+row), m)
		if err == nil || !strings.Contains(err.Error(), "disputes[0].claims") {
			t.Errorf("a dispute without claims: %v, want an error naming disputes[0].claims", err)
		}
		row = `2017-11-13-x,T,other,2017-11-13,126.7,37.9,100,S,high,A,https://example.org/a,P,not json` + "\n"
		if _, err := DecodeCSV(strings.NewReader(h+row), m); err == nil || !strings.Contains(err.Error(), "disputes") {
			t.Errorf("disputes that are not JSON: %v, want an error naming disputes", err)
		}
	})
	t.Run("kml", func(t *testing.T) {
		var buf bytes.Buffer
		kw, err := NewKMLWriter(&buf, "n", "d")
		if err != nil {
			t.Fatal(err)
		}
		if err := kw.WriteFeature(f); err != nil {
			t.Fatal(err)
		}
		kw.Close()
		for _, k := range []string{"북한군 병사, 총격 속", "Sources disagree:", "- casualties: hit four times (Example); hit five times (Other)",
			`<SimpleData name="place_ko">판문점 공동경비구역</SimpleData>`, `<SimpleData name="distinct_from">2017-11-13-other-event</SimpleData>`} {
			if !strings.Contains(buf.String(), k) {
				t.Errorf("the KML lacks %q:\n%s", k, buf.String())
			}
		}
	})
}

func TestValidateRecordFields(t *testing.T) {
	cases := []struct {
		name   string
		change func(in *Incident)
		field  string // "" for valid
		want   string
	}{
		{"valid", func(in *Incident) {}, "", ""},
		{"no disputes", func(in *Incident) { in.Disputes = nil }, "", ""},
		{"unknown field", func(in *Incident) { in.Disputes[0].Field = "weather" }, "disputes[0].field", "not one of date, time, place"},
		{"one claim", func(in *Incident) { in.Disputes[0].Claims = in.Disputes[0].Claims[:1] }, "disputes[0].claims", "at least two claims"},
		{"source out of range", func(in *Incident) { in.Disputes[0].Claims[1].Source = 2 }, "disputes[0].claims[1].source", "0 to 1"},
		{"source missing", func(in *Incident) { in.Disputes[0].Claims[0].Source = -1 }, "disputes[0].claims[0].source", "index"},
		{"claim without value", func(in *Incident) { in.Disputes[0].Claims[0].Value = " " }, "disputes[0].claims[0].value", "required"},
		{"distinct_from bad id", func(in *Incident) { in.DistinctFrom = []string{"Not An Id"} }, "distinct_from[0]", "not an incident id"},
		{"distinct_from itself", func(in *Incident) { in.DistinctFrom = []string{in.ID} }, "distinct_from[0]", "itself"},
		{"distinct_from repeated", func(in *Incident) { in.DistinctFrom = []string{"abc-1", "abc-1"} }, "distinct_from[1]", "repeated"},
		{"title_ko too long", func(in *Incident) { in.TitleKo = strings.Repeat("가", 201) }, "title_ko", "limit is 200"},
		{"place_ko control", func(in *Incident) { in.PlaceKo = "판문점\x00" }, "place_ko", "control character"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := korean()
			tc.change(in)
			err := in.Validate(mdl(t))
			checkFieldError(t, err, tc.field, tc.want)
		})
	}
	t.Run("claim without source in JSON", func(t *testing.T) {
		f, _ := EncodeFeature(korean(), nil)
		f = bytes.Replace(f, []byte(`,"source":0`), nil, 1)
		in, err := DecodeFeature(f)
		if err != nil {
			t.Fatal(err)
		}
		checkFieldError(t, in.Validate(nil), "disputes[0].claims[0].source", "index")
	})
}

// checkFieldError fails unless err names field with a message holding
// want, or, for field "", unless err is nil.
func checkFieldError(t *testing.T, err error, field, want string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("got %v, want valid", err)
		}
		return
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %v, want an *Error naming %s", err, field)
	}
	for _, f := range e.Fields {
		if f.Field == field && strings.Contains(f.Message, want) {
			return
		}
	}
	t.Errorf("got %v, want field %s with %q", err, field, want)
}

func TestPatchAndHistoryOfRecordFields(t *testing.T) {
	s, _ := openStore(t)
	in := valid()
	if _, err := s.Create(in, "test"); err != nil {
		t.Fatal(err)
	}
	f, _ := s.Feature(in.ID)
	patched, err := MergePatch(f, []byte(`{"properties":{"title_ko":"판문점 귀순","disputes":[{"field":"date","claims":[{"value":"13 November","source":0},{"value":"14 November","source":0}]}],"distinct_from":["2017-11-13-other"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if patched.TitleKo != "판문점 귀순" || len(patched.Disputes) != 1 || patched.Disputes[0].Claims[1].Value != "14 November" || !slices.Equal(patched.DistinctFrom, []string{"2017-11-13-other"}) {
		t.Fatalf("patched %+v", patched)
	}
	if _, err := s.Update(patched, "", "Korean title"); err != nil {
		t.Fatal(err)
	}
	hist, err := s.History(in.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if !slices.Equal(last.Changed, []string{"disputes", "distinct_from", "title_ko"}) {
		t.Errorf("changed %v, want [disputes distinct_from title_ko]", last.Changed)
	}
	got, _ := s.Get(in.ID)
	if got.TitleKo != "판문점 귀순" {
		t.Errorf("stored title_ko %q", got.TitleKo)
	}
	f, _ = s.Feature(in.ID)
	cleared, err := MergePatch(f, []byte(`{"properties":{"disputes":null,"title_ko":null}}`))
	if err != nil {
		t.Fatal(err)
	}
	if cleared.TitleKo != "" || cleared.Disputes != nil {
		t.Errorf("null did not remove the members: %+v", cleared)
	}
}

func TestTextMatchesKorean(t *testing.T) {
	s, _ := openStore(t)
	a := korean()
	b := valid()
	b.ID, b.Title, b.Summary, b.Location = "2017-06-13-central", "Soldier crosses in the central sector", "He walked south.", [2]float64{127.3, 38.3}
	b.TitleKo, b.SummaryKo, b.PlaceKo = "중부전선 북한군 귀순", "북한군 병사 1명이 걸어서 남쪽으로 넘어왔다.", "강원 철원"
	if err := s.Put(a, b); err != nil {
		t.Fatal(err)
	}
	ids := func(q string) []string {
		var out []string
		s.Query(Filter{Text: q}, func(f []byte) error {
			in, _ := DecodeFeature(f)
			out = append(out, in.ID)
			return nil
		})
		return out
	}
	en, ko := ids("Panmunjom"), ids("판문점")
	if !slices.Equal(en, []string{a.ID}) || !slices.Equal(ko, en) {
		t.Errorf("q=Panmunjom found %v, q=판문점 %v; want both [%s]", en, ko, a.ID)
	}
	if got := ids("철원"); !slices.Equal(got, []string{b.ID}) {
		t.Errorf("q=철원 (place_ko) found %v, want [%s]", got, b.ID)
	}
	if got := ids("귀순 북한군"); len(got) != 2 {
		t.Errorf("q=귀순 북한군 found %v, want both", got)
	}
	years, _ := s.Years(Filter{Text: "판문점"})
	if len(years) != 1 || years[0].Total != 1 {
		t.Errorf("years of q=판문점: %+v", years)
	}
}
