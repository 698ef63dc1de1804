package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestConsoleSavedOnlyOnceTheStatusIsConfirmed: choosing a new status in
// the dialog's settings and saving saves nothing yet and says nothing is
// saved; the confirmation carries the settings as they were left, and
// confirming saves them with the status, and only then says "Saved".
func TestConsoleSavedOnlyOnceTheStatusIsConfirmed(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		c := consoleOf(t, w, w.Owner)
		page := testkit.Path("/dialogs/%d", d.ID)
		form := url.Values{"title": {"Case, renamed"}, "type_id": {testkit.Path("%d", w.Types[0].ID)}, "status": {"paused"}}
		res := c.Post(page, form)
		if res.Status != http.StatusSeeOther || strings.Contains(res.Header.Get("Location"), "saved=1") ||
			!strings.Contains(res.Header.Get("Location"), "confirm=paused") {
			t.Fatalf("choosing a status: %d to %s", res.Status, res.Header.Get("Location"))
		}
		var got beseda.Dialog
		w.Owner.MustDo("GET", "/api/v1"+page, nil, http.StatusOK, &got)
		if got.Title != "Case" || got.Status != beseda.DialogActive {
			t.Errorf("before confirming, the dialog is %q %s", got.Title, got.Status)
		}
		body := string(c.Get(res.Header.Get("Location")).Body)
		if strings.Contains(body, `id="saved-notice"`) {
			t.Errorf("the confirmation says Saved before anything is")
		}
		if !strings.Contains(body, `id="confirm-paused"`) || !strings.Contains(body, `name="title" value="Case, renamed"`) {
			t.Errorf("the confirmation does not carry the settings as they were left")
		}
		res = c.Post(page+"/status", url.Values{"status": {"paused"}, "settings": {"1"}, "title": {"Case, renamed"},
			"type_id": {testkit.Path("%d", w.Types[0].ID)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("confirming: %d %s", res.Status, res.Body)
		}
		w.Owner.MustDo("GET", "/api/v1"+page, nil, http.StatusOK, &got)
		if got.Title != "Case, renamed" || got.Status != beseda.DialogPaused {
			t.Errorf("after confirming, the dialog is %q %s", got.Title, got.Status)
		}
		if body := string(c.Get(res.Header.Get("Location")).Body); !strings.Contains(body, `id="saved-notice"`) {
			t.Errorf("no Saved after the confirmation")
		}
	})
}

// TestConsoleCompletionSettlesReasonsAndComponents: the completion step
// offers the reasons and components, filled in with the dialog's; they are
// saved with the completion, and on the completed dialog they — only they —
// stay editable, each change in its history.
func TestConsoleCompletionSettlesReasonsAndComponents(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	var billing, bug, widget beseda.CatalogItem
	w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Billing"}, 201, &billing)
	w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Bug"}, 201, &bug)
	w.Owner.MustDo("POST", "/api/v1/settings/dialog-components", map[string]string{"name": "Widget"}, 201, &widget)
	v := w.NewVisitor("Anna")
	var d beseda.Dialog
	w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "Case",
		"type_id": w.Types[0].ID, "reason_ids": []int64{billing.ID}}, 201, &d)
	page := testkit.Path("/dialogs/%d", d.ID)
	box := func(in, name string) string {
		return `//fieldset[@id="` + in + `"]//label[contains(., "` + name + `")]/input`
	}

	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "choose completed",
		chromedp.Navigate(srv.URL+page),
		chromedp.WaitVisible(chromedp.ID("save-settings")),
		chromedp.SetValue(chromedp.ID("status"), "completed"),
		chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(chromedp.ID("confirm-completed")),
	)
	checked := func(xpath string) bool {
		return eval[bool](t, ctx, `document.evaluate('`+xpath+`', document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.checked`)
	}
	if !checked(box("confirm-reasons", "Billing")) || checked(box("confirm-reasons", "Bug")) || checked(box("confirm-components", "Widget")) {
		t.Errorf("the completion step is not filled in with the dialog's reasons and components")
	}
	if eval[bool](t, ctx, `!!document.getElementById("saved-notice")`) {
		t.Errorf("Saved shows before the completion is confirmed")
	}
	do(t, ctx, "settle and complete",
		chromedp.Click(box("confirm-reasons", "Billing")),
		chromedp.Click(box("confirm-reasons", "Bug")),
		chromedp.Click(box("confirm-components", "Widget")),
		chromedp.Click(`label[for="stars-3"]`),
		chromedp.Click(chromedp.ID("send-form")),
		chromedp.Click(chromedp.ID("confirm-completed")),
		chromedp.WaitVisible(`//span[@id="dialog-status" and contains(., "Completed")]`),
		chromedp.WaitVisible(chromedp.ID("saved-notice")),
	)
	var got beseda.Dialog
	w.Owner.MustDo("GET", "/api/v1"+page, nil, http.StatusOK, &got)
	if got.Status != beseda.DialogCompleted || len(got.Reasons) != 1 || got.Reasons[0].ID != bug.ID ||
		len(got.Components) != 1 || got.Components[0].ID != widget.ID || got.AccountRating == nil || *got.AccountRating != 3 || got.RatingFormSent {
		t.Errorf("after completing: %+v", got)
	}

	do(t, ctx, "edit the completed dialog's reasons",
		chromedp.WaitVisible(`//form[@id="settings-form"]//label[contains(., "Billing")]/input`),
		chromedp.Click(`//form[@id="settings-form"]//label[contains(., "Billing")]/input`),
		chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(`//ol[@id="history"]/li[6][contains(., "+Billing")]`),
	)
	if eval[bool](t, ctx, `!!document.querySelector("#settings-form [name=title], #settings-form [name=type_id], #settings-form [name=participant_ids]")`) {
		t.Errorf("a completed dialog offers more than its reasons and components to edit")
	}
	w.Owner.MustDo("GET", "/api/v1"+page, nil, http.StatusOK, &got)
	if len(got.Reasons) != 2 || got.Status != beseda.DialogCompleted {
		t.Errorf("after editing the completed dialog: %+v", got)
	}
	var events []beseda.DialogEvent
	w.Owner.MustDo("GET", "/api/v1"+page+"/events", nil, http.StatusOK, &events)
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, string(e.Kind))
	}
	if want := "created reasons_changed components_changed status_changed account_rated reasons_changed"; strings.Join(kinds, " ") != want {
		t.Errorf("history\n got %s\nwant %s", strings.Join(kinds, " "), want)
	}
}
