package web_test

import (
	"net/http"
	"regexp"
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

// chatRow is the chat list's row of a client: its classes and its text.
func chatRow(t *testing.T, c *testkit.Console, subscriberID int64) (class, text string) {
	t.Helper()
	res := c.Get("/chats")
	re := regexp.MustCompile(`(?s)<a href="/chats/` + regexp.QuoteMeta(testkit.Path("%d", subscriberID)) +
		`"[^>]*class="([^"]*)">(.*?)</a>`)
	m := re.FindSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no row of client %d in the chat list:\n%s", subscriberID, res.Body)
	}
	return string(m[1]), string(m[2])
}

// TestChatList_UnreadIsPerManager: a manager opening a chat reads it for
// themselves; it stays unread for the others until they open it, and a new
// message from the client makes it unread again.
func TestChatList_UnreadIsPerManager(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		owner, manager := consoleOf(t, w, w.Owner), consoleOf(t, w, w.Manager)
		v := w.NewVisitor("Anna")
		v.Say("Hi")
		unread := func(c *testkit.Console) bool {
			class, _ := chatRow(t, c, v.SubscriberID)
			return regexp.MustCompile(`\bunread\b`).MatchString(class)
		}
		if !unread(owner) || !unread(manager) {
			t.Fatalf("a new client message is not unread for everyone")
		}
		srv.Clock.Advance(time.Second)
		owner.Get(testkit.Path("/chats/%d", v.SubscriberID))
		if unread(owner) {
			t.Errorf("the chat is still unread for the manager who opened it")
		}
		if !unread(manager) {
			t.Errorf("one manager opening the chat read it for another")
		}
		var seen beseda.Subscriber
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), nil, http.StatusOK, &seen)
		if seen.ReadAt == nil {
			t.Errorf("the API does not show the owner's read mark")
		}
		w.Manager.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), nil, http.StatusOK, &seen)
		if seen.ReadAt != nil {
			t.Errorf("the API shows the manager a read mark of another: %v", seen.ReadAt)
		}
		srv.Clock.Advance(time.Second)
		v.Say("Are you there?")
		if !unread(owner) {
			t.Errorf("a new message does not make the chat unread again")
		}
		manager.Get(testkit.Path("/chats/%d", v.SubscriberID))
		if unread(manager) {
			t.Errorf("the chat is still unread for the second manager who opened it")
		}
	})
}

// TestChatList_PreviewIsWhatTheClientCouldSee: the chat list shows the last
// message the client could see — not a dropped AI reply, held automation or
// an internal note.
func TestChatList_PreviewIsWhatTheClientCouldSee(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		owner := consoleOf(t, w, w.Owner)
		w.Owner.MustDo("POST", "/api/v1/smart-answers", map[string]any{"keywords": []string{"delivery"},
			"answer": "Robot says: delivery takes 3 days"}, http.StatusCreated, nil)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Where is my order")
		v.Say("When is the delivery?")
		w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": v.SubscriberID, "source": "funnel",
			"text": "Held offer"}, http.StatusCreated, nil)
		w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]any{"text": "A note for us",
			"internal": true}, http.StatusCreated, nil)
		_, text := chatRow(t, owner, v.SubscriberID)
		if !regexp.MustCompile(`When is the delivery\?`).MatchString(text) {
			t.Errorf("the preview is not the client's message: %s", text)
		}
		for _, hidden := range []string{"Robot says", "Held offer", "A note for us"} {
			if regexp.MustCompile(regexp.QuoteMeta(hidden)).MatchString(text) {
				t.Errorf("the preview shows %q, which the client never saw", hidden)
			}
		}
		w.Owner.MustDo("POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), map[string]string{"text": "On its way"},
			http.StatusCreated, nil)
		if _, text := chatRow(t, owner, v.SubscriberID); !regexp.MustCompile(`On its way`).MatchString(text) {
			t.Errorf("the preview is not the manager's reply: %s", text)
		}
	})
}
