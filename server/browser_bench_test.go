package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/data/datatest"
	"github.com/dmzmap/dmzmap/server"
)

// benchPageServer serves n synthetic incidents and the page on a loopback
// port. The database, shared with the other benchmarks, is opened
// read-only, so that they may read it at the same time.
func benchPageServer(b *testing.B, n int) string {
	b.Helper()
	mdl, err := data.LoadMDL()
	if err != nil {
		b.Fatal(err)
	}
	st, err := data.Open(datatest.SyntheticDB(b, n), mdl, data.Options{Timeout: time.Minute, ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return serve(b, st, server.Config{})
}

// yearChange is the script that times one change of the year range through
// the page's own API, in the page: from the change to the end of the frame
// after the map, the list, the count and the timeline are redrawn.
const yearChange = `(async () => {
  const d = window.dmzmap;
  const t0 = performance.now();
  d.setYears(%d, %d);
  const s = await d.settled();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return { ms: performance.now() - t0, query: s.query, matched: s.matched, status: s.status };
})()`

// BenchmarkPage opens the page on 100,000 synthetic incidents in headless
// Chromium, with the browser's cache off, and reports, as the page measures
// them with performance.now(): first-render-ms, from the start of the
// navigation to the end of the frame in which the map (basemap, MDL, DMZ
// band and incidents), the count, the list and the timeline are all drawn;
// and year-change-ms, the median of ten changes of the year range, each
// from the change to the end of the frame that shows it everywhere.
func BenchmarkPage(b *testing.B) {
	exe := chromium(b)
	base := benchPageServer(b, 100000)
	ctx := newTab(b, exe, func(any) {})
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860)); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		b.Fatal(err)
	}
	type change struct {
		MS      float64 `json:"ms"`
		Query   string  `json:"query"`
		Matched int     `json:"matched"`
		Status  string  `json:"status"`
	}
	var first, changes []float64
	for b.Loop() {
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
			b.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
			b.Fatal(err)
		}
		first = append(first, eval[float64](b, ctx, `window.dmzmap.rendered`))
		for i := range 10 {
			from, to := 1960+3*i, 1975+4*i
			c := eval[change](b, ctx, fmt.Sprintf(yearChange, from, to))
			if want := fmt.Sprintf("from=%d&to=%d", from, to); c.Status != "idle" || c.Query != want || c.Matched == 0 {
				b.Fatalf("after setYears(%d, %d): status %q, query %q, %d matched; want idle, %q", from, to, c.Status, c.Query, c.Matched, want)
			}
			changes = append(changes, c.MS)
		}
	}
	b.ReportMetric(median(first), "first-render-ms")
	b.ReportMetric(median(changes), "year-change-ms")
	b.ReportMetric(slices.Max(changes), "year-change-max-ms")
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
