package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/dmzmap/dmzmap/data"
)

// volatileTime is a member whose value is the clock's: the store's when an
// incident is written, the server's when a page is made.
var volatileTime = regexp.MustCompile(`"(created|updated|timeStamp)":"\d{4}-\d{2}-\d{2}T[0-9:.]+Z"`)

// normaliseOGC replaces what changes from run to run in an answer of the
// test server: its host (httptest's example.com) by {host}, and the times of
// volatileTime by {time}.
func normaliseOGC(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("http://example.com/"), []byte("http://{host}/"))
	return volatileTime.ReplaceAll(b, []byte(`"$1":"{time}"`))
}

// TestOGCGolden: the OGC API – Features documents over the fixture are those
// kept in testdata/golden/ (compared after decoding, so member order and
// white space do not matter, with coordinates within 1e-9 and the host and
// times normalised). go test ./server -run OGCGolden -update rewrites them.
func TestOGCGolden(t *testing.T) {
	s, _, _ := newTestServer(t, fixture(loadMDL(t)))
	const page = "/ogc/collections/incidents/items?limit=5&bbox=126,37,129,39&datetime=1960-01-01/2020-12-31"
	cases := []struct {
		file, url, contentType string
	}{
		{"landing.json", "/ogc", contentTypeJSON},
		{"conformance.json", "/ogc/conformance", contentTypeJSON},
		{"collections.json", "/ogc/collections", contentTypeJSON},
		{"collection-incidents.json", "/ogc/collections/incidents", contentTypeJSON},
		{"queryables-incidents.json", "/ogc/collections/incidents/queryables", contentTypeSchema},
		{"items-incidents-first-page.json", page, data.ContentTypeGeoJSON},
		{"items-incidents-last-page.json", page + "&offset=5", data.ContentTypeGeoJSON},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			r := get(t, s, tc.url)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != tc.contentType {
				t.Fatalf("GET %s: status %d, Content-Type %q; want 200, %s", tc.url, r.status, r.header.Get("Content-Type"), tc.contentType)
			}
			got := normaliseOGC(r.body)
			checkGolden(t, filepath.Join("testdata", "golden", tc.file), got, 1e-9, func(out []byte) []byte {
				for esc, c := range map[string]string{`\u0026`: "&", `\u003c`: "<", `\u003e`: ">"} {
					out = bytes.ReplaceAll(out, []byte(esc), []byte(c))
				}
				return out
			})
		})
	}
}

// checkGolden compares got with the golden file after decoding both, numbers
// within tol. With -update it first writes got there, indented and passed
// through tidy.
func checkGolden(t *testing.T, golden string, got []byte, tol float64, tidy func([]byte) []byte) {
	t.Helper()
	if *update {
		var out bytes.Buffer
		if err := json.Indent(&out, got, "", "  "); err != nil {
			t.Fatal(err)
		}
		out.WriteByte('\n')
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, tidy(out.Bytes()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./server -run %s -update writes it)", err, t.Name())
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("the answer is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v", golden, err)
	}
	if diff := jsonDiff("", g, w, tol); diff != "" {
		t.Errorf("the answer differs from %s (-update to accept): %s", golden, diff)
	}
}
