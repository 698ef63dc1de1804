package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
	"github.com/beseda/beseda/store"
)

// TestBrowserWindowNoticeAndTemplatePicker: in a browser, a WhatsApp
// client's chat says how long one may write freely; a day later (the fake
// clock) it says the window is closed and offers the channel's approved
// templates instead of the text box; the manager picks one, fills its
// parameter, sees the preview, sends it, and the chat shows it rendered
// while the Cloud API got the template.
func TestBrowserWindowNoticeAndTemplatePicker(t *testing.T) {
	srv := testkit.StartServer(t, testkit.NewDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	const phone, token, secret, waID = "106540352242922", "wa-token", "wa-secret", "4915112345678"
	api := fakewhatsapp.New(t, phone, token)
	api.SetTemplates("5550001", 10,
		fakewhatsapp.Template{Name: "spring_sale", Language: "en_US", Category: "MARKETING", Status: "REJECTED", Body: "Sale!"},
		fakewhatsapp.Template{Name: "order_update", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
			Body: "Your order {{1}} is on its way."},
		fakewhatsapp.Template{Name: "follow_up", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
			Body: "We have news about your question."})
	ch := w.AddChannel("whatsapp", "WhatsApp", map[string]string{"phone_number_id": phone, "access_token": token,
		"app_secret": secret, "verify_token": "v", "api_base_url": api.URL, "business_account_id": "5550001"})
	body := fakewhatsapp.TextMessage(phone, waID, "Greta", "wamid.1", "Where is my order?")
	if res := w.Webhook(ch.WebhookURL, body, map[string]string{"X-Hub-Signature-256": fakewhatsapp.Sign(body, secret)}); res.Status != 200 {
		t.Fatalf("webhook: %d", res.Status)
	}
	sub := w.SubscriberOf("whatsapp")
	srv.Clock.Advance(72 * time.Minute)

	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	chat := srv.URL + testkit.Path("/chats/%d", sub.ID)
	do(t, ctx, "open the chat within the window",
		chromedp.Navigate(chat),
		chromedp.WaitVisible(`#window-notice`),
	)
	if got := eval[string](t, ctx, `document.getElementById("window-notice").textContent`); !strings.Contains(got, "22 h 48 min") {
		t.Errorf("within the window the notice says %q", got)
	}
	if eval[bool](t, ctx, `!!document.getElementById("template-form")`) {
		t.Errorf("a template picker within the window")
	}

	srv.Clock.Advance(24 * time.Hour)
	do(t, ctx, "open the chat after the window",
		chromedp.Navigate(chat),
		chromedp.WaitVisible(`#template-form`),
	)
	if got := eval[string](t, ctx, `document.getElementById("window-notice").textContent`); !strings.Contains(got, "window is closed") {
		t.Errorf("after the window the notice says %q", got)
	}
	if eval[bool](t, ctx, `!!document.getElementById("text")`) {
		t.Errorf("the text box is offered after the window")
	}
	options := eval[string](t, ctx, `Array.from(document.querySelectorAll("#template-pick option")).map(o => o.value).join(",")`)
	if options != "follow_up|en_US,order_update|en_US" {
		t.Errorf("the picker offers %q (approved only)", options)
	}
	eval[bool](t, ctx, `(function(){
		var pick = document.getElementById("template-pick");
		pick.value = "order_update|en_US";
		pick.dispatchEvent(new Event("change", {bubbles: true}));
		return true })()`)
	do(t, ctx, "fill the parameter",
		chromedp.SendKeys(`fieldset[data-for="order_update|en_US"] input[data-n="1"]`, "A-17"),
	)
	if got := eval[string](t, ctx, `document.getElementById("template-preview").textContent`); got != "Your order A-17 is on its way." {
		t.Errorf("the preview shows %q", got)
	}
	do(t, ctx, "send the template",
		chromedp.Click(`#send-template`),
		chromedp.WaitVisible(`#template-form`),
	)
	testkit.Eventually(t, 10*time.Second, "the template sent", func() bool {
		for _, m := range w.Messages(sub.ID) {
			if m.Text == "Your order A-17 is on its way." && m.Status == beseda.MessageSent && m.Template != nil {
				return true
			}
		}
		return false
	})
	sent := api.Sent()
	if len(sent) != 1 || sent[0].Template != "order_update/en_US" || sent[0].Text != "Your order A-17 is on its way." {
		t.Errorf("the Cloud API got %+v", sent)
	}
}

// TestBrowserDialogTemplatePicker: in a browser, a WhatsApp client's
// dialog says in its composer how long one may write freely; a day later
// (the fake clock) the window is closed and the dialog's composer offers
// the channel's approved templates; the manager picks one, fills its
// parameter, sees the preview and sends it: the page stays the dialog, the
// dialog shows the template rendered as its own message, and the Cloud API
// got the template.
func TestBrowserDialogTemplatePicker(t *testing.T) {
	srv := testkit.StartServer(t, testkit.NewDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	api, ch := addWhatsApp(t, w, waTemplates...)
	body := fakewhatsapp.TextMessage(waPhone, waClient, "Greta", "wamid.1", "Where is my order?")
	if res := w.Webhook(ch.WebhookURL, body, map[string]string{"X-Hub-Signature-256": fakewhatsapp.Sign(body, waSecret)}); res.Status != 200 {
		t.Fatalf("webhook: %d", res.Status)
	}
	sub := w.SubscriberOf("whatsapp")
	d := w.CreateDialog(sub.ID, "Order A-17")
	srv.Clock.Advance(3 * time.Hour)

	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	dialog := srv.URL + testkit.Path("/dialogs/%d", d.ID)
	do(t, ctx, "open the dialog within the window",
		chromedp.Navigate(dialog),
		chromedp.WaitVisible(`#window-notice`),
	)
	if got := eval[string](t, ctx, `document.getElementById("window-notice").textContent`); !strings.Contains(got, "21 h 0 min") {
		t.Errorf("within the window the dialog's notice says %q", got)
	}
	if eval[bool](t, ctx, `!!document.getElementById("template-form") || !document.getElementById("text")`) {
		t.Errorf("within the window the dialog offers a picker, or no text box")
	}

	srv.Clock.Advance(22 * time.Hour)
	do(t, ctx, "open the dialog after the window",
		chromedp.Navigate(dialog),
		chromedp.WaitVisible(`#template-form`),
	)
	if got := eval[string](t, ctx, `document.getElementById("window-notice").textContent`); !strings.Contains(got, "window is closed") {
		t.Errorf("after the window the dialog's notice says %q", got)
	}
	options := eval[string](t, ctx, `Array.from(document.querySelectorAll("#template-pick option")).map(o => o.value).join(",")`)
	if options != "follow_up|en_US,order_update|en_US,rate_us|en_US" {
		t.Errorf("the picker offers %q (approved only)", options)
	}
	do(t, ctx, "pick a template and fill its parameter",
		chromedp.SetValue(`#template-pick`, "order_update|en_US"),
		chromedp.WaitVisible(`fieldset[data-for="order_update|en_US"] input[data-n="1"]`),
		chromedp.SendKeys(`fieldset[data-for="order_update|en_US"] input[data-n="1"]`, "A-17"),
	)
	if got := eval[string](t, ctx, `document.getElementById("template-preview").textContent`); got != "Your order A-17 is on its way." {
		t.Errorf("the preview shows %q", got)
	}
	do(t, ctx, "send the template and see it in the dialog",
		chromedp.Click(`#send-template`),
		chromedp.WaitVisible(`//ol[@id="messages"]//*[contains(., "Your order A-17 is on its way.")]`),
	)
	if got := eval[string](t, ctx, `location.pathname`); got != testkit.Path("/dialogs/%d", d.ID) {
		t.Errorf("after sending the manager is on %q, not the dialog", got)
	}
	testkit.Eventually(t, 10*time.Second, "the template sent", func() bool {
		var ms []beseda.Message
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), nil, http.StatusOK, &ms)
		for _, m := range ms {
			if m.Text == "Your order A-17 is on its way." && m.Status == beseda.MessageSent && m.Template != nil {
				return true
			}
		}
		return false
	})
	if sent := api.Sent(); len(sent) != 1 || sent[0].Template != "order_update/en_US" {
		t.Errorf("the Cloud API got %+v", sent)
	}
}

// TestBrowserRatingTemplateSetting: in a browser, Settings → Standard
// messages offers the WhatsApp templates that can be the rating form; the
// owner picks one and saves, and the API says it is the rating template.
func TestBrowserRatingTemplateSetting(t *testing.T) {
	srv := testkit.StartServer(t, testkit.NewDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	addWhatsApp(t, w, waTemplates...)
	ctx := testkit.Browser(t)
	signIn(t, ctx, srv.URL, me.Email, testkit.TestPassword)
	do(t, ctx, "pick the rating template and save",
		chromedp.Navigate(srv.URL+"/settings/standard-messages"),
		chromedp.WaitVisible(`#rating-template-pick`),
		chromedp.SetValue(`#rating-template-pick`, "rate_us|en_US"),
		chromedp.Click(`#rating-template-save`),
		chromedp.WaitVisible(`.notice`),
	)
	if ref := ratingTemplateOf(t, w); ref == nil || ref.Name != "rate_us" || ref.Language != "en_US" {
		t.Fatalf("picked in the browser, the API says %+v", ref)
	}
	if got := eval[string](t, ctx, `document.getElementById("rating-template-pick").value`); got != "rate_us|en_US" {
		t.Errorf("after saving the select shows %q", got)
	}
}
