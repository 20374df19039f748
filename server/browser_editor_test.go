package server_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/dmzmap/dmzmap/data"
	"github.com/dmzmap/dmzmap/server"
)

// exchanges records the page's requests to the API that change something,
// and the status each was answered with, as "METHOD /path STATUS".
type exchanges struct {
	mu      sync.Mutex
	pending map[network.RequestID]string
	done    []string
}

func (x *exchanges) listen(ev any) {
	x.mu.Lock()
	defer x.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request.Method != http.MethodGet && ev.Request.Method != http.MethodHead {
			if x.pending == nil {
				x.pending = map[network.RequestID]string{}
			}
			path := ev.Request.URL
			if i := strings.Index(path, "/api/"); i >= 0 {
				path = path[i:]
			}
			x.pending[ev.RequestID] = ev.Request.Method + " " + path
		}
	case *network.EventResponseReceived:
		if req, ok := x.pending[ev.RequestID]; ok {
			delete(x.pending, ev.RequestID)
			x.done = append(x.done, fmt.Sprintf("%s %d", req, ev.Response.Status))
		}
	}
}

// take returns the exchanges recorded since the last call.
func (x *exchanges) take() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	d := x.done
	x.done = nil
	return d
}

// forgetRefusals drops the console lines Chromium writes for answers of the
// given statuses, which the test asked for: a refused write is an
// expected answer here, not a fault of the page.
func (r *recorder) forgetRefusals(statuses ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	keep := r.problems[:0]
	for _, p := range r.problems {
		expected := false
		for _, s := range statuses {
			if strings.Contains(p, fmt.Sprintf("the server responded with a status of %d", s)) {
				expected = true
			}
		}
		if !expected {
			keep = append(keep, p)
		}
	}
	r.problems = keep
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls the JavaScript expression js until it is true.
func waitFor(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		t.Fatalf("waiting for %s: %v", js, err)
	}
}

// editControls counts the page's controls that change data.
const editControls = `document.querySelectorAll('#add-incident, #sign-out, #edit-incident, #delete-incident, #editor-form, #editor input, #delete-dialog[open]').length`

// clickMap moves the map to lat, lon at zoom 12 and clicks its centre,
// where lat, lon now is.
func clickMap(t *testing.T, ctx context.Context, lat, lon float64) {
	t.Helper()
	eval[any](t, ctx, fmt.Sprintf(`void window.dmzmap.map.setView([%g, %g], 12, { animate: false })`, lat, lon))
	settled(t, ctx)
	pt := eval[struct{ X, Y float64 }](t, ctx, `(() => {
	  const el = document.getElementById('map');
	  el.scrollIntoView({ block: 'center' });
	  const r = el.getBoundingClientRect();
	  return { X: r.left + r.width / 2, Y: r.top + r.height / 2 };
	})()`)
	do(t, ctx, chromedp.MouseClickXY(pt.X, pt.Y))
}

// clickMapAt places the incident with a click on the map at lat, lon.
func clickMapAt(t *testing.T, ctx context.Context, lat, lon float64) {
	t.Helper()
	clickMap(t, ctx, lat, lon)
	waitFor(t, ctx, `document.getElementById('ed-lon').value !== ''`)
	got := eval[struct{ Lon, Lat string }](t, ctx, `({ Lon: document.getElementById('ed-lon').value, Lat: document.getElementById('ed-lat').value })`)
	var glon, glat float64
	fmt.Sscan(got.Lon, &glon)
	fmt.Sscan(got.Lat, &glat)
	if math.Abs(glon-lon) > 0.001 || math.Abs(glat-lat) > 0.001 {
		t.Fatalf("a click on the map at %g, %g placed the point at %s, %s", lat, lon, got.Lat, got.Lon)
	}
}

// setValue sets the value of the form control with the given id, as
// pasting it would, with its input and change events. (chromedp v0.23's
// SetValue fails on an empty value: "could not set value on node".)
func setValue(id, value string) chromedp.Action[chromedp.Void] {
	q, _ := json.Marshal(id)
	v, _ := json.Marshal(value)
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
	  const e = document.getElementById(%s);
	  e.value = %s;
	  e.dispatchEvent(new Event('input', { bubbles: true }));
	  e.dispatchEvent(new Event('change', { bubbles: true }));
	})()`, q, v))
}

type revision struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
}

func history(t *testing.T, base, id string) []revision {
	t.Helper()
	res, err := http.Get(base + "/api/incidents/" + id + "/history")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/incidents/%s/history: %s", id, res.Status)
	}
	var h struct{ Revisions []revision }
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h.Revisions
}

func TestBrowserEditor(t *testing.T) {
	exe := chromium(t)
	const token = "editor-test-token-7f3a"
	st := seededStore(t)
	base := serve(t, st, server.Config{Token: token})
	title := "Editor test crossing " + rand.Text()[:8]

	rec := &recorder{}
	writes := &exchanges{}
	ctx := newTab(t, exe, rec.listen, writes.listen)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelTime()

	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/"))
	before := settled(t, ctx)
	var id string

	t.Run("read-only without a token", func(t *testing.T) {
		if n := eval[int](t, ctx, editControls); n != 0 {
			t.Errorf("without a token the page has %d edit controls", n)
		}
		some := apiIDs(t, base, "")[0]
		eval[any](t, ctx, fmt.Sprintf(`window.dmzmap.select(%q)`, some))
		waitFor(t, ctx, `!document.getElementById('details').hidden`)
		if n := eval[int](t, ctx, editControls+` + document.getElementById('details-edit').children.length`); n != 0 {
			t.Errorf("without a token an incident's details have %d edit controls", n)
		}
		if got := eval[string](t, ctx, `document.getElementById('sign-in').textContent`); got != "Sign in to edit" {
			t.Errorf("the sign-in control reads %q", got)
		}
		rec.check(t, base)
	})

	t.Run("a wrong token shows the server's 401", func(t *testing.T) {
		do(t, ctx,
			chromedp.Click(chromedp.ID("sign-in")),
			chromedp.WaitVisible(chromedp.ID("ed-token")),
			chromedp.SendKeys(chromedp.ID("ed-token"), "not-the-token"),
			chromedp.Click(chromedp.ID("sign-in-submit")),
		)
		waitFor(t, ctx, `!document.getElementById('sign-in-error').hidden`)
		got := eval[struct {
			Error, Active, Type, Stored string
			Controls                    int
		}](t, ctx, `({ Error: document.getElementById('sign-in-error').textContent, Active: document.activeElement.id,
		  Type: document.getElementById('ed-token').type, Stored: sessionStorage.getItem('dmzmap.token') || '',
		  Controls: `+editControls+` })`)
		if got.Error != "the bearer token is not this server's token" {
			t.Errorf("after a wrong token the dialog says %q, want the server's 401 detail", got.Error)
		}
		if got.Active != "ed-token" || got.Type != "password" || got.Stored != "" || got.Controls != 0 {
			t.Errorf("after a wrong token: %+v; want the focus back in the password field, nothing stored, no edit control", got)
		}
		if w := writes.take(); len(w) != 1 || w[0] != "POST /api/import?dry_run=true 401" {
			t.Errorf("signing in sent %v; want one dry-run import, answered 401", w)
		}
		rec.forgetRefusals(401)
		rec.check(t, base)
	})

	t.Run("sign in", func(t *testing.T) {
		do(t, ctx,
			setValue("ed-token", ""),
			chromedp.SendKeys(chromedp.ID("ed-token"), token),
			chromedp.Click(chromedp.ID("sign-in-submit")),
			chromedp.WaitVisible(chromedp.ID("add-incident")),
		)
		got := eval[struct {
			Session, URL, Cookie string
			Local                int
			Open                 bool
		}](t, ctx, `({ Session: sessionStorage.getItem('dmzmap.token'), Local: localStorage.length, URL: location.href,
		  Cookie: document.cookie, Open: document.getElementById('sign-in-dialog').open })`)
		if got.Session != token || got.Local != 0 || strings.Contains(got.URL, token) || got.Cookie != "" || got.Open {
			t.Errorf("after signing in: %+v; want the token in sessionStorage only and the dialog closed", got)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#details-edit #edit-incident, #details-edit #delete-incident').length`); n != 2 {
			t.Errorf("signed in, an incident's details have %d of the Edit and Delete buttons", n)
		}
		if w := writes.take(); len(w) != 1 || w[0] != "POST /api/import?dry_run=true 200" {
			t.Errorf("signing in sent %v; want one dry-run import, answered 200", w)
		}
		rec.check(t, base)
	})

	t.Run("empty title and bad URL are shown by their fields", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.ID("add-incident")), chromedp.WaitVisible(chromedp.ID("editor-form")))
		clickMapAt(t, ctx, 37.93, 127.05)
		do(t, ctx,
			setValue("ed-date", "2025-06-01"),
			setValue("ed-summary-text", "A test that must not be written."),
			setValue("ed-src-0-title", "Nowhere"),
			setValue("ed-src-0-url", "not a url"),
			setValue("ed-src-0-publisher", "Test"),
			chromedp.Click(chromedp.ID("ed-save")),
		)
		waitFor(t, ctx, `!document.getElementById('ed-summary').hidden`)
		type fieldErr struct {
			Text, Invalid, Described string
		}
		got := eval[struct {
			Title, URL    fieldErr
			Active, Links string
			Errors        int
		}](t, ctx, `(() => {
		  const f = (id) => ({ Text: document.getElementById(id + '-error')?.textContent || '',
		    Invalid: document.getElementById(id).getAttribute('aria-invalid') || '',
		    Described: document.getElementById(id).getAttribute('aria-describedby') || '' });
		  return { Title: f('ed-title'), URL: f('ed-src-0-url'), Active: document.activeElement.id,
		    Links: [...document.querySelectorAll('#ed-summary a')].map((a) => a.getAttribute('href')).join(' '),
		    Errors: document.querySelectorAll('#editor-form .field-error').length };
		})()`)
		if !strings.Contains(got.Title.Text, "Title: is required") || got.Title.Invalid != "true" || !strings.Contains(got.Title.Described, "ed-title-error") {
			t.Errorf("the title's error: %+v", got.Title)
		}
		if !strings.Contains(got.URL.Text, "must be an absolute http or https URL") || !strings.Contains(got.URL.Text, "Source 1, URL") ||
			got.URL.Invalid != "true" || !strings.Contains(got.URL.Described, "ed-src-0-url-error") {
			t.Errorf("the source URL's error: %+v", got.URL)
		}
		if got.Errors != 2 || got.Links != "#ed-title #ed-src-0-url" {
			t.Errorf("%d field errors, summary links %q; want the title's and the URL's", got.Errors, got.Links)
		}
		if got.Active != "ed-summary" {
			t.Errorf("the focus is on #%s, want the error summary", got.Active)
		}
		if w := writes.take(); len(w) != 1 || w[0] != "POST /api/incidents 422" {
			t.Errorf("saving sent %v; want one POST answered 422", w)
		}
		if got := apiIDs(t, base, ""); len(got) != before.Total {
			t.Errorf("after a refused save the API holds %d incidents, before %d", len(got), before.Total)
		}
		// A link of the summary takes the focus to its field.
		do(t, ctx, chromedp.Click(chromedp.CSS(`#ed-summary a[href="#ed-src-0-url"]`)))
		if a := eval[string](t, ctx, `document.activeElement.id`); a != "ed-src-0-url" {
			t.Errorf("the summary's link focused #%s", a)
		}
		saveScreenshot(t, ctx, "browser-editor-errors.png", chromedp.CaptureScreenshot())
		do(t, ctx, chromedp.Click(chromedp.ID("ed-cancel")))
		rec.forgetRefusals(422)
		rec.check(t, base)
	})

	t.Run("add an incident", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.ID("add-incident")), chromedp.WaitVisible(chromedp.ID("editor-form")))
		if a := eval[string](t, ctx, `document.activeElement.id`); a != "editor-title" {
			t.Errorf("opening the editor focused #%s, want its heading", a)
		}
		clickMapAt(t, ctx, 37.93, 127.05)
		// The path: a click north of the MDL (38.2587 N at 127.05 E), then,
		// by keyboard, the map's centre south of it.
		do(t, ctx, chromedp.Click(chromedp.ID("ed-path-draw")))
		clickMap(t, ctx, 38.30, 127.05)
		eval[any](t, ctx, `void window.dmzmap.map.setView([38.22, 127.05], 12, { animate: false })`)
		do(t, ctx, chromedp.Click(chromedp.ID("ed-path-centre")), chromedp.Click(chromedp.ID("ed-path-draw")))
		eval[any](t, ctx, `void window.dmzmap.map.setView([37.93, 127.05], 12, { animate: false })`)
		if got := eval[string](t, ctx, `document.getElementById('ed-path-status').textContent`); !strings.Contains(got, "2") {
			t.Errorf("after two points the path status reads %q", got)
		}
		do(t, ctx,
			chromedp.SendKeys(chromedp.ID("ed-title"), title),
			setValue("ed-type", "crossing"),
			chromedp.SendKeys(chromedp.ID("ed-date"), "2025-06-01"),
			setValue("ed-direction", "north_to_south"),
			setValue("ed-location-precision", "250"),
			chromedp.SendKeys(chromedp.ID("ed-place"), "Near Yeoncheon"),
			chromedp.SendKeys(chromedp.ID("ed-persons"), "One soldier"),
			setValue("ed-wounded", "0"),
			chromedp.SendKeys(chromedp.ID("ed-summary-text"), "A soldier crossed the MDL southward, as a test of the editor."),
			chromedp.SendKeys(chromedp.ID("ed-src-0-title"), "Editor test report"),
			chromedp.SendKeys(chromedp.ID("ed-src-0-url"), "https://example.org/editor-test"),
			chromedp.SendKeys(chromedp.ID("ed-src-0-publisher"), "Test Agency"),
			chromedp.SendKeys(chromedp.ID("ed-src-0-published"), "2025-06-02"),
			setValue("ed-confidence", "high"),
			chromedp.SendKeys(chromedp.ID("ed-tags"), "test, editor"),
			chromedp.SendKeys(chromedp.ID("ed-reason"), "Added by the browser test"),
		)
		saveScreenshot(t, ctx, "browser-editor.png", chromedp.CaptureScreenshot())
		do(t, ctx, chromedp.Click(chromedp.ID("ed-save")))
		waitFor(t, ctx, fmt.Sprintf(`document.getElementById('details-title')?.textContent === %q && document.getElementById('editor').hidden`, title))
		s := settled(t, ctx)
		id = eval[string](t, ctx, `window.dmzmap.state.sel || ''`)
		if w := writes.take(); len(w) != 1 || w[0] != "POST /api/incidents 201" {
			t.Fatalf("saving sent %v; want one POST answered 201", w)
		}
		in, err := st.Get(id)
		if err != nil {
			t.Fatalf("the store lacks the new incident %q: %v", id, err)
		}
		if in.Title != title || in.Type != data.TypeCrossing || in.Date.String() != "2025-06-01" || len(in.Sources) != 1 ||
			in.Sources[0].URL != "https://example.org/editor-test" || in.Casualties.Killed != nil || in.Casualties.Wounded == nil ||
			math.Abs(in.Location[0]-127.05) > 0.001 || math.Abs(in.Location[1]-37.93) > 0.001 || strings.Join(in.Tags, ",") != "test,editor" {
			t.Errorf("stored: %+v", in)
		}
		if len(in.Path) != 2 || math.Abs(in.Path[0][1]-38.30) > 0.001 || math.Abs(in.Path[1][1]-38.22) > 0.001 ||
			math.Abs(in.Path[0][0]-127.05) > 0.001 || math.Abs(in.Path[1][0]-127.05) > 0.001 {
			t.Errorf("stored path %v, want 127.05 E from 38.30 N to 38.22 N", in.Path)
		}
		var cross struct {
			Features []struct {
				Geometry   struct{ Coordinates []float64 }
				Properties struct {
					IncidentID string `json:"incident_id"`
					Direction  string
					Estimated  bool
				}
			}
		}
		res, err := http.Get(base + "/api/crossings?year=2025")
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(res.Body).Decode(&cross)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		var found int
		for _, f := range cross.Features {
			if p := f.Properties; p.IncidentID == id {
				found++
				if c := f.Geometry.Coordinates; p.Estimated || p.Direction != "north_to_south" || math.Abs(c[1]-38.2587) > 0.001 {
					t.Errorf("the drawn path crosses at %v (%+v), want 38.2587 N, north to south, not estimated", c, p)
				}
			}
		}
		if found != 1 {
			t.Errorf("/api/crossings has %d crossings of the new incident, want 1", found)
		}
		if s.Total != before.Total+1 {
			t.Errorf("after the save the page counts %d incidents, before %d", s.Total, before.Total)
		}
		if a := eval[string](t, ctx, `document.activeElement.id`); a != "details-title" {
			t.Errorf("after the save the focus is on #%s, want the saved incident's details", a)
		}
		rec.check(t, base)
	})
	if id == "" {
		t.Fatal("no incident was added")
	}

	t.Run("found on the map after a reload", func(t *testing.T) {
		do(t, ctx, chromedp.Reload())
		s := settled(t, ctx)
		if s.Total != before.Total+1 || s.Matched != before.Matched+1 {
			t.Errorf("after the reload the page shows %d of %d, before %d of %d", s.Matched, s.Total, before.Matched, before.Total)
		}
		onMap := eval[bool](t, ctx, fmt.Sprintf(`(() => {
		  const m = window.dmzmap.cluster.getLayers().find((m) => m.incidentId === %q);
		  return !!m && !!window.dmzmap.cluster.getVisibleParent(m);
		})()`, id))
		if !onMap {
			t.Errorf("the new incident has no marker on the map")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#list button[data-id=%q]`, id))))
		waitFor(t, ctx, fmt.Sprintf(`document.getElementById('details-title')?.textContent === %q`, title))
		rec.check(t, base)
	})

	const newSummary = "A soldier crossed the MDL southward; the summary was corrected by the browser test."
	t.Run("edit it", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.ID("edit-incident")), chromedp.WaitVisible(chromedp.ID("editor-form")))
		if got := eval[string](t, ctx, `document.getElementById('ed-title').value`); got != title {
			t.Errorf("the editor opened with the title %q, want %q", got, title)
		}
		do(t, ctx,
			setValue("ed-summary-text", ""),
			chromedp.SendKeys(chromedp.ID("ed-summary-text"), newSummary),
			chromedp.SendKeys(chromedp.ID("ed-reason"), "Corrected the summary (요약 수정)"),
			chromedp.Click(chromedp.ID("ed-save")),
		)
		waitFor(t, ctx, fmt.Sprintf(`document.querySelector('#details-body .summary')?.textContent === %q`, newSummary))
		settled(t, ctx)
		if w := writes.take(); len(w) != 1 || w[0] != "PUT /api/incidents/"+id+" 200" {
			t.Errorf("saving sent %v; want one PUT answered 200", w)
		}
		revs := history(t, base, id)
		if len(revs) != 2 || revs[0].Action != "create" || revs[0].Reason != "Added by the browser test" ||
			revs[1].Action != "update" || revs[1].Reason != "Corrected the summary (요약 수정)" {
			t.Errorf("history: %+v; want a create and an update with their reasons", revs)
		}
		rec.check(t, base)
	})

	t.Run("a change made meanwhile is not overwritten", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.ID("edit-incident")), chromedp.WaitVisible(chromedp.ID("editor-form")))
		// Someone else changes the incident while the form is open.
		res, err := http.Get(base + "/api/incidents/" + id)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		req, _ := http.NewRequest(http.MethodPatch, base+"/api/incidents/"+id, strings.NewReader(`{"properties":{"place":"Changed meanwhile"}}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", server.ContentTypeMergePatch)
		req.Header.Set("If-Match", res.Header.Get("ETag"))
		req.Header.Set(server.HeaderChangeReason, "a concurrent change")
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PATCH: %s", res.Status)
		}
		do(t, ctx, setValue("ed-place", "My version"), chromedp.Click(chromedp.ID("ed-save")))
		waitFor(t, ctx, `!document.getElementById('ed-summary').hidden`)
		got := eval[struct{ Summary, Active string }](t, ctx, `({ Summary: document.getElementById('ed-summary').textContent, Active: document.activeElement.id })`)
		if !strings.Contains(got.Summary, "changed this incident after you opened it") || got.Active != "ed-summary" {
			t.Errorf("after a 412 the summary reads %q (focus on #%s)", got.Summary, got.Active)
		}
		if w := writes.take(); len(w) != 1 || w[0] != "PUT /api/incidents/"+id+" 412" {
			t.Errorf("saving sent %v; want one PUT answered 412", w)
		}
		do(t, ctx, chromedp.Click(chromedp.ID("ed-reload")))
		waitFor(t, ctx, `document.getElementById('ed-place')?.value === 'Changed meanwhile'`)
		if in, err := st.Get(id); err != nil || in.Place != "Changed meanwhile" {
			t.Errorf("after a refused PUT the store holds %+v, %v", in, err)
		}
		do(t, ctx, chromedp.Click(chromedp.ID("ed-cancel")))
		rec.forgetRefusals(412)
		rec.check(t, base)
	})

	t.Run("an edit keeps the Korean text and the disputes the form does not show", func(t *testing.T) {
		patch := `{"properties":{"title_ko":"편집기 시험 귀순","summary_ko":"시험용 요약이다.","place_ko":"시험 장소",
		  "sources":[{"title":"Editor test report","url":"https://example.org/editor-test","publisher":"Example"},{"title":"Second","url":"https://example.org/second","publisher":"Other"}],
		  "disputes":[{"field":"date","claims":[{"value":"one day","source":0},{"value":"the next day","source":1}]}],"distinct_from":["2017-11-13-jsa-defection"]}}`
		res, err := http.Get(base + "/api/incidents/" + id)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		req, _ := http.NewRequest(http.MethodPatch, base+"/api/incidents/"+id, strings.NewReader(patch))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", server.ContentTypeMergePatch)
		req.Header.Set("If-Match", res.Header.Get("ETag"))
		req.Header.Set(server.HeaderChangeReason, "Korean text added")
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PATCH: %s", res.Status)
		}
		do(t, ctx, chromedp.Click(chromedp.ID("edit-incident")), chromedp.WaitVisible(chromedp.ID("editor-form")))
		waitFor(t, ctx, `document.querySelectorAll('#ed-source-rows fieldset').length === 2`)
		do(t, ctx,
			setValue("ed-persons", "one soldier, by the editor"),
			chromedp.SendKeys(chromedp.ID("ed-reason"), "Persons corrected"),
			chromedp.Click(chromedp.ID("ed-save")),
		)
		waitFor(t, ctx, `document.getElementById('editor').hidden`)
		settled(t, ctx)
		if w := writes.take(); len(w) != 1 || w[0] != "PUT /api/incidents/"+id+" 200" {
			t.Errorf("saving sent %v; want one PUT answered 200", w)
		}
		in, err := st.Get(id)
		if err != nil || in.Persons != "one soldier, by the editor" || in.TitleKo != "편집기 시험 귀순" || in.PlaceKo != "시험 장소" ||
			len(in.Disputes) != 1 || len(in.DistinctFrom) != 1 {
			t.Errorf("after the edit the store holds %+v, %v; want the new persons and the Korean text, dispute and distinct_from kept", in, err)
		}
		rec.check(t, base)
	})

	t.Run("delete it", func(t *testing.T) {
		do(t, ctx,
			chromedp.Click(chromedp.ID("delete-incident")),
			chromedp.WaitVisible(chromedp.ID("del-reason")),
			chromedp.Click(chromedp.ID("del-confirm")),
		)
		waitFor(t, ctx, `!document.getElementById('delete-error').hidden`)
		if w := writes.take(); len(w) != 0 {
			t.Errorf("a delete without a reason sent %v", w)
		}
		do(t, ctx,
			chromedp.SendKeys(chromedp.ID("del-reason"), "Test incident removed"),
			chromedp.Click(chromedp.ID("del-confirm")),
		)
		waitFor(t, ctx, `document.getElementById('details').hidden && !document.getElementById('delete-dialog').open`)
		settled(t, ctx)
		if w := writes.take(); len(w) != 1 || w[0] != "DELETE /api/incidents/"+id+" 204" {
			t.Errorf("deleting sent %v; want one DELETE answered 204", w)
		}
		if _, err := st.Get(id); data.ErrorKind(err) != data.KindNotFound {
			t.Errorf("after the delete the store answers %v", err)
		}
		revs := history(t, base, id)
		if n := len(revs); n == 0 || revs[n-1].Action != "delete" || revs[n-1].Reason != "Test incident removed" {
			t.Errorf("history: %+v; want a delete with its reason last", revs)
		}
		do(t, ctx, chromedp.Reload())
		s := settled(t, ctx)
		if s.Total != before.Total || s.Matched != before.Matched {
			t.Errorf("after the delete and a reload the page shows %d of %d, want %d of %d", s.Matched, s.Total, before.Matched, before.Total)
		}
		if eval[bool](t, ctx, fmt.Sprintf(`window.dmzmap.cluster.getLayers().some((m) => m.incidentId === %q) || !!document.querySelector('#list button[data-id=%q]')`, id, id)) {
			t.Errorf("the deleted incident is still on the map or in the list")
		}
		rec.check(t, base)
	})

	t.Run("Korean and a phone's width", func(t *testing.T) {
		do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)), chromedp.Reload())
		settled(t, ctx)
		do(t, ctx, chromedp.Click(chromedp.ID("lang")), chromedp.Click(chromedp.ID("add-incident")), chromedp.WaitVisible(chromedp.ID("editor-form")))
		got := eval[struct {
			Add, Title, Source, Option string
			Width                      float64
		}](t, ctx, `({ Add: document.getElementById('add-incident').textContent,
		  Title: document.querySelector('label[for="ed-title"]').textContent,
		  Source: document.querySelector('#ed-src-0 legend').textContent,
		  Option: document.querySelector('#ed-type option[value="tunnel"]').textContent,
		  Width: document.documentElement.scrollWidth })`)
		if got.Add != "사건 추가" || got.Title != "제목" || got.Source != "출처 1" || got.Option != "땅굴" {
			t.Errorf("the editor in Korean: %+v", got)
		}
		if got.Width > 390 {
			t.Errorf("with the editor open the page is %v px wide at 390 px", got.Width)
		}
		saveScreenshot(t, ctx, "browser-editor-390.png", chromedp.Screenshot(chromedp.ID("editor")))
		do(t, ctx, chromedp.Click(chromedp.ID("ed-cancel")))
		rec.check(t, base)
	})

	t.Run("sign out", func(t *testing.T) {
		do(t, ctx, chromedp.Click(chromedp.ID("sign-out")), chromedp.WaitVisible(chromedp.ID("sign-in")))
		got := eval[struct {
			Stored   string
			Controls int
		}](t, ctx, `({ Stored: sessionStorage.getItem('dmzmap.token') || '', Controls: `+editControls+` })`)
		if got.Stored != "" || got.Controls != 0 {
			t.Errorf("after signing out: %+v; want no token and no edit control", got)
		}
		if w := writes.take(); len(w) != 0 {
			t.Errorf("unexpected writes: %v", w)
		}
		rec.check(t, base)
	})
}
