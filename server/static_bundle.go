package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/paulmach/orb"

	"github.com/dmzmap/dmzmap/geo"
)

// The page's first view costs what the browser must fetch before it paints
// and what the main thread does before it can answer. What the server
// does for it, from the embedded files at start-up so that nothing is
// edited by hand when a stylesheet or a module is added:
//   - the stylesheets index.html links one after another are served as
//     one, static/v-{version}/bundle.css (one render-blocking request, not
//     nine); the version is the hash of every file, so it is cached for good;
//   - the modules a <script type=module> imports through other modules are
//     announced with <link rel=modulepreload>, so the browser fetches them
//     without a round trip per level of imports;
//   - the basemap's land and the DMZ band are also served simplified for
//     the scales of the first view (static/lite/…), the page drawing the
//     full ones from close zoom (basemap-lazy.js);
//   - the static files are sent compressed at the best levels (brotli or
//     gzip, each file compressed once), not at the on-the-fly level of the
//     API's answers.

// bundleCSS is the name, under static/, of the page's joined stylesheets.
const bundleCSS = "bundle.css"

// litePrefix is where, under static/, the simplified layers are served,
// named liteLandName and liteDMZName.
const (
	litePrefix   = "lite/"
	liteLandName = "basemap-korea.geojson"
	liteDMZName  = "dmz.geojson"
)

// A simplified layer is drawn below the zoom at which its tolerance
// reaches a pixel (vertically, at the DMZ's latitude, where a degree of
// latitude is 1/cos 38° of a degree of longitude on the map): the page
// draws the full layer from fullFromZoom, which index.html states in
// <meta name="dmzmap-lite"> and each collection in its member "lite".
// Leaflet itself simplifies every line at a pixel.
type liteLayer struct {
	tolerance    float64 // degrees
	fullFromZoom float64
}

var (
	// The land is already simplified to about a kilometre; at a pixel of
	// zoom 8 it keeps about three fifths of its vertices.
	liteLand = liteLayer{tolerance: 0.0043, fullFromZoom: 8}
	// The DMZ band, the MDL offset 2 km, keeps one vertex in twelve at a
	// pixel of zoom 10.
	liteDMZ = liteLayer{tolerance: 0.0011, fullFromZoom: 10}
)

// pageBundle holds what the server made from the page's files.
type pageBundle struct {
	css  []byte
	lite func(name string) ([]byte, bool)
}

var (
	stylesheetLink = regexp.MustCompile(`<link rel="stylesheet" href="/static/v-[0-9a-f]+/([^"]+\.css)">\n?`)
	moduleScript   = regexp.MustCompile(`<script src="/static/v-[0-9a-f]+/([^"]+\.m?js)" type="module"></script>`)
	// staticImport matches import … from '…', import '…' and export … from
	// '…' at the start of a line; a dynamic import() is left to load late.
	staticImport = regexp.MustCompile(`(?m)^\s*(?:(?:import|export)\s[^'";]*?\sfrom\s*|import\s*)['"]([^'"]+)['"]`)
	cssURL       = regexp.MustCompile(`url\(\s*(['"]?)([^'")]+)(['"]?)\s*\)`)
)

// bundlePage rewrites the page's index.html (its /static/ URLs already
// versioned): the run of stylesheet links becomes one link to bundle.css,
// and each module script is preceded by a modulepreload link for every
// module it imports through another (moduleGraph).
func (s *Server) bundlePage(index []byte, version string) []byte {
	assets := s.cfg.Assets
	prefix := "/static/v-" + version + "/"
	b := &pageBundle{}
	s.webPage.bundle = b

	var css bytes.Buffer
	first := -1
	index = stylesheetLink.ReplaceAllFunc(index, func(m []byte) []byte {
		name := string(stylesheetLink.FindSubmatch(m)[1])
		src, err := fs.ReadFile(assets, "static/"+name)
		if err != nil {
			return m // a link to a file that is not there stays as it was
		}
		fmt.Fprintf(&css, "/* %s */\n", name)
		css.Write(absoluteCSSURLs(src, prefix+path.Dir(name)+"/"))
		css.WriteByte('\n')
		if first < 0 {
			first = 0
			return []byte(`<link rel="stylesheet" href="` + prefix + bundleCSS + `">` + "\n")
		}
		return nil
	})
	b.css = css.Bytes()

	index = moduleScript.ReplaceAllFunc(index, func(m []byte) []byte {
		entry := string(moduleScript.FindSubmatch(m)[1])
		var links bytes.Buffer
		for _, dep := range moduleGraph(assets, entry) {
			fmt.Fprintf(&links, `<link rel="modulepreload" href="%s%s">`+"\n", prefix, dep)
		}
		return append(links.Bytes(), m...)
	})

	b.lite = s.liteLayers()
	zooms, _ := json.Marshal(map[string]float64{
		strings.TrimSuffix(liteLandName, ".geojson"): liteLand.fullFromZoom,
		strings.TrimSuffix(liteDMZName, ".geojson"):  liteDMZ.fullFromZoom,
	})
	meta := `<meta name="dmzmap-lite" content="` + html.EscapeString(string(zooms)) + `">` + "\n"
	return bytes.Replace(index, []byte("</head>"), []byte(meta+"</head>"), 1)
}

// absoluteCSSURLs makes each relative url() of a stylesheet absolute, from
// dir, the URL of the folder the stylesheet was served from.
func absoluteCSSURLs(src []byte, dir string) []byte {
	return cssURL.ReplaceAllFunc(src, func(m []byte) []byte {
		sub := cssURL.FindSubmatch(m)
		ref := string(sub[2])
		if strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "#") || strings.Contains(ref, ":") {
			return m
		}
		return []byte("url(" + string(sub[1]) + path.Clean(dir+ref) + string(sub[3]) + ")")
	})
}

// moduleGraph returns the modules entry (a path under static/) imports
// through others, each once, in the order they are first met. The modules
// entry imports itself are left out: the browser asks for them as soon as
// it has read entry, with it, and announcing them too made them compete
// with the stylesheet before the first paint (Lighthouse's first and
// largest contentful paints 0.5 s later at a phone's speed); a module
// further down costs a round trip more each level, which the preload saves.
func moduleGraph(assets fs.FS, entry string) []string {
	depth := map[string]int{entry: 0}
	var out []string
	queue := []string{entry}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		src, err := fs.ReadFile(assets, "static/"+name)
		if err != nil {
			continue
		}
		for _, m := range staticImport.FindAllSubmatch(src, -1) {
			ref := string(m[1])
			if !strings.HasPrefix(ref, "./") && !strings.HasPrefix(ref, "../") {
				continue // a bare or absolute specifier is not one of the page's files
			}
			dep := path.Join(path.Dir(name), ref)
			if _, seen := depth[dep]; seen || strings.HasPrefix(dep, "../") {
				continue
			}
			if _, err := fs.Stat(assets, "static/"+dep); err != nil {
				continue // a missing module is not announced
			}
			depth[dep] = depth[name] + 1
			if depth[dep] > 1 {
				out = append(out, dep)
			}
			queue = append(queue, dep)
		}
	}
	return out
}

// liteLayers returns the simplified layers by name: the basemap's land and
// the DMZ band, each made on first use.
func (s *Server) liteLayers() func(name string) ([]byte, bool) {
	land := sync.OnceValue(func() []byte {
		src, err := fs.ReadFile(s.cfg.Assets, "static/basemap/basemap-korea.geojson")
		if err != nil {
			return nil
		}
		return simplifyCollection(src, liteLand)
	})
	dmz := sync.OnceValue(func() []byte {
		if s.dmz == nil {
			return nil
		}
		src, err := s.dmz()
		if err != nil {
			return nil
		}
		return simplifyCollection(src, liteDMZ)
	})
	return func(name string) ([]byte, bool) {
		var b []byte
		switch name {
		case litePrefix + liteLandName:
			b = land()
		case litePrefix + liteDMZName:
			b = dmz()
		}
		return b, b != nil
	}
}

// simplifyCollection returns the GeoJSON FeatureCollection src with every
// line and polygon simplified at the layer's tolerance, its other members
// as they were and the member "lite" added, or nil if src is not one.
func simplifyCollection(src []byte, l liteLayer) []byte {
	var fc map[string]json.RawMessage
	var features []map[string]json.RawMessage
	if json.Unmarshal(src, &fc) != nil || json.Unmarshal(fc["features"], &features) != nil {
		return nil
	}
	for _, f := range features {
		var g struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		}
		if json.Unmarshal(f["geometry"], &g) != nil {
			continue
		}
		var shape orb.Geometry
		switch g.Type {
		case "LineString":
			shape = &orb.LineString{}
		case "MultiLineString":
			shape = &orb.MultiLineString{}
		case "Polygon":
			shape = &orb.Polygon{}
		case "MultiPolygon":
			shape = &orb.MultiPolygon{}
		default:
			continue
		}
		if json.Unmarshal(g.Coordinates, shape) != nil {
			return nil
		}
		simple := geo.Simplify(derefGeometry(shape), l.tolerance)
		coords, err := json.Marshal(simple)
		if err != nil {
			return nil
		}
		f["geometry"], _ = json.Marshal(map[string]any{"type": g.Type, "coordinates": json.RawMessage(coords)})
	}
	fc["features"], _ = json.Marshal(features)
	fc["lite"], _ = json.Marshal(map[string]float64{"tolerance_deg": l.tolerance, "full_from_zoom": l.fullFromZoom})
	b, err := json.Marshal(fc)
	if err != nil {
		return nil
	}
	return b
}

func derefGeometry(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case *orb.LineString:
		return *g
	case *orb.MultiLineString:
		return *g
	case *orb.Polygon:
		return *g
	case *orb.MultiPolygon:
		return *g
	}
	return g
}

// GET /static/{path}: the page's files as handleStatic serves them, and
// bundle.css and the simplified layers; each compressed at the best level
// the client accepts.
func (s *Server) handleStaticBundle(c *fiber.Ctx) error {
	p := s.loadPage()
	name := utils.CopyString(c.Params("*"))
	name, versioned := unversioned(name, p.version)
	b := p.bundle
	var body []byte
	switch {
	case b == nil:
		return s.handleStatic(c)
	case name == bundleCSS:
		body = b.css
		c.Set(fiber.HeaderContentType, contentType(bundleCSS))
	case strings.HasPrefix(name, litePrefix):
		lite, ok := b.lite(name)
		if !ok {
			return fiber.ErrNotFound
		}
		body = lite
		c.Set(fiber.HeaderContentType, contentType(name))
	default:
		if err := s.handleStatic(c); err != nil || c.Response().StatusCode() != fiber.StatusOK {
			return err
		}
		body = c.Response().Body()
	}
	if body != nil {
		if versioned {
			c.Set(fiber.HeaderCacheControl, cacheImmutable)
		} else {
			c.Set(fiber.HeaderCacheControl, cacheRevalidate)
		}
		c.Set(fiber.HeaderETag, p.etag)
		c.Response().SetBodyRaw(body)
	}
	encodeStatic(c, p.version, name)
	return nil
}

// minCompress is the smallest body worth compressing.
const minCompress = 1024

// fastBrotli is the brotli level a file is first sent at, while its best
// level (most of a second for the basemap, as long as a page load) runs in
// the background.
const fastBrotli = 5

// compressed holds each file of the page compressed, by "version enc:name",
// shared by every Server of the process (the tests start many).
var compressed sync.Map

// encodeStatic replaces the answer's body, the file name of the page's version,
// by its brotli or gzip form if the client takes one, compressing each file
// once.
func encodeStatic(c *fiber.Ctx, version, name string) {
	body := c.Response().Body()
	ct := string(c.Response().Header.ContentType())
	if len(body) < minCompress || len(c.Response().Header.ContentEncoding()) > 0 ||
		!(strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "svg")) {
		return
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	var enc string
	switch {
	case c.Context().Request.Header.HasAcceptEncoding("br"):
		enc = "br"
	case c.Context().Request.Header.HasAcceptEncoding("gzip"):
		enc = "gzip"
	default:
		return
	}
	key := version + " " + enc + ":" + name
	coded, ok := compressed.Load(key)
	if !ok {
		level := gzip.BestCompression
		if enc == "br" {
			level = fastBrotli
		}
		var had bool
		coded, had = compressed.LoadOrStore(key, compressBody(enc, body, level))
		if !had && enc == "br" {
			src := bytes.Clone(body)
			go func() { compressed.Store(key, compressBody(enc, src, brotli.BestCompression)) }()
		}
	}
	c.Set(fiber.HeaderContentEncoding, enc)
	c.Response().SetBodyRaw(coded.([]byte))
}

// compressBody returns body compressed by enc ("br" or "gzip") at level.
func compressBody(enc string, body []byte, level int) []byte {
	var buf bytes.Buffer
	if enc == "br" {
		w := brotli.NewWriterLevel(&buf, level)
		w.Write(body)
		w.Close()
	} else {
		w, _ := gzip.NewWriterLevel(&buf, level)
		w.Write(body)
		w.Close()
	}
	return buf.Bytes()
}
