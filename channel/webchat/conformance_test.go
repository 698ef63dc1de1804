package webchat_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/webchat"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/conformance"
)

// TestConformance runs the channel conformance suite on the web chat. It
// has no remote platform: the widget is the client's side, and what the
// client sees in it is what was sent. The scenarios of a remote platform —
// webhooks (events sent twice, batches, files fetched, H7) and an API that
// refuses sends (failures, rate limits, D2) — do not apply and are skipped.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.Run(t, webchat.Type{}, func(t *testing.T, w *testkit.World) conformance.Fake {
		return &widget{t: t, w: w, v: w.NewVisitor("Anna")}
	})
}

// widget plays one client in the web chat's widget.
type widget struct {
	t *testing.T
	w *testkit.World
	v *testkit.Visitor
}

// request is one event: a request the widget makes.
type request struct {
	Path string            `json:"path"` // under /widget/{key}/
	Body map[string]string `json:"body"`
}

func event(path string, body map[string]string) conformance.Event {
	b, _ := json.Marshal(request{path, body})
	return b
}

func (c *widget) Channel() testkit.ChannelInfo {
	var channels []testkit.ChannelInfo
	c.w.Owner.MustDo("GET", "/api/v1/channels", nil, http.StatusOK, &channels)
	for _, ch := range channels {
		if ch.Key == c.v.Key {
			return ch
		}
	}
	c.t.Fatal("the workspace has no web chat")
	return testkit.ChannelInfo{}
}

func (c *widget) Client() string { return strconv.FormatInt(c.v.SubscriberID, 10) }

func (c *widget) Text(id, text string) conformance.Event {
	return event("messages", map[string]string{"text": text})
}

// Named: the widget names the client when the session starts, not with each
// message.
func (c *widget) Named(id, name, text string) conformance.Event { return nil }

func (c *widget) Tap(id string, b beseda.Button) conformance.Event {
	return event("postback", map[string]string{"payload": b.Payload})
}

// Post makes the widget's requests. A message is created (201), a tap
// answered (200) — or refused (400) when it is on no button of this
// client's, a forged one: the scenario checks that it changed nothing.
func (c *widget) Post(t *testing.T, events ...conformance.Event) {
	t.Helper()
	for _, ev := range events {
		var req request
		if err := json.Unmarshal(ev, &req); err != nil {
			t.Fatal(err)
		}
		res := c.v.Do("POST", "/widget/"+c.v.Key+"/"+req.Path, req.Body)
		switch {
		case req.Path == "messages" && res.Status == http.StatusCreated:
		case req.Path == "postback" && res.Status == http.StatusOK:
		case req.Path == "postback" && res.Status == http.StatusBadRequest && res.ErrorCode() == beseda.EINVALID:
		default:
			t.Fatalf("POST %s: %d %s", req.Path, res.Status, res.Body)
		}
	}
}

// Sent is what the client sees of the chat that came from the business:
// a message, or each of its files, the first with its text and buttons.
func (c *widget) Sent() []conformance.Sent {
	var out []conformance.Sent
	for _, m := range c.v.Messages() {
		if m.Direction != beseda.DirectionOut {
			continue
		}
		s := conformance.Sent{To: c.Client(), Text: m.Text, Buttons: m.Buttons}
		if len(m.Attachments) == 0 {
			out = append(out, s)
		}
		for i, a := range m.Attachments {
			if i > 0 {
				s = conformance.Sent{To: c.Client()}
			}
			res := c.v.Do("GET", a.URL, nil)
			if res.Status != http.StatusOK {
				c.t.Errorf("the client cannot have %s: %d", a.Name, res.Status)
			}
			s.File = &conformance.File{Name: a.Name, Type: a.ContentType, Data: res.Body}
			out = append(out, s)
		}
	}
	return out
}
