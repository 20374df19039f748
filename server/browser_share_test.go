package server_test

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
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/dmzmap/dmzmap/server"
)

// hostPage serves, from a second loopback origin (another port), a page
// that frames the map's /embed and its main page.
func hostPage(t *testing.T, base string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	html := fmt.Sprintf(`<!doctype html><meta charset="utf-8"><title>A story</title>
<h1>A story about the DMZ</h1>
<iframe id="embed" src="%[1]s/embed?from=2017&amp;type=crossing" width="800" height="500" style="border:0"></iframe>
<iframe id="page" src="%[1]s/?from=2017&amp;type=crossing" width="400" height="200"></iframe>`, base)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, html)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// frameURLs returns the URL each child frame of the tab committed, by the
// id of its <iframe> element's name... by order: the embed's, then the page's.
func frameURLs(t *testing.T, ctx context.Context) []string {
	t.Helper()
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, c := range tree.FrameTree.ChildFrames {
		u := c.Frame.URL
		if c.Frame.UnreachableURL != "" {
			u += " (unreachable " + c.Frame.UnreachableURL + ")"
		}
		urls = append(urls, u)
	}
	return urls
}

type embedState struct {
	Status  string `json:"status"`
	Query   string `json:"query"`
	Markers int    `json:"markers"`
	Count   string `json:"count"`
	Legend  bool   `json:"legend"`
	Link    string `json:"link"`
	Panels  int    `json:"panels"`
	MapW    int    `json:"mapW"`
	MapH    int    `json:"mapH"`
	Canvas  int    `json:"canvas"`
}

const embedProbe = `(() => {
  if (!window.dmzmap || document.body.dataset.status !== 'idle' || document.body.dataset.live !== 'open') return false;
  const r = document.getElementById('map').getBoundingClientRect();
  const visible = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.offsetParent !== null).length;
  return {
    status: document.body.dataset.status,
    query: window.dmzmap.queryParams(),
    markers: window.dmzmap.cluster.getLayers().length,
    count: document.querySelector('.embed-info .count')?.textContent || '',
    legend: Boolean(document.querySelector('.leaflet-control.legend')),
    link: document.querySelector('.embed-info .embed-open')?.href || '',
    panels: visible('#filters, #timeline, .side, header.top'),
    mapW: Math.round(r.width), mapH: Math.round(r.height),
    canvas: document.querySelectorAll('#map canvas').length,
  };
})()`

func pdfPages(t *testing.T, file string) int {
	t.Helper()
	out, err := exec.Command("pdfinfo", file).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", file, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatalf("pdfinfo %s: no page count in %s", file, out)
	return 0
}

func pdfText(t *testing.T, file string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext %s: %v\n%s", file, err, out)
	}
	return string(out)
}

// pdfImages writes each page of file as a PNG beside it, for a person to
// look at.
func pdfImages(t *testing.T, file string) {
	t.Helper()
	if out, err := exec.Command("pdftoppm", "-r", "60", "-png", file, strings.TrimSuffix(file, ".pdf")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm %s: %v\n%s", file, err, out)
	}
}

func pdfTool(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdfinfo", "pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed: the print test needs poppler-utils in CI", tool)
			}
			t.Skipf("%s is not installed (apt-get install -y poppler-utils)", tool)
		}
	}
}

func TestBrowserShare(t *testing.T) {
	exe := chromium(t)
	const token = "share-test-token-0123456789"
	st := seededStore(t)
	base := serve(t, st, server.Config{Token: token})

	rec := &recorder{}
	ctx := newTab(t, exe, rec.listen)
	ctx, cancelTime := context.WithTimeout(ctx, 180*time.Second)
	defer cancelTime()

	t.Run("embed on another origin", func(t *testing.T) {
		host := hostPage(t, base)
		do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(host+"/"))
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("iframe#embed")))
		if err != nil || len(nodes) != 1 {
			t.Fatalf("the host page's iframe: %v, %d nodes", err, len(nodes))
		}
		s, err := chromedp.Run(ctx, chromedp.Poll[embedState](embedProbe,
			chromedp.WithPollingInFrame(nodes[0]), chromedp.WithPollingTimeout(30*time.Second)))
		if err != nil {
			t.Fatalf("the embedded map did not settle: %v (frames %q)", err, frameURLs(t, ctx))
		}
		want := apiIDs(t, base, "from=2017&to=2026&type=crossing")
		if s.Query != "from=2017&to=2026&type=crossing" && s.Query != "from=2017&to=2025&type=crossing" {
			t.Errorf("the embed's query %q, want from=2017 to the last year, crossings", s.Query)
		}
		want = apiIDs(t, base, s.Query)
		if s.Markers != len(want) || len(want) < 10 {
			t.Errorf("the embed shows %d markers, the API has %d for %s", s.Markers, len(want), s.Query)
		}
		if !strings.Contains(s.Count, strconv.Itoa(len(want))) {
			t.Errorf("the embed's count %q lacks %d", s.Count, len(want))
		}
		if !s.Legend || s.Panels != 0 || s.Canvas == 0 {
			t.Errorf("the embed: legend %v, %d side panels shown, %d canvases; want a legend, no panel, a drawn map", s.Legend, s.Panels, s.Canvas)
		}
		if s.MapW < 780 || s.MapH < 480 {
			t.Errorf("the embedded map is %d × %d in an 800 × 500 frame", s.MapW, s.MapH)
		}
		if !strings.HasPrefix(s.Link, base+"/?") || !strings.Contains(s.Link, "type=crossing") || !strings.Contains(s.Link, "from=2017") {
			t.Errorf("Open in dmzmap links to %q, want the full page with the same state", s.Link)
		}
		urls := frameURLs(t, ctx)
		if len(urls) != 2 || !strings.HasPrefix(urls[0], base+"/embed?") {
			t.Fatalf("frames %q, want the embed and the refused page", urls)
		}
		if !strings.HasPrefix(urls[1], "chrome-error://") {
			t.Errorf("framing / from %s gave a frame at %q, want it refused (chrome-error://)", host, urls[1])
		}
		saveScreenshot(t, ctx, "share-embed-host-1280.png", chromedp.CaptureScreenshot())
		// The embed alone, at 1280 and 390 px, in both languages; a marker
		// opens a popup that links to the incident's page.
		for _, lang := range []string{"en", "ko"} {
			for _, size := range [][2]int64{{1280, 720}, {390, 640}} {
				do(t, ctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(base+"/embed?from=2017&type=crossing&lang="+lang))
				settled(t, ctx)
				if size[0] == 1280 && lang == "en" {
					eval[any](t, ctx, `(async () => {
					  const { map, cluster } = window.dmzmap;
					  const m = cluster.getLayers().find((l) => l.incidentId === '2017-11-13-jsa-defection');
					  await new Promise((r) => cluster.zoomToShowLayer(m, r));
					  m.fire('click', { latlng: m.getLatLng() }, true);
					})()`)
					waitFor(t, ctx, `document.querySelector('.embed-popup a')?.getAttribute('href') === '/incidents/2017-11-13-jsa-defection'`)
				}
				saveScreenshot(t, ctx, fmt.Sprintf("share-embed-%d-%s.png", size[0], lang), chromedp.CaptureScreenshot())
			}
		}
		rec.forgetHost(host)
		rec.forgetRefusals(429) // the streams of the pages before, which the server has not yet seen closed
		rec.check(t, base)
	})

	const jsa = "2017-11-13-jsa-defection"

	t.Run("a link to one incident", func(t *testing.T) {
		do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/?sel="+jsa))
		waitFor(t, ctx, `(() => {
		  const d = window.dmzmap;
		  if (!d || document.getElementById('details').hidden) return false;
		  const m = d.cluster.getLayers().find((l) => l.incidentId === '`+jsa+`');
		  let ring = null;
		  d.map.eachLayer((l) => { if (l instanceof L.CircleMarker && l.options.radius === 17) ring = l; });
		  return Boolean(m && m._icon && ring && ring.getLatLng().equals(m.getLatLng()) && d.map.getZoom() >= 11 && document.body.dataset.status === 'idle');
		})()`)
		got := eval[struct {
			Title  string   `json:"title"`
			Zoom   float64  `json:"zoom"`
			Ring   bool     `json:"ring"`
			RingAt float64  `json:"ringAt"`
			InView bool     `json:"inView"`
			Link   string   `json:"link"`
			URLSel string   `json:"urlSel"`
			Feeds  []string `json:"feeds"`
		}](t, ctx, `(() => {
		  const d = window.dmzmap;
		  const m = d.cluster.getLayers().find((l) => l.incidentId === '`+jsa+`');
		  let ring = null;
		  d.map.eachLayer((l) => { if (l instanceof L.CircleMarker && l.options.radius === 17) ring = l; });
		  return {
		    title: document.getElementById('details-title').textContent,
		    zoom: d.map.getZoom(),
		    ring: Boolean(ring),
		    ringAt: ring ? ring.getLatLng().distanceTo(m.getLatLng()) : -1,
		    inView: d.map.getBounds().contains(m.getLatLng()),
		    link: document.getElementById('incident-link').value,
		    urlSel: new URLSearchParams(location.search).get('sel'),
		    feeds: [...document.querySelectorAll('head link[rel="alternate"]')].map((l) => l.type + ' ' + l.getAttribute('href')),
		  };
		})()`)
		if !strings.Contains(got.Title, "JSA") || got.Zoom < 11 || !got.Ring || got.RingAt != 0 || !got.InView || got.URLSel != jsa {
			t.Errorf("/?sel=%s shows %+v; want its details, zoomed in to 11 or more, its marker out of its cluster, ringed and in view", jsa, got)
		}
		if got.Link != base+"/incidents/"+jsa {
			t.Errorf("the details' link %q, want %s/incidents/%s", got.Link, base, jsa)
		}
		saveScreenshot(t, ctx, "share-sel-1280-en.png", chromedp.CaptureScreenshot())
		wantFeeds := []string{"application/atom+xml /api/feed.atom", "application/feed+json /api/feed.json"}
		if strings.Join(got.Feeds, "|") != strings.Join(wantFeeds, "|") {
			t.Errorf("the head's alternate links %q, want %q", got.Feeds, wantFeeds)
		}
		// Copy link puts the incident page's URL on the clipboard.
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: base,
			}); err != nil {
				t.Fatalf("granting %s: %v", name, err)
			}
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(".share-link button.copy")))
		waitFor(t, ctx, `document.querySelector('.share-link [role=status]').textContent === 'Link copied.'`)
		if clip := eval[string](t, ctx, `navigator.clipboard.readText()`); clip != base+"/incidents/"+jsa {
			t.Errorf("the clipboard holds %q after Copy link, want the incident's page", clip)
		}
		// Cite this: text, BibTeX and CSL-JSON, as the API answers them.
		for _, format := range []string{"text", "bibtex", "csl-json"} {
			do(t, ctx, chromedp.Click(chromedp.CSS(`.cite-formats button[data-format="`+format+`"]`)))
			want := strings.TrimSpace(getText(t, base+"/api/incidents/"+jsa+"/cite?format="+format))
			wantAll := strings.TrimSpace(getText(t, base+"/api/cite?format="+format))
			waitFor(t, ctx, fmt.Sprintf(`document.getElementById('cite-incident').value === %q && document.getElementById('cite-dataset').value === %q`, want, wantAll))
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`.cite-formats button[data-format="text"]`)))
		for _, lang := range []string{"en", "ko"} {
			do(t, ctx, chromedp.EmulateViewport(1280, 1100), chromedp.Navigate(base+"/?sel="+jsa+"&lang="+lang))
			waitFor(t, ctx, `document.getElementById('cite-incident')?.value.includes('Accessed')`)
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('.share-link').scrollIntoView({ block: 'start' })`))
			saveScreenshot(t, ctx, "share-details-1280-"+lang+".png", chromedp.CaptureScreenshot())
			do(t, ctx, chromedp.EmulateViewport(390, 844))
			waitFor(t, ctx, `document.getElementById('cite-incident')?.value.includes('Accessed')`)
			do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('.share-link').scrollIntoView({ block: 'start' })`))
			saveScreenshot(t, ctx, "share-details-390-"+lang+".png", chromedp.CaptureScreenshot())
		}
		rec.forgetRefusals(429) // event streams of the pages before, which the server has not yet seen closed
		rec.check(t, base)
	})

	t.Run("an unknown incident", func(t *testing.T) {
		do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/?sel=no-such-incident"))
		// The page's link check (notices.js) says so, by the API's rules.
		waitFor(t, ctx, `(document.getElementById('notices')?.textContent || '').includes('no-such-incident')`)
		text := eval[string](t, ctx, `document.getElementById('notices').textContent`)
		if !strings.Contains(text, "no-such-incident") || !eval[bool](t, ctx, `document.getElementById('details').hidden`) {
			t.Errorf("an unknown sel: notice %q, details shown %v", text, !eval[bool](t, ctx, `document.getElementById('details').hidden`))
		}
		rec.forgetRefusals(404, 429)
		rec.check(t, base)
	})

	t.Run("embed dialog and downloads", func(t *testing.T) {
		const q = "from=2017&to=2025&type=crossing"
		for _, lang := range []string{"en", "ko"} {
			for _, width := range []int{1280, 390} {
				do(t, ctx, chromedp.EmulateViewport(int64(width), 860), chromedp.Navigate(base+"/?"+q+"&lang="+lang))
				settled(t, ctx)
				do(t, ctx, chromedp.Click(chromedp.CSS("#open-embed")))
				waitFor(t, ctx, `document.getElementById('embed-dialog')?.open === true`)
				if lang == "en" && width == 1280 {
					do(t, ctx, chromedp.Click(chromedp.CSS(`#embed-dialog button[data-size="600x400"]`)))
					code := eval[string](t, ctx, `document.getElementById('embed-code').value`)
					view := eval[string](t, ctx, `(() => { const p = new URLSearchParams(location.search); return 'z=' + p.get('z') + '&amp;lat=' + p.get('lat') + '&amp;lon=' + p.get('lon'); })()`)
					want := `<iframe src="` + base + `/embed?` + strings.ReplaceAll(q, "&", "&amp;") + "&amp;" + view + `" width="600" height="400"`
					if !strings.HasPrefix(code, want) || !strings.Contains(code, `title="dmzmap: incidents along the Korean DMZ"`) {
						t.Errorf("the embed code\n%s\nwant it to begin\n%s", code, want)
					}
					do(t, ctx, setValue("embed-width", "720"), setValue("embed-height", "480"))
					if code := eval[string](t, ctx, `document.getElementById('embed-code').value`); !strings.Contains(code, `width="720" height="480"`) {
						t.Errorf("the embed code after a width and height of 720 × 480: %s", code)
					}
				}
				saveScreenshot(t, ctx, fmt.Sprintf("share-embed-dialog-%d-%s.png", width, lang), chromedp.CaptureScreenshot())
				do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('embed-dialog').close()`))
				do(t, ctx, chromedp.Click(chromedp.CSS("#open-downloads")))
				waitFor(t, ctx, `document.getElementById('downloads-dialog')?.open === true`)
				saveScreenshot(t, ctx, fmt.Sprintf("share-downloads-dialog-%d-%s.png", width, lang), chromedp.CaptureScreenshot())
				if lang == "en" && width == 1280 {
					links := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll('#downloads-dialog a')].map((a) => [a.id, a.getAttribute('href')]))`)
					for _, ext := range []string{"geojson", "csv", "kml"} {
						href := links["download-"+ext]
						if href != "/api/export."+ext+"?"+q {
							t.Errorf("the %s download links to %q, want /api/export.%s?%s", ext, href, ext, q)
							continue
						}
						res, err := http.Get(base + href)
						if err != nil {
							t.Fatal(err)
						}
						res.Body.Close()
						if cd := res.Header.Get("Content-Disposition"); res.StatusCode != 200 || !strings.Contains(cd, `filename="dmz-incidents-2017-2025-crossing.`+ext+`"`) {
							t.Errorf("GET %s: %s, Content-Disposition %q", href, res.Status, cd)
						}
					}
					size := eval[[]int](t, ctx, `(() => { const s = window.dmzmap.map.getSize(); return [s.x, s.y]; })()`)
					img := links["download-image"]
					if !strings.HasPrefix(img, "/api/map.png?"+q+"&bbox=") || !strings.HasSuffix(img, fmt.Sprintf("&width=%d&height=%d", size[0], size[1])) {
						t.Errorf("Download image links to %q, want /api/map.png with the filters, the view's bbox and its size %v", img, size)
					}
					if hint := eval[string](t, ctx, `document.getElementById('qgis-hint').textContent`); !strings.Contains(hint, base+"/ogc") || !strings.Contains(hint, "OGC API") {
						t.Errorf("the QGIS line %q lacks %s/ogc", hint, base)
					}
				}
				do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('downloads-dialog').close()`))
			}
		}
		rec.forgetRefusals(429) // event streams of the pages before, which the server has not yet seen closed
		rec.check(t, base)
	})

	t.Run("print", func(t *testing.T) {
		pdfTool(t)
		cases := []struct {
			name, query string
			want        string // a query of the API for the incidents the list must hold
		}{
			{"crossings-en", "from=2017&type=crossing", "from=2017&type=crossing"},
			{"2010s-ko", "lang=ko&from=2010&to=2019", "from=2010&to=2019"},
		}
		for _, tc := range cases {
			do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/?"+tc.query))
			settled(t, ctx)
			eval[any](t, ctx, `window.dmzmap.preparePrint()`)
			pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(artifactDir(t), "share-print-"+tc.name+".pdf")
			if err := os.WriteFile(file, pdf, 0o644); err != nil {
				t.Fatal(err)
			}
			if n := pdfPages(t, file); n < 1 || n > 3 {
				t.Errorf("%s: the print has %d pages, want 1 to 3", tc.name, n)
			}
			text := strings.Join(strings.Fields(pdfText(t, file)), " ")
			// Korean lines break inside words, and pdftotext loses the
			// glyphs a Korean line takes from fallback fonts (Latin letters,
			// digits, "…"): compare the letters alone, and in Korean the
			// Hangul alone.
			ko := strings.Contains(tc.query, "lang=ko")
			letters := func(s string) string {
				return strings.Map(func(r rune) rune {
					if (ko && unicode.Is(unicode.Hangul, r)) || (!ko && unicode.IsLetter(r)) {
						return r
					}
					return -1
				}, s)
			}
			bare := letters(text)
			want := apiTitles(t, base, tc.want, strings.Contains(tc.query, "lang=ko"))
			missing := 0
			for _, title := range want {
				if !strings.Contains(bare, letters(title)) {
					missing++
					if missing < 4 {
						t.Errorf("%s: the printed list lacks %q", tc.name, title)
					}
				}
			}
			if missing > 0 {
				t.Errorf("%s: %d of %d titles missing from the print", tc.name, missing, len(want))
			}
			for _, control := range []string{"Reset filters", "Download GeoJSON", "필터 초기화", "Incidents per year", "Sign in"} {
				if strings.Contains(text, control) {
					t.Errorf("%s: the print shows the control %q", tc.name, control)
				}
			}
			if tc.name == "crossings-en" && (!strings.Contains(text, "Filters: years 2017–") || !strings.Contains(text, "types: Crossing") || !strings.Contains(text, "Legend")) {
				t.Errorf("%s: the print lacks the filters in words or the legend: %.400s", tc.name, text)
			}
			if tc.name == "all-ko" && !strings.Contains(text, "모든 사건") {
				t.Errorf("%s: the print lacks the filters in words: %.400s", tc.name, text)
			}
			pdfImages(t, file)
		}
		rec.forgetRefusals(429)
		rec.check(t, base)
	})

	t.Run("live", func(t *testing.T) {
		// A server of its own, so that the streams of the pages before
		// do not count against this client.
		base := serve(t, seededStore(t), server.Config{Token: token})
		do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/"))
		before := settled(t, ctx)
		waitFor(t, ctx, `document.body.dataset.live === 'open'`)
		year := time.Now().UTC().Year()
		id := fmt.Sprintf("%d-01-02-live-probe", year)
		body := fmt.Sprintf(`{"type":"Feature","id":%q,"geometry":{"type":"Point","coordinates":[127.05,38.27]},
		  "properties":{"title":"Live probe crossing","type":"crossing","date":"%d-01-02","date_precision":"day",
		  "location_precision_m":1000,"place":"Cheorwon","direction":"north_to_south","summary":"written while the page is open",
		  "casualties":{"killed":0,"wounded":0},"sources":[{"title":"Probe","url":"https://example.org/live","publisher":"Test"}],
		  "confidence":"low"}}`, id, year)
		req, _ := http.NewRequest("POST", base+"/api/incidents", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/geo+json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		rb, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 201 {
			t.Fatalf("POST /api/incidents: %s %s", res.Status, rb)
		}
		start := time.Now()
		waitFor(t, ctx, `document.getElementById('live-notice')?.textContent.includes('1 new incident') === true`)
		t.Logf("the notice showed %v after the write", time.Since(start).Round(time.Millisecond))
		if s := settled(t, ctx); s.Matched != before.Matched || s.Markers != before.Markers {
			t.Errorf("before the notice is applied the page changed: %+v", s)
		}
		saveScreenshot(t, ctx, "share-live-notice-1280-en.png", chromedp.CaptureScreenshot())
		do(t, ctx, chromedp.Click(chromedp.CSS("#live-apply")))
		waitFor(t, ctx, fmt.Sprintf(`document.getElementById('live-notice') === null && document.body.dataset.matched === '%d'`, before.Matched+1))
		after := settled(t, ctx)
		if after.Matched != before.Matched+1 || after.Total != before.Total+1 || after.Markers != before.Markers+1 {
			t.Errorf("after applying: matched %d, total %d, markers %d; before %d, %d, %d", after.Matched, after.Total, after.Markers, before.Matched, before.Total, before.Markers)
		}
		if ids := markerIDs(t, ctx); !slicesContains(ids, id) {
			t.Errorf("the map lacks the new incident's marker")
		}
		bar := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('#bars button[data-year="%d"]')?.getAttribute('aria-label') || ''`, year))
		if !strings.Contains(bar, "1 incident") && !strings.Contains(bar, ": 1") {
			t.Errorf("the timeline's %d bar reads %q, want one incident", year, bar)
		}
		count := eval[string](t, ctx, `document.getElementById('count').textContent`)
		if want := fmt.Sprintf("Showing %d of %d incidents", after.Matched, after.Total); count != want {
			t.Errorf("count %q, want %q", count, want)
		}
		// The list of the view holds it once the map shows its place.
		eval[any](t, ctx, `void window.dmzmap.map.setView([38.27, 127.05], 11, { animate: false })`)
		settled(t, ctx)
		if !eval[bool](t, ctx, `[...document.querySelectorAll('#list .title')].some((e) => e.textContent === 'Live probe crossing')`) {
			t.Errorf("the list lacks the new incident")
		}
		// A deletion, told in Korean.
		do(t, ctx, chromedp.Click(chromedp.CSS("#lang")))
		for _, m := range []string{"DELETE"} {
			res, err := http.Get(base + "/api/incidents/" + id)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			req, _ := http.NewRequest(m, base+"/api/incidents/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("If-Match", res.Header.Get("ETag"))
			req.Header.Set("X-Change-Reason", "the live test removes its probe")
			res, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode/100 != 2 {
				t.Fatalf("DELETE: %s", res.Status)
			}
		}
		waitFor(t, ctx, `document.getElementById('live-notice')?.textContent.includes('사건 1건이 바뀌었습니다') === true`)
		saveScreenshot(t, ctx, "share-live-notice-1280-ko.png", chromedp.CaptureScreenshot())
		do(t, ctx, chromedp.Click(chromedp.CSS("#live-apply")))
		waitFor(t, ctx, fmt.Sprintf(`document.getElementById('live-notice') === null && document.body.dataset.total === '%d'`, before.Total))
		if s := settled(t, ctx); s.Total != before.Total {
			t.Errorf("after the deletion the page counts %d of %d, want %d in all", s.Matched, s.Total, before.Total)
		}
		// A write the page redraws at once, as the editor does after its
		// own save, is not announced, whether its event comes before or
		// after the redraw.
		res, err = http.Get(base + "/api/incidents/2017-11-13-jsa-defection")
		if err != nil {
			t.Fatal(err)
		}
		jsaFeature, _ := io.ReadAll(res.Body)
		res.Body.Close()
		req, _ = http.NewRequest("PUT", base+"/api/incidents/2017-11-13-jsa-defection", strings.NewReader(
			strings.Replace(string(jsaFeature), `"confidence":"high"`, `"confidence":"medium"`, 1)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/geo+json")
		req.Header.Set("If-Match", res.Header.Get("ETag"))
		req.Header.Set("X-Change-Reason", "the live test's own edit")
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("PUT: %s", res.Status)
		}
		eval[any](t, ctx, `window.dmzmap.reload()`)
		time.Sleep(1500 * time.Millisecond) // three polls of the change log
		if n := eval[string](t, ctx, `document.getElementById('live-notice')?.textContent || ''`); n != "" {
			t.Errorf("the page announced a change it had already drawn: %q", n)
		}
		if c := eval[string](t, ctx, `window.dmzmap.cluster.getLayers().find((m) => m.incidentId === '2017-11-13-jsa-defection') ? 'yes' : ''`); c == "" {
			t.Errorf("the edited incident is not on the map")
		}
		rec.forgetRefusals(429) // the last page's stream, refused by the first server, told late
		rec.check(t, base)
	})
}

// forgetHost drops what the host page of the embed test did on purpose:
// its own requests, and the framing of / that the server refused.
func (r *recorder) forgetHost(host string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var problems, requests []string
	for _, p := range r.problems {
		if !strings.Contains(p, "violates the following Content Security Policy directive: \"frame-ancestors 'none'\"") {
			problems = append(problems, p)
		}
	}
	for _, u := range r.requests {
		if !strings.HasPrefix(u, host+"/") {
			requests = append(requests, u)
		}
	}
	r.problems, r.requests = problems, requests
}

func slicesContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// apiTitles returns the titles of the incidents the API answers for q.
// apiTitles returns the titles of the incidents q selects, in Korean
// (title_ko, where there is one) when ko is set.
func apiTitles(t *testing.T, base, q string, ko ...bool) []string {
	t.Helper()
	var fc struct {
		Features []struct {
			Properties struct {
				Title   string `json:"title"`
				TitleKo string `json:"title_ko"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(getText(t, base+"/api/incidents?limit=10000&"+q)), &fc); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, f := range fc.Features {
		if len(ko) > 0 && ko[0] && f.Properties.TitleKo != "" {
			titles = append(titles, f.Properties.TitleKo)
		} else {
			titles = append(titles, f.Properties.Title)
		}
	}
	return titles
}

func getText(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s: %v %s", u, err, res.Status)
	}
	return string(b)
}
