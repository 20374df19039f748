package server

import (
	"github.com/dmzmap/dmzmap/data"
)

// oaProblemResponses are the problem responses the operations refer to,
// by status.
func oaProblemResponses() obj {
	problem := oaRef("schemas", "Problem")
	problemResponse := func(description string) obj {
		return oaResponse(description, oaContent(problem, ContentTypeProblem))
	}
	return obj{
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
func oaSchemas() obj {
	types, directions := oaEnum(data.Types), oaEnum(data.Directions)
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	nullableInt := obj{"type": "integer", "nullable": true, "minimum": 0}
	return obj{
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
				"geometry":   obj{"type": "object", "nullable": true, "allOf": []obj{oaRef("schemas", "Geometry")}},
				"properties": obj{"type": "object", "nullable": true},
				"links":      obj{"type": "array", "items": oaRef("schemas", "Link")}}},
		"IncidentFeature": obj{"allOf": []obj{oaRef("schemas", "Feature"),
			obj{"type": "object", "properties": obj{"properties": oaRef("schemas", "IncidentProperties")}}}},
		"IncidentProperties": obj{"type": "object", "required": []string{"title", "type", "date", "location_precision_m", "summary", "sources", "confidence"},
			"properties": obj{
				"title": str, "type": obj{"type": "string", "enum": types},
				"date":           obj{"type": "string", "description": "YYYY-MM-DD, YYYY-MM or YYYY, as date_precision says."},
				"date_precision": obj{"type": "string", "enum": []string{"day", "month", "year"}},
				"date_start": obj{"type": "string", "format": "date", "readOnly": true,
					"description": "Under /ogc only: the first day of the period date names (1965-01-01 for 1965), a full date GIS clients can type."},
				"date_end": obj{"type": "string", "format": "date", "readOnly": true,
					"description": "Under /ogc only: the last day of the period date names (1965-12-31 for 1965). datetime selects the incidents whose date_start to date_end meets it."},
				"sources_text": obj{"type": "string", "readOnly": true,
					"description": "Under /ogc only: the sources as one line, each `title (publisher, published) url`, joined by ` | `."},
				"year":                 obj{"type": "integer", "readOnly": true},
				"location_precision_m": obj{"type": "number", "description": "The radius within which the true place lies, in metres."},
				"location_note":        str, "place": str,
				"path":      obj{"type": "object", "nullable": true, "allOf": []obj{oaRef("schemas", "Geometry")}, "description": "The tracked route, a LineString, if known."},
				"direction": obj{"type": "string", "enum": directions},
				"persons":   str, "persons_count": nullableInt,
				"casualties":       obj{"type": "object", "properties": obj{"killed": nullableInt, "wounded": nullableInt, "note": str}},
				"summary":          str,
				"title_ko":         obj{"type": "string", "description": "The title in Korean."},
				"summary_ko":       obj{"type": "string", "description": "The summary in Korean."},
				"place_ko":         obj{"type": "string", "description": "The place in Korean."},
				"persons_ko":       obj{"type": "string", "description": "The persons in Korean."},
				"location_note_ko": obj{"type": "string", "description": "The location note in Korean."},
				"note_ko":          obj{"type": "string", "description": "The note in Korean."},
				"disputes": obj{"type": "array", "description": "Where the sources disagree: one entry per contested field.",
					"items": obj{"type": "object", "required": []string{"field", "claims"}, "properties": obj{
						"field": obj{"type": "string", "enum": data.DisputeFields},
						"claims": obj{"type": "array", "minItems": 2, "items": obj{"type": "object", "required": []string{"value", "source"},
							"properties": obj{"value": str, "value_ko": str, "source": obj{"type": "integer", "minimum": 0, "description": "The index of the claim's source in sources."}}}},
						"note": str}}},
				"distinct_from": obj{"type": "array", "items": str, "description": "Ids of incidents of the same day and place that are separate events."},
				"sources": obj{"type": "array", "minItems": 1, "items": obj{"type": "object", "required": []string{"title", "url", "publisher"},
					"properties": obj{"title": str, "url": obj{"type": "string", "format": "uri"}, "publisher": str, "published": str}}},
				"confidence": obj{"type": "string", "enum": []string{"high", "medium", "low"}},
				"note":       str, "tags": obj{"type": "array", "items": str},
				"created":           obj{"type": "string", "format": "date-time", "readOnly": true},
				"updated":           obj{"type": "string", "format": "date-time", "readOnly": true},
				"distance_to_mdl_m": obj{"type": "number", "readOnly": true},
				"side_certain":      obj{"type": "boolean", "readOnly": true, "description": "false when location_precision_m exceeds distance_to_mdl_m: the incident may lie on either side of the line"},
				"side":              obj{"type": "string", "readOnly": true},
				"mdl_km":            obj{"type": "number", "readOnly": true},
				"sector":            obj{"type": "string", "readOnly": true},
				"in_dmz":            obj{"type": "boolean", "readOnly": true},
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
}
