package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/dmzmap/dmzmap/server"
)

// apiProblemParams returns the parameters a 400 of /api/incidents names
// for the query q, sorted, or nil for a 200.
func apiProblemParams(t *testing.T, base, q string) []string {
	t.Helper()
	res, err := http.Get(base + "/api/incidents?limit=1&" + q)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusOK {
		return nil
	}
	var p struct {
		Errors []struct{ Parameter string } `json:"errors"`
	}
	if res.StatusCode != http.StatusBadRequest || json.NewDecoder(res.Body).Decode(&p) != nil {
		t.Fatalf("GET /api/incidents?%s: %s", q, res.Status)
	}
	var out []string
	for _, e := range p.Errors {
		if !slices.Contains(out, e.Parameter) {
			out = append(out, e.Parameter)
		}
	}
	slices.Sort(out)
	return out
}

type notice struct {
	Param, Key, Text string
}

func pageNotices(t *testing.T, ctx context.Context) []notice {
	t.Helper()
	return eval[[]notice](t, ctx, `[...document.querySelectorAll('#notices li')].map((li) => ({ Param: li.dataset.param, Key: li.dataset.key, Text: li.textContent }))`)
}

// TestBrowserLinks opens page links whose parameters break the API's
// rules: the page must name each wrong parameter, exactly those the API's
// 400 names for the same query, say what it shows instead, in the page's
// language, and correct the URL.
func TestBrowserLinks(t *testing.T) {
	ctx, base, rec := seedTab(t, 2*time.Minute)
	do(t, ctx, chromedp.EmulateViewport(1280, 860))

	long := strings.Repeat("a", 201)
	cases := []struct {
		name, link string
		wantQuery  string // the page's query for the API after correction
		wantKey    string // the notice's text key for the first parameter
		shows      string // what the notice says is shown instead
	}{
		{"a year before the armistice", "year=1800", "", "nYearRange", "Showing every year instead."},
		{"a year not four digits", "year=17", "", "nYearBad", "Showing every year instead."},
		{"a year in the future", "year=2999", "", "nYearRange", "Showing every year instead."},
		{"from after to", "from=2025&to=2017", "from=2017&to=2025", "nFromAfterTo", "Showing 2017–2025 instead."},
		{"year with from", "year=2017&from=2010&to=2020", "from=2010&to=2020", "nYearBoth", "Showing 2010–2020 instead."},
		{"an unknown type", "type=bogus", "", "nList", "Showing all of them instead."},
		{"an unknown type among known ones", "type=crossing,bogus", "type=crossing", "nList", "Showing Crossing instead."},
		{"an unknown direction", "direction=up", "", "nList", "Showing all of them instead."},
		{"an unknown sector", "sector=bogus", "", "nList", "Showing all of them instead."},
		{"one km", "km=10", "", "nKm", "Showing the whole line instead."},
		{"km backwards", "km=50,10", "", "nKm", "Showing the whole line instead."},
		{"km negative", "km=-1,5", "", "nKm", "Showing the whole line instead."},
		{"an unknown parameter", "foo=1", "", "nUnknown", "It was left out."},
		{"a parameter twice", "type=tunnel&type=shooting", "type=tunnel", "nRepeated", "The first one is used."},
		{"a long search", "q=" + long, "q=" + long[:200], "nQLong", "Searching for its first 200 characters instead."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			do(t, ctx, chromedp.Navigate(base+"/?"+tc.link))
			s := settled(t, ctx)
			got := pageNotices(t, ctx)
			var params []string
			for _, n := range got {
				if !slices.Contains(params, n.Param) {
					params = append(params, n.Param)
				}
			}
			slices.Sort(params)
			if want := apiProblemParams(t, base, tc.link); !slices.Equal(params, want) {
				t.Errorf("?%s: the page names %v; the API's 400 names %v (notices %v)", tc.link, params, want, got)
			}
			if len(got) == 0 || got[0].Key != tc.wantKey || !strings.HasSuffix(got[0].Text, tc.shows) {
				t.Errorf("?%s: notices %+v; want %s saying %q", tc.link, got, tc.wantKey, tc.shows)
			}
			if s.Query != tc.wantQuery {
				t.Errorf("?%s: the page asks the API for %q, want %q", tc.link, s.Query, tc.wantQuery)
			}
			if apiProblemParams(t, base, s.Query) != nil {
				t.Errorf("?%s: the page's own query %q is refused by the API", tc.link, s.Query)
			}
			// The URL is corrected: it holds the page's query and no wrong parameter.
			search := eval[string](t, ctx, `location.search`)
			v, _ := url.ParseQuery(strings.TrimPrefix(search, "?"))
			for _, p := range []string{"z", "lat", "lon", "sel", "lang"} {
				v.Del(p)
			}
			want, _ := url.ParseQuery(tc.wantQuery)
			if !maps.EqualFunc(v, want, slices.Equal) {
				t.Errorf("?%s: the URL is corrected to %s, want the filters %q", tc.link, search, tc.wantQuery)
			}
			rec.check(t, base)
		})
	}

	t.Run("a good link has no notice", func(t *testing.T) {
		link := "from=1960&to=2020&type=crossing,shooting&sector=western,jsa&km=0,120.5&q=soldier"
		if p := apiProblemParams(t, base, link); p != nil {
			t.Fatalf("the API refuses %s: %v", link, p)
		}
		do(t, ctx, chromedp.Navigate(base+"/?"+link))
		s := settled(t, ctx)
		if n := pageNotices(t, ctx); len(n) != 0 || !eval[bool](t, ctx, `document.getElementById('notices').hidden`) {
			t.Errorf("?%s: notices %v", link, n)
		}
		if s.Query != mustEncode(link) {
			t.Errorf("the page asks for %q, want %q", s.Query, mustEncode(link))
		}
		rec.check(t, base)
	})

	t.Run("an incident that does not exist", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/?sel=no-such-incident"))
		settled(t, ctx)
		got := pageNotices(t, ctx)
		if len(got) != 1 || got[0].Param != "sel" || !strings.Contains(got[0].Text, `No incident has the id “no-such-incident”. No incident is selected.`) {
			t.Errorf("notices %+v", got)
		}
		if search := eval[string](t, ctx, `location.search`); strings.Contains(search, "sel=") {
			t.Errorf("the URL %s still selects it", search)
		}
		if !eval[bool](t, ctx, `document.getElementById('details').hidden`) {
			t.Errorf("the details show")
		}
		rec.forgetRefusals(http.StatusNotFound)
		rec.check(t, base)
	})

	t.Run("in Korean", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/?lang=ko&year=1800&type=bogus"))
		settled(t, ctx)
		got := pageNotices(t, ctx)
		if len(got) != 2 || !strings.Contains(got[0].Text, "범위를 벗어났습니다") || !strings.Contains(got[0].Text, "모든 연도") ||
			!strings.Contains(got[1].Text, "알 수 없는 값") {
			t.Errorf("Korean notices %+v", got)
		}
		saveScreenshot(t, ctx, "links-notice-ko.png", chromedp.CaptureScreenshot())
		// Switching the language rewrites the notice.
		do(t, ctx, chromedp.Click(chromedp.ID("lang")))
		if got := pageNotices(t, ctx); len(got) != 2 || !strings.Contains(got[0].Text, "is out of range") {
			t.Errorf("after switching to English: %+v", got)
		}
		do(t, ctx, chromedp.Click(chromedp.ID("notices-close")))
		if !eval[bool](t, ctx, `document.getElementById('notices').hidden`) {
			t.Errorf("the notice stays after Dismiss")
		}
		if id := eval[string](t, ctx, `document.activeElement.id`); id == "" {
			t.Errorf("Dismiss dropped the focus to the body")
		}
		rec.check(t, base)
	})
}

func mustEncode(q string) string {
	v, err := url.ParseQuery(q)
	if err != nil {
		panic(err)
	}
	// Keep the page's parameter order, which url.Values.Encode sorts.
	var parts []string
	for _, kv := range strings.Split(q, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v.Get(k)))
	}
	return strings.Join(parts, "&")
}

// TestBrowserPage checks the first view, the sign-in offered only where
// the server takes writes, and the filters along the line.
func TestBrowserPage(t *testing.T) {
	ctx, base, rec := seedTab(t, 2*time.Minute)

	// The incidents' points and the MDL's box, from the API.
	var fc struct {
		Features []struct {
			ID       string `json:"id"`
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	getJSON(t, base+"/api/incidents?limit=10000", &fc)
	if len(fc.Features) < 50 {
		t.Fatalf("%d incidents", len(fc.Features))
	}
	west := fc.Features[0]
	for _, f := range fc.Features {
		if f.Geometry.Coordinates[0] < west.Geometry.Coordinates[0] {
			west = f
		}
	}
	points, _ := json.Marshal(fc.Features)

	for _, size := range [][2]int{{1280, 860}, {390, 844}} {
		t.Run(fmt.Sprintf("the first view shows every incident and the whole line at %d px", size[0]), func(t *testing.T) {
			do(t, ctx, chromedp.EmulateViewport(int64(size[0]), int64(size[1])), chromedp.Navigate(base+"/"))
			settled(t, ctx)
			type outside struct {
				IDs  []string
				MDL  bool
				Zoom float64
			}
			got := eval[outside](t, ctx, `(() => {
			  const { map } = window.dmzmap;
			  const b = map.getBounds();
			  const ids = `+string(points)+`.filter((f) => !b.contains([f.geometry.coordinates[1], f.geometry.coordinates[0]])).map((f) => f.id);
			  let mdl = true;
			  map.eachLayer((l) => { if (l.feature?.id === 'mdl') mdl = b.contains(l.getBounds()); });
			  return { IDs: ids, MDL: mdl, Zoom: map.getZoom() };
			})()`)
			if len(got.IDs) != 0 || !got.MDL {
				t.Errorf("at zoom %v, outside the first view: %v; the MDL inside: %v", got.Zoom, got.IDs, got.MDL)
			}
			if slices.Contains(got.IDs, west.ID) {
				t.Errorf("the westernmost incident %s (Han estuary, %v) is cut off", west.ID, west.Geometry.Coordinates)
			}
			if got.Zoom < 7 {
				t.Errorf("zoom %v: the first view is wider than it needs", got.Zoom)
			}
			saveScreenshot(t, ctx, fmt.Sprintf("first-view-%d.png", size[0]), chromedp.CaptureScreenshot())
			rec.check(t, base)
		})
	}

	t.Run("no sign-in where writes are off", func(t *testing.T) {
		do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/"))
		settled(t, ctx)
		if n := eval[int](t, ctx, `document.querySelectorAll('#sign-in, #auth button').length`); n != 0 {
			t.Errorf("a server without writes shows %d sign-in controls", n)
		}
		var conf struct{ Writes bool }
		getJSON(t, base+"/api/config", &conf)
		if conf.Writes {
			t.Errorf("/api/config says writes are on")
		}
		rec.check(t, base)
		wbase := serve(t, seededStore(t), server.Config{Token: "page-test-token"})
		do(t, ctx, chromedp.Navigate(wbase+"/"))
		settled(t, ctx)
		if got := eval[string](t, ctx, `document.getElementById('sign-in')?.textContent ?? ''`); got != "Sign in to edit" {
			t.Errorf("a server with writes shows the sign-in as %q", got)
		}
		rec.check(t, wbase)
	})

	t.Run("sector and km filters", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(base+"/"))
		settled(t, ctx)
		do(t, ctx, chromedp.Click(chromedp.ID("sector-jsa")))
		s := checkMap(t, ctx, base, "sector=western%2Ccentral%2Ceastern")
		all := len(apiIDs(t, base, ""))
		if s.Matched == 0 || s.Matched == all {
			t.Errorf("without the JSA the page shows %d of %d", s.Matched, all)
		}
		do(t, ctx, chromedp.Click(chromedp.ID("sector-jsa")),
			chromedp.SetValue(chromedp.ID("km-from"), "10"),
			chromedp.SetValue(chromedp.ID("km-to"), "40.5"))
		eval[any](t, ctx, `document.getElementById('km-to').dispatchEvent(new Event('change'))`)
		s = checkMap(t, ctx, base, "km=10%2C40.5")
		if s.Matched == 0 || s.Matched == all {
			t.Errorf("km 10–40.5 shows %d of %d", s.Matched, all)
		}
		if search := eval[string](t, ctx, `location.search`); !strings.Contains(search, "km=10%2C40.5") {
			t.Errorf("the URL %s lacks the km range", search)
		}
		do(t, ctx, chromedp.Reload())
		checkMap(t, ctx, base, "km=10%2C40.5")
		if got := eval[string](t, ctx, `document.getElementById('km-from').value + '-' + document.getElementById('km-to').value`); got != "10-40.5" {
			t.Errorf("after a reload the km inputs read %s", got)
		}
		do(t, ctx, chromedp.Click(chromedp.ID("reset")))
		checkMap(t, ctx, base, "")
		rec.check(t, base)
	})
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

// TestBrowserUncertainty opens an incident whose place is known less well
// than its distance from the MDL: the details must not state its side and
// distance as facts, and the map must show its precision as a circle.
func TestBrowserUncertainty(t *testing.T) {
	ctx, base, rec := seedTab(t, time.Minute)

	var fc struct {
		Features []struct {
			ID    string         `json:"id"`
			Props map[string]any `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, base+"/api/incidents?limit=10000", &fc)
	var vague, sure string
	var vagueM float64
	for _, f := range fc.Features {
		prec, _ := f.Props["location_precision_m"].(float64)
		dist, _ := f.Props["distance_to_mdl_m"].(float64)
		certain, ok := f.Props["side_certain"].(bool)
		if !ok || certain != (prec <= dist) {
			t.Errorf("%s: precision %v m, %v m from the MDL: side_certain %v", f.ID, prec, dist, f.Props["side_certain"])
		}
		if !certain && vague == "" && prec >= 10000 {
			vague, vagueM = f.ID, prec
		}
		if certain && sure == "" {
			sure = f.ID
		}
	}
	if vague == "" || sure == "" {
		t.Fatalf("the seed has no incident known only to 10 km or more near the line (%q) or none with a certain side (%q)", vague, sure)
	}

	do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/?sel="+vague))
	settled(t, ctx)
	waitFor(t, ctx, `!document.getElementById('details').hidden`)
	type view struct {
		Text   string
		Radius float64
		Circle int
	}
	look := func() view {
		return eval[view](t, ctx, `(() => {
		  let radius = 0, circles = 0;
		  window.dmzmap.map.eachLayer((l) => { if (l instanceof L.Circle && l.options.selected) { radius = l.getRadius(); circles++; } });
		  return { Text: document.getElementById('details-body').textContent, Radius: radius, Circle: circles };
		})()`)
	}
	d := fmt.Sprintf("%g km", vagueM/1000)
	got := look()
	if want := "within about " + d + " of the MDL; which side is uncertain"; !strings.Contains(got.Text, want) {
		t.Errorf("the details of %s lack %q: %s", vague, want, got.Text)
	}
	for _, fact := range []string{"North of the MDL", "South of the MDL", "On the MDL"} {
		if strings.Contains(got.Text, fact) {
			t.Errorf("the details of %s state %q", vague, fact)
		}
	}
	if got.Circle != 1 || got.Radius != vagueM {
		t.Errorf("%d precision circles of radius %v m, want one of %v m", got.Circle, got.Radius, vagueM)
	}
	saveScreenshot(t, ctx, "uncertain-side.png", chromedp.CaptureScreenshot())
	do(t, ctx, chromedp.Click(chromedp.ID("lang")))
	if got := look(); !strings.Contains(got.Text, "어느 쪽인지는 불확실") {
		t.Errorf("the Korean details lack the uncertainty: %s", got.Text)
	}
	do(t, ctx, chromedp.Click(chromedp.ID("lang")))

	// A certain side is stated; closing the details removes the circle.
	eval[any](t, ctx, fmt.Sprintf(`window.dmzmap.select(%q)`, sure))
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById('details-title')?.textContent && window.dmzmap.state.sel === %q`, sure))
	if got := look(); strings.Contains(got.Text, "uncertain") || !strings.Contains(got.Text, "of the MDL") && !strings.Contains(got.Text, "On the MDL") {
		t.Errorf("the details of %s: %s", sure, got.Text)
	}
	do(t, ctx, chromedp.Click(chromedp.ID("details-close")))
	if got := look(); got.Circle != 0 {
		t.Errorf("%d circles after closing the details", got.Circle)
	}

	// The layer of every circle draws at close zoom only.
	n := eval[int](t, ctx, `(async () => {
	  const { map } = window.dmzmap;
	  // Selecting an incident flew the map to it: go back to a far view.
	  map.setView([38.1, 127.4], 8, { animate: false });
	  await window.dmzmap.settled();
	  let layer = null;
	  for (const el of document.querySelectorAll('.leaflet-control-layers-overlays label')) {
	    if (el.textContent.includes('Location precision')) layer = el.querySelector('input');
	  }
	  layer.click();
	  const count = () => { let n = 0; map.eachLayer((l) => { if (l instanceof L.Circle && !l.options.selected) n++; }); return n; };
	  const far = count();
	  map.setView([37.956, 126.677], 12, { animate: false });
	  await window.dmzmap.settled();
	  return far === 0 ? count() : -far;
	})()`)
	if n <= 0 {
		t.Errorf("the precision layer draws %d circles near the JSA at zoom 12 (a negative count: drawn at the first view)", n)
	}
	rec.check(t, base)
}

// TestBrowserProfile checks the profile of the MDL: a mark for every
// incident at its chainage, the counts per 10 km, a hover that highlights
// the incident on the map and in the list, and a drag that filters by km.
func TestBrowserProfile(t *testing.T) {
	ctx, base, rec := seedTab(t, time.Minute)
	do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/"))
	s := settled(t, ctx)

	var fc struct {
		Features []struct {
			ID    string `json:"id"`
			Props struct {
				MDLKm float64 `json:"mdl_km"`
			} `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, base+"/api/incidents?limit=10000", &fc)
	type mark struct {
		ID string
		X  float64
	}
	type profile struct {
		Marks  []mark
		Counts []int
		Width  float64
		Left   float64
		Top    float64
		Label  string
	}
	look := func() profile {
		return eval[profile](t, ctx, `(async () => {
		  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 600)));
		  const svg = document.getElementById('profile-svg');
		  const r = svg.getBoundingClientRect();
		  return {
		    Marks: [...svg.querySelectorAll('.profile-mark')].map((m) => ({ ID: m.dataset.id, X: Number(m.getAttribute('cx')) })),
		    Counts: [...svg.querySelectorAll('.profile-bin')].map((b) => Number(b.querySelector('title').textContent.match(/: (\d+)/)[1])),
		    Width: r.width, Left: r.left, Top: r.top, Label: svg.getAttribute('aria-label') };
		})()`)
	}
	p := look()
	if len(p.Marks) != s.Matched || len(fc.Features) != s.Matched {
		t.Fatalf("%d marks for %d incidents (the API has %d)", len(p.Marks), s.Matched, len(fc.Features))
	}
	sum := 0
	for _, n := range p.Counts {
		sum += n
	}
	if sum != s.Matched || !strings.Contains(p.Label, fmt.Sprint(s.Matched)+" incidents") {
		t.Errorf("the counts per 10 km add up to %d, want %d; label %q", sum, s.Matched, p.Label)
	}
	// Each mark sits at its chainage: x grows with mdl_km.
	km := map[string]float64{}
	for _, f := range fc.Features {
		km[f.ID] = f.Props.MDLKm
	}
	for _, a := range p.Marks {
		for _, b := range p.Marks {
			if km[a.ID] < km[b.ID]-0.01 && a.X > b.X {
				t.Fatalf("%s (km %v) is drawn right of %s (km %v)", a.ID, km[a.ID], b.ID, km[b.ID])
			}
		}
	}

	// Hovering a mark highlights its incident on the map and in the list.
	first := p.Marks[0]
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('profile').scrollIntoView()`))
	pt := eval[struct{ X, Y float64 }](t, ctx, fmt.Sprintf(`(() => { const r = document.querySelector('.profile-mark[data-id=%q]').getBoundingClientRect(); return { X: r.left + r.width / 2, Y: r.top + r.height / 2 }; })()`, first.ID))
	// Marks of nearby chainages overlap (the Han estuary's are all near
	// 0 km): the incident hovered is the mark on top at that point.
	if id := eval[string](t, ctx, fmt.Sprintf(`document.elementFromPoint(%v, %v)?.closest('.profile-mark')?.dataset.id ?? ''`, pt.X, pt.Y)); id != "" {
		first.ID = id
	}
	do(t, ctx, chromedp.MouseEvent(chromedp.MouseMoved, pt.X, pt.Y))
	type hover struct {
		List, Status string
		Ring         []float64
	}
	h := eval[hover](t, ctx, `(() => {
	  let ring = null;
	  window.dmzmap.map.eachLayer((l) => { if (l.options?.className === 'profile-hover') ring = [l.getLatLng().lat, l.getLatLng().lng]; });
	  return { List: document.querySelector('#list button.hovered')?.dataset.id ?? '', Status: document.getElementById('profile-status').textContent, Ring: ring };
	})()`)
	var in struct {
		Geometry struct{ Coordinates [2]float64 } `json:"geometry"`
		Props    struct{ Title string }           `json:"properties"`
	}
	getJSON(t, base+"/api/incidents/"+first.ID, &in)
	if h.List != first.ID || len(h.Ring) != 2 || h.Ring[0] != in.Geometry.Coordinates[1] || h.Ring[1] != in.Geometry.Coordinates[0] || !strings.Contains(h.Status, in.Props.Title) {
		t.Errorf("hovering %s: list %q, ring %v (want %v), status %q", first.ID, h.List, h.Ring, in.Geometry.Coordinates, h.Status)
	}
	saveScreenshot(t, ctx, "profile-hover.png", chromedp.CaptureScreenshot())

	// Dragging across a fifth of the profile from its left filters by that stretch.
	p = look()
	y := p.Top + 40
	x0, x1 := p.Left+10, p.Left+10+(p.Width-20)/5
	do(t, ctx,
		chromedp.MouseEvent(chromedp.MouseMoved, x0, y),
		chromedp.MouseEvent(chromedp.MousePressed, x0, y, chromedp.ButtonType(input.MouseButtonLeft), chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, (x0+x1)/2, y, chromedp.ButtonType(input.MouseButtonLeft)),
		chromedp.MouseEvent(chromedp.MouseMoved, x1, y, chromedp.ButtonType(input.MouseButtonLeft)),
		chromedp.MouseEvent(chromedp.MouseReleased, x1, y, chromedp.ButtonType(input.MouseButtonLeft), chromedp.ClickCount(1)),
	)
	waitFor(t, ctx, `window.dmzmap.state.km !== null`)
	st := eval[struct{ Km []float64 }](t, ctx, `({ Km: window.dmzmap.state.km })`)
	if len(st.Km) != 2 || st.Km[0] != 0 || st.Km[1] < 46 || st.Km[1] > 49 {
		t.Fatalf("after the drag the km range is %v, want 0 to about 47.5", st.Km)
	}
	s = checkMap(t, ctx, base, "km=0%2C"+fmt.Sprint(st.Km[1]))
	if n := len(look().Marks); n != s.Matched || n == 0 || n == len(fc.Features) {
		t.Errorf("after the drag %d marks, %d matched of %d", n, s.Matched, len(fc.Features))
	}
	if got := eval[string](t, ctx, `document.getElementById('km-to').value`); got != fmt.Sprint(st.Km[1]) {
		t.Errorf("the km input reads %q, want %v", got, st.Km[1])
	}
	saveScreenshot(t, ctx, "profile-drag.png", chromedp.CaptureScreenshot())
	do(t, ctx, chromedp.Click(chromedp.ID("profile-clear")))
	checkMap(t, ctx, base, "")
	rec.check(t, base)
}

// TestBrowserTimeline checks the bars stacked by type, the y-axis, the
// counts by keyboard, and the play button stepping a year a second with
// the year in the URL.
func TestBrowserTimeline(t *testing.T) {
	ctx, base, rec := seedTab(t, time.Minute)
	do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/"))
	settled(t, ctx)

	var years struct {
		Years []struct {
			Year   int            `json:"year"`
			Total  int            `json:"total"`
			ByType map[string]int `json:"by_type"`
		} `json:"years"`
		First, Last int
	}
	getJSON(t, base+"/api/years", &years)
	busiest := years.Years[0]
	for _, y := range years.Years {
		if y.Total > busiest.Total {
			busiest = y
		}
	}
	type bar struct {
		Segments map[string]float64
		Label    string
		Height   float64
	}
	b := eval[bar](t, ctx, fmt.Sprintf(`(() => {
	  const b = document.querySelector('#bars button[data-year="%d"]');
	  const segs = {};
	  for (const i of b.querySelectorAll('i')) segs[i.dataset.type] = i.getBoundingClientRect().height;
	  return { Segments: segs, Label: b.getAttribute('aria-label'), Height: b.firstChild.getBoundingClientRect().height };
	})()`, busiest.Year))
	sum := 0.0
	for typ, n := range busiest.ByType {
		if n == 0 {
			continue
		}
		h := b.Segments[typ]
		sum += h
		if want := b.Height * float64(n) / float64(busiest.Total); h < want-1 || h > want+1 {
			t.Errorf("%d: the %s segment is %.1f px, want %.1f (%d of %d)", busiest.Year, typ, h, want, n, busiest.Total)
		}
	}
	if len(b.Segments) == 0 || sum < b.Height-1 || !strings.Contains(b.Label, fmt.Sprintf("%d: %d incidents (", busiest.Year, busiest.Total)) {
		t.Errorf("%d: segments %v of a %.1f px bar, label %q", busiest.Year, b.Segments, b.Height, b.Label)
	}
	if axis := eval[[]string](t, ctx, `[...document.querySelectorAll('.yaxis span')].map((s) => s.textContent)`); len(axis) < 2 || axis[0] != "0" {
		t.Errorf("y-axis %v", axis)
	}
	// By keyboard: a focused bar says its counts; the arrow moves on.
	do(t, ctx, chromedp.Focus(chromedp.CSS(`#bars button[tabindex="0"]`)), chromedp.KeyEvent(kb.ArrowRight))
	tip := eval[string](t, ctx, `document.getElementById('timeline-tip').textContent`)
	focused := eval[string](t, ctx, `document.activeElement.getAttribute('aria-label')`)
	if tip == "" || tip != focused {
		t.Errorf("the tip reads %q for the focused bar %q", tip, focused)
	}

	// Play: a year a second from the first, with the year in the URL; pause stops.
	do(t, ctx, chromedp.Focus(chromedp.ID("play")), chromedp.KeyEvent(" "))
	waitFor(t, ctx, fmt.Sprintf(`location.search.includes('year=%d')`, years.First))
	began := time.Now()
	waitFor(t, ctx, fmt.Sprintf(`location.search.includes('year=%d')`, years.First+2))
	if d := time.Since(began); d < 1800*time.Millisecond || d > 3500*time.Millisecond {
		t.Errorf("two steps took %v, want about 2 s", d)
	}
	if p := eval[string](t, ctx, `document.getElementById('play').getAttribute('aria-pressed')`); p != "true" {
		t.Errorf("while playing the button has aria-pressed %q", p)
	}
	do(t, ctx, chromedp.KeyEvent(" "))
	s := settled(t, ctx)
	time.Sleep(1300 * time.Millisecond)
	if s2 := settled(t, ctx); s2.Query != s.Query || eval[bool](t, ctx, `window.dmzmap.isPlaying()`) {
		t.Errorf("after pausing at %q the page went on to %q", s.Query, s2.Query)
	}
	checkMap(t, ctx, base, s.Query)
	saveScreenshot(t, ctx, "timeline-paused.png", chromedp.CaptureScreenshot())
	// From the last year, play ends there: it stops by itself.
	eval[any](t, ctx, fmt.Sprintf(`window.dmzmap.setYears(%d, %d)`, years.Last-1, years.Last-1))
	settled(t, ctx)
	do(t, ctx, chromedp.Click(chromedp.ID("play")))
	waitFor(t, ctx, fmt.Sprintf(`location.search.includes('year=%d')`, years.Last))
	waitFor(t, ctx, `!window.dmzmap.isPlaying()`)
	rec.check(t, base)
}

// TestBrowserPlaces finds places in English and Korean and flies there,
// and checks the map's labels follow the page's language.
func TestBrowserPlaces(t *testing.T) {
	ctx, base, rec := seedTab(t, time.Minute)
	do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/"))
	settled(t, ctx)

	cases := []struct {
		query, first string
		lat, lon     float64
	}{
		{"판문점", "Joint Security Area (Panmunjom)", 37.9558, 126.6767},
		{"panmunjom", "Joint Security Area (Panmunjom)", 37.9558, 126.6767},
		{"철원", "Cheorwon", 38.147, 127.313},
		{"Goseong", "Goseong", 38.381, 128.468},
		{"kaes", "Kaesong Industrial Region", 0, 0},
		{"개성", "Kaesong", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			do(t, ctx, chromedp.Focus(chromedp.ID("place-q")))
			eval[any](t, ctx, fmt.Sprintf(`(() => { const i = document.getElementById('place-q'); i.value = %q; i.dispatchEvent(new Event('input')); })()`, tc.query))
			waitFor(t, ctx, `document.querySelector('#place-options li') !== null`)
			first := eval[string](t, ctx, `document.querySelector('#place-options li')?.firstChild.textContent ?? ''`)
			if first != tc.first {
				t.Errorf("%q: the first option is %q, want %q", tc.query, first, tc.first)
			}
			if tc.lat == 0 {
				return
			}
			do(t, ctx, chromedp.KeyEvent(kb.Enter))
			waitFor(t, ctx, fmt.Sprintf(`Math.abs(window.dmzmap.map.getCenter().lat - %g) < 0.01 && Math.abs(window.dmzmap.map.getCenter().lng - %g) < 0.01 && window.dmzmap.map.getZoom() >= 12`, tc.lat, tc.lon))
			if got := eval[string](t, ctx, `document.getElementById('place-status').textContent`); !strings.Contains(got, tc.first) {
				t.Errorf("the status after flying reads %q", got)
			}
			settled(t, ctx)
		})
	}
	// Arrow keys choose among the options.
	eval[any](t, ctx, `(() => { const i = document.getElementById('place-q'); i.value = 'Goseong'; i.dispatchEvent(new Event('input')); i.focus(); })()`)
	waitFor(t, ctx, `document.querySelectorAll('#place-options li').length > 1`)
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
	if got := eval[string](t, ctx, `document.getElementById('place-q').getAttribute('aria-activedescendant')`); got != "place-option-1" {
		t.Errorf("after two arrow presses the active option is %q", got)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Escape))

	// Labels in the page's language.
	eval[any](t, ctx, `void window.dmzmap.map.setView([37.8, 126.9], 9, { animate: false })`)
	settled(t, ctx)
	labels := func() string {
		return eval[string](t, ctx, `[...document.querySelectorAll('.leaflet-tooltip.place-label')].map((e) => e.textContent).join('|')`)
	}
	if got := labels(); !strings.Contains(got, "Seoul") || strings.Contains(got, "서울") {
		t.Errorf("English labels: %s", got)
	}
	do(t, ctx, chromedp.Click(chromedp.ID("lang")))
	if got := labels(); !strings.Contains(got, "서울") || !strings.Contains(got, "개성") || strings.Contains(got, "Seoul") {
		t.Errorf("Korean labels: %s", got)
	}
	if ph := eval[string](t, ctx, `document.getElementById('place-q').placeholder`); !strings.Contains(ph, "판문점") {
		t.Errorf("Korean placeholder %q", ph)
	}
	saveScreenshot(t, ctx, "places-ko.png", chromedp.CaptureScreenshot())
	rec.check(t, base)
}
