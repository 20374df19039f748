package server

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// gdalDebug runs a GDAL program with CPL_DEBUG=ON and returns its output
// and the URLs it fetched.
func gdalDebug(t *testing.T, name string, args ...string) (string, []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", "GDAL_HTTP_TIMEOUT=60", "CPL_DEBUG=ON")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "ERROR") {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	var fetched []string
	for _, line := range strings.Split(string(out), "\n") {
		if u, ok := strings.CutPrefix(line, "HTTP: Fetch("); ok {
			u = strings.TrimSuffix(u, ")")
			if dec, err := url.QueryUnescape(u); err == nil {
				u = dec
			}
			fetched = append(fetched, u)
		}
	}
	return string(out), fetched
}

// featureIDs reads the id of every feature of a GeoJSON file GDAL wrote:
// the feature's id, or its id property.
func featureIDs(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			ID         any
			Properties struct{ ID string }
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	ids := make([]string, len(fc.Features))
	for i, f := range fc.Features {
		ids[i] = f.Properties.ID
		if s, ok := f.ID.(string); ok && ids[i] == "" {
			ids[i] = s
		}
	}
	return ids
}

// TestGDALPushesWhere checks that GDAL's -where and -spat go to the server
// (its debug log shows the items requests with them, and no part left to
// GDAL), and that the answers are the ones GDAL itself finds filtering a
// GeoJSON export of every incident.
func TestGDALPushesWhere(t *testing.T) {
	requireGDAL(t)
	s, _, seed := seededServer(t)
	base := serve(t, s)
	dir := t.TempDir()
	all := filepath.Join(dir, "all.geojson")
	if err := os.WriteFile(all, fetch(t, base+"/api/export.geojson"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, where string
		spat        []string
		sent        []string // in the items request
	}{
		{"type and date", "type = 'crossing' AND date >= '2017-01-01'", nil, []string{"type=crossing", "datetime=2017-01-01T/.."}},
		{"direction and before", "direction = 'north_to_south' AND date < '1980-01-01'", nil, []string{"direction=north_to_south", "datetime=../1980-01-01T"}},
		{"sector", "sector = 'jsa'", nil, []string{"sector=jsa"}},
		{"between", "date >= '1960-01-01' AND date <= '1969-12-31'", nil, []string{"datetime=1960-01-01T/1969-12-31T"}},
		{"where and spat", "type = 'crossing'", []string{"126.5", "37.75", "127.5", "38.25"}, []string{"type=crossing", "bbox=126.5"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spat := []string{}
			if tc.spat != nil {
				spat = append([]string{"-spat"}, tc.spat...)
			}
			// GDAL's own filtering, of the export.
			local := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+"-local.geojson")
			gdal(t, "ogr2ogr", append([]string{"-f", "GeoJSON", local, all, "-where", tc.where}, spat...)...)
			want := featureIDs(t, local)
			if len(want) == 0 || len(want) == len(seed) {
				t.Fatalf("%s selects %d of %d incidents: not a filter worth testing", tc.where, len(want), len(seed))
			}
			// The server's, through OAPIF: a GeoPackage, then its ids.
			gpkg := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".gpkg")
			// GDAL's own page size (10): GDAL types date from the first
			// page, and pushes a date comparison as datetime only when
			// that page made it a Date (the seed's first ten are days).
			out, fetched := gdalDebug(t, "ogr2ogr", append([]string{"-f", "GPKG", gpkg, "OAPIF:" + base + "/ogc", "incidents",
				"-where", tc.where}, spat...)...)
			if strings.Contains(out, "evaluated on client side") || strings.Contains(out, "Only part of the filter") {
				t.Errorf("GDAL keeps part of %q to itself:\n%s", tc.where, out)
			}
			found := false
			for _, u := range fetched {
				if !strings.Contains(u, "/items?") {
					continue
				}
				ok := true
				for _, s := range tc.sent {
					ok = ok && strings.Contains(u, s)
				}
				found = found || ok
			}
			if !found {
				t.Errorf("no items request carries %v: %v", tc.sent, fetched)
			}
			if got := featureCount(t, gdal(t, "ogrinfo", "-ro", "-so", gpkg, "incidents")); got != len(want) {
				t.Errorf("the GeoPackage holds %d incidents, GDAL's own filtering %d", got, len(want))
			}
			copied := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".geojson")
			gdal(t, "ogr2ogr", "-f", "GeoJSON", copied, gpkg, "incidents")
			if got := featureIDs(t, copied); !slices.Equal(got, want) {
				t.Errorf("the server selects %v…, GDAL %v…", head(got), head(want))
			}
			// And the same filter as CQL2 on the API counts the same.
			if tc.spat == nil {
				if n, _ := matched(t, base+"/ogc/collections/incidents/items?filter="+url.QueryEscape(tc.where)); n != len(want) {
					t.Errorf("filter=%s matches %d, GDAL %d", tc.where, n, len(want))
				}
			}
		})
	}
}
