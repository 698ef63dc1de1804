package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/webchat"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
)

func outbound(w *testkit.World, subscriberID int64, source beseda.Source, text string) beseda.Message {
	var m beseda.Message
	w.Owner.MustDo("POST", "/api/v1/outbound", map[string]any{"subscriber_id": subscriberID, "source": source, "text": text},
		http.StatusCreated, &m)
	return m
}

// chat returns the general chat of a client as the manager sees it.
func chat(w *testkit.World, subscriberID int64) []beseda.Message {
	var msgs []beseda.Message
	w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages?limit=1000", subscriberID), nil, 200, &msgs)
	return msgs
}

func visibleTexts(v *testkit.Visitor) []string {
	var out []string
	for _, m := range v.Messages() {
		if m.Direction == beseda.DirectionOut {
			out = append(out, m.Text)
		}
	}
	return out
}

func TestG1_GateDuringActiveDialog(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		// Without a dialog everything goes out (to the web chat at once).
		for _, src := range []beseda.Source{beseda.SourceFunnel, beseda.SourceBroadcast, beseda.SourceAISupport, beseda.SourceSystem} {
			if m := outbound(w, v.SubscriberID, src, "free "+string(src)); m.Status != beseda.MessageSent {
				t.Errorf("%s without a dialog: %s", src, m.Status)
			}
		}
		w.CreateDialog(v.SubscriberID, "Case")
		want := map[beseda.Source]beseda.MessageStatus{
			beseda.SourceFunnel:    beseda.MessageHeld,
			beseda.SourceBroadcast: beseda.MessageHeld,
			beseda.SourceAISupport: beseda.MessageDropped,
			beseda.SourceSystem:    beseda.MessageSent,
		}
		for src, status := range want {
			m := outbound(w, v.SubscriberID, src, "during "+string(src))
			if m.Status != status {
				t.Errorf("%s during a dialog: %s, want %s", src, m.Status, status)
			}
			if status == beseda.MessageDropped && m.Reason == "" {
				t.Errorf("a dropped message carries no reason")
			}
		}
		seen := strings.Join(visibleTexts(v), "|")
		for _, hidden := range []string{"during funnel", "during broadcast", "during ai_support"} {
			if strings.Contains(seen, hidden) {
				t.Errorf("the client sees %q during the dialog", hidden)
			}
		}
		if !strings.Contains(seen, "during system") {
			t.Errorf("system messages are not held: %s", seen)
		}
	})
}

func TestG2_ReleaseInOrderWhenDialogEnds(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		var want []string
		for i := range 30 {
			src := beseda.SourceFunnel
			if i%2 == 1 {
				src = beseda.SourceBroadcast
			}
			text := fmt.Sprintf("held %02d", i)
			outbound(w, v.SubscriberID, src, text)
			want = append(want, text)
			if i%10 == 0 {
				outbound(w, v.SubscriberID, beseda.SourceAISupport, fmt.Sprintf("ai %02d", i))
			}
		}
		w.SetStatus(d.ID, beseda.DialogPaused)
		testkit.Eventually(t, 10*time.Second, "held messages delivered", func() bool {
			return len(visibleTexts(v)) == len(want)
		})
		if got := strings.Join(visibleTexts(v), ","); got != strings.Join(want, ",") {
			t.Errorf("released out of order or changed:\n got %s\nwant %s", got, strings.Join(want, ","))
		}
		for _, m := range chat(w, v.SubscriberID) {
			if m.Source == beseda.SourceAISupport && m.Status != beseda.MessageDropped {
				t.Errorf("an AI reply was %s after the dialog, want dropped for good", m.Status)
			}
		}
		// Completing (from active) releases too.
		w.SetStatus(d.ID, beseda.DialogActive)
		outbound(w, v.SubscriberID, beseda.SourceFunnel, "held again")
		w.SetStatus(d.ID, beseda.DialogCompleted)
		testkit.Eventually(t, 10*time.Second, "release on completion", func() bool {
			texts := visibleTexts(v)
			return len(texts) == len(want)+1 && texts[len(texts)-1] == "held again"
		})
	})
}

// TestG3_BroadcastsRacingCompletion sends 40 broadcast messages while the
// dialog is being completed: each is delivered exactly once, and none while
// the dialog was active.
func TestG3_BroadcastsRacingCompletion(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{Clock: beseda.SystemClock{}})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		const n = 40
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if i == n/2 {
					w.SetStatus(d.ID, beseda.DialogCompleted)
				}
				outbound(w, v.SubscriberID, beseda.SourceBroadcast, fmt.Sprintf("broadcast %02d", i))
			}()
		}
		close(start)
		wg.Wait()
		var done beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &done)
		testkit.Eventually(t, 15*time.Second, "all 40 delivered", func() bool { return len(visibleTexts(v)) == n })
		counts := map[string]int{}
		for _, text := range visibleTexts(v) {
			counts[text]++
		}
		for i := range n {
			if c := counts[fmt.Sprintf("broadcast %02d", i)]; c != 1 {
				t.Errorf("broadcast %02d delivered %d times", i, c)
			}
		}
		for _, m := range chat(w, v.SubscriberID) {
			if m.Source != beseda.SourceBroadcast {
				continue
			}
			if m.Status != beseda.MessageSent || m.SentAt == nil {
				t.Errorf("%q is %s", m.Text, m.Status)
				continue
			}
			if m.SentAt.Before(*done.CompletedAt) {
				t.Errorf("%q was sent at %v, while the dialog was active (completed at %v)", m.Text, m.SentAt, done.CompletedAt)
			}
		}
	})
}

// TestG3_QueuedAutomationWaitsForANewDialog: automation already queued for
// delivery when a dialog becomes active is held, not delivered during it.
// The release is paced on the test's clock, which stands still until the
// test moves it: the dialog resumes in the middle of the release however
// slow the machine.
func TestG3_QueuedAutomationWaitsForANewDialog(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		clock := testkit.NewClock()
		srv := testkit.StartServer(t, dbURL, testkit.Options{Clock: clock,
			Configure: func(c *server.Config) {
				c.Pacing = map[beseda.ChannelKind]beseda.Pacing{webchat.Kind: {PerSecond: 40}}
			}})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		const n = 100
		for i := range n {
			outbound(w, v.SubscriberID, beseda.SourceFunnel, fmt.Sprintf("step %03d", i))
		}
		// Releases 100 at 40/s: a first burst now, the rest as the clock moves.
		w.SetStatus(d.ID, beseda.DialogPaused)
		testkit.Eventually(t, 5*time.Second, "the release started", func() bool { return len(visibleTexts(v)) > 0 })
		resumed := w.SetStatus(d.ID, beseda.DialogActive)
		delivered := len(visibleTexts(v))
		if delivered == n {
			t.Fatalf("the release finished before the dialog resumed: not paced")
		}
		// Time enough for the whole release at its pace: nothing more goes.
		clock.Advance(5 * time.Second)
		time.Sleep(300 * time.Millisecond)
		if got := len(visibleTexts(v)); got != delivered {
			t.Errorf("%d messages delivered while the dialog was active", got-delivered)
		}
		for _, m := range chat(w, v.SubscriberID) {
			if m.SentAt != nil && m.SentAt.After(resumed.UpdatedAt) {
				t.Errorf("%q sent at %v, after the dialog resumed at %v", m.Text, m.SentAt, resumed.UpdatedAt)
			}
		}
		w.SetStatus(d.ID, beseda.DialogCompleted)
		testkit.Eventually(t, 10*time.Second, "everything delivered once the dialog ended", func() bool {
			clock.Advance(100 * time.Millisecond)
			return len(visibleTexts(v)) == n
		})
		for i, text := range visibleTexts(v) {
			if want := fmt.Sprintf("step %03d", i); text != want {
				t.Fatalf("message %d is %q, want %q (order)", i, text, want)
			}
		}
	})
}

func TestOutboundIsIdempotent(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		body := map[string]any{"subscriber_id": v.SubscriberID, "source": "funnel", "text": "Welcome!", "idempotency_key": "welcome-1"}
		var first, again beseda.Message
		w.Owner.MustDo("POST", "/api/v1/outbound", body, 201, &first)
		res := w.Owner.MustDo("POST", "/api/v1/outbound", body, 200, &again)
		if again.ID != first.ID || res.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay gave %+v", again)
		}
		body["text"] = "Something else"
		w.Owner.WantError("POST", "/api/v1/outbound", body, 409, beseda.EIDEMPOTENCY)
		// Racing requests with one key make one message.
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var m beseda.Message
				res := w.Owner.Do("POST", "/api/v1/outbound", map[string]any{"subscriber_id": v.SubscriberID,
					"source": "broadcast", "text": "Sale", "idempotency_key": "sale-7"})
				res.Decode(t, &m)
				ids[i] = m.ID
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id == 0 || id != ids[0] {
				t.Errorf("racing requests made different messages: %v", ids)
				break
			}
		}
		if got := visibleTexts(v); len(got) != 2 {
			t.Errorf("the client got %v, want Welcome! and Sale once each", got)
		}
	})
}

func TestOutboundRejectsBadInput(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		for _, tc := range []struct {
			name   string
			body   map[string]any
			status int
			code   string
		}{
			{"unknown source", map[string]any{"subscriber_id": v.SubscriberID, "source": "spam", "text": "x"}, 400, beseda.EINVALID},
			{"manager source", map[string]any{"subscriber_id": v.SubscriberID, "source": "manager", "text": "x"}, 400, beseda.EINVALID},
			{"empty text", map[string]any{"subscriber_id": v.SubscriberID, "source": "funnel", "text": "  "}, 400, beseda.EINVALID},
			{"too long", map[string]any{"subscriber_id": v.SubscriberID, "source": "funnel", "text": strings.Repeat("x", 4097)}, 400, beseda.EINVALID},
			{"no subscriber", map[string]any{"source": "funnel", "text": "x"}, 400, beseda.EINVALID},
			{"unknown subscriber", map[string]any{"subscriber_id": 999999, "source": "funnel", "text": "x"}, 404, beseda.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) { w.Owner.WantError("POST", "/api/v1/outbound", tc.body, tc.status, tc.code) })
		}
		other.Owner.WantError("POST", "/api/v1/outbound", map[string]any{"subscriber_id": v.SubscriberID, "source": "funnel", "text": "x"}, 404, beseda.ENOTFOUND)
		w.Manager.WantError("POST", "/api/v1/outbound", map[string]any{"subscriber_id": v.SubscriberID, "source": "funnel", "text": "x"}, 403, beseda.EFORBIDDEN)
		if msgs := chat(w, v.SubscriberID); len(msgs) != 0 {
			t.Errorf("refused requests stored %d messages", len(msgs))
		}
	})
}

func TestBroadcastsThroughTheGate(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var visitors []*testkit.Visitor
		for i := range 5 {
			visitors = append(visitors, w.NewVisitor(fmt.Sprintf("Client %d", i)))
		}
		d := w.CreateDialog(visitors[0].SubscriberID, "Busy")
		var b beseda.Broadcast
		w.Owner.MustDo("POST", "/api/v1/broadcasts", map[string]any{"text": "Spring sale!"}, 201, &b)
		if b.Total != 5 || !b.AllSubscribers {
			t.Errorf("broadcast %+v", b)
		}
		path := testkit.Path("/api/v1/broadcasts/%d", b.ID)
		testkit.Eventually(t, 10*time.Second, "broadcast decided", func() bool {
			w.Owner.MustDo("GET", path, nil, 200, &b)
			return b.FinishedAt != nil && b.Counts[beseda.MessageSent] == 4
		})
		if b.Counts[beseda.MessageHeld] != 1 || b.Produced != 5 {
			t.Errorf("counts %+v produced %d", b.Counts, b.Produced)
		}
		w.SetStatus(d.ID, beseda.DialogCompleted)
		testkit.Eventually(t, 10*time.Second, "held broadcast released", func() bool {
			w.Owner.MustDo("GET", path, nil, 200, &b)
			return b.Counts[beseda.MessageSent] == 5
		})
		// A broadcast to chosen clients.
		var chosen beseda.Broadcast
		w.Owner.MustDo("POST", "/api/v1/broadcasts", map[string]any{"text": "Just you two",
			"subscriber_ids": []int64{visitors[1].SubscriberID, visitors[2].SubscriberID}}, 201, &chosen)
		testkit.Eventually(t, 10*time.Second, "chosen broadcast", func() bool {
			w.Owner.MustDo("GET", testkit.Path("/api/v1/broadcasts/%d", chosen.ID), nil, 200, &chosen)
			return chosen.Counts[beseda.MessageSent] == 2
		})
		if got := visibleTexts(visitors[3]); len(got) != 1 {
			t.Errorf("a client not chosen got %v", got)
		}
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		other.Owner.WantError("GET", path, nil, 404, beseda.ENOTFOUND)
		other.Owner.WantError("POST", "/api/v1/broadcasts", map[string]any{"text": "x",
			"subscriber_ids": []int64{visitors[1].SubscriberID}}, 404, beseda.ENOTFOUND)
		w.Owner.WantError("POST", "/api/v1/broadcasts", map[string]any{"text": ""}, 400, beseda.EINVALID)
		w.Owner.WantError("POST", "/api/v1/broadcasts", map[string]any{"text": "x", "subscriber_ids": []int64{}}, 400, beseda.EINVALID)
		w.Manager.WantError("POST", "/api/v1/broadcasts", map[string]any{"text": "x"}, 403, beseda.EFORBIDDEN)
	})
}

func TestFunnelStepsMeetTheGateWhenDue(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		var f beseda.Funnel
		w.Owner.MustDo("POST", "/api/v1/funnels", map[string]any{"name": "Onboarding", "steps": []map[string]any{
			{"delay_seconds": 0, "text": "Welcome aboard"},
			{"delay_seconds": 3600, "text": "How is it going?"},
			{"delay_seconds": 86400, "text": "Tips for week one"},
		}}, 201, &f)
		path := testkit.Path("/api/v1/funnels/%d/subscribers", f.ID)
		w.Owner.MustDo("POST", path, map[string]any{"subscriber_id": v.SubscriberID}, 201, nil)
		w.Owner.MustDo("POST", path, map[string]any{"subscriber_id": v.SubscriberID}, 200, nil) // already in
		testkit.Eventually(t, 10*time.Second, "first step", func() bool { return len(visibleTexts(v)) == 1 })

		// The second step waits for its hour; a dialog opened meanwhile holds it.
		d := w.CreateDialog(v.SubscriberID, "Question")
		w.Srv.Clock.Advance(time.Hour)
		testkit.Eventually(t, 10*time.Second, "second step produced and held", func() bool {
			for _, m := range chat(w, v.SubscriberID) {
				if m.Text == "How is it going?" {
					return m.Status == beseda.MessageHeld && m.Source == beseda.SourceFunnel
				}
			}
			return false
		})
		time.Sleep(1500 * time.Millisecond)
		for _, m := range chat(w, v.SubscriberID) {
			if m.Text == "Tips for week one" {
				t.Fatalf("the third step came a day early")
			}
		}
		w.SetStatus(d.ID, beseda.DialogCompleted)
		w.Srv.Clock.Advance(24 * time.Hour)
		testkit.Eventually(t, 10*time.Second, "all steps delivered in order", func() bool {
			return strings.Join(visibleTexts(v), "|") == "Welcome aboard|How is it going?|Tips for week one"
		})
		w.Owner.WantError("POST", "/api/v1/funnels", map[string]any{"name": "x", "steps": []any{}}, 400, beseda.EINVALID)
		w.Owner.WantError("POST", "/api/v1/funnels", map[string]any{"name": "x", "steps": []map[string]any{{"delay_seconds": -1, "text": "t"}}}, 400, beseda.EINVALID)
		w.Manager.WantError("POST", path, map[string]any{"subscriber_id": v.SubscriberID}, 403, beseda.EFORBIDDEN)
	})
}

func TestSmartAnswersAreDroppedDuringADialog(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		var sa beseda.SmartAnswer
		w.Owner.MustDo("POST", "/api/v1/smart-answers", map[string]any{"keywords": []string{" Delivery ", "shipping"},
			"answer": "Orders ship within 2 days."}, 201, &sa)
		if sa.Keywords[0] != "delivery" {
			t.Errorf("keywords %v", sa.Keywords)
		}
		v.Say("When is DELIVERY?")
		if got := visibleTexts(v); len(got) != 1 || got[0] != "Orders ship within 2 days." {
			t.Errorf("smart answer: %v", got)
		}
		d := w.CreateDialog(v.SubscriberID, "Where is my parcel")
		v.Say("shipping please")
		var msgs []beseda.Message
		w.Owner.MustDo("GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID), nil, 200, &msgs)
		last := msgs[len(msgs)-1]
		if last.Source != beseda.SourceAISupport || last.Status != beseda.MessageDropped {
			t.Errorf("AI reply during a dialog: %+v", last)
		}
		w.SetStatus(d.ID, beseda.DialogCompleted)
		time.Sleep(300 * time.Millisecond)
		if got := visibleTexts(v); len(got) != 1 {
			t.Errorf("a dropped AI reply arrived later: %v", got)
		}
		var list []beseda.SmartAnswer
		w.Owner.MustDo("GET", "/api/v1/smart-answers", nil, 200, &list)
		if len(list) != 1 {
			t.Errorf("list %v", list)
		}
		w.Manager.WantError("DELETE", testkit.Path("/api/v1/smart-answers/%d", sa.ID), nil, 403, beseda.EFORBIDDEN)
		w.Owner.MustDo("DELETE", testkit.Path("/api/v1/smart-answers/%d", sa.ID), nil, 204, nil)
		w.Owner.WantError("POST", "/api/v1/smart-answers", map[string]any{"keywords": []string{}, "answer": "x"}, 400, beseda.EINVALID)
	})
}
