package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// ended waits for a stream's "evicted" event and its end.
func ended(t *testing.T, s *testkit.Stream) {
	t.Helper()
	s.Next("evicted", 10*time.Second)
	for range s.Events {
	}
}

// TestH4_WidgetLiveStreamsAreCapped: one visitor token opening stream after
// stream (the attack opened 3,000) never holds more than
// LiveStreamsPerVisitor at once: each one over the cap ends the oldest,
// which is told so ("evicted"); another client's stream goes on.
func TestH4_WidgetLiveStreamsAreCapped(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v, other := w.NewVisitor("Anna"), w.NewVisitor("Boris")
		url := w.Srv.URL + "/widget/" + w.WebKey + "/events"
		open := func(v *testkit.Visitor) *testkit.Stream {
			s := testkit.OpenStreamAt(t, url, http.Header{"X-Visitor-Token": v.Header.Values("X-Visitor-Token")})
			s.Next("ready", 10*time.Second)
			return s
		}
		others := open(other)
		var streams []*testkit.Stream
		for range 3 * beseda.LiveStreamsPerVisitor {
			streams = append(streams, open(v))
			if n := w.Srv.Live.Connections(); n > beseda.LiveStreamsPerVisitor+1 {
				t.Fatalf("%d streams open", n)
			}
		}
		for _, s := range streams[:len(streams)-beseda.LiveStreamsPerVisitor] {
			ended(t, s)
		}
		if n := w.Srv.Live.Connections(); n != beseda.LiveStreamsPerVisitor+1 {
			t.Errorf("%d streams open, want %d of the client and the other's", n, beseda.LiveStreamsPerVisitor+1)
		}
		// The newest and the other client's still hear about their messages.
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), map[string]string{"text": "hi"}, 201, nil)
		streams[len(streams)-1].Next("changed", 10*time.Second)
		w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", other.SubscriberID), map[string]string{"text": "hi"}, 201, nil)
		others.Next("changed", 10*time.Second)
	})
}

// TestH4_ManagerLiveStreamsAreCapped: one manager's streams — by API
// tokens and the console's session alike — are at most LiveStreamsPerUser
// at once; one more ends the oldest ("evicted"); a colleague's stream is
// not touched.
func TestH4_ManagerLiveStreamsAreCapped(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var me beseda.User
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &me)
		colleague := testkit.OpenStream(t, w.Srv.URL, w.Owner.Token, "")
		colleague.Next("ready", 10*time.Second)
		console := testkit.ConsoleLogin(t, w.Srv.URL, me.Email, testkit.TestPassword)
		cookies := console.HTTP.Jar.Cookies(mustURL(t, w.Srv.URL))
		var streams []*testkit.Stream
		for i := range beseda.LiveStreamsPerUser + 5 {
			var s *testkit.Stream
			if i%2 == 0 {
				s = testkit.OpenStream(t, w.Srv.URL, w.Manager.Token, "")
			} else {
				h := http.Header{}
				for _, c := range cookies {
					h.Add("Cookie", c.String())
				}
				s = testkit.OpenStreamAt(t, w.Srv.URL+"/api/v1/events", h)
			}
			s.Next("ready", 10*time.Second)
			streams = append(streams, s)
		}
		for _, s := range streams[:5] {
			ended(t, s)
		}
		if n := w.Srv.Live.Connections(); n != beseda.LiveStreamsPerUser+1 {
			t.Errorf("%d streams open, want %d of the manager and the colleague's", n, beseda.LiveStreamsPerUser+1)
		}
		v := w.NewVisitor("Anna")
		v.Say("hello")
		streams[len(streams)-1].Next("message.created", 10*time.Second)
		colleague.Next("message.created", 10*time.Second)
	})
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
