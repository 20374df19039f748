package server

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingProxy serves a reverse proxy to base on a free port, recording
// each request's URI, and returns its base URL and the recorder.
func recordingProxy(t *testing.T, base string) (string, func() []string) {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	proxy := httputil.NewSingleHostReverseProxy(target)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.RequestURI())
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

// TestPyQGISReads opens the three collections in QGIS (Debian's
// python3-qgis, headless) and checks that it counts what the API matches,
// keeps every date_start, date_end and sources_text, pages at 1,000 (it
// reads the page size from the parameter named limit), and that a date
// filter in QGIS selects what the same filter selects on the API.
func TestPyQGISReads(t *testing.T) {
	if err := exec.Command(owslibPython, "-c", "import qgis.core").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PyQGIS is not installed; the test needs it in CI: apt-get install -y python3-qgis")
		}
		t.Skip("PyQGIS is not installed: apt-get install -y python3-qgis")
	}
	s, _, _ := seededServer(t)
	base := serve(t, s)
	proxied, requests := recordingProxy(t, base)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	runtime := t.TempDir()
	if err := os.Chmod(runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, owslibPython, "testdata/pyqgis_read.py", proxied+"/ogc")
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
		"XDG_RUNTIME_DIR="+runtime, "HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("PyQGIS: %v\n%s\n%s", err, out, stderr)
	}
	var got map[string]struct {
		Valid     bool
		Count     int
		Fields    map[string]string
		Features  map[string]map[string]*string
		Since2017 []string
	}
	if i := strings.LastIndex(string(out), "\n{"); i >= 0 {
		out = out[i+1:]
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, id := range []string{"incidents", "crossings", "mdl"} {
		g := got[id]
		n, ids := matched(t, base+"/ogc/collections/"+id+"/items")
		if !g.Valid || g.Count != n || len(g.Features) != n {
			t.Errorf("%s: valid %v, count %d, %d features; the API matches %d", id, g.Valid, g.Count, len(g.Features), n)
			continue
		}
		if id == "mdl" {
			continue
		}
		var fc ogcItems
		json.Unmarshal(fetch(t, base+"/ogc/collections/"+id+"/items?limit=10000"), &fc)
		for _, f := range fc.Features {
			q := g.Features[f.ID]
			for _, k := range []string{"date_start", "date_end", "sources_text"} {
				want, _ := f.Properties[k].(string)
				if k == "sources_text" && id == "crossings" {
					continue
				}
				if q[k] == nil || *q[k] != want {
					t.Errorf("%s %s: QGIS has %s %v, the API %q", id, f.ID, k, q[k], want)
				}
			}
		}
		_ = ids
	}
	for _, k := range []string{"date_start", "date_end"} {
		if typ := got["incidents"].Fields[k]; !strings.EqualFold(typ, "date") {
			t.Errorf("QGIS types %s as %q, want date", k, typ)
		}
	}
	paged := false
	for _, u := range requests() {
		paged = paged || (strings.Contains(u, "/items?") && strings.Contains(u, "limit=1000"))
	}
	if !paged {
		t.Errorf("QGIS never asked for 1,000 features a page: %v", requests())
	}
	_, want := matched(t, base+"/ogc/collections/incidents/items?filter="+url.QueryEscape("date_start >= '2017-01-01'"))
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(got["incidents"].Since2017, want) {
		t.Errorf("QGIS's date filter selects %d, the API %d", len(got["incidents"].Since2017), len(want))
	}
}
