package webchat_test

import (
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestNotes_NoSignalToTheWidget: an internal note in the client's dialog
// does not even make the widget's stream say that something changed.
func TestNotes_NoSignalToTheWidget(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		events := srv.URL + "/widget/" + w.WebKey + "/events"
		stream := testkit.OpenStreamAt(t, events, v.Header)
		ready := stream.Next("ready", time.Minute)
		stream.Close()
		path := testkit.Path("/api/v1/dialogs/%d/messages", d.ID)
		w.Owner.MustDo("POST", path, map[string]any{"text": "between us", "internal": true}, 201, nil)
		if e := first(t, testkit.OpenStreamAt(t, events+"?last_event_id="+ready.ID, v.Header)); e.Name != "ready" {
			t.Errorf("a note made a %s event", e.Name)
		}
		w.Owner.MustDo("POST", path, map[string]any{"text": "for the client"}, 201, nil)
		if e := first(t, testkit.OpenStreamAt(t, events+"?last_event_id="+ready.ID, v.Header)); e.Name != "changed" {
			t.Errorf("a message to the client made a %s event", e.Name)
		}
	})
}
