package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/dmzmap/dmzmap/assets"
	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/data/datatest"
	"github.com/dmzmap/dmzmap/server"
)

// xssID is an incident the browser test adds, whose title and summary hold
// markup that must show as text and never run.
const (
	xssID      = "2024-05-05-markup-probe"
	xssTitle   = `Markup probe <b>bold</b> <script>alert(2)</script>`
	xssSummary = `<img src=x onerror=alert(1)> must show as text`
)

// koID is an incident the browser test adds with its Korean text and a
// dispute between its two sources, to read in the Korean page.
const (
	koID      = "2024-05-06-korean-probe"
	koTitle   = "판문점 인근 북한군 귀순 시험 사건"
	koSummary = "북한군 병사 1명이 군사분계선을 넘어 귀순한 것으로 꾸민 시험용 기록이다."
	koPlace   = "경기 파주 판문점 인근"
)

// chromium returns the path of a Chromium to drive. Outside CI a missing
// browser skips the test; in CI (CI set) it fails it.
func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is not installed: the browser tests need it in CI (apt-get install -y chromium)")
	}
	t.Skip("Chromium is not installed (apt-get install -y chromium); skipping the browser tests outside CI")
	return ""
}

func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("DMZMAP_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "testout")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// saveScreenshot writes the image that shot takes to name in the
// artifact directory.
func saveScreenshot(t *testing.T, ctx context.Context, name string, shot chromedp.Action[[]byte]) {
	t.Helper()
	b, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(artifactDir(t), name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// seedTab starts a server on the seed dataset (startServer) and a tab of
// Chromium whose requests rec records, for at most timeout.
func seedTab(t *testing.T, timeout time.Duration) (context.Context, string, *recorder) {
	t.Helper()
	rec := &recorder{}
	base := startServer(t)
	ctx, cancel := context.WithTimeout(newTab(t, chromium(t), rec.listen), timeout)
	t.Cleanup(cancel)
	return ctx, base, rec
}

// startServer serves the seed dataset and the markup probe from a store in
// t.TempDir() on a random loopback port, and returns its base URL.
func startServer(t *testing.T) string {
	t.Helper()
	st := seededStore(t)
	probe, err := data.DecodeFeature([]byte(fmt.Sprintf(`{"type":"Feature","id":%q,
		"geometry":{"type":"Point","coordinates":[126.69,37.96]},
		"properties":{"title":%q,"type":"other","date":"2024-05-05","date_precision":"day",
		"location_precision_m":500,"location_note":"","place":"<i>JSA</i>","path":null,"direction":"none",
		"persons":"<u>nobody</u>","casualties":{"killed":null,"wounded":0,"note":""},
		"summary":%q,"sources":[{"title":"<em>Probe</em>","url":"https://example.org/probe","publisher":"Test"}],
		"confidence":"low","note":"added by the browser test","tags":[]}}`, xssID, xssTitle, xssSummary)))
	if err != nil {
		t.Fatal(err)
	}
	ko, err := data.DecodeFeature([]byte(fmt.Sprintf(`{"type":"Feature","id":%q,
		"geometry":{"type":"Point","coordinates":[126.75,37.93]},
		"properties":{"title":"Korean probe: a soldier crosses near Panmunjom","title_ko":%q,"type":"crossing",
		"date":"2024-05-06","date_precision":"day","location_precision_m":2000,"location_note":"","place":"Near Panmunjom, Paju",
		"place_ko":%q,"path":null,"direction":"north_to_south","persons":"one KPA soldier","casualties":{"killed":0,"wounded":0},
		"summary":"A test record of a soldier who crossed south.","summary_ko":%q,
		"sources":[{"title":"First","url":"https://example.org/first","publisher":"Probe Agency"},
		  {"title":"Second","url":"https://example.org/second","publisher":"Other Daily"}],
		"disputes":[{"field":"persons","claims":[{"value":"one soldier","value_ko":"병사 1명","source":0},
		  {"value":"two soldiers","value_ko":"병사 2명","source":1}],"note":"the record follows the first"}],
		"confidence":"low","note":"added by the browser test","tags":[]}}`, koID, koTitle, koPlace, koSummary)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import([]*data.Incident{probe, ko}, data.ImportOptions{Mode: data.ModeUpsert}); err != nil {
		t.Fatal(err)
	}
	return serve(t, st, server.Config{})
}

// emptyStore opens a new, empty store in tb.TempDir().
func emptyStore(tb testing.TB) *data.Store {
	tb.Helper()
	return datatest.Open(tb)
}

// seededStore opens a new store in tb.TempDir() holding the seed dataset and its version.
func seededStore(tb testing.TB) *data.Store {
	tb.Helper()
	st := emptyStore(tb)
	if _, err := data.SeedEmbedded(st); err != nil {
		tb.Fatal(err)
	}
	return st
}

// serve serves st and the embedded page with cfg on a random loopback port
// until tb ends, and returns its base URL.
func serve(tb testing.TB, st *data.Store, cfg server.Config) string {
	tb.Helper()
	cfg.Assets = assets.FS
	srv := server.New(st, st.MDL(), slog.New(slog.DiscardHandler), cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Listen(ln)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String()
}

// recorder keeps what the page did that a test must look at: every
// request, every console error or uncaught exception, every dialog.
type recorder struct {
	mu       sync.Mutex
	requests []string
	problems []string
	dialogs  []string
}

func (r *recorder) add(list *[]string, s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*list = append(*list, s)
}

func (r *recorder) listen(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r.add(&r.requests, ev.Request.URL)
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		r.add(&r.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == "error" || ev.Type == "assert" {
			var args []string
			for _, a := range ev.Args {
				if a.Description != "" {
					args = append(args, a.Description)
				} else {
					args = append(args, string(a.Value))
				}
			}
			r.add(&r.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError {
			r.add(&r.problems, fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *page.EventJavascriptDialogOpening:
		r.add(&r.dialogs, string(ev.Type)+": "+ev.Message)
	}
}

// check fails t for any console problem, dialog, or request to a host
// other than the server's, and forgets them.
func (r *recorder) check(t *testing.T, base string) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.problems {
		t.Errorf("console: %s", p)
	}
	for _, d := range r.dialogs {
		t.Errorf("the page opened a dialog: %s", d)
	}
	for _, u := range r.requests {
		if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "blob:") {
			continue
		}
		if !strings.HasPrefix(u, base+"/") {
			t.Errorf("request to another host: %s", u)
		}
		if strings.HasPrefix(u, base+"/x") {
			t.Errorf("the markup probe's <img src=x> was loaded: %s", u)
		}
	}
	r.problems, r.dialogs, r.requests = nil, nil, nil
}

// snapshot is what window.dmzmap.settled() reports.
type snapshot struct {
	Status    string `json:"status"`
	Query     string `json:"query"`
	Matched   int    `json:"matched"`
	Total     int    `json:"total"`
	Features  int    `json:"features"`
	Markers   int    `json:"markers"`
	OnMap     int    `json:"onMap"`
	Crossings int    `json:"crossings"`
	Paths     int    `json:"paths"`
	// Mode is how the map shows the incidents: "all" of them as markers,
	// the view's as "markers", or the view's server clusters as "cells".
	Mode    string    `json:"mode"`
	Cells   int       `json:"cells"`   // cluster markers from /api/clusters
	CellSum int       `json:"cellSum"` // the incidents they stand for
	Listed  int       `json:"listed"`  // incidents in the list
	InView  int       `json:"inView"`  // incidents in view, the list's count
	View    []float64 `json:"view"`    // the map's view as a bbox
	Loaded  []float64 `json:"loaded"`  // the bbox loaded in the view modes
}

func settled(t testing.TB, ctx context.Context) snapshot {
	t.Helper()
	// The page's modules run before the load event Navigate waits for, yet
	// on a machine under heavy load window.dmzmap was twice missing just
	// after it: wait for it, and say so plainly if it never comes.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!window.dmzmap`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the page's script did not run (no window.dmzmap): %v", err)
	}
	s, err := chromedp.Run(ctx, chromedp.Evaluate[snapshot](`window.dmzmap.settled()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("waiting for the page to settle: %v", err)
	}
	if s.Status != "idle" {
		t.Fatalf("page status %q, want idle", s.Status)
	}
	return s
}

func eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

type apiCollection struct {
	Type     string `json:"type"`
	Features []struct {
		ID string `json:"id"`
	} `json:"features"`
	NumberMatched int `json:"numberMatched"`
}

func getCollection(t *testing.T, u string) apiCollection {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	var fc apiCollection
	if err := json.NewDecoder(res.Body).Decode(&fc); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return fc
}

// apiIDs returns the ids /api/incidents answers for the query q, sorted,
// and checks they are all of its numberMatched.
func apiIDs(t *testing.T, base, q string) []string {
	t.Helper()
	sep := "?"
	if q != "" {
		sep = "?" + q + "&"
	}
	fc := getCollection(t, base+"/api/incidents"+sep+"limit=10000")
	if len(fc.Features) != fc.NumberMatched {
		t.Fatalf("/api/incidents?%s returned %d of %d", q, len(fc.Features), fc.NumberMatched)
	}
	ids := make([]string, len(fc.Features))
	for i, f := range fc.Features {
		ids[i] = f.ID
	}
	slices.Sort(ids)
	return ids
}

// markerIDs returns the incident ids of every marker in the cluster group,
// clustered or not, sorted.
func markerIDs(t *testing.T, ctx context.Context) []string {
	t.Helper()
	ids := eval[[]string](t, ctx, `window.dmzmap.cluster.getLayers().map((m) => m.incidentId)`)
	slices.Sort(ids)
	return ids
}

// checkMap checks that the map shows exactly the incidents the API
// answers for the page's own query, and that the count says so.
func checkMap(t *testing.T, ctx context.Context, base, wantQuery string) snapshot {
	t.Helper()
	s := settled(t, ctx)
	if s.Query != wantQuery {
		t.Fatalf("page query %q, want %q", s.Query, wantQuery)
	}
	want := apiIDs(t, base, s.Query)
	if s.Matched != len(want) || s.Markers != len(want) || s.Features != len(want) {
		t.Errorf("query %q: page matched %d, markers %d, features %d; the API matches %d",
			s.Query, s.Matched, s.Markers, s.Features, len(want))
	}
	if got := markerIDs(t, ctx); !slices.Equal(got, want) {
		t.Errorf("query %q: marker ids differ from the API's\n got %v\nwant %v", s.Query, got, want)
	}
	count := eval[string](t, ctx, `document.getElementById('count').textContent`)
	if wantText := fmt.Sprintf("Showing %d of %d incidents", len(want), s.Total); count != wantText {
		t.Errorf("count reads %q, want %q", count, wantText)
	}
	return s
}

// domMarkerCount fits the map to every marker and adds up what the DOM
// shows: one per single marker, and the number written on each cluster.
const domMarkerCount = `(async () => {
  const { map, cluster } = window.dmzmap;
  map.fitBounds(cluster.getBounds(), { animate: false, padding: [30, 30] });
  await new Promise((r) => setTimeout(r, 500));
  let n = 0;
  for (const el of document.querySelectorAll('#map .leaflet-marker-pane .leaflet-marker-icon')) {
    n += el.classList.contains('marker-cluster') ? Number(el.textContent.replace(/\D/g, '')) : 1;
  }
  return n;
})()`

// newTab starts a headless Chromium at exe, with the launch flags that keep
// it off the network, and returns a tab whose events go to each of
// listeners. Both end when tb does.
func newTab(tb testing.TB, exe string, listeners ...func(ev any)) context.Context {
	tb.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1280, 860),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	var tabOpts []chromedp.ContextOption
	for _, l := range listeners {
		tabOpts = append(tabOpts, chromedp.WithListener(l))
	}
	ctx, cancelTab := chromedp.NewContext(allocCtx, tabOpts...)
	tb.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// A dialog blocks the page: dismiss any at once (a recorder among the
	// listeners fails the test for it).
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return ctx
}

func TestBrowser(t *testing.T) {
	exe := chromium(t)
	base := startServer(t)

	rec := &recorder{}
	ctx := newTab(t, exe, rec.listen)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTime()

	viewport := chromedp.EmulateViewport(1280, 860)
	if err := chromedp.Do(ctx, viewport, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}

	t.Run("loads offline with every incident", func(t *testing.T) {
		s := checkMap(t, ctx, base, "")
		if s.Total != s.Matched || s.Total < 2 {
			t.Errorf("with no filter the page shows %d of %d", s.Matched, s.Total)
		}
		lang := eval[string](t, ctx, `document.documentElement.lang`)
		if lang != "en" {
			t.Errorf("html lang %q, want en", lang)
		}
		attribution := eval[string](t, ctx, `document.querySelector('.leaflet-control-attribution').textContent`)
		if !strings.Contains(attribution, "OpenStreetMap contributors") || !strings.Contains(attribution, "Natural Earth") {
			t.Errorf("attribution %q lacks the basemap's credits", attribution)
		}
		// The basemap, the MDL and the DMZ band have been drawn.
		layers := eval[map[string]int](t, ctx, `(() => {
		  const n = (g) => { let c = 0; g.eachLayer(() => c++); return c; };
		  const out = {};
		  window.dmzmap.map.eachLayer((l) => { if (l.feature) { const k = l.feature.properties?.kind || l.feature.geometry.type; out[k] = (out[k] || 0) + 1; } });
		  out.panes = document.querySelectorAll('.leaflet-pane canvas').length;
		  return out;
		})()`)
		if layers["MultiPolygon"] == 0 || layers["LineString"] == 0 || layers["dmz"] == 0 {
			t.Errorf("vector layers drawn: %v; want land (MultiPolygon), the MDL (LineString) and the DMZ band (dmz)", layers)
		}
		saveScreenshot(t, ctx, "browser-page.png", chromedp.CaptureScreenshot())
		if got := eval[int](t, ctx, domMarkerCount); got != s.Matched {
			t.Errorf("the DOM shows %d markers (clusters counted by their number), want %d", got, s.Matched)
		}
		rec.check(t, base)
	})

	t.Run("year range", func(t *testing.T) {
		eval[any](t, ctx, `window.dmzmap.setYears(2017, 2025)`)
		checkMap(t, ctx, base, "from=2017&to=2025")
		years := eval[[]string](t, ctx, `[...document.querySelectorAll('#list .date')].map((e) => e.textContent.slice(-4))`)
		for _, y := range years {
			if y < "2017" || y > "2025" {
				t.Errorf("the list shows an incident of %s, outside 2017–2025", y)
			}
		}
		// The keyboard moves a handle: one step left on the first is 2016.
		if err := chromedp.Do(ctx,
			chromedp.Focus(chromedp.CSS("#years .noUi-handle-lower")),
			chromedp.KeyEvent(kb.ArrowLeft),
		); err != nil {
			t.Fatal(err)
		}
		checkMap(t, ctx, base, "from=2016&to=2025")
		if v := eval[string](t, ctx, `document.querySelector('#years .noUi-handle-lower').getAttribute('aria-valuenow')`); !strings.HasPrefix(v, "2016") {
			t.Errorf("lower handle aria-valuenow %q, want 2016", v)
		}
		rec.check(t, base)
	})

	t.Run("timeline bar", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#bars button[data-year="2017"]`))); err != nil {
			t.Fatal(err)
		}
		s := checkMap(t, ctx, base, "year=2017")
		if s.Matched == 0 {
			t.Errorf("no incident in 2017; the seed should have some")
		}
		pressed := eval[string](t, ctx, `document.querySelector('#bars button[data-year="2017"]').getAttribute('aria-pressed')`)
		if pressed != "true" {
			t.Errorf("the 2017 bar has aria-pressed %q, want true", pressed)
		}
		rec.check(t, base)
	})

	t.Run("export", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true),
		}); err != nil {
			t.Fatal(err)
		}
		href := eval[string](t, ctx, `document.getElementById('export').getAttribute('href')`)
		query := eval[string](t, ctx, `window.dmzmap.queryParams()`)
		if href != "/api/export.geojson?"+query {
			t.Errorf("export href %q, want /api/export.geojson?%s", href, query)
		}
		dlCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		begins := chromedp.BrowserEvents(dlCtx, browser.DownloadWillBegin)
		progress := chromedp.BrowserEvents(dlCtx, browser.DownloadProgress)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("export"))); err != nil {
			t.Fatal(err)
		}
		var name string
		for ev, err := range begins {
			if err != nil {
				t.Fatalf("no download began: %v", err)
			}
			name = ev.SuggestedFilename
			break
		}
		var file string
		for ev, err := range progress {
			if err != nil {
				t.Fatalf("the download did not complete: %v", err)
			}
			if ev.State == browser.DownloadProgressStateCompleted {
				file = filepath.Join(dir, ev.GUID)
				break
			}
			if ev.State == browser.DownloadProgressStateCanceled {
				t.Fatal("the download was canceled")
			}
		}
		if !strings.Contains(name, "2017") || !strings.HasSuffix(name, ".geojson") {
			t.Errorf("download named %q, want a .geojson name that says 2017", name)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var fc apiCollection
		if err := json.Unmarshal(b, &fc); err != nil {
			t.Fatalf("the export is not JSON: %v", err)
		}
		want := apiIDs(t, base, query)
		if fc.Type != "FeatureCollection" || len(fc.Features) != len(want) {
			t.Errorf("export: a %s of %d features, want a FeatureCollection of %d", fc.Type, len(fc.Features), len(want))
		}
		if s := settled(t, ctx); len(fc.Features) != s.Matched {
			t.Errorf("export holds %d features, the page shows %d", len(fc.Features), s.Matched)
		}
		rec.check(t, base)
	})

	t.Run("reload restores the filter and view", func(t *testing.T) {
		// Set a filter through the controls: years, a type off, a search.
		eval[any](t, ctx, `window.dmzmap.setYears(1960, 2020)`)
		settled(t, ctx)
		word := searchWord(t, base, "from=1960&to=2020&type=crossing,incursion,infiltration,shooting,tunnel,landmine,abduction")
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("type-other")),
			chromedp.SendKeys(chromedp.ID("q"), word+"\r"),
		); err != nil {
			t.Fatal(err)
		}
		wantQuery := "from=1960&to=2020&type=crossing%2Cincursion%2Cinfiltration%2Cshooting%2Ctunnel%2Clandmine%2Cabduction&q=" + url.QueryEscape(word)
		before := checkMap(t, ctx, base, wantQuery)
		if before.Matched == 0 {
			t.Fatalf("the filter for the reload test matches nothing")
		}
		eval[any](t, ctx, `void window.dmzmap.map.setView([38.05, 127.1], 9, { animate: false })`)
		settled(t, ctx)
		href := eval[string](t, ctx, `location.href`)
		if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
			t.Fatal(err)
		}
		after := checkMap(t, ctx, base, wantQuery)
		if after.Matched != before.Matched {
			t.Errorf("after the reload the page shows %d, before %d", after.Matched, before.Matched)
		}
		if got := eval[string](t, ctx, `location.href`); got != href {
			t.Errorf("after the reload the URL is %s, want %s", got, href)
		}
		type controls struct {
			From, To, Q, Out string
			Other, Crossing  bool
			Lat, Lon         float64
			Zoom             int
		}
		got := eval[controls](t, ctx, `(() => {
		  const h = (c) => document.querySelector('#years .noUi-handle-' + c).getAttribute('aria-valuenow');
		  const c = window.dmzmap.map.getCenter();
		  return { From: h('lower'), To: h('upper'), Q: document.getElementById('q').value,
		    Out: document.getElementById('years-out').textContent,
		    Other: document.getElementById('type-other').checked, Crossing: document.getElementById('type-crossing').checked,
		    Lat: c.lat, Lon: c.lng, Zoom: window.dmzmap.map.getZoom() };
		})()`)
		if !strings.HasPrefix(got.From, "1960") || !strings.HasPrefix(got.To, "2020") || got.Out != "1960 – 2020" ||
			got.Q != word || got.Other || !got.Crossing {
			t.Errorf("controls after the reload: %+v; want years 1960–2020, q %q, other off, crossing on", got, word)
		}
		if got.Zoom != 9 || math.Abs(got.Lat-38.05) > 1e-4 || math.Abs(got.Lon-127.1) > 1e-4 {
			t.Errorf("view after the reload: %.5f, %.5f at zoom %d; want 38.05, 127.1 at 9", got.Lat, got.Lon, got.Zoom)
		}
		rec.check(t, base)
	})

	t.Run("markup in the data shows as text", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/?sel="+xssID)); err != nil {
			t.Fatal(err)
		}
		settled(t, ctx)
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("details-title"))); err != nil {
			t.Fatal(err)
		}
		// Select it again from the list, as a user would.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#list button[data-id="`+xssID+`"]`))); err != nil {
			t.Fatal(err)
		}
		type details struct {
			Title, Summary, Text string
			Elements             int
			Visible              bool
		}
		got := eval[details](t, ctx, `(async () => {
		  await new Promise((r) => setTimeout(r, 300));
		  const body = document.getElementById('details-body');
		  const s = body.querySelector('.summary');
		  return { Title: document.getElementById('details-title').textContent, Summary: s.textContent, Text: body.textContent,
		    Elements: body.querySelectorAll('img, script, b, i, u, em').length,
		    Visible: s.getBoundingClientRect().height > 0 && getComputedStyle(s).visibility === 'visible' };
		})()`)
		if got.Title != xssTitle || got.Summary != xssSummary || !got.Visible {
			t.Errorf("details: title %q, summary %q (visible %v); want them as the text %q and %q", got.Title, got.Summary, got.Visible, xssTitle, xssSummary)
		}
		for _, s := range []string{"<i>JSA</i>", "<u>nobody</u>", "<em>Probe</em>", "unknown"} {
			if !strings.Contains(got.Text, s) {
				t.Errorf("details lack the text %q: %q", s, got.Text)
			}
		}
		if got.Elements != 0 {
			t.Errorf("the details hold %d elements made from the data's markup", got.Elements)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#list img, #list script, #list b').length`); n != 0 {
			t.Errorf("the list holds %d elements made from the data's markup", n)
		}
		rec.check(t, base)
	})

	t.Run("Korean", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("lang"))); err != nil {
			t.Fatal(err)
		}
		got := eval[map[string]string](t, ctx, `({ lang: document.documentElement.lang, filters: document.getElementById('filters-title').textContent,
		  url: location.search, count: document.getElementById('count').textContent })`)
		if got["lang"] != "ko" || got["filters"] != "필터" || !strings.Contains(got["url"], "lang=ko") || !strings.Contains(got["count"], "건") {
			t.Errorf("after switching to Korean: %v", got)
		}
		rec.check(t, base)
	})

	t.Run("Korean details and disputes", func(t *testing.T) {
		type details struct {
			Title, Summary, Facts, Disputes, List, Places, Landmark string
		}
		read := `(async () => {
		  await new Promise((r) => setTimeout(r, 300));
		  const body = document.getElementById('details-body');
		  const d = body.querySelector('#details-disputes');
		  const item = document.querySelector('#list button[data-id="` + koID + `"] .title');
		  let landmark = '';
		  window.dmzmap.map.eachLayer((l) => { const tip = l.getTooltip?.(); if (tip && /JSA/.test(tip.getContent()?.textContent || '')) landmark = tip.getContent().textContent; });
		  return { Title: document.getElementById('details-title').textContent, Summary: body.querySelector('.summary').textContent,
		    Facts: body.querySelector('.facts').textContent, Disputes: d ? d.textContent : '', List: item ? item.textContent : '',
		    Places: [...document.querySelectorAll('.place-label')].map((e) => e.textContent).join(' '), Landmark: landmark };
		})()`
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/?lang=ko&sel="+koID)); err != nil {
			t.Fatal(err)
		}
		settled(t, ctx)
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("details-title"))); err != nil {
			t.Fatal(err)
		}
		got := eval[details](t, ctx, read)
		if got.Title != koTitle || got.Summary != koSummary || !strings.Contains(got.Facts, koPlace) || got.List != koTitle {
			t.Errorf("Korean details: title %q, summary %q, facts %q, list item %q; want %q, %q, the place %q", got.Title, got.Summary, got.Facts, got.List, koTitle, koSummary, koPlace)
		}
		for _, w := range []string{"출처별 차이:", "인원: 병사 1명(Probe Agency), 병사 2명(Other Daily)", "the record follows the first"} {
			if !strings.Contains(got.Disputes, w) {
				t.Errorf("the Korean disputes block %q lacks %q", got.Disputes, w)
			}
		}
		if !strings.Contains(got.Places, "서울") || strings.Contains(got.Places, "Seoul") || !strings.Contains(got.Landmark, "판문점 공동경비구역") {
			t.Errorf("Korean map labels: places %q, JSA landmark %q; want 서울 and 판문점 공동경비구역", got.Places, got.Landmark)
		}
		saveScreenshot(t, ctx, "browser-page-ko-details.png", chromedp.CaptureScreenshot())

		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("lang"))); err != nil {
			t.Fatal(err)
		}
		got = eval[details](t, ctx, read)
		if !strings.HasPrefix(got.Title, "Korean probe") || !strings.Contains(got.Disputes, "Sources disagree:") ||
			!strings.Contains(got.Disputes, "persons: one soldier (Probe Agency); two soldiers (Other Daily)") || !strings.Contains(got.Places, "Seoul") {
			t.Errorf("back in English: title %q, disputes %q, places %.80q", got.Title, got.Disputes, got.Places)
		}

		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("lang")), chromedp.Click(chromedp.ID("about-open"))); err != nil {
			t.Fatal(err)
		}
		about := eval[map[string]any](t, ctx, `({ open: document.getElementById('about').open, text: document.getElementById('about').textContent })`)
		text, _ := about["text"].(string)
		ds, err := data.SeedDataset()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"데이터 소개", "데이터셋 버전 " + ds.Version, "수록 범위", "북방한계선(NLL)", "한강 하구", "50m", "출처 선정"} {
			if !strings.Contains(text, w) {
				t.Errorf("the Korean about dialog lacks %q: %.300q", w, text)
			}
		}
		if about["open"] != true {
			t.Errorf("the about dialog did not open")
		}
		saveScreenshot(t, ctx, "browser-page-ko-about.png", chromedp.CaptureScreenshot())
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("about-close"))); err != nil {
			t.Fatal(err)
		}
		rec.check(t, base)
	})

	t.Run("phone width", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(base+"/?year=2017"),
		); err != nil {
			t.Fatal(err)
		}
		settled(t, ctx)
		type box struct{ Width, Height, Top, Left float64 }
		type layout struct {
			Map, Filters, Timeline, Slider box
			ScrollWidth                    float64
		}
		got := eval[layout](t, ctx, `(() => {
		  const b = (sel) => { const r = document.querySelector(sel).getBoundingClientRect(); return { Width: r.width, Height: r.height, Top: r.top + scrollY, Left: r.left }; };
		  return { Map: b('#map'), Filters: b('#filters'), Timeline: b('#timeline'), Slider: b('#years'), ScrollWidth: document.documentElement.scrollWidth };
		})()`)
		if got.ScrollWidth > 390 {
			t.Errorf("the page is %v px wide at a 390 px viewport", got.ScrollWidth)
		}
		if got.Map.Width < 380 || got.Map.Height < 250 || got.Map.Top > 150 {
			t.Errorf("map at 390 px: %+v; want it full width, tall and at the top", got.Map)
		}
		if got.Filters.Width < 380 || got.Filters.Top < got.Map.Top+got.Map.Height || got.Slider.Width < 200 {
			t.Errorf("filters at 390 px: %+v (slider %+v); want them full width under the map", got.Filters, got.Slider)
		}
		saveScreenshot(t, ctx, "browser-page-390.png", chromedp.FullScreenshot(100))
		rec.check(t, base)
	})
}

// searchWord returns a word of at least five letters from the title of
// an incident that the query q selects, for a search that finds something.
func searchWord(t *testing.T, base, q string) string {
	t.Helper()
	var fc struct {
		Features []struct {
			Properties struct{ Title string } `json:"properties"`
		} `json:"features"`
	}
	res, err := http.Get(base + "/api/incidents?" + q + "&limit=50")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		for _, w := range strings.Fields(f.Properties.Title) {
			if len(w) >= 5 && strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
				return w
			}
		}
	}
	t.Fatalf("no word to search for in %s", q)
	return ""
}
