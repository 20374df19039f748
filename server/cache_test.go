package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/dmzmap/dmzmap/data"
)

func TestDataETagAndNotModified(t *testing.T) {
	s, store, _ := newTestServer(t, fixture(loadMDL(t)))
	first := get(t, s, "/api/incidents?year=2017")
	etag := first.header.Get("ETag")
	if first.status != 200 || !strings.HasPrefix(etag, `W/"`) {
		t.Fatalf("status %d, ETag %q: want 200 and a weak ETag", first.status, etag)
	}
	if cc := first.header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache", cc)
	}
	if first.header.Get("Last-Modified") == "" {
		t.Errorf("no Last-Modified")
	}
	for _, url := range []string{"/api/incidents?year=2017", "/api/years", "/api/crossings", "/api/mdl"} {
		req := httptest.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("If-None-Match", etag)
		r := do(t, s, req)
		if r.status != http.StatusNotModified || len(r.body) != 0 {
			t.Errorf("GET %s with the current ETag = %d with %d bytes, want 304 and no body", url, r.status, len(r.body))
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/api/incidents?year=2017", nil)
	req.Header.Set("If-Modified-Since", first.header.Get("Last-Modified"))
	if r := do(t, s, req); r.status != http.StatusNotModified {
		t.Errorf("If-Modified-Since the Last-Modified = %d, want 304", r.status)
	}

	in := fixture(loadMDL(t))[0]
	in.Summary = "Changed."
	if _, err := store.Import([]*data.Incident{in}, data.ImportOptions{Mode: data.ModeUpsert}); err != nil {
		t.Fatal(err)
	}
	req = httptest.NewRequest(http.MethodGet, "/api/incidents?year=2017", nil)
	req.Header.Set("If-None-Match", etag)
	r := do(t, s, req)
	if r.status != 200 || r.header.Get("ETag") == etag {
		t.Errorf("after a write: status %d, ETag %q; want 200 with a new ETag", r.status, r.header.Get("ETag"))
	}
}

func TestBadRequestsAreNotCached(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	r := get(t, s, "/api/incidents?year=abc")
	if r.status != 400 || r.header.Get("ETag") != "" || r.header.Get("Last-Modified") != "" {
		t.Errorf("bad request: status %d, ETag %q, Last-Modified %q; want 400 without validators", r.status, r.header.Get("ETag"), r.header.Get("Last-Modified"))
	}
}

func TestCompression(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	plain := get(t, s, "/api/incidents")
	for _, enc := range []string{"gzip", "br"} {
		for _, url := range []string{"/api/incidents", "/api/export.geojson"} {
			req := httptest.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Accept-Encoding", enc)
			r := do(t, s, req)
			if got := r.header.Get("Content-Encoding"); got != enc {
				t.Errorf("%s with Accept-Encoding %s: Content-Encoding %q", url, enc, got)
				continue
			}
			var rd io.Reader
			if enc == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(r.body))
				if err != nil {
					t.Fatal(err)
				}
				rd = zr
			} else {
				rd = brotli.NewReader(bytes.NewReader(r.body))
			}
			body, err := io.ReadAll(rd)
			if err != nil {
				t.Fatalf("%s %s: %v", url, enc, err)
			}
			if url == "/api/incidents" && !bytes.Equal(body, plain.body) {
				t.Errorf("%s decompressed differs from the plain answer", enc)
			}
			if len(r.body) >= len(body) {
				t.Errorf("%s %s: %d bytes compressed from %d", url, enc, len(r.body), len(body))
			}
		}
	}
}

func TestVersionedAssets(t *testing.T) {
	_, store, _ := newTestServer(t, nil)
	page := fstest.MapFS{
		"index.html":    {Data: []byte(`<script src="/static/app.js" type="module"></script>`)},
		"static/app.js": {Data: []byte(`import "./x.js";`)},
	}
	s := New(store, loadMDL(t), nil, Config{Assets: page})
	index := get(t, s, "/")
	i := bytes.Index(index.body, []byte("/static/v-"))
	if i < 0 || index.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("index %q, Cache-Control %q: want versioned asset URLs and no-cache", index.body, index.header.Get("Cache-Control"))
	}
	url := string(index.body[i:bytes.Index(index.body, []byte(`" type`))])
	r := get(t, s, url)
	if r.status != 200 || string(r.body) != `import "./x.js";` || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("GET %s = %d %q, Cache-Control %q; want the file, immutable", url, r.status, r.body, r.header.Get("Cache-Control"))
	}
	old := get(t, s, "/static/v-0123456789ab/app.js")
	if old.status != 200 || old.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("an old version's URL = %d, Cache-Control %q; want today's file, revalidated", old.status, old.header.Get("Cache-Control"))
	}
	req := httptest.NewRequest(http.MethodGet, "/static/app.js", nil)
	req.Header.Set("If-None-Match", r.header.Get("ETag"))
	if r := do(t, s, req); r.status != http.StatusNotModified {
		t.Errorf("unversioned asset with its ETag = %d, want 304", r.status)
	}
}

func TestAnswerCacheFollowsWritesAndAccept(t *testing.T) {
	s, store, _ := newTestServer(t, fixture(loadMDL(t)))
	first := decodeCollection(t, get(t, s, "/api/incidents?year=2017"))
	again := decodeCollection(t, get(t, s, "/api/incidents?year=2017"))
	if len(again.Features) != len(first.Features) {
		t.Fatalf("the second answer has %d features, the first %d", len(again.Features), len(first.Features))
	}
	in := fixture(loadMDL(t))[0]
	in.ID, in.Date = "2017-01-01-new", data.Date{Year: 2017, Month: 1, Day: 1}
	if _, err := store.Import([]*data.Incident{in}, data.ImportOptions{Mode: data.ModeUpsert}); err != nil {
		t.Fatal(err)
	}
	after := decodeCollection(t, get(t, s, "/api/incidents?year=2017"))
	if len(after.Features) != len(first.Features)+1 {
		t.Errorf("after a write the answer has %d features, want %d: a stale answer was served", len(after.Features), len(first.Features)+1)
	}
}

func TestAnswerCacheKeepsHostsApart(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	for _, host := range []string{"a.example", "b.example"} {
		req := httptest.NewRequest(http.MethodGet, "http://"+host+"/ogc/collections", nil)
		req.RequestURI = "/ogc/collections" // origin-form, so that the Host header is sent (HTTP/1.1 requires it)
		r := do(t, s, req)
		if !bytes.Contains(r.body, []byte("http://"+host+"/ogc")) {
			t.Errorf("GET via %s links elsewhere: %.200s", host, r.body)
		}
	}
}
