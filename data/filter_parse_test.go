package data

import (
	"errors"
	"math"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// paramList is Params in the order of a raw query string, repeats kept.
type paramList [][2]string

func (p paramList) VisitAll(fn func(key, value []byte)) {
	for _, kv := range p {
		fn([]byte(kv[0]), []byte(kv[1]))
	}
}

func parseRaw(raw string) paramList {
	var p paramList
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if u, err := url.QueryUnescape(k); err == nil {
			k = u
		}
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		p = append(p, [2]string{k, v})
	}
	return p
}

func TestParseDigits(t *testing.T) {
	cases := []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"10000", 10000, true}, {"007", 7, true},
		{"1000000000000", 1000000000000, true},
		{"99999999999999999999999", math.MaxInt, true},
		{"", 0, false}, {"-1", 0, false}, {"+1", 0, false}, {"1.5", 0, false}, {"1e3", 0, false}, {" 1", 0, false}, {"٣", 0, false},
	}
	for _, tc := range cases {
		if got, ok := parseDigits(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("parseDigits(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseFilter(t *testing.T) {
	fq, err := ParseFilter(URLParams(url.Values{"from": {"1960"}, "to": {"1970"}, "type": {"crossing,shooting"}, "bbox": {"126,37,128,39"}, "q": {"soldier"}}), FilterSpec{Route: "dmzmap export"}, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if f := fq.Filter; f.From != 19600000 || f.To != 19701299 || len(f.Types) != 2 || f.BBox == nil || f.Text != "soldier" || f.Limit != 0 {
		t.Errorf("filter %+v does not hold the parameters", f)
	}
	_, err = ParseFilter(URLParams(url.Values{"year": {"1900"}, "sector": {"north"}, "limit": {"5"}}), FilterSpec{Route: "dmzmap export"}, 2026)
	var de *Error
	if !errors.As(err, &de) || de.Kind != KindInvalid || len(de.Fields) != 3 || !strings.Contains(err.Error(), "limit: is not a parameter of dmzmap export") {
		t.Errorf("error %v, want the year, the sector and limit named", err)
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"", "year=2017", "from=1960&to=1969", "type=crossing,shooting&direction=north_to_south&sector=jsa",
		"bbox=126.5,37.7,127.5,38.4&q=guiding+operation&limit=100&offset=5", "bbox=1,2,3", "year=abc&year=2",
		"limit=-1", "limit=1000000000000", "bbox=170,37,-170,38", "q=%ff", "a%00b=1", "&&=&year",
	} {
		f.Add(s)
	}
	specs := []FilterSpec{
		{Route: "/api/incidents", Paging: true, MaxLimit: 10000},
		{Route: "/api/years"},
		{Route: "/api/export.geojson", Paging: true},
	}
	f.Fuzz(func(t *testing.T, raw string) {
		args := parseRaw(raw)
		for _, sp := range specs {
			q, err := ParseFilter(args, sp, 2026)
			if err != nil {
				var de *Error
				if !errors.As(err, &de) || de.Kind != KindInvalid || len(de.Fields) == 0 {
					t.Fatalf("%q: error %v is not a list of parameter errors", raw, err)
				}
				for _, e := range de.Fields {
					if e.Parameter == "" || e.Message == "" || !utf8.ValidString(e.Parameter) || !utf8.ValidString(e.Message) {
						t.Fatalf("%q: parameter error %+v lacks a name or message, or is not UTF-8", raw, e)
					}
				}
				continue
			}
			fl := q.Filter
			if fl.From != 0 && fl.To != 0 && fl.From > fl.To {
				t.Fatalf("%q: from %d after to %d", raw, fl.From, fl.To)
			}
			if fl.Limit < 0 || (sp.MaxLimit > 0 && (fl.Limit < 1 || fl.Limit > sp.MaxLimit)) || fl.Offset < 0 {
				t.Fatalf("%q: limit %d offset %d", raw, fl.Limit, fl.Offset)
			}
			if b := fl.BBox; b != nil && (b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90) {
				t.Fatalf("%q: bbox %v", raw, *b)
			}
			if utf8.RuneCountInString(fl.Text) > MaxText || !utf8.ValidString(fl.Text) {
				t.Fatalf("%q: text %q", raw, fl.Text)
			}
		}
	})
}
