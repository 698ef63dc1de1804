package httpapi_test

import (
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

func TestW1_WriteInsideDialogOnlyWhileActive(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		path := testkit.Path("/api/v1/dialogs/%d/messages", d.ID)
		var m beseda.Message
		w.Manager.MustDo("POST", path, map[string]string{"text": "Hello from the dialog"}, 201, &m)
		if m.DialogID == nil || *m.DialogID != d.ID || m.Source != beseda.SourceManager || m.Direction != beseda.DirectionOut {
			t.Errorf("message %+v", m)
		}
		if m.Status != beseda.MessageSent {
			t.Errorf("a web-chat message the client can fetch has status %s, want sent", m.Status)
		}
		w.SetStatus(d.ID, beseda.DialogPaused)
		w.Manager.WantError("POST", path, map[string]string{"text": "Still there?"}, 409, beseda.EDIALOGNOTACTIVE)
		w.SetStatus(d.ID, beseda.DialogCompleted)
		w.Manager.WantError("POST", path, map[string]string{"text": "Bye"}, 409, beseda.EDIALOGNOTACTIVE)
		var msgs []beseda.Message
		w.Owner.MustDo("GET", path, nil, 200, &msgs)
		if len(msgs) != 1 {
			t.Errorf("refused messages were stored: %d in the dialog", len(msgs))
		}
	})
}

func TestW2_GeneralChatLockedWhileDialogActive(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		chat := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
		w.Owner.MustDo("POST", chat, map[string]string{"text": "Before any dialog"}, 201, nil)
		d := w.CreateDialog(v.SubscriberID, "Case")
		res := w.Manager.WantError("POST", chat, map[string]string{"text": "Outside the dialog"}, 409, beseda.EGENERALCHATLOCKED)
		if !strings.Contains(string(res.Body), testkit.Path(`"dialog_id":%d`, d.ID)) {
			t.Errorf("the lock does not name the dialog: %s", res.Body)
		}
		var sub beseda.Subscriber
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), nil, 200, &sub)
		if sub.ActiveDialogID == nil || *sub.ActiveDialogID != d.ID {
			t.Errorf("subscriber's active dialog %v, want %d", sub.ActiveDialogID, d.ID)
		}
	})
}

func TestW3_PausedOrCompletedDialogDoesNotLock(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		chat := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
		d := w.CreateDialog(v.SubscriberID, "Case")
		w.SetStatus(d.ID, beseda.DialogPaused)
		var m beseda.Message
		w.Owner.MustDo("POST", chat, map[string]string{"text": "While paused"}, 201, &m)
		if m.DialogID != nil {
			t.Errorf("a general-chat message carries dialog %d", *m.DialogID)
		}
		w.SetStatus(d.ID, beseda.DialogCompleted)
		w.Owner.MustDo("POST", chat, map[string]string{"text": "After completion"}, 201, nil)
	})
}

func TestW4_ClientMessageGoesToActiveDialog(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		v.Say("before")
		d := w.CreateDialog(v.SubscriberID, "Case")
		v.Say("during")
		w.SetStatus(d.ID, beseda.DialogPaused)
		v.Say("while paused")

		var msgs []beseda.Message
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &msgs)
		want := map[string]*int64{"before": nil, "during": &d.ID, "while paused": nil}
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want 3", len(msgs))
		}
		for _, m := range msgs {
			exp := want[m.Text]
			if (exp == nil) != (m.DialogID == nil) || (exp != nil && *exp != *m.DialogID) {
				t.Errorf("%q in dialog %v, want %v", m.Text, m.DialogID, exp)
			}
			if m.Direction != beseda.DirectionIn || m.Source != beseda.SourceClient {
				t.Errorf("%q: %s %s", m.Text, m.Direction, m.Source)
			}
		}
	})
}

func TestW5_DialogViewAndGeneralChat(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		chat := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
		v.Say("general 1")
		w.Owner.MustDo("POST", chat, map[string]string{"text": "general reply"}, 201, nil)
		d1 := w.CreateDialog(v.SubscriberID, "First")
		v.Say("in first")
		w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d1.ID), map[string]string{"text": "first reply"}, 201, nil)
		w.SetStatus(d1.ID, beseda.DialogCompleted)
		d2 := w.CreateDialog(v.SubscriberID, "Second")
		v.Say("in second")

		texts := func(path string) []string {
			var msgs []beseda.Message
			w.Owner.MustDo("GET", path, nil, 200, &msgs)
			var out []string
			for _, m := range msgs {
				tag := "-"
				if m.DialogID != nil {
					tag = testkit.Path("%d", *m.DialogID)
				}
				out = append(out, m.Text+"@"+tag)
			}
			return out
		}
		got := strings.Join(texts(testkit.Path("/api/v1/dialogs/%d/messages", d1.ID)), ", ")
		if want := testkit.Path("in first@%d, first reply@%d", d1.ID, d1.ID); got != want {
			t.Errorf("first dialog shows %s, want %s", got, want)
		}
		got = strings.Join(texts(testkit.Path("/api/v1/dialogs/%d/messages", d2.ID)), ", ")
		if want := testkit.Path("in second@%d", d2.ID); got != want {
			t.Errorf("second dialog shows %s, want %s", got, want)
		}
		got = strings.Join(texts(chat), ", ")
		want := testkit.Path("general 1@-, general reply@-, in first@%d, first reply@%d, in second@%d", d1.ID, d1.ID, d2.ID)
		if got != want {
			t.Errorf("general chat shows\n %s\nwant\n %s", got, want)
		}
		// Paging through the general chat.
		var page []beseda.Message
		w.Owner.MustDo("GET", chat+"?limit=2", nil, 200, &page)
		if len(page) != 2 || page[1].Text != "in second" {
			t.Fatalf("last page %+v", page)
		}
		w.Owner.MustDo("GET", testkit.Path("%s?limit=2&before=%d", chat, page[0].ID), nil, 200, &page)
		if len(page) != 2 || page[0].Text != "general reply" || page[1].Text != "in first" {
			t.Errorf("previous page %+v", page)
		}
	})
}

func TestMessageTextIsValidated(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		chat := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
		w.Owner.WantError("POST", chat, map[string]string{"text": "   "}, 400, beseda.EINVALID)
		w.Owner.WantError("POST", chat, map[string]string{"text": strings.Repeat("a", 4097)}, 400, beseda.EINVALID)
		w.Owner.WantError("POST", chat, map[string]any{"text": []string{"a"}}, 400, beseda.EINVALID)
		w.Owner.MustDo("POST", chat, map[string]string{"text": strings.Repeat("я", 4096)}, 201, nil)
		w.Owner.WantError("POST", "/api/v1/subscribers/999999/messages", map[string]string{"text": "hi"}, 404, beseda.ENOTFOUND)
	})
}
