package telegram_test

import (
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/telegram"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/conformance"
	"github.com/beseda/beseda/internal/testkit/faketelegram"
)

// TestConformance runs the channel conformance suite against the fake Bot
// API: Telegram posts one update a request, a client is a chat.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.Run(t, telegram.New(), func(t *testing.T, w *testkit.World) conformance.Fake {
		return &fake{bot: newBotIn(t, w), t: t, ids: map[string]int64{}}
	})
}

// fake plays one client, chat 777, with the bot.
type fake struct {
	*bot
	t   *testing.T
	ids map[string]int64 // update ids by the suite's event ids
}

const chat = 777

func (f *fake) update(id string) int64 {
	if _, ok := f.ids[id]; !ok {
		f.ids[id] = int64(len(f.ids) + 1)
	}
	return f.ids[id]
}

func (f *fake) Channel() testkit.ChannelInfo { return f.ch }
func (f *fake) Client() string               { return "777" }

func (f *fake) Text(id, text string) conformance.Event {
	return faketelegram.TextUpdate(f.update(id), chat, "Ivan", text)
}

func (f *fake) Named(id, name, text string) conformance.Event {
	return faketelegram.TextUpdate(f.update(id), chat, name, text)
}

func (f *fake) File(id, caption string, file conformance.File) conformance.Event {
	f.api.AddFile("file-"+id, file.Data)
	return faketelegram.FileUpdate(f.update(id), chat, "document", "file-"+id, file.Name, file.Type, caption)
}

func (f *fake) LostFile(id, name string) conformance.Event {
	return faketelegram.FileUpdate(f.update(id), chat, "document", "lost-"+id, name, "application/pdf", "")
}

func (f *fake) Tap(id string, b beseda.Button) conformance.Event {
	return faketelegram.CallbackUpdate(f.update(id), chat, "cb-"+id, b.Payload)
}

func (f *fake) Post(t *testing.T, events ...conformance.Event) {
	t.Helper()
	for _, ev := range events {
		if res := f.w.Webhook(f.ch.WebhookURL, ev, f.hook); res.Status != 200 {
			t.Fatalf("webhook: %d %s", res.Status, res.Body)
		}
	}
}

func (f *fake) Sent() []conformance.Sent {
	var out []conformance.Sent
	for _, s := range f.api.Sent() {
		c := conformance.Sent{To: s.ChatID, Text: s.Text + s.Caption}
		for _, row := range s.Buttons {
			for _, b := range row {
				c.Buttons = append(c.Buttons, beseda.Button{Title: b.Text, Payload: b.CallbackData})
			}
		}
		if s.File != nil {
			c.File = &conformance.File{Name: s.File.Name, Type: s.File.ContentType, Data: s.File.Data}
		}
		f.checkRendering(s)
		out = append(out, c)
	}
	return out
}

// checkRendering checks that a call is Telegram's way of sending what it
// carries: a picture by sendPhoto, other files by sendDocument, text by
// sendMessage, and buttons in one row.
func (f *fake) checkRendering(s faketelegram.Sent) {
	want := "sendMessage"
	if s.File != nil {
		want = "sendDocument"
		if strings.HasPrefix(s.File.ContentType, "image/") {
			want = "sendPhoto"
		}
	}
	if s.Method != want || len(s.Buttons) > 1 {
		f.t.Errorf("%s with %d rows of buttons, want %s and one row at most: %+v", s.Method, len(s.Buttons), want, s)
	}
}

func (f *fake) Calls() int { return f.api.Calls() }

func (f *fake) RateLimitNext() time.Duration {
	f.api.FailNext(429, "Too Many Requests: retry after 1", 1)
	return time.Second
}

func (f *fake) RefuseNext() string {
	f.api.FailNext(403, "Forbidden: bot was blocked by the user", 0)
	return "blocked"
}

func (f *fake) BreakNext() { f.api.FailNext(502, "Bad Gateway", 0) }

func (f *fake) RefuseWindowNext() { panic("Telegram has no window") }
