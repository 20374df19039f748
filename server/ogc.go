package server

import (
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// The OGC API – Features service (Part 1: Core) under /ogc: the incidents,
// their crossing points and the MDL as collections, in GeoJSON and HTML.

// ContentTypeOpenAPI is the media type of the OpenAPI 3.0 document.
const ContentTypeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"

const (
	contentTypeJSON = "application/json"
	contentTypeHTML = "text/html; charset=utf-8"
	mediaHTML       = "text/html"

	// ogcDefaultLimit is the page size of items when no limit is given.
	ogcDefaultLimit = 100

	crs84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	trsGregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
)

const relQueryables = "http://www.opengis.net/def/rel/ogc/1.0/queryables"

// conformanceClasses are the conformance classes of OGC API – Features the
// service meets.
var conformanceClasses = append([]string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
}, filterClasses...)

// ogcService answers the /ogc routes of a Server.
type ogcService struct {
	*Server

	mu       sync.Mutex
	extents  map[string]*ogcExtent // by collection id
	computed data.Version          // the store's version the extents are of

	apiDocs func() (encodedDoc, error) // the API documents, encoded once on first use
}

// ogcRoutes adds the routes of OGC API – Features under /ogc.
func (s *Server) ogcRoutes() {
	o := &ogcService{Server: s}
	o.apiDocs = sync.OnceValues(func() (encodedDoc, error) { return encodeAPIDocuments(s.cfg.MaxLimit) })
	s.app.Use("/ogc", redirectSlashes)
	s.app.Get("/ogc", o.handleLanding)
	s.app.Get("/ogc/conformance", o.handleConformance)
	s.app.Get("/ogc/api", o.handleAPI)
	s.app.Get("/ogc/api.html", o.handleAPIPage)
	s.app.Get("/api/openapi.json", o.handleServiceAPI)
	s.app.Get("/ogc/collections", o.handleCollections)
	s.app.Get("/ogc/collections/:collectionId", o.handleCollection)
	s.app.Get("/ogc/collections/:collectionId/items", o.handleItems)
	s.app.Get("/ogc/collections/:collectionId/queryables", o.handleQueryables)
	s.app.Get("/ogc/collections/:collectionId/items/:featureId", o.handleItem)
}

// redirectSlashes sends a path of /ogc with a trailing slash or an empty
// segment (/ogc/collections/, /ogc//collections) to the path without them,
// with its query: Fiber's routing would otherwise answer it as another
// resource, or as the same one with wrong relative links.
func redirectSlashes(c *fiber.Ctx) error {
	p := c.Path()
	if !strings.HasSuffix(p, "/") && !strings.Contains(p, "//") {
		return c.Next()
	}
	clean := "/" + strings.Join(strings.FieldsFunc(p, func(r rune) bool { return r == '/' }), "/")
	if q := c.Request().URI().QueryString(); len(q) > 0 {
		clean += "?" + string(q)
	}
	return c.Redirect(clean, fiber.StatusMovedPermanently)
}

// spec is the query of every /ogc route: the items' parameters and f. The
// routes other than items accept the items' parameters too, and ignore
// them, so that a client may send its filter with every request (GDAL's
// OAPIF driver does, when the connection URL carries a query).
func (o *ogcService) spec(route string) data.FilterSpec {
	return data.FilterSpec{
		Route: route, OGC: true, Paging: true,
		MaxLimit: o.cfg.MaxLimit, DefLimit: min(ogcDefaultLimit, o.cfg.MaxLimit),
		Format: "f", Formats: ogcFormats,
	}
}

// ogcFormats are the values of f on the /ogc routes; json is the default.
var ogcFormats = []string{"json", "html"}

// itemsPath is the path of a collection's items.
func itemsPath(id string) string {
	switch id {
	case "incidents":
		return "/ogc/collections/incidents/items"
	case "crossings":
		return "/ogc/collections/crossings/items"
	}
	return "/ogc/collections/" + id + "/items"
}

func (o *ogcService) parse(c *fiber.Ctx, route string) (query, error) {
	return parseQuery(c.Context().QueryArgs(), o.spec(route), o.now().Year())
}

// wantsHTML says whether to answer in HTML: f=html, or no f and an Accept
// header that prefers text/html to JSON.
func wantsHTML(c *fiber.Ctx, q query) bool {
	c.Vary(fiber.HeaderAccept)
	if q.format != "" {
		return q.format == "html"
	}
	return c.Accepts(data.ContentTypeGeoJSON, contentTypeJSON, "text/html") == "text/html"
}

// sendJSON answers with v as JSON of the media type contentType.
func sendJSON(c *fiber.Ctx, contentType string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	return c.Send(b)
}

type landingPage struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Attribution string `json:"attribution"`
	Links       []link `json:"links"`
}

const serviceDescription = "Documented incidents along the Korean DMZ since 1953, the points where they crossed the " +
	"Military Demarcation Line, and the line itself, as OGC API – Features collections."

// GET /ogc
func (o *ogcService) handleLanding(c *fiber.Ctx) error {
	q, err := o.parse(c, "/ogc")
	if err != nil {
		return err
	}
	html := wantsHTML(c, q)
	lp := landingPage{
		Title: "dmzmap: OGC API – Features", Description: serviceDescription, Attribution: Attribution,
		Links: append(selfLinks(c, "/ogc", html, contentTypeJSON),
			link{Href: href(c, "/ogc/api", ""), Rel: "service-desc", Type: ContentTypeOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
			link{Href: href(c, "/ogc/api.html", ""), Rel: "service-doc", Type: mediaHTML, Title: "the API documentation"},
			link{Href: href(c, "/ogc/conformance", ""), Rel: "conformance", Type: contentTypeJSON, Title: "the conformance classes the service meets"},
			link{Href: href(c, "/ogc/collections", ""), Rel: "data", Type: contentTypeJSON, Title: "the collections"},
		),
	}
	if html {
		return sendPage(c, page{Title: lp.Title, Description: lp.Description, Attribution: lp.Attribution, Links: lp.Links})
	}
	return sendJSON(c, contentTypeJSON, lp)
}

// GET /ogc/conformance
func (o *ogcService) handleConformance(c *fiber.Ctx) error {
	q, err := o.parse(c, "/ogc/conformance")
	if err != nil {
		return err
	}
	html := wantsHTML(c, q)
	links := selfLinks(c, "/ogc/conformance", html, contentTypeJSON)
	if html {
		return sendPage(c, page{Title: "Conformance classes", Links: links, Conformance: conformanceClasses})
	}
	return sendJSON(c, contentTypeJSON, struct {
		ConformsTo []string `json:"conformsTo"`
		Links      []link   `json:"links"`
	}{conformanceClasses, links})
}

// endItemsJSON ends an items FeatureCollection with the counts, the time
// stamp, the links of the page at path (itemsLinks, appended as JSON in one
// buffer) and the attribution.
func endItemsJSON(fc *data.CollectionWriter, res data.Result, stamp time.Time, c *fiber.Ctx, path string, f data.Filter) error {
	lb := linkBuffers.Get().(*linkBuffer)
	defer linkBuffers.Put(lb)
	b := append(lb.b[:0], `,"timeStamp":"`...)
	b = stamp.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, '"')
	b, lb.scratch = appendItemsLinks(b, lb.scratch, c, path, f, res)
	lb.b = b
	return fc.EndWith(res, b)
}

// linkBuffer is what endItemsJSON writes in, kept for the next request.
type linkBuffer struct{ b, scratch []byte }

var linkBuffers = sync.Pool{New: func() any { return new(linkBuffer) }}

// GET /ogc/collections/{collectionId}/items
func (o *ogcService) handleItems(c *fiber.Ctx) error {
	ci, err := collectionParam(c)
	if err != nil {
		return err
	}
	path := itemsPath(ci.id)
	q, err := o.parse(c, path)
	if err != nil {
		return err
	}
	if err := applyFilter(&q, ci.id); err != nil {
		return err
	}
	if q.sortKeys, err = parseSortby(q.sortby, ci.id); err != nil {
		return err
	}
	if q.keep, err = parseProperties(q.properties, ci.id); err != nil {
		return err
	}
	stamp := o.now()
	if wantsHTML(c, q) {
		// The bytes the store hands on are valid only during the call
		// (they live in a buffer reused for the next batch): decode each
		// there.
		var views []featureView
		res, err := o.items(ci.id, q, func(b []byte) error {
			fv, err := newItemView(ci, b)
			views = append(views, fv)
			return err
		})
		if err != nil {
			return err
		}
		iv := newItemsView(views, res.Matched, res.Returned, q.filter.Offset, stamp)
		return sendPage(c, page{Title: ci.title, Description: ci.description, Attribution: Attribution,
			Links: itemsLinks(c, path, true, q.filter, res), Items: iv})
	}
	fc, body := newBodyCollection(c)
	var res data.Result
	if ci.id == "incidents" && q.keep == nil && natural(q.sortKeys) {
		res, err = queryInto(fc, body, o.store, q.filter, kindGIS, data.WithGISFields) // items' way, in the body (respond_fast.go)
	} else {
		res, err = o.items(ci.id, q, fc.Add)
	}
	if err == nil {
		err = endItemsJSON(fc, res, stamp, c, path, q.filter)
	}
	return body.finishGeoJSON(c, err)
}

// GET /ogc/collections/{collectionId}/items/{featureId}
func (o *ogcService) handleItem(c *fiber.Ctx) error {
	ci, err := collectionParam(c)
	if err != nil {
		return err
	}
	featureID := utils.CopyString(c.Params("featureId"))
	path := "/ogc/collections/" + ci.id + "/items/" + url.PathEscape(featureID)
	q, err := o.parse(c, "/ogc/collections/"+ci.id+"/items/{featureId}")
	if err != nil {
		return err
	}
	b, err := o.feature(ci, featureID)
	if err != nil {
		return err
	}
	if b, err = data.WithGISFields(nil, b); err != nil {
		return err
	}
	if keep, err := parseProperties(q.properties, ci.id); err != nil {
		return err
	} else if keep != nil {
		if b, err = data.KeepProperties(nil, b, keep); err != nil {
			return err
		}
	}
	html := wantsHTML(c, q)
	links := append(selfLinks(c, path, html, data.ContentTypeGeoJSON),
		link{Href: href(c, "/ogc/collections/"+ci.id, ""), Rel: "collection", Type: contentTypeJSON, Title: "the collection"})
	if html {
		fv, err := newFeatureView(b)
		if err != nil {
			return err
		}
		return sendPage(c, page{Title: ci.title + ": " + fv.ID, Attribution: Attribution, Links: links, Feature: &fv})
	}
	out, err := withLinks(b, links)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	return c.Send(out)
}
