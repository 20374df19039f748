package data

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// strictValid returns an incident that passes CheckStrict on its own: at
// the JSA, sourced over https, in English and Korean.
func strictValid() *Incident {
	in := korean()
	in.DistinctFrom = nil
	in.PersonsKo = "북한군 병사 1명"
	if in.LocationNote != "" {
		in.LocationNoteKo = "판문점 공동경비구역"
	}
	if in.Note != "" {
		in.NoteKo = "비고"
	}
	if in.Casualties.Note != "" {
		in.Casualties.NoteKo = "사상자 비고"
	}
	return in
}

func TestCheckStrict(t *testing.T) {
	central := orb.Point{127.3, 38.28} // Cheorwon, central sector
	cases := []struct {
		name   string
		change func(in *Incident)
		field  string // the field refused; "" for none
		want   string
	}{
		{"valid", func(in *Incident) {}, "", ""},
		{"no source", func(in *Incident) { in.Sources = nil; in.Disputes = nil }, "sources", "no source"},
		{"http", func(in *Incident) { in.Sources[1].URL = "http://www.rokdrop.net/2009/03/dmz-flashback/" }, "sources[1].url", "not https"},
		{"search path", func(in *Incident) { in.Sources[0].URL = "https://www.yna.co.kr/search/index?query=%ED%8C%90" }, "sources[0].url", "search page"},
		{"search file", func(in *Incident) { in.Sources[0].URL = "https://littlekorea.org/en/total_search.php?q=dmz" }, "sources[0].url", "search page"},
		{"search page name", func(in *Incident) { in.Sources[0].URL = "https://news.example.kr/searchList.do?q=dmz" }, "sources[0].url", "search page"},
		{"keyword query", func(in *Incident) { in.Sources[0].URL = "https://news.example.kr/list.php?keyword=dmz" }, "sources[0].url", "search page"},
		{"google", func(in *Incident) { in.Sources[0].URL = "https://www.google.com/search?q=jsa+defection" }, "sources[0].url", "search page"},
		{"article with a query", func(in *Incident) { in.Sources[0].URL = "https://www.koreaherald.com/view.php?ud=20171122000865" }, "", ""},
		{"a slug with searching is no search", func(in *Incident) {
			in.Sources[0].URL = "https://www.sbs.com.au/language/korean/ko/article/shots-fired-at-soldiers-searching-for-defector/0js756"
		}, "", ""},
		{"a search flag on an article is no search", func(in *Incident) {
			in.Sources[0].URL = "https://m.seoul.co.kr/news/newsView.php?id=20030215002001&search=1"
		}, "", ""},
		{"research is no search", func(in *Incident) { in.Sources[0].URL = "https://example.org/research/dmz-history" }, "", ""},
		{"article with q on no search path", func(in *Incident) { in.Sources[0].URL = "https://example.org/article?q=1" }, "", ""},
		{"no title_ko", func(in *Incident) { in.TitleKo = "" }, "title_ko", "no Korean"},
		{"summary_ko in English", func(in *Incident) { in.SummaryKo = "A soldier ran south at Panmunjom." }, "summary_ko", "no Korean"},
		{"no place_ko", func(in *Incident) { in.PlaceKo = " " }, "place_ko", "no Korean"},
		{"no persons_ko", func(in *Incident) { in.PersonsKo = "" }, "persons_ko", "no Korean"},
		{"no Korean for the casualties note", func(in *Incident) { in.Casualties.Note, in.Casualties.NoteKo = "hit five times", "" }, "casualties.note_ko", "no Korean"},
		{"precision under 50 m", func(in *Incident) { in.LocationPrecisionM = 30 }, "location_precision_m", "at least 50"},
		{"precision 50 m", func(in *Incident) { in.LocationPrecisionM = 50 }, "", ""},
		{"distinct from an unknown id", func(in *Incident) { in.DistinctFrom = []string{"2017-11-13-nothing"} }, "distinct_from[0]", "not in the dataset"},
		{"eastern front at the JSA", func(in *Incident) { in.Summary += " It happened on the eastern front." }, "summary", `"eastern front"`},
		{"동부전선 at the JSA", func(in *Incident) { in.SummaryKo += " 동부전선에서 벌어진 일이다." }, "summary_ko", `"동부전선"`},
		{"central front in the title at the JSA", func(in *Incident) { in.Title = "Central front defection" }, "title", `"central front"`},
		{"western front at the JSA", func(in *Incident) { in.Summary += " On the western front." }, "", ""},
		{"서부전선 at the JSA", func(in *Incident) { in.TitleKo = "서부전선 판문점 귀순" }, "", ""},
		{"explained in the note", func(in *Incident) {
			in.Summary += " Reports said the eastern front."
			in.Note = "Early reports said the eastern front; later ones placed it at the JSA."
			in.NoteKo = "초기 보도는 동부전선이라 했으나 이후 보도는 JSA로 전했다."
		}, "", ""},
		{"explained in the location note in English", func(in *Incident) {
			in.SummaryKo += " 보도상 동부전선."
			in.LocationNote = "CNN called it the eastern sector; the point follows the distance it gave."
			in.LocationNoteKo = "CNN이 밝힌 거리에 따라 표시했다."
		}, "", ""},
		{"서부·중부전선, point central", func(in *Incident) {
			in.Location, in.Place, in.Title, in.TitleKo, in.Summary, in.SummaryKo = central, "Cheorwon", "Loudspeakers", "확성기", "Speakers.", "확성기."
			in.PlaceKo = "서부·중부전선 확성기 설치 지역"
		}, "", ""},
		{"a landmark: near the JSA, 판문점 동쪽", func(in *Incident) {
			in.Location, in.Title, in.TitleKo, in.Summary, in.SummaryKo = central, "Shots fired 60 km east of Panmunjom", "판문점 동쪽 약 60km에서 총격", "Shots.", "총격."
			in.Place, in.PlaceKo = "Near the Joint Security Area", "판문점 인근"
		}, "", ""},
		{"a channel: returned through Panmunjom", func(in *Incident) {
			in.Location, in.Title, in.TitleKo, in.Summary, in.SummaryKo = central, "Sergeant returned through Panmunjom", "조사 후 판문점 통해 송환", "Returned.", "송환."
			in.Place, in.PlaceKo = "Cheorwon", "철원"
		}, "", ""},
		{"JSA named, point in the central sector", func(in *Incident) { in.Location = central }, "place", `"joint security area"`},
		{"Joint Security Area as the place, point central", func(in *Incident) {
			in.Location, in.Title, in.TitleKo, in.SummaryKo, in.PlaceKo = central, "Defection", "귀순", "귀순했다.", "철원"
		}, "place", `"joint security area"`},
		{"판문점 as the place, point central", func(in *Incident) {
			in.Location, in.Place, in.Title, in.Summary, in.SummaryKo = central, "Cheorwon", "Defection", "He ran south.", "남쪽으로 넘어왔다."
			in.TitleKo = "귀순"
			in.PlaceKo = "판문점"
		}, "place_ko", `"판문점"`},
		{"Panmunjom as a landmark in the summary", func(in *Incident) {
			in.Location, in.Place, in.Title, in.PlaceKo, in.TitleKo = central, "Cheorwon", "Defection", "철원", "귀순"
			in.Summary, in.SummaryKo = "He ran south; the UNC protested at Panmunjom.", "유엔사는 판문점에서 항의했다."
		}, "", ""},
		{"중동부전선, point central", func(in *Incident) {
			in.Location, in.Place, in.PlaceKo, in.Title, in.TitleKo, in.Summary = central, "Cheorwon", "철원", "Defection", "중동부전선 귀순", "He ran south."
			in.SummaryKo = "중동부전선에서 북한군 1명이 귀순했다."
		}, "", ""},
		{"east-central front, point central", func(in *Incident) {
			in.Location, in.Place, in.PlaceKo, in.Title, in.TitleKo, in.SummaryKo = central, "Cheorwon", "철원", "Defection", "귀순", "귀순했다."
			in.Summary = "He crossed on the east-central front."
		}, "", ""},
		{"jsa inside a word is no JSA", func(in *Incident) {
			in.Location, in.Place, in.PlaceKo, in.Title, in.TitleKo, in.SummaryKo = central, "Cheorwon", "철원", "Defection", "귀순", "귀순했다."
			in.Summary = "He crossed near the hajsan road."
		}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := strictValid()
			tc.change(in)
			if err := in.Validate(mdl(t)); err != nil && tc.field != "sources" {
				t.Fatalf("the case is not a valid incident: %v", err)
			}
			err := CheckStrict([]*Incident{in}, mdl(t))
			checkFieldError(t, err, tc.field, tc.want)
			if err != nil && tc.field != "" {
				for _, f := range err.(*Error).Fields {
					if !strings.HasPrefix(f.Message, in.ID+": ") || f.Index == nil || *f.Index != 0 {
						t.Errorf("refusal %v does not name the incident %s and its index", f, in.ID)
					}
				}
			}
		})
	}
}

func TestCheckStrictSameDayAndPlace(t *testing.T) {
	pair := func(dx float64, sameDay bool) (*Incident, *Incident) {
		a, b := strictValid(), strictValid()
		b.ID = "2017-11-13-second-event"
		b.Location = orb.Point{a.Location[0] + dx, a.Location[1]}
		if !sameDay {
			b.Date = Date{2017, 11, 14}
		}
		return a, b
	}
	refused := func(ins ...*Incident) map[string]bool {
		out := map[string]bool{}
		if err := CheckStrict(ins, nil); err != nil {
			for _, f := range err.(*Error).Fields {
				if f.Field != "distinct_from" {
					t.Errorf("unexpected refusal %v", f)
				}
				out[strings.SplitN(f.Message, ":", 2)[0]] = true
			}
		}
		return out
	}
	a, b := pair(0.01, true) // about 0.9 km apart
	if got := refused(a, b); !got[a.ID] || !got[b.ID] {
		t.Errorf("two incidents 0.9 km apart on one day, neither naming the other: refused %v, want both", got)
	}
	a.DistinctFrom = []string{b.ID}
	if got := refused(a, b); got[a.ID] || !got[b.ID] {
		t.Errorf("only the first names the second: refused %v, want the second only", got)
	}
	b.DistinctFrom = []string{a.ID}
	if got := refused(a, b); len(got) != 0 {
		t.Errorf("both name each other: refused %v", got)
	}
	a, b = pair(0.2, true) // about 17.6 km apart
	if got := refused(a, b); len(got) != 0 {
		t.Errorf("17 km apart: refused %v", got)
	}
	a, b = pair(0.01, false)
	if got := refused(a, b); len(got) != 0 {
		t.Errorf("on different days: refused %v", got)
	}
	a, b = pair(0.01, true)
	a.Date, b.Date = Date{2017, 11, 0}, Date{2017, 11, 0}
	if got := refused(a, b); len(got) != 0 {
		t.Errorf("known only to the month: refused %v", got)
	}
}

func TestValidateStrictFile(t *testing.T) {
	f, _ := EncodeFeature(strictValid(), nil)
	head := `{"type":"FeatureCollection","dataset":{"version":"2026.12.1","date":"2026-12-01"},"features":[`
	cases := []struct {
		name  string
		doc   string
		field string
		want  string
	}{
		{"valid", head + string(f) + `]}`, "", ""},
		{"no dataset", `{"type":"FeatureCollection","features":[` + string(f) + `]}`, "dataset", "must carry its version"},
		{"bad dataset version", `{"type":"FeatureCollection","dataset":{"version":"v1","date":"2026-12-01"},"features":[]}`, "dataset.version", "YYYY.MM.N"},
		{"day precision with no day", head + strings.Replace(string(f), `"date":"2017-11-13"`, `"date":"2017-11"`, 1) + `]}`,
			"date_precision", "2017-11-13-jsa-defection: "},
		{"not valid", head + strings.Replace(string(f), `"confidence":"high"`, `"confidence":"sure"`, 1) + `]}`,
			"confidence", "2017-11-13-jsa-defection: "},
		{"repeated id", head + string(f) + "," + string(f) + `]}`, "id", "repeated"},
		{"strict rule", head + strings.Replace(string(f), `"location_precision_m":100`, `"location_precision_m":10`, 1) + `]}`,
			"location_precision_m", "2017-11-13-jsa-defection: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ValidateStrict([]byte(tc.doc), mdl(t))
			checkFieldError(t, err, tc.field, tc.want)
		})
	}
}
