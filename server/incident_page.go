package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// incidentView is what the page of one incident shows.
type incidentView struct {
	ID, Title, TitleKo, Summary, SummaryKo, Place, PlaceKo string
	Type, TypeName, Date, DateText, DatePrecision          string
	Direction, Persons, Casualties, Confidence, Note       string
	Lat, Lon, Precision, LocationNote, Against             string
	Created, Updated                                       string
	Sources                                                []data.Source
	Disputes                                               []disputeView
	Base, URL, MapLink, GeoJSON, Image, ImageAlt, CSS      string
	Description, Citation                                  string
	JSONLD                                                 any
}

// disputeView is one field the sources disagree on.
type disputeView struct {
	Field, Note string
	Claims      []struct{ Value, Source string }
}

// computedProps are the properties the store adds to a stored Feature.
type computedProps struct {
	DistanceM float64 `json:"distance_to_mdl_m"`
	Side      string  `json:"side"`
	MdlKm     float64 `json:"mdl_km"`
	Sector    string  `json:"sector"`
	InDMZ     bool    `json:"in_dmz"`
}

var directionWords = map[data.Direction]string{
	data.NorthToSouth: "north to south", data.SouthToNorth: "south to north",
}

// precisionText says a radius in metres as a reader says it.
func precisionText(m float64) string {
	if m >= 1000 {
		return fmt.Sprintf("about %g km", float64(int(m/100+0.5))/10)
	}
	return fmt.Sprintf("about %g m", m)
}

func casualtiesText(c data.Casualties) string {
	count := func(n *int, what string) string {
		if n == nil {
			return what + " unknown"
		}
		return fmt.Sprintf("%d %s", *n, what)
	}
	s := count(c.Killed, "killed") + ", " + count(c.Wounded, "wounded")
	if c.Note != "" {
		s += ": " + c.Note
	}
	return s
}

// against says where an incident lies against the MDL, and how sure that
// is given its precision.
func against(p computedProps, precisionM float64) string {
	if p.Sector == "jsa" {
		p.Sector = "JSA"
	}
	where := fmt.Sprintf("%s of the line, %.1f km from it, %.1f km along it from its western end, %s sector",
		p.Side, p.DistanceM/1000, p.MdlKm, p.Sector)
	if p.Side == "on_line" {
		where = fmt.Sprintf("on the line, %.1f km along it, %s sector", p.MdlKm, p.Sector)
	}
	if precisionM > p.DistanceM {
		where = fmt.Sprintf("within %s of the MDL, so which side is uncertain; about %.0f km along the line, %s sector",
			precisionText(precisionM), p.MdlKm, p.Sector)
	}
	if p.InDMZ {
		where += "; inside the DMZ"
	}
	return where
}

// description is the summary cut to what a link preview shows.
func description(s string) string {
	r := []rune(s)
	if len(r) <= 200 {
		return s
	}
	cut := string(r[:197])
	if i := strings.LastIndex(cut, " "); i > 120 {
		cut = cut[:i]
	}
	return cut + "…"
}

// GET /incidents/{id}
func (s *Server) handleIncidentPage(c *fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	var b []byte
	err := data.NotFound("id", "no incident has the id "+quote(id))
	if data.ValidID(id) {
		var ferr error
		b, ferr = s.store.Feature(id)
		if ferr != nil && data.ErrorKind(ferr) != data.KindNotFound {
			return ferr
		}
	}
	if b == nil {
		if c.Accepts(fiber.MIMEApplicationJSON, "text/html") != "text/html" {
			return err // a problem, as every error of the API
		}
		c.Status(http.StatusNotFound)
		c.Set(fiber.HeaderContentType, contentTypeHTML)
		return c.SendString("<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not found · dmzmap</title>" +
			"<p>" + html.EscapeString(err.Message) + ". <a href=\"/\">The map</a> lists every incident.</p></html>\n")
	}
	in, derr := data.DecodeFeature(b)
	if derr != nil {
		return derr
	}
	var props struct {
		Properties computedProps `json:"properties"`
	}
	json.Unmarshal(b, &props)
	base := s.baseURL(c)
	page := s.incidentPage(c, id)
	v := incidentView{
		ID: in.ID, Title: in.Title, Summary: in.Summary, Place: in.Place,
		Type: string(in.Type), TypeName: strings.ToUpper(string(in.Type[:1])) + string(in.Type[1:]),
		Date: in.Date.String(), DateText: dateText(in.Date), DatePrecision: string(in.Date.Precision()),
		Direction: directionWords[in.Direction], Persons: in.Persons, Casualties: casualtiesText(in.Casualties),
		Confidence: string(in.Confidence), Note: in.Note,
		Lat: fmt.Sprintf("%.4f", in.Location[1]), Lon: fmt.Sprintf("%.4f", in.Location[0]),
		Precision: precisionText(in.LocationPrecisionM), LocationNote: in.LocationNote,
		Against: against(props.Properties, in.LocationPrecisionM),
		Created: in.Created.UTC().Format("2 January 2006"), Updated: in.Updated.UTC().Format("2 January 2006"),
		Sources: in.Sources, Base: base, URL: page, MapLink: base + "/?sel=" + in.ID, GeoJSON: base + "/api/incidents/" + in.ID,
		Image: base + "/api/incidents/" + in.ID + "/map.png", ImageAlt: "Map of where the incident took place, against the MDL",
		CSS: "/static/incident.css", Description: description(in.Summary),
	}
	v.TitleKo, v.SummaryKo, v.PlaceKo = in.TitleKo, in.SummaryKo, in.PlaceKo
	for _, d := range in.Disputes {
		dv := disputeView{Field: d.Field, Note: d.Note}
		for _, cl := range d.Claims {
			src := fmt.Sprintf("source %d", cl.Source+1)
			if cl.Source >= 0 && cl.Source < len(in.Sources) {
				src = in.Sources[cl.Source].Publisher
			}
			dv.Claims = append(dv.Claims, struct{ Value, Source string }{cl.Value, src})
		}
		v.Disputes = append(v.Disputes, dv)
	}
	if p := s.loadPage(); p.version != "" {
		v.CSS = "/static/v-" + p.version + "/incident.css"
	}
	ct := s.citationBase(page)
	ct.Incident = in
	v.Citation = ct.text()
	v.JSONLD = incidentJSONLD(in, page, v.Image)
	var out bytes.Buffer
	if err := pages.ExecuteTemplate(&out, "incident.html", v); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentTypeHTML)
	c.Set(fiber.HeaderCacheControl, cacheRevalidate)
	c.Set(fiber.HeaderETag, data.ETag(out.Bytes()))
	return c.Send(out.Bytes())
}

// incidentJSONLD is the schema.org Event a search engine reads from the
// page.
func incidentJSONLD(in *data.Incident, page, image string) map[string]any {
	var cites []map[string]any
	for _, src := range in.Sources {
		c := map[string]any{"@type": "CreativeWork", "name": src.Title, "url": src.URL,
			"publisher": map[string]any{"@type": "Organization", "name": src.Publisher}}
		if src.Published != "" {
			c["datePublished"] = src.Published
		}
		cites = append(cites, c)
	}
	return map[string]any{
		"@context": "https://schema.org", "@type": "Event", "@id": page, "url": page,
		"name": in.Title, "description": in.Summary, "startDate": in.Date.String(), "image": image,
		"eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
		"location": map[string]any{"@type": "Place", "name": in.Place,
			"geo": map[string]any{"@type": "GeoCoordinates", "latitude": in.Location[1], "longitude": in.Location[0]}},
		"citation": cites,
		"isPartOf": map[string]any{"@type": "Dataset", "name": datasetTitle, "license": licenseURL},
	}
}

// dateText writes a date at its precision as a reader reads it.
func dateText(d data.Date) string {
	months := []string{"", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	switch d.Precision() {
	case data.PrecisionYear:
		return fmt.Sprintf("%d", d.Year)
	case data.PrecisionMonth:
		return fmt.Sprintf("%s %d", months[d.Month], d.Year)
	}
	return fmt.Sprintf("%d %s %d", d.Day, months[d.Month], d.Year)
}
