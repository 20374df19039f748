package server

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestParseEmbedOrigins(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"", "*", true},
		{"*", "*", true},
		{"https://news.example", "https://news.example", true},
		{"https://news.example, http://127.0.0.1:8080", "https://news.example http://127.0.0.1:8080", true},
		{"'self' https://*.example.org https:", "'self' https://*.example.org https:", true},
		{"'none'", "'none'", true},
		{"'none' https://a.example", "", false},
		{"https://a.example;script-src *", "", false},
		{"'unsafe-inline'", "", false},
		{"https://a.example/'x'", "", false},
	}
	for _, tc := range cases {
		got, err := ParseEmbedOrigins(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseEmbedOrigins(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// TestEmbedFraming checks that /embed alone may be framed, by the
// configured origins, and that every other answer still refuses it.
func TestEmbedFraming(t *testing.T) {
	page := fstest.MapFS{
		"index.html":    {Data: []byte(`<!doctype html><body data-status="loading"><script src="/static/app.js"></script>`)},
		"static/app.js": {Data: []byte("export {}")},
	}
	cases := []struct {
		name, origins, want string
	}{
		{"default", "", "frame-ancestors *"},
		{"listed", "https://news.example http://127.0.0.1:9999", "frame-ancestors https://news.example http://127.0.0.1:9999"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, _, _ := newTestServer(t, nil)
			s := New(ts.store, ts.mdl, nil, Config{Assets: page, EmbedOrigins: tc.origins})
			r := get(t, s, "/embed?from=2017&type=crossing")
			if r.status != 200 {
				t.Fatalf("/embed: status %d", r.status)
			}
			csp := r.header.Get("Content-Security-Policy")
			if !strings.HasSuffix(csp, tc.want) {
				t.Errorf("/embed CSP %q, want it to end in %q", csp, tc.want)
			}
			if csp != strings.Replace(ContentSecurityPolicy, "frame-ancestors 'none'", tc.want, 1) {
				t.Errorf("/embed CSP %q differs from the page's in more than frame-ancestors", csp)
			}
			if xfo := r.header.Values("X-Frame-Options"); len(xfo) != 0 {
				t.Errorf("/embed sends X-Frame-Options %q", xfo)
			}
			if !strings.Contains(string(r.body), `<body data-mode="embed" data-status="loading">`) {
				t.Errorf("/embed body %s is not the page marked as embedded", r.body)
			}
			if !strings.Contains(string(r.body), `"/static/v-`) {
				t.Errorf("/embed body %s lacks the versioned asset URLs", r.body)
			}
			for _, u := range []string{"/", "/static/app.js", "/api/incidents", "/api/map.png", "/nope", "/embed/x"} {
				r := get(t, s, u)
				if got := r.header.Get("X-Frame-Options"); got != "DENY" {
					t.Errorf("%s: X-Frame-Options %q, want DENY", u, got)
				}
				if got := r.header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
					t.Errorf("%s: CSP %q, want the page's", u, got)
				}
			}
		})
	}
}
