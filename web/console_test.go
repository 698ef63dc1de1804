package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/i18n"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// demoIDs finds the demo's walk-through clients and dialogs by name.
type demoIDs struct {
	anna, dana, chen  int64 // clients
	active, completed int64 // dialogs
	paused            int64
}

func findDemo(t *testing.T, api *testkit.Client) demoIDs {
	t.Helper()
	sub := func(name string) int64 {
		var subs []beseda.Subscriber
		api.MustDo("GET", "/api/v1/subscribers?q="+url.QueryEscape(name), nil, 200, &subs)
		if len(subs) == 0 {
			t.Fatalf("no demo client %s", name)
		}
		return subs[0].ID
	}
	var ids demoIDs
	ids.anna, ids.dana, ids.chen = sub("Anna Petrova"), sub("Dana Smith"), sub("Chen Wei")
	var ds []beseda.Dialog
	api.MustDo("GET", testkit.Path("/api/v1/dialogs?subscriber_id=%d", ids.anna), nil, 200, &ds)
	ids.active = ds[0].ID
	api.MustDo("GET", testkit.Path("/api/v1/dialogs?subscriber_id=%d", ids.chen), nil, 200, &ds)
	ids.completed = ds[0].ID
	api.MustDo("GET", "/api/v1/dialogs?status=paused", nil, 200, &ds)
	if len(ds) == 0 {
		t.Fatal("the demo has no paused dialog")
	}
	ids.paused = ds[0].ID
	return ids
}

// consoleScreens are every screen of the console (and the widget) with the
// demo's data.
func consoleScreens(ids demoIDs, widgetKey string) []struct{ name, path string } {
	return []struct{ name, path string }{
		{"chats", "/chats"},
		{"chat", testkit.Path("/chats/%d", ids.anna)},
		{"chat-create-dialog", testkit.Path("/chats/%d", ids.dana)},
		{"chat-locked", testkit.Path("/chats/%d", ids.anna)},
		{"dialog", testkit.Path("/dialogs/%d", ids.active)},
		{"dialog-completed", testkit.Path("/dialogs/%d", ids.completed)},
		{"dialog-confirm-completed", testkit.Path("/dialogs/%d?confirm=completed", ids.active)},
		{"dialogs-tab", "/dialogs"},
		{"dialogs-paused", "/dialogs?filter=paused"},
		{"notifications", "/notifications"},
		{"report", "/report"},
		{"settings-dialogs", "/settings/dialogs"},
		{"settings-standard-messages", "/settings/standard-messages"},
		{"settings-saved-replies", "/settings/saved-replies"},
		{"settings-users", "/settings/users"},
		{"settings-channels", "/settings/channels"},
		{"settings-hours", "/settings/hours"},
		{"account", "/account"},
		{"account-security", "/account/security"},
		{"settings-sign-in", "/settings/sign-in"},
		{"settings-audit", "/settings/audit"},
		{"settings-data", "/settings/data"},
		{"search", "/search?q=webhook&status=active"},
		{"error", "/dialogs/999999"},
		{"widget", "/widget/" + widgetKey},
	}
}

// TestConsoleFitsEveryScreen: no screen scrolls sideways on a 390 px phone
// or at 1280 px — long chat previews are cut, tables scroll inside their
// box — and in Russian no navigation or settings label is cut at 1280 px.
func TestConsoleFitsEveryScreen(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{Demo: true})
	owner := testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	ids := findDemo(t, owner)
	// A client who writes long, and a saved reply with a long text.
	v := testkit.StartVisitor(t, srv.URL, testkit.WebChatKey(t, owner), "Maximilian Alexander von Longname-Hyphenated")
	v.Say(strings.Repeat("Verylongwordwithoutanyspaces", 12) + " and then " + strings.Repeat("a rather long sentence ", 20))
	owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "long", "text": strings.Repeat("Anunbreakablewordinareply", 20)}, 201, nil)

	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	for _, width := range []int64{390, 1280} {
		for _, sc := range consoleScreens(ids, v.Key) {
			do(t, ctx, fmt.Sprintf("open %s at %d", sc.name, width),
				chromedp.EmulateViewport(width, 860),
				chromedp.Navigate(srv.URL+sc.path),
				chromedp.WaitVisible("body"),
			)
			if sc.name == "chat-create-dialog" {
				do(t, ctx, "open the form", chromedp.Click(`#dialogs-toggle`), chromedp.Click(`#create-toggle`), chromedp.WaitVisible(chromedp.ID("create-dialog")))
			}
			o := testkit.Run(t, ctx, fmt.Sprintf("measure %s at %d", sc.name, width), testkit.MeasureOverflow())
			if o.ScrollWidth > o.Viewport {
				t.Errorf("%s at %d px scrolls sideways: %d px wide; sticking out: %v", sc.name, width, o.ScrollWidth, o.Offenders)
			}
			if width == 1280 {
				// Table columns are as wide as their words: none is cut in two.
				if broken := testkit.Run(t, ctx, "words broken in tables", testkit.BrokenWords(`.table td, .table th`)); len(broken) > 0 {
					t.Errorf("%s at 1280 px breaks words in its table: %v", sc.name, broken)
				}
			}
		}
	}

	// Russian at 1280 px: every label whole.
	owner.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
	for _, path := range []string{"/chats", "/dialogs", "/report", "/settings/dialogs", "/settings/standard-messages",
		"/settings/saved-replies", "/settings/users", "/settings/hours", testkit.Path("/dialogs/%d", ids.active), "/notifications"} {
		do(t, ctx, "open "+path+" in Russian",
			chromedp.EmulateViewport(1280, 860),
			chromedp.Navigate(srv.URL+path),
			chromedp.WaitVisible(`header.top`),
		)
		cut := testkit.Run(t, ctx, "find cut labels on "+path, testkit.TruncatedLabels(`header.top nav a, .tabs a, .items input, .items button, .card-head button, label, legend, button, .button, th`))
		if len(cut) > 0 {
			t.Errorf("%s cuts labels in Russian: %v", path, cut)
		}
		if broken := testkit.Run(t, ctx, "words broken in tables", testkit.BrokenWords(`.table td, .table th`)); len(broken) > 0 {
			t.Errorf("%s breaks words in its table in Russian: %v", path, broken)
		}
	}

	// Russian on a phone: the report's filter buttons stay inside its card,
	// the web chat's box shows all it holds.
	do(t, ctx, "the report on a phone, in Russian", chromedp.EmulateViewport(390, 860), chromedp.Navigate(srv.URL+"/report"), chromedp.WaitVisible(`#totals`))
	if out := testkit.Run(t, ctx, "the report's filters", testkit.Spilling(`.filter-actions > *, .filters > *`)); len(out) > 0 {
		t.Errorf("the report's filters stick out of their box: %v", out)
	}
	do(t, ctx, "the web chat on a phone, in Russian", testkit.Language("ru"), chromedp.Navigate(srv.URL+"/widget/"+v.Key),
		chromedp.WaitVisible(`#visitor-name`), chromedp.SendKeys(`#visitor-name`, "Эрик"), chromedp.Click(`#start button`), chromedp.WaitVisible(`#text`),
		chromedp.SendKeys(`#text`, "Здравствуйте, у меня не проходит оплата картой уже третий день подряд, что делать?"))
	if got := eval[[]int](t, ctx, `(function(){var x=document.getElementById("text");return [x.scrollHeight, x.clientHeight]})()`); got[0] > got[1]+1 {
		t.Errorf("the web chat's message box hides what is typed: %d px of text in %d px", got[0], got[1])
	}
	if out := testkit.Run(t, ctx, "the composer", testkit.Spilling(`#composer > *`)); len(out) > 0 {
		t.Errorf("the web chat's composer sticks out: %v", out)
	}
}

// TestConsoleSavedReplyInsertion: in every composer, "/" and part of a name
// offer the matching saved replies; Enter or Tab inserts the text (and does
// not send), arrows move, Escape closes, a click inserts.
func TestConsoleSavedReplyInsertion(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{Demo: true})
	owner := testkit.Login(t, srv.URL, app.DemoOwnerEmail, app.DemoPassword)
	ids := findDemo(t, owner)
	owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "refund-time", "text": "Refunds take 3–5 business days."}, 201, nil)
	owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "greeting", "text": "Hello! How can I help?"}, 201, nil)

	// The demo manager has no saved_replies.edit: using them needs none.
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, app.DemoManagerEmail, app.DemoPassword)
	chat := testkit.Path("/chats/%d", ids.dana)
	do(t, ctx, "type /ref in the general chat",
		chromedp.Navigate(srv.URL+chat),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SendKeys(`#composer textarea`, "/ref"),
		chromedp.WaitVisible(`#reply-menu li[data-name="refund-time"]`),
	)
	if n := eval[int](t, ctx, `document.querySelectorAll("#reply-menu li").length`); n != 1 {
		t.Errorf("/ref offers %d replies", n)
	}
	do(t, ctx, "Enter inserts", testkit.Press("Enter"), chromedp.WaitNotPresent(`#reply-menu`))
	if got := eval[string](t, ctx, `document.querySelector("#composer textarea").value`); got != "Refunds take 3–5 business days." {
		t.Errorf("after Enter the composer has %q", got)
	}
	if got := eval[string](t, ctx, `location.pathname`); got != chat {
		t.Errorf("Enter sent the form: at %s", got)
	}
	do(t, ctx, "Escape closes",
		chromedp.SendKeys(`#composer textarea`, " /gr"),
		chromedp.WaitVisible(`#reply-menu li[data-name="greeting"]`),
		testkit.Press("Escape"),
		chromedp.WaitNotPresent(`#reply-menu`),
	)
	do(t, ctx, "a click inserts",
		chromedp.SendKeys(`#composer textarea`, "e"),
		chromedp.WaitVisible(`#reply-menu li[data-name="greeting"]`),
		chromedp.Click(`#reply-menu li[data-name="greeting"]`),
		chromedp.WaitNotPresent(`#reply-menu`),
	)
	if got := eval[string](t, ctx, `document.querySelector("#composer textarea").value`); got != "Refunds take 3–5 business days. Hello! How can I help?" {
		t.Errorf("after the click the composer has %q", got)
	}

	// In a dialog's composer: arrows and Tab.
	do(t, ctx, "arrows and Tab in a dialog",
		chromedp.Navigate(srv.URL+testkit.Path("/dialogs/%d", ids.active)),
		chromedp.WaitVisible(`#composer textarea`),
		chromedp.SendKeys(`#composer textarea`, "/"),
		chromedp.WaitVisible(`#reply-menu li[data-name="refund-time"]`),
		testkit.Press("ArrowDown"),
		chromedp.WaitVisible(`#reply-menu li[data-name="refund-time"][aria-selected="true"]`),
		testkit.Press("Tab"),
		chromedp.WaitNotPresent(`#reply-menu`),
	)
	if got := eval[string](t, ctx, `document.querySelector("#composer textarea").value`); got != "Refunds take 3–5 business days." {
		t.Errorf("after Tab the dialog's composer has %q", got)
	}
	// And it is sent as any text is.
	do(t, ctx, "send it",
		testkit.Press("Enter"),
		chromedp.WaitVisible(`//li[contains(@class,"out") and contains(., "Refunds take 3–5 business days.")]`),
	)
}

// TestConsoleStatusIsChosenAndConfirmed: the status is chosen in the
// dialog's settings (Save on top, "Saved" after saving) and confirmed before
// it changes; cancelling changes nothing. The dialog has an exit control at
// every width; a paused dialog shows under Dialogs → Paused; while the client
// has an active dialog, "Create dialog" is off and says why. The added
// manager's notification is in their language and follows a rename (C2).
func TestConsoleStatusIsChosenAndConfirmed(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	v := w.NewVisitor("Anna")
	v.Say("Hello")
	d := w.CreateDialog(v.SubscriberID, "Lead form broken", w.ManagerID)
	dialog := testkit.Path("/dialogs/%d", d.ID)
	status := func() beseda.DialogStatus {
		var got beseda.Dialog
		w.Owner.MustDo("GET", "/api/v1"+dialog, nil, 200, &got)
		return got.Status
	}

	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	for _, width := range []int64{1280, 390} {
		do(t, ctx, "open the dialog", chromedp.EmulateViewport(width, 860), chromedp.Navigate(srv.URL+dialog), chromedp.WaitVisible(chromedp.ID("dialog-exit")))
		if href := eval[string](t, ctx, `document.getElementById("dialog-exit").getAttribute("href")`); href != testkit.Path("/chats/%d", v.SubscriberID) {
			t.Errorf("at %d px the exit leads to %s", width, href)
		}
	}
	do(t, ctx, "create dialog is off in the client's chat",
		chromedp.EmulateViewport(1280, 860),
		chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", v.SubscriberID)),
		chromedp.Click(`#dialogs-toggle`),
		chromedp.WaitVisible(chromedp.ID("create-blocked-why")),
	)
	if !eval[bool](t, ctx, `document.getElementById("create-dialog-blocked").disabled`) {
		t.Errorf("Create dialog is usable during an active dialog")
	}

	// Save sits above the fields; a rename says "Saved".
	do(t, ctx, "rename",
		chromedp.Navigate(srv.URL+dialog),
		chromedp.WaitVisible(chromedp.ID("save-settings")),
	)
	if !eval[bool](t, ctx, `document.getElementById("save-settings").getBoundingClientRect().top < document.getElementById("title").getBoundingClientRect().top`) {
		t.Errorf("Save is not at the top of the settings")
	}
	do(t, ctx, "save a new title",
		chromedp.SetValue(chromedp.ID("title"), "Lead form sends nothing"),
		chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(chromedp.ID("saved-notice")),
	)

	// Pausing: chosen, then cancelled — nothing changes; chosen and confirmed.
	do(t, ctx, "choose paused, cancel",
		chromedp.SetValue(chromedp.ID("status"), "paused"),
		chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(chromedp.ID("confirm-paused")),
	)
	if s := status(); s != beseda.DialogActive {
		t.Fatalf("choosing a status changed it to %s before confirming", s)
	}
	do(t, ctx, "cancel", chromedp.Click(chromedp.ID("confirm-cancel")),
		testkit.Loaded(`!document.getElementById("confirm") && !!document.getElementById("status")`))
	if s := status(); s != beseda.DialogActive {
		t.Fatalf("cancelling changed the status to %s", s)
	}
	do(t, ctx, "choose paused, confirm",
		chromedp.SetValue(chromedp.ID("status"), "paused"),
		chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(chromedp.ID("confirm-paused")),
		chromedp.Click(chromedp.ID("confirm-paused")),
		chromedp.WaitVisible(`//span[@id="dialog-status" and contains(., "Paused")]`),
	)
	if s := status(); s != beseda.DialogPaused {
		t.Fatalf("after confirming: %s", s)
	}
	do(t, ctx, "the paused filter",
		chromedp.Navigate(srv.URL+"/dialogs"),
		chromedp.Click(chromedp.ID("filter-paused")),
		chromedp.WaitVisible(`//table//a[contains(., "Lead form sends nothing")]`),
	)
	do(t, ctx, "resume, confirmed",
		chromedp.Navigate(srv.URL+dialog),
		chromedp.SetValue(chromedp.ID("status"), "active"),
		chromedp.Click(chromedp.ID("save-settings")),
		chromedp.Click(chromedp.ID("confirm-active")),
		chromedp.WaitVisible(`//span[@id="dialog-status" and contains(., "Active")]`),
	)

	// The manager reads in Russian; the notification follows the rename.
	w.Manager.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
	var mgr beseda.User
	w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &mgr)
	mctx := testkit.Browser(t)
	signIn(t, mctx, srv.URL, mgr.Email, testkit.TestPassword)
	do(t, mctx, "notifications", chromedp.Navigate(srv.URL+"/notifications"), chromedp.WaitVisible(chromedp.ID("notification-list")))
	want := i18n.For(beseda.LocaleRU).T("task.starts_in_minutes", "Lead form sends nothing", 5)
	if text := eval[string](t, mctx, `document.getElementById("notification-list").innerText`); !strings.Contains(text, want) {
		t.Errorf("the manager's notifications: %q, want %q", text, want)
	}
}

// TestConsoleRefusedFormsComeBackByGET: a refused form shows its error on a
// page reached by GET, filled in as it was sent, so reloading never posts
// again; writing into a paused or completed dialog says what to do.
func TestConsoleRefusedFormsComeBackByGET(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	v := w.NewVisitor("Anna")
	chat := testkit.Path("/chats/%d", v.SubscriberID)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "send a create-dialog form with a blank title",
		chromedp.Navigate(srv.URL+chat),
		chromedp.Click(`#dialogs-toggle`),
		chromedp.Click(`#create-toggle`),
		chromedp.WaitVisible(chromedp.ID("dialog-title")),
		chromedp.SetValue(chromedp.ID("dialog-title"), "   "),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("dialog-title").removeAttribute("required")`),
		chromedp.Click(`//label[contains(., "Misha Manager")]/input`),
		chromedp.Click(`#create-dialog button[type=submit]`),
		chromedp.WaitVisible(`div.alert`),
	)
	if got := eval[string](t, ctx, `location.pathname`); got != chat {
		t.Errorf("the refusal is shown at %s", got)
	}
	if !eval[bool](t, ctx, `document.getElementById("dialogs-menu").open && document.getElementById("create-details").open && document.querySelector('#create-dialog input[name=participant_ids][value="`+fmt.Sprint(w.ManagerID)+`"]').checked`) {
		t.Errorf("the refused form is not shown again as it was sent")
	}
	if nav := eval[string](t, ctx, `performance.getEntriesByType("navigation")[0].type`); nav != "navigate" {
		t.Errorf("the refusal page was reached by %s", nav)
	}
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(`header.top`))
	if n := eval[int](t, ctx, `document.querySelectorAll("div.alert").length`); n != 0 {
		t.Errorf("reloading showed the refusal again (posted again?)")
	}
	var ds []beseda.Dialog
	w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs?subscriber_id=%d", v.SubscriberID), nil, 200, &ds)
	if len(ds) != 0 {
		t.Errorf("dialogs after a refused create: %+v", ds)
	}

	// Writing into a paused, then a completed dialog (a form left open in another tab).
	d := w.CreateDialog(v.SubscriberID, "Case")
	do(t, ctx, "open the dialog", chromedp.Navigate(srv.URL+testkit.Path("/dialogs/%d", d.ID)), chromedp.WaitVisible(`#composer textarea`))
	en := i18n.For(beseda.LocaleEN)
	for _, c := range []struct {
		status beseda.DialogStatus
		want   string
	}{{beseda.DialogPaused, en.T("dialog.locked_paused")}, {beseda.DialogCompleted, en.T("dialog.locked_completed")}} {
		w.SetStatus(d.ID, c.status)
		do(t, ctx, "write into a "+string(c.status)+" dialog",
			chromedp.Evaluate[chromedp.Void](`(function(){var f=document.createElement("form");f.method="post";f.action=location.pathname+"/messages";
				f.innerHTML='<input name="csrf"><input name="text" value="Hello?">';f.elements.csrf.value=document.body.dataset.csrf;document.body.appendChild(f);f.submit()})()`),
			chromedp.WaitVisible(`div.alert`),
		)
		if got := eval[string](t, ctx, `document.querySelector("div.alert").textContent.trim()`); got != c.want {
			t.Errorf("writing into a %s dialog says %q", c.status, got)
		}
	}
}

// TestConsoleShowsWhoWrote: manager messages carry their author's name;
// the chat list says "You:" only for one's own message, another manager's
// name for theirs, and "Bot:" or "System:" for automation.
func TestConsoleShowsWhoWrote(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	v := w.NewVisitor("Anna")
	v.Say("Hello")
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	general := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
	prefix := func() string {
		do(t, ctx, "open the chats", chromedp.Navigate(srv.URL+"/chats"), chromedp.WaitVisible(`#chat-list`))
		return eval[string](t, ctx, `(function(){var b=document.querySelector("#chat-list .chat-row .last .by");return b?b.textContent:""})()`)
	}
	w.Manager.MustDo("POST", general, map[string]string{"text": "Hi from Misha"}, 201, nil)
	if got := prefix(); got != "Misha Manager:" {
		t.Errorf("another manager's message: %q", got)
	}
	w.Owner.MustDo("POST", general, map[string]string{"text": "And from me"}, 201, nil)
	if got := prefix(); got != "You:" {
		t.Errorf("my message: %q", got)
	}
	w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": v.SubscriberID, "source": "broadcast", "text": "Sale"}, 201, nil)
	if got := prefix(); got != "Bot:" {
		t.Errorf("a broadcast: %q", got)
	}
	d := w.CreateDialog(v.SubscriberID, "Case")
	w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed", "send_rating_form": true}, 200, nil)
	if got := prefix(); got != "System:" {
		t.Errorf("the rating form: %q", got)
	}
	do(t, ctx, "open the chat", chromedp.Navigate(srv.URL+testkit.Path("/chats/%d", v.SubscriberID)), chromedp.WaitVisible(`#messages`))
	authors := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#messages .author")).map(function(e){return e.textContent})`)
	if got := strings.Join(authors, ", "); got != "Misha Manager, Olga Owner, Broadcast, System" {
		t.Errorf("authors in the chat: %s", got)
	}

	// A favicon, also for pages without a <link rel=icon>.
	if res := testkit.NewClient(t, srv.URL).Do("GET", "/favicon.ico", nil); res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/svg") {
		t.Errorf("favicon: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	if got := eval[string](t, ctx, `document.querySelector("link[rel=icon]").getAttribute("href")`); got != "/static/icon.svg" {
		t.Errorf("the console's icon link: %q", got)
	}

	// The error page names the trouble without a status number.
	do(t, ctx, "a dialog that does not exist", chromedp.Navigate(srv.URL+"/dialogs/999999"), chromedp.WaitVisible(`h1`))
	if got := eval[string](t, ctx, `document.querySelector("main h1").textContent + " | " + document.title`); got != "Not found | Not found — Beseda" {
		t.Errorf("error page: %q", got)
	}
}
