package testkit

import (
	"net/http"

	"github.com/beseda/beseda"
)

// SubscriberOf returns the workspace's first subscriber of the channel kind
// and fails the test if there is none.
func (w *World) SubscriberOf(kind beseda.ChannelKind) beseda.Subscriber {
	w.tb.Helper()
	var subs []beseda.Subscriber
	w.Owner.MustDo("GET", "/api/v1/subscribers", nil, http.StatusOK, &subs)
	for _, s := range subs {
		if s.ChannelKind == kind {
			return s
		}
	}
	w.tb.Fatalf("no subscriber of %s", kind)
	return beseda.Subscriber{}
}

// Messages returns a subscriber's chat, the general chat as managers see it.
func (w *World) Messages(subscriberID int64) []beseda.Message {
	w.tb.Helper()
	var msgs []beseda.Message
	w.Owner.MustDo("GET", Path("/api/v1/subscribers/%d/messages", subscriberID), nil, http.StatusOK, &msgs)
	return msgs
}
