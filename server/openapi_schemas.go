package server

import (
	"github.com/dmzmap/dmzmap/data"
)

// oaProblemResponses are the problem responses the operations refer to,
// by status.
func oaProblemResponses() jsonObject {
	problem := oaRef("schemas", "Problem")
	problemResponse := func(description string) jsonObject {
		return oaResponse(description, oaContent(problem, ContentTypeProblem))
	}
	return jsonObject{
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
}

// oaSchemas are the schemas the operations refer to, by name.
func oaSchemas() jsonObject {
	types, directions := oaEnum(data.Types), oaEnum(data.Directions)
	str := jsonObject{"type": "string"}
	integer := jsonObject{"type": "integer"}
	nullableInt := jsonObject{"type": "integer", "nullable": true, "minimum": 0}
	return jsonObject{
		"Problem": jsonObject{"type": "object", "description": "RFC 9457 problem details.",
			"required": []string{"type", "title", "status", "detail", "errors"},
			"properties": jsonObject{"type": str, "title": str, "status": integer, "detail": str,
				"errors": jsonObject{"type": "array", "items": jsonObject{"type": "object", "required": []string{"message"},
					"properties": jsonObject{"parameter": str, "field": str, "index": integer, "message": str}}}}},
		"Link": jsonObject{"type": "object", "required": []string{"href", "rel"},
			"properties": jsonObject{"href": jsonObject{"type": "string", "format": "uri"}, "rel": str, "type": str, "title": str}},
		"LandingPage": jsonObject{"type": "object", "required": []string{"links"},
			"properties": jsonObject{"title": str, "description": str, "attribution": str, "links": jsonObject{"type": "array", "items": oaRef("schemas", "Link")}}},
		"ConfClasses": jsonObject{"type": "object", "required": []string{"conformsTo"},
			"properties": jsonObject{"conformsTo": jsonObject{"type": "array", "items": str}, "links": jsonObject{"type": "array", "items": oaRef("schemas", "Link")}}},
		"Collections": jsonObject{"type": "object", "required": []string{"links", "collections"},
			"properties": jsonObject{"links": jsonObject{"type": "array", "items": oaRef("schemas", "Link")}, "collections": jsonObject{"type": "array", "items": oaRef("schemas", "Collection")}}},
		"Collection": jsonObject{"type": "object", "required": []string{"id", "links"},
			"properties": jsonObject{"id": str, "title": str, "description": str, "attribution": str, "itemType": str,
				"crs": jsonObject{"type": "array", "items": str}, "extent": oaRef("schemas", "Extent"),
				"links": jsonObject{"type": "array", "items": oaRef("schemas", "Link")}}},
		"Extent": jsonObject{"type": "object", "properties": jsonObject{
			"spatial": jsonObject{"type": "object", "properties": jsonObject{
				"bbox": jsonObject{"type": "array", "minItems": 1, "items": jsonObject{"type": "array", "minItems": 4, "maxItems": 4, "items": jsonObject{"type": "number"}}},
				"crs":  str}},
			"temporal": jsonObject{"type": "object", "description": "From the first to the last date in the data; a date known only to the month or year as its first day.",
				"properties": jsonObject{
					"interval": jsonObject{"type": "array", "minItems": 1, "items": jsonObject{"type": "array", "minItems": 2, "maxItems": 2,
						"items": jsonObject{"type": "string", "format": "date-time", "nullable": true}}},
					"trs": str}}}},
		"Geometry": jsonObject{"type": "object", "description": "A GeoJSON geometry in longitude, latitude (WGS 84).", "required": []string{"type", "coordinates"},
			"properties": jsonObject{"type": jsonObject{"type": "string", "enum": []string{"Point", "LineString", "Polygon"}}, "coordinates": jsonObject{"type": "array", "items": jsonObject{}}}},
		"Feature": jsonObject{"type": "object", "required": []string{"type", "geometry", "properties"},
			"properties": jsonObject{"type": jsonObject{"type": "string", "enum": []string{"Feature"}}, "id": str,
				"geometry":   jsonObject{"type": "object", "nullable": true, "allOf": []jsonObject{oaRef("schemas", "Geometry")}},
				"properties": jsonObject{"type": "object", "nullable": true},
				"links":      jsonObject{"type": "array", "items": oaRef("schemas", "Link")}}},
		"IncidentFeature": jsonObject{"allOf": []jsonObject{oaRef("schemas", "Feature"),
			jsonObject{"type": "object", "properties": jsonObject{"properties": oaRef("schemas", "IncidentProperties")}}}},
		"IncidentProperties": jsonObject{"type": "object", "required": []string{"title", "type", "date", "location_precision_m", "summary", "sources", "confidence"},
			"properties": jsonObject{
				"title": str, "type": jsonObject{"type": "string", "enum": types},
				"date":           jsonObject{"type": "string", "description": "YYYY-MM-DD, YYYY-MM or YYYY, as date_precision says."},
				"date_precision": jsonObject{"type": "string", "enum": []string{"day", "month", "year"}},
				"date_start": jsonObject{"type": "string", "format": "date", "readOnly": true,
					"description": "Under /ogc only: the first day of the period date names (1965-01-01 for 1965), a full date GIS clients can type."},
				"date_end": jsonObject{"type": "string", "format": "date", "readOnly": true,
					"description": "Under /ogc only: the last day of the period date names (1965-12-31 for 1965). datetime selects the incidents whose date_start to date_end meets it."},
				"sources_text": jsonObject{"type": "string", "readOnly": true,
					"description": "Under /ogc only: the sources as one line, each `title (publisher, published) url`, joined by ` | `."},
				"year":                 jsonObject{"type": "integer", "readOnly": true},
				"location_precision_m": jsonObject{"type": "number", "description": "The radius within which the true place lies, in metres."},
				"location_note":        str, "place": str,
				"path":      jsonObject{"type": "object", "nullable": true, "allOf": []jsonObject{oaRef("schemas", "Geometry")}, "description": "The tracked route, a LineString, if known."},
				"direction": jsonObject{"type": "string", "enum": directions},
				"persons":   str, "persons_count": nullableInt,
				"casualties":       jsonObject{"type": "object", "properties": jsonObject{"killed": nullableInt, "wounded": nullableInt, "note": str}},
				"summary":          str,
				"title_ko":         jsonObject{"type": "string", "description": "The title in Korean."},
				"summary_ko":       jsonObject{"type": "string", "description": "The summary in Korean."},
				"place_ko":         jsonObject{"type": "string", "description": "The place in Korean."},
				"persons_ko":       jsonObject{"type": "string", "description": "The persons in Korean."},
				"location_note_ko": jsonObject{"type": "string", "description": "The location note in Korean."},
				"note_ko":          jsonObject{"type": "string", "description": "The note in Korean."},
				"disputes": jsonObject{"type": "array", "description": "Where the sources disagree: one entry per contested field.",
					"items": jsonObject{"type": "object", "required": []string{"field", "claims"}, "properties": jsonObject{
						"field": jsonObject{"type": "string", "enum": data.DisputeFields},
						"claims": jsonObject{"type": "array", "minItems": 2, "items": jsonObject{"type": "object", "required": []string{"value", "source"},
							"properties": jsonObject{"value": str, "value_ko": str, "source": jsonObject{"type": "integer", "minimum": 0, "description": "The index of the claim's source in sources."}}}},
						"note": str}}},
				"distinct_from": jsonObject{"type": "array", "items": str, "description": "Ids of incidents of the same day and place that are separate events."},
				"sources": jsonObject{"type": "array", "minItems": 1, "items": jsonObject{"type": "object", "required": []string{"title", "url", "publisher"},
					"properties": jsonObject{"title": str, "url": jsonObject{"type": "string", "format": "uri"}, "publisher": str, "published": str}}},
				"confidence": jsonObject{"type": "string", "enum": []string{"high", "medium", "low"}},
				"note":       str, "tags": jsonObject{"type": "array", "items": str},
				"created":           jsonObject{"type": "string", "format": "date-time", "readOnly": true},
				"updated":           jsonObject{"type": "string", "format": "date-time", "readOnly": true},
				"distance_to_mdl_m": jsonObject{"type": "number", "readOnly": true},
				"side_certain":      jsonObject{"type": "boolean", "readOnly": true, "description": "false when location_precision_m exceeds distance_to_mdl_m: the incident may lie on either side of the line"},
				"side":              jsonObject{"type": "string", "readOnly": true},
				"mdl_km":            jsonObject{"type": "number", "readOnly": true},
				"sector":            jsonObject{"type": "string", "readOnly": true},
				"in_dmz":            jsonObject{"type": "boolean", "readOnly": true},
			}},
		"FeatureCollection": jsonObject{"type": "object", "required": []string{"type", "features"},
			"properties": jsonObject{"type": jsonObject{"type": "string", "enum": []string{"FeatureCollection"}},
				"features":       jsonObject{"type": "array", "items": oaRef("schemas", "Feature")},
				"numberMatched":  jsonObject{"type": "integer", "minimum": 0},
				"numberReturned": jsonObject{"type": "integer", "minimum": 0},
				"timeStamp":      jsonObject{"type": "string", "format": "date-time"},
				"links":          jsonObject{"type": "array", "items": oaRef("schemas", "Link")},
				"attribution":    str,
				"dataset": jsonObject{"type": "object", "description": "The version of the dataset served, so that a citation can pin it.",
					"properties": jsonObject{"version": str, "date": jsonObject{"type": "string", "format": "date"}}}}},
		"YearCounts": jsonObject{"type": "object", "required": []string{"years", "first", "last", "total"},
			"properties": jsonObject{"years": jsonObject{"type": "array", "items": jsonObject{"type": "object",
				"properties": jsonObject{"year": integer, "total": integer, "by_type": jsonObject{"type": "object", "additionalProperties": integer}}}},
				"first": jsonObject{"type": "integer", "nullable": true}, "last": jsonObject{"type": "integer", "nullable": true}, "total": integer}},
		"Revision": jsonObject{"type": "object", "properties": jsonObject{"rev": integer, "time": jsonObject{"type": "string", "format": "date-time"},
			"action": jsonObject{"type": "string", "enum": []string{string(data.ActionCreate), string(data.ActionUpdate), string(data.ActionDelete)}},
			"reason": str, "changed": jsonObject{"type": "array", "items": str}, "etag": str, "feature": oaRef("schemas", "IncidentFeature")}},
		"ImportResult": jsonObject{"type": "object", "properties": jsonObject{"created": integer, "updated": integer, "dry_run": jsonObject{"type": "boolean"}}},
	}
}
