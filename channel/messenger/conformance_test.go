package messenger_test

import (
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/messenger"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/conformance"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
)

// TestConformance runs the channel conformance suite against the fake Graph
// API: Messenger posts events in batches, signed by the app secret, and
// gives no client names.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.Run(t, messenger.New(), func(t *testing.T, w *testkit.World) conformance.Fake {
		return &fake{newPageIn(t, w)}
	})
}

// fake plays one client, psid, with the page.
type fake struct{ *page }

func (f *fake) Channel() testkit.ChannelInfo { return f.ch }
func (f *fake) Client() string               { return psid }

func (f *fake) Text(id, text string) conformance.Event {
	return fakegraph.MessageEvent(pageID, psid, "m."+id, text)
}

func (f *fake) Named(id, name, text string) conformance.Event { return nil }

func (f *fake) File(id, caption string, file conformance.File) conformance.Event {
	return fakegraph.AttachmentEvent(pageID, psid, "m."+id, caption, "file", f.api.AddFile(file.Name, file.Data))
}

func (f *fake) LostFile(id, name string) conformance.Event {
	return fakegraph.AttachmentEvent(pageID, psid, "m."+id, "", "file", f.api.URL+"/cdn/"+name+"?_nc_sig=fake")
}

func (f *fake) Tap(id string, b beseda.Button) conformance.Event {
	return fakegraph.PostbackEvent(pageID, psid, "pb."+id, b.Title, b.Payload)
}

func (f *fake) Post(t *testing.T, events ...conformance.Event) {
	t.Helper()
	bodies := make([][]byte, len(events))
	for i, ev := range events {
		bodies[i] = ev
	}
	if res := f.post(t, fakegraph.Batch(pageID, bodies...)); res.Status != 200 {
		t.Fatalf("webhook: %d %s", res.Status, res.Body)
	}
}

func (f *fake) Sent() []conformance.Sent {
	var out []conformance.Sent
	for _, s := range f.api.Sent() {
		c := conformance.Sent{To: s.PSID, Text: s.Text}
		for _, b := range s.Buttons {
			c.Buttons = append(c.Buttons, beseda.Button{Title: b.Title, Payload: b.Payload})
		}
		if s.File != nil {
			c.File = &conformance.File{Name: s.File.Name, Type: s.File.ContentType, Data: s.File.Data}
		}
		out = append(out, c)
	}
	return out
}

func (f *fake) Calls() int { return f.api.Calls() }

func (f *fake) RateLimitNext() time.Duration {
	f.api.FailNext(400, 613, 0, "Calls to this api have exceeded the rate limit.")
	return time.Minute
}

func (f *fake) RefuseNext() string {
	f.api.FailNext(400, 100, 0, "(#100) No matching user found")
	return "No matching user found"
}

func (f *fake) BreakNext() { f.api.FailNext(500, 2, 0, "Service temporarily unavailable") }

func (f *fake) RefuseWindowNext() {
	f.api.FailNext(400, 10, 2018278, "(#10) This message is sent outside of allowed window.")
}
