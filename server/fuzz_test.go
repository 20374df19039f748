package server

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

// FuzzRequest sends requests of any method, target and body through the
// whole app, writes included: whatever comes in, the answer is never a 5xx,
// every error is a problem document, and the server keeps answering.
//
//	go test ./server -run '^$' -fuzz '^FuzzRequest$' -fuzztime 30s
func FuzzRequest(f *testing.F) {
	for _, seed := range []struct {
		method byte
		target string
		body   []byte
	}{
		{0, "/api/incidents?year=2017&type=crossing", nil},
		{0, "/api/incidents/2017-11-13-jsa", nil},
		{0, "/api/export.geojson?bbox=126,37,127,38", nil},
		{0, "/api/years?from=1960&to=1969", nil},
		{0, "/api/crossings?direction=north_to_south", nil},
		{1, "/api/incidents", []byte(hostileFeature)},
		{1, "/api/incidents", []byte(`{"type":"Feature"`)},
		{1, "/api/import?dry_run=true", []byte(`{"type":"FeatureCollection","features":[` + hostileFeature + `]}`)},
		{2, "/api/incidents/2017-11-13-jsa", []byte(`{"properties":{"title":"x"}}`)},
		{3, "/api/incidents/1965-us-soldier", nil},
		{4, "/api/incidents/2017-11-13-jsa", []byte(hostileFeature)},
		{5, "/api/incidents?limit=-1", nil},
		{6, "/%ff?a%00=1", nil},
	} {
		f.Add(seed.method, seed.target, seed.body)
	}
	s, _, _ := newConfigServer(f, Config{Token: hostileToken, BodyLimit: 1 << 20}, fixture(loadMDL(f)))
	methods := []string{"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS"}
	contentTypes := map[string]string{"POST": data.ContentTypeGeoJSON, "PUT": data.ContentTypeGeoJSON, "PATCH": ContentTypeMergePatch}
	f.Fuzz(func(t *testing.T, m byte, target string, body []byte) {
		method := methods[int(m)%len(methods)]
		req, err := http.NewRequest(method, "http://dmzmap.test/"+strings.TrimPrefix(target, "/"), bytes.NewReader(body))
		if err != nil || len(req.URL.RequestURI()) > 2000 || strings.ContainsFunc(req.URL.RequestURI(), func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return // app.Test writes the target as it is: a space ends it on the wire, which TestFramingRefused covers
		}
		if req.URL.Path == "/api/events" && method == "GET" {
			return // a stream that never ends; TestEvents covers it
		}
		req.Header.Set("Authorization", "Bearer "+hostileToken)
		req.Header.Set("If-Match", "*")
		if ct := contentTypes[method]; ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		res, err := s.App().Test(req, -1)
		if err != nil {
			t.Fatalf("%s %q: %v", method, target, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("%s %q with %q: %d %s", method, target, body, res.StatusCode, b)
		}
		if res.StatusCode >= 400 && method != "HEAD" && res.Header.Get("Content-Type") != ContentTypeProblem {
			t.Fatalf("%s %q: %d with Content-Type %q, want a problem", method, target, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res.Header.Get("Content-Security-Policy") != ContentSecurityPolicy {
			t.Fatalf("%s %q: no Content-Security-Policy", method, target)
		}
	})
}
