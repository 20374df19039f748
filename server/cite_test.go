package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

func TestCite(t *testing.T) {
	s, store, _ := newTestServer(t, fixture(loadMDL(t)))
	id := "2017-11-13-jsa"
	t.Run("text", func(t *testing.T) {
		r := get(t, s, "/api/incidents/"+id+"/cite")
		body := string(r.body)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("%d %s", r.status, r.body)
		}
		for _, want := range []string{"JSA defection", "2017-11-13", "http://example.com/incidents/" + id, "Accessed 2026-11-25", "CC BY 4.0"} {
			if !strings.Contains(body, want) {
				t.Errorf("the citation %q has no %q", body, want)
			}
		}
	})
	t.Run("bibtex", func(t *testing.T) {
		r := get(t, s, "/api/incidents/"+id+"/cite?format=bibtex")
		b := string(r.body)
		if r.status != 200 || !strings.HasPrefix(b, "@misc{dmzmap:"+id) || !strings.Contains(b, "url          = {http://example.com/incidents/"+id+"}") ||
			strings.Count(b, "{") != strings.Count(b, "}") {
			t.Errorf("%d\n%s", r.status, b)
		}
	})
	t.Run("csl-json", func(t *testing.T) {
		r := get(t, s, "/api/incidents/"+id+"/cite?format=csl-json")
		var items []struct {
			ID, Type, Title, URL string
			License              string
			Accessed             struct {
				DateParts [][]int `json:"date-parts"`
			}
			EventDate struct {
				DateParts [][]int `json:"date-parts"`
			} `json:"event-date"`
		}
		if err := json.Unmarshal(r.body, &items); err != nil || len(items) != 1 {
			t.Fatalf("%v %s", err, r.body)
		}
		it := items[0]
		if it.Type != "dataset" || it.Title != "JSA defection" || it.URL != "http://example.com/incidents/"+id ||
			len(it.EventDate.DateParts) != 1 || it.EventDate.DateParts[0][0] != 2017 || it.Accessed.DateParts[0][0] != 2026 {
			t.Errorf("%+v", it)
		}
	})
	t.Run("dataset version", func(t *testing.T) {
		if err := store.SetDataset(data.Dataset{Version: "2026.12.1", Date: "2026-12-01"}); err != nil {
			t.Fatal(err)
		}
		r := get(t, s, "/api/incidents/"+id+"/cite?format=bibtex")
		if !strings.Contains(string(r.body), "version      = {2026.12.1}") {
			t.Errorf("the citation names no dataset version:\n%s", r.body)
		}
	})
	t.Run("dataset", func(t *testing.T) {
		r := get(t, s, "/api/cite?format=bibtex")
		if r.status != 200 || !strings.Contains(string(r.body), "dmzmap: documented incidents") {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	for _, tc := range []struct{ url, param string }{
		{"/api/incidents/" + id + "/cite?format=ris", "format"},
		{"/api/incidents/" + id + "/cite?style=apa", "style"},
		{"/api/incidents/no-such-incident/cite", "id"},
	} {
		r := get(t, s, tc.url)
		p := decodeProblem(t, r)
		if r.status/100 != 4 || len(p.Errors) == 0 || p.Errors[0].Parameter != tc.param {
			t.Errorf("%s: %d %+v, want a problem naming %s", tc.url, r.status, p, tc.param)
		}
	}
}
