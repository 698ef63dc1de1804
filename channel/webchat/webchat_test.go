package webchat_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/webchat"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

func TestWidgetSessionsAndTokens(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		anon := testkit.NewClient(t, srv.URL)
		anon.WantError("POST", "/widget/nope/sessions", map[string]string{"name": "x"}, 404, beseda.ENOTFOUND)
		anon.WantError("GET", "/widget/"+w.WebKey+"/messages", nil, 401, beseda.EUNAUTHORIZED)
		anon.Header.Set("X-Visitor-Token", "guess")
		anon.WantError("GET", "/widget/"+w.WebKey+"/messages", nil, 401, beseda.EUNAUTHORIZED)
		anon.WantError("POST", "/widget/"+w.WebKey+"/sessions", map[string]string{"name": strings.Repeat("n", 101)}, 400, beseda.EINVALID)

		v := w.NewVisitor("Anna")
		other := w.NewVisitor("Boris")
		v.Say("Hello")
		other.Say("Private to Boris")
		if msgs := v.Messages(); len(msgs) != 1 || msgs[0].Text != "Hello" {
			t.Errorf("Anna sees %+v", msgs)
		}
		// A token is only good on its own channel.
		otherWorld := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v.WantError("GET", "/widget/"+otherWorld.WebKey+"/messages", nil, 401, beseda.EUNAUTHORIZED)
		v.WantError("POST", "/widget/"+w.WebKey+"/messages", map[string]string{"text": " "}, 400, beseda.EINVALID)

		var sub beseda.Subscriber
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID), nil, 200, &sub)
		if sub.Name != "Anna" || sub.ChannelKind != webchat.Kind || sub.LastInboundAt == nil {
			t.Errorf("subscriber %+v", sub)
		}
	})
}

func TestWidgetShowsTheClientWhatWasDelivered(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		v.Say("Hi")
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), map[string]string{"text": "Hello Anna"}, 201, nil)
		// A message that is not delivered (here: held for later) stays invisible.
		storeMessage(t, srv, v, "Not yet", beseda.MessageHeld)
		msgs := v.Messages()
		var texts []string
		for _, m := range msgs {
			texts = append(texts, string(m.Direction)+":"+m.Text)
		}
		if got := strings.Join(texts, ", "); got != "in:Hi, out:Hello Anna" {
			t.Errorf("client sees %s", got)
		}
		var after []beseda.Message
		v.MustDo("GET", testkit.Path("/widget/%s/messages?after=%d", v.Key, msgs[0].ID), nil, 200, &after)
		if len(after) != 1 || after[0].Text != "Hello Anna" {
			t.Errorf("after %d: %+v", msgs[0].ID, after)
		}
		v.WantError("GET", "/widget/"+v.Key+"/messages?after=x", nil, 400, beseda.EINVALID)
	})
}

func TestWidgetPostbackOfAButton(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		storeMessage(t, srv, v, "Pick one", beseda.MessageSent, beseda.Button{Title: "Yes please", Payload: "yes-123"})
		v.WantError("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": "forged"}, 400, beseda.EINVALID)
		v.MustDo("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": "yes-123"}, 200, nil)
		msgs := v.Messages()
		if last := msgs[len(msgs)-1]; last.Direction != beseda.DirectionIn || last.Text != "Yes please" {
			t.Errorf("the tap became %+v", last)
		}
		// Another client cannot tap Anna's button.
		boris := w.NewVisitor("Boris")
		boris.WantError("POST", "/widget/"+v.Key+"/postback", map[string]string{"payload": "yes-123"}, 400, beseda.EINVALID)
	})
}

// storeMessage stores an outgoing message straight through the store, as the
// system sends messages with buttons (the rating form) or automation is held.
func storeMessage(t *testing.T, srv *testkit.Server, v *testkit.Visitor, text string, status beseda.MessageStatus, buttons ...beseda.Button) {
	t.Helper()
	ctx := context.Background()
	err := srv.DB.Update(ctx, func(tx *store.Tx) error {
		ch, err := tx.FindChannelByKey(ctx, v.Key)
		if err != nil {
			return err
		}
		m := &beseda.Message{WorkspaceID: ch.WorkspaceID, SubscriberID: v.SubscriberID,
			ChannelID: ch.ID, Direction: beseda.DirectionOut, Source: beseda.SourceSystem, Text: text,
			Buttons: buttons, Status: status, CreatedAt: time.Now()}
		if err := tx.CreateMessage(ctx, m); err != nil {
			return err
		}
		// As every producer does: an open widget hears of it at once.
		data, err := json.Marshal(m)
		if err != nil {
			return err
		}
		return tx.AddLiveEvent(ctx, &beseda.LiveEvent{WorkspaceID: ch.WorkspaceID, Kind: beseda.LiveMessageCreated,
			Data: data, CreatedAt: m.CreatedAt})
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Live.Kick()
}

func TestWidgetPageInBrowser(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, store.SQLite), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	ctx := testkit.Browser(t)

	// The client starts a chat and writes.
	testkit.Do(t, ctx, "start a chat and write",
		chromedp.Navigate(srv.URL+"/widget/"+w.WebKey),
		chromedp.WaitVisible(chromedp.ID("visitor-name")),
		chromedp.SendKeys(chromedp.ID("visitor-name"), "Zoe <script>alert(1)</script>"),
		chromedp.Click(`#start button`),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "My order is late <b>help</b>"),
		chromedp.Click(`#composer button`),
		chromedp.WaitVisible(`//li[contains(@class,"in") and contains(., "My order is late <b>help</b>")]`),
	)
	var subs []beseda.Subscriber
	w.Owner.MustDo("GET", "/api/v1/subscribers", nil, http.StatusOK, &subs)
	if len(subs) != 1 || subs[0].Name != "Zoe <script>alert(1)</script>" {
		t.Fatalf("subscribers %+v", subs)
	}
	sub := subs[0]

	// A manager's reply arrives without reloading, and so do buttons.
	w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID), map[string]string{"text": "On it, Zoe!"}, 201, nil)
	visitor := &testkit.Visitor{Client: testkit.NewClient(t, srv.URL), SubscriberID: sub.ID, Key: w.WebKey}
	storeMessage(t, srv, visitor, "Did that help?", beseda.MessageSent,
		beseda.Button{Title: "Yes", Payload: "p-yes"}, beseda.Button{Title: "No", Payload: "p-no"})
	testkit.Do(t, ctx, "the reply and its buttons arrive",
		chromedp.WaitVisible(`//li[contains(@class,"out") and contains(., "On it, Zoe!")]`),
		chromedp.WaitVisible(`//li[contains(., "Did that help?")]//button[text()="Yes"]`),
		chromedp.Click(`//li[contains(., "Did that help?")]//button[text()="Yes"]`),
		chromedp.WaitVisible(`//li[contains(@class,"in") and starts-with(normalize-space(.), "Yes")]`),
	)
	if bold := testkit.Eval[int](t, ctx, `document.querySelectorAll("#messages b").length`); bold != 0 {
		t.Errorf("client text was rendered as HTML")
	}
	var msgs []beseda.Message
	w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID), nil, http.StatusOK, &msgs)
	if last := msgs[len(msgs)-1]; last.Direction != beseda.DirectionIn || last.Text != "Yes" {
		t.Errorf("the click was stored as %+v", last)
	}
}
