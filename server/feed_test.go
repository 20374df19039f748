package server

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
)

// parseFeed reads a feed with Debian's python3-feedparser, an independent
// parser, and returns what it found.
func parseFeed(t *testing.T, contentType string, body []byte) (bozo bool, version string, entries []map[string]any) {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", "-c", `
import sys, json, feedparser
d = feedparser.parse(sys.stdin.buffer.read(), response_headers={'content-type': sys.argv[1]})
print(json.dumps({"bozo": bool(d.bozo), "bozo_exception": str(d.get("bozo_exception", "")), "version": d.version,
  "title": d.feed.get("title"), "entries": [{"id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
  "updated": e.get("updated"), "summary": e.get("summary"), "tags": [t.term for t in e.get("tags", [])]} for e in d.entries]}))
`, contentType)
	cmd.Stdin = strings.NewReader(string(body))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3-feedparser (make deps installs it): %v", err)
	}
	var got struct {
		Bozo          bool
		BozoException string `json:"bozo_exception"`
		Version       string
		Entries       []map[string]any
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Bozo {
		t.Errorf("feedparser finds the feed malformed: %s", got.BozoException)
	}
	return got.Bozo, got.Version, got.Entries
}

func TestFeeds(t *testing.T) {
	s, store, _ := newTestServer(t, nil)
	ins := fixture(loadMDL(t))
	if _, err := store.Import(ins, data.ImportOptions{Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	newest := fixture(loadMDL(t))[0]
	newest.ID = "2026-01-02-newest"
	newest.Title = "The newest <b>incident</b> & more"
	newest.Date = data.Date{Year: 2026, Month: 1, Day: 2}
	if _, err := store.Create(newest, "test"); err != nil {
		t.Fatal(err)
	}
	if err := store.Delete(ins[1].ID, "", "test"); err != nil {
		t.Fatal(err)
	}

	t.Run("atom", func(t *testing.T) {
		r := get(t, s, "/api/feed.atom")
		if r.status != 200 || r.header.Get("Content-Type") != ContentTypeAtom {
			t.Fatalf("%d %s %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		_, version, entries := parseFeed(t, r.header.Get("Content-Type"), r.body)
		if version != "atom10" {
			t.Errorf("feedparser says version %q, want atom10", version)
		}
		if len(entries) != len(ins) { // one deleted, one added
			t.Fatalf("%d entries, want %d", len(entries), len(ins))
		}
		first := entries[0]
		if first["title"] != newest.Title || first["link"] != "http://example.com/incidents/"+newest.ID {
			t.Errorf("the first entry is %v, want the newest incident with its page", first)
		}
		for _, e := range entries {
			if strings.Contains(e["link"].(string), ins[1].ID) {
				t.Errorf("the deleted incident %s is in the feed", ins[1].ID)
			}
		}
	})
	t.Run("json feed, filtered", func(t *testing.T) {
		// Debian's feedparser 6.0.10 does not read JSON Feed (6.1 does):
		// check the members JSON Feed 1.1 requires, and their types.
		r := get(t, s, "/api/feed.json?type=tunnel,shooting")
		if r.status != 200 || r.header.Get("Content-Type") != ContentTypeJSONFeed {
			t.Fatalf("%d %s %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		var feed struct {
			Version string `json:"version"`
			Title   string `json:"title"`
			FeedURL string `json:"feed_url"`
			Items   []struct {
				ID            string   `json:"id"`
				URL           string   `json:"url"`
				Title         string   `json:"title"`
				ContentText   string   `json:"content_text"`
				DateModified  string   `json:"date_modified"`
				DatePublished string   `json:"date_published"`
				Tags          []string `json:"tags"`
			} `json:"items"`
		}
		if err := json.Unmarshal(r.body, &feed); err != nil {
			t.Fatal(err)
		}
		if feed.Version != "https://jsonfeed.org/version/1.1" || feed.Title == "" || feed.FeedURL != "http://example.com/api/feed.json?type=tunnel,shooting" {
			t.Errorf("feed %+v", feed)
		}
		if len(feed.Items) != 2 {
			t.Fatalf("%d items for type=tunnel,shooting, want 2: %s", len(feed.Items), r.body)
		}
		for _, it := range feed.Items {
			if it.ID == "" || it.ContentText == "" || (it.Tags[0] != "tunnel" && it.Tags[0] != "shooting") {
				t.Errorf("item %+v", it)
			}
			for _, d := range []string{it.DateModified, it.DatePublished} {
				if _, err := time.Parse(time.RFC3339, d); err != nil {
					t.Errorf("item %s: date %q is not RFC 3339", it.ID, d)
				}
			}
		}
	})
	t.Run("bad filter", func(t *testing.T) {
		r := get(t, s, "/api/feed.atom?type=bogus")
		p := decodeProblem(t, r)
		if r.status != 400 || len(p.Errors) != 1 || p.Errors[0].Parameter != "type" {
			t.Errorf("%d %+v", r.status, p)
		}
	})
}

func TestPublishedLinksUsePublicURL(t *testing.T) {
	ins := fixture(loadMDL(t))
	s, store, _ := newConfigServer(t, Config{PublicURL: "https://dmz.example.org"}, nil)
	if _, err := store.Import(ins, data.ImportOptions{Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ url, want string }{
		{"/api/feed.atom", `href="https://dmz.example.org/incidents/`},
		{"/api/feed.json", `"url":"https://dmz.example.org/incidents/`},
		{"/api/incidents/2017-11-13-jsa/cite", "https://dmz.example.org/incidents/2017-11-13-jsa"},
		{"/incidents/2017-11-13-jsa", `<link rel="canonical" href="https://dmz.example.org/incidents/2017-11-13-jsa">`},
	} {
		r := get(t, s, tc.url)
		if r.status != 200 || !strings.Contains(string(r.body), tc.want) || strings.Contains(string(r.body), "example.com") {
			t.Errorf("%s: %d, want links under the public URL (%s):\n%.400s", tc.url, r.status, tc.want, r.body)
		}
	}
}
