package server

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestOGCAPIDocument checks the document at /ogc/api as the OGC's
// conformance suite and GDAL read it: one absolute server, the OGC API's
// own base (PublicURL when set), paths relative to it, and the items'
// parameters as Part 1's OpenAPI fragments define them.
func TestOGCAPIDocument(t *testing.T) {
	s, _, _ := newTestServer(t, nil)
	proxied := New(s.store, s.mdl, nil, Config{PublicURL: "https://maps.example.org/dmz/"})
	for _, tc := range []struct {
		name string
		s    *Server
		base string
	}{
		{"request's URL", s, "http://example.com/ogc"},
		{"PublicURL", proxied, "https://maps.example.org/dmz/ogc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, tc.s, "/ogc/api")
			if r.status != http.StatusOK || r.header.Get("Content-Type") != ContentTypeOpenAPI {
				t.Fatalf("status %d, Content-Type %q; want 200, %s", r.status, r.header.Get("Content-Type"), ContentTypeOpenAPI)
			}
			var doc struct {
				Servers []struct{ URL string } `json:"servers"`
				Paths   map[string]map[string]struct {
					Parameters []map[string]string `json:"parameters"`
					Security   []any               `json:"security"`
				} `json:"paths"`
				Components struct {
					Parameters map[string]map[string]any `json:"parameters"`
				} `json:"components"`
			}
			if err := json.Unmarshal(r.body, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Servers) != 1 || doc.Servers[0].URL != tc.base {
				t.Errorf("servers %+v, want one, %s", doc.Servers, tc.base)
			}
			var paths []string
			for p, item := range doc.Paths {
				paths = append(paths, p)
				for m, op := range item {
					if op.Security == nil {
						t.Errorf("%s %s states no security", m, p)
					}
				}
			}
			slices.Sort(paths)
			want := []string{"/", "/api", "/api.html", "/collections", "/collections/{collectionId}",
				"/collections/{collectionId}/items", "/collections/{collectionId}/items/{featureId}", "/conformance"}
			for _, p := range want {
				if !slices.Contains(paths, p) {
					t.Errorf("paths %v lack %s", paths, p)
				}
			}
			for _, p := range paths {
				if strings.HasPrefix(p, "/ogc") || strings.HasPrefix(p, "/api/") {
					t.Errorf("path %s is not of the OGC API relative to its base", p)
				}
			}
			items := doc.Paths["/collections/{collectionId}/items"]["get"]
			named := map[string]map[string]any{}
			for _, ref := range items.Parameters {
				name := strings.TrimPrefix(ref["$ref"], "#/components/parameters/")
				p := doc.Components.Parameters[name]
				if p == nil {
					t.Fatalf("parameter %v does not resolve", ref)
				}
				named[p["name"].(string)] = p
			}
			for _, tc := range []struct {
				name   string
				schema map[string]any
			}{
				{"bbox", map[string]any{"type": "array", "minItems": 4.0, "maxItems": 6.0,
					"oneOf": []any{map[string]any{"minItems": 4.0, "maxItems": 4.0}, map[string]any{"minItems": 6.0, "maxItems": 6.0}},
					"items": map[string]any{"type": "number"}}},
				{"limit", map[string]any{"type": "integer", "minimum": 1.0, "maximum": float64(DefaultMaxLimit), "default": 100.0}},
				{"datetime", map[string]any{"type": "string"}},
			} {
				p := named[tc.name]
				if p == nil {
					t.Errorf("the items have no parameter %s: %v", tc.name, named)
					continue
				}
				if p["in"] != "query" || p["required"] != false || p["style"] != "form" || p["explode"] != false {
					t.Errorf("%s: in %v, required %v, style %v, explode %v; want query, false, form, false", tc.name, p["in"], p["required"], p["style"], p["explode"])
				}
				if !reflect.DeepEqual(p["schema"], tc.schema) {
					t.Errorf("%s: schema %v, want %v", tc.name, p["schema"], tc.schema)
				}
			}
		})
	}
}

// lintTools is where make deps installs the OpenAPI linters.
const lintTools = "../.cache/openapi-lint/node_modules/.bin"

// TestOpenAPILint runs Spectral (the spectral:oas rules) and Redocly's
// linter on both documents: neither may report an error.
func TestOpenAPILint(t *testing.T) {
	for _, tool := range []string{"spectral", "redocly"} {
		if _, err := os.Stat(filepath.Join(lintTools, tool)); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed; make deps installs it into .cache/openapi-lint", tool)
			}
			t.Skipf("%s is not installed: make deps installs the OpenAPI linters", tool)
		}
	}
	s, _, _ := newTestServer(t, nil)
	dir := t.TempDir()
	var files []string
	for _, u := range []string{"/ogc/api", "/api/openapi.json"} {
		f := filepath.Join(dir, strings.ReplaceAll(strings.Trim(u, "/"), "/", "-")+".json")
		if err := os.WriteFile(f, get(t, s, u).body, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	ruleset := filepath.Join(dir, ".spectral.yaml")
	if err := os.WriteFile(ruleset, []byte("extends: [\"spectral:oas\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(lintTools)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		append([]string{"spectral", "lint", "--fail-severity", "error", "-r", ruleset}, files...),
		append([]string{"redocly", "lint"}, files...),
	} {
		cmd := exec.Command(filepath.Join(abs, args[0]), args[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s: %v\n%s", strings.Join(args[:2], " "), err, out)
		}
	}
}
