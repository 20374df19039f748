package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
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

// conformanceClasses are the conformance classes of OGC API – Features the
// service meets.
var conformanceClasses = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
}

// ogcCollectionInfo describes one collection.
type ogcCollectionInfo struct {
	id, title, description string
}

var ogcCollections = []ogcCollectionInfo{
	{"incidents", "DMZ incidents",
		"Documented incidents along the Korean DMZ since the armistice of 1953: crossings of the Military Demarcation Line, " +
			"incursions, infiltrations, shootings, tunnels, landmine blasts and abductions, each with the published sources it rests on. " +
			"The geometry is the incident's location; a tracked route is the property path."},
	{"crossings", "Crossing points",
		"The points where incidents crossed the Military Demarcation Line: where a tracked route crosses it, or else the point " +
			"of the line nearest the incident's location (estimated: true). The id is the incident's id with -x1, -x2, … appended."},
	{"mdl", "Military Demarcation Line",
		"The Military Demarcation Line between the two Koreas as one LineString, west to east, derived from OpenStreetMap data. " +
			"It has no date, type, direction or sector: only bbox, limit and offset select it."},
}

func ogcCollection(id string) (ogcCollectionInfo, bool) {
	for _, ci := range ogcCollections {
		if ci.id == id {
			return ci, true
		}
	}
	return ogcCollectionInfo{}, false
}

// link is a web link of OGC API – Features.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// ogcService answers the /ogc routes of a Server.
type ogcService struct {
	*Server

	mu       sync.Mutex
	extents  map[string]*ogcExtent // by collection id
	computed data.Version          // the store's version the extents are of
}

// ogcRoutes adds the routes of OGC API – Features under /ogc.
func (s *Server) ogcRoutes() {
	o := &ogcService{Server: s}
	s.app.Get("/ogc", o.handleLanding)
	s.app.Get("/ogc/conformance", o.handleConformance)
	s.app.Get("/ogc/api", o.handleAPI)
	s.app.Get("/ogc/api.html", o.handleAPIPage)
	s.app.Get("/ogc/collections", o.handleCollections)
	s.app.Get("/ogc/collections/:collectionId", o.handleCollection)
	s.app.Get("/ogc/collections/:collectionId/items", o.handleItems)
	s.app.Get("/ogc/collections/:collectionId/items/:featureId", o.handleItem)
}

// spec is the query of every /ogc route: the items' parameters and f. The
// routes other than items accept the items' parameters too, and ignore
// them, so that a client may send its filter with every request (GDAL's
// OAPIF driver does, when the connection URL carries a query).
func (o *ogcService) spec(route string) querySpec {
	return querySpec{
		route: route, ogc: true, paging: true,
		maxLimit: o.cfg.MaxLimit, defLimit: min(ogcDefaultLimit, o.cfg.MaxLimit),
		format: "f", formats: []string{"json", "html"},
	}
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

// href returns the absolute URL of path on this server with the query
// query, which is empty or starts with '?'.
func href(c *fiber.Ctx, path, query string) string {
	return c.BaseURL() + path + query
}

// queryWith returns the request's query without the parameters named in
// drop and with add appended, keeping every other parameter as the client
// wrote it: a client that adds its own parameters to every URL it gets
// (GDAL does) finds them there and does not add them twice.
func queryWith(c *fiber.Ctx, drop []string, add ...string) string {
	var parts []string
	for _, p := range strings.Split(string(c.Request().URI().QueryString()), "&") {
		if p == "" {
			continue
		}
		k, _, _ := strings.Cut(p, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if !slices.Contains(drop, k) {
			parts = append(parts, p)
		}
	}
	parts = append(parts, add...)
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(parts, "&")
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

// collectionDoc is a collection's description.
type collectionDoc struct {
	ID          string        `json:"id"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Attribution string        `json:"attribution"`
	ItemType    string        `json:"itemType"`
	CRS         []string      `json:"crs"`
	Extent      *ogcExtent    `json:"extent,omitempty"`
	Dataset     *data.Dataset `json:"dataset,omitempty"` // the version of the incidents served
	Links       []link        `json:"links"`
}

// ogcExtent is a collection's extent in space and time.
type ogcExtent struct {
	Spatial  *spatialExtent  `json:"spatial,omitempty"`
	Temporal *temporalExtent `json:"temporal,omitempty"`
}

type spatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

type temporalExtent struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

// collectionDoc describes collection ci; self are its self and alternate
// links, or nil for the links of the collection's own page.
func (o *ogcService) collectionDoc(c *fiber.Ctx, ci ogcCollectionInfo, ext *ogcExtent, self []link) collectionDoc {
	path := "/ogc/collections/" + ci.id
	if self == nil {
		self = []link{
			{Href: href(c, path, ""), Rel: "self", Type: contentTypeJSON, Title: "this collection"},
			{Href: href(c, path, "?f=html"), Rel: "alternate", Type: mediaHTML, Title: "this collection as HTML"},
		}
	}
	attribution := Attribution
	if ci.id == "mdl" {
		attribution = osmAttribution + " (" + osmLicense + ")"
	}
	var ds *data.Dataset
	if d := datasetOf(o.store); ci.id != "mdl" && !d.IsZero() {
		ds = &d
	}
	return collectionDoc{
		ID: ci.id, Title: ci.title, Description: ci.description, Attribution: attribution,
		ItemType: "feature", CRS: []string{crs84}, Extent: ext, Dataset: ds,
		Links: append(self,
			link{Href: href(c, path+"/items", ""), Rel: "items", Type: data.ContentTypeGeoJSON, Title: ci.title + " as GeoJSON"},
			link{Href: href(c, path+"/items", "?f=html"), Rel: "items", Type: mediaHTML, Title: ci.title + " as HTML"},
		),
	}
}

// GET /ogc/collections
func (o *ogcService) handleCollections(c *fiber.Ctx) error {
	q, err := o.parse(c, "/ogc/collections")
	if err != nil {
		return err
	}
	exts, err := o.extentsNow()
	if err != nil {
		return err
	}
	html := wantsHTML(c, q)
	doc := struct {
		Links       []link          `json:"links"`
		Collections []collectionDoc `json:"collections"`
	}{Links: selfLinks(c, "/ogc/collections", html, contentTypeJSON)}
	for _, ci := range ogcCollections {
		doc.Collections = append(doc.Collections, o.collectionDoc(c, ci, exts[ci.id], nil))
	}
	if html {
		return sendPage(c, page{Title: "Collections", Links: doc.Links, Collections: doc.Collections})
	}
	return sendJSON(c, contentTypeJSON, doc)
}

// collectionParam returns the collection the path names, or a 404 error.
func collectionParam(c *fiber.Ctx) (ogcCollectionInfo, error) {
	id := c.Params("collectionId")
	ci, ok := ogcCollection(id)
	if !ok {
		names := make([]string, len(ogcCollections))
		for i, ci := range ogcCollections {
			names[i] = ci.id
		}
		return ci, &notFoundError{Parameter: "collectionId",
			Message: fmt.Sprintf("there is no collection %s: the collections are %s", quote(id), strings.Join(names, ", "))}
	}
	return ci, nil
}

// GET /ogc/collections/{collectionId}
func (o *ogcService) handleCollection(c *fiber.Ctx) error {
	ci, err := collectionParam(c)
	if err != nil {
		return err
	}
	q, err := o.parse(c, "/ogc/collections/"+ci.id)
	if err != nil {
		return err
	}
	exts, err := o.extentsNow()
	if err != nil {
		return err
	}
	html := wantsHTML(c, q)
	doc := o.collectionDoc(c, ci, exts[ci.id], selfLinks(c, "/ogc/collections/"+ci.id, html, contentTypeJSON))
	if html {
		return sendPage(c, page{Title: ci.title, Description: ci.description, Attribution: doc.Attribution, Links: doc.Links, Collections: []collectionDoc{doc}})
	}
	return sendJSON(c, contentTypeJSON, doc)
}

// items calls visit with each feature of collection id that f selects, in
// date order, within f's offset and limit.
func (o *ogcService) items(id string, f data.Filter, visit func([]byte) error) (data.Result, error) {
	switch id {
	case "incidents":
		return o.store.Query(f, visit)
	case "crossings":
		return o.crossingItems(f, visit)
	}
	return o.mdlItems(f, visit)
}

// crossingItems selects crossing points by their own position, direction
// and sector (a route may cross the line more than once, and not where the
// incident is placed), and by the type and date of their incident.
func (o *ogcService) crossingItems(f data.Filter, visit func([]byte) error) (data.Result, error) {
	if f.BBox == nil && len(f.Directions) == 0 && len(f.Sectors) == 0 {
		return o.store.Crossings(f, visit)
	}
	bbox, dirs, secs, limit, offset := f.BBox, f.Directions, f.Sectors, f.Limit, f.Offset
	f.BBox, f.Directions, f.Sectors, f.Limit, f.Offset = nil, nil, nil, 0, 0
	var res data.Result
	_, err := o.store.Crossings(f, func(b []byte) error {
		var cf struct {
			Geometry struct {
				Coordinates orb.Point `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Direction data.Direction `json:"direction"`
				Sector    geo.Sector     `json:"sector"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(b, &cf); err != nil {
			return fmt.Errorf("a stored crossing point: %w", err)
		}
		if (bbox != nil && !bbox.Contains(cf.Geometry.Coordinates)) ||
			(len(dirs) > 0 && !slices.Contains(dirs, cf.Properties.Direction)) ||
			(len(secs) > 0 && !slices.Contains(secs, cf.Properties.Sector)) {
			return nil
		}
		res.Matched++
		if res.Matched <= offset || (limit > 0 && res.Returned >= limit) {
			return nil
		}
		res.Returned++
		return visit(b)
	})
	return res, err
}

// mdlItems selects the MDL when f's bbox, if any, meets it.
func (o *ogcService) mdlItems(f data.Filter, visit func([]byte) error) (data.Result, error) {
	var res data.Result
	if f.BBox != nil && len(clip.LineString(*f.BBox, o.mdl.Line())) == 0 {
		return res, nil
	}
	res.Matched = 1
	if f.Offset > 0 {
		return res, nil
	}
	res.Returned = 1
	return res, visit(o.mdlFeature)
}

// endItems ends an items FeatureCollection with the counts, the time stamp,
// the links and the attribution.
func (fc *collection) endItems(res data.Result, stamp time.Time, links []link) error {
	if fc.err != nil {
		return fc.err
	}
	lj, err := json.Marshal(links)
	if err != nil {
		return err
	}
	b := make([]byte, 0, 128+len(lj))
	b = append(b, `],"numberMatched":`...)
	b = strconv.AppendInt(b, int64(res.Matched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(res.Returned), 10)
	b = append(b, `,"timeStamp":"`...)
	b = stamp.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `","links":`...)
	b = append(b, lj...)
	b = append(b, attributionKey...)
	_, fc.err = fc.w.Write(b)
	return fc.err
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

// GET /ogc/collections/{collectionId}/items
func (o *ogcService) handleItems(c *fiber.Ctx) error {
	ci, err := collectionParam(c)
	if err != nil {
		return err
	}
	path := "/ogc/collections/" + ci.id + "/items"
	q, err := o.parse(c, path)
	if err != nil {
		return err
	}
	stamp := o.now()
	if wantsHTML(c, q) {
		var features [][]byte
		res, err := o.items(ci.id, q.filter, func(b []byte) error {
			features = append(features, b)
			return nil
		})
		if err != nil {
			return err
		}
		iv, err := newItemsView(ci, features, res.Matched, res.Returned, q.filter.Offset, stamp)
		if err != nil {
			return err
		}
		return sendPage(c, page{Title: ci.title, Description: ci.description, Attribution: Attribution,
			Links: itemsLinks(c, path, true, q.filter, res), Items: iv})
	}
	fc := newCollection(c)
	res, err := o.items(ci.id, q.filter, fc.add)
	if err == nil {
		err = fc.endItems(res, stamp, itemsLinks(c, path, false, q.filter, res))
	}
	if err != nil {
		c.Response().ResetBody()
		return err
	}
	c.Set(fiber.HeaderContentType, data.ContentTypeGeoJSON)
	return nil
}

// feature returns the stored Feature featureID of collection ci, or a 404 error.
func (o *ogcService) feature(ci ogcCollectionInfo, featureID string) ([]byte, error) {
	notFound := &notFoundError{Parameter: "featureId", Message: fmt.Sprintf("the collection %s has no feature %s", ci.id, quote(featureID))}
	switch ci.id {
	case "mdl":
		if featureID != "mdl" {
			notFound.Message += `: its one feature is "mdl"`
			return nil, notFound
		}
		return o.mdlFeature, nil
	case "crossings":
		i := strings.LastIndex(featureID, "-x")
		if i < 0 || !data.ValidID(featureID[:i]) || !isDigits(featureID[i+2:]) {
			notFound.Message += ": a crossing point's id is its incident's id and -x1, -x2, …"
			return nil, notFound
		}
		incident := featureID[:i]
		b, err := o.store.Feature(incident)
		if data.ErrorKind(err) == data.KindNotFound {
			return nil, notFound
		}
		if err != nil {
			return nil, err
		}
		var f struct {
			Properties struct {
				Date string `json:"date"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("stored incident %s: %w", incident, err)
		}
		d, err := data.ParseDate(f.Properties.Date)
		if err != nil {
			return nil, fmt.Errorf("stored incident %s: %w", incident, err)
		}
		var found []byte
		_, err = o.store.Crossings(data.Filter{From: d.Key(), To: d.Key()}, func(b []byte) error {
			var cf struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(b, &cf) == nil && cf.ID == featureID {
				found = b
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if found == nil {
			return nil, notFound
		}
		return found, nil
	}
	if !data.ValidID(featureID) {
		notFound.Message += ": an id is 3 to 80 characters of a-z, 0-9 and '-', like 2017-11-13-jsa-defection"
		return nil, notFound
	}
	b, err := o.store.Feature(featureID)
	if data.ErrorKind(err) == data.KindNotFound {
		return nil, notFound
	}
	return b, err
}

func isDigits(s string) bool {
	_, ok := parseDigits(s)
	return ok
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

// extentsNow returns the extent of each collection, computed from the
// store again only when it has changed.
func (o *ogcService) extentsNow() (map[string]*ogcExtent, error) {
	ver, err := o.store.Version()
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.extents != nil && ver == o.computed {
		return o.extents, nil
	}
	exts := map[string]*ogcExtent{}
	for _, id := range []string{"incidents", "crossings"} {
		var sc extentScan
		var err error
		if id == "incidents" {
			_, err = o.store.Query(data.Filter{}, sc.add)
		} else {
			_, err = o.store.Crossings(data.Filter{}, sc.add)
		}
		if err != nil {
			return nil, err
		}
		exts[id] = sc.extent()
	}
	exts["mdl"] = newExtent(o.mdl.Line().Bound(), 0, 0)
	o.extents, o.computed = exts, ver
	return exts, nil
}

// extentScan gathers the extent of stored Features: the bound of their
// points and their first and last date keys.
type extentScan struct {
	n           int
	bound       orb.Bound
	first, last uint32
}

func (sc *extentScan) add(b []byte) error {
	var f struct {
		Geometry struct {
			Coordinates orb.Point `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Date string `json:"date"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("a stored feature: %w", err)
	}
	d, err := data.ParseDate(f.Properties.Date)
	if err != nil {
		return fmt.Errorf("a stored feature: %w", err)
	}
	p, k := f.Geometry.Coordinates, d.Key()
	if sc.n == 0 {
		sc.bound, sc.first, sc.last = p.Bound(), k, k
	}
	sc.n++
	sc.bound = sc.bound.Extend(p)
	sc.first, sc.last = min(sc.first, k), max(sc.last, k)
	return nil
}

func (sc *extentScan) extent() *ogcExtent {
	if sc.n == 0 {
		return nil
	}
	return newExtent(sc.bound, sc.first, sc.last)
}

// newExtent returns the extent of bound b and the date keys first to last,
// with no temporal extent when first is 0.
func newExtent(b orb.Bound, first, last uint32) *ogcExtent {
	e := ogcExtent{Spatial: &spatialExtent{[][4]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}, crs84}}
	if first != 0 {
		a, z := keyTime(first), keyTime(last)
		e.Temporal = &temporalExtent{[][2]*string{{&a, &z}}, trsGregorian}
	}
	return &e
}

// keyTime formats a date key as the RFC 3339 time of its first day: the
// day datetime= matches a date known only to the month or year as.
func keyTime(k uint32) string {
	y, m, d := k/10000, max(k/100%100, 1), max(k%100, 1)
	return fmt.Sprintf("%04d-%02d-%02dT00:00:00Z", y, m, d)
}
