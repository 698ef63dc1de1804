package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// consoleOf signs the API client's user into the console.
func consoleOf(t *testing.T, w *testkit.World, c *testkit.Client) *testkit.Console {
	t.Helper()
	var me beseda.User
	c.MustDo("GET", "/api/v1/me", nil, http.StatusOK, &me)
	return testkit.ConsoleLogin(t, w.Srv.URL, me.Email, testkit.TestPassword)
}

func texts(msgs []beseda.Message) string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return strings.Join(out, " | ")
}

// TestG2_ReleasedAutomationStandsWhereItWasReleased: automation held during
// a dialog joins the chat when the dialog ends — after what the client and
// the manager said meanwhile — in the widget, the API's lists and their
// cursors, and the console; among themselves the released messages keep
// their production order, and the time they were produced stays known.
func TestG2_ReleasedAutomationStandsWhereItWasReleased(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		clock := w.Srv.Clock
		v := w.NewVisitor("Anna")
		v.Say("Hello")
		d := w.CreateDialog(v.SubscriberID, "Case")
		first := outbound(w, v.SubscriberID, beseda.SourceFunnel, "Offer one")
		second := outbound(w, v.SubscriberID, beseda.SourceBroadcast, "Offer two")
		clock.Advance(time.Minute)
		v.Say("Question")
		var answer beseda.Message
		w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]string{"text": "Answer"},
			http.StatusCreated, &answer)
		clock.Advance(time.Minute)
		w.SetStatus(d.ID, beseda.DialogPaused)
		want := "Hello | Question | Answer | Offer one | Offer two"
		testkit.Eventually(t, 10*time.Second, "the released messages reach the client", func() bool {
			return texts(v.Messages()) == want
		})

		all := chat(w, v.SubscriberID)
		if got := texts(all); got != want {
			t.Errorf("the manager's chat: %s, want %s", got, want)
		}
		released := map[int64]beseda.Message{}
		for _, m := range all {
			if m.ID == first.ID || m.ID == second.ID {
				released[m.ID] = m
			}
		}
		for _, id := range []int64{first.ID, second.ID} {
			m := released[id]
			if m.ReleasedAt == nil || !m.ReleasedAt.Equal(clock.Now()) {
				t.Errorf("message %d: released_at %v, want %v", id, m.ReleasedAt, clock.Now())
			}
			if !m.CreatedAt.Equal(clock.Now().Add(-2 * time.Minute)) {
				t.Errorf("message %d: created_at %v changed; it is when it was produced", id, m.CreatedAt)
			}
		}
		if answer.ReleasedAt != nil {
			t.Errorf("a message never held has released_at %v", answer.ReleasedAt)
		}

		// Cursors follow the chat's order: after the manager's answer come
		// the released offers, though their ids are older.
		var page []beseda.Message
		base := testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)
		w.Owner.MustDo("GET", testkit.Path("%s?after=%d", base, answer.ID), nil, http.StatusOK, &page)
		if got := texts(page); got != "Offer one | Offer two" {
			t.Errorf("after the answer: %s", got)
		}
		w.Owner.MustDo("GET", testkit.Path("%s?before=%d&limit=2", base, first.ID), nil, http.StatusOK, &page)
		if got := texts(page); got != "Question | Answer" {
			t.Errorf("before the first offer: %s", got)
		}
		w.Owner.MustDo("GET", testkit.Path("%s?before=%d", base, second.ID+1000), nil, http.StatusOK, &page)
		if got := texts(page); got != want {
			t.Errorf("before an id not yet used: %s", got)
		}
		var seen []beseda.Message
		v.MustDo("GET", testkit.Path("/widget/%s/messages?after=%d", v.Key, answer.ID), nil, http.StatusOK, &seen)
		if got := texts(seen); got != "Offer one | Offer two" {
			t.Errorf("the widget after the answer: %s", got)
		}

		// The console shows them in the same order, with the time of release.
		page2 := consoleOf(t, w, w.Owner).Get(testkit.Path("/chats/%d", v.SubscriberID))
		body := string(page2.Body)
		last := -1
		for _, s := range strings.Split(want, " | ") {
			i := strings.Index(body, ">"+s+"<")
			if i < last {
				t.Errorf("the console shows %q out of order", s)
			}
			last = i
		}
		if !strings.Contains(body, "Held during a dialog; produced at") {
			t.Errorf("the console does not say when a released message was produced")
		}
	})
}
