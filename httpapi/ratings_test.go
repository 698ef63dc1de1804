package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// ratingForm waits for the rating form in the client's web chat.
func ratingForm(t *testing.T, v *testkit.Visitor) beseda.Message {
	t.Helper()
	var form beseda.Message
	testkit.Eventually(t, 10*time.Second, "the rating form", func() bool {
		for _, m := range v.Messages() {
			if len(m.Buttons) == 3 {
				form = m
				return true
			}
		}
		return false
	})
	return form
}

func TestR1_ManagerRatesTheClientOnCompletion(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		path := testkit.Path("/api/v1/dialogs/%d", d.ID)
		w.Owner.WantError("PATCH", path, map[string]any{"status": "completed", "account_rating": 4}, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, map[string]any{"status": "paused", "account_rating": 2}, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, map[string]any{"status": "paused", "send_rating_form": true}, 400, beseda.EINVALID)
		var done beseda.Dialog
		w.Owner.MustDo("PATCH", path, map[string]any{"status": "completed", "account_rating": 1}, 200, &done)
		if done.AccountRating == nil || *done.AccountRating != 1 || done.RatingFormSent {
			t.Errorf("completed %+v", done)
		}
		time.Sleep(200 * time.Millisecond)
		for _, m := range v.Messages() {
			if len(m.Buttons) > 0 {
				t.Errorf("a form was sent without send_rating_form")
			}
		}
	})
}

func TestR2_RatingFormIsAStandardMessageWithThreeButtons(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		ru := testkit.NewWorld(t, srv, beseda.LocaleRU)
		var sm beseda.StandardMessages
		ru.Manager.MustDo("GET", "/api/v1/settings/standard-messages", nil, 200, &sm)
		if sm.CaptionBad != "Плохо" || sm.CaptionNormal != "Нормально" || sm.CaptionExcellent != "Отлично" {
			t.Errorf("Russian defaults %+v", sm)
		}
		v := ru.NewVisitor("Анна")
		d := ru.CreateDialog(v.SubscriberID, "Вопрос")
		var done beseda.Dialog
		ru.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, &done)
		if !done.RatingFormSent {
			t.Errorf("rating_form_sent is false")
		}
		form := ratingForm(t, v)
		if form.Text != sm.RatingPrompt || form.Buttons[0].Title != "Плохо" || form.Buttons[2].Title != "Отлично" {
			t.Errorf("form %+v", form)
		}
		for _, b := range form.Buttons {
			if len(b.Payload) > beseda.MaxPayloadBytes {
				t.Errorf("payload %q is over Telegram's 64 bytes", b.Payload)
			}
		}

		// Editing the texts needs standard_messages.edit, and keeps to the channels' limits.
		en := testkit.NewWorld(t, srv, beseda.LocaleEN)
		en.Manager.WantError("PUT", "/api/v1/settings/standard-messages", map[string]string{"caption_bad": "Meh"}, 403, beseda.EFORBIDDEN)
		en.Owner.WantError("PUT", "/api/v1/settings/standard-messages", map[string]string{"caption_bad": strings.Repeat("x", 21)}, 400, beseda.EINVALID)
		en.Owner.WantError("PUT", "/api/v1/settings/standard-messages", map[string]string{"rating_prompt": strings.Repeat("x", 641)}, 400, beseda.EINVALID)
		en.Owner.WantError("PUT", "/api/v1/settings/standard-messages", map[string]string{"thank_you": " "}, 400, beseda.EINVALID)
		en.Owner.MustDo("PUT", "/api/v1/settings/standard-messages", map[string]string{"rating_prompt": "Rate us!",
			"caption_excellent": "Superb", "thank_you": "Much obliged."}, 200, &sm)
		if sm.RatingPrompt != "Rate us!" || sm.CaptionBad != "Bad" || sm.CaptionExcellent != "Superb" {
			t.Errorf("after the edit %+v", sm)
		}
		ev := en.NewVisitor("Eve")
		d2 := en.CreateDialog(ev.SubscriberID, "Case")
		en.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d2.ID), map[string]any{"status": "completed", "send_rating_form": true}, 200, nil)
		if f := ratingForm(t, ev); f.Text != "Rate us!" || f.Buttons[2].Title != "Superb" {
			t.Errorf("edited form %+v", f)
		}
		// The Russian workspace keeps its own texts.
		ru.Owner.MustDo("GET", "/api/v1/settings/standard-messages", nil, 200, &sm)
		if sm.CaptionExcellent != "Отлично" {
			t.Errorf("another workspace's edit leaked: %+v", sm)
		}
	})
}

// TestR3_AnotherClientCannotUseTheRatingForm: a rating button's payload is
// bound to the client it was sent to: another client of the web chat
// cannot tap it. The rating flow (the first tap counts, forged taps
// refused, one thank-you) is the conformance suite's, in every channel
// (TestConformance/R3_FirstTapCounts).
func TestR3_AnotherClientCannotUseTheRatingForm(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		other := w.NewVisitor("Boris")
		d := w.CreateDialog(v.SubscriberID, "Case")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, nil)
		excellent := ratingForm(t, v).Buttons[2].Payload
		other.WantError("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": excellent}, 400, beseda.EINVALID)
		var got beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
		if got.ClientRating != nil {
			t.Errorf("another client's tap rated the dialog %d", *got.ClientRating)
		}
	})
}

// TestR3_AnsweredFormShowsTheChoice: once the client rated, the rating form
// shows the button they chose — to the client (the widget's messages) and
// to managers (the API's messages) — and a later tap answers that it was
// answered already, changing nothing and sending nothing.
func TestR3_AnsweredFormShowsTheChoice(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"send_rating_form": true}, 200, nil)
		form := ratingForm(t, v)
		for _, b := range form.Buttons {
			if b.Chosen {
				t.Errorf("an unanswered form shows %q chosen", b.Title)
			}
		}
		var answer map[string]any
		v.MustDo("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": form.Buttons[1].Payload}, 200, &answer)
		if answer["already_answered"] != nil {
			t.Errorf("the first tap is answered %v", answer)
		}
		chosen := func(msgs []beseda.Message) string {
			for _, m := range msgs {
				if m.ID != form.ID {
					continue
				}
				var out []string
				for _, b := range m.Buttons {
					if b.Chosen {
						out = append(out, b.Title)
					}
				}
				return strings.Join(out, ",")
			}
			return "no form"
		}
		if got := chosen(v.Messages()); got != "Normal" {
			t.Errorf("the client's form shows %q chosen, want Normal", got)
		}
		var msgs []beseda.Message
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), nil, 200, &msgs)
		if got := chosen(msgs); got != "Normal" {
			t.Errorf("the manager's dialog shows %q chosen, want Normal", got)
		}
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &msgs)
		if got := chosen(msgs); got != "Normal" {
			t.Errorf("the manager's chat shows %q chosen, want Normal", got)
		}

		before := len(v.Messages())
		v.MustDo("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": form.Buttons[2].Payload}, 200, &answer)
		if answer["already_answered"] != true {
			t.Errorf("a late tap is answered %v, want already_answered", answer)
		}
		var got beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
		if got.ClientRating == nil || *got.ClientRating != 2 {
			t.Errorf("a late tap changed the rating to %v", got.ClientRating)
		}
		if after := v.Messages(); len(after) != before || chosen(after) != "Normal" {
			t.Errorf("a late tap sent something or changed the choice: %d → %d messages, chosen %q", before, len(after), chosen(after))
		}
	})
}

// visitorSpeaking starts a web-chat session as the widget does in a browser
// set to the language (navigator.language).
func visitorSpeaking(t *testing.T, w *testkit.World, name, language string) *testkit.Visitor {
	t.Helper()
	c := testkit.NewClient(t, w.Srv.URL)
	var s struct {
		VisitorToken string `json:"visitor_token"`
		SubscriberID int64  `json:"subscriber_id"`
	}
	c.MustDo("POST", "/widget/"+w.WebKey+"/sessions", map[string]string{"name": name, "locale": language}, 201, &s)
	c.Header.Set("X-Visitor-Token", s.VisitorToken)
	return &testkit.Visitor{Client: c, SubscriberID: s.SubscriberID, Key: w.WebKey}
}

// rateOnce completes a new dialog of the client with the rating form, taps
// its last button and returns the form and the thank-you as the client got
// them.
func rateOnce(t *testing.T, w *testkit.World, v *testkit.Visitor) (form, thanks beseda.Message) {
	t.Helper()
	before := len(v.Messages())
	d := w.CreateDialog(v.SubscriberID, "Case")
	w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
		"send_rating_form": true}, 200, nil)
	testkit.Eventually(t, 10*time.Second, "the rating form", func() bool {
		msgs := v.Messages()
		if len(msgs) == before+1 && len(msgs[before].Buttons) == 3 {
			form = msgs[before]
			return true
		}
		return false
	})
	v.MustDo("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": form.Buttons[2].Payload}, 200, nil)
	testkit.Eventually(t, 10*time.Second, "the thank-you", func() bool {
		msgs := v.Messages()
		if len(msgs) == before+2 {
			thanks = msgs[before+1]
			return true
		}
		return false
	})
	return form, thanks
}

func captions(m beseda.Message) string {
	var out []string
	for _, b := range m.Buttons {
		out = append(out, b.Title)
	}
	return strings.Join(out, ",")
}

// TestR2_StandardMessagesSpeakTheClientsLanguage: the rating form and the
// thank-you are in the client's language when the product speaks it — a
// Russian client in an English workspace gets Russian, an English client in
// a Russian one English — in the texts the workspace wrote for that
// language, else that language's defaults; a client whose language is
// unknown or unsupported gets the workspace's. The API's flat fields stay
// the workspace language's.
func TestR2_StandardMessagesSpeakTheClientsLanguage(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		en := testkit.NewWorld(t, srv, beseda.LocaleEN)
		ru := testkit.NewWorld(t, srv, beseda.LocaleRU)
		defRU, defEN := beseda.DefaultStandardMessages(beseda.LocaleRU), beseda.DefaultStandardMessages(beseda.LocaleEN)

		ivan := visitorSpeaking(t, en, "Ivan", "ru-RU")
		form, thanks := rateOnce(t, en, ivan)
		if form.Text != defRU.RatingPrompt || captions(form) != "Плохо,Нормально,Отлично" || thanks.Text != defRU.ThankYou {
			t.Errorf("a Russian client in an English workspace got %q [%s], %q", form.Text, captions(form), thanks.Text)
		}
		jane := visitorSpeaking(t, ru, "Jane", "en-GB")
		form, thanks = rateOnce(t, ru, jane)
		if form.Text != defEN.RatingPrompt || captions(form) != "Bad,Normal,Excellent" || thanks.Text != defEN.ThankYou {
			t.Errorf("an English client in a Russian workspace got %q [%s], %q", form.Text, captions(form), thanks.Text)
		}
		hans := visitorSpeaking(t, ru, "Hans", "de-DE")
		if form, _ = rateOnce(t, ru, hans); form.Text != defRU.RatingPrompt {
			t.Errorf("a German client in a Russian workspace got %q, want the workspace's language", form.Text)
		}

		// The workspaces translate their texts: each client gets their language's.
		var texts beseda.StandardTexts
		en.Owner.MustDo("PUT", "/api/v1/settings/standard-messages", map[string]any{"rating_prompt": "Rate us!",
			"languages": map[string]any{"ru": map[string]string{"rating_prompt": "Оцените нас!", "caption_excellent": "Супер",
				"thank_you": "Спасибо!"}}}, 200, &texts)
		if texts.Locale != beseda.LocaleEN || texts.RatingPrompt != "Rate us!" || texts.Languages[beseda.LocaleRU].RatingPrompt != "Оцените нас!" ||
			texts.Languages[beseda.LocaleRU].CaptionBad != "Плохо" || texts.Languages[beseda.LocaleEN].RatingPrompt != "Rate us!" {
			t.Errorf("after the edit: %+v", texts)
		}
		form, thanks = rateOnce(t, en, ivan)
		if form.Text != "Оцените нас!" || captions(form) != "Плохо,Нормально,Супер" || thanks.Text != "Спасибо!" {
			t.Errorf("the Russian client got %q [%s], %q after the translation", form.Text, captions(form), thanks.Text)
		}
		ru.Owner.MustDo("PUT", "/api/v1/settings/standard-messages", map[string]any{"languages": map[string]any{
			"en": map[string]string{"rating_prompt": "How did we do?", "thank_you": "Cheers!"}}}, 200, nil)
		form, thanks = rateOnce(t, ru, jane)
		if form.Text != "How did we do?" || thanks.Text != "Cheers!" {
			t.Errorf("the English client got %q, %q after the translation", form.Text, thanks.Text)
		}
		ru.Owner.MustDo("GET", "/api/v1/settings/standard-messages", nil, 200, &texts)
		if texts.RatingPrompt != defRU.RatingPrompt || texts.Locale != beseda.LocaleRU {
			t.Errorf("the flat fields are not the workspace language's: %+v", texts)
		}

		// A client's language follows their browser.
		jane.MustDo("POST", "/widget/"+jane.Key+"/messages", map[string]string{"text": "Привет", "locale": "ru"}, 201, nil)
		var sub beseda.Subscriber
		ru.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", jane.SubscriberID), nil, 200, &sub)
		if sub.Locale != "ru" {
			t.Errorf("the client's language is %q after the browser changed to ru", sub.Locale)
		}
		if form, _ = rateOnce(t, ru, jane); form.Text != defRU.RatingPrompt {
			t.Errorf("after switching to Russian the client got %q", form.Text)
		}

		// Bad updates change nothing.
		en.Owner.WantError("PUT", "/api/v1/settings/standard-messages", map[string]any{"languages": map[string]any{
			"de": map[string]string{"thank_you": "Danke"}}}, 400, beseda.EINVALID)
		en.Owner.WantError("PUT", "/api/v1/settings/standard-messages", map[string]any{"thank_you": "Thanks",
			"languages": map[string]any{"en": map[string]string{"thank_you": "Thanks!"}}}, 400, beseda.EINVALID)
		en.Owner.WantError("PUT", "/api/v1/settings/standard-messages", map[string]any{"languages": map[string]any{
			"ru": map[string]string{"caption_bad": "Супер"}}}, 400, beseda.EINVALID)
		en.Owner.MustDo("GET", "/api/v1/settings/standard-messages", nil, 200, &texts)
		if texts.Languages[beseda.LocaleRU].CaptionBad != "Плохо" || texts.ThankYou != defEN.ThankYou {
			t.Errorf("a refused update changed the texts: %+v", texts)
		}
	})
}
