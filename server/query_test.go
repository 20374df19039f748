package server

import (
	"errors"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/valyala/fasthttp"
)

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

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "year=2017", "from=1960&to=1969", "type=crossing,shooting&direction=north_to_south&sector=jsa",
		"bbox=126.5,37.7,127.5,38.4&q=guiding+operation&limit=100&offset=5", "bbox=1,2,3", "year=abc&year=2",
		"limit=-1", "limit=1000000000000", "bbox=170,37,-170,38", "q=%ff", "a%00b=1", "&&=&year",
	} {
		f.Add(s)
	}
	specs := []querySpec{
		{route: "/api/incidents", paging: true, maxLimit: 10000},
		{route: "/api/years"},
		{route: "/api/export.geojson", paging: true},
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var args fasthttp.Args
		args.Parse(raw)
		for _, sp := range specs {
			q, err := parseQuery(&args, sp, 2026)
			if err != nil {
				var qe queryError
				if !errors.As(err, &qe) || len(qe) == 0 {
					t.Fatalf("%q: error %v is not a list of parameter errors", raw, err)
				}
				for _, e := range qe {
					if e.Parameter == "" || e.Message == "" || !utf8.ValidString(e.Parameter) || !utf8.ValidString(e.Message) {
						t.Fatalf("%q: parameter error %+v lacks a name or message, or is not UTF-8", raw, e)
					}
				}
				continue
			}
			fl := q.filter
			if fl.From != 0 && fl.To != 0 && fl.From > fl.To {
				t.Fatalf("%q: from %d after to %d", raw, fl.From, fl.To)
			}
			if fl.Limit < 0 || (sp.maxLimit > 0 && (fl.Limit < 1 || fl.Limit > sp.maxLimit)) || fl.Offset < 0 {
				t.Fatalf("%q: limit %d offset %d", raw, fl.Limit, fl.Offset)
			}
			if b := fl.BBox; b != nil && (b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90) {
				t.Fatalf("%q: bbox %v", raw, *b)
			}
			if utf8.RuneCountInString(fl.Text) > maxText || !utf8.ValidString(fl.Text) {
				t.Fatalf("%q: text %q", raw, fl.Text)
			}
		}
	})
}
