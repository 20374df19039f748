package server

// publishPaths describes the routes that publish and share the data: the
// incident pages, map images, citations, feeds and the event stream.
// filters are the names of the API's filter parameters.
func publishPaths(filters []string) jsonObject {
	str := jsonObject{"type": "string"}
	size := func(name string, def int) jsonObject {
		return queryParam(name, "The image's "+name+" in pixels.", jsonObject{"type": "integer", "minimum": 64, "maximum": 4000, "default": def})
	}
	id := oaRef("parameters", "id")
	get := func(tag, opID, summary, description string, ok jsonObject, params []jsonObject, statuses ...string) jsonObject {
		return jsonObject{"get": jsonObject{"tags": []string{tag}, "operationId": opID, "summary": summary, "description": description,
			"parameters": params, "responses": oaMerge(jsonObject{"200": ok}, problems(statuses...))}}
	}
	png := oaResponse("A PNG image.", oaContent(jsonObject{"type": "string", "format": "binary"}, ContentTypePNG))
	citeFormat := queryParam("format", "text, bibtex or csl-json.", jsonObject{"type": "string", "enum": []string{"text", "bibtex", "csl-json"}, "default": "text"})
	cite := oaResponse("The citation.", oaContent(str, "text/plain", "application/x-bibtex", "application/vnd.citationstyles.csl+json"))
	return jsonObject{
		"/incidents/{id}": get("Publishing", "getIncidentPage", "An incident's own page.",
			"HTML rendered on the server, without script: the facts, sources, disagreements, precision, a map image, a citation, "+
				"a canonical link, Open Graph and Twitter card tags and JSON-LD (schema.org Event).",
			oaResponse("The page.", oaContent(str, "text/html")), []jsonObject{id}, "404", "500"),
		"/api/incidents/{id}/map.png": get("Publishing", "getIncidentMap", "A map image of one incident.",
			"The incident ringed, with its precision circle, on the offline basemap with the DMZ and the MDL; the attribution is in the image.",
			png, []jsonObject{id, size("width", 1200), size("height", 630)}, "400", "404", "500"),
		"/api/map.png": get("Publishing", "getMap", "A map image of the incidents a filter selects.",
			"At most 20,000 incidents are drawn; the caption says how many matched.",
			png, append(oaParams(filters...), size("width", 1200), size("height", 800)), "400", "500"),
		"/api/incidents/{id}/cite": get("Publishing", "citeIncident", "A citation of one incident.",
			"Title, dataset version, URL, access date and license (CC BY 4.0).", cite, []jsonObject{id, citeFormat}, "400", "404"),
		"/api/cite": get("Publishing", "citeDataset", "A citation of the dataset.", "Title, version, URL, access date and license (CC BY 4.0).",
			cite, []jsonObject{citeFormat}, "400"),
		"/api/feed.atom": get("Publishing", "getFeedAtom", "The newest added and changed incidents, as Atom.",
			"The 50 newest changes the filter selects, each incident once, linking to its page.",
			oaResponse("The feed.", oaContent(str, "application/atom+xml")), oaParams(filters...), "400", "500"),
		"/api/feed.json": get("Publishing", "getFeedJSON", "The newest added and changed incidents, as JSON Feed 1.1.",
			"The 50 newest changes the filter selects, each incident once, linking to its page.",
			oaResponse("The feed.", oaContent(jsonObject{"type": "object"}, "application/feed+json")), oaParams(filters...), "400", "500"),
		"/api/events": get("Publishing", "getEvents", "Server-Sent Events of every change.",
			"Each created, updated or deleted incident as an event `change` whose id is the change log's sequence number; "+
				"Last-Event-ID resumes; a comment every 10 s; at most 32 streams a client address (429 past that).",
			oaResponse("The stream.", oaContent(str, "text/event-stream")),
			[]jsonObject{{"name": "Last-Event-ID", "in": "header", "required": false, "schema": str,
				"description": "The id of the last event received, to get the ones missed."}}, "400", "429", "503"),
	}
}
