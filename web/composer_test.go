package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/i18n"
	"github.com/beseda/beseda/internal/testkit"
)

// TestConsoleComposerAnswersTheScript (W1, W2): the composers' script asks
// for the outcome (Accept: application/json). A message sent is 204 and
// stored; a refused one — a dialog paused meanwhile, a general chat locked
// by a dialog, a wrong CSRF token — gets its status with the error in the
// manager's words and stores nothing. A plain form still gets its redirect,
// and a refused text comes back in the composer.
func TestConsoleComposerAnswersTheScript(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		w.Manager.MustDo("PATCH", "/api/v1/me", map[string]string{"locale": "ru"}, 200, nil)
		ru := i18n.For(beseda.LocaleRU)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Refund", w.ManagerID)
		dialog := testkit.Path("/dialogs/%d/messages", d.ID)
		c := testkit.ConsoleLogin(t, srv.URL, emailOf(t, w.Manager), testkit.TestPassword)
		c.Header.Set("Accept", "application/json")
		count := func() int {
			var msgs []beseda.Message
			w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d/messages", d.ID), nil, 200, &msgs)
			return len(msgs)
		}
		errorOf := func(res *testkit.Response) (code, message string) {
			var body struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(res.Body, &body); err != nil {
				t.Fatalf("not the error shape: %s", res.Body)
			}
			return body.Error.Code, body.Error.Message
		}

		if res := c.Post(dialog, url.Values{"text": {"Your refund is on its way"}}); res.Status != 204 || count() != 1 {
			t.Fatalf("a message sent: %d %s, %d stored", res.Status, res.Body, count())
		}

		w.SetStatus(d.ID, beseda.DialogPaused)
		res := c.Post(dialog, url.Values{"text": {"And one more thing"}})
		if code, msg := errorOf(res); res.Status != 409 || code != beseda.EDIALOGNOTACTIVE || msg != ru.T("dialog.locked_paused") {
			t.Errorf("into a paused dialog: %d %s %q", res.Status, code, msg)
		}
		if n := count(); n != 1 {
			t.Errorf("the refused message was stored: %d messages", n)
		}

		// The general chat is locked while the dialog is active (W2).
		w.SetStatus(d.ID, beseda.DialogActive)
		res = c.Post(testkit.Path("/chats/%d/messages", v.SubscriberID), url.Values{"text": {"Hi"}})
		if code, msg := errorOf(res); res.Status != 409 || code != beseda.EGENERALCHATLOCKED || msg != ru.T("error.general_chat_locked") {
			t.Errorf("into a locked general chat: %d %s %q", res.Status, code, msg)
		}
		res = c.Post(dialog, url.Values{"text": {"Hi"}, "csrf": {"wrong"}})
		if code, _ := errorOf(res); res.Status != 403 || code != beseda.EFORBIDDEN {
			t.Errorf("with a wrong CSRF token: %d %s", res.Status, code)
		}

		// A plain form: a redirect, and refused, the text back in the composer.
		c.Header.Del("Accept")
		w.SetStatus(d.ID, beseda.DialogPaused)
		res = c.Post(dialog, url.Values{"text": {"Sent <without> the script"}})
		if res.Status != 303 || res.Header.Get("Location") != testkit.Path("/dialogs/%d#composer", d.ID) {
			t.Fatalf("a plain form refused: %d %s", res.Status, res.Header.Get("Location"))
		}
		page := c.Get(testkit.Path("/dialogs/%d", d.ID))
		if body := string(page.Body); !strings.Contains(body, ">Sent &lt;without&gt; the script</textarea>") || !strings.Contains(body, ru.T("dialog.locked_paused")) {
			t.Errorf("the refused text and its reason are not on the page")
		}
	})
}
