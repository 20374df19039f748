package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/assets"
	"github.com/dmzmap/dmzmap/data"
)

func TestIncidentPage(t *testing.T) {
	ins := fixture(loadMDL(t))
	ins[6].Title = `JSA defection <script>alert(1)</script> & "quotes"`
	ins[6].TitleKo = "판문점 귀순"
	ins[6].Sources = append(ins[6].Sources, data.Source{Title: "Other", URL: "https://example.org/other", Publisher: "Other Daily"})
	ins[6].Disputes = []data.Dispute{{Field: "persons", Claims: []data.Claim{{Value: "one soldier", Source: 0}, {Value: "two soldiers", Source: 1}}}}
	s, _, _ := newConfigServer(t, Config{Assets: assets.FS}, ins)
	r := get(t, s, "/incidents/2017-11-13-jsa")
	page := string(r.body)
	if r.status != 200 || r.header.Get("Content-Type") != contentTypeHTML {
		t.Fatalf("%d %s %.300s", r.status, r.header.Get("Content-Type"), page)
	}
	if r.header.Get("Content-Security-Policy") != ContentSecurityPolicy {
		t.Errorf("CSP %q, want the site's", r.header.Get("Content-Security-Policy"))
	}
	meta := func(attr, name string) string {
		m := regexp.MustCompile(`<meta ` + attr + `="` + regexp.QuoteMeta(name) + `" content="([^"]*)">`).FindStringSubmatch(page)
		if m == nil {
			t.Errorf("no <meta %s=%q>", attr, name)
			return ""
		}
		return m[1]
	}
	url := "http://example.com/incidents/2017-11-13-jsa"
	if !strings.Contains(page, `<link rel="canonical" href="`+url+`">`) {
		t.Error("no canonical link to the page")
	}
	if got := meta("property", "og:url"); got != url {
		t.Errorf("og:url %q", got)
	}
	if got := meta("property", "og:image"); got != url[:len("http://example.com")]+"/api/incidents/2017-11-13-jsa/map.png" {
		t.Errorf("og:image %q, want the incident's map image", got)
	}
	if got := meta("property", "og:title"); !strings.Contains(got, "&lt;script&gt;") {
		t.Errorf("og:title %q: the title's markup is not escaped", got)
	}
	meta("property", "og:description")
	if got := meta("name", "twitter:card"); got != "summary_large_image" {
		t.Errorf("twitter:card %q", got)
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("the title's <script> reached the page as markup")
	}
	if !strings.Contains(page, `<h1>JSA defection &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;</h1>`) {
		t.Errorf("the title is not in the page as text")
	}
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld struct {
		Context   string `json:"@context"`
		Type      string `json:"@type"`
		Name      string `json:"name"`
		StartDate string `json:"startDate"`
		Location  struct {
			Type string `json:"@type"`
			Geo  struct{ Latitude, Longitude float64 }
		}
		Citation []struct {
			URL string `json:"url"`
		}
	}
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, m[1])
	}
	if ld.Context != "https://schema.org" || ld.Type != "Event" || ld.StartDate != "2017-11-13" || ld.Name != ins[6].Title ||
		ld.Location.Geo.Latitude != 37.9558 || len(ld.Citation) != 2 || ld.Citation[0].URL != "https://example.org/2017-11-13-jsa" {
		t.Errorf("JSON-LD %+v", ld)
	}
	for _, want := range []string{`href="http://example.com/?sel=2017-11-13-jsa"`, "Cite this", "Sources disagree",
		"“one soldier” (Example)", "“two soldiers” (Other Daily)", `<p class="ko" lang="ko">판문점 귀순</p>`, "https://example.org/2017-11-13-jsa", "/static/v-"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %q", want)
		}
	}
	// Conditional GET.
	if r.header.Get("ETag") == "" {
		t.Fatal("no ETag")
	}
	// An unknown id: a page for a browser, a problem for anything else.
	req := httptest.NewRequest(http.MethodGet, "/incidents/no-such-incident", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	r = do(t, s, req)
	if r.status != 404 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "no-such-incident") {
		t.Errorf("unknown id, from a browser: %d %s", r.status, r.body)
	}
	r = get(t, s, "/incidents/no-such-incident")
	if p := decodeProblem(t, r); r.status != 404 || len(p.Errors) != 1 || p.Errors[0].Parameter != "id" {
		t.Errorf("unknown id, without Accept: %d %+v", r.status, p)
	}
}
