package whatsapp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
)

const waba = "102290129340398"

var (
	orderShipped = fakewhatsapp.Template{Name: "order_shipped", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
		Body: "Hello {{1}}, your order {{2}} has shipped."}
	orderShippedDE = fakewhatsapp.Template{Name: "order_shipped", Language: "de", Category: "UTILITY", Status: "APPROVED",
		Body: "Hallo {{1}}, Ihre Bestellung {{2}} ist unterwegs."}
	followUp = fakewhatsapp.Template{Name: "follow_up", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
		Body: "We have an answer to your question. Reply to continue."}
	promo = fakewhatsapp.Template{Name: "spring_sale", Language: "en_US", Category: "MARKETING", Status: "PENDING",
		Body: "Spring sale: {{1}} off"}
)

// newTemplateNumber connects a number with a business account whose
// templates the fake serves two per page.
func newTemplateNumber(t *testing.T, dbURL string, ts ...fakewhatsapp.Template) *number {
	w := testkit.NewWorld(t, testkit.StartServer(t, dbURL, testkit.Options{}), beseda.LocaleEN)
	api := fakewhatsapp.New(t, phoneID, accessToken)
	api.SetTemplates(waba, 2, ts...)
	ch := w.AddChannel("whatsapp", "Shop's WhatsApp", map[string]string{"phone_number_id": phoneID,
		"access_token": accessToken, "app_secret": appSecret, "verify_token": verifyToken, "api_base_url": api.URL,
		"business_account_id": waba})
	return &number{w: w, api: api, ch: ch}
}

func (n *number) templates(t *testing.T, query string) []beseda.MessageTemplate {
	t.Helper()
	var ts []beseda.MessageTemplate
	n.w.Owner.MustDo("GET", fmt.Sprintf("/api/v1/channels/%d/templates%s", n.ch.ID, query), nil, 200, &ts)
	return ts
}

func names(ts []beseda.MessageTemplate) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name+"/"+t.Language+"/"+t.Status)
	}
	return fmt.Sprint(out)
}

// TestWhatsAppTemplatesSync: a channel's templates are read, every page of
// them, when it is connected; again on demand and by the periodic sync
// (which sees one removed); and a message_template_status_update changes
// one's status, or, for a template not seen yet, brings a sync.
func TestWhatsAppTemplatesSync(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newTemplateNumber(t, dbURL, orderShipped, promo, followUp, orderShippedDE, orderShippedDE)
		if got := n.api.TemplatePages(); got != 3 {
			t.Errorf("connection read %d pages, want 3 (5 templates, 2 a page)", got)
		}
		ts := n.templates(t, "")
		if want := "[follow_up/en_US/APPROVED order_shipped/de/APPROVED order_shipped/en_US/APPROVED spring_sale/en_US/PENDING]"; names(ts) != want {
			t.Fatalf("templates after connection: %s, want %s", names(ts), want)
		}
		for _, tm := range ts {
			if tm.Name == "order_shipped" && (tm.ParameterCount != 2 || tm.Category != "UTILITY" || tm.Body == "") {
				t.Errorf("order_shipped as stored: %+v", tm)
			}
		}
		if got := names(n.templates(t, "?language=de")); got[:len("[order_shipped/de")] != "[order_shipped/de" {
			t.Errorf("the client's language first: %s", got)
		}

		// The review approves spring_sale: the webhook says so.
		body := fakewhatsapp.TemplateStatusUpdate(waba, "spring_sale", "en_US", "APPROVED")
		if res := n.post(t, body); res.Status != 200 {
			t.Fatalf("template webhook: %d %s", res.Status, res.Body)
		}
		pages := n.api.TemplatePages()
		if got := names(n.templates(t, "")); got != "[follow_up/en_US/APPROVED order_shipped/de/APPROVED order_shipped/en_US/APPROVED spring_sale/en_US/APPROVED]" {
			t.Errorf("after the status update: %s", got)
		}
		if n.api.TemplatePages() != pages {
			t.Errorf("a known template's status update read the list again")
		}
		// A template of another business account changes nothing.
		if res := n.post(t, fakewhatsapp.TemplateStatusUpdate("999", "follow_up", "en_US", "PAUSED")); res.Status != 200 {
			t.Fatalf("template webhook: %d", res.Status)
		}

		// Meta's side changes: one removed, one new that the webhook names.
		n.api.SetTemplates(waba, 2, orderShipped, followUp)
		var synced []beseda.MessageTemplate
		n.w.Owner.MustDo("POST", fmt.Sprintf("/api/v1/channels/%d/templates/sync", n.ch.ID), nil, 200, &synced)
		if got := names(synced); got != "[follow_up/en_US/APPROVED order_shipped/en_US/APPROVED]" {
			t.Errorf("on demand: %s", got)
		}
		n.api.SetTemplates(waba, 2, orderShipped, followUp, promo)
		if res := n.post(t, fakewhatsapp.TemplateStatusUpdate(waba, "spring_sale", "en_US", "PENDING")); res.Status != 200 {
			t.Fatalf("template webhook: %d", res.Status)
		}
		if got := names(n.templates(t, "")); got != "[follow_up/en_US/APPROVED order_shipped/en_US/APPROVED spring_sale/en_US/PENDING]" {
			t.Errorf("after an unknown template's update: %s", got)
		}
		n.api.SetTemplates(waba, 2, followUp)
		if k, err := n.w.Srv.App.Templates.SyncAllTemplates(context.Background()); err != nil || k != 1 {
			t.Fatalf("periodic sync: %d channels, %v", k, err)
		}
		if got := names(n.templates(t, "")); got != "[follow_up/en_US/APPROVED]" {
			t.Errorf("after the periodic sync: %s", got)
		}
		var channels []beseda.Channel
		n.w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
		for _, c := range channels {
			if c.Kind == "web" {
				n.w.Owner.MustDo("POST", fmt.Sprintf("/api/v1/channels/%d/templates/sync", c.ID), nil, 400, nil)
			}
		}
	})
}

// TestWhatsAppWindowAndTemplates: within the 24-hour window automation's
// text goes as text; after it (the fake clock moved a day), a manager's
// text fails with outside_messaging_window, a manager's template goes and
// is stored with its text rendered, automation with a fallback template goes
// as the template, and automation without one fails and tells integrations
// (message.failed with its id and reason).
func TestWhatsAppWindowAndTemplates(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newTemplateNumber(t, dbURL, orderShipped, followUp, promo)
		rc := testkit.NewReceiver(t)
		n.w.Owner.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": rc.URL, "secret": "s3cret",
			"events": []string{"message.failed"}}, 201, nil)
		n.say(t, "wamid.in1", "Where is my order?")
		sub := n.subscriber(t)
		chat := fmt.Sprintf("/api/v1/subscribers/%d/messages", sub.ID)
		fallback := map[string]any{"name": "order_shipped", "language": "en_US", "parameters": []string{"Greta", "A-17"}}
		outbound := func(text string, template any) beseda.Message {
			in := map[string]any{"subscriber_id": sub.ID, "source": "funnel", "text": text}
			if template != nil {
				in["template"] = template
			}
			var m beseda.Message
			n.w.Owner.MustDo("POST", "/api/v1/outbound", in, 201, &m)
			return m
		}
		settled := func(id int64) beseda.Message {
			t.Helper()
			var m beseda.Message
			testkit.Eventually(t, 10*time.Second, "the message settled", func() bool {
				m = n.find(t, sub.ID, id)
				return m.Status == beseda.MessageSent || m.Status == beseda.MessageFailed
			})
			return m
		}

		open := settled(outbound("Your order A-17 has shipped.", fallback).ID)
		if open.Status != beseda.MessageSent || open.Template != nil || open.Text != "Your order A-17 has shipped." {
			t.Errorf("within the window: %+v", open)
		}

		n.w.Srv.Clock.Advance(25 * time.Hour)
		var subJSON struct {
			Window *struct {
				Open     bool       `json:"open"`
				ClosesAt *time.Time `json:"closes_at"`
			} `json:"window"`
		}
		n.w.Owner.MustDo("GET", fmt.Sprintf("/api/v1/subscribers/%d", sub.ID), nil, 200, &subJSON)
		if subJSON.Window == nil || subJSON.Window.Open {
			t.Errorf("a day later the subscriber's window: %+v, want closed", subJSON.Window)
		}
		var text beseda.Message
		n.w.Owner.MustDo("POST", chat, map[string]any{"text": "Sorry for the wait"}, 201, &text)
		if got := settled(text.ID); got.Status != beseda.MessageFailed || got.Reason != beseda.OutsideWindow {
			t.Errorf("a manager's text after the window: %s %q", got.Status, got.Reason)
		}
		var tm beseda.Message
		n.w.Owner.MustDo("POST", chat, map[string]any{"template": map[string]any{"name": "follow_up", "language": "en_US"}}, 201, &tm)
		if got := settled(tm.ID); got.Status != beseda.MessageSent || got.Text != followUp.Body || got.Template == nil ||
			got.Template.Name != "follow_up" {
			t.Errorf("a manager's template after the window: %+v", got)
		}
		for _, bad := range []map[string]any{
			{"template": map[string]any{"name": "spring_sale", "language": "en_US", "parameters": []string{"20%"}}}, // pending
			{"template": map[string]any{"name": "order_shipped", "language": "en_US", "parameters": []string{"Greta"}}},
			{"template": map[string]any{"name": "nope", "language": "en_US"}},
			{"template": map[string]any{"name": "follow_up", "language": "en_US"}, "text": "and text"},
		} {
			if res := n.w.Owner.Do("POST", chat, bad); res.Status != 400 {
				t.Errorf("%v: %d %s", bad, res.Status, res.Body)
			}
		}

		withFallback := settled(outbound("Your order A-17 has shipped.", fallback).ID)
		if withFallback.Status != beseda.MessageSent || withFallback.Template == nil ||
			withFallback.Text != "Hello Greta, your order A-17 has shipped." {
			t.Errorf("automation with a fallback after the window: %+v", withFallback)
		}
		without := settled(outbound("Still there?", nil).ID)
		if without.Status != beseda.MessageFailed || without.Reason != beseda.OutsideWindow {
			t.Errorf("automation without a fallback after the window: %s %q", without.Status, without.Reason)
		}
		var sentTemplates []string
		for _, s := range n.api.Sent() {
			if s.Type == "template" {
				sentTemplates = append(sentTemplates, s.Template+": "+s.Text)
			}
		}
		if want := "[follow_up/en_US: " + followUp.Body + " order_shipped/en_US: Hello Greta, your order A-17 has shipped.]"; fmt.Sprint(sentTemplates) != want {
			t.Errorf("templates the Cloud API got: %v, want %s", sentTemplates, want)
		}
		failed := map[int64]string{}
		for _, r := range rc.WaitFor(2) {
			var ev struct {
				Type string         `json:"type"`
				Data beseda.Message `json:"data"`
			}
			if err := json.Unmarshal(r.Body, &ev); err != nil {
				t.Fatal(err)
			}
			failed[ev.Data.ID] = ev.Type + " " + ev.Data.Reason
		}
		for _, id := range []int64{text.ID, without.ID} {
			if failed[id] != "message.failed "+beseda.OutsideWindow {
				t.Errorf("message %d: webhook %q", id, failed[id])
			}
		}
	})
}

// TestR3_WhatsAppRatingFormByTemplate: a client silent for a day gets the
// rating form at completion as the workspace's rating template (chosen in
// the settings): its three quick replies carry the form's signed payloads.
// A tap arrives as a button webhook and rates the dialog like any rating
// click; the first tap wins. Without a rating template the form is not sent
// and the dialog says outside_messaging_window.
func TestR3_WhatsAppRatingFormByTemplate(t *testing.T) {
	t.Parallel()
	rating := fakewhatsapp.Template{Name: "rate_us", Language: "en_US", Category: "UTILITY", Status: "APPROVED",
		Body: "How did we do?", QuickReplies: []string{"Bad", "OK", "Great"}}
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newTemplateNumber(t, dbURL, rating, followUp)
		n.say(t, "wamid.in1", "Help")
		sub := n.subscriber(t)
		complete := func() beseda.Dialog {
			d := n.w.CreateDialog(sub.ID, "Help")
			n.w.Srv.Clock.Advance(25 * time.Hour)
			var out beseda.Dialog
			n.w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
				"send_rating_form": true}, 200, &out)
			return out
		}
		if d := complete(); d.RatingFormSent || d.RatingFormError != beseda.OutsideWindow {
			t.Fatalf("without a rating template: sent %v, error %q", d.RatingFormSent, d.RatingFormError)
		}
		n.w.Owner.MustDo("PUT", "/api/v1/settings/rating-template",
			map[string]any{"template": map[string]any{"name": "rate_us", "language": "en_US"}}, 200, nil)
		d := complete()
		if !d.RatingFormSent {
			t.Fatalf("with a rating template the form was not sent: %q", d.RatingFormError)
		}
		var form fakewhatsapp.Sent
		testkit.Eventually(t, 10*time.Second, "the rating template sent", func() bool {
			for _, s := range n.api.Sent() {
				if s.Template == "rate_us/en_US" {
					form = s
					return true
				}
			}
			return false
		})
		if len(form.Buttons) != 3 || form.Buttons[2].Title != "Great" || form.Text != "How did we do?" {
			t.Fatalf("the form as sent: %+v", form)
		}
		tap := func(id string, b fakewhatsapp.Button) {
			t.Helper()
			body := fakewhatsapp.Webhook(phoneID, waID, "", map[string]any{"from": waID, "id": id, "timestamp": "1700000000",
				"type": "button", "button": map[string]any{"payload": b.ID, "text": b.Title}})
			if res := n.post(t, body); res.Status != 200 {
				t.Fatalf("tap: %d %s", res.Status, res.Body)
			}
		}
		tap("wamid.tap1", form.Buttons[2])
		tap("wamid.tap2", form.Buttons[0]) // too late: the first tap counts
		var got beseda.Dialog
		n.w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
		if got.ClientRating == nil || *got.ClientRating != 3 {
			t.Errorf("client rating %v, want 3 (the first tap)", got.ClientRating)
		}
	})
}
