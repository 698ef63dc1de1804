package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestSearchBox_DesktopAndPhone: on a 1280 px screen and a 390 px phone, "/"
// on the Chats page puts the caret in the search box; a search lists the
// hits grouped, the words marked; the search page, its filters open, passes
// axe; a hit's link opens the chat at that message — an old one, far above
// the newest — in view and highlighted, not at the newest.
func TestSearchBox_DesktopAndPhone(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna Kettle")
	v.Say("The blue kettle I bought needs a refund")
	for i := 1; i <= 40; i++ {
		v.Say(fmt.Sprintf("Hello %d, anyone there?", i))
	}
	var hit beseda.SearchPage
	w.Owner.MustDo("GET", "/api/v1/search?q=kettle", nil, 200, &hit)
	if len(hit.Items) != 1 {
		t.Fatalf("the API finds %+v", hit.Items)
	}
	found := fmt.Sprintf("m%d", hit.Items[0].ID)
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := testkit.Browser(t)
			do(t, ctx, "a screen of the width", chromedp.EmulateViewport(width, 800))
			signIn(t, ctx, srv.URL, emailOf(t, w.Manager), testkit.TestPassword)
			do(t, ctx, "open Chats and press /", chromedp.Navigate(srv.URL+"/chats"), chromedp.WaitVisible(`#q`),
				testkit.Press("/"))
			if id := eval[string](t, ctx, `document.activeElement.id`); id != "q" {
				t.Fatalf("after / the focus is on %q, not the search box", id)
			}
			if got := eval[string](t, ctx, `document.getElementById("q").value`); got != "" {
				t.Errorf("the / was typed into the box: %q", got)
			}
			do(t, ctx, "search for refunds of kettles", chromedp.SendKeys(`#q`, "kettles refunds"), testkit.Press("Enter"),
				chromedp.WaitVisible(`#found-message`))
			marks := eval[[]any](t, ctx, `Array.prototype.map.call(document.querySelectorAll("#found-message .snippet mark"), function (m) { return m.textContent; })`)
			if fmt.Sprint(marks) != "[kettle refund]" {
				t.Errorf("marked in the snippet: %v", marks)
			}
			// Every kind has its group; no client's name holds both words.
			if got := eval[[]any](t, ctx, `Array.prototype.map.call(document.querySelectorAll(".search-group"), function (g) { return g.id + ":" + g.querySelectorAll(".hit").length; })`); fmt.Sprint(got) != "[found-message:1 found-dialog:0 found-subscriber:0]" {
				t.Errorf("the groups: %v", got)
			}
			do(t, ctx, "open the filters", chromedp.Click(`.search-filters summary`), chromedp.WaitVisible(`#in_dialogs`))
			for _, v := range testkit.Run(t, ctx, "axe on the search page", testkit.Axe()) {
				t.Errorf("search page (%d px): %s", width, v)
			}
			overflow := testkit.Run(t, ctx, "measure the page", testkit.MeasureOverflow())
			if overflow.ScrollWidth > overflow.Viewport {
				t.Errorf("the search page scrolls sideways at %d px: %+v", width, overflow)
			}
			do(t, ctx, "open the message", chromedp.Click(`#found-message .hit a`), chromedp.WaitVisible(`#`+found))
			until(t, ctx, "the message is highlighted", fmt.Sprintf(`document.getElementById(%q).classList.contains("found")`, found))
			if got := eval[[]any](t, ctx, fmt.Sprintf(`(function () {
				var m = document.getElementById(%q), r = m.getBoundingClientRect();
				return [r.top >= 0 && r.bottom <= window.innerHeight, r.top, r.bottom, window.innerHeight, window.scrollY];
			})()`, found)); got[0] != true {
				t.Errorf("the message found is not in view: %v", got)
			}
			if newest := eval[bool](t, ctx, `(function () {
				var all = document.querySelectorAll("#messages .msg"), r = all[all.length - 1].getBoundingClientRect();
				return r.top < window.innerHeight && r.bottom > 0;
			})()`); newest {
				t.Errorf("the chat opened at the newest message, not at the one found")
			}
		})
	}
}
