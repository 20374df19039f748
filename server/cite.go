package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// The dataset's title, authors and license, as a citation names them.
const (
	datasetTitle   = "dmzmap: documented incidents along the Korean Demilitarized Zone"
	datasetAuthors = "dmzmap contributors"
	datasetLicense = "CC BY 4.0"
	licenseURL     = "https://creativecommons.org/licenses/by/4.0/"
)

// citation is what every format of a citation is made from: one incident,
// or the whole dataset when Incident is nil.
type citation struct {
	Incident *data.Incident
	URL      string
	Version  string    // the dataset version, if known
	Released string    // its date, YYYY-MM-DD
	Accessed time.Time // today
}

func (ct citation) title() string {
	if ct.Incident != nil {
		return ct.Incident.Title
	}
	return datasetTitle
}

// text is a plain citation, as a reader would paste it into a story.
func (ct citation) text() string {
	var b strings.Builder
	b.WriteString(datasetAuthors + ". ")
	if ct.Incident != nil {
		fmt.Fprintf(&b, "“%s” (%s). In: %s", ct.Incident.Title, ct.Incident.Date, datasetTitle)
	} else {
		b.WriteString(datasetTitle)
	}
	if ct.Version != "" {
		fmt.Fprintf(&b, ", dataset version %s", ct.Version)
		if ct.Released != "" {
			fmt.Fprintf(&b, " (%s)", ct.Released)
		}
	}
	fmt.Fprintf(&b, ". %s. Accessed %s. License: %s.", ct.URL, ct.Accessed.Format("2006-01-02"), datasetLicense)
	return b.String()
}

// bibtexEscape escapes the characters BibTeX and LaTeX treat specially.
func bibtexEscape(s string) string {
	r := strings.NewReplacer(`\`, `\textbackslash{}`, "{", `\{`, "}", `\}`, "&", `\&`, "%", `\%`,
		"$", `\$`, "#", `\#`, "_", `\_`, "~", `\textasciitilde{}`, "^", `\textasciicircum{}`)
	return r.Replace(s)
}

// bibtex is a @misc entry (biblatex reads its url and urldate).
func (ct citation) bibtex() string {
	key := "dmzmap"
	if ct.Incident != nil {
		key += ":" + ct.Incident.ID
	}
	if ct.Version != "" {
		key += ":" + ct.Version
	}
	year := ct.Accessed.Year()
	if len(ct.Released) >= 4 {
		fmt.Sscanf(ct.Released[:4], "%d", &year)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "@misc{%s,\n", key)
	fmt.Fprintf(&b, "  author       = {{%s}},\n", datasetAuthors)
	fmt.Fprintf(&b, "  title        = {{%s}},\n", bibtexEscape(ct.title()))
	if ct.Incident != nil {
		fmt.Fprintf(&b, "  howpublished = {In: %s},\n", bibtexEscape(datasetTitle))
	}
	fmt.Fprintf(&b, "  year         = {%d},\n", year)
	if ct.Version != "" {
		fmt.Fprintf(&b, "  version      = {%s},\n", ct.Version)
	}
	fmt.Fprintf(&b, "  url          = {%s},\n", ct.URL)
	fmt.Fprintf(&b, "  urldate      = {%s},\n", ct.Accessed.Format("2006-01-02"))
	fmt.Fprintf(&b, "  note         = {License: %s}\n}\n", datasetLicense)
	return b.String()
}

// cslJSON is a CSL-JSON item list of one item (Zotero, Pandoc and
// citeproc read it).
func (ct citation) cslJSON() ([]byte, error) {
	parts := func(t time.Time) map[string]any {
		return map[string]any{"date-parts": [][]int{{t.Year(), int(t.Month()), t.Day()}}}
	}
	item := map[string]any{
		"id":        "dmzmap",
		"type":      "dataset",
		"title":     ct.title(),
		"author":    []map[string]string{{"literal": datasetAuthors}},
		"publisher": "dmzmap",
		"URL":       ct.URL,
		"accessed":  parts(ct.Accessed),
		"license":   datasetLicense,
	}
	if ct.Incident != nil {
		item["id"] = "dmzmap-" + ct.Incident.ID
		item["container-title"] = datasetTitle
		if ct.Incident.Date.Precision() == data.PrecisionDay {
			d := ct.Incident.Date
			item["event-date"] = map[string]any{"date-parts": [][]int{{d.Year, d.Month, d.Day}}}
		}
	}
	if ct.Version != "" {
		item["version"] = ct.Version
	}
	if t, err := time.Parse("2006-01-02", ct.Released); err == nil {
		item["issued"] = parts(t)
	}
	return json.MarshalIndent([]any{item}, "", "  ")
}

// sendCitation answers with ct in the format= the request asks for.
func (s *Server) sendCitation(c *fiber.Ctx, ct citation) error {
	for k := range c.Queries() {
		if k != "format" {
			return data.InvalidParams(data.ParamError(k, "is not a parameter of this route, which takes format=text|bibtex|csl-json"))
		}
	}
	switch f := c.Query("format", "text"); f {
	case "text":
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.SendString(ct.text() + "\n")
	case "bibtex":
		c.Set(fiber.HeaderContentType, "application/x-bibtex; charset=utf-8")
		return c.SendString(ct.bibtex())
	case "csl-json":
		b, err := ct.cslJSON()
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/vnd.citationstyles.csl+json")
		return c.Send(b)
	default:
		return data.InvalidParams(data.ParamError("format", quote(f)+" is not a citation format: text, bibtex or csl-json"))
	}
}

// citationBase fills what every citation of this server shares.
func (s *Server) citationBase(url string) citation {
	d := datasetOf(s.store)
	return citation{URL: url, Version: d.Version, Released: d.Date, Accessed: s.now().UTC()}
}

// GET /api/incidents/{id}/cite
func (s *Server) handleIncidentCite(c *fiber.Ctx) error {
	in, err := s.incident(c)
	if err != nil {
		return err
	}
	ct := s.citationBase(s.incidentPage(c, in.ID))
	ct.Incident = in
	return s.sendCitation(c, ct)
}

// GET /api/cite
func (s *Server) handleCite(c *fiber.Ctx) error {
	return s.sendCitation(c, s.citationBase(s.baseURL(c)+"/"))
}

// incident reads the incident the path's :id names.
func (s *Server) incident(c *fiber.Ctx) (*data.Incident, error) {
	id := strings.Clone(c.Params("id"))
	notFound := data.NotFound("id", "no incident has the id "+quote(id))
	if !data.ValidID(id) {
		return nil, notFound
	}
	b, err := s.store.Feature(id)
	if data.ErrorKind(err) == data.KindNotFound {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	return data.DecodeFeature(b)
}
