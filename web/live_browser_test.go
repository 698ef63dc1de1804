package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/i18n"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// Browser tests of live pages: several people act at once — a manager types
// while the client writes or a colleague saves — and nothing the manager is
// doing is lost. Every wait is for a state of the page, step by step.

// emailOf is a signed-in API client's email, to sign in with in a browser.
func emailOf(t *testing.T, c *testkit.Client) string {
	t.Helper()
	var me beseda.User
	c.MustDo("GET", "/api/v1/me", nil, 200, &me)
	return me.Email
}

// until waits for a JavaScript condition in the page, as one step.
func until(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	do(t, ctx, what, testkit.WaitTrue(cond))
}

// messageShown is true once a message with the text is in the page's list.
func messageShown(text string) string {
	return fmt.Sprintf(`Array.prototype.some.call(document.querySelectorAll("#messages .msg"), function (m) { return m.textContent.indexOf(%q) !== -1; })`, text)
}

// TestLiveDraftKeptWhileClientWrites: a manager's half-written message, its
// caret, a search typed elsewhere on the page, the open Dialogs menu with a
// half-filled form, and where the manager scrolled to, all stay while the
// client's messages arrive — with the caret in the composer and elsewhere.
func TestLiveDraftKeptWhileClientWrites(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	for i := 1; i <= 30; i++ {
		v.Say(fmt.Sprintf("Hello %d", i))
	}
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, emailOf(t, w.Manager), testkit.TestPassword)
	do(t, ctx, "open the chat and start a reply",
		chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", v.SubscriberID)),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SendKeys(`#text`, "Let me check your order"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("text").setSelectionRange(4, 6)`),
	)
	v.Say("Are you there?")
	until(t, ctx, "the client's message arrives", messageShown("Are you there?"))
	got := eval[[]any](t, ctx, `(function(){var x=document.getElementById("text");return [x.value, x.selectionStart, x.selectionEnd, document.activeElement===x]})()`)
	if fmt.Sprint(got) != "[Let me check your order 4 6 true]" {
		t.Errorf("with the caret in the composer, after the client wrote: %v", got)
	}

	// The caret elsewhere: in the search box, with a search typed.
	do(t, ctx, "type a search", chromedp.Click(`#q`), chromedp.SendKeys(`#q`, "An"))
	v.Say("Hello again?")
	until(t, ctx, "the client's next message arrives", messageShown("Hello again?"))
	if got := eval[string](t, ctx, `document.getElementById("text").value`); got != "Let me check your order" {
		t.Errorf("with the caret elsewhere, the draft became %q", got)
	}
	if got := eval[[]any](t, ctx, `[document.getElementById("q").value, document.activeElement.id]`); fmt.Sprint(got) != "[An q]" {
		t.Errorf("the search box after the update: %v", got)
	}

	// The Dialogs menu open, a title half-typed in its form, the messages
	// scrolled to the top to read.
	do(t, ctx, "open the menu's form, scroll up",
		chromedp.Click(`#dialogs-toggle`), chromedp.Click(`#create-toggle`), chromedp.WaitVisible(`#dialog-title`),
		chromedp.SendKeys(`#dialog-title`, "Order lost"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("chat-messages").scrollTop = 0`),
	)
	v.Say("Still there?")
	until(t, ctx, "the client's third message arrives", messageShown("Still there?"))
	got = eval[[]any](t, ctx, `[document.getElementById("dialogs-menu").open, document.getElementById("create-details").open,
		document.getElementById("dialog-title").value, document.activeElement.id, document.getElementById("chat-messages").scrollTop,
		document.getElementById("text").value]`)
	if fmt.Sprint(got) != "[true true Order lost dialog-title 0 Let me check your order]" {
		t.Errorf("menu open, form open, its title, focus, scroll, draft after the update: %v", got)
	}
}

// TestLiveColleagueSavesSettings: a colleague renames and pauses the dialog
// a manager is working in; the manager's header follows at once (title and
// status agree with the panel), while the manager's draft and unsaved ticks
// stay as they were.
func TestLiveColleagueSavesSettings(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var reason beseda.CatalogItem
	w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing question"}, 201, &reason)
	v := w.NewVisitor("Anna")
	v.Say("My payment failed")
	d := w.CreateDialog(v.SubscriberID, "Payment failed", w.ManagerID)
	page := srv.URL + testkit.Path("/dialogs/%d", d.ID)

	manager, colleague := testkit.Browser(t), testkit.Browser(t)
	signIn(t, manager, srv.URL, emailOf(t, w.Manager), testkit.TestPassword)
	signIn(t, colleague, srv.URL, emailOf(t, w.Owner), testkit.TestPassword)
	tick := fmt.Sprintf(`#settings-form input[name=reason_ids][value="%d"]`, reason.ID)
	other := fmt.Sprint(w.Types[1].ID)
	do(t, manager, "write a draft, tick a reason and choose another type, unsaved",
		chromedp.Navigate(page),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SendKeys(`#text`, "We found the cause"),
		chromedp.Click(tick),
		// As a person's choice in the list does: the value, and its change event.
		chromedp.Evaluate[chromedp.Void](`(function(){var s=document.getElementById("type");s.value="`+other+`";s.dispatchEvent(new Event("change",{bubbles:true}))})()`),
	)
	do(t, colleague, "the colleague renames the dialog",
		chromedp.Navigate(page),
		chromedp.WaitVisible(`#save-settings`),
		chromedp.SetValue(`#title`, "Card payment failed"),
		chromedp.Click(`#save-settings`),
		chromedp.WaitVisible(`#saved-notice`),
	)
	until(t, manager, "the manager's header shows the new title", `document.getElementById("dialog-title").textContent === "Card payment failed"`)
	check := func(when string) {
		t.Helper()
		state := eval[[]any](t, manager, `[document.getElementById("text").value, document.querySelector('`+tick+`').checked,
			document.getElementById("type").value, document.getElementById("title").value, document.title.indexOf("Card payment failed") === 0]`)
		if fmt.Sprint(state) != "[We found the cause true "+other+" Card payment failed true]" {
			t.Errorf("%s, the manager's page has draft, tick, type, title field, tab title: %v", when, state)
		}
	}
	check("after the rename")

	do(t, colleague, "the colleague pauses it",
		chromedp.SetValue(`#status`, "paused"),
		chromedp.Click(`#save-settings`),
		chromedp.WaitVisible(`#confirm-paused`),
		chromedp.Click(`#confirm-paused`),
		chromedp.WaitVisible(`#composer.note-only`),
	)
	until(t, manager, "the manager's header says Paused", `document.getElementById("dialog-status").textContent === "Paused"`)
	if got := eval[string](t, manager, `document.querySelector("#ratings .facts .badge").textContent`); got != "Paused" {
		t.Errorf("the header says Paused, the panel %q", got)
	}
	until(t, manager, "the composer takes notes only", `!!document.querySelector("#composer.note-only")`)
	check("after the pause")
	en := i18n.For(beseda.LocaleEN)
	if got := eval[string](t, manager, `document.getElementById("composer-error").textContent`); !strings.HasPrefix(got, en.T("dialog.locked_paused")) {
		t.Errorf("the manager is not told that the typed text can only be a note now: %q", got)
	}

	// Resumed: the text, typed as a note, stays one until the manager says otherwise.
	w.SetStatus(d.ID, beseda.DialogActive)
	until(t, manager, "the composer sends messages again", `!!document.querySelector("#composer:not(.note-only) #internal")`)
	if got := eval[[]any](t, manager, `[document.getElementById("internal").checked, document.getElementById("composer-error").textContent, document.getElementById("text").value]`); fmt.Sprint(got) != fmt.Sprint([]any{true, en.T("composer.kept_as_note"), "We found the cause"}) {
		t.Errorf("after the resume the note switch, the notice and the draft are %v", got)
	}
}

// TestLiveRefusedSendKeepsText: a colleague pauses the dialog before the
// manager's page has heard of it; the manager's Enter is refused and the
// text stays in the composer (and in the browser's draft), with the reason.
// Without the script the refused text comes back filled in too.
func TestLiveRefusedSendKeepsText(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	d := w.CreateDialog(v.SubscriberID, "Refund", w.ManagerID)
	page := srv.URL + testkit.Path("/dialogs/%d", d.ID)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, emailOf(t, w.Manager), testkit.TestPassword)
	do(t, ctx, "write, with no news of changes reaching the page",
		testkit.WithoutLiveUpdates(),
		chromedp.Navigate(page),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SendKeys(`#text`, "Your refund is on its way"),
	)
	w.SetStatus(d.ID, beseda.DialogPaused)
	want := i18n.For(beseda.LocaleEN).T("dialog.locked_paused")
	do(t, ctx, "press Enter", testkit.Press("Enter"), chromedp.WaitVisible(`#composer-error`))
	// The refusal's reason; once the page has caught up, the composer's
	// own notice, which begins with the same words.
	if got := eval[string](t, ctx, `document.getElementById("composer-error").textContent`); !strings.HasPrefix(got, want) {
		t.Errorf("the refusal says %q, want %q", got, want)
	}
	until(t, ctx, "the composer turns to notes", `!!document.querySelector("#composer.note-only")`)
	if got := eval[string](t, ctx, `document.getElementById("text").value`); got != "Your refund is on its way" {
		t.Errorf("after the refusal the composer has %q", got)
	}
	if got := eval[string](t, ctx, `location.pathname`); got != testkit.Path("/dialogs/%d", d.ID) {
		t.Errorf("the page left for %s", got)
	}
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(`#composer textarea`))
	if got := eval[string](t, ctx, `document.getElementById("text").value`); got != "Your refund is on its way" {
		t.Errorf("after a reload the draft is %q", got)
	}
	var msgs []beseda.Message
	w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), nil, 200, &msgs)
	if len(msgs) != 0 {
		t.Errorf("the refused message was stored: %+v", msgs)
	}

	// A browser without the script posts the form itself: the refusal comes
	// back by GET with the text in the composer.
	w.SetStatus(d.ID, beseda.DialogActive)
	do(t, ctx, "open the dialog again", chromedp.Navigate(page), chromedp.WaitVisible(`#composer:not(.note-only)`))
	w.SetStatus(d.ID, beseda.DialogPaused)
	do(t, ctx, "post the composer as a plain form",
		chromedp.Evaluate[chromedp.Void](`(function(){var f=document.getElementById("composer");f.elements.text.value="Sent without the script";f.submit()})()`),
		chromedp.WaitVisible(`div.alert`),
	)
	if got := eval[[]string](t, ctx, `[document.querySelector("div.alert").textContent.trim(), document.getElementById("text").value]`); fmt.Sprint(got) != fmt.Sprint([]string{want, "Sent without the script"}) {
		t.Errorf("without the script the refusal shows %q", got)
	}
}

// TestDraftSurvivesReload: what a manager typed in a chat's composer is
// there after a reload, is that chat's only, and is gone once sent.
func TestDraftSurvivesReload(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	anna, boris := w.NewVisitor("Anna"), w.NewVisitor("Boris")
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, emailOf(t, w.Manager), testkit.TestPassword)
	chat := srv.URL + testkit.Path("/chats/%d", anna.SubscriberID)
	text := `document.getElementById("text").value`
	do(t, ctx, "type and reload",
		chromedp.Navigate(chat),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SendKeys(`#text`, "Draft for later"),
		chromedp.Reload(),
		chromedp.WaitVisible(`#composer textarea`),
	)
	if got := eval[string](t, ctx, text); got != "Draft for later" {
		t.Fatalf("after a reload the composer has %q", got)
	}
	do(t, ctx, "another client's chat", chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", boris.SubscriberID)), chromedp.WaitVisible(`#composer textarea`))
	if got := eval[string](t, ctx, text); got != "" {
		t.Errorf("another chat's composer has %q", got)
	}
	do(t, ctx, "back, and send it",
		chromedp.Navigate(chat),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.Click(`#text`),
		testkit.Press("Enter"),
	)
	until(t, ctx, "the message shows", messageShown("Draft for later"))
	until(t, ctx, "the composer is empty", text+` === ""`)
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(`#composer textarea`))
	if got := eval[string](t, ctx, text); got != "" {
		t.Errorf("a sent draft came back: %q", got)
	}
}

// TestPhoneOpensAtNewest: on a 390 px phone (where the page scrolls, not
// the list) and at 1280 px, a long chat and a long dialog open at their
// newest message with the composer in view; a locked general chat shows a
// one-line notice, not a box to type in.
func TestPhoneOpensAtNewest(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	for i := 1; i <= 25; i++ {
		v.Say(fmt.Sprintf("Client line %d", i))
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), map[string]string{"text": fmt.Sprintf("Answer %d", i)}, 201, nil)
	}
	d := w.CreateDialog(v.SubscriberID, "Long case", w.ManagerID)
	for i := 1; i <= 25; i++ {
		w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]string{"text": fmt.Sprintf("Dialog line %d", i)}, 201, nil)
	}
	// The newest message ends above the composer, and the composer is whole in view.
	atNewest := `(function(){
		var last = document.querySelector("#messages > li:last-child").getBoundingClientRect();
		var c = document.getElementById("composer").getBoundingClientRect();
		var box = document.querySelector(".scroll");
		var inBox = box.scrollHeight <= box.clientHeight + 1 || box.scrollHeight - box.scrollTop - box.clientHeight < 2;
		return inBox && c.top >= 0 && c.bottom <= innerHeight + 1 && last.bottom <= c.top + 1 && last.bottom > 0;
	})()`
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, emailOf(t, w.Manager), testkit.TestPassword)
	for _, width := range []int64{390, 1280} {
		for _, path := range []string{testkit.Path("/dialogs/%d", d.ID), testkit.Path("/chats/%d", v.SubscriberID)} {
			do(t, ctx, fmt.Sprintf("open %s at %d px", path, width), chromedp.EmulateViewport(width, 860), chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(`#composer`))
			until(t, ctx, fmt.Sprintf("%s at %d px shows the newest message and the composer", path, width), atNewest)
		}
		// The general chat is locked (the dialog is active): a short notice.
		if got := eval[[]any](t, ctx, `[!!document.querySelector("#composer textarea"), document.getElementById("composer").getBoundingClientRect().height < 100]`); fmt.Sprint(got) != "[false true]" {
			t.Errorf("at %d px the locked composer has a text box, is short: %v", width, got)
		}
	}
	// At every width every navigation link has a name to read.
	do(t, ctx, "a phone", chromedp.EmulateViewport(390, 860), chromedp.Navigate(srv.URL+"/chats"), chromedp.WaitVisible(`header.top`))
	if unnamed := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("header.top a")).filter(function(a){return !a.innerText.trim()}).map(function(a){return a.getAttribute("href")})`); len(unnamed) > 0 {
		t.Errorf("links without a name at 390 px: %v", unnamed)
	}
}

// TestLivePictureEndsAtBottom: a live message with a picture ends at the
// bottom of the list once the picture has loaded — in the console at both
// widths, and in the client's web chat, where a client reading older
// messages stays where they are.
func TestLivePictureEndsAtBottom(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	for i := 1; i <= 30; i++ {
		v.Say(fmt.Sprintf("Line %d", i))
	}
	picture := func(c *testkit.Client, path string) int64 {
		res := c.Upload(path, "screen.png", "", testkit.PNG(480, 360))
		var up beseda.Attachment
		if res.Status != 201 {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		res.Decode(t, &up)
		return up.ID
	}
	// The newest message with its picture loaded, and the list at its end.
	atEnd := func(list string) string {
		return `(function(){
			var imgs = document.querySelectorAll("#messages > li:last-child img");
			if (!imgs.length || !Array.prototype.every.call(imgs, function(i){ return i.complete && i.naturalWidth > 0; })) return false;
			var last = document.querySelector("#messages > li:last-child").getBoundingClientRect();
			var box = document.querySelector("` + list + `"), composer = document.getElementById("composer");
			// Where the list ends on the screen: its own box's bottom, or (a
			// phone, where the page scrolls) the composer's top.
			var bottom = box.scrollHeight > box.clientHeight + 1 ? box.getBoundingClientRect().bottom : Math.min(innerHeight, composer.getBoundingClientRect().top);
			return box.scrollHeight - box.scrollTop - box.clientHeight < 2 && last.bottom <= bottom + 1 && last.bottom > bottom - 40;
		})()`
	}
	// What a failed wait shows: the scroll, the last message, its pictures.
	state := func(list string) string {
		return `(function(){
			var box = document.querySelector("` + list + `"), li = document.querySelector("#messages > li:last-child");
			return JSON.stringify({scrollHeight: box.scrollHeight, scrollTop: box.scrollTop, clientHeight: box.clientHeight,
				messages: document.querySelectorAll("#messages > li").length, last: li && li.textContent.slice(0, 40),
				lastBottom: li && li.getBoundingClientRect().bottom, boxBottom: box.getBoundingClientRect().bottom, innerHeight: innerHeight,
				images: li ? Array.prototype.map.call(li.querySelectorAll("img"), function(i){ return [i.complete, i.naturalWidth, i.getBoundingClientRect().height]; }) : null});
		})()`
	}
	for i, width := range []int64{1280, 390} {
		ctx := testkit.Browser(t)
		signIn(t, ctx, srv.URL, emailOf(t, w.Manager), testkit.TestPassword)
		do(t, ctx, "open the chat", chromedp.EmulateViewport(width, 860), chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", v.SubscriberID)),
			chromedp.WaitVisible(`#composer textarea`))
		v.MustDo("POST", "/widget/"+v.Key+"/messages", map[string]any{"text": fmt.Sprintf("Picture %d", i), "attachment_ids": []int64{picture(v.Client, "/widget/"+v.Key+"/uploads")}}, 201, nil)
		do(t, ctx, fmt.Sprintf("at %d px the picture's message ends the list, at the bottom", width),
			testkit.WaitTrueShowing(atEnd("#chat-messages"), state("#chat-messages")))
		if width == 390 {
			if r := eval[[]float64](t, ctx, `(function(){var c=document.getElementById("composer").getBoundingClientRect();return [c.top, c.bottom, innerHeight]})()`); r[1] > r[2]+1 {
				t.Errorf("at 390 px the composer is out of view: %v", r)
			}
		}
	}

	// The client's side: the web chat, with the manager's picture.
	client := testkit.Browser(t)
	do(t, client, "the client chats", chromedp.Navigate(srv.URL+"/widget/"+w.WebKey), chromedp.WaitVisible(`#visitor-name`),
		chromedp.SendKeys(`#visitor-name`, "Boris"), chromedp.Click(`#start button`), chromedp.WaitVisible(`#text`))
	var subs []beseda.Subscriber
	w.Owner.MustDo("GET", "/api/v1/subscribers?q=Boris", nil, 200, &subs)
	for i := 1; i <= 30; i++ {
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", subs[0].ID), map[string]string{"text": fmt.Sprintf("Line %d", i)}, 201, nil)
	}
	until(t, client, "the lines arrive", `document.querySelectorAll("#messages li").length >= 30`)
	w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", subs[0].ID), map[string]any{"text": "Like this",
		"attachment_ids": []int64{picture(w.Owner, "/api/v1/uploads")}}, 201, nil)
	do(t, client, "the picture's message ends the web chat, at the bottom", testkit.WaitTrueShowing(atEnd("#messages"), state("#messages")))

	// A client reading older messages is left where they are, by a new
	// message and by its picture loading.
	do(t, client, "the client scrolls up", chromedp.Evaluate[chromedp.Void](`(function(){
		var box = document.getElementById("messages");
		box.addEventListener("scroll", function(){ window.scrolledUp = box.scrollTop === 0; });
		box.scrollTop = 0;
	})()`))
	until(t, client, "the scroll is seen", `window.scrolledUp === true`)
	w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", subs[0].ID), map[string]any{"text": "And this",
		"attachment_ids": []int64{picture(w.Owner, "/api/v1/uploads")}}, 201, nil)
	until(t, client, "the new message arrives", messageShown("And this"))
	do(t, client, "its picture loads", testkit.ImagesLoaded(`#messages > li:last-child img`))
	if top := eval[float64](t, client, `document.getElementById("messages").scrollTop`); top != 0 {
		t.Errorf("a client reading the oldest messages was moved to %v by a new one", top)
	}
}

// TestAttachmentChipRemovable: a file refused as too large shows as a chip
// that can be removed, like any other.
func TestAttachmentChipRemovable(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{
		Configure: func(c *server.Config) { c.MaxUploadBytes = 1000 }})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	big := filepath.Join(t.TempDir(), "big.pdf")
	if err := os.WriteFile(big, []byte("%PDF-1.4\n"+strings.Repeat("x", 3000)), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, emailOf(t, w.Manager), testkit.TestPassword)
	do(t, ctx, "attach a file too large, remove it",
		chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", v.SubscriberID)),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SetUploadFiles(`#files`, []string{big}),
		chromedp.WaitVisible(`#attach-list li.failed`),
		chromedp.Click(`#attach-list li.failed button.remove`),
		chromedp.WaitNotPresent(`#attach-list li`),
	)
	if ok := testkit.Run(t, ctx, "where the focus is", testkit.FocusedIs("text")); !ok {
		t.Errorf("after removing the chip the focus is not back in the composer")
	}
}

// TestDialogsMenu: the chat's Dialogs menu (the seed's) lists the client's
// dialogs with their status, and creates one; Escape closes the innermost
// open panel and gives the focus back to its toggle, Cancel closes the form
// without leaving the page, a click elsewhere closes the menu; on a phone
// it opens inside the screen, under its toggle.
func TestDialogsMenu(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	v.Say("Hello")
	old := w.CreateDialog(v.SubscriberID, "Old case")
	w.SetStatus(old.ID, beseda.DialogCompleted)
	chat := testkit.Path("/chats/%d", v.SubscriberID)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, emailOf(t, w.Owner), testkit.TestPassword)
	open := `document.getElementById("dialogs-menu").open`
	do(t, ctx, "open the menu",
		chromedp.Navigate(srv.URL+chat),
		chromedp.WaitVisible(`#dialogs-toggle`),
		chromedp.Click(`#dialogs-toggle`),
		chromedp.WaitVisible(`#client-dialogs`),
	)
	if got := eval[string](t, ctx, `document.getElementById("client-dialogs").innerText`); !strings.Contains(got, "Completed") || !strings.Contains(got, "Old case") {
		t.Errorf("the menu lists %q", got)
	}
	do(t, ctx, "Escape closes it", testkit.Press("Escape"), testkit.WaitTrue("!"+open))
	if ok := testkit.Run(t, ctx, "where the focus is", testkit.FocusedIs("dialogs-toggle")); !ok {
		t.Errorf("after Escape the focus is not on the menu's toggle")
	}

	// From the keyboard: the toggle, Create new dialog, the title; Escape twice.
	do(t, ctx, "open the form from the keyboard",
		testkit.Press("Enter"), testkit.WaitTrue(open),
		testkit.Press("Tab"), testkit.WaitTrue(`document.activeElement.id === "create-toggle"`),
		testkit.Press("Enter"), testkit.WaitTrue(`document.getElementById("create-details").open`),
		testkit.Press("Tab"), testkit.WaitTrue(`document.activeElement.id === "dialog-title"`),
		chromedp.SendKeys(`#dialog-title`, "Half-typed"),
		testkit.Press("Escape"), testkit.WaitTrue(`!document.getElementById("create-details").open && document.activeElement.id === "create-toggle"`),
		testkit.Press("Escape"), testkit.WaitTrue("!"+open+` && document.activeElement.id === "dialogs-toggle"`),
	)

	// Cancel empties the form and closes it, on the same page.
	do(t, ctx, "Cancel",
		chromedp.Click(`#dialogs-toggle`), chromedp.Click(`#create-toggle`), chromedp.WaitVisible(`#dialog-title`),
		chromedp.Click(`#create-cancel`),
		testkit.WaitTrue(`!document.getElementById("create-details").open && document.activeElement.id === "create-toggle"`),
	)
	if got := eval[[]string](t, ctx, `[location.pathname, document.getElementById("dialog-title").value]`); fmt.Sprint(got) != fmt.Sprint([]string{chat, ""}) {
		t.Errorf("after Cancel: %v", got)
	}
	do(t, ctx, "a click elsewhere closes the menu", chromedp.Click(`#chat-messages`), testkit.WaitTrue("!"+open))

	// On a phone: under its toggle, inside the screen.
	do(t, ctx, "a phone", chromedp.EmulateViewport(390, 860), chromedp.Navigate(srv.URL+chat), chromedp.WaitVisible(`#dialogs-toggle`),
		chromedp.Click(`#dialogs-toggle`), chromedp.Click(`#create-toggle`), chromedp.WaitVisible(`#dialog-title`))
	geo := eval[[]float64](t, ctx, `(function(){var p=document.getElementById("dialogs-panel").getBoundingClientRect(),
		b=document.getElementById("dialogs-toggle").getBoundingClientRect();return [p.left, p.right, p.top, b.bottom, innerWidth]})()`)
	if geo[0] < 0 || geo[1] > geo[4] || geo[2] < geo[3] {
		t.Errorf("at 390 px the panel (left %v, right %v, top %v) leaves the screen or covers its toggle (bottom %v)", geo[0], geo[1], geo[2], geo[3])
	}
	do(t, ctx, "create a dialog",
		chromedp.SendKeys(`#dialog-title`, "New case"),
		chromedp.Click(fmt.Sprintf(`#new-p-%d`, w.ManagerID)),
		chromedp.Click(`#create-submit`),
		chromedp.WaitVisible(`//h1[contains(., "New case")]`),
	)
}

// TestTabReachesDialogs counts the key presses from a chat's page load to
// the Dialogs menu (Create dialog) for a keyboard user, with the demo's
// dozens of chats before it: the skip link leads to the conversation.
func TestTabReachesDialogs(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{Demo: true})
	owner := testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	ids := findDemo(t, owner)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	do(t, ctx, "open a chat", chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", ids.dana)), chromedp.WaitVisible(`header.top`))
	presses := 0
	for ; presses < 200; presses++ {
		at := eval[string](t, ctx, `(function(){var e=document.activeElement;
			if (e.matches("#dialogs-toggle, details.create-dialog > summary")) return "there";
			return e.matches("a.skip[href='#conversation']") ? "skip" : ""})()`)
		if at == "there" {
			break
		}
		key := "Tab"
		if at == "skip" {
			key = "Enter"
		}
		do(t, ctx, key, testkit.Press(key))
	}
	t.Logf("%d key presses from the page load to the Dialogs menu", presses)
	if presses > 4 {
		t.Errorf("%d key presses to reach the Dialogs menu, want a few", presses)
	}
}

// TestConfirmationFromTheKeyboard: the confirmation of a status change takes
// the focus when it opens, and Escape cancels it (the dialog stays as it was).
func TestConfirmationFromTheKeyboard(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	d := w.CreateDialog(v.SubscriberID, "Refund")
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, emailOf(t, w.Owner), testkit.TestPassword)
	do(t, ctx, "choose Paused and save",
		chromedp.Navigate(srv.URL+testkit.Path("/dialogs/%d", d.ID)),
		chromedp.SetValue(`#status`, "paused"),
		chromedp.Click(`#save-settings`),
		chromedp.WaitVisible(`#confirm-paused`),
		testkit.WaitTrue(`document.activeElement.id === "confirm"`),
		testkit.Press("Escape"),
		testkit.Loaded(`!document.getElementById("confirm")`),
	)
	var got beseda.Dialog
	w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
	if got.Status != beseda.DialogActive {
		t.Errorf("Escape on the confirmation changed the status to %s", got.Status)
	}
}
