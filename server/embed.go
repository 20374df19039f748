package server

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// DefaultEmbedOrigins is Config.EmbedOrigins' default: any site may frame
// /embed.
const DefaultEmbedOrigins = "*"

// embedSource is one CSP source a frame-ancestors list may hold: *, 'self',
// 'none', a scheme (https:), or a host with an optional scheme, wildcard
// subdomain, port and path.
var embedSource = regexp.MustCompile(`(?i)^(\*|'self'|'none'|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*://)?(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:([0-9]{1,5}|\*))?(/[^\s;,'"]*)?)$`)

// ParseEmbedOrigins checks a list of the origins that may frame /embed,
// separated by spaces or commas, and returns it as the source list of a
// CSP frame-ancestors directive. An empty list is DefaultEmbedOrigins.
func ParseEmbedOrigins(list string) (string, error) {
	fields := strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	if len(fields) == 0 {
		return DefaultEmbedOrigins, nil
	}
	for _, f := range fields {
		if !embedSource.MatchString(f) {
			return "", fmt.Errorf("%q is not an origin a page may be framed by: want *, 'self', 'none', a scheme such as https: or an origin such as https://news.example", f)
		}
		if strings.EqualFold(f, "'none'") && len(fields) > 1 {
			return "", fmt.Errorf("'none' cannot be listed with other origins")
		}
	}
	return strings.Join(fields, " "), nil
}

// embedCSP is the Content-Security-Policy of /embed: the page's, framed by
// ancestors instead of by no one.
func embedCSP(ancestors string) string {
	return strings.Replace(ContentSecurityPolicy, "frame-ancestors 'none'", "frame-ancestors "+ancestors, 1)
}

// GET /embed: the map alone, with its legend and count, for an <iframe>.
// It is the one answer that other sites may frame.
func (s *Server) handleEmbed(c *fiber.Ctx) error {
	p := s.loadPage()
	if p.embed == nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentSecurityPolicy, s.embedCSP)
	c.Response().Header.Del(fiber.HeaderXFrameOptions)
	c.Set(fiber.HeaderCacheControl, cacheRevalidate)
	c.Set(fiber.HeaderETag, p.etag)
	c.Set(fiber.HeaderContentType, contentType("index.html"))
	return c.Send(p.embed)
}
