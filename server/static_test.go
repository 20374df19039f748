package server

import (
	"testing"
	"testing/fstest"
)

func TestStatic(t *testing.T) {
	ts, _, _ := newTestServer(t, nil)
	page := fstest.MapFS{
		"index.html":                       {Data: []byte("<!doctype html><title>dmzmap</title>")},
		"static/app.js":                    {Data: []byte("export {}")},
		"static/app.css":                   {Data: []byte("body{}")},
		"static/vendor/leaflet/LICENSE":    {Data: []byte("BSD")},
		"static/vendor/leaflet/marker.png": {Data: []byte("\x89PNG")},
		"static/basemap/korea.geojson":     {Data: []byte(`{"type":"FeatureCollection","features":[]}`)},
	}
	s := New(ts.store, ts.mdl, nil, Config{Assets: page})
	cases := []struct {
		url    string
		status int
		ctype  string
		body   string
	}{
		{"/", 200, "text/html; charset=utf-8", "<!doctype html><title>dmzmap</title>"},
		{"/static/app.js", 200, "text/javascript; charset=utf-8", "export {}"},
		{"/static/app.css", 200, "text/css; charset=utf-8", "body{}"},
		{"/static/vendor/leaflet/LICENSE", 200, "text/plain; charset=utf-8", "BSD"},
		{"/static/vendor/leaflet/marker.png", 200, "image/png", "\x89PNG"},
		{"/static/basemap/korea.geojson", 200, "application/geo+json", `{"type":"FeatureCollection","features":[]}`},
		{"/static/nope.js", 404, ContentTypeProblem, ""},
		{"/static/", 404, ContentTypeProblem, ""},
		{"/static/vendor", 404, ContentTypeProblem, ""},
		{"/static/../index.html", 404, ContentTypeProblem, ""},
		{"/static/%2e%2e/index.html", 404, ContentTypeProblem, ""},
		{"/index.html", 404, ContentTypeProblem, ""},
	}
	for _, tc := range cases {
		r := get(t, s, tc.url)
		if r.status != tc.status || r.header.Get("Content-Type") != tc.ctype {
			t.Errorf("%s: status %d, Content-Type %q; want %d %q", tc.url, r.status, r.header.Get("Content-Type"), tc.status, tc.ctype)
			continue
		}
		if tc.body != "" && string(r.body) != tc.body {
			t.Errorf("%s: body %q, want %q", tc.url, r.body, tc.body)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no X-Content-Type-Options: nosniff", tc.url)
		}
	}
}
