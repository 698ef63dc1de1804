package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestH4_ConsoleTabOverTheStreamCapWaitsUntilShown: when a manager's
// streams pass the cap, the oldest — here a console tab's — is ended; the
// tab says that its live updates are paused, for as long as they are (the
// notice does not fade like others), and does not reconnect on its own
// (which would end another stream, and so on); shown again, it reconnects
// (ending the oldest other stream), the notice goes, and it is live again.
func TestH4_ConsoleTabOverTheStreamCapWaitsUntilShown(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &me)
	tab := testkit.Browser(t)
	signIn(t, tab, srv.URL, me.Email, testkit.TestPassword)
	do(t, tab, "the chats", chromedp.Navigate(srv.URL+"/chats"), chromedp.WaitVisible(`header.top`))
	// Only the tab's: the stream of the page signing in led to may take
	// the server a moment to see closed, and would be ended first.
	testkit.Eventually(t, 30*time.Second, "the tab's stream, alone", func() bool { return srv.Live.Connections() == 1 })

	var streams []*testkit.Stream
	for range beseda.LiveStreamsPerUser {
		s := testkit.OpenStream(t, srv.URL, w.Manager.Token, "")
		s.Next("ready", 10*time.Second)
		streams = append(streams, s)
	}
	do(t, tab, "the tab says it is paused",
		chromedp.WaitVisible(`//div[contains(@class,"toast") and contains(., "Live updates are paused in this tab")]`))
	time.Sleep(9 * time.Second) // longer than the stream's retry (2 s) and a notice's life (8 s)
	do(t, tab, "the tab still says it is paused",
		chromedp.WaitVisible(`//div[contains(@class,"toast") and contains(., "Live updates are paused in this tab")]`))
	if n := srv.Live.Connections(); n != beseda.LiveStreamsPerUser {
		t.Fatalf("%d streams: the paused tab reconnected on its own", n)
	}
	for _, s := range streams {
		select {
		case e, ok := <-s.Events:
			if !ok || e.Name == "evicted" {
				t.Fatalf("an API stream ended while the tab waits")
			}
		default:
		}
	}

	eval[bool](t, tab, `document.dispatchEvent(new Event("visibilitychange")), true`)
	streams[0].Next("evicted", 10*time.Second)
	v := w.NewVisitor("Zelda")
	v.Say("hello again")
	do(t, tab, "the tab is live again", chromedp.WaitVisible(`//a[contains(@class,"chat-row") and contains(., "Zelda")]`))
	if eval[bool](t, tab, `[...document.querySelectorAll(".toast")].some(t => t.textContent.includes("Live updates are paused"))`) {
		t.Error("the tab is live again and still says it is paused")
	}
}
