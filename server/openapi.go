package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// jsonObject is a JSON object of the OpenAPI document.
type jsonObject = map[string]any

func oaRef(kind, name string) jsonObject {
	return jsonObject{"$ref": "#/components/" + kind + "/" + name}
}

func oaContent(schema jsonObject, mediaTypes ...string) jsonObject {
	c := jsonObject{}
	for _, mt := range mediaTypes {
		c[mt] = jsonObject{"schema": schema}
	}
	return c
}

func oaResponse(description string, c jsonObject) jsonObject {
	r := jsonObject{"description": description}
	if c != nil {
		r["content"] = c
	}
	return r
}

func oaParams(names ...string) []jsonObject {
	out := make([]jsonObject, len(names))
	for i, n := range names {
		out[i] = oaRef("parameters", n)
	}
	return out
}

func oaEnum[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// listParam is a comma-separated list of values in the query.
func listParam(name, description string, values []string) jsonObject {
	return jsonObject{"name": name, "in": "query", "required": false, "style": "form", "explode": false,
		"description": description,
		"schema":      jsonObject{"type": "array", "items": jsonObject{"type": "string", "enum": values}}}
}

func queryParam(name, description string, schema jsonObject) jsonObject {
	return jsonObject{"name": name, "in": "query", "required": false, "description": description, "schema": schema}
}

// problems are the problem responses an operation may give, by status.
func problems(statuses ...string) jsonObject {
	r := jsonObject{}
	for _, st := range statuses {
		r[st] = oaRef("responses", "Problem"+st)
	}
	return r
}

func oaMerge(a, b jsonObject) jsonObject {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// datetimeRule is the rule for partial dates, in the API document and the
// collections' descriptions.
const datetimeRule = "datetime selects by the incident's date only (not created or updated). A date is the period it names: " +
	"a day, or for a date known only to the month or the year (date_precision month or year) the whole month or year, " +
	"from date_start to date_end (1965 is 1965-01-01 to 1965-12-31, 1969-12 is 1969-12-01 to 1969-12-31). " +
	"datetime selects the incidents whose period meets the instant or the interval: 1965-06-01/1965-12-31 and the instant " +
	"1965-06-15 hold an incident dated only 1965; ../1964-12-31 and 1966-01-01/.. do not."

const datetimeDescription = "Selects the features of a date or a date range. An instant is a date (`2017-11-13`) or an RFC 3339 " +
	"date-time (`2017-11-13T10:00:00Z`); an interval is `start/end`, closed (`1960-01-01/1969-12-31`) or open at one end " +
	"with `..` or nothing (`2017-01-01/..`, `../1970-12-31`, `2017-01-01T00:00:00Z/..`). A date with a bare `T` " +
	"(`2017-01-01T/..`, as GDAL sends for `date >= '2017-01-01'`) is that date. Incidents have dates, not times: a date-time " +
	"stands for its date as written, and an end bound takes in its whole day.\n\n" + datetimeRule + " Crossing points have " +
	"their incident's date; the MDL has no date, and datetime does not select it."

const ogcTag = "OGC API – Features"

// openAPIDocument builds the OpenAPI 3.0 document of the whole service;
// maxLimit is the largest page size of the paged routes.
func openAPIDocument(maxLimit int) jsonObject {
	defLimit := min(ogcDefaultLimit, maxLimit)
	str := jsonObject{"type": "string"}
	paths, parameters, responses, schemas := oaPaths(), oaParameters(maxLimit), oaProblemResponses(), oaSchemas()
	return jsonObject{
		"openapi": "3.0.3",
		"info": jsonObject{
			"title":   "dmzmap",
			"version": "1.0.0",
			"description": "Documented incidents along the Korean DMZ since 1953, the Military Demarcation Line (MDL) and the points where " +
				"incidents crossed it: a plain JSON and GeoJSON API under /api, downloads in GeoJSON, CSV and KML, and OGC API – Features " +
				"(Part 1: Core, with GeoJSON, HTML and OpenAPI 3.0) under /ogc, which QGIS and GDAL open as `OAPIF:http://HOST/ogc`.\n\n" +
				fmt.Sprintf("Pages: /ogc items return %d features unless limit says otherwise, at most %d; /api/incidents and /api/crossings at most %d. ", defLimit, maxLimit, maxLimit) +
				"Unknown or repeated query parameters are a 400. Errors are RFC 9457 problem details (application/problem+json). " +
				"Coordinates are longitude, latitude in WGS 84.\n\n" + Attribution + ".",
			"contact": jsonObject{"name": "dmzmap"},
			"license": jsonObject{"name": "Incidents CC BY 4.0; MDL ODbL (© OpenStreetMap contributors)", "url": "https://creativecommons.org/licenses/by/4.0/"},
		},
		"tags": []jsonObject{
			{"name": ogcTag, "description": "The collections incidents, crossings and mdl, for GIS tools."},
			{"name": "Incidents", "description": "The JSON and GeoJSON API the web page uses."},
			{"name": "Export", "description": "Downloads."},
			{"name": "Editing", "description": "Writes, with the bearer token the server is started with (--token-file or DMZMAP_TOKEN); without one, writes are a 403."},
			{"name": "Service", "description": "The page and the health check."},
			{"name": "Publishing", "description": "Pages, map images, citations, feeds and live events, for sharing and embedding."},
		},
		"paths": paths,
		"components": jsonObject{
			"parameters": parameters,
			"responses":  responses,
			"schemas":    schemas,
			"headers": jsonObject{
				"ETag":               jsonObject{"description": "The incident's entity tag, for If-Match.", "schema": str},
				"Location":           jsonObject{"description": "The URL of the new incident.", "schema": str},
				"ContentDisposition": jsonObject{"description": "attachment, with the file name.", "schema": str},
			},
			"securitySchemes": jsonObject{"bearerAuth": jsonObject{"type": "http", "scheme": "bearer",
				"description": "The token the server is started with: --token-file or DMZMAP_TOKEN."}},
		},
	}
}

// serverPlaceholder stands for the server's base URL in an encoded
// document; each answer puts the base in its place.
const serverPlaceholder = "\x00server\x00"

type encodedDoc struct {
	service, ogc []byte     // JSON, with serverPlaceholder for the base URL
	doc          jsonObject // the service's document
}

// encodeAPIDocuments builds and encodes the documents of a server whose
// largest page size is maxLimit; each ogcService does so once, on first use.
func encodeAPIDocuments(maxLimit int) (encodedDoc, error) {
	doc := openAPIDocument(maxLimit)
	service, err := json.Marshal(oaMerge(jsonObject{"servers": []jsonObject{{"url": serverPlaceholder, "description": "this server"}}}, doc))
	if err != nil {
		return encodedDoc{}, err
	}
	ogc, err := json.Marshal(ogcDocument(doc, serverPlaceholder+"/ogc"))
	if err != nil {
		return encodedDoc{}, err
	}
	return encodedDoc{service, ogc, doc}, nil
}

// ogcDocument is the OpenAPI document of the OGC API – Features service
// alone, as the OGC's conformance suite and GDAL read it: the /ogc paths of
// the service's document doc relative to the server base (…/ogc), and the
// components they refer to.
func ogcDocument(doc jsonObject, base string) jsonObject {
	paths := jsonObject{}
	for p, item := range doc["paths"].(jsonObject) {
		if rest, ok := strings.CutPrefix(p, "/ogc"); ok && (rest == "" || rest[0] == '/') {
			paths[cmp.Or(rest, "/")] = item
		}
	}
	info := oaMerge(jsonObject{}, doc["info"].(jsonObject))
	info["description"] = "OGC API – Features (Part 1: Core, with GeoJSON, HTML and OpenAPI 3.0) of dmzmap: " +
		"the documented incidents along the Korean DMZ since 1953, the points where they crossed the Military Demarcation Line, " +
		"and the line itself. The whole service, its JSON API and downloads included, is described at /api/openapi.json.\n\n" +
		fmt.Sprint(doc["info"].(jsonObject)["description"])
	// The components the paths refer to, and those they refer to in turn.
	all := doc["components"].(jsonObject)
	used := jsonObject{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case jsonObject:
			if ref, ok := x["$ref"].(string); ok {
				kind, name, _ := strings.Cut(strings.TrimPrefix(ref, "#/components/"), "/")
				if used[kind] == nil {
					used[kind] = jsonObject{}
				}
				if _, ok := used[kind].(jsonObject)[name]; !ok {
					def := all[kind].(jsonObject)[name]
					used[kind].(jsonObject)[name] = def
					walk(def)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []jsonObject:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(paths)
	var tags []jsonObject
	for _, t := range doc["tags"].([]jsonObject) {
		if t["name"] == ogcTag {
			tags = append(tags, t)
		}
	}
	return jsonObject{
		"openapi":    doc["openapi"],
		"info":       info,
		"servers":    []jsonObject{{"url": base, "description": "the OGC API – Features service of this server"}},
		"tags":       tags,
		"paths":      paths,
		"components": used,
	}
}

// serverBase is the base URL of the service for its API documents: the
// configured public URL, or else the one the request was sent to.
func (o *ogcService) serverBase(c *fiber.Ctx) string {
	if o.cfg.PublicURL != "" {
		return strings.TrimRight(o.cfg.PublicURL, "/")
	}
	return c.BaseURL()
}

// sendDocument answers with the encoded document b, the server's base URL
// in place of serverPlaceholder.
func (o *ogcService) sendDocument(c *fiber.Ctx, b []byte) error {
	base, err := json.Marshal(o.serverBase(c))
	if err != nil {
		return err
	}
	ph, _ := json.Marshal(serverPlaceholder)
	quoted := base[1 : len(base)-1]
	c.Set(fiber.HeaderContentType, ContentTypeOpenAPI)
	return c.Send(bytes.ReplaceAll(b, ph[1:len(ph)-1], quoted))
}

// GET /ogc/api
func (o *ogcService) handleAPI(c *fiber.Ctx) error {
	q, err := o.parse(c, "/ogc/api")
	if err != nil {
		return err
	}
	if q.format == "html" {
		return o.sendAPIPage(c)
	}
	e, err := o.apiDocs()
	if err != nil {
		return err
	}
	return o.sendDocument(c, e.ogc)
}

// GET /api/openapi.json
func (o *ogcService) handleServiceAPI(c *fiber.Ctx) error {
	if _, err := parseQuery(c.Context().QueryArgs(), data.FilterSpec{Route: "/api/openapi.json"}, o.now().Year()); err != nil {
		return err
	}
	e, err := o.apiDocs()
	if err != nil {
		return err
	}
	return o.sendDocument(c, e.service)
}

// GET /ogc/api.html
func (o *ogcService) handleAPIPage(c *fiber.Ctx) error {
	if _, err := o.parse(c, "/ogc/api.html"); err != nil {
		return err
	}
	return o.sendAPIPage(c)
}

func (o *ogcService) sendAPIPage(c *fiber.Ctx) error {
	e, err := o.apiDocs()
	if err != nil {
		return err
	}
	doc := e.doc
	info := doc["info"].(jsonObject)
	return sendPage(c, page{
		Title: fmt.Sprint(info["title"]) + " API " + fmt.Sprint(info["version"]),
		Links: []link{
			{Href: href(c, "/ogc/api.html", ""), Rel: "self", Type: mediaHTML, Title: "this page"},
			{Href: href(c, "/ogc/api", ""), Rel: "service-desc", Type: ContentTypeOpenAPI, Title: "the OpenAPI 3.0 document of OGC API – Features"},
			{Href: href(c, "/api/openapi.json", ""), Rel: "describedby", Type: ContentTypeOpenAPI, Title: "the OpenAPI 3.0 document of the whole service"},
			{Href: href(c, "/ogc", ""), Rel: "service", Type: contentTypeJSON, Title: "the landing page"},
		},
		API: newAPIView(doc),
	})
}
