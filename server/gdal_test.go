package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The GDAL tests drive GDAL (Debian's gdal-bin), an independent client,
// against a real server: its OAPIF driver reads the OGC API, its CSV and KML
// drivers read the exports.

// requireGDAL skips the test when GDAL is missing, except in CI (CI set),
// where a missing tool fails it.
func requireGDAL(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ogrinfo", "ogr2ogr"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed; the GDAL tests need it in CI: apt-get install -y gdal-bin", tool)
			}
			t.Skipf("%s is not installed: apt-get install -y gdal-bin to run the GDAL tests", tool)
		}
	}
}

// serve runs s on a free port of 127.0.0.1 until the test ends and returns
// its base URL, once /healthz answers.
func serve(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Listen(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		<-done
	})
	base := "http://" + ln.Addr().String()
	for i := 0; ; i++ {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		if i == 200 {
			t.Fatalf("the server at %s does not answer /healthz: %v", base, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fetch GETs url from the running server.
func fetch(t *testing.T, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, %v: %s", url, res.StatusCode, err, b)
	}
	return b
}

// matched returns numberMatched and the ids of every feature of an items
// query, in one page.
func matched(t *testing.T, url string) (int, []string) {
	t.Helper()
	var fc struct {
		NumberMatched int
		Features      []struct{ ID string }
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	if err := json.Unmarshal(fetch(t, url+sep+"limit=10000"), &fc); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(fc.Features))
	for i, f := range fc.Features {
		ids[i] = f.ID
	}
	if len(ids) != fc.NumberMatched {
		t.Fatalf("%s: %d features of %d matched in one page", url, len(ids), fc.NumberMatched)
	}
	return fc.NumberMatched, ids
}

// gdal runs a GDAL program and returns its output; an error, or an ERROR
// line in the output, fails the test.
func gdal(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	// No proxy for the test server, whatever the environment says.
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", "GDAL_HTTP_TIMEOUT=60")
	out, err := cmd.CombinedOutput()
	cmdline := name + " " + strings.Join(args, " ")
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmdline, err, out)
	}
	if strings.Contains(string(out), "ERROR") {
		t.Fatalf("%s reports an error:\n%s", cmdline, out)
	}
	t.Logf("%s", cmdline)
	return string(out)
}

var featureCountRE = regexp.MustCompile(`(?m)^Feature Count: (\d+)$`)

// featureCount reads the one "Feature Count" of ogrinfo -so output.
func featureCount(t *testing.T, out string) int {
	t.Helper()
	m := featureCountRE.FindAllStringSubmatch(out, -1)
	if len(m) != 1 {
		t.Fatalf("want one Feature Count in the output of ogrinfo:\n%s", out)
	}
	n, _ := strconv.Atoi(m[0][1])
	return n
}

// geojsonIDs reads the id property of every feature of a GeoJSON file GDAL
// wrote.
func geojsonIDs(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties struct{ ID string }
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	ids := make([]string, len(fc.Features))
	for i, f := range fc.Features {
		ids[i] = f.Properties.ID
	}
	return ids
}

func TestGDALListsCollections(t *testing.T) {
	requireGDAL(t)
	s, _, _ := seededServer(t)
	base := serve(t, s)
	out := gdal(t, "ogrinfo", "-ro", "-so", "OAPIF:"+base+"/ogc")
	for _, want := range []string{
		"1: incidents (title: DMZ incidents) (Point)",
		"2: crossings (title: Crossing points) (Point)",
		"3: mdl (title: Military Demarcation Line) (Line String)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ogrinfo does not list %q:\n%s", want, out)
		}
	}

	// GDAL reads every collection whole, paging through next links.
	dir := t.TempDir()
	for _, id := range []string{"incidents", "crossings", "mdl"} {
		n, ids := matched(t, base+"/ogc/collections/"+id+"/items")
		info := gdal(t, "ogrinfo", "-ro", "-so", "OAPIF:"+base+"/ogc", id)
		if got := featureCount(t, info); got != n {
			t.Errorf("%s: ogrinfo counts %d features, the API %d", id, got, n)
		}
		file := filepath.Join(dir, id+".geojson")
		gdal(t, "ogr2ogr", "-f", "GeoJSON", file, "OAPIF:"+base+"/ogc", id, "-oo", "PAGE_SIZE=25")
		if got := geojsonIDs(t, file); !slices.Equal(got, ids) {
			t.Errorf("%s: GDAL copied %d features %v…, the API has %d", id, len(got), head(got), len(ids))
		}
	}
}

func head(ids []string) []string { return ids[:min(3, len(ids))] }

// TestGDALCopiesFiltered copies incidents with a bbox and a datetime filter
// into a GeoPackage and a GeoJSON file, and counts what they hold against
// the API's numberMatched for the same filter.
func TestGDALCopiesFiltered(t *testing.T) {
	requireGDAL(t)
	s, _, seed := seededServer(t)
	base := serve(t, s)
	dir := t.TempDir()
	cases := []struct {
		name   string
		source string   // the OAPIF connection string; its query is sent with every request
		spat   []string // ogr2ogr -spat, sent as bbox
		api    string   // the same filter on the API
	}{
		{"bbox and datetime", base + "/ogc/collections/incidents?datetime=1960-01-01/1999-12-31",
			[]string{"126.5", "37.75", "127.5", "38.25"}, "datetime=1960-01-01/1999-12-31&bbox=126.5,37.75,127.5,38.25"},
		{"open interval and type", base + "/ogc?datetime=2000-01-01/..&type=crossing", nil,
			"datetime=2000-01-01/..&type=crossing"},
		{"a year", base + "/ogc/collections/incidents?datetime=1968-01-01/1968-12-31", nil,
			"datetime=1968-01-01/1968-12-31"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, ids := matched(t, base+"/ogc/collections/incidents/items?"+tc.api)
			if n == 0 || n == len(seed) {
				t.Fatalf("%s matches %d of %d incidents: not a filter worth testing", tc.api, n, len(seed))
			}
			for _, format := range []struct{ driver, ext string }{{"GPKG", ".gpkg"}, {"GeoJSON", ".geojson"}} {
				file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+format.ext)
				args := []string{"-f", format.driver, file, "OAPIF:" + tc.source, "incidents", "-oo", "PAGE_SIZE=7"}
				if tc.spat != nil {
					args = append(args, append([]string{"-spat"}, tc.spat...)...)
				}
				gdal(t, "ogr2ogr", args...)
				info := gdal(t, "ogrinfo", "-ro", "-so", file, "incidents")
				if got := featureCount(t, info); got != n {
					t.Errorf("%s: %d features, the API's numberMatched is %d", format.driver, got, n)
				}
				if format.driver == "GeoJSON" {
					if got := geojsonIDs(t, file); !slices.Equal(got, ids) {
						t.Errorf("GeoJSON ids %v, the API's %v", got, ids)
					}
				}
			}
			// And the OAPIF layer's own count (numberMatched) agrees.
			if tc.spat == nil {
				info := gdal(t, "ogrinfo", "-ro", "-so", "OAPIF:"+tc.source, "incidents")
				if got := featureCount(t, info); got != n {
					t.Errorf("ogrinfo on %s counts %d, the API %d", tc.source, got, n)
				}
			}
		})
	}
}

// TestGDALReadsExports opens the CSV and KML exports with GDAL and finds
// every incident in each.
func TestGDALReadsExports(t *testing.T) {
	requireGDAL(t)
	s, _, seed := seededServer(t)
	base := serve(t, s)
	dir := t.TempDir()
	cases := []struct {
		file string
		args []string
		want string // in the summary
	}{
		{"dmz-incidents-all.csv", []string{"-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"}, "Geometry: Point"},
		{"dmz-incidents-all.kml", nil, "Layer name: DMZ incidents"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			file := filepath.Join(dir, tc.file)
			if err := os.WriteFile(file, fetch(t, base+"/api/export"+filepath.Ext(tc.file)), 0o644); err != nil {
				t.Fatal(err)
			}
			summary := gdal(t, "ogrinfo", append(append([]string{"-ro", "-so", "-al"}, tc.args...), file)...)
			if got := featureCount(t, summary); got != len(seed) {
				t.Errorf("ogrinfo counts %d features, the seed has %d", got, len(seed))
			}
			if !strings.Contains(summary, tc.want) {
				t.Errorf("ogrinfo does not find %q:\n%s", tc.want, summary)
			}
			all := gdal(t, "ogrinfo", append(append([]string{"-ro", "-al", "-q"}, tc.args...), file)...)
			for _, in := range seed {
				if !strings.Contains(all, fmt.Sprintf("id (String) = %s\n", in.ID)) {
					t.Errorf("ogrinfo does not find the incident %s", in.ID)
				}
			}
			if n := strings.Count(all, "POINT ("); n != len(seed) {
				t.Errorf("%d points, want one an incident (%d)", n, len(seed))
			}
		})
	}
}
