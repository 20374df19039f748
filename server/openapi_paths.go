package server

import (
	"github.com/dmzmap/dmzmap/data"
)

// oaPaths are the paths of the whole service, each operation stating its
// security.
func oaPaths() jsonObject {
	apiFilters := []string{"year", "from", "to", "type", "direction", "sector", "km", "bbox", "q"}
	paths := oaMerge(oaServicePaths(), oaAPIPaths(apiFilters))
	paths = oaMerge(paths, oaOGCPaths())
	paths = oaMerge(paths, publishPaths(apiFilters))
	// Every operation states its security: the bearer token, or none.
	for _, item := range paths {
		for _, op := range item.(jsonObject) {
			if op := op.(jsonObject); op["security"] == nil {
				op["security"] = []jsonObject{}
			}
		}
	}
	return paths
}

// oaServicePaths are the paths of the page and the health checks.
func oaServicePaths() jsonObject {
	return jsonObject{
		"/": jsonObject{"get": jsonObject{"tags": []string{"Service"}, "operationId": "getPage", "summary": "The web page: the map.",
			"description": "The map of the incidents with its filters, list and counts; the page reads /api.",
			"responses":   jsonObject{"200": oaResponse("The page.", oaContent(jsonObject{"type": "string"}, "text/html")), "404": oaRef("responses", "Problem404")}}},
		"/embed": jsonObject{"get": jsonObject{"tags": []string{"Service"}, "operationId": "getEmbed", "summary": "The embeddable map: the page's map, legend and count alone, for an <iframe>.",
			"description": "Takes the page's query string (the filters of the API, z, lat, lon, sel, lang). The one answer that other sites may frame: its Content-Security-Policy frame-ancestors is --embed-origins, and it has no X-Frame-Options.",
			"responses":   jsonObject{"200": oaResponse("The embedded page.", oaContent(jsonObject{"type": "string"}, "text/html")), "404": oaRef("responses", "Problem404")}}},
		"/static/{path}": jsonObject{"get": jsonObject{"tags": []string{"Service"}, "operationId": "getStatic", "summary": "The web page's files.",
			"description": "The page's scripts, style sheets, images and vendored Leaflet.",
			"parameters":  []jsonObject{{"name": "path", "in": "path", "required": true, "schema": jsonObject{"type": "string"}}},
			"responses":   jsonObject{"200": oaResponse("The file, of the media type of its extension.", nil), "404": oaRef("responses", "Problem404")}}},
		"/healthz": jsonObject{"get": jsonObject{"tags": []string{"Service"}, "operationId": "getHealth", "summary": "Whether the server is up.",
			"description": "200 while the process serves; it does not read the database (see /readyz).",
			"responses": jsonObject{"200": oaResponse("It is.", oaContent(jsonObject{"type": "object", "required": []string{"status"},
				"properties": jsonObject{"status": jsonObject{"type": "string", "enum": []string{"ok"}}}}, contentTypeJSON))}}},
		"/readyz": jsonObject{"get": jsonObject{"tags": []string{"Service"}, "operationId": "getReady", "summary": "Whether the server can answer from its database.",
			"description": "200 when a read transaction succeeds, 503 otherwise.",
			"responses": oaMerge(jsonObject{"200": oaResponse("It can.", oaContent(jsonObject{"type": "object", "required": []string{"status"},
				"properties": jsonObject{"status": jsonObject{"type": "string", "enum": []string{"ready"}}}}, contentTypeJSON))}, problems("503"))}},
		"/metrics": jsonObject{"get": jsonObject{"tags": []string{"Service"}, "operationId": "getMetrics", "summary": "Request counts and latencies, and the database's size, for Prometheus.",
			"description": "The Prometheus text exposition format.",
			"responses":   jsonObject{"200": oaResponse("The metrics in the Prometheus text format.", oaContent(jsonObject{"type": "string"}, "text/plain"))}}},
	}
}

// oaAPIPaths are the paths under /api: the JSON API, downloads and writes;
// apiFilters are the names of its filter parameters.
func oaAPIPaths(apiFilters []string) jsonObject {
	geojsonCollection := func(description string) jsonObject {
		return oaResponse(description, oaContent(oaRef("schemas", "FeatureCollection"), data.ContentTypeGeoJSON))
	}
	filtered := []string{"400", "500", "503"}
	apiGet := func(tag, id, summary, description string, ok jsonObject, statuses []string, ps ...string) jsonObject {
		return jsonObject{"tags": []string{tag}, "operationId": id, "summary": summary, "description": description,
			"parameters": oaParams(ps...),
			"responses":  oaMerge(jsonObject{"200": ok}, problems(statuses...))}
	}
	secured := []jsonObject{{"bearerAuth": []string{}}}
	write := func(id, summary, description string, ok jsonObject, statuses []string, ps ...string) jsonObject {
		op := jsonObject{"tags": []string{"Editing"}, "operationId": id, "summary": summary, "description": description,
			"security": secured, "parameters": oaParams(ps...), "responses": oaMerge(ok, problems(statuses...))}
		return op
	}
	incidentBody := jsonObject{"required": true, "description": "The incident as a GeoJSON Feature (computed properties are ignored).",
		"content": oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON, contentTypeJSON)}
	etag := jsonObject{"ETag": oaRef("headers", "ETag")}
	exportResponse := func(mediaTypes ...string) jsonObject {
		c := jsonObject{}
		for _, mt := range mediaTypes {
			switch mt {
			case data.ContentTypeGeoJSON:
				c[mt] = jsonObject{"schema": oaRef("schemas", "FeatureCollection")}
			default:
				c[mt] = jsonObject{"schema": jsonObject{"type": "string"}}
			}
		}
		r := oaResponse("The incidents as a file, streamed; its name says the filter, e.g. dmz-incidents-1990-2025-crossing.csv.", c)
		r["headers"] = jsonObject{"Content-Disposition": oaRef("headers", "ContentDisposition")}
		return r
	}
	const exportDescription = "Every incident the filter selects, in date order, as a download. CSV has one row an incident with " +
		"lon and lat columns and the columns the import reads (so an export imports back to the same incidents), the sources in " +
		"source1_title, source1_url, … and more_sources. KML (for Google Earth) has one Placemark an incident listing its sources, " +
		"and the credits in the Document's description. A failure after the answer has started ends the file early: a truncated file."

	return jsonObject{
		"/api/incidents": jsonObject{
			"get": apiGet("Incidents", "getIncidents", "The incidents the filter selects.",
				"A GeoJSON FeatureCollection in date order, with numberMatched and numberReturned. Page with limit and offset.",
				geojsonCollection("The incidents."), filtered, append(apiFilters, "apiLimit", "offset")...),
			"post": write("createIncident", "Add an incident.", "Validated with the rules of the seed data.",
				jsonObject{"201": oaMerge(oaResponse("Created.", oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON)),
					jsonObject{"headers": oaMerge(jsonObject{"Location": oaRef("headers", "Location")}, etag)})},
				[]string{"400", "401", "403", "409", "413", "415", "422", "429", "500", "503"}, "changeReason"),
		},
		"/api/incidents/{id}": jsonObject{
			"get": apiGet("Incidents", "getIncident", "One incident.", "The incident as a GeoJSON Feature, with its ETag.",
				oaMerge(oaResponse("The incident.", oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON)), jsonObject{"headers": etag}),
				[]string{"404", "500", "503"}, "id"),
			"put": oaMerge(write("replaceIncident", "Replace an incident.", "The body is the whole incident; If-Match is its current ETag.",
				jsonObject{"200": oaMerge(oaResponse("Replaced.", oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON)), jsonObject{"headers": etag})},
				[]string{"400", "401", "403", "404", "412", "413", "415", "422", "428", "429", "500", "503"}, "id", "ifMatch", "changeReason"), jsonObject{"requestBody": incidentBody}),
			"patch": oaMerge(write("patchIncident", "Change some fields of an incident.", "A JSON Merge Patch (RFC 7396) of the Feature; If-Match is its current ETag.",
				jsonObject{"200": oaMerge(oaResponse("Changed.", oaContent(oaRef("schemas", "IncidentFeature"), data.ContentTypeGeoJSON)), jsonObject{"headers": etag})},
				[]string{"400", "401", "403", "404", "412", "413", "415", "422", "428", "429", "500", "503"}, "id", "ifMatch", "changeReason"),
				jsonObject{"requestBody": jsonObject{"required": true, "content": oaContent(jsonObject{"type": "object"}, ContentTypeMergePatch)}}),
			"delete": write("deleteIncident", "Delete an incident.", "It leaves every listing and export; its history keeps a tombstone.",
				jsonObject{"204": oaResponse("Deleted.", nil)},
				[]string{"400", "401", "403", "404", "412", "428", "429", "500", "503"}, "id", "ifMatch", "changeReason"),
		},
		"/api/incidents/{id}/history": jsonObject{"get": jsonObject{"tags": []string{"Incidents"}, "operationId": "getIncidentHistory",
			"summary": "The kept changes of an incident.", "description": "Each change with its time, what changed and the reason given; a deleted incident's history ends with its tombstone.",
			"parameters": oaParams("id"),
			"responses": oaMerge(jsonObject{"200": oaResponse("The revisions.", oaContent(jsonObject{"type": "object", "required": []string{"id", "revisions"},
				"properties": jsonObject{"id": jsonObject{"type": "string"}, "revisions": jsonObject{"type": "array", "items": oaRef("schemas", "Revision")}}}, contentTypeJSON))},
				problems("404", "500", "503"))}},
		"/api/mdl": jsonObject{"get": apiGet("Incidents", "getMDL", "The Military Demarcation Line.",
			"One GeoJSON LineString Feature, derived from OpenStreetMap (© OpenStreetMap contributors, ODbL).",
			oaResponse("The MDL.", oaContent(oaRef("schemas", "Feature"), data.ContentTypeGeoJSON)), []string{"500"})},
		"/api/dmz": jsonObject{"get": apiGet("Incidents", "getDMZ", "The DMZ band and its limit lines.",
			"The MDL offset 2 km to each side: the band as a Polygon and the northern and southern limits as LineStrings (computed, not surveyed).",
			geojsonCollection("The DMZ."), []string{"500"})},
		"/api/crossings": jsonObject{"get": apiGet("Incidents", "getCrossings", "The crossing points of the incidents the filter selects.",
			"Where each incident's route crosses the MDL, or the line's nearest point to its location (estimated). "+
				"The filter selects by the incident (its location for bbox); limit and offset count points.",
			geojsonCollection("The crossing points."), filtered, append(apiFilters, "apiLimit", "offset")...)},
		"/api/clusters": jsonObject{"get": apiGet("Incidents", "getClusters", "The incidents the filter selects, grouped in grid cells.",
			"One Point a cell holding incidents, with their count and counts by type; a cell of one incident carries its id. "+
				"numberMatched counts incidents, numberReturned cells.",
			geojsonCollection("The clusters."), filtered, append([]string{"cell"}, apiFilters...)...)},
		"/api/config": jsonObject{"get": apiGet("Service", "getConfig", "What this server allows and what its dataset spans.",
			"Whether writes are enabled (the server has a token), the years a query may name and the dataset's first and last, "+
				"the box [west, south, east, north] holding the MDL and every incident, the MDL's length, sectors and the JSA's "+
				"chainage in km, and the limits of one request. It takes no parameter.",
			oaResponse("The configuration.", oaContent(jsonObject{"type": "object"}, contentTypeJSON)), []string{"400", "500", "503"})},
		"/api/years": jsonObject{"get": apiGet("Incidents", "getYears", "Incidents per year and type.",
			"Counts of the incidents the filter selects, per year and type; first and last are null when none matches.",
			oaResponse("The counts.", oaContent(oaRef("schemas", "YearCounts"), contentTypeJSON)), filtered, apiFilters...)},
		"/api/export": jsonObject{"get": apiGet("Export", "export", "Download the incidents as GeoJSON, CSV or KML.", exportDescription,
			exportResponse(data.ContentTypeGeoJSON, data.ContentTypeCSV, data.ContentTypeKML), filtered, append(apiFilters, "exportLimit", "offset", "format")...)},
		"/api/export.geojson": jsonObject{"get": apiGet("Export", "exportGeoJSON", "Download the incidents as GeoJSON.", exportDescription,
			exportResponse(data.ContentTypeGeoJSON), filtered, append(apiFilters, "exportLimit", "offset")...)},
		"/api/export.csv": jsonObject{"get": apiGet("Export", "exportCSV", "Download the incidents as CSV.", exportDescription,
			exportResponse(data.ContentTypeCSV), filtered, append(apiFilters, "exportLimit", "offset")...)},
		"/api/export.kml": jsonObject{"get": apiGet("Export", "exportKML", "Download the incidents as KML.", exportDescription,
			exportResponse(data.ContentTypeKML), filtered, append(apiFilters, "exportLimit", "offset")...)},
		"/api/import": jsonObject{"post": oaMerge(write("importIncidents", "Import incidents, all or nothing.",
			"A GeoJSON FeatureCollection or a CSV with a header row (the export's columns), written in one transaction: "+
				"if any record is bad, nothing is written and the problem names every bad record by its index (row or feature), field and reason.",
			jsonObject{"200": oaResponse("Imported (or, in a dry run, would be).", oaContent(oaRef("schemas", "ImportResult"), contentTypeJSON))},
			[]string{"400", "401", "403", "409", "413", "415", "422", "429", "500", "503"}, "dryRun", "mode", "changeReason"),
			jsonObject{"requestBody": jsonObject{"required": true, "content": oaMerge(oaContent(oaRef("schemas", "FeatureCollection"), data.ContentTypeGeoJSON, contentTypeJSON),
				oaContent(jsonObject{"type": "string"}, "text/csv"))}})},
		"/api/openapi.json": jsonObject{"get": jsonObject{"tags": []string{"Service"}, "operationId": "getServiceAPI", "summary": "The OpenAPI 3.0 document of the whole service.",
			"description": "Every route: the JSON API, downloads, writes and OGC API – Features. /ogc/api describes OGC API – Features alone, relative to its base …/ogc.",
			"responses":   oaMerge(jsonObject{"200": oaResponse("The API definition.", oaContent(jsonObject{"type": "object"}, ContentTypeOpenAPI))}, problems("400"))}},
		"/api/backup": jsonObject{"get": write("backup", "A consistent copy of the database.",
			"A hot copy of the bbolt file, taken in one read transaction while the server runs.",
			jsonObject{"200": oaMerge(oaResponse("The database file.", oaContent(jsonObject{"type": "string", "format": "binary"}, "application/octet-stream")),
				jsonObject{"headers": jsonObject{"Content-Disposition": oaRef("headers", "ContentDisposition")}})},
			[]string{"401", "403", "500", "503"})},
	}
}

// oaOGCPaths are the paths of OGC API – Features under /ogc.
func oaOGCPaths() jsonObject {
	ogcJSON := func(description, schema string) jsonObject {
		return oaResponse(description, oaMerge(oaContent(oaRef("schemas", schema), contentTypeJSON), oaContent(jsonObject{"type": "string"}, "text/html")))
	}
	ogcParams := []string{"bbox", "datetime", "type", "direction", "sector", "filter", "filter-lang", "filter-crs", "sortby", "properties", "limit", "offset", "f"}
	const ignored = " It accepts the items' parameters too, and ignores them, so that a client may send its filter with every request " +
		"(GDAL's OAPIF driver does, for a connection URL with a query)."
	ogcGet := func(id, summary, description string, ok jsonObject, extra ...string) jsonObject {
		return jsonObject{"tags": []string{ogcTag}, "operationId": id, "summary": summary, "description": description,
			"parameters": oaParams(append(extra, ogcParams...)...),
			"responses":  oaMerge(jsonObject{"200": ok}, problems("400", "404", "500", "503"))}
	}

	return jsonObject{
		"/ogc": jsonObject{"get": ogcGet("getLanding", "The landing page.",
			"Links to the API definition, the conformance classes and the collections."+ignored,
			ogcJSON("The landing page.", "LandingPage"))},
		"/ogc/conformance": jsonObject{"get": ogcGet("getConformance", "The conformance classes the service meets.",
			"OGC API – Features Part 1: core, GeoJSON, HTML and OpenAPI 3.0."+ignored,
			ogcJSON("The conformance classes.", "ConfClasses"))},
		"/ogc/api": jsonObject{"get": ogcGet("getAPI", "This document.", "The OpenAPI 3.0 definition of the whole service (HTML with f=html)."+ignored,
			oaResponse("The API definition.", oaMerge(oaContent(jsonObject{"type": "object"}, ContentTypeOpenAPI), oaContent(jsonObject{"type": "string"}, "text/html"))))},
		"/ogc/api.html": jsonObject{"get": ogcGet("getAPIPage", "This document as a web page.", "The OpenAPI definition rendered as HTML."+ignored,
			oaResponse("The API documentation.", oaContent(jsonObject{"type": "string"}, "text/html")))},
		"/ogc/collections": jsonObject{"get": ogcGet("getCollections", "The collections: incidents, crossings and mdl.",
			"Each with its spatial and temporal extent, computed from the data."+ignored,
			ogcJSON("The collections.", "Collections"))},
		"/ogc/collections/{collectionId}": jsonObject{"get": ogcGet("describeCollection", "One collection.",
			"Its title, description, extent and links."+ignored,
			ogcJSON("The collection.", "Collection"), "collectionId")},
		"/ogc/collections/{collectionId}/items": jsonObject{"get": ogcGet("getFeatures", "The features of a collection.",
			"The features the filter selects, in date order, one page at a time: follow the `next` link, which keeps every other parameter, "+
				"until there is none. incidents and crossings take every filter; mdl has one feature, selected by bbox only.",
			oaResponse("A page of features.", oaMerge(oaContent(oaRef("schemas", "FeatureCollection"), data.ContentTypeGeoJSON), oaContent(jsonObject{"type": "string"}, "text/html"))),
			"collectionId")},
		"/ogc/collections/{collectionId}/queryables": jsonObject{"get": ogcGet("getQueryables", "The properties a filter may name.",
			"A JSON Schema of the properties filter may name and sortby may sort by (x-ogc-sortable)."+ignored,
			oaResponse("The queryables.", oaContent(jsonObject{"type": "object"}, contentTypeSchema)), "collectionId")},
		"/ogc/collections/{collectionId}/items/{featureId}": jsonObject{"get": ogcGet("getFeature", "One feature.",
			"The feature with its links."+ignored,
			oaResponse("The feature.", oaMerge(oaContent(oaRef("schemas", "Feature"), data.ContentTypeGeoJSON), oaContent(jsonObject{"type": "string"}, "text/html"))),
			"collectionId", "featureId")},
	}
}
