package server_test

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeSource is axe-core 4.14.1 (MPL-2.0, testdata/axe-core/LICENSE),
// injected by the tests only: the page never loads it.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// axeRun injects axe-core into the page and returns the violations of
// WCAG 2.1 A and AA and of axe's best practices.
func axeRun(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	if !eval[bool](t, ctx, `typeof window.axe === 'object'`) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			t.Fatalf("injecting axe-core: %v", err)
		}
	}
	return eval[[]axeViolation](t, ctx, `(async () => {
	  const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
	  return r.violations.map((v) => ({ ID: v.id, Impact: v.impact || '', Help: v.help,
	    Nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\n').slice(1, 2).join('')) }));
	})()`)
}

func setScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserAccess runs axe-core on the page with an incident open in
// both languages, both colour schemes and at both widths, saves each as a
// screenshot, and walks the page by keyboard.
func TestBrowserAccess(t *testing.T) {
	ctx, base, rec := seedTab(t, 3*time.Minute)

	// An incident known only to kilometres, near the JSA.
	var fc struct {
		Features []struct {
			ID    string         `json:"id"`
			Props map[string]any `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, base+"/api/incidents?limit=10000", &fc)
	sel := ""
	for _, f := range fc.Features {
		if c, _ := f.Props["side_certain"].(bool); !c && f.Props["sector"] == "western" {
			sel = f.ID
			break
		}
	}
	if sel == "" {
		t.Fatal("no western incident with an uncertain side")
	}

	for _, scheme := range []string{"light", "dark"} {
		for _, lang := range []string{"en", "ko"} {
			for _, size := range [][2]int64{{1280, 860}, {390, 844}} {
				name := fmt.Sprintf("%s-%s-%d", lang, scheme, size[0])
				t.Run(name, func(t *testing.T) {
					do(t, ctx, chromedp.EmulateViewport(size[0], size[1]))
					setScheme(t, ctx, scheme)
					do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/?sel=%s&lang=%s", base, sel, lang)))
					settled(t, ctx)
					waitFor(t, ctx, `!document.getElementById('details').hidden`)
					if got := eval[string](t, ctx, `matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'`); got != scheme {
						t.Fatalf("the page sees %s", got)
					}
					for _, v := range axeRun(t, ctx) {
						t.Errorf("axe %s (%s): %s\n  %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
					}
					eval[any](t, ctx, `window.scrollTo(0, 0)`)
					saveScreenshot(t, ctx, "page-"+name+".png", chromedp.CaptureScreenshot())
					if size[0] < 500 {
						eval[any](t, ctx, `document.getElementById('details').scrollIntoView()`)
						saveScreenshot(t, ctx, "page-"+name+"-details.png", chromedp.CaptureScreenshot())
						eval[any](t, ctx, `document.getElementById('profile').scrollIntoView()`)
						saveScreenshot(t, ctx, "page-"+name+"-profile.png", chromedp.CaptureScreenshot())
					}
					rec.check(t, base)
				})
			}
		}
	}
	setScheme(t, ctx, "light")

	t.Run("keyboard", func(t *testing.T) {
		do(t, ctx, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(base+"/"))
		settled(t, ctx)
		// A single marker opens with Enter.
		eval[any](t, ctx, `void window.dmzmap.map.setView([38.25, 127.3], 11, { animate: false })`)
		settled(t, ctx)
		id := eval[string](t, ctx, `(() => {
		  const { map } = window.dmzmap;
		  let id = '';
		  window.dmzmap.cluster.eachLayer((m) => { if (!id && m._icon && map.getBounds().contains(m.getLatLng())) { id = m.incidentId; m._icon.focus(); } });
		  return id;
		})()`)
		if id == "" {
			t.Fatal("no single marker in view")
		}
		do(t, ctx, chromedp.KeyEvent(kb.Enter))
		waitFor(t, ctx, fmt.Sprintf(`!document.getElementById('details').hidden && window.dmzmap.state.sel === %q`, id))
		do(t, ctx, chromedp.Click(chromedp.ID("details-close")))
		if got := eval[string](t, ctx, `document.activeElement === document.body ? 'body' : document.activeElement.id || document.activeElement.tagName`); got == "body" {
			t.Errorf("closing the details dropped the focus to the body")
		}
		// Space opens one too.
		eval[any](t, ctx, `(() => { let done = false; window.dmzmap.cluster.eachLayer((m) => { if (!done && m._icon) { m._icon.focus(); done = true; } }); })()`)
		do(t, ctx, chromedp.KeyEvent(" "))
		waitFor(t, ctx, `!document.getElementById('details').hidden`)
		do(t, ctx, chromedp.KeyEvent(kb.Escape))

		// A list item, focused by keyboard, shows its ring and keeps the
		// focus when it opens the incident and the map moves.
		eval[any](t, ctx, `void window.dmzmap.map.fitBounds(window.dmzmap.cluster.getBounds(), { animate: false })`)
		settled(t, ctx)
		do(t, ctx, chromedp.Focus(chromedp.CSS(`#list button[data-id]`)), chromedp.KeyEvent(kb.ArrowDown))
		eval[any](t, ctx, `document.querySelector('#list button[data-id]').blur()`)
		do(t, ctx, chromedp.Focus(chromedp.ID("list-panel")), chromedp.KeyEvent(kb.Tab))
		ring := eval[struct {
			ID      string
			Outline string
			Visible bool
		}](t, ctx, `(() => {
		  const b = document.activeElement;
		  const s = getComputedStyle(b);
		  return { ID: b.dataset.id || '', Outline: s.outlineStyle + ' ' + s.outlineWidth, Visible: b.matches(':focus-visible') };
		})()`)
		if ring.ID == "" || !ring.Visible || !strings.HasPrefix(ring.Outline, "solid 3px") {
			t.Fatalf("the focused list item %+v shows no ring", ring)
		}
		saveScreenshot(t, ctx, "list-focus.png", chromedp.CaptureScreenshot())
		do(t, ctx, chromedp.KeyEvent(kb.Enter))
		waitFor(t, ctx, fmt.Sprintf(`window.dmzmap.state.sel === %q`, ring.ID))
		time.Sleep(1200 * time.Millisecond) // the fly and the list's rebuild
		settled(t, ctx)
		if got := eval[string](t, ctx, `document.activeElement.dataset?.id ?? document.activeElement.id ?? ''`); got == "" || got == "body" {
			t.Errorf("after opening %s from the list the focus is on %q", ring.ID, got)
		}
		// Resizing rebuilds the list: the focus stays on it.
		do(t, ctx, chromedp.EmulateViewport(1100, 800))
		time.Sleep(400 * time.Millisecond)
		settled(t, ctx)
		if got := eval[bool](t, ctx, `document.activeElement === document.body`); got {
			t.Errorf("after a resize the focus is on the body")
		}
		rec.check(t, base)
	})
}
