package messenger_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
)

// TestMessengerDeliveryStatusesByWatermark: Messenger's delivery and read
// events name no message, only a watermark (every message the page sent up
// to then); each message sent before it is recorded delivered or read, once
// and only forward, whatever order the events come in. A client Beseda does
// not know changes nothing.
func TestMessengerDeliveryStatusesByWatermark(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m.in1", "Hello")
		sub := p.subscriber(t)
		clock := p.w.Srv.Clock
		send := func(text string) beseda.Message {
			var m beseda.Message
			p.w.Owner.MustDo("POST", fmt.Sprintf("/api/v1/subscribers/%d/messages", sub.ID), map[string]any{"text": text}, 201, &m)
			testkit.Eventually(t, 10*time.Second, "the message sent", func() bool { return p.find(t, sub.ID, m.ID).Status == beseda.MessageSent })
			return p.find(t, sub.ID, m.ID)
		}
		post := func(body []byte) {
			t.Helper()
			if res := p.post(t, body); res.Status != 200 {
				t.Fatalf("webhook: %d %s", res.Status, res.Body)
			}
		}
		first := send("First")
		clock.Advance(time.Minute)
		second := send("Second")
		clock.Advance(time.Minute)
		readAt := clock.Now()
		post(fakegraph.ReadEvent(pageID, psid, first.SentAt.Add(time.Second).UnixMilli()))
		clock.Advance(time.Minute)
		post(fakegraph.DeliveryEvent(pageID, psid, first.SentAt.UnixMilli())) // late: read already
		post(fakegraph.DeliveryEvent(pageID, "someone-else", clock.Now().UnixMilli()))
		deliveredAt := clock.Now()
		post(fakegraph.DeliveryEvent(pageID, psid, second.SentAt.UnixMilli()))
		clock.Advance(time.Minute)
		post(fakegraph.DeliveryEvent(pageID, psid, second.SentAt.UnixMilli())) // again

		f, s := p.find(t, sub.ID, first.ID), p.find(t, sub.ID, second.ID)
		if f.ReadAt == nil || !f.ReadAt.Equal(readAt) || f.DeliveredAt == nil || !f.DeliveredAt.Equal(readAt) {
			t.Errorf("first: delivered %v, read %v; want both %v", f.DeliveredAt, f.ReadAt, readAt)
		}
		if s.ReadAt != nil || s.DeliveredAt == nil || !s.DeliveredAt.Equal(deliveredAt) {
			t.Errorf("second: delivered %v, read %v; want delivered %v, not read", s.DeliveredAt, s.ReadAt, deliveredAt)
		}
	})
}

func (p *page) find(t *testing.T, subscriberID, id int64) beseda.Message {
	t.Helper()
	for _, m := range p.w.Messages(subscriberID) {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("message %d not in the chat", id)
	return beseda.Message{}
}
