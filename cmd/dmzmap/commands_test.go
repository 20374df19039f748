package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/server"
)

// cli runs the program with args and env and returns its exit code,
// stdout and stderr.
func cli(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, envOf(env), &stdout, &stderr)
	if err != nil {
		stderr.WriteString("dmzmap: " + err.Error() + "\n")
	}
	return exitCode(err), stdout.String(), stderr.String()
}

func mustCode(t *testing.T, want int, env map[string]string, args ...string) (string, string) {
	t.Helper()
	code, out, errs := cli(t, env, args...)
	if code != want {
		t.Fatalf("dmzmap %q: exit code %d, want %d\nstderr:\n%s", args, code, want, errs)
	}
	return out, errs
}

func TestExitCode(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("disk full"), 1},
		{&data.Error{Kind: data.KindUnavailable}, 1},
		{&data.Error{Kind: data.KindInternal}, 1},
		{usagef("bad flag"), 2},
		{&data.Error{Kind: data.KindInvalid}, 3},
		{&data.Error{Kind: data.KindConflict}, 3},
	}
	for _, tc := range cases {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// testIncidents returns a few seed incidents, re-dated to known years.
func testIncidents(t *testing.T) []*data.Incident {
	t.Helper()
	mdl, err := data.LoadMDL()
	if err != nil {
		t.Fatal(err)
	}
	seed, err := data.SeedIncidents(mdl)
	if err != nil {
		t.Fatal(err)
	}
	return seed[:6]
}

func writeCSV(t *testing.T, path string, ins []*data.Incident) {
	t.Helper()
	var b bytes.Buffer
	cw, err := data.NewCSVWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		f, err := data.EncodeFeature(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := cw.WriteFeature(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func writeGeoJSON(t *testing.T, path string, ins []*data.Incident) {
	t.Helper()
	var fs []json.RawMessage
	for _, in := range ins {
		f, err := data.EncodeFeature(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db string) int {
	t.Helper()
	st, err := data.Open(db, nil, data.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		says string
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"serve with an unknown flag", []string{"serve", "--nope"}, "flag provided but not defined"},
		{"import without a file", []string{"import"}, "takes 1 argument"},
		{"import of two files", []string{"import", "a.csv", "b.csv"}, "takes 1 argument"},
		{"import in an unknown mode", []string{"import", "--mode", "merge", "a.csv"}, `--mode "merge"`},
		{"import of an unknown extension", []string{"import", "a.txt"}, "cannot tell the format"},
		{"import of stdin without a format", []string{"import", "-"}, "needs --format"},
		{"export in an unknown format", []string{"export", "--db", filepath.Join(dir, "x.db"), "--format", "shp"}, `--format "shp"`},
		{"export of a bad year", []string{"export", "--db", filepath.Join(dir, "x.db"), "--year", "1900"}, "year: 1900 is out of range"},
		{"export of year and from", []string{"export", "--year", "2017", "--from", "2010"}, "cannot be combined"},
		{"export with an argument", []string{"export", "x"}, "takes 0 argument"},
		{"validate in an unknown format", []string{"validate", "--format", "xml", "a.xml"}, `--format "xml"`},
		{"backup without a file", []string{"backup"}, "takes 1 argument"},
		{"restore without a file", []string{"restore"}, "takes 1 argument"},
		{"gen without --db", []string{"gen", "--n", "10"}, "gen needs --db"},
		{"gen of none", []string{"gen", "--db", filepath.Join(dir, "g.db"), "--n", "0"}, "--n 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := mustCode(t, exitUsage, nil, tc.args...)
			if !strings.Contains(errs, tc.says) {
				t.Errorf("stderr %q does not say %q", errs, tc.says)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "g.db")); err == nil {
		t.Errorf("a refused gen created its database")
	}
}

func TestCommandHelp(t *testing.T) {
	out, _ := mustCode(t, exitOK, nil, "help")
	for _, want := range []string{"import", "export", "validate", "backup", "restore", "gen", "Exit codes", "3  the input was refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("help does not mention %q:\n%s", want, out)
		}
	}
	for _, cmd := range []string{"import", "export", "validate", "backup", "restore", "gen"} {
		if _, errs := mustCode(t, exitOK, nil, cmd, "-h"); !strings.Contains(errs, "Usage: dmzmap "+cmd) {
			t.Errorf("%s -h: %q", cmd, errs)
		}
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	ins := testIncidents(t)
	good := filepath.Join(dir, "good.geojson")
	writeGeoJSON(t, good, ins)
	_, errs := mustCode(t, exitOK, nil, "validate", good)
	if !strings.Contains(errs, "6 incidents, all valid") {
		t.Errorf("stderr %q", errs)
	}

	bad := slices.Clone(ins)
	spoiled := *ins[2]
	spoiled.Type, spoiled.Confidence = "bogus", "sure"
	bad[2] = &spoiled
	badCSV := filepath.Join(dir, "bad.csv")
	writeCSV(t, badCSV, bad)
	_, errs = mustCode(t, exitInvalid, nil, "validate", badCSV)
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	want := []string{
		badCSV + `:4: type: "bogus" is not one of`,
		badCSV + `:4: confidence: "sure" is not one of`,
		"dmzmap: " + badCSV + ": 1 of 6 rows are not valid incidents",
	}
	if len(lines) != len(want) {
		t.Fatalf("stderr has %d lines, want %d:\n%s", len(lines), len(want), errs)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want it to start %q", i, lines[i], w)
		}
	}

	badJSON := filepath.Join(dir, "bad.json")
	writeGeoJSON(t, badJSON, bad)
	if _, errs = mustCode(t, exitInvalid, nil, "validate", badJSON); !strings.Contains(errs, badJSON+`:2: type: "bogus"`) {
		t.Errorf("stderr %q does not name feature 2", errs)
	}
	dup := filepath.Join(dir, "dup.csv")
	writeCSV(t, dup, append(slices.Clone(ins), ins[0]))
	if _, errs = mustCode(t, exitInvalid, nil, "validate", dup); !strings.Contains(errs, dup+":8: id: ") {
		t.Errorf("stderr %q does not name the repeated id on row 8", errs)
	}
	notJSON := filepath.Join(dir, "broken.geojson")
	os.WriteFile(notJSON, []byte(`{"type":`), 0o600)
	mustCode(t, exitInvalid, nil, "validate", notJSON)
	mustCode(t, exitFailure, nil, "validate", filepath.Join(dir, "missing.csv"))
}

func TestImportExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dmzmap.db")
	ins := testIncidents(t)
	file := filepath.Join(dir, "in.csv")
	writeCSV(t, file, ins)

	_, errs := mustCode(t, exitOK, nil, "import", "--db", db, "--dry-run", file)
	if !strings.Contains(errs, "would create 6 and update 0") || count(t, db) != 0 {
		t.Errorf("dry run: %q, %d stored; want 6 to create and none stored", errs, count(t, db))
	}
	_, errs = mustCode(t, exitOK, map[string]string{"DMZMAP_DB": db}, "import", file)
	if !strings.Contains(errs, "created 6 and updated 0") || count(t, db) != 6 {
		t.Errorf("import: %q, %d stored; want 6 created", errs, count(t, db))
	}
	_, errs = mustCode(t, exitInvalid, nil, "import", "--db", db, file)
	if !strings.Contains(errs, file+":2: id: ") || !strings.Contains(errs, file+":7: id: ") {
		t.Errorf("import again: stderr %q does not name rows 2 to 7", errs)
	}

	changed := slices.Clone(ins)
	c := *ins[1]
	c.Title = "A corrected title"
	changed[1] = &c
	upsert := filepath.Join(dir, "fix.geojson")
	writeGeoJSON(t, upsert, changed[:3])
	_, errs = mustCode(t, exitOK, nil, "import", "--db", db, "--mode", "upsert", "--reason", "title corrected", upsert)
	if !strings.Contains(errs, "created 0 and updated 3") {
		t.Errorf("upsert: %q", errs)
	}

	bad := slices.Clone(ins)
	spoiled := *ins[3]
	spoiled.ID, spoiled.Type = "2099-new", "bogus"
	bad[3] = &spoiled
	writeCSV(t, file, bad)
	if _, errs = mustCode(t, exitInvalid, nil, "import", "--db", db, "--mode", "upsert", file); !strings.Contains(errs, file+`:5: type: "bogus"`) {
		t.Errorf("bad row: stderr %q does not name row 5", errs)
	}
	if n := count(t, db); n != 6 {
		t.Errorf("%d incidents after a refused import, want 6", n)
	}

	st, err := data.Open(db, nil, data.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	revs, err := st.History(ins[1].ID)
	st.Close()
	if err != nil || len(revs) != 2 || revs[0].Reason != "dmzmap import in.csv" || revs[1].Reason != "title corrected" {
		t.Errorf("history %+v, %v; want the import's default reason, then the given one", revs, err)
	}

	// The export is the API's export, byte for byte.
	for _, tc := range []struct {
		args  []string
		query string
	}{
		{nil, ""},
		{[]string{"--from", "1960", "--to", "1980", "--type", "crossing,infiltration"}, "from=1960&to=1980&type=crossing,infiltration"},
		{[]string{"--bbox", "126,37,127,39", "--q", "soldier"}, "bbox=126,37,127,39&q=soldier"},
	} {
		out, _ := mustCode(t, exitOK, nil, append([]string{"export", "--db", db}, tc.args...)...)
		if api := apiExport(t, db, tc.query); out != api {
			t.Errorf("export %q:\n%s\nthe API's:\n%s", tc.args, out, api)
		}
	}
	out, _ := mustCode(t, exitOK, nil, "export", "--db", db, "--format", "csv", "--year", "1976")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); !strings.HasPrefix(lines[0], "id,title,type,date") {
		t.Errorf("CSV export: %q", out)
	}
	out, _ = mustCode(t, exitOK, nil, "export", "--db", db, "--format", "kml")
	if !strings.Contains(out, "<kml") || strings.Count(out, "<Placemark") != 6 {
		t.Errorf("KML export of %d bytes lacks the 6 Placemarks", len(out))
	}
	mustCode(t, exitFailure, nil, "export", "--db", filepath.Join(dir, "none.db"))
}

// apiExport answers GET /api/export.geojson?query from the database.
func apiExport(t *testing.T, db, query string) string {
	t.Helper()
	st, err := data.Open(db, nil, data.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mdl, _ := data.LoadMDL()
	res, err := server.New(st, mdl, nil, server.Config{}).App().Test(httptest.NewRequest("GET", "/api/export.geojson?"+query, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("the API's export: %d %s", res.StatusCode, b)
	}
	return string(b)
}

// comparable returns the exported incidents without the times they were
// written, which differ from one run to the next.
func withoutTimes(t *testing.T, out string) []string {
	t.Helper()
	var fc struct {
		Features []map[string]any `json:"features"`
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fc.Features {
		props := f["properties"].(map[string]any)
		delete(props, "created")
		delete(props, "updated")
		b, _ := json.Marshal(f)
		got = append(got, string(b))
	}
	return got
}

func TestGen(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	_, errs := mustCode(t, exitOK, nil, "gen", "--db", a, "--n", "300", "--seed", "7")
	if !strings.Contains(errs, "wrote 300 synthetic incidents") || count(t, a) != 300 {
		t.Errorf("gen: %q, %d stored", errs, count(t, a))
	}
	mustCode(t, exitOK, nil, "gen", "--db", b, "--n", "300", "--seed", "7")
	outA, _ := mustCode(t, exitOK, nil, "export", "--db", a)
	outB, _ := mustCode(t, exitOK, nil, "export", "--db", b)
	if !slices.Equal(withoutTimes(t, outA), withoutTimes(t, outB)) {
		t.Errorf("two gens with one seed differ")
	}
	st, err := data.Open(a, nil, data.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.History("gen-0000000"); data.ErrorKind(err) != data.KindNotFound {
		t.Errorf("synthetic incidents have a history: %v", err)
	}
}

func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dmzmap.db")
	mustCode(t, exitOK, nil, "gen", "--db", db, "--n", "50")
	out := filepath.Join(dir, "copy.db")
	_, errs := mustCode(t, exitOK, nil, "backup", "--db", db, out)
	if !strings.Contains(errs, "written to "+out) || count(t, out) != 50 {
		t.Errorf("backup: %q, %d incidents in it", errs, count(t, out))
	}
	stdout, _ := mustCode(t, exitOK, nil, "backup", "--db", db, "-")
	if b, _ := os.ReadFile(out); !bytes.Equal([]byte(stdout), b) {
		t.Errorf("backup to stdout differs from backup to a file")
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, ".dmzmap-backup-*")); len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
	mustCode(t, exitFailure, nil, "backup", "--db", filepath.Join(dir, "none.db"), filepath.Join(dir, "x.db"))

	// Restore the copy over a database that has changed since.
	mustCode(t, exitOK, nil, "gen", "--db", db, "--n", "80", "--seed", "1")
	if n := count(t, db); n != 80 {
		t.Fatalf("%d incidents after the second gen, want 80", n)
	}
	_, errs = mustCode(t, exitOK, nil, "restore", "--db", db, out)
	if !strings.Contains(errs, db+".before-restore") || count(t, db) != 50 || count(t, db+".before-restore") != 80 {
		t.Errorf("restore: %q; %d incidents, want 50", errs, count(t, db))
	}
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("not a database"), 0o600)
	mustCode(t, exitFailure, nil, "restore", "--db", db, junk)
	if n := count(t, db); n != 50 {
		t.Errorf("%d incidents after refusing junk, want 50", n)
	}
	mustCode(t, exitFailure, nil, "restore", "--db", db, filepath.Join(dir, "missing.db"))
}

// TestBackupWhileServing backs up a database the server holds, through the
// server's /api/backup, and shows that restore refuses it.
func TestBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dmzmap.db")
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("  file-token  \nsecond line ignored\n"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done, logs := start(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--token-file", tokenFile}, envOf(nil))

	req, _ := http.NewRequest("POST", "http://"+addr+"/api/incidents", strings.NewReader(`{"type":"Feature","geometry":{"type":"Point","coordinates":[126.6767,37.9558]},
		"properties":{"title":"Added while serving","type":"shooting","date":"2020-05-03","location_precision_m":100,"direction":"none",
		"summary":"Shots.","sources":[{"title":"Report","url":"https://example.org/x","publisher":"Example"}],"confidence":"high"}}`))
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set("Authorization", "Bearer file-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("POST with the token from the file: %s", res.Status)
	}

	out := filepath.Join(dir, "copy.db")
	env := map[string]string{"DMZMAP_DB_TIMEOUT": "100ms", "DMZMAP_SERVER": "http://" + addr}
	_, errs := mustCode(t, exitFailure, env, "backup", "--db", db, out)
	if !strings.Contains(errs, "no token") {
		t.Errorf("backup without a token: %q", errs)
	}
	env["DMZMAP_TOKEN"] = "wrong"
	if _, errs = mustCode(t, exitFailure, env, "backup", "--db", db, out); !strings.Contains(errs, "401") {
		t.Errorf("backup with a wrong token: %q", errs)
	}
	_, errs = mustCode(t, exitOK, env, "backup", "--db", db, "--token-file", tokenFile, out)
	if !strings.Contains(errs, "fetching the backup from http://"+addr) {
		t.Errorf("backup: %q", errs)
	}
	mdl, _ := data.LoadMDL()
	seed, _ := data.SeedIncidents(mdl)
	if n := count(t, out); n != len(seed)+1 {
		t.Errorf("the backup holds %d incidents, want the seed and the one added (%d)", n, len(seed)+1)
	}

	_, errs = mustCode(t, exitFailure, env, "restore", "--db", db, out)
	if !strings.Contains(errs, "stop dmzmap serve first") {
		t.Errorf("restore while serving: %q", errs)
	}
	csv := filepath.Join(dir, "in.csv")
	writeCSV(t, csv, testIncidents(t))
	_, errs = mustCode(t, exitFailure, env, "import", "--db", db, csv)
	if !strings.Contains(errs, "is dmzmap serve running?") {
		t.Errorf("import while serving: %q", errs)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "file-token") {
		t.Errorf("the log holds the token")
	}
}

func TestServeToken(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	mustCode(t, exitFailure, nil, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "a.db"), "--token-file", empty)
	mustCode(t, exitFailure, nil, "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "a.db"), "--token-file", filepath.Join(dir, "missing"))

	for _, tc := range []struct {
		name  string
		env   map[string]string
		token string
		want  int
	}{
		{"no token", nil, "anything", http.StatusForbidden},
		{"token in the environment", map[string]string{"DMZMAP_TOKEN": "env-token"}, "env-token", http.StatusUnprocessableEntity},
		{"wrong token", map[string]string{"DMZMAP_TOKEN": "env-token"}, "other", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			addr, done, _ := start(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "d.db")}, envOf(tc.env))
			req, _ := http.NewRequest("POST", "http://"+addr+"/api/incidents", strings.NewReader(`{"type":"Feature","geometry":{"type":"Point","coordinates":[126.6,37.9]},"properties":{}}`))
			req.Header.Set("Content-Type", "application/geo+json")
			req.Header.Set("Authorization", "Bearer "+tc.token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.want {
				t.Errorf("POST: %s, want %d", res.Status, tc.want)
			}
			cancel()
			<-done
		})
	}
}

func TestServeWriteRate(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, done, _ := start(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "d.db"), "--write-rate", "2"},
		envOf(map[string]string{"DMZMAP_TOKEN": "rate-token"}))
	var got []int
	for range 3 {
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/incidents", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/geo+json")
		req.Header.Set("Authorization", "Bearer rate-token")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		got = append(got, res.StatusCode)
	}
	if want := []int{http.StatusUnprocessableEntity, http.StatusUnprocessableEntity, http.StatusTooManyRequests}; !slices.Equal(got, want) {
		t.Errorf("three writes with --write-rate 2 answered %v, want %v", got, want)
	}
	if res, err := http.Get("http://" + addr + "/api/incidents?limit=1"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("a read after the limit: %v, %v", res, err)
	} else {
		res.Body.Close()
	}
	cancel()
	<-done
}
