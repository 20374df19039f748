package server_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

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
  if (!window.dmzmap || document.body.dataset.status !== 'idle') return false;
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
	out, err := exec.Command("pdftotext", "-layout", file, "-").CombinedOutput()
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
		// The embed alone, at 390 px, in both languages.
		for _, lang := range []string{"en", "ko"} {
			do(t, ctx, chromedp.EmulateViewport(390, 640), chromedp.Navigate(base+"/embed?from=2017&type=crossing&lang="+lang))
			settled(t, ctx)
			saveScreenshot(t, ctx, "share-embed-390-"+lang+".png", chromedp.CaptureScreenshot())
		}
		rec.forgetRefusals()
		rec.problems = nil
		rec.requests = nil
	})
	_ = embedState{}
}
