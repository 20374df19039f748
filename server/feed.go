package server

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// Feeds list the newest added and changed incidents, newest first.
const (
	ContentTypeAtom     = "application/atom+xml; charset=utf-8"
	ContentTypeJSONFeed = "application/feed+json; charset=utf-8"
	feedSize            = 50
	feedTitle           = "dmzmap: incidents along the Korean DMZ"
)

// changeLog is what the feed and the event stream need of the store: the
// log of its writes. *data.Store has it.
type changeLog interface {
	Changes(after uint64, limit int) ([]data.Change, error)
	RecentChanges(limit int, keep func(data.Change) bool) ([]data.Change, error)
	LastChange() (uint64, error)
}

// feedEntry is one incident of a feed.
type feedEntry struct {
	change data.Change
	in     *data.Incident
}

// feedEntries returns the newest changes the filter of q selects, each
// incident once with its current record; deleted incidents drop out.
func (s *Server) feedEntries(q query) ([]feedEntry, error) {
	log, ok := s.store.(changeLog)
	if !ok {
		return nil, &data.Error{Kind: data.KindNotFound, Message: "this server keeps no change log to make a feed of"}
	}
	var entries []feedEntry
	var ferr error
	_, err := log.RecentChanges(feedSize, func(ch data.Change) bool {
		if ch.Action == data.ActionDelete || ferr != nil {
			return false
		}
		b, err := s.store.Feature(ch.ID)
		if err != nil {
			if data.ErrorKind(err) != data.KindNotFound {
				ferr = err
			}
			return false
		}
		if !q.filter.MatchFeature(b) {
			return false
		}
		in, err := data.DecodeFeature(b)
		if err != nil {
			ferr = err
			return false
		}
		entries = append(entries, feedEntry{ch, in})
		return true
	})
	if err == nil {
		err = ferr
	}
	return entries, err
}

// incidentPage is the URL of an incident's own page.
func (s *Server) incidentPage(c *fiber.Ctx, id string) string {
	return s.baseURL(c) + "/incidents/" + id
}

// baseURL is the scheme and host links are written with: Config.PublicURL
// when it is set.
func (s *Server) baseURL(c *fiber.Ctx) string { return href(c, "", "") }

// pageQuery is the request's query string, for the page's links that
// keep its filters ("" or "?…").
func pageQuery(c *fiber.Ctx) string {
	if q := string(c.Request().URI().QueryString()); q != "" {
		return "?" + q
	}
	return ""
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string         `xml:"id"`
	Title     atomText       `xml:"title"`
	Updated   string         `xml:"updated"`
	Published string         `xml:"published"`
	Link      atomLink       `xml:"link"`
	Summary   atomText       `xml:"summary"`
	Category  []atomCategory `xml:"category"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomFeed struct {
	XMLName  xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string   `xml:"xml:lang,attr"`
	ID       string   `xml:"id"`
	Title    string   `xml:"title"`
	Subtitle string   `xml:"subtitle"`
	Updated  string   `xml:"updated"`
	Author   struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Rights  string      `xml:"rights"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

// feedUpdated is when the feed last changed: its newest entry, or the
// database's last write.
func (s *Server) feedUpdated(entries []feedEntry) time.Time {
	if len(entries) > 0 {
		return entries[0].change.Time
	}
	if v, err := s.store.Version(); err == nil && !v.Modified.IsZero() {
		return v.Modified
	}
	return time.Unix(0, 0)
}

// entryText is the one line a feed reader shows under an incident's title.
func entryText(in *data.Incident) string {
	var b strings.Builder
	b.WriteString(in.Date.String())
	if in.Place != "" {
		b.WriteString(", " + in.Place)
	}
	b.WriteString(". " + in.Summary)
	return b.String()
}

// GET /api/feed.atom
func (s *Server) handleFeedAtom(c *fiber.Ctx) error {
	q, err := s.parseQuery(c, "/api/feed.atom", false, 0)
	if err != nil {
		return err
	}
	entries, err := s.feedEntries(q)
	if err != nil {
		return err
	}
	self := s.baseURL(c) + "/api/feed.atom" + pageQuery(c)
	f := atomFeed{Lang: "en", ID: self, Title: feedTitle,
		Subtitle: "The newest added and changed incidents, with their sources on each incident's page.",
		Updated:  s.feedUpdated(entries).UTC().Format(time.RFC3339),
		Rights:   "CC BY 4.0; the MDL: © OpenStreetMap contributors (ODbL)",
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: s.baseURL(c) + "/" + pageQuery(c)}}}
	f.Author.Name = "dmzmap"
	for _, e := range entries {
		page := s.incidentPage(c, e.in.ID)
		ae := atomEntry{ID: page, Title: atomText{Type: "text", Text: e.in.Title},
			Updated: e.change.Time.UTC().Format(time.RFC3339), Published: e.in.Created.UTC().Format(time.RFC3339),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: page},
			Summary: atomText{Type: "text", Text: entryText(e.in)}}
		ae.Category = append(ae.Category, atomCategory{Term: string(e.in.Type)})
		f.Entries = append(f.Entries, ae)
	}
	b, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ContentTypeAtom)
	return c.Send(append([]byte(xml.Header), b...))
}

// GET /api/feed.json (JSON Feed 1.1)
func (s *Server) handleFeedJSON(c *fiber.Ctx) error {
	q, err := s.parseQuery(c, "/api/feed.json", false, 0)
	if err != nil {
		return err
	}
	entries, err := s.feedEntries(q)
	if err != nil {
		return err
	}
	type item struct {
		ID            string   `json:"id"`
		URL           string   `json:"url"`
		Title         string   `json:"title"`
		ContentText   string   `json:"content_text"`
		DatePublished string   `json:"date_published"`
		DateModified  string   `json:"date_modified"`
		Tags          []string `json:"tags"`
	}
	feed := struct {
		Version     string `json:"version"`
		Title       string `json:"title"`
		HomePageURL string `json:"home_page_url"`
		FeedURL     string `json:"feed_url"`
		Description string `json:"description"`
		Language    string `json:"language"`
		Authors     []struct {
			Name string `json:"name"`
		} `json:"authors"`
		Items []item `json:"items"`
	}{Version: "https://jsonfeed.org/version/1.1", Title: feedTitle,
		HomePageURL: s.baseURL(c) + "/" + pageQuery(c), FeedURL: s.baseURL(c) + "/api/feed.json" + pageQuery(c),
		Description: "The newest added and changed incidents, with their sources on each incident's page.",
		Language:    "en", Items: []item{}}
	feed.Authors = append(feed.Authors, struct {
		Name string `json:"name"`
	}{"dmzmap"})
	for _, e := range entries {
		page := s.incidentPage(c, e.in.ID)
		feed.Items = append(feed.Items, item{ID: page, URL: page, Title: e.in.Title, ContentText: entryText(e.in),
			DatePublished: e.in.Created.UTC().Format(time.RFC3339), DateModified: e.change.Time.UTC().Format(time.RFC3339),
			Tags: append([]string{string(e.in.Type)}, e.in.Tags...)})
	}
	b, err := json.Marshal(feed)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ContentTypeJSONFeed)
	return c.Send(b)
}
