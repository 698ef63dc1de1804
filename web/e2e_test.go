package web_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/testkit"
)

// do runs browser steps, each within its own deadline, and fails the test
// with what was being done and the step that failed (testkit.Do).
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	testkit.Do(t, ctx, what, steps...)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	return testkit.Eval[T](t, ctx, js)
}

// TestConsoleEndToEnd walks the product page's flow in real browsers against
// the real binary: a client writes in the web chat; the owner opens the
// client's chat and creates a dialog with the demo manager, who sees the
// notification arrive without reloading; the owner writes in the dialog, sees
// the general chat locked and unlocked by pausing, completes the dialog with
// two stars and the rating form; the client taps "Excellent"; both ratings
// show in the dialog and in the report.
func TestConsoleEndToEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := testkit.StartProcess(t, dir, testkit.FreePort(t), nil, "--demo", "--db", "sqlite:"+filepath.Join(dir, "beseda.db"))
	base := p.URL
	var channels []struct{ Key string }
	testkit.Login(t, base, app.DemoOwnerEmail, app.DemoPassword).MustDo("GET", "/api/v1/channels", nil, 200, &channels)

	owner, manager, client := testkit.Browser(t), testkit.Browser(t), testkit.Browser(t)
	signIn(t, owner, base, app.DemoOwnerEmail, app.DemoPassword)
	signIn(t, manager, base, app.DemoManagerEmail, app.DemoPassword)

	// The client writes in the web chat, with markup in the name and the text.
	xssName := `Zoe <img src=x id=pwned>`
	do(t, client, "client starts a chat",
		chromedp.Navigate(base+"/widget/"+channels[0].Key),
		chromedp.WaitVisible(chromedp.ID("visitor-name")),
		chromedp.SendKeys(chromedp.ID("visitor-name"), xssName),
		chromedp.Click(`#start button`),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), `<script>document.title="pwned"</script>My payment failed`),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(`//li[contains(@class,"in") and contains(., "My payment failed")]`),
	)

	// The owner opens the client's chat: the markup shows as text.
	do(t, owner, "owner opens the chat",
		chromedp.Navigate(base+"/chats"),
		chromedp.Click(`//a[contains(@class,"chat-row") and contains(., "Zoe")]`),
		chromedp.WaitVisible(`//h1[contains(., "Zoe <img")]`),
		chromedp.WaitVisible(`//li[contains(@class,"msg") and contains(., "<script>")]`),
	)
	if n := eval[int](t, owner, `document.querySelectorAll("#pwned, .msg script").length`); n != 0 {
		t.Errorf("client text was rendered as markup (%d elements)", n)
	}
	chatURL := eval[string](t, owner, `location.pathname`)

	// The manager waits on their chats page; a marker tells a reload.
	do(t, manager, "manager opens the console", chromedp.Navigate(base+"/chats"), chromedp.WaitVisible(`header.top`))
	eval[bool](t, manager, `window.notReloaded = true`)
	unreadBefore := eval[string](t, manager, `document.getElementById("unread").textContent`)

	// The owner creates a dialog adding the demo manager; the default type is preselected.
	do(t, owner, "open the create-dialog form",
		chromedp.Click(`#dialogs-toggle`),
		chromedp.Click(`#create-toggle`),
		chromedp.WaitVisible(chromedp.ID("dialog-title")),
	)
	if v := eval[string](t, owner, `document.getElementById("dialog-type").selectedOptions[0].textContent`); v != "Support" {
		t.Errorf("preselected type %q, want Support", v)
	}
	if !eval[bool](t, owner, `(function(){var me=document.querySelector("input[name=participant_ids]:disabled");return !!me&&me.checked})()`) {
		t.Errorf("the creator is not preselected and fixed")
	}
	do(t, owner, "create the dialog",
		chromedp.SendKeys(chromedp.ID("dialog-title"), "Payment issue"),
		chromedp.Click(`//label[contains(., "Max Manager")]/input`),
		chromedp.Click(`#create-dialog button[type=submit]`),
		chromedp.WaitVisible(`//h1[contains(., "Payment issue")]`),
	)
	dialogURL := eval[string](t, owner, `location.pathname`)

	// The manager sees the notification arrive, without reloading.
	do(t, manager, "manager sees the notification",
		chromedp.WaitVisible(`//div[contains(@class,"toast") and contains(., "Payment issue")]`),
		chromedp.WaitVisible(`#unread:not([hidden])`),
	)
	if !eval[bool](t, manager, `window.notReloaded === true`) {
		t.Errorf("the manager's page reloaded")
	}
	if n := eval[string](t, manager, `document.getElementById("unread").textContent`); n != fmt.Sprint(atoi(unreadBefore)+1) {
		t.Errorf("bell shows %q, want one more than %s", n, unreadBefore)
	}

	// The owner writes in the dialog; the general chat is locked meanwhile.
	do(t, owner, "write in the dialog",
		chromedp.SendKeys(chromedp.ID("text"), "We are checking your payment"),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(`//li[contains(@class,"out") and contains(., "We are checking your payment")]`),
		chromedp.Navigate(base+chatURL),
		chromedp.WaitVisible(`#composer[data-locked="1"]`),
	)
	if eval[bool](t, owner, `!!document.querySelector("#composer textarea, #composer button")`) {
		t.Errorf("the general-chat composer takes text during the dialog")
	}
	do(t, owner, "pause (chosen in the settings, confirmed): the general chat unlocks",
		chromedp.Navigate(base+dialogURL),
		chromedp.SetValue(chromedp.ID("status"), "paused"),
		chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(chromedp.ID("confirm-paused")),
		chromedp.Click(chromedp.ID("confirm-paused")),
		chromedp.WaitVisible(`//span[@id="dialog-status" and contains(., "Paused")]`),
		chromedp.Navigate(base+chatURL),
		chromedp.WaitVisible(`#composer[data-locked="0"]`),
	)
	if eval[bool](t, owner, `document.getElementById("text").disabled`) {
		t.Errorf("the general chat stays locked after pausing")
	}

	// Complete with two stars and the rating form.
	do(t, owner, "complete with 2 stars and the form",
		chromedp.Navigate(base+dialogURL),
		chromedp.SetValue(chromedp.ID("status"), "completed"),
		chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(`label[for="stars-2"]`),
		chromedp.Click(chromedp.ID("confirm-completed")),
		chromedp.WaitVisible(`//span[@id="dialog-status" and contains(., "Completed")]`),
	)
	if got := eval[string](t, owner, `document.getElementById("account-rating").textContent`); !strings.Contains(got, "2") {
		t.Errorf("account rating shows %q", got)
	}
	if got := eval[string](t, owner, `document.getElementById("rating-form").textContent`); got != "sent" {
		t.Errorf("rating form shows %q", got)
	}

	// The client taps Excellent and is thanked.
	do(t, client, "client rates",
		chromedp.WaitVisible(`//button[text()="Excellent"]`),
		chromedp.Click(`//button[text()="Excellent"]`),
		chromedp.WaitVisible(`//li[contains(., "Thank you for your feedback!")]`),
	)

	// Both ratings in the dialog's info (live) and in the report.
	do(t, owner, "client rating in the dialog",
		chromedp.WaitVisible(`//dd[@id="client-rating" and contains(., "3")]`),
	)
	do(t, owner, "ratings in the report",
		chromedp.Navigate(base+"/report?status=completed"),
		chromedp.WaitVisible(`//table[@id="report-rows"]//tr[contains(., "Payment issue")]`),
	)
	row := eval[string](t, owner, `Array.from(document.querySelectorAll("#report-rows tr")).find(r => r.textContent.includes("Payment issue")).innerText`)
	if !regexp.MustCompile(`\b2\s+3\s*$`).MatchString(strings.TrimSpace(row)) {
		t.Errorf("report row %q lacks account 2 and client 3", row)
	}
	// The demo has months of rated dialogs: the page shows the API's average.
	var rep struct {
		Totals struct {
			AverageClientRating float64 `json:"average_client_rating"`
		}
	}
	testkit.Login(t, base, app.DemoOwnerEmail, app.DemoPassword).MustDo("GET", "/api/v1/reports/dialogs?status=completed&limit=1", nil, 200, &rep)
	if got, want := eval[string](t, owner, `document.getElementById("avg-client").textContent`), fmt.Sprintf("%.2f", rep.Totals.AverageClientRating); got != want {
		t.Errorf("average client rating %q, want %s", got, want)
	}
	if title := eval[string](t, owner, `document.title`); strings.Contains(title, "pwned") {
		t.Errorf("a client's script ran")
	}
}

// TestConsolePermissions: a manager without dialog_settings.edit has no link
// to the settings page and is refused on its URL.
func TestConsolePermissions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := testkit.StartProcess(t, dir, testkit.FreePort(t), nil, "--demo", "--db", "sqlite:"+filepath.Join(dir, "beseda.db"))
	manager := testkit.Browser(t)
	signIn(t, manager, p.URL, app.DemoManagerEmail, app.DemoPassword)
	if n := eval[int](t, manager, `document.querySelectorAll('a[href^="/settings"]').length`); n != 0 {
		t.Errorf("the manager sees %d settings links", n)
	}
	res := testkit.Run(t, manager, "open the settings", chromedp.NavigateResponse(p.URL+"/settings/dialogs"))
	if res.Status != 403 {
		t.Errorf("settings page: status %d, want 403", res.Status)
	}
	if text := eval[string](t, manager, `document.body.innerText`); !strings.Contains(text, "You do not have permission") {
		t.Errorf("the refusal does not say why: %s", text)
	}
}

// TestConsoleRussianHasNoEnglish walks the screens of a Russian workspace
// (Russian data too) and finds no Latin letters in what they show.
func TestConsoleRussianHasNoEnglish(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "beseda.db")
	testkit.CreateWorkspace(t, dbURL, "Магазин", "olga@shop.test", "длинный пароль", "--owner-name", "Ольга", "--locale", "ru")
	p := testkit.StartProcess(t, dir, testkit.FreePort(t), nil, "--db", dbURL)
	api := testkit.Login(t, p.URL, "olga@shop.test", "длинный пароль")
	var manager beseda.User
	api.MustDo("POST", "/api/v1/users", map[string]any{"email": "misha@shop.test", "name": "Миша", "password": "длинный пароль"}, 201, &manager)
	api.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Оплата"}, 201, nil)
	key := testkit.WebChatKey(t, api)
	visitor := testkit.StartVisitor(t, p.URL, key, "Анна")
	visitor.Say("Здравствуйте, не проходит оплата")
	var types []beseda.CatalogItem
	api.MustDo("GET", "/api/v1/settings/dialog-types", nil, 200, &types)
	var d beseda.Dialog
	api.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": visitor.SubscriberID, "title": "Не проходит оплата",
		"type_id": types[0].ID, "participant_ids": []int64{manager.ID}}, 201, &d)
	api.MustDo("POST", fmt.Sprintf("/api/v1/dialogs/%d/messages", d.ID), map[string]string{"text": "Проверяем"}, 201, nil)
	done := testkit.Path("/api/v1/dialogs")
	var d2 beseda.Dialog
	v2 := testkit.StartVisitor(t, p.URL, key, "Борис")
	api.MustDo("POST", done, map[string]any{"subscriber_id": v2.SubscriberID, "title": "Возврат", "type_id": types[1].ID}, 201, &d2)
	api.MustDo("PATCH", fmt.Sprintf("/api/v1/dialogs/%d", d2.ID), map[string]any{"status": "completed", "account_rating": 3, "send_rating_form": true}, 200, nil)

	b := testkit.Browser(t)
	signIn(t, b, p.URL, "olga@shop.test", "длинный пароль")
	latin := regexp.MustCompile(`[A-Za-z]+`)
	for _, path := range []string{"/chats", fmt.Sprintf("/chats/%d", d.SubscriberID), fmt.Sprintf("/dialogs/%d", d.ID),
		fmt.Sprintf("/dialogs/%d", d2.ID), "/dialogs", "/dialogs?mine=1", "/notifications", "/report",
		"/settings/dialogs", "/settings/standard-messages", "/account/security", "/settings/sign-in"} {
		do(t, b, "open "+path, chromedp.Navigate(p.URL+path), chromedp.WaitVisible(`header.top`))
		// Everything the page shows, and the labels only screen readers
		// read; not what it shows in another language on purpose (the
		// standard messages' English texts, marked lang="en").
		text := eval[string](t, b, `(function(){
			var other = Array.from(document.querySelectorAll('[lang]:not([lang="ru"])'));
			other.forEach(e => e.hidden = true);
			var text = document.body.innerText;
			other.forEach(e => e.hidden = false);
			return text;
		})() + " " + Array.from(document.querySelectorAll("[aria-label],[title],[placeholder]")).map(e => (e.getAttribute("aria-label")||"")+" "+(e.getAttribute("title")||"")+" "+(e.getAttribute("placeholder")||"")).join(" ")`)
		if words := latin.FindAllString(text, 10); len(words) > 0 {
			t.Errorf("%s shows English: %v", path, words)
		}
		// Every form control has a label (screen readers, keyboard users).
		unlabelled := eval[[]string](t, b, `Array.from(document.querySelectorAll("input:not([type=hidden]),select,textarea"))
			.filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")).map(e => e.name || e.id)`)
		if len(unlabelled) > 0 {
			t.Errorf("%s has controls without labels: %v", path, unlabelled)
		}
	}
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}
