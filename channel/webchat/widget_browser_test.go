package webchat_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/i18n"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// run runs browser steps, each within its own deadline (testkit.Do).
func run(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	testkit.Do(t, ctx, what, steps...)
}

func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return testkit.Eval[T](t, ctx, expr)
}

// shown reports whether an element takes space on the page.
func shown(t *testing.T, ctx context.Context, id string) bool {
	return js[bool](t, ctx, fmt.Sprintf(`(function(){var e=document.getElementById(%q);return !!e&&e.getClientRects().length>0})()`, id))
}

func subscribers(t *testing.T, w *testkit.World) []beseda.Subscriber {
	t.Helper()
	var subs []beseda.Subscriber
	w.Owner.MustDo("GET", "/api/v1/subscribers", nil, http.StatusOK, &subs)
	return subs
}

// TestWidgetStartsOnce: before a chat starts only the name form shows (the
// composer is hidden and disabled); pressing "Start chat" twice, and
// reloading, make one client: the session is kept in the browser.
func TestWidgetStartsOnce(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	ctx := testkit.Browser(t)
	run(t, ctx, "open the widget",
		chromedp.Navigate(srv.URL+"/widget/"+w.WebKey),
		chromedp.WaitVisible(chromedp.ID("visitor-name")),
	)
	if shown(t, ctx, "composer") || shown(t, ctx, "messages") {
		t.Errorf("the composer or the message list shows before the chat started")
	}
	if !js[bool](t, ctx, `document.getElementById("text").disabled`) {
		t.Errorf("the message box is usable before the chat started")
	}
	// Two presses in a row, as a double click does.
	run(t, ctx, "start twice",
		chromedp.SendKeys(chromedp.ID("visitor-name"), "Hugo"),
		chromedp.Evaluate[chromedp.Void](`(function(){var f=document.getElementById("start");f.requestSubmit();f.requestSubmit()})()`),
		chromedp.WaitVisible(chromedp.ID("text")),
	)
	if shown(t, ctx, "start") {
		t.Errorf("the name form still shows after the chat started")
	}
	run(t, ctx, "write, reload, write again",
		chromedp.SendKeys(chromedp.ID("text"), "First"),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(`//li[contains(@class,"in") and contains(., "First")]`),
		chromedp.Reload(),
		chromedp.WaitVisible(`//li[contains(@class,"in") and contains(., "First")]`),
		chromedp.SendKeys(chromedp.ID("text"), "Second"),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(`//li[contains(@class,"in") and contains(., "Second")]`),
	)
	if shown(t, ctx, "start") {
		t.Errorf("the name form shows again after a reload")
	}
	if subs := subscribers(t, w); len(subs) != 1 || subs[0].Name != "Hugo" {
		t.Fatalf("clients after two presses and a reload: %+v", subs)
	}
}

// TestWidgetDraftSurvivesReload: what the client typed stays through a
// reload and through a refused send, and is gone once sent.
func TestWidgetDraftSurvivesReload(t *testing.T) {
	srv := testkit.StartServer(t, testkit.NewDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	ctx := testkit.Browser(t)
	value := `document.getElementById("text").value`
	run(t, ctx, "start, type, reload",
		chromedp.Navigate(srv.URL+"/widget/"+w.WebKey),
		chromedp.WaitVisible(chromedp.ID("visitor-name")),
		chromedp.SendKeys(chromedp.ID("visitor-name"), "Hugo"),
		chromedp.Click(`#start button`),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "My order never came"),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("text")),
	)
	if got := js[string](t, ctx, value); got != "My order never came" {
		t.Fatalf("after a reload the message box has %q", got)
	}
	// Refused (longer than any channel takes): the text stays, reload or not.
	long := strings.Repeat("x", 5000)
	run(t, ctx, "send too much",
		chromedp.Evaluate[chromedp.Void](`(function(){var x=document.getElementById("text");x.value="`+long+`";x.dispatchEvent(new Event("input"))})()`),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(chromedp.ID("error")),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("text")),
	)
	if got := js[string](t, ctx, value); got != long {
		t.Errorf("after a refusal and a reload the box has %d characters", len(got))
	}
	run(t, ctx, "send one that fits",
		chromedp.SetValue(chromedp.ID("text"), "My order never came"),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(`//li[contains(@class,"in") and contains(., "My order never came")]`),
		chromedp.Reload(),
		chromedp.WaitVisible(`//li[contains(@class,"in") and contains(., "My order never came")]`),
	)
	if got := js[string](t, ctx, value); got != "" {
		t.Errorf("a sent message came back as a draft: %q", got)
	}
}

// TestWidgetErrorsAreFriendly: what the server refuses reaches the client in
// their words, never as the API's message; a lost session leads back to the
// name form.
func TestWidgetErrorsAreFriendly(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	en := i18n.For(beseda.LocaleEN)
	ctx := testkit.Browser(t)
	run(t, ctx, "start",
		chromedp.Navigate(srv.URL+"/widget/"+w.WebKey),
		chromedp.WaitVisible(chromedp.ID("visitor-name")),
		chromedp.SendKeys(chromedp.ID("visitor-name"), "Ines"),
		chromedp.Click(`#start button`),
		chromedp.WaitVisible(chromedp.ID("text")),
	)
	// Longer than any channel takes (the box's maxlength stops typing, not a script).
	run(t, ctx, "send too much",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("text").value = "x".repeat(5000)`),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	if got := js[string](t, ctx, `document.getElementById("error").textContent`); got != en.T("widget.err_invalid") {
		t.Errorf("a refused message shows %q", got)
	}
	// The session is gone (a stale token): back to the name form, kindly.
	run(t, ctx, "lose the session",
		chromedp.Evaluate[chromedp.Void](`localStorage.setItem("beseda-visitor-`+w.WebKey+`", "stale")`),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("visitor-name")),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	if got := js[string](t, ctx, `document.getElementById("error").textContent`); got != en.T("widget.err_session") {
		t.Errorf("a lost session shows %q", got)
	}
	if text := js[string](t, ctx, `document.body.innerText`); strings.Contains(text, "X-Visitor-Token") || strings.Contains(text, "token") {
		t.Errorf("the client sees the API's words: %s", text)
	}
	if shown(t, ctx, "composer") {
		t.Errorf("the composer shows without a session")
	}
}

// TestWidgetSpeaksTheClientsLanguage: the browser's language, else the
// workspace's; every word of the page from the catalog.
func TestWidgetSpeaksTheClientsLanguage(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	ru := testkit.NewWorld(t, srv, beseda.LocaleRU)
	en := testkit.NewWorld(t, srv, beseda.LocaleEN)
	for _, c := range []struct {
		browser, key string
		want         beseda.Locale
	}{
		{"de-DE,de", ru.WebKey, beseda.LocaleRU}, // a language the widget lacks: the workspace's
		{"ru-RU,ru", en.WebKey, beseda.LocaleRU}, // the browser's wins
		{"en-US,en", ru.WebKey, beseda.LocaleEN},
	} {
		ctx := testkit.Browser(t)
		p := i18n.For(c.want)
		run(t, ctx, "open the widget in "+c.browser,
			testkit.Language(c.browser),
			chromedp.Navigate(srv.URL+"/widget/"+c.key),
			chromedp.WaitVisible(chromedp.ID("visitor-name")),
		)
		if got := js[string](t, ctx, `document.documentElement.lang`); got != string(c.want) {
			t.Errorf("%s: page language %q, want %s", c.browser, got, c.want)
		}
		if got := js[string](t, ctx, `document.querySelector("#start button").textContent`); got != p.T("widget.start") {
			t.Errorf("%s: start button %q", c.browser, got)
		}
		if got := js[string](t, ctx, `document.getElementById("text").placeholder`); got != p.T("widget.placeholder") {
			t.Errorf("%s: placeholder %q", c.browser, got)
		}
		if c.want == beseda.LocaleRU {
			run(t, ctx, "start in Russian",
				chromedp.SendKeys(chromedp.ID("visitor-name"), "Анна"),
				chromedp.Click(`#start button`),
				chromedp.WaitVisible(chromedp.ID("text")),
			)
			// No Latin letters anywhere a client reads (the channel's name is the business's).
			text := js[string](t, ctx, `document.body.innerText.replace(document.querySelector("h1").textContent, "") + " " + document.getElementById("text").placeholder`)
			if strings.ContainsAny(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
				t.Errorf("%s: the Russian widget shows English: %q", c.browser, text)
			}
		}
		if got := js[string](t, ctx, `document.querySelector("link[rel=icon]").href`); !strings.HasSuffix(got, ".svg") {
			t.Errorf("no favicon: %q", got)
		}
		res := testkit.NewClient(t, srv.URL).Do("GET", "/widget-static/icon.svg", nil)
		if res.Status != http.StatusOK {
			t.Errorf("favicon: status %d", res.Status)
		}
	}
}

// TestWidgetReleasedMessagesArriveLive (G2 as the client sees it): a
// broadcast held during a dialog reaches the open widget when the dialog is
// paused, without reloading, at the end of the chat — after the manager's
// message of the dialog, although it was produced before it.
func TestWidgetReleasedMessagesArriveLive(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	ctx := testkit.Browser(t)
	run(t, ctx, "start",
		chromedp.Navigate(srv.URL+"/widget/"+w.WebKey),
		chromedp.WaitVisible(chromedp.ID("visitor-name")),
		chromedp.SendKeys(chromedp.ID("visitor-name"), "Lena"),
		chromedp.Click(`#start button`),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "Hello"),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(`//li[contains(@class,"in") and contains(., "Hello")]`),
	)
	subs := subscribers(t, w)
	if len(subs) != 1 {
		t.Fatalf("clients: %+v", subs)
	}
	sub := subs[0]
	js[bool](t, ctx, `window.notReloaded = true`)
	d := w.CreateDialog(sub.ID, "Help Lena")
	var held beseda.Message
	w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": sub.ID, "source": "broadcast", "text": "Spring sale"}, 201, &held)
	if held.Status != beseda.MessageHeld {
		t.Fatalf("broadcast during a dialog is %s", held.Status)
	}
	w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]string{"text": "Hi Lena, how can I help?"}, 201, nil)
	run(t, ctx, "the manager's message arrives live",
		chromedp.WaitVisible(`//li[contains(@class,"out") and contains(., "Hi Lena")]`),
	)
	if js[bool](t, ctx, `document.body.innerText.includes("Spring sale")`) {
		t.Fatalf("the client sees a held broadcast")
	}
	w.SetStatus(d.ID, beseda.DialogPaused)
	run(t, ctx, "the released broadcast arrives live",
		chromedp.WaitVisible(`//li[contains(@class,"out") and contains(., "Spring sale")]`),
	)
	if !js[bool](t, ctx, `window.notReloaded === true`) {
		t.Errorf("the widget reloaded")
	}
	order := js[[]string](t, ctx, `Array.from(document.querySelectorAll("#messages li")).map(function(li){return li.firstChild.textContent})`)
	if got := strings.Join(order, " | "); got != "Hello | Hi Lena, how can I help? | Spring sale" {
		t.Errorf("the client sees %s", got)
	}
}

// TestWidgetEventStream: the stream needs the visitor's token, says only
// that something changed, and resumes from Last-Event-ID.
func TestWidgetEventStream(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		anon := testkit.NewClient(t, srv.URL)
		anon.WantError("GET", "/widget/"+w.WebKey+"/events", nil, 401, beseda.EUNAUTHORIZED)
		v := w.NewVisitor("Anna")
		other := w.NewVisitor("Boris")
		v.WantError("GET", "/widget/"+w.WebKey+"/events?last_event_id=x", nil, 400, beseda.EINVALID)

		stream := testkit.OpenStreamAt(t, srv.URL+"/widget/"+w.WebKey+"/events", v.Header)
		ready := stream.Next("ready", time.Minute)
		// Another client's message is nothing to Anna: resuming from before it
		// finds nothing to signal.
		other.Say("Not for Anna")
		if e := first(t, testkit.OpenStreamAt(t, srv.URL+"/widget/"+w.WebKey+"/events?last_event_id="+ready.ID, v.Header)); e.Name != "ready" {
			t.Errorf("another client's message made a %s event", e.Name)
		}
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), map[string]string{"text": "Secret reply text"}, 201, nil)
		changed := stream.Next("changed", time.Minute)
		if string(changed.Data) != "{}" {
			t.Errorf("the signal carries %q", changed.Data)
		}
		stream.Close()

		// Resuming from before the reply signals at once; from after it, not.
		if e := first(t, testkit.OpenStreamAt(t, srv.URL+"/widget/"+w.WebKey+"/events?last_event_id="+ready.ID, v.Header)); e.Name != "changed" {
			t.Errorf("resuming from before the reply: %s", e.Name)
		}
		if e := first(t, testkit.OpenStreamAt(t, srv.URL+"/widget/"+w.WebKey+"/events?last_event_id="+changed.ID, v.Header)); e.Name != "ready" {
			t.Errorf("resuming from after the reply: %s", e.Name)
		}
	})
}

// first is the first event of a stream, which it then closes.
func first(t *testing.T, s *testkit.Stream) testkit.Event {
	t.Helper()
	defer s.Close()
	select {
	case e, ok := <-s.Events:
		if !ok {
			t.Fatal("the stream ended at once")
		}
		return e
	case <-time.After(testkit.Timeout(time.Minute)):
		t.Fatalf("no event within %v", testkit.Timeout(time.Minute))
	}
	return testkit.Event{}
}

// TestWidgetRatingFormShowsTheAnswer (R3 as the client sees it): a rating
// form answered elsewhere tells the client so on a tap, and after a reload
// the form shows the choice marked, the other buttons off, and a tap on it
// says it was answered — it never looks clickable and silently does nothing.
func TestWidgetRatingFormShowsTheAnswer(t *testing.T) {
	srv := testkit.StartServer(t, testkit.NewDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	en := i18n.For(beseda.LocaleEN)
	ctx := testkit.Browser(t)
	run(t, ctx, "start",
		testkit.Language("en-US,en"),
		chromedp.Navigate(srv.URL+"/widget/"+w.WebKey),
		chromedp.WaitVisible(chromedp.ID("visitor-name")),
		chromedp.SendKeys(chromedp.ID("visitor-name"), "Rita"),
		chromedp.Click(`#start button`),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "Help"),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(`//li[contains(@class,"in") and contains(., "Help")]`),
	)
	sub := subscribers(t, w)[0]
	d := w.CreateDialog(sub.ID, "Help Rita")
	w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed", "send_rating_form": true}, 200, nil)
	run(t, ctx, "the form arrives", chromedp.WaitVisible(`//button[text()="Excellent"]`))

	// Answered in another tab while this one hears no news (its stream
	// blocked): it still offers the buttons.
	run(t, ctx, "block the stream and reload",
		blockURLs(srv.URL+"/widget/*/events"),
		chromedp.Reload(),
		chromedp.WaitVisible(`//button[text()="Excellent"]`),
	)
	visitor := testkit.NewClient(t, srv.URL)
	visitor.Header.Set("X-Visitor-Token", js[string](t, ctx, `localStorage.getItem("beseda-visitor-`+w.WebKey+`")`))
	var msgs []beseda.Message
	visitor.MustDo("GET", "/widget/"+w.WebKey+"/messages", nil, http.StatusOK, &msgs)
	for _, m := range msgs {
		if len(m.Buttons) == 3 {
			visitor.MustDo("POST", "/widget/"+w.WebKey+"/postback", map[string]string{"payload": m.Buttons[1].Payload}, http.StatusOK, nil)
		}
	}
	run(t, ctx, "a late tap is told it was answered",
		chromedp.Click(`//button[text()="Excellent"]`),
		chromedp.WaitVisible(`#error.notice`),
		chromedp.WaitVisible(`//button[contains(@class,"chosen") and contains(., "Normal")]`),
	)
	if got := js[string](t, ctx, `document.getElementById("error").textContent`); got != en.T("widget.answered") {
		t.Errorf("a late tap says %q", got)
	}

	run(t, ctx, "reload",
		blockURLs(),
		chromedp.Reload(),
		chromedp.WaitVisible(`//button[contains(@class,"chosen") and contains(., "Normal")]`),
	)
	state := js[[]string](t, ctx, `Array.from(document.querySelectorAll(".buttons button")).map(function(b){
		return b.textContent + ":" + (b.disabled ? "off" : "on") + ":" + (b.getAttribute("aria-pressed") || "")})`)
	if got := strings.Join(state, " "); got != "Bad:off: Normal:on:true Excellent:off:" {
		t.Errorf("after a reload the form shows %s", got)
	}
	if shown(t, ctx, "error") {
		t.Errorf("the notice outlived the reload")
	}
	run(t, ctx, "a tap on the answer says it was answered",
		chromedp.Click(`//button[contains(@class,"chosen")]`),
		chromedp.WaitVisible(`#error.notice`),
	)
	var got beseda.Dialog
	w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, http.StatusOK, &got)
	if got.ClientRating == nil || *got.ClientRating != 2 {
		t.Errorf("the rating is %v, want the first tap's 2", got.ClientRating)
	}
}

// blockURLs makes the tab fail requests to the addresses (URL patterns), or
// none.
func blockURLs(patterns ...string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		var blocked []*network.BlockPattern
		for _, p := range patterns {
			blocked = append(blocked, &network.BlockPattern{URLPattern: p, Block: true})
		}
		_, err := cdp.Call(ctx, t, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: blocked})
		return err
	})
}
