package server

import (
	"net/http"
	"strings"
	"testing"
)

// writes are one request to each route that needs the token, with a body
// that would be accepted.
var writes = []struct {
	method, target, body string
	headers              []string
}{
	{"POST", "/api/incidents", withID("2017-11-13-auth-test"), geoJSON},
	{"PUT", "/api/incidents/2017-11-13-jsa", newFeature, hdr(geoJSON, []string{"If-Match", "*"})},
	{"PATCH", "/api/incidents/2017-11-13-jsa", `{"properties":{"title":"Patched"}}`, hdr(patchCT, []string{"If-Match", "*"})},
	{"DELETE", "/api/incidents/2017-11-13-jsa", "", []string{"If-Match", "*"}},
	{"POST", "/api/import", `{"type":"FeatureCollection","features":[]}`, geoJSON},
	{"GET", "/api/backup", "", nil},
}

func TestWritesNeedToken(t *testing.T) {
	cases := []struct {
		name    string
		token   string // the server's
		auth    string // the request's Authorization
		status  int
		says    string // words the detail holds
		realm   string // the start of WWW-Authenticate; "" for none
		written bool
	}{
		{"no token set", "", "", http.StatusForbidden, "start dmzmap with --token-file FILE or DMZMAP_TOKEN", "", false},
		{"no token set, one sent", "", "Bearer " + testToken, http.StatusForbidden, "--token-file FILE or DMZMAP_TOKEN", "", false},
		{"no Authorization", testToken, "", http.StatusUnauthorized, "Authorization: Bearer", `Bearer realm="dmzmap"`, false},
		{"another scheme", testToken, "Basic " + testToken, http.StatusUnauthorized, "Authorization: Bearer", `Bearer realm="dmzmap"`, false},
		{"empty bearer", testToken, "Bearer ", http.StatusUnauthorized, "Authorization: Bearer", `Bearer realm="dmzmap"`, false},
		{"wrong token", testToken, "Bearer wrong", http.StatusUnauthorized, "not this server's token", `Bearer realm="dmzmap", error="invalid_token"`, false},
		{"prefix of the token", testToken, "Bearer " + testToken[:5], http.StatusUnauthorized, "not this server's token", `Bearer realm="dmzmap", error="invalid_token"`, false},
		{"token and more", testToken, "Bearer " + testToken + "x", http.StatusUnauthorized, "not this server's token", `Bearer realm="dmzmap", error="invalid_token"`, false},
		{"good token", testToken, "Bearer " + testToken, 0, "", "", true},
		{"good token, scheme in lower case", testToken, "bearer  " + testToken, 0, "", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range writes {
				s, store, logs := newWriteServer(t, tc.token, fixture(loadMDL(t)))
				before, _ := store.Version()
				h := w.headers
				if tc.auth != "" {
					h = hdr(h, []string{"Authorization", tc.auth})
				}
				r := call(t, s, w.method, w.target, w.body, h...)
				after, _ := store.Version()
				if tc.status == 0 {
					if r.status >= 300 {
						t.Errorf("%s %s: status %d, want success; body %s", w.method, w.target, r.status, r.body)
					}
					if w.method != "GET" && after.Changes == before.Changes {
						t.Errorf("%s %s: nothing was written", w.method, w.target)
					}
				} else {
					p := problemOfResponse(t, r, tc.status)
					if !strings.Contains(p.Detail, tc.says) {
						t.Errorf("%s %s: detail %q does not say %q", w.method, w.target, p.Detail, tc.says)
					}
					if got := r.header.Get("WWW-Authenticate"); got != tc.realm {
						t.Errorf("%s %s: WWW-Authenticate %q, want %q", w.method, w.target, got, tc.realm)
					}
					if after.Changes != before.Changes {
						t.Errorf("%s %s: a refused request wrote", w.method, w.target)
					}
				}
				if tc.token != "" && strings.Contains(logs.String(), tc.token) {
					t.Errorf("the log holds the token:\n%s", logs)
				}
			}
		})
	}
}

func TestReadsNeedNoToken(t *testing.T) {
	s, _, _ := newWriteServer(t, testToken, fixture(loadMDL(t)))
	for _, u := range []string{"/api/incidents", "/api/incidents/2017-11-13-jsa", "/api/incidents/2017-11-13-jsa/history", "/api/export.geojson"} {
		if r := get(t, s, u); r.status != http.StatusOK {
			t.Errorf("GET %s without a token: status %d, want 200", u, r.status)
		}
	}
}

func TestBearer(t *testing.T) {
	cases := []struct {
		header, token string
		ok            bool
	}{
		{"Bearer abc", "abc", true},
		{"bearer abc", "abc", true},
		{"BEARER   abc  ", "abc", true},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Basic abc", "", false},
		{"", "", false},
		{"Bearerabc", "", false},
	}
	for _, tc := range cases {
		if got, ok := bearer(tc.header); got != tc.token || ok != tc.ok {
			t.Errorf("bearer(%q) = %q, %v; want %q, %v", tc.header, got, ok, tc.token, tc.ok)
		}
	}
}
