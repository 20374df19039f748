package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

type yearsDoc struct {
	Years []struct {
		Year   int            `json:"year"`
		Total  int            `json:"total"`
		ByType map[string]int `json:"by_type"`
	} `json:"years"`
	First *int `json:"first"`
	Last  *int `json:"last"`
	Total int  `json:"total"`
}

func TestYears(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	cases := []struct {
		query  string
		years  map[int]int // year → total
		first  int         // 0: null
		last   int
		types  []string // the keys of by_type
		byType map[int]map[string]int
	}{
		{query: "", years: map[int]int{1962: 1, 1965: 1, 1968: 1, 1969: 1, 1978: 1, 2017: 2, 2025: 1}, first: 1962, last: 2025,
			types:  []string{"abduction", "crossing", "incursion", "infiltration", "landmine", "other", "shooting", "tunnel"},
			byType: map[int]map[string]int{2017: {"crossing": 2}, 1968: {"infiltration": 1}}},
		{query: "from=1960&to=1969", years: map[int]int{1962: 1, 1965: 1, 1968: 1, 1969: 1}, first: 1962, last: 1969},
		{query: "year=2017", years: map[int]int{2017: 2}, first: 2017, last: 2017},
		{query: "type=crossing,tunnel", years: map[int]int{1962: 1, 1965: 1, 1978: 1, 2017: 2, 2025: 1}, first: 1962, last: 2025,
			types:  []string{"crossing", "tunnel"},
			byType: map[int]map[string]int{1978: {"tunnel": 1, "crossing": 0}}},
		{query: "sector=eastern", years: map[int]int{1978: 1}, first: 1978, last: 1978},
		{query: "q=soldier", years: map[int]int{1962: 1, 2017: 2}, first: 1962, last: 2017},
		{query: "year=1990", years: map[int]int{}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			r := get(t, s, "/api/years?"+tc.query)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, Content-Type %q; body %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			var doc yearsDoc
			if err := json.Unmarshal(r.body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Years == nil {
				t.Errorf("years is null, want an array")
			}
			got, total := map[int]int{}, 0
			prev := 0
			for _, y := range doc.Years {
				got[y.Year] = y.Total
				total += y.Total
				if y.Year <= prev {
					t.Errorf("year %d after %d: want increasing years", y.Year, prev)
				}
				prev = y.Year
				sum := 0
				for _, n := range y.ByType {
					sum += n
				}
				if sum != y.Total {
					t.Errorf("%d: by_type sums to %d, total is %d", y.Year, sum, y.Total)
				}
				if tc.types != nil {
					var keys []string
					for k := range y.ByType {
						keys = append(keys, k)
					}
					if len(keys) != len(tc.types) {
						t.Errorf("%d: by_type has %v, want the keys %v", y.Year, keys, tc.types)
					}
				}
				for k, want := range tc.byType[y.Year] {
					if y.ByType[k] != want {
						t.Errorf("%d: by_type[%s] = %d, want %d", y.Year, k, y.ByType[k], want)
					}
				}
			}
			if !reflect.DeepEqual(got, tc.years) {
				t.Errorf("years %v, want %v", got, tc.years)
			}
			if doc.Total != total {
				t.Errorf("total %d, want %d", doc.Total, total)
			}
			switch {
			case tc.first == 0 && (doc.First != nil || doc.Last != nil):
				t.Errorf("first %v last %v, want null", doc.First, doc.Last)
			case tc.first != 0 && (doc.First == nil || doc.Last == nil || *doc.First != tc.first || *doc.Last != tc.last):
				t.Errorf("first %v last %v, want %d and %d", doc.First, doc.Last, tc.first, tc.last)
			}
		})
	}
}
