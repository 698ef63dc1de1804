package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestNotes_ManagersOnly: an internal note in a dialog is in the dialog's
// history and the general chat for managers, marked internal; the client
// never sees it (nor a file on it), and it does not count as the chat's
// last message. Notes are taken in active, paused and completed dialogs.
func TestNotes_ManagersOnly(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w, _ := attachmentServer(t, dbURL, nil)
		v := w.NewVisitor("Anna")
		v.Say("My order is late")
		d := w.CreateDialog(v.SubscriberID, "Late order", w.ManagerID)
		path := testkit.Path("/api/v1/dialogs/%d/messages", d.ID)
		var before beseda.Subscriber
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), nil, 200, &before)

		chatAt := func() time.Time {
			var s beseda.Subscriber
			w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), nil, 200, &s)
			return *s.LastMessageAt
		}

		w.Srv.Clock.Advance(time.Minute)
		up := mustUpload(t, w.Manager, "/api/v1/uploads", "courier-log.png", "", pngFile(t))
		var note beseda.Message
		w.Manager.MustDo("POST", path, map[string]any{"text": "VIP client: refund the delivery", "internal": true,
			"attachment_ids": []int64{up.ID}}, 201, &note)
		if !note.Internal || note.DialogID == nil || *note.DialogID != d.ID || note.Status != beseda.MessageSent ||
			note.Source != beseda.SourceManager || len(note.Attachments) != 1 {
			t.Fatalf("note %+v", note)
		}
		// Not the chat's last message: the chat keeps its place.
		if at := chatAt(); !at.Equal(*before.LastMessageAt) {
			t.Errorf("a note moved the chat's last message from %v to %v", before.LastMessageAt, at)
		}
		w.Srv.Clock.Advance(time.Minute)
		var reply beseda.Message
		res := w.Manager.MustDo("POST", path, map[string]any{"text": "We are on it"}, 201, &reply)
		if reply.Internal || !strings.Contains(string(res.Body), `"internal":false`) {
			t.Errorf("a message to the client: %s", res.Body)
		}

		// Managers: in the dialog and in the general chat, marked.
		for _, p := range []string{path, testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)} {
			var msgs []beseda.Message
			w.Owner.MustDo("GET", p, nil, 200, &msgs)
			found := false
			for _, m := range msgs {
				if m.ID == note.ID {
					found = m.Internal && m.Text == note.Text
				} else if m.Internal {
					t.Errorf("%s: message %d marked internal", p, m.ID)
				}
			}
			if !found {
				t.Errorf("%s: the note is missing or unmarked", p)
			}
		}
		w.Owner.MustDo("GET", note.Attachments[0].URL, nil, 200, nil)

		// The client: not in the widget, nor its file.
		for _, m := range v.Messages() {
			if m.ID == note.ID || strings.Contains(m.Text, "VIP") {
				t.Errorf("the client sees the note: %+v", m)
			}
		}
		v.WantError("GET", note.Attachments[0].URL, nil, 404, beseda.ENOTFOUND)

		if at := chatAt(); !at.After(*before.LastMessageAt) {
			t.Errorf("a message to the client did not move the chat (%v)", at)
		}

		// Paused and completed cases take notes, not messages to the client (W1).
		w.SetStatus(d.ID, beseda.DialogPaused)
		w.Manager.WantError("POST", path, map[string]any{"text": "Still there?"}, 409, beseda.EDIALOGNOTACTIVE)
		w.Manager.MustDo("POST", path, map[string]any{"text": "waiting for the courier", "internal": true}, 201, nil)
		w.SetStatus(d.ID, beseda.DialogCompleted)
		w.Owner.MustDo("POST", path, map[string]any{"text": "refund done", "internal": true}, 201, nil)
		for _, m := range v.Messages() {
			if strings.Contains(m.Text, "courier") || strings.Contains(m.Text, "refund done") {
				t.Errorf("the client sees a note: %+v", m)
			}
		}

		// Notes are a dialog's; the general chat takes none, and a note needs words or a file.
		w.Owner.WantError("POST", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID),
			map[string]any{"text": "x", "internal": true}, 400, beseda.EINVALID)
		w.Owner.WantError("POST", path, map[string]any{"text": " ", "internal": true}, 400, beseda.EINVALID)
		w.Owner.WantError("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID+1000), map[string]any{"text": "x", "internal": true}, 404, beseda.ENOTFOUND)
		elsewhere := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		elsewhere.Owner.WantError("POST", path, map[string]any{"text": "x", "internal": true}, 404, beseda.ENOTFOUND)
	})
}
