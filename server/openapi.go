package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// obj is a JSON object of the OpenAPI document.
type obj = map[string]any

func oaRef(kind, name string) obj { return obj{"$ref": "#/components/" + kind + "/" + name} }

func oaContent(schema obj, mediaTypes ...string) obj {
	c := obj{}
	for _, mt := range mediaTypes {
		c[mt] = obj{"schema": schema}
	}
	return c
}

func oaResponse(description string, c obj) obj {
	r := obj{"description": description}
	if c != nil {
		r["content"] = c
	}
	return r
}

func oaParams(names ...string) []obj {
	out := make([]obj, len(names))
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
func listParam(name, description string, values []string) obj {
	return obj{"name": name, "in": "query", "required": false, "style": "form", "explode": false,
		"description": description,
		"schema":      obj{"type": "array", "items": obj{"type": "string", "enum": values}}}
}

func queryParam(name, description string, schema obj) obj {
	return obj{"name": name, "in": "query", "required": false, "description": description, "schema": schema}
}

// problems are the problem responses an operation may give, by status.
func problems(statuses ...string) obj {
	r := obj{}
	for _, st := range statuses {
		r[st] = oaRef("responses", "Problem"+st)
	}
	return r
}

func oaMerge(a, b obj) obj {
	for k, v := range b {
		a[k] = v
	}
	return a
}

const datetimeDescription = "Selects the features of a date or a date range. An instant is a date (`2017-11-13`) or an RFC 3339 " +
	"date-time (`2017-11-13T10:00:00Z`); an interval is `start/end`, closed (`1960-01-01/1969-12-31`) or open at one end " +
	"with `..` (`2017-01-01/..`, `../1970-12-31`). Incidents have dates, not times: a date-time stands for its date as written, " +
	"and an end bound takes in its whole day.\n\n" +
	"Incidents known only to the month or the year match as the first day of that month or year. Their date key has `00` " +
	"for the unknown parts, so `1965` sorts just before `1965-01-01` and `1969-12` just before `1969-12-01`; a range that " +
	"starts on the first day of a month or a year therefore starts at the month's or the year's own key. So " +
	"`1965-01-01/1965-12-31` holds every incident of 1965, the ones known only to the year included (as `year=1965` " +
	"does on /api/incidents), `1969-12-01/1969-12-31` every incident of December 1969, while `1965-06-01/1965-12-31` and " +
	"the instant `1965-06-15` leave out an incident dated only `1965`. Crossing points have their incident's date; the " +
	"MDL has no date, and datetime does not select it."

// openAPIDocument builds the OpenAPI 3.0 document of the whole service;
// maxLimit is the largest page size of the paged routes.
func openAPIDocument(maxLimit int) obj {
	defLimit := min(ogcDefaultLimit, maxLimit)
	types, directions := oaEnum(data.Types), oaEnum(data.Directions)
	sectorNames := oaEnum(sectors)
	collectionIDs := make([]string, len(ogcCollections))
	for i, ci := range ogcCollections {
		collectionIDs[i] = ci.id
	}

	parameters := obj{
		"collectionId": obj{"name": "collectionId", "in": "path", "required": true, "description": "The collection.",
			"schema": obj{"type": "string", "enum": collectionIDs}},
		"featureId": obj{"name": "featureId", "in": "path", "required": true,
			"description": "The feature: an incident's id in incidents, the incident's id with `-x1`, `-x2`, … in crossings, `mdl` in mdl.",
			"schema":      obj{"type": "string"}},
		"id": obj{"name": "id", "in": "path", "required": true, "description": "The incident's id, like `2017-11-13-jsa-defection`.",
			"schema": obj{"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{2,79}$"}},
		"bbox": obj{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Selects the features inside a box: `minLon,minLat,maxLon,maxLat` in degrees, WGS 84 longitude and latitude " +
				"(CRS84), edges included, e.g. `126.5,37.7,127.5,38.4`. Exactly 4 numbers; a box across the antimeridian is refused. " +
				"`bbox-crs` is not implemented: giving it is a 400. On /api/crossings the box selects by the incident's location; " +
				"on the OGC crossings collection by the crossing point itself; the MDL is selected when the box meets the line.",
			"schema": obj{"type": "array", "minItems": 4, "maxItems": 4, "items": obj{"type": "number"}}},
		"datetime": queryParam("datetime", datetimeDescription, obj{"type": "string"}),
		"type":     listParam("type", "Selects incidents (and their crossing points) of these types, comma-separated, e.g. `crossing,shooting`.", types),
		"direction": listParam("direction", "Selects incidents of these directions over the MDL, comma-separated. "+
			"On the OGC crossings collection, the direction of each crossing point.", directions),
		"sector": listParam("sector", "Selects incidents placed in these sectors of the MDL, comma-separated. "+
			"On the OGC crossings collection, the sector of each crossing point.", sectorNames),
		"ogcLimit": queryParam("limit", fmt.Sprintf("The most features in one page: %d unless given, at most %d. "+
			"A larger limit is clamped to %d; 0, a negative number or anything but a whole number is a 400. "+
			"Follow the `next` link for the next page.", defLimit, maxLimit, maxLimit),
			obj{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": defLimit}),
		"offset": queryParam("offset", "How many matching features to skip before the page starts; the `next` and `prev` links set it.",
			obj{"type": "integer", "minimum": 0, "default": 0}),
		"f": queryParam("f", "The format of the answer: `json` (GeoJSON for features) or `html`. "+
			"Without f, the Accept header chooses: HTML when it prefers text/html, JSON otherwise.",
			obj{"type": "string", "enum": []string{"json", "html"}}),
		"year": queryParam("year", "Selects the incidents of one year, from 1953 to the current year; not with from or to.",
			obj{"type": "integer", "minimum": firstYear}),
		"from": queryParam("from", "Selects the incidents from this year on (inclusive).", obj{"type": "integer", "minimum": firstYear}),
		"to":   queryParam("to", "Selects the incidents up to this year (inclusive).", obj{"type": "integer", "minimum": firstYear}),
		"q": queryParam("q", "Selects the incidents whose title, summary or place, in English or Korean, holds every word given, ignoring case.",
			obj{"type": "string", "maxLength": maxText}),
		"apiLimit": queryParam("limit", fmt.Sprintf("The most features in one answer: %d unless given, at most %d (a larger limit is clamped); "+
			"0 or anything but a whole number is a 400.", maxLimit, maxLimit),
			obj{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": maxLimit}),
		"exportLimit": queryParam("limit", "The most incidents to export; all of them unless given.",
			obj{"type": "integer", "minimum": 1}),
		"format": queryParam("format", "The file format: GeoJSON, CSV (the columns the import reads) or KML.",
			obj{"type": "string", "enum": exportFormatNames, "default": exportFormatNames[0]}),
		"ifMatch": obj{"name": "If-Match", "in": "header", "required": true,
			"description": "The incident's current ETag, from its GET or the last write (or `*`); without it the answer is a 428, with a stale one a 412.",
			"schema":      obj{"type": "string"}},
		"changeReason": obj{"name": HeaderChangeReason, "in": "header", "required": false,
			"description": fmt.Sprintf("A short reason for the change, kept in the history: UTF-8, at most %d characters; a percent-encoded value is decoded.", maxReason),
			"schema":      obj{"type": "string"}},
		"cell": obj{"name": "cell", "in": "query", "required": true, "description": "The side of a grid cell, in degrees.",
			"schema": obj{"type": "number", "minimum": minCell, "maximum": maxCell}},
		"dryRun": queryParam("dry_run", "Validate and check the import, and write nothing.", obj{"type": "boolean", "default": false}),
		"mode": queryParam("mode", "`create` refuses ids already stored; `upsert` creates or replaces by id.",
			obj{"type": "string", "enum": []string{string(data.ModeCreate), string(data.ModeUpsert)}, "default": string(data.ModeCreate)}),
	}

	problem := oaRef("schemas", "Problem")
	problemResponse := func(description string) obj {
		return oaResponse(description, oaContent(problem, ContentTypeProblem))
	}
	responses := obj{
		"Problem400": problemResponse("A query parameter is not accepted: unknown, repeated or malformed. `errors` names each one."),
		"Problem401": problemResponse("The bearer token is missing or wrong."),
		"Problem403": problemResponse("Writing is not enabled on this server (no token is set)."),
		"Problem404": problemResponse("Nothing has that id."),
		"Problem409": problemResponse("An incident with that id exists already."),
		"Problem412": problemResponse("If-Match is not the incident's current ETag: someone else changed it."),
		"Problem413": problemResponse("The request body is too large."),
		"Problem415": problemResponse("The body's Content-Type is not one the route takes."),
		"Problem428": problemResponse("If-Match is missing: GET the incident for its ETag first."),
		"Problem429": problemResponse("Too many writes from this client in a minute; Retry-After says when to try again."),
		"Problem422": problemResponse("The body is not a valid incident: `errors` lists every field error (with `index`, the row or feature, for an import)."),
		"Problem500": problemResponse("Internal error; the server logs it."),
		"Problem503": problemResponse("The database is busy or unavailable; try again."),
	}

	geojsonCollection := func(description string) obj {
		return oaResponse(description, oaContent(oaRef("schemas", "FeatureCollection"), data.ContentTypeGeoJSON))
	}
	ogcJSON := func(description, schema string) obj {
		return oaResponse(description, oaMerge(oaContent(oaRef("schemas", schema), contentTypeJSON), oaContent(obj{"type": "string"}, "text/html")))
	}
	ogcParams := []string{"bbox", "datetime", "type", "direction", "sector", "ogcLimit", "offset", "f"}
	const ignored = " It accepts the items' parameters too, and ignores them, so that a client may send its filter with every request " +
		"(GDAL's OAPIF driver does, for a connection URL with a query)."
	ogcGet := func(id, summary, description string, ok obj, extra ...string) obj {
		return obj{"tags": []string{"OGC API – Features"}, "operationId": id, "summary": summary, "description": description,
			"parameters": oaParams(append(extra, ogcParams...)...),
			"responses":  oaMerge(obj{"200": ok}, problems("400", "404", "500", "503"))}
	}
	apiFilters := []string{"year", "from", "to", "type", "direction", "sector", "bbox", "q"}
	filtered := []string{"400", "500", "503"}
	apiGet := func(tag, id, summary, description string, ok obj, statuses []string, ps ...string) obj {
		return obj{"tags": []string{tag}, "operationId": id, "summary": summary, "description": description,
			"parameters": oaParams(ps...),
			"responses":  oaMerge(obj{"200": ok}, problems(statuses...))}
	}
	secured := []obj{{"bearerAuth": []string{}}}
	write := func(id, summary, description string, ok obj, statuses []string, ps ...string) obj {
		op := obj{"tags": []string{"Editing"}, "operationId": id, "summary": summary, "description": description,
			"security": secured, "parameters": oaParams(ps...), "responses": oaMerge(ok, problems(statuses...))}
		return op
	}
	incidentBody := obj{"required": true, "description": "The incident as a GeoJSON Feature (computed properties are ignored).",
		"content": oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON, contentTypeJSON)}
	etag := obj{"ETag": oaRef("headers", "ETag")}
	exportResponse := func(mediaTypes ...string) obj {
		c := obj{}
		for _, mt := range mediaTypes {
			switch mt {
			case data.ContentTypeGeoJSON:
				c[mt] = obj{"schema": oaRef("schemas", "FeatureCollection")}
			default:
				c[mt] = obj{"schema": obj{"type": "string"}}
			}
		}
		r := oaResponse("The incidents as a file, streamed; its name says the filter, e.g. dmz-incidents-1990-2025-crossing.csv.", c)
		r["headers"] = obj{"Content-Disposition": oaRef("headers", "ContentDisposition")}
		return r
	}
	const exportDescription = "Every incident the filter selects, in date order, as a download. CSV has one row an incident with " +
		"lon and lat columns and the columns the import reads (so an export imports back to the same incidents), the sources in " +
		"source1_title, source1_url, … and more_sources. KML (for Google Earth) has one Placemark an incident listing its sources, " +
		"and the credits in the Document's description. A failure after the answer has started ends the file early: a truncated file."

	paths := obj{
		"/": obj{"get": obj{"tags": []string{"Service"}, "operationId": "getPage", "summary": "The web page: the map.",
			"responses": obj{"200": oaResponse("The page.", oaContent(obj{"type": "string"}, "text/html")), "404": oaRef("responses", "Problem404")}}},
		"/static/{path}": obj{"get": obj{"tags": []string{"Service"}, "operationId": "getStatic", "summary": "The web page's files.",
			"parameters": []obj{{"name": "path", "in": "path", "required": true, "schema": obj{"type": "string"}}},
			"responses":  obj{"200": oaResponse("The file, of the media type of its extension.", nil), "404": oaRef("responses", "Problem404")}}},
		"/healthz": obj{"get": obj{"tags": []string{"Service"}, "operationId": "getHealth", "summary": "Whether the server is up.",
			"responses": obj{"200": oaResponse("It is.", oaContent(obj{"type": "object", "required": []string{"status"},
				"properties": obj{"status": obj{"type": "string", "enum": []string{"ok"}}}}, contentTypeJSON))}}},
		"/readyz": obj{"get": obj{"tags": []string{"Service"}, "operationId": "getReady", "summary": "Whether the server can answer from its database.",
			"responses": oaMerge(obj{"200": oaResponse("It can.", oaContent(obj{"type": "object", "required": []string{"status"},
				"properties": obj{"status": obj{"type": "string", "enum": []string{"ready"}}}}, contentTypeJSON))}, problems("503"))}},
		"/metrics": obj{"get": obj{"tags": []string{"Service"}, "operationId": "getMetrics", "summary": "Request counts and latencies, and the database's size, for Prometheus.",
			"responses": obj{"200": oaResponse("The metrics in the Prometheus text format.", oaContent(obj{"type": "string"}, "text/plain"))}}},

		"/api/incidents": obj{
			"get": apiGet("Incidents", "getIncidents", "The incidents the filter selects.",
				"A GeoJSON FeatureCollection in date order, with numberMatched and numberReturned. Page with limit and offset.",
				geojsonCollection("The incidents."), filtered, append(apiFilters, "apiLimit", "offset")...),
			"post": write("createIncident", "Add an incident.", "Validated with the rules of the seed data.",
				obj{"201": oaMerge(oaResponse("Created.", oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON)),
					obj{"headers": oaMerge(obj{"Location": oaRef("headers", "Location")}, etag)})},
				[]string{"400", "401", "403", "409", "413", "415", "422", "429", "500", "503"}, "changeReason"),
		},
		"/api/incidents/{id}": obj{
			"get": apiGet("Incidents", "getIncident", "One incident.", "The incident as a GeoJSON Feature, with its ETag.",
				oaMerge(oaResponse("The incident.", oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON)), obj{"headers": etag}),
				[]string{"404", "500", "503"}, "id"),
			"put": oaMerge(write("replaceIncident", "Replace an incident.", "The body is the whole incident; If-Match is its current ETag.",
				obj{"200": oaMerge(oaResponse("Replaced.", oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON)), obj{"headers": etag})},
				[]string{"400", "401", "403", "404", "412", "413", "415", "422", "428", "429", "500", "503"}, "id", "ifMatch", "changeReason"), obj{"requestBody": incidentBody}),
			"patch": oaMerge(write("patchIncident", "Change some fields of an incident.", "A JSON Merge Patch (RFC 7396) of the Feature; If-Match is its current ETag.",
				obj{"200": oaMerge(oaResponse("Changed.", oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON)), obj{"headers": etag})},
				[]string{"400", "401", "403", "404", "412", "413", "415", "422", "428", "429", "500", "503"}, "id", "ifMatch", "changeReason"),
				obj{"requestBody": obj{"required": true, "content": oaContent(obj{"type": "object"}, ContentTypeMergePatch)}}),
			"delete": write("deleteIncident", "Delete an incident.", "It leaves every listing and export; its history keeps a tombstone.",
				obj{"204": oaResponse("Deleted.", nil)},
				[]string{"400", "401", "403", "404", "412", "428", "429", "500", "503"}, "id", "ifMatch", "changeReason"),
		},
		"/api/incidents/{id}/history": obj{"get": obj{"tags": []string{"Incidents"}, "operationId": "getIncidentHistory",
			"summary": "The kept changes of an incident.", "description": "Each change with its time, what changed and the reason given; a deleted incident's history ends with its tombstone.",
			"parameters": oaParams("id"),
			"responses": oaMerge(obj{"200": oaResponse("The revisions.", oaContent(obj{"type": "object", "required": []string{"id", "revisions"},
				"properties": obj{"id": obj{"type": "string"}, "revisions": obj{"type": "array", "items": oaRef("schemas", "Revision")}}}, contentTypeJSON))},
				problems("404", "500", "503"))}},
		"/api/mdl": obj{"get": apiGet("Incidents", "getMDL", "The Military Demarcation Line.",
			"One GeoJSON LineString Feature, derived from OpenStreetMap (© OpenStreetMap contributors, ODbL).",
			oaResponse("The MDL.", oaContent(oaRef("schemas", "Feature"), data.ContentTypeGeoJSON)), []string{"500"})},
		"/api/dmz": obj{"get": apiGet("Incidents", "getDMZ", "The DMZ band and its limit lines.",
			"The MDL offset 2 km to each side: the band as a Polygon and the northern and southern limits as LineStrings (computed, not surveyed).",
			geojsonCollection("The DMZ."), []string{"500"})},
		"/api/crossings": obj{"get": apiGet("Incidents", "getCrossings", "The crossing points of the incidents the filter selects.",
			"Where each incident's route crosses the MDL, or the line's nearest point to its location (estimated). "+
				"The filter selects by the incident (its location for bbox); limit and offset count points.",
			geojsonCollection("The crossing points."), filtered, append(apiFilters, "apiLimit", "offset")...)},
		"/api/clusters": obj{"get": apiGet("Incidents", "getClusters", "The incidents the filter selects, grouped in grid cells.",
			"One Point a cell holding incidents, with their count and counts by type; a cell of one incident carries its id. "+
				"numberMatched counts incidents, numberReturned cells.",
			geojsonCollection("The clusters."), filtered, append([]string{"cell"}, apiFilters...)...)},
		"/api/years": obj{"get": apiGet("Incidents", "getYears", "Incidents per year and type.",
			"Counts of the incidents the filter selects, per year and type; first and last are null when none matches.",
			oaResponse("The counts.", oaContent(oaRef("schemas", "YearCounts"), contentTypeJSON)), filtered, apiFilters...)},
		"/api/export": obj{"get": apiGet("Export", "export", "Download the incidents as GeoJSON, CSV or KML.", exportDescription,
			exportResponse(data.ContentTypeGeoJSON, ContentTypeCSV, ContentTypeKML), filtered, append(apiFilters, "exportLimit", "offset", "format")...)},
		"/api/export.geojson": obj{"get": apiGet("Export", "exportGeoJSON", "Download the incidents as GeoJSON.", exportDescription,
			exportResponse(data.ContentTypeGeoJSON), filtered, append(apiFilters, "exportLimit", "offset")...)},
		"/api/export.csv": obj{"get": apiGet("Export", "exportCSV", "Download the incidents as CSV.", exportDescription,
			exportResponse(ContentTypeCSV), filtered, append(apiFilters, "exportLimit", "offset")...)},
		"/api/export.kml": obj{"get": apiGet("Export", "exportKML", "Download the incidents as KML.", exportDescription,
			exportResponse(ContentTypeKML), filtered, append(apiFilters, "exportLimit", "offset")...)},
		"/api/import": obj{"post": oaMerge(write("importIncidents", "Import incidents, all or nothing.",
			"A GeoJSON FeatureCollection or a CSV with a header row (the export's columns), written in one transaction: "+
				"if any record is bad, nothing is written and the problem names every bad record by its index (row or feature), field and reason.",
			obj{"200": oaResponse("Imported (or, in a dry run, would be).", oaContent(oaRef("schemas", "ImportResult"), contentTypeJSON))},
			[]string{"400", "401", "403", "409", "413", "415", "422", "429", "500", "503"}, "dryRun", "mode", "changeReason"),
			obj{"requestBody": obj{"required": true, "content": oaMerge(oaContent(oaRef("schemas", "FeatureCollection"), data.ContentTypeGeoJSON, contentTypeJSON),
				oaContent(obj{"type": "string"}, "text/csv"))}})},
		"/api/backup": obj{"get": write("backup", "A consistent copy of the database.",
			"A hot copy of the bbolt file, taken in one read transaction while the server runs.",
			obj{"200": oaMerge(oaResponse("The database file.", oaContent(obj{"type": "string", "format": "binary"}, "application/octet-stream")),
				obj{"headers": obj{"Content-Disposition": oaRef("headers", "ContentDisposition")}})},
			[]string{"401", "403", "500", "503"})},

		"/ogc": obj{"get": ogcGet("getLanding", "The landing page.",
			"Links to the API definition, the conformance classes and the collections."+ignored,
			ogcJSON("The landing page.", "LandingPage"))},
		"/ogc/conformance": obj{"get": ogcGet("getConformance", "The conformance classes the service meets.",
			"OGC API – Features Part 1: core, GeoJSON, HTML and OpenAPI 3.0."+ignored,
			ogcJSON("The conformance classes.", "ConfClasses"))},
		"/ogc/api": obj{"get": ogcGet("getAPI", "This document.", "The OpenAPI 3.0 definition of the whole service (HTML with f=html)."+ignored,
			oaResponse("The API definition.", oaMerge(oaContent(obj{"type": "object"}, ContentTypeOpenAPI), oaContent(obj{"type": "string"}, "text/html"))))},
		"/ogc/api.html": obj{"get": ogcGet("getAPIPage", "This document as a web page.", "The OpenAPI definition rendered as HTML."+ignored,
			oaResponse("The API documentation.", oaContent(obj{"type": "string"}, "text/html")))},
		"/ogc/collections": obj{"get": ogcGet("getCollections", "The collections: incidents, crossings and mdl.",
			"Each with its spatial and temporal extent, computed from the data."+ignored,
			ogcJSON("The collections.", "Collections"))},
		"/ogc/collections/{collectionId}": obj{"get": ogcGet("describeCollection", "One collection.",
			"Its title, description, extent and links."+ignored,
			ogcJSON("The collection.", "Collection"), "collectionId")},
		"/ogc/collections/{collectionId}/items": obj{"get": ogcGet("getFeatures", "The features of a collection.",
			"The features the filter selects, in date order, one page at a time: follow the `next` link, which keeps every other parameter, "+
				"until there is none. incidents and crossings take every filter; mdl has one feature, selected by bbox only.",
			oaResponse("A page of features.", oaMerge(oaContent(oaRef("schemas", "FeatureCollection"), data.ContentTypeGeoJSON), oaContent(obj{"type": "string"}, "text/html"))),
			"collectionId")},
		"/ogc/collections/{collectionId}/items/{featureId}": obj{"get": ogcGet("getFeature", "One feature.",
			"The feature with its links."+ignored,
			oaResponse("The feature.", oaMerge(oaContent(oaRef("schemas", "Feature"), data.ContentTypeGeoJSON), oaContent(obj{"type": "string"}, "text/html"))),
			"collectionId", "featureId")},
	}
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	nullableInt := obj{"type": "integer", "nullable": true, "minimum": 0}
	schemas := obj{
		"Problem": obj{"type": "object", "description": "RFC 9457 problem details.",
			"required": []string{"type", "title", "status", "detail", "errors"},
			"properties": obj{"type": str, "title": str, "status": integer, "detail": str,
				"errors": obj{"type": "array", "items": obj{"type": "object", "required": []string{"message"},
					"properties": obj{"parameter": str, "field": str, "index": integer, "message": str}}}}},
		"Link": obj{"type": "object", "required": []string{"href", "rel"},
			"properties": obj{"href": obj{"type": "string", "format": "uri"}, "rel": str, "type": str, "title": str}},
		"LandingPage": obj{"type": "object", "required": []string{"links"},
			"properties": obj{"title": str, "description": str, "attribution": str, "links": obj{"type": "array", "items": oaRef("schemas", "Link")}}},
		"ConfClasses": obj{"type": "object", "required": []string{"conformsTo"},
			"properties": obj{"conformsTo": obj{"type": "array", "items": str}, "links": obj{"type": "array", "items": oaRef("schemas", "Link")}}},
		"Collections": obj{"type": "object", "required": []string{"links", "collections"},
			"properties": obj{"links": obj{"type": "array", "items": oaRef("schemas", "Link")}, "collections": obj{"type": "array", "items": oaRef("schemas", "Collection")}}},
		"Collection": obj{"type": "object", "required": []string{"id", "links"},
			"properties": obj{"id": str, "title": str, "description": str, "attribution": str, "itemType": str,
				"crs": obj{"type": "array", "items": str}, "extent": oaRef("schemas", "Extent"),
				"links": obj{"type": "array", "items": oaRef("schemas", "Link")}}},
		"Extent": obj{"type": "object", "properties": obj{
			"spatial": obj{"type": "object", "properties": obj{
				"bbox": obj{"type": "array", "minItems": 1, "items": obj{"type": "array", "minItems": 4, "maxItems": 4, "items": obj{"type": "number"}}},
				"crs":  str}},
			"temporal": obj{"type": "object", "description": "From the first to the last date in the data; a date known only to the month or year as its first day.",
				"properties": obj{
					"interval": obj{"type": "array", "minItems": 1, "items": obj{"type": "array", "minItems": 2, "maxItems": 2,
						"items": obj{"type": "string", "format": "date-time", "nullable": true}}},
					"trs": str}}}},
		"Geometry": obj{"type": "object", "description": "A GeoJSON geometry in longitude, latitude (WGS 84).", "required": []string{"type", "coordinates"},
			"properties": obj{"type": obj{"type": "string", "enum": []string{"Point", "LineString", "Polygon"}}, "coordinates": obj{"type": "array", "items": obj{}}}},
		"Feature": obj{"type": "object", "required": []string{"type", "geometry", "properties"},
			"properties": obj{"type": obj{"type": "string", "enum": []string{"Feature"}}, "id": str,
				"geometry":   obj{"nullable": true, "allOf": []obj{oaRef("schemas", "Geometry")}},
				"properties": obj{"type": "object", "nullable": true},
				"links":      obj{"type": "array", "items": oaRef("schemas", "Link")}}},
		"IncidentFeature": obj{"allOf": []obj{oaRef("schemas", "Feature"),
			obj{"type": "object", "properties": obj{"properties": oaRef("schemas", "IncidentProperties")}}}},
		"IncidentProperties": obj{"type": "object", "required": []string{"title", "type", "date", "location_precision_m", "summary", "sources", "confidence"},
			"properties": obj{
				"title": str, "type": obj{"type": "string", "enum": types},
				"date":                 obj{"type": "string", "description": "YYYY-MM-DD, YYYY-MM or YYYY, as date_precision says."},
				"date_precision":       obj{"type": "string", "enum": []string{"day", "month", "year"}},
				"year":                 obj{"type": "integer", "readOnly": true},
				"location_precision_m": obj{"type": "number", "description": "The radius within which the true place lies, in metres."},
				"location_note":        str, "place": str,
				"path":      obj{"nullable": true, "allOf": []obj{oaRef("schemas", "Geometry")}, "description": "The tracked route, a LineString, if known."},
				"direction": obj{"type": "string", "enum": directions},
				"persons":   str, "persons_count": nullableInt,
				"casualties": obj{"type": "object", "properties": obj{"killed": nullableInt, "wounded": nullableInt, "note": str}},
				"summary":    str,
				"sources": obj{"type": "array", "minItems": 1, "items": obj{"type": "object", "required": []string{"title", "url", "publisher"},
					"properties": obj{"title": str, "url": obj{"type": "string", "format": "uri"}, "publisher": str, "published": str}}},
				"confidence": obj{"type": "string", "enum": []string{"high", "medium", "low"}},
				"note":       str, "tags": obj{"type": "array", "items": str},
				"created":           obj{"type": "string", "format": "date-time", "readOnly": true},
				"updated":           obj{"type": "string", "format": "date-time", "readOnly": true},
				"distance_to_mdl_m": obj{"type": "number", "readOnly": true},
				"side":              obj{"type": "string", "readOnly": true},
				"mdl_km":            obj{"type": "number", "readOnly": true},
				"sector":            obj{"type": "string", "readOnly": true},
				"in_dmz":            obj{"type": "boolean", "readOnly": true},
				"title_ko":          obj{"type": "string", "description": "The title in Korean."},
				"summary_ko":        obj{"type": "string", "description": "The summary in Korean."},
				"place_ko":          obj{"type": "string", "description": "The place in Korean."},
				"disputes": obj{"type": "array", "description": "Where the sources disagree: one entry per contested field.",
					"items": obj{"type": "object", "required": []string{"field", "claims"}, "properties": obj{
						"field": obj{"type": "string", "enum": data.DisputeFields},
						"claims": obj{"type": "array", "minItems": 2, "items": obj{"type": "object", "required": []string{"value", "source"},
							"properties": obj{"value": str, "value_ko": str, "source": obj{"type": "integer", "minimum": 0, "description": "The index of the claim's source in sources."}}}},
						"note": str}}},
				"distinct_from": obj{"type": "array", "items": str, "description": "Ids of incidents of the same day and place that are separate events."},
			}},
		"FeatureCollection": obj{"type": "object", "required": []string{"type", "features"},
			"properties": obj{"type": obj{"type": "string", "enum": []string{"FeatureCollection"}},
				"features":       obj{"type": "array", "items": oaRef("schemas", "Feature")},
				"numberMatched":  obj{"type": "integer", "minimum": 0},
				"numberReturned": obj{"type": "integer", "minimum": 0},
				"timeStamp":      obj{"type": "string", "format": "date-time"},
				"links":          obj{"type": "array", "items": oaRef("schemas", "Link")},
				"attribution":    str,
				"dataset": obj{"type": "object", "description": "The version of the dataset served, so that a citation can pin it.",
					"properties": obj{"version": str, "date": obj{"type": "string", "format": "date"}}}}},
		"YearCounts": obj{"type": "object", "required": []string{"years", "first", "last", "total"},
			"properties": obj{"years": obj{"type": "array", "items": obj{"type": "object",
				"properties": obj{"year": integer, "total": integer, "by_type": obj{"type": "object", "additionalProperties": integer}}}},
				"first": obj{"type": "integer", "nullable": true}, "last": obj{"type": "integer", "nullable": true}, "total": integer}},
		"Revision": obj{"type": "object", "properties": obj{"rev": integer, "time": obj{"type": "string", "format": "date-time"},
			"action": obj{"type": "string", "enum": []string{string(data.ActionCreate), string(data.ActionUpdate), string(data.ActionDelete)}},
			"reason": str, "changed": obj{"type": "array", "items": str}, "etag": str, "feature": oaRef("schemas", "IncidentFeature")}},
		"ImportResult": obj{"type": "object", "properties": obj{"created": integer, "updated": integer, "dry_run": obj{"type": "boolean"}}},
	}

	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":   "dmzmap",
			"version": "1.0.0",
			"description": "Documented incidents along the Korean DMZ since 1953, the Military Demarcation Line (MDL) and the points where " +
				"incidents crossed it: a plain JSON and GeoJSON API under /api, downloads in GeoJSON, CSV and KML, and OGC API – Features " +
				"(Part 1: Core, with GeoJSON, HTML and OpenAPI 3.0) under /ogc, which QGIS and GDAL open as `OAPIF:http://HOST/ogc`.\n\n" +
				fmt.Sprintf("Pages: /ogc items return %d features unless limit says otherwise, at most %d; /api/incidents and /api/crossings at most %d. ", defLimit, maxLimit, maxLimit) +
				"Unknown or repeated query parameters are a 400. Errors are RFC 9457 problem details (application/problem+json). " +
				"Coordinates are longitude, latitude in WGS 84.\n\n" + Attribution + ".",
			"license": obj{"name": "Incidents CC BY 4.0; MDL ODbL (© OpenStreetMap contributors)"},
		},
		"servers": []obj{{"url": "/", "description": "this server"}},
		"tags": []obj{
			{"name": "OGC API – Features", "description": "The collections incidents, crossings and mdl, for GIS tools."},
			{"name": "Incidents", "description": "The JSON and GeoJSON API the web page uses."},
			{"name": "Export", "description": "Downloads."},
			{"name": "Editing", "description": "Writes, with the bearer token the server is started with (--token-file or DMZMAP_TOKEN); without one, writes are a 403."},
			{"name": "Service", "description": "The page and the health check."},
		},
		"paths": paths,
		"components": obj{
			"parameters": parameters,
			"responses":  responses,
			"schemas":    schemas,
			"headers": obj{
				"ETag":               obj{"description": "The incident's entity tag, for If-Match.", "schema": str},
				"Location":           obj{"description": "The URL of the new incident.", "schema": str},
				"ContentDisposition": obj{"description": "attachment, with the file name.", "schema": str},
			},
			"securitySchemes": obj{"bearerAuth": obj{"type": "http", "scheme": "bearer",
				"description": "The token the server is started with: --token-file or DMZMAP_TOKEN."}},
		},
	}
}

// apiDocs caches the encoded document by the largest page size.
var apiDocs sync.Map

func apiDocument(maxLimit int) ([]byte, obj, error) {
	if v, ok := apiDocs.Load(maxLimit); ok {
		e := v.(encodedDoc)
		return e.b, e.doc, nil
	}
	doc := openAPIDocument(maxLimit)
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, err
	}
	apiDocs.Store(maxLimit, encodedDoc{b, doc})
	return b, doc, nil
}

type encodedDoc struct {
	b   []byte
	doc obj
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
	b, _, err := apiDocument(o.cfg.MaxLimit)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ContentTypeOpenAPI)
	return c.Send(b)
}

// GET /ogc/api.html
func (o *ogcService) handleAPIPage(c *fiber.Ctx) error {
	if _, err := o.parse(c, "/ogc/api.html"); err != nil {
		return err
	}
	return o.sendAPIPage(c)
}

func (o *ogcService) sendAPIPage(c *fiber.Ctx) error {
	_, doc, err := apiDocument(o.cfg.MaxLimit)
	if err != nil {
		return err
	}
	info := doc["info"].(obj)
	return sendPage(c, page{
		Title: fmt.Sprint(info["title"]) + " API " + fmt.Sprint(info["version"]),
		Links: []link{
			{Href: href(c, "/ogc/api.html", ""), Rel: "self", Type: mediaHTML, Title: "this page"},
			{Href: href(c, "/ogc/api", ""), Rel: "service-desc", Type: ContentTypeOpenAPI, Title: "the OpenAPI 3.0 document"},
			{Href: href(c, "/ogc", ""), Rel: "service", Type: contentTypeJSON, Title: "the landing page"},
		},
		API: newAPIView(doc),
	})
}

// apiView is the OpenAPI document as a page.
type apiView struct {
	Description []string // paragraphs
	License     string
	Schemes     []string
	Operations  []opView
}

type opView struct {
	Anchor, Method, Path, Summary, Description, Tag string
	Secured                                         bool
	Params                                          []paramView
	Body                                            []string
	Responses                                       []respView
}

type paramView struct {
	Name, In, Schema, Description string
	Required                      bool
}

type respView struct {
	Status, Description string
	Types               []string
}

var methodOrder = []string{"get", "post", "put", "patch", "delete"}

// newAPIView lays out doc for reading: every operation by path and method,
// with its parameters (references resolved) and responses.
func newAPIView(doc obj) *apiView {
	info := doc["info"].(obj)
	v := &apiView{Description: strings.Split(fmt.Sprint(info["description"]), "\n\n")}
	if l, ok := info["license"].(obj); ok {
		v.License = fmt.Sprint(l["name"])
	}
	comps := doc["components"].(obj)
	for name, s := range comps["securitySchemes"].(obj) {
		v.Schemes = append(v.Schemes, name+": "+fmt.Sprint(s.(obj)["description"]))
	}
	resolve := func(o obj) obj {
		r, ok := o["$ref"].(string)
		if !ok {
			return o
		}
		parts := strings.Split(strings.TrimPrefix(r, "#/components/"), "/")
		return comps[parts[0]].(obj)[parts[1]].(obj)
	}
	paths := doc["paths"].(obj)
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		item := paths[p].(obj)
		for _, m := range methodOrder {
			op, ok := item[m].(obj)
			if !ok {
				continue
			}
			ov := opView{Method: strings.ToUpper(m), Path: p, Anchor: fmt.Sprint(op["operationId"]),
				Summary: fmt.Sprint(op["summary"]), Description: oaText(op["description"]), Secured: op["security"] != nil}
			if tags, ok := op["tags"].([]string); ok && len(tags) > 0 {
				ov.Tag = tags[0]
			}
			ps, _ := op["parameters"].([]obj)
			for _, pr := range ps {
				pr = resolve(pr)
				ov.Params = append(ov.Params, paramView{Name: fmt.Sprint(pr["name"]), In: fmt.Sprint(pr["in"]),
					Required: pr["required"] == true, Description: oaText(pr["description"]), Schema: schemaText(pr["schema"])})
			}
			if rb, ok := op["requestBody"].(obj); ok {
				ov.Body = sortedKeys(rb["content"])
			}
			rs := op["responses"].(obj)
			for _, st := range sortedKeys(rs) {
				r := resolve(rs[st].(obj))
				ov.Responses = append(ov.Responses, respView{Status: st, Description: oaText(r["description"]), Types: sortedKeys(r["content"])})
			}
			v.Operations = append(v.Operations, ov)
		}
	}
	return v
}

func oaText(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func sortedKeys(v any) []string {
	m, _ := v.(obj)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// schemaText sums up a parameter's schema: its type, values and bounds.
func schemaText(v any) string {
	s, ok := v.(obj)
	if !ok {
		return ""
	}
	var parts []string
	typ := oaText(s["type"])
	if items, ok := s["items"].(obj); ok && typ == "array" {
		typ = "list of " + oaText(items["type"])
		if e, ok := items["enum"].([]string); ok {
			parts = append(parts, "one or more of "+strings.Join(e, ", "))
		}
	}
	parts = slices.Insert(parts, 0, typ)
	if e, ok := s["enum"].([]string); ok {
		parts = append(parts, "one of "+strings.Join(e, ", "))
	}
	for _, k := range []string{"default", "minimum", "maximum", "minItems", "maxItems", "maxLength", "pattern", "format"} {
		if x, ok := s[k]; ok {
			parts = append(parts, k+" "+fmt.Sprint(x))
		}
	}
	return strings.Join(parts, "; ")
}
