package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"

	"github.com/dmzmap/dmzmap/assets"
)

func TestPageBundle(t *testing.T) {
	ts, _, _ := newTestServer(t, nil)
	page := fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html><head>
<link rel="stylesheet" href="/static/vendor/lib/lib.css">
<link rel="stylesheet" href="/static/app.css">
<link rel="stylesheet" href="/static/print.css" media="print">
<script src="/static/app.js" type="module"></script>
</head>`)},
		"static/vendor/lib/lib.css": {Data: []byte(`.a{background:url(images/a.png)} .b{background:url("/x.png")} .c{background:url(data:image/png;base64,AA==)}`)},
		"static/app.css":            {Data: []byte(`.d{color:red}`)},
		"static/print.css":          {Data: []byte(`.p{}`)},
		"static/app.js":             {Data: []byte("import './tuning.js';\nimport {\n  a,\n  b,\n} from './a.js';\nexport { c } from './sub/c.js';\nconst late = () => import('./late.js');\n// import './commented.js' is not at a line's start\n")},
		"static/tuning.js":          {Data: []byte("export {}")},
		"static/a.js":               {Data: []byte("import x from './sub/c.js';\nimport y from 'https://cdn.example/y.js';\nexport const a = 1, b = 2;")},
		"static/sub/c.js":           {Data: []byte("import '../tuning.js';\nimport './d.js';\nimport './e.js';\nexport const c = 3;")},
		"static/sub/e.js":           {Data: []byte("import './missing.js';\nexport {}")},
		"static/sub/d.js":           {Data: []byte("export {}")},
		"static/late.js":            {Data: []byte("export {}")},
	}
	s := New(ts.store, ts.mdl, nil, Config{Assets: page})
	index := string(get(t, s, "/").body)
	version := regexp.MustCompile(`/static/v-([0-9a-f]+)/`).FindStringSubmatch(index)
	if version == nil {
		t.Fatalf("index has no versioned URL:\n%s", index)
	}
	v := "/static/v-" + version[1] + "/"

	links := regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`).FindAllStringSubmatch(index, -1)
	if len(links) != 1 || links[0][1] != v+"bundle.css" {
		t.Errorf("stylesheet links %v, want one, to %sbundle.css", links, v)
	}
	if !strings.Contains(index, `href="`+v+`print.css" media="print"`) {
		t.Errorf("a link with a media attribute was bundled or lost:\n%s", index)
	}
	r := get(t, s, v+"bundle.css")
	css := string(r.body)
	if r.status != 200 || r.header.Get("Content-Type") != "text/css; charset=utf-8" || r.header.Get("Cache-Control") != cacheImmutable {
		t.Errorf("bundle.css: %d %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Cache-Control"))
	}
	for _, want := range []string{"url(" + v + "vendor/lib/images/a.png)", `url("/x.png")`, "url(data:image/png;base64,AA==)", ".d{color:red}"} {
		if !strings.Contains(css, want) {
			t.Errorf("bundle.css lacks %s:\n%s", want, css)
		}
	}
	if strings.Index(css, ".a{") > strings.Index(css, ".d{") || strings.Contains(css, ".p{}") {
		t.Errorf("bundle.css is not lib.css then app.css:\n%s", css)
	}

	var preloads []string
	for _, m := range regexp.MustCompile(`<link rel="modulepreload" href="([^"]+)">`).FindAllStringSubmatch(index, -1) {
		preloads = append(preloads, strings.TrimPrefix(m[1], v))
	}
	// Not what app.js imports itself (tuning.js, a.js, sub/c.js), nor
	// late.js (a dynamic import), nor sub/missing.js.
	want := []string{"sub/d.js", "sub/e.js"}
	if strings.Join(preloads, " ") != strings.Join(want, " ") {
		t.Errorf("modulepreloads %v, want %v", preloads, want)
	}
	if strings.Index(index, "modulepreload") > strings.Index(index, `<script src="`+v+`app.js" type="module">`) {
		t.Errorf("the preloads come after the module script:\n%s", index)
	}
	if r := get(t, s, v+"lite/nope.geojson"); r.status != 404 {
		t.Errorf("an unknown lite layer: %d, want 404", r.status)
	}
}

// TestPageBundleCompressed reads the page's files compressed as a browser
// asks for them, and checks they decode to the files.
func TestPageBundleCompressed(t *testing.T) {
	ts, _, _ := newTestServer(t, nil)
	s := New(ts.store, ts.mdl, nil, Config{Assets: assets.FS})
	index := string(get(t, s, "/").body)
	v := regexp.MustCompile(`/static/v-[0-9a-f]+/`).FindString(index)
	// load.js, one of the largest modules of code: the small ones compress less.
	app, err := fs.ReadFile(assets.FS, "static/load.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{"br", "gzip", ""} {
		req := httptest.NewRequest("GET", v+"load.js", nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		res, err := s.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if got := res.Header.Get("Content-Encoding"); got != enc {
			t.Errorf("%q: Content-Encoding %q", enc, got)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%q: Vary %q lacks Accept-Encoding", enc, res.Header.Get("Vary"))
		}
		var r io.Reader = bytes.NewReader(body)
		switch enc {
		case "br":
			r = brotli.NewReader(r)
		case "gzip":
			if r, err = gzip.NewReader(r); err != nil {
				t.Fatal(err)
			}
		}
		plain, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(plain, app) {
			t.Errorf("%q: %d bytes decode to %d bytes (%v), want load.js's %d", enc, len(body), len(plain), err, len(app))
		}
		if enc != "" && len(body) > len(app)/3 {
			t.Errorf("%q: load.js sent in %d bytes of %d", enc, len(body), len(app))
		}
	}
}

// TestPageLiteLayers checks the simplified land and DMZ band: the same
// features and properties, far fewer vertices, and the zoom from which the
// page draws the full layer.
func TestPageLiteLayers(t *testing.T) {
	ts, _, _ := newTestServer(t, nil)
	s := New(ts.store, ts.mdl, nil, Config{Assets: assets.FS})
	index := string(get(t, s, "/").body)
	v := regexp.MustCompile(`/static/v-[0-9a-f]+/`).FindString(index)
	type collection struct {
		Features []struct {
			ID         any             `json:"id"`
			Properties json.RawMessage `json:"properties"`
			Geometry   struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
		Lite *struct {
			Tolerance    float64 `json:"tolerance_deg"`
			FullFromZoom float64 `json:"full_from_zoom"`
		} `json:"lite"`
	}
	var zooms map[string]float64
	meta := regexp.MustCompile(`<meta name="dmzmap-lite" content="([^"]+)">`).FindStringSubmatch(index)
	if meta == nil || json.Unmarshal([]byte(html.UnescapeString(meta[1])), &zooms) != nil {
		t.Fatalf("the page names no zooms for its simplified layers: %v", meta)
	}
	vertices := func(raw json.RawMessage) int {
		return strings.Count(string(raw), "]") - strings.Count(string(raw), "]]")
	}
	cases := []struct {
		lite, full string
		most       float64 // the largest share of the vertices kept
	}{
		{v + "lite/basemap-korea.geojson", v + "basemap/basemap-korea.geojson", 0.7},
		{v + "lite/dmz.geojson", "/api/dmz", 0.15},
	}
	for _, tc := range cases {
		var lite, full collection
		if r := get(t, s, tc.lite); r.status != 200 || r.header.Get("Content-Type") != "application/geo+json" || json.Unmarshal(r.body, &lite) != nil {
			t.Fatalf("%s: %d %q", tc.lite, r.status, r.header.Get("Content-Type"))
		}
		if err := json.Unmarshal(get(t, s, tc.full).body, &full); err != nil {
			t.Fatal(err)
		}
		if lite.Lite == nil || lite.Lite.Tolerance <= 0 || lite.Lite.FullFromZoom < 7 || lite.Lite.FullFromZoom > 12 {
			t.Fatalf("%s: lite member %+v", tc.lite, lite.Lite)
		}
		name := strings.TrimSuffix(tc.lite[strings.LastIndex(tc.lite, "/")+1:], ".geojson")
		if zooms[name] != lite.Lite.FullFromZoom {
			t.Errorf("%s: the page draws the full layer from zoom %v, the layer says %v", tc.lite, zooms[name], lite.Lite.FullFromZoom)
		}
		if len(lite.Features) != len(full.Features) {
			t.Fatalf("%s: %d features, the full layer %d", tc.lite, len(lite.Features), len(full.Features))
		}
		kept, all := 0, 0
		for i, f := range lite.Features {
			g := full.Features[i]
			if f.Geometry.Type != g.Geometry.Type || !bytes.Equal(f.Properties, g.Properties) {
				t.Errorf("%s: feature %d is a %s with %s, the full one a %s with %s", tc.lite, i, f.Geometry.Type, f.Properties, g.Geometry.Type, g.Properties)
			}
			kept += vertices(f.Geometry.Coordinates)
			all += vertices(g.Geometry.Coordinates)
		}
		if float64(kept) > tc.most*float64(all) || kept < all/50 {
			t.Errorf("%s: %d of %d vertices kept, want at most %.0f%%", tc.lite, kept, all, 100*tc.most)
		}
	}
}
