package server

import (
	"bytes"
	"errors"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// contentTypes are the media types of the page's files, by extension;
// others come from the mime package.
var contentTypes = map[string]string{
	".html":    "text/html; charset=utf-8",
	".js":      "text/javascript; charset=utf-8",
	".mjs":     "text/javascript; charset=utf-8",
	".css":     "text/css; charset=utf-8",
	".json":    "application/json",
	".map":     "application/json",
	".geojson": "application/geo+json",
	".svg":     "image/svg+xml",
	".png":     "image/png",
	".jpg":     "image/jpeg",
	".ico":     "image/x-icon",
	".webp":    "image/webp",
	".woff":    "font/woff",
	".woff2":   "font/woff2",
	".txt":     "text/plain; charset=utf-8",
	".md":      "text/plain; charset=utf-8",
	"":         "text/plain; charset=utf-8", // LICENSE and the like
}

func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// sendAsset answers with the file name of the page.
func (s *Server) sendAsset(c *fiber.Ctx, name string) error {
	if s.cfg.Assets == nil || !fs.ValidPath(name) {
		return fiber.ErrNotFound
	}
	b, err := fs.ReadFile(s.cfg.Assets, name)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
		return fiber.ErrNotFound
	}
	if err != nil {
		if info, serr := fs.Stat(s.cfg.Assets, name); serr == nil && info.IsDir() {
			return fiber.ErrNotFound
		}
		return err
	}
	c.Set(fiber.HeaderContentType, contentType(name))
	return c.Send(b)
}

// webPage is the web page's index.html with its asset URLs versioned: each
// /static/ path becomes /static/v-<hash of every file>/, so a browser may
// keep those files for good and a new build is fetched at once.
type webPage struct {
	once    sync.Once
	version string
	index   []byte
	embed   []byte // index, marked as the embedded map (body data-mode="embed")
	etag    string
	bundle  *pageBundle // bundle.css, the module preloads, the simplified layers (static_bundle.go)
}

func (s *Server) loadPage() *webPage {
	s.webPage.once.Do(func() {
		if s.cfg.Assets == nil {
			return
		}
		s.webPage.version = assetVersion(s.cfg.Assets)
		s.webPage.etag = `W/"` + s.webPage.version + `"`
		if b, err := fs.ReadFile(s.cfg.Assets, "index.html"); err == nil {
			s.webPage.index = bytes.ReplaceAll(b, []byte(`"/static/`), []byte(`"/static/v-`+s.webPage.version+`/`))
			s.webPage.index = s.bundlePage(s.webPage.index, s.webPage.version)
			s.webPage.embed = bytes.Replace(s.webPage.index, []byte(`<body `), []byte(`<body data-mode="embed" `), 1)
		}
	})
	return &s.webPage
}

// GET /
func (s *Server) handleIndex(c *fiber.Ctx) error {
	p := s.loadPage()
	if p.index == nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, cacheRevalidate)
	c.Set(fiber.HeaderETag, p.etag)
	c.Set(fiber.HeaderContentType, contentType("index.html"))
	return c.Send(p.index)
}

// unversioned returns the file a static URL's path names, and whether it
// named today's version (v-{version}/{file}): an older version's URL still
// gets today's file, revalidated.
func unversioned(name, version string) (string, bool) {
	rest, ok := strings.CutPrefix(name, "v-")
	if !ok {
		return name, false
	}
	v, file, _ := strings.Cut(rest, "/")
	return file, v == version
}

// GET /static/{path}, and /static/v-{version}/{path} for versioned URLs
func (s *Server) handleStatic(c *fiber.Ctx) error {
	p := s.loadPage()
	name := utils.CopyString(c.Params("*"))
	cache := cacheRevalidate
	name, versioned := unversioned(name, p.version)
	if versioned {
		cache = cacheImmutable
	}
	c.Set(fiber.HeaderCacheControl, cache)
	c.Set(fiber.HeaderETag, p.etag)
	return s.sendAsset(c, "static/"+name)
}
