package httpapi_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

func TestLiveEventsReachTheRightManagers(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		manager := testkit.OpenStream(t, w.Srv.URL, w.Manager.Token, "")
		owner := testkit.OpenStream(t, w.Srv.URL, w.Owner.Token, "")
		stranger := testkit.OpenStream(t, w.Srv.URL, other.Owner.Token, "")
		for _, s := range []*testkit.Stream{manager, owner, stranger} {
			s.Next("ready", 5*time.Second)
		}
		v := w.NewVisitor("Anna")
		start := time.Now()
		d := w.CreateDialog(v.SubscriberID, "Live case", w.ManagerID)

		// C2: the added manager hears of their task within a second.
		n := manager.Next("notification.created", 5*time.Second)
		if took := time.Since(start); took > testkit.Bar(time.Second) {
			t.Errorf("the notification arrived after %v (the bar on this machine now: %v)", took, testkit.Bar(time.Second))
		}
		var note beseda.Notification
		json.Unmarshal(n.Data, &struct{ Data *beseda.Notification }{&note})
		if note.Kind != beseda.NotifyTaskScheduled || note.DialogID == nil || *note.DialogID != d.ID {
			t.Errorf("notification event %s", n.Data)
		}
		manager.Next("task.changed", 5*time.Second)
		owner.Next("dialog.changed", 5*time.Second)

		// A client's message reaches everyone in the workspace.
		v.Say("Hello from the widget")
		for _, s := range []*testkit.Stream{manager, owner} {
			e := s.Next("message.created", 5*time.Second)
			var m struct{ Data beseda.Message }
			json.Unmarshal(e.Data, &m)
			if m.Data.Text != "Hello from the widget" || m.Data.DialogID == nil || *m.Data.DialogID != d.ID {
				t.Errorf("message event %s", e.Data)
			}
		}
		// The owner does not hear the manager's notifications; the other workspace hears nothing.
		for _, e := range owner.Collect(500 * time.Millisecond) {
			if e.Name == "notification.created" || e.Name == "task.changed" {
				t.Errorf("the owner got the manager's %s", e.Name)
			}
		}
		if got := stranger.Collect(300 * time.Millisecond); len(got) != 0 {
			t.Errorf("another workspace heard %d events: %s", len(got), got[0].Data)
		}
	})
}

func TestLiveEventsResumeAfterAReconnect(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		s := testkit.OpenStream(t, w.Srv.URL, w.Owner.Token, "")
		s.Next("ready", 5*time.Second)
		v.Say("before the drop")
		last := s.Next("message.created", 5*time.Second)
		s.Close()

		// Missed while disconnected.
		for _, text := range []string{"missed one", "missed two"} {
			v.Say(text)
		}
		d := w.CreateDialog(v.SubscriberID, "Missed dialog")
		resumed := testkit.OpenStream(t, w.Srv.URL, w.Owner.Token, last.ID)
		var texts []string
		sawDialog := false
		take := func(e testkit.Event) {
			switch e.Name {
			case "message.created":
				var m struct{ Data beseda.Message }
				json.Unmarshal(e.Data, &m)
				texts = append(texts, m.Data.Text)
			case "dialog.changed":
				sawDialog = true
			}
		}
		// What was missed, however long a busy machine takes to send it;
		// then whatever else comes at once.
		deadline := time.After(testkit.Timeout(5 * time.Second))
	missed:
		for !sawDialog || !slices.Contains(texts, "missed two") {
			select {
			case e, ok := <-resumed.Events:
				if !ok {
					break missed
				}
				take(e)
			case <-deadline:
				break missed
			}
		}
		for _, e := range resumed.Collect(300 * time.Millisecond) {
			take(e)
		}
		want := []string{"missed one", "missed two"}
		if len(texts) < 2 || texts[len(texts)-2] != want[0] || texts[len(texts)-1] != want[1] || !sawDialog {
			t.Errorf("resumed with %v (dialog %d seen: %v), want %v", texts, d.ID, sawDialog, want)
		}
		for _, text := range texts {
			if text != "before the drop" && text != "missed one" && text != "missed two" {
				t.Errorf("unexpected %q", text)
			}
		}
		w.Owner.WantError("GET", "/api/v1/events?last_event_id=abc", nil, 400, beseda.EINVALID)
	})
}
