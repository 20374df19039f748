package server_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/dmzmap/dmzmap/data/datatest"
	"github.com/dmzmap/dmzmap/server"
)

// scaleN is the number of synthetic incidents of the test at scale: more
// than the page draws one by one (ALL_MAX in app.js, 3000).
const (
	scaleN = 8000
	allMax = 3000
)

// bboxParam formats a snapshot's bbox as the API's bbox parameter.
func bboxParam(b []float64) string {
	s := make([]string, len(b))
	for i, v := range b {
		s[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(s, ",")
}

// apiCount returns how many incidents /api/incidents matches for the query
// q narrowed to bbox.
func apiCount(t *testing.T, base, q string, bbox []float64) int {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	v.Set("bbox", bboxParam(bbox))
	v.Set("limit", "1")
	return getCollection(t, base+"/api/incidents?"+v.Encode()).NumberMatched
}

// checkList checks that the list shows the first incidents in view in date
// order, as /api/incidents answers for the page's query and the view.
func checkList(t *testing.T, ctx context.Context, base string, s snapshot) {
	t.Helper()
	v, _ := url.ParseQuery(s.Query)
	v.Set("bbox", bboxParam(s.View))
	v.Set("limit", "200")
	fc := getCollection(t, base+"/api/incidents?"+v.Encode())
	var want []string
	for _, f := range fc.Features {
		want = append(want, f.ID)
	}
	got := eval[[]string](t, ctx, `[...document.querySelectorAll('#list button[data-id]')].map((b) => b.dataset.id)`)
	if s.InView != fc.NumberMatched || !slices.Equal(got, want) {
		t.Errorf("query %q: the list shows %d of %d in view; the API has %d in view\n got %.5v…\nwant %.5v…",
			s.Query, len(got), s.InView, fc.NumberMatched, got, want)
	}
}

// TestBrowserAtScale drives the page over more incidents than it draws one
// by one: it must show the server's clusters of the view, whose counts add
// up to the API's, switch to markers when a filter or a closer view holds
// few enough, and keep the count and the list in agreement with the API.
func TestBrowserAtScale(t *testing.T) {
	exe := chromium(t)
	st := emptyStore(t)
	if err := st.AddSynthetic(context.Background(), scaleN, datatest.Seed); err != nil {
		t.Fatal(err)
	}
	base := serve(t, st, server.Config{})
	rec := &recorder{}
	ctx := newTab(t, exe, rec.listen)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/"))

	cellsCheck := func(t *testing.T, s snapshot) {
		t.Helper()
		if s.Mode != "cells" || s.Cells == 0 || s.Markers != 0 {
			t.Fatalf("query %q: mode %q with %d cells and %d markers; want cells only", s.Query, s.Mode, s.Cells, s.Markers)
		}
		if want := apiCount(t, base, s.Query, s.Loaded); s.CellSum != want {
			t.Errorf("query %q: the cells stand for %d incidents; the API has %d in %v", s.Query, s.CellSum, want, s.Loaded)
		}
	}

	t.Run("every incident, as the server's clusters", func(t *testing.T) {
		s := settled(t, ctx)
		if s.Matched != scaleN || s.Total != scaleN {
			t.Fatalf("the page shows %d of %d, want %d of %d", s.Matched, s.Total, scaleN, scaleN)
		}
		cellsCheck(t, s)
		checkList(t, ctx, base, s)
		rec.check(t, base)
	})

	wide, narrow := [2]int{1990, 2025}, [2]int{2017, 2018}
	t.Run("a wide year range stays clustered", func(t *testing.T) {
		eval[any](t, ctx, fmt.Sprintf(`window.dmzmap.setYears(%d, %d)`, wide[0], wide[1]))
		s := settled(t, ctx)
		want := len(apiIDs(t, base, s.Query))
		if s.Query != fmt.Sprintf("from=%d&to=%d", wide[0], wide[1]) || s.Matched != want {
			t.Fatalf("query %q matched %d; the API matches %d", s.Query, s.Matched, want)
		}
		if want <= allMax {
			t.Fatalf("%d-%d holds %d incidents, too few to test clustering", wide[0], wide[1], want)
		}
		cellsCheck(t, s)
		checkList(t, ctx, base, s)
		rec.check(t, base)
	})

	t.Run("a narrow year range draws every marker", func(t *testing.T) {
		eval[any](t, ctx, fmt.Sprintf(`window.dmzmap.setYears(%d, %d)`, narrow[0], narrow[1]))
		s := settled(t, ctx)
		want := apiIDs(t, base, s.Query)
		if len(want) > allMax || s.Mode != "all" || s.Cells != 0 || s.Matched != len(want) {
			t.Fatalf("query %q: mode %q, %d cells, %d matched; the API matches %d", s.Query, s.Mode, s.Cells, s.Matched, len(want))
		}
		if got := markerIDs(t, ctx); !slices.Equal(got, want) {
			t.Errorf("query %q: %d markers, the API matches %d", s.Query, len(got), len(want))
		}
		checkList(t, ctx, base, s)
		rec.check(t, base)
	})

	t.Run("a close view of every year draws the view's markers", func(t *testing.T) {
		eval[any](t, ctx, fmt.Sprintf(`window.dmzmap.setYears(%d, %d)`, 1953, time.Now().Year()))
		settled(t, ctx)
		eval[any](t, ctx, `void window.dmzmap.map.setView([38.25, 127.2], 12, { animate: false })`)
		s := settled(t, ctx)
		if s.Query != "" || s.Matched != scaleN {
			t.Fatalf("query %q matched %d, want every incident", s.Query, s.Matched)
		}
		v, _ := url.ParseQuery(s.Query)
		v.Set("bbox", bboxParam(s.Loaded))
		want := apiIDs(t, base, v.Encode())
		if s.Mode != "markers" || len(want) == 0 || len(want) > allMax {
			t.Fatalf("mode %q with %d incidents in %v; want markers for 1 to %d", s.Mode, len(want), s.Loaded, allMax)
		}
		if got := markerIDs(t, ctx); !slices.Equal(got, want) {
			t.Errorf("%d markers; the API has %d in %v", len(got), len(want), s.Loaded)
		}
		checkList(t, ctx, base, s)
		rec.check(t, base)
	})

	t.Run("a click on a cluster zooms in, one on the list opens the incident", func(t *testing.T) {
		eval[any](t, ctx, `void window.dmzmap.map.setView([38.1, 127.0], 8, { animate: false })`)
		s := settled(t, ctx)
		cellsCheck(t, s)
		z := eval[int](t, ctx, `window.dmzmap.map.getZoom()`)
		do(t, ctx, chromedp.Click(chromedp.CSS(`#map .leaflet-marker-pane .marker-cluster`)))
		waitFor(t, ctx, fmt.Sprintf(`window.dmzmap.map.getZoom() === %d`, z+2))
		settled(t, ctx)

		id := eval[string](t, ctx, `document.querySelector('#list button[data-id]').dataset.id`)
		do(t, ctx, chromedp.Click(chromedp.CSS(`#list button[data-id]`)))
		in, err := st.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, fmt.Sprintf(`document.getElementById('details-title')?.textContent === %q`, in.Title))
		rec.check(t, base)
	})
}
