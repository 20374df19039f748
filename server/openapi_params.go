package server

import (
	"fmt"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/geo"
)

// oaParameters are the parameters the operations refer to, by name;
// maxLimit is the largest page size of the paged routes.
func oaParameters(maxLimit int) jsonObject {
	defLimit := min(ogcDefaultLimit, maxLimit)
	types, directions := oaEnum(data.Types), oaEnum(data.Directions)
	sectorNames := oaEnum(geo.Sectors)
	collectionIDs := make([]string, len(ogcCollections))
	for i, ci := range ogcCollections {
		collectionIDs[i] = ci.id
	}

	return jsonObject{
		"collectionId": jsonObject{"name": "collectionId", "in": "path", "required": true, "description": "The collection.",
			"schema": jsonObject{"type": "string", "enum": collectionIDs}},
		"featureId": jsonObject{"name": "featureId", "in": "path", "required": true,
			"description": "The feature: an incident's id in incidents, the incident's id with `-x1`, `-x2`, … in crossings, `mdl` in mdl.",
			"schema":      jsonObject{"type": "string"}},
		"id": jsonObject{"name": "id", "in": "path", "required": true, "description": "The incident's id, like `2017-11-13-jsa-defection`.",
			"schema": jsonObject{"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{2,79}$"}},
		"bbox": jsonObject{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Selects the features inside a box: `minLon,minLat,maxLon,maxLat` in degrees, WGS 84 longitude and latitude " +
				"(CRS84), edges included, e.g. `126.5,37.7,127.5,38.4`; or 6 numbers `minLon,minLat,minHeight,maxLon,maxLat,maxHeight`, " +
				"whose heights are ignored (the features have none). A box whose west edge is east of its east edge crosses the " +
				"antimeridian (`177,65,-177,70`) and selects on both sides of it. " +
				"`bbox-crs` is not implemented: giving it is a 400. On /api/crossings the box selects by the incident's location; " +
				"on the OGC crossings collection by the crossing point itself; the MDL is selected when the box meets the line.",
			"schema": jsonObject{"type": "array", "minItems": 4, "maxItems": 6,
				"oneOf": []jsonObject{{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}},
				"items": jsonObject{"type": "number"}}},
		"datetime": oaMerge(queryParam("datetime", datetimeDescription, jsonObject{"type": "string"}), jsonObject{"style": "form", "explode": false}),
		"type":     listParam("type", "Selects incidents (and their crossing points) of these types, comma-separated, e.g. `crossing,shooting`.", types),
		"direction": listParam("direction", "Selects incidents of these directions over the MDL, comma-separated. "+
			"On the OGC crossings collection, the direction of each crossing point.", directions),
		"sector": listParam("sector", "Selects incidents placed in these sectors of the MDL, comma-separated. "+
			"On the OGC crossings collection, the sector of each crossing point.", sectorNames),
		"km": jsonObject{"name": "km", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Selects the incidents placed along a stretch of the MDL: `FROM,TO` in km of chainage (`mdl_km`) from the line's " +
				"western end (0) towards the East Sea (about 237.5), inclusive, e.g. `km=10,40`. Two numbers, 0 <= FROM <= TO <= 1000. " +
				"On /api/crossings it selects by the incident's chainage.",
			"schema": jsonObject{"type": "array", "minItems": 2, "maxItems": 2, "items": jsonObject{"type": "number", "minimum": 0, "maximum": data.MaxKm}}},
		"limit": oaMerge(jsonObject{"style": "form", "explode": false}, queryParam("limit", fmt.Sprintf("The most features in one page: %d unless given, at most %d. "+
			"A larger limit is clamped to %d; 0, a negative number or anything but a whole number is a 400. "+
			"Follow the `next` link for the next page.", defLimit, maxLimit, maxLimit),
			jsonObject{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": defLimit})),
		"filter": queryParam("filter", "Selects the features a CQL2 filter (OGC Common Query Language) holds true for, in the language filter-lang says: "+
			"the text encoding (`type = 'crossing' AND date >= '2017-01-01'`) or the JSON one. Comparisons, AND, OR, NOT, LIKE, BETWEEN, IN, IS NULL "+
			"on the collection's queryables (/ogc/collections/{collectionId}/queryables), S_INTERSECTS of `geometry` with POINT, LINESTRING, POLYGON, "+
			"their MULTI forms and BBOX, and the temporal functions (T_INTERSECTS, T_BEFORE, T_AFTER, …) of `date` with DATE, TIMESTAMP and INTERVAL. "+
			"A date compares with a string as its text, which orders as the date does (1965 < 1965-06 < 1965-06-15); the temporal functions take it as "+
			"the period it names (date_start to date_end). What maps onto the index (type, direction, sector, date, a box) is selected there; the rest "+
			"is evaluated on each candidate. A malformed filter is a 400 whose message gives the position of the error.",
			jsonObject{"type": "string"}),
		"filter-lang": queryParam("filter-lang", "The language of filter.", jsonObject{"type": "string", "enum": []string{"cql2-text", "cql2-json"}, "default": "cql2-text"}),
		"filter-crs":  queryParam("filter-crs", "The CRS of the geometries in filter: CRS84 only.", jsonObject{"type": "string", "enum": []string{crs84}, "default": crs84}),
		"sortby": oaMerge(jsonObject{"style": "form", "explode": false}, queryParam("sortby", "Sorts the features by these queryables, comma-separated, "+
			"each ascending or, with a leading `-`, descending (`+` or nothing for ascending), e.g. `-date` or `mdl_km,date`; the queryables "+
			"marked x-ogc-sortable can be. Without sortby, the features come in date order (as sortby=date). Features with no value sort last.",
			jsonObject{"type": "array", "items": jsonObject{"type": "string", "pattern": "^[+-]?[a-z_]+$"}})),
		"properties": oaMerge(jsonObject{"style": "form", "explode": false}, queryParam("properties", "Keeps only these properties of each feature, "+
			"comma-separated (e.g. `title,date`); the id and the geometry stay.", jsonObject{"type": "array", "items": jsonObject{"type": "string"}})),
		"offset": queryParam("offset", "How many matching features to skip before the page starts; the `next` and `prev` links set it.",
			jsonObject{"type": "integer", "minimum": 0, "default": 0}),
		"f": queryParam("f", "The format of the answer: `json` (GeoJSON for features) or `html`. "+
			"Without f, the Accept header chooses: HTML when it prefers text/html, JSON otherwise.",
			jsonObject{"type": "string", "enum": []string{"json", "html"}}),
		"year": queryParam("year", "Selects the incidents of one year, from 1953 to the current year; not with from or to.",
			jsonObject{"type": "integer", "minimum": data.FirstYear}),
		"from": queryParam("from", "Selects the incidents from this year on (inclusive).", jsonObject{"type": "integer", "minimum": data.FirstYear}),
		"to":   queryParam("to", "Selects the incidents up to this year (inclusive).", jsonObject{"type": "integer", "minimum": data.FirstYear}),
		"q": queryParam("q", "Selects the incidents whose title, summary or place, in English or Korean, holds every word given, ignoring case.",
			jsonObject{"type": "string", "maxLength": data.MaxText}),
		"apiLimit": queryParam("limit", fmt.Sprintf("The most features in one answer: %d unless given, at most %d (a larger limit is clamped); "+
			"0 or anything but a whole number is a 400.", maxLimit, maxLimit),
			jsonObject{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": maxLimit}),
		"exportLimit": queryParam("limit", "The most incidents to export; all of them unless given.",
			jsonObject{"type": "integer", "minimum": 1}),
		"format": queryParam("format", "The file format: GeoJSON, CSV (the columns the import reads) or KML.",
			jsonObject{"type": "string", "enum": data.ExportFormats, "default": data.ExportFormats[0]}),
		"ifMatch": jsonObject{"name": "If-Match", "in": "header", "required": true,
			"description": "The incident's current ETag, from its GET or the last write (or `*`); without it the answer is a 428, with a stale one a 412.",
			"schema":      jsonObject{"type": "string"}},
		"changeReason": jsonObject{"name": HeaderChangeReason, "in": "header", "required": false,
			"description": fmt.Sprintf("A short reason for the change, kept in the history: UTF-8, at most %d characters; a percent-encoded value is decoded.", data.MaxReason),
			"schema":      jsonObject{"type": "string"}},
		"cell": jsonObject{"name": "cell", "in": "query", "required": true, "description": "The side of a grid cell, in degrees.",
			"schema": jsonObject{"type": "number", "minimum": minCell, "maximum": maxCell}},
		"dryRun": queryParam("dry_run", "Validate and check the import, and write nothing.", jsonObject{"type": "boolean", "default": false}),
		"mode": queryParam("mode", "`create` refuses ids already stored; `upsert` creates or replaces by id.",
			jsonObject{"type": "string", "enum": []string{string(data.ModeCreate), string(data.ModeUpsert)}, "default": string(data.ModeCreate)}),
	}
}
