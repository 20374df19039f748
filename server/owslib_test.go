package server

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
)

// owslibPython is Debian's python3, where python3-owslib installs.
const owslibPython = "/usr/bin/python3"

// TestOwslibReads reads the collections and items with owslib
// (testdata/owslib_read.py), an independent client, and checks what it
// got against the API.
func TestOwslibReads(t *testing.T) {
	if err := exec.Command(owslibPython, "-c", "import owslib.ogcapi.features").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("owslib is not installed; the test needs it in CI: apt-get install -y python3-owslib")
		}
		t.Skip("owslib is not installed: apt-get install -y python3-owslib")
	}
	s, _, seed := seededServer(t)
	base := serve(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, owslibPython, "testdata/owslib_read.py", base+"/ogc")
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("owslib: %v\n%s", err, stderr)
	}
	var got struct {
		Conformance        []string
		FeatureCollections []string `json:"feature_collections"`
		Items              map[string]struct {
			Title      string
			Matched    int
			Page, All  []string
			Queryables []string
			BBox       []string
			Datetime   []string
			Filter     []string
			Item       string
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !slices.Equal(got.Conformance, conformanceClasses) {
		t.Errorf("conformance %v", got.Conformance)
	}
	if !slices.Equal(got.FeatureCollections, []string{"incidents", "crossings", "mdl"}) {
		t.Errorf("feature collections %v", got.FeatureCollections)
	}
	for _, id := range []string{"incidents", "crossings", "mdl"} {
		g := got.Items[id]
		n, ids := matched(t, base+"/ogc/collections/"+id+"/items")
		ci, _ := ogcCollection(id)
		if g.Title != ci.title || g.Matched != n || !slices.Equal(g.All, ids) || !slices.Equal(g.Page, ids[:min(7, len(ids))]) {
			t.Errorf("%s: owslib got %q, %d matched, %d features, page %v; the API %d, %d", id, g.Title, g.Matched, len(g.All), g.Page, n, len(ids))
		}
		want := queryableNames(id)
		slices.Sort(want)
		if !slices.Equal(g.Queryables, want) {
			t.Errorf("%s: queryables %v, want %v", id, g.Queryables, want)
		}
	}
	inc := got.Items["incidents"]
	if len(inc.All) != len(seed) {
		t.Errorf("owslib read %d incidents of %d", len(inc.All), len(seed))
	}
	for name, tc := range map[string]struct {
		got   []string
		query string
	}{
		"bbox":     {inc.BBox, "bbox=126.5,37.75,127.5,38.25"},
		"datetime": {inc.Datetime, "datetime=1960-01-01/1969-12-31"},
		"filter":   {inc.Filter, "filter=" + url.QueryEscape("type = 'crossing' AND date >= '2017-01-01'")},
	} {
		_, want := matched(t, base+"/ogc/collections/incidents/items?"+tc.query)
		if len(want) == 0 || !slices.Equal(tc.got, want) {
			t.Errorf("%s: owslib %d features, the API %d", name, len(tc.got), len(want))
		}
	}
	if inc.Item == "" {
		t.Errorf("owslib read no title of one incident")
	}
}
