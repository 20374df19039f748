package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dmzmap/dmzmap/server"
)

// TestBrowserAccessEditor runs axe-core on the page with each of the
// editor's dialogs open, in both languages: the sign-in dialog (empty, and
// showing the server's refusal of a wrong token), the incident form (empty,
// and showing the server's field errors), the form editing an incident,
// and the delete dialog (showing that a reason is required). Nothing is
// written: every save is refused.
func TestBrowserAccessEditor(t *testing.T) {
	exe := chromium(t)
	const token = "access-editor-token-51c2"
	base := serve(t, seededStore(t), server.Config{Token: token})
	rec := &recorder{}
	ctx := newTab(t, exe, rec.listen)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	some := apiIDs(t, base, "")[0]

	check := func(t *testing.T, state string) {
		t.Helper()
		for _, v := range axeRun(t, ctx) {
			t.Errorf("%s: axe %s (%s): %s\n  %s", state, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
		}
	}
	for _, lang := range []string{"en", "ko"} {
		t.Run(lang, func(t *testing.T) {
			do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/"))
			waitFor(t, ctx, `typeof window.dmzmap === 'object'`)
			settled(t, ctx) // no request of this page left before the next
			eval[any](t, ctx, `sessionStorage.clear()`)
			do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/?lang=%s", base, lang)))
			waitFor(t, ctx, `typeof window.dmzmap === 'object'`)
			settled(t, ctx)

			do(t, ctx, chromedp.Click(chromedp.ID("sign-in")), chromedp.WaitVisible(chromedp.ID("ed-token")))
			check(t, "the sign-in dialog")
			do(t, ctx,
				chromedp.SendKeys(chromedp.ID("ed-token"), "not-the-token"),
				chromedp.Click(chromedp.ID("sign-in-submit")),
			)
			waitFor(t, ctx, `!document.getElementById('sign-in-error').hidden`)
			check(t, "the sign-in dialog refusing a token")
			rec.forgetRefusals(401)

			do(t, ctx,
				setValue("ed-token", ""),
				chromedp.SendKeys(chromedp.ID("ed-token"), token),
				chromedp.Click(chromedp.ID("sign-in-submit")),
				chromedp.WaitVisible(chromedp.ID("add-incident")),
				chromedp.Click(chromedp.ID("add-incident")),
				chromedp.WaitVisible(chromedp.ID("editor-form")),
			)
			check(t, "the new incident's form")
			do(t, ctx, setValue("ed-src-0-url", "not a url"), chromedp.Click(chromedp.ID("ed-save")))
			waitFor(t, ctx, `!document.getElementById('ed-summary').hidden && document.querySelectorAll('#editor-form .field-error').length > 0`)
			check(t, "the new incident's form showing the server's errors")
			rec.forgetRefusals(422)
			do(t, ctx, chromedp.Click(chromedp.ID("ed-cancel")))
			waitFor(t, ctx, `document.getElementById('editor').hidden`)

			eval[any](t, ctx, fmt.Sprintf(`window.dmzmap.select(%q)`, some))
			waitFor(t, ctx, `!document.getElementById('details').hidden && !!document.getElementById('edit-incident')`)
			do(t, ctx, chromedp.Click(chromedp.ID("edit-incident")), chromedp.WaitVisible(chromedp.ID("editor-form")))
			waitFor(t, ctx, `document.getElementById('ed-title').value !== ''`)
			check(t, "the form editing an incident")
			do(t, ctx, chromedp.Click(chromedp.ID("ed-cancel")))
			waitFor(t, ctx, `document.getElementById('editor').hidden`)

			eval[any](t, ctx, fmt.Sprintf(`window.dmzmap.select(%q)`, some))
			waitFor(t, ctx, `!document.getElementById('details').hidden && !!document.getElementById('delete-incident')`)
			do(t, ctx, chromedp.Click(chromedp.ID("delete-incident")), chromedp.WaitVisible(chromedp.ID("del-reason")))
			check(t, "the delete dialog")
			do(t, ctx, chromedp.Click(chromedp.ID("del-confirm")))
			waitFor(t, ctx, `!document.getElementById('delete-error').hidden`)
			check(t, "the delete dialog asking for a reason")
			saveScreenshot(t, ctx, "editor-delete-"+lang+".png", chromedp.CaptureScreenshot())
			do(t, ctx, chromedp.Click(chromedp.ID("del-cancel")))
			waitFor(t, ctx, `!document.getElementById('delete-dialog').open`)
			rec.check(t, base)
		})
	}
}
