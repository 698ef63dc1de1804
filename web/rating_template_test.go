package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
)

// waTemplates are a business account's templates for the console's tests:
// one that can be the rating form, and one each that cannot, for every
// reason.
var waTemplates = []fakewhatsapp.Template{
	{Name: "rate_us", Language: "en_US", Category: "UTILITY", Status: "APPROVED", Body: "How did we do?",
		QuickReplies: []string{"Bad", "OK", "Great"}},
	{Name: "order_update", Language: "en_US", Category: "UTILITY", Status: "APPROVED", Body: "Your order {{1}} is on its way.",
		QuickReplies: []string{"Thanks", "Where?", "Stop"}},
	{Name: "follow_up", Language: "en_US", Category: "UTILITY", Status: "APPROVED", Body: "We have news about your question.",
		QuickReplies: []string{"Tell me"}},
	{Name: "rate_draft", Language: "en_US", Category: "UTILITY", Status: "PENDING", Body: "Rate us?",
		QuickReplies: []string{"1", "2", "3"}},
}

const waPhone, waToken, waSecret, waClient = "106540352242922", "wa-token", "wa-secret", "4915112345678"

// addWhatsApp connects a WhatsApp number whose business account has ts
// (synced at connection) and returns the fake Cloud API and the channel.
func addWhatsApp(t *testing.T, w *testkit.World, ts ...fakewhatsapp.Template) (*fakewhatsapp.Server, testkit.ChannelInfo) {
	t.Helper()
	api := fakewhatsapp.New(t, waPhone, waToken)
	api.SetTemplates("5550001", 10, ts...)
	ch := w.AddChannel("whatsapp", "WhatsApp", map[string]string{"phone_number_id": waPhone, "access_token": waToken,
		"app_secret": waSecret, "verify_token": "v", "api_base_url": api.URL, "business_account_id": "5550001"})
	return api, ch
}

// ratingTemplateOf is the workspace's rating template as the API says.
func ratingTemplateOf(t *testing.T, w *testkit.World) *beseda.TemplateRef {
	t.Helper()
	var out struct {
		Template *beseda.TemplateRef `json:"template"`
	}
	w.Owner.MustDo("GET", "/api/v1/settings/rating-template", nil, http.StatusOK, &out)
	return out.Template
}

// pickOf is the rating template's select on the page.
func pickOf(page string) string {
	return regexp.MustCompile(`(?s)<select id="rating-template-pick".*?</select>`).FindString(page)
}

// TestR3_ConsoleRatingTemplateInStandardMessages: Settings → Standard
// messages chooses the rating form's WhatsApp template through the same use
// case as the API: only approved templates without parameters and with
// three quick replies are offered (the others are listed with why not); the
// choice is shown as chosen, can go back to none, and is in the audit log;
// a template no channel has, or one that does not fit, is refused in words
// and nothing changes. Without a WhatsApp channel the section says so.
func TestR3_ConsoleRatingTemplateInStandardMessages(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		c := consoleOf(t, w, w.Owner)
		page := string(c.Get("/settings/standard-messages").Body)
		if !strings.Contains(page, `id="rating-template-no-channel"`) || strings.Contains(page, `id="rating-template-form"`) {
			t.Fatalf("without a WhatsApp channel the section does not say so")
		}
		if res := c.Post("/settings/standard-messages/rating-template", url.Values{"template": {"rate_us|en_US"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("save without a channel: %d", res.Status)
		}
		if got := alertOf(t, c.Get("/settings/standard-messages").Body); !strings.Contains(got, "no channel with message templates") {
			t.Errorf("without a channel a save says %q", got)
		}

		addWhatsApp(t, w, waTemplates...)
		page = string(c.Get("/settings/standard-messages").Body)
		options := regexp.MustCompile(`<option value="([^"]*)"`).FindAllStringSubmatch(pickOf(page), -1)
		var values []string
		for _, o := range options {
			values = append(values, html.UnescapeString(o[1]))
		}
		if strings.Join(values, ",") != ",rate_us|en_US" {
			t.Errorf("the select offers %q, want none and the fitting template only", values)
		}
		for _, why := range []string{"order_update · en_US: has parameters", "follow_up · en_US: needs exactly three quick-reply buttons",
			"rate_draft · en_US: not approved"} {
			if !strings.Contains(html.UnescapeString(page), why) {
				t.Errorf("the page does not say %q", why)
			}
		}

		choose := func(value string) *testkit.Response {
			t.Helper()
			return c.Post("/settings/standard-messages/rating-template", url.Values{"template": {value}})
		}
		if res := choose("rate_us|en_US"); res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "saved=1") {
			t.Fatalf("choose: %d %s", res.Status, res.Header.Get("Location"))
		}
		if ref := ratingTemplateOf(t, w); ref == nil || ref.Name != "rate_us" || ref.Language != "en_US" {
			t.Fatalf("chosen in the console, the API says %+v", ref)
		}
		if page = string(c.Get("/settings/standard-messages").Body); !strings.Contains(page, `value="rate_us|en_US" selected`) {
			t.Errorf("the chosen template is not shown as chosen")
		}

		for value, want := range map[string]string{
			"nope|en_US":         "No channel of the workspace has template nope in en_US",
			"order_update|en_US": "Template order_update in en_US has parameters",
			"follow_up|en_US":    "needs exactly three quick-reply buttons",
			"rate_draft|en_US":   "is not approved",
		} {
			if res := choose(value); res.Status != http.StatusSeeOther {
				t.Fatalf("refused %s: %d", value, res.Status)
			}
			if got := alertOf(t, c.Get("/settings/standard-messages").Body); !strings.Contains(got, want) {
				t.Errorf("choosing %s says %q, want %q", value, got, want)
			}
			if ref := ratingTemplateOf(t, w); ref == nil || ref.Name != "rate_us" {
				t.Errorf("a refused %s changed the choice to %+v", value, ref)
			}
		}
		// The same rule through the API.
		w.Owner.WantError("PUT", "/api/v1/settings/rating-template",
			map[string]any{"template": map[string]any{"name": "nope", "language": "en_US"}}, http.StatusBadRequest, beseda.EINVALID)

		// Without the form's CSRF token nothing changes.
		c.CSRF = ""
		if res := c.Post("/settings/standard-messages/rating-template", url.Values{"template": {""}}); res.Status != http.StatusForbidden {
			t.Errorf("without a CSRF token: %d", res.Status)
		}
		c = consoleOf(t, w, w.Owner)
		if ref := ratingTemplateOf(t, w); ref == nil {
			t.Fatalf("a forged form cleared the choice")
		}

		if res := choose(""); res.Status != http.StatusSeeOther {
			t.Fatalf("none: %d", res.Status)
		}
		if ref := ratingTemplateOf(t, w); ref != nil {
			t.Errorf("after none the API says %+v", ref)
		}
		if page = string(c.Get("/settings/standard-messages").Body); strings.Contains(pickOf(page), ` selected`) {
			t.Errorf("after none a template is still shown as chosen")
		}

		var audit struct {
			Items []beseda.AuditEntry `json:"items"`
		}
		w.Owner.MustDo("GET", "/api/v1/audit?action="+string(beseda.AuditStandardMessages), nil, http.StatusOK, &audit)
		var changes []string
		for _, e := range audit.Items {
			if ch, ok := e.Changes["rating_template"]; ok {
				b, _ := json.Marshal(ch)
				changes = append(changes, string(b))
			}
		}
		want := []string{`{"after":null,"before":"rate_us (en_US)"}`, `{"after":"rate_us (en_US)","before":null}`}
		if strings.Join(changes, " ") != strings.Join(want, " ") {
			t.Errorf("the audit log says %v, want %v (newest first)", changes, want)
		}
	})
}

// TestW1_ConsoleDialogTemplateOutsideWindow: a dialog's composer says how
// long one may write freely; once the client's window is closed (the fake
// clock) it offers the channel's templates, and the one sent is a message
// of that dialog and goes to WhatsApp as the template; the manager stays in
// the dialog. A bad template or parameter is refused in words with the
// picker kept as it was filled; a template does not go into a paused dialog.
func TestW1_ConsoleDialogTemplateOutsideWindow(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		api, ch := addWhatsApp(t, w, waTemplates...)
		body := fakewhatsapp.TextMessage(waPhone, waClient, "Greta", "wamid.1", "Where is my order?")
		if res := w.Webhook(ch.WebhookURL, body, map[string]string{"X-Hub-Signature-256": fakewhatsapp.Sign(body, waSecret)}); res.Status != 200 {
			t.Fatalf("webhook: %d", res.Status)
		}
		sub := w.SubscriberOf("whatsapp")
		d := w.CreateDialog(sub.ID, "Order")
		c := consoleOf(t, w, w.Owner)
		path := testkit.Path("/dialogs/%d", d.ID)
		srv.Clock.Advance(72 * time.Minute)
		page := html.UnescapeString(string(c.Get(path).Body))
		if !strings.Contains(page, "You can write freely for 22 h 48 min more.") || strings.Contains(page, `id="template-form"`) {
			t.Fatalf("within the window the dialog's composer has no notice, or a picker")
		}

		srv.Clock.Advance(24 * time.Hour)
		page = html.UnescapeString(string(c.Get(path).Body))
		if !strings.Contains(page, `action="`+path+`/template"`) || !strings.Contains(page, "The window is closed") {
			t.Fatalf("after the window the dialog offers no picker posting to the dialog")
		}
		if !strings.Contains(page, `id="note-composer"`) {
			t.Errorf("after the window the dialog takes no internal notes")
		}

		res := c.Post(path+"/template", url.Values{"template": {"order_update|en_US"}, "param": {"A-17"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != path+"#composer" {
			t.Fatalf("send: %d to %q", res.Status, res.Header.Get("Location"))
		}
		found := func() *beseda.Message {
			var ms []beseda.Message
			w.Owner.MustDo("GET", "/api/v1"+path+"/messages", nil, http.StatusOK, &ms)
			for i := range ms {
				if ms[i].Template != nil && ms[i].Template.Name == "order_update" {
					return &ms[i]
				}
			}
			return nil
		}
		m := found()
		if m == nil || m.Text != "Your order A-17 is on its way." || m.DialogID == nil || *m.DialogID != d.ID {
			t.Fatalf("the dialog's template message: %+v", m)
		}
		testkit.Eventually(t, 10*time.Second, "the template sent to WhatsApp", func() bool {
			for _, s := range api.Sent() {
				if s.Template == "order_update/en_US" && s.Text == "Your order A-17 is on its way." {
					return true
				}
			}
			return false
		})

		for _, bad := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"template": {"nope|en_US"}}, "The channel has no template nope in en_US"},
			{url.Values{"template": {"order_update|en_US"}, "param": {" "}}, "Template parameter 0 must be 1 to 1024 bytes"},
		} {
			if res := c.Post(path+"/template", bad.form); res.Status != http.StatusSeeOther || res.Header.Get("Location") != path+"#composer" {
				t.Fatalf("refused %v: %d to %q", bad.form, res.Status, res.Header.Get("Location"))
			}
			page := c.Get(path).Body
			if got := alertOf(t, page); !strings.Contains(got, bad.want) {
				t.Errorf("refused %v says %q, want %q", bad.form, got, bad.want)
			}
			if !strings.Contains(string(page), `id="template-form"`) {
				t.Errorf("after a refused %v the picker is gone", bad.form)
			}
		}
		// The refused form comes back as it was filled.
		c.Post(path+"/template", url.Values{"template": {"follow_up|en_US"}, "param": {"extra"}})
		if page := string(c.Get(path).Body); !strings.Contains(page, `value="follow_up|en_US" data-body="We have news about your question." selected`) {
			t.Errorf("the refused choice is not chosen again")
		}
		// A script sends it and reads the outcome.
		c.Header.Set("Accept", "application/json")
		res = c.Post(path+"/template", url.Values{"template": {"nope|en_US"}})
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if res.Status != http.StatusBadRequest || json.Unmarshal(res.Body, &e) != nil || e.Error.Code != beseda.EINVALID {
			t.Errorf("a script's refused template: %d %s", res.Status, res.Body)
		}
		if res := c.Post(path+"/template", url.Values{"template": {"follow_up|en_US"}}); res.Status != http.StatusNoContent {
			t.Errorf("a script's template: %d %s", res.Status, res.Body)
		}
		c.Header.Del("Accept")

		testkit.Eventually(t, 10*time.Second, "both templates sent", func() bool { return len(api.Sent()) == 2 })
		w.Owner.MustDo("PATCH", "/api/v1"+path, map[string]any{"status": "paused"}, http.StatusOK, nil)
		c.Post(path+"/template", url.Values{"template": {"follow_up|en_US"}})
		if got := alertOf(t, c.Get(path).Body); !strings.Contains(got, "paused") {
			t.Errorf("a template into a paused dialog says %q", got)
		}
		if n := len(api.Sent()); n != 2 {
			t.Errorf("WhatsApp got %d templates, want 2 (the refused ones never go)", n)
		}
	})
}
