package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// link is a web link of OGC API – Features.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// href returns the absolute URL of path on this server with the query
// query, which is empty or starts with '?': under Config.PublicURL when it
// is set.
func href(c *fiber.Ctx, path, query string) string {
	if base, ok := c.Locals(publicURLKey).(string); ok {
		return base + path + query
	}
	return c.BaseURL() + path + query
}

// queryWith returns the request's query without the parameters named in
// drop and with add appended, keeping every other parameter in its order:
// a client that adds its own parameters to every URL it gets (GDAL does)
// finds them there and does not add them twice. Each is written again
// with only what must be escaped escaped (commas, colons and slashes
// plain), so that a client that takes a link's values apart and encodes
// them again (the OGC's conformance suite does) sends the same values.
func queryWith(c *fiber.Ctx, drop []string, add ...string) string {
	var parts []string
	for _, p := range strings.Split(string(c.Request().URI().QueryString()), "&") {
		if p == "" {
			continue
		}
		k, v, hasValue := strings.Cut(p, "=")
		uk, errK := url.QueryUnescape(k)
		uv, errV := url.QueryUnescape(v)
		if errK == nil {
			k = uk
		}
		if slices.Contains(drop, k) {
			continue
		}
		if errK == nil && errV == nil && hasValue {
			p = queryEscape(uk) + "=" + queryEscape(uv)
		}
		parts = append(parts, p)
	}
	parts = append(parts, add...)
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(parts, "&")
}

var plainInQuery = strings.NewReplacer("%2C", ",", "%3A", ":", "%2F", "/")

// queryEscape escapes s for a query, leaving commas, colons and slashes
// plain (RFC 3986 allows them there).
func queryEscape(s string) string {
	return plainInQuery.Replace(url.QueryEscape(s))
}

// selfLinks returns the self and alternate links of the resource at path:
// the request's query as it is for self, with f set for the alternate.
func selfLinks(c *fiber.Ctx, path string, html bool, jsonType string) []link {
	self := link{Href: href(c, path, queryWith(c, nil)), Rel: "self", Type: jsonType, Title: "this document"}
	alt := link{Href: href(c, path, queryWith(c, []string{"f"}, "f=html")), Rel: "alternate", Type: mediaHTML, Title: "this document as HTML"}
	if html {
		self.Type, self.Title = mediaHTML, "this document"
		alt = link{Href: href(c, path, queryWith(c, []string{"f"}, "f=json")), Rel: "alternate", Type: jsonType, Title: "this document as JSON"}
	}
	return []link{self, alt}
}

// itemsLinks returns the links of an items page: self, alternate, the
// collection, and next and prev where there are such pages. Next and prev
// keep every other parameter as the client wrote it.
func itemsLinks(c *fiber.Ctx, path string, html bool, f data.Filter, res data.Result) []link {
	links := selfLinks(c, path, html, data.ContentTypeGeoJSON)
	typ := data.ContentTypeGeoJSON
	if html {
		typ = mediaHTML
	}
	collection := strings.TrimSuffix(path, "/items")
	links = append(links, link{Href: href(c, collection, ""), Rel: "collection", Type: contentTypeJSON, Title: "the collection"})
	if f.Limit > 0 && f.Offset+f.Limit < res.Matched {
		links = append(links, link{Href: href(c, path, queryWith(c, []string{"offset"}, "offset="+strconv.Itoa(f.Offset+f.Limit))),
			Rel: "next", Type: typ, Title: "the next page"})
	}
	if f.Offset > 0 {
		links = append(links, link{Href: href(c, path, queryWith(c, []string{"offset"}, "offset="+strconv.Itoa(max(0, f.Offset-f.Limit)))),
			Rel: "prev", Type: typ, Title: "the previous page"})
	}
	return links
}

// withLinks adds links to an encoded Feature.
func withLinks(feature []byte, links []link) ([]byte, error) {
	b := bytes.TrimRight(feature, " \t\r\n")
	if len(b) < 2 || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("a stored feature is not a JSON object")
	}
	lj, err := json.Marshal(links)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b)+len(lj)+12)
	out = append(out, b[:len(b)-1]...)
	out = append(out, `,"links":`...)
	out = append(out, lj...)
	return append(out, '}'), nil
}
