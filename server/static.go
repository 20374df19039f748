package server

import (
	"errors"
	"io/fs"
	"mime"
	"path"

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

// GET /
func (s *Server) handleIndex(c *fiber.Ctx) error {
	return s.sendAsset(c, "index.html")
}

// GET /static/{path}
func (s *Server) handleStatic(c *fiber.Ctx) error {
	return s.sendAsset(c, "static/"+utils.CopyString(c.Params("*")))
}
