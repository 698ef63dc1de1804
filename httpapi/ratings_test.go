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

func TestR3_ClientRatesInTheWebChat(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		other := w.NewVisitor("Boris")
		d := w.CreateDialog(v.SubscriberID, "Case")
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID), map[string]any{"status": "completed",
			"account_rating": 2, "send_rating_form": true}, 200, nil)
		form := ratingForm(t, v)
		excellent := form.Buttons[2].Payload

		// Another client cannot use Anna's button; a tampered payload is refused.
		other.WantError("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": excellent}, 400, beseda.EINVALID)
		tampered := strings.Replace(excellent, ".3.", ".1.", 1)
		v.WantError("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": tampered}, 400, beseda.EINVALID)

		v.MustDo("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": excellent}, 200, nil)
		v.MustDo("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": form.Buttons[0].Payload}, 200, nil)
		var got beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
		if got.ClientRating == nil || *got.ClientRating != 3 || *got.AccountRating != 2 || !got.RatingFormSent {
			t.Errorf("R4: the dialog shows client %v account %v", got.ClientRating, got.AccountRating)
		}
		thanks := 0
		for _, m := range v.Messages() {
			if m.Text == "Thank you for your feedback!" {
				thanks++
			}
		}
		if thanks != 1 {
			t.Errorf("thank-you sent %d times, want once", thanks)
		}
	})
}
