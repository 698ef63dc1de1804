package outbox_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/channel/telegram"
	"github.com/beseda/beseda/channel/webchat"
	"github.com/beseda/beseda/filestore"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/outbox"
	"github.com/beseda/beseda/store"
)

// recordingSender takes every delivery as sent and keeps it.
type recordingSender struct {
	mu   sync.Mutex
	sent []beseda.Delivery
}

func (s *recordingSender) Send(_ context.Context, d beseda.Delivery) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, d)
	return "ext-1", nil
}

// recordingType is Telegram with a sender that records what it is given.
type recordingType struct {
	*telegram.Type
	sender beseda.Sender
}

func (t recordingType) Sender() beseda.Sender { return t.sender }

// TestDeliveryCarriesAttachments: a message's files reach its channel's
// sender with the message (Delivery.Message.Attachments), so that a sender
// that speaks a messenger's media API has what to send; an internal note
// never reaches a sender.
func TestDeliveryCarriesAttachments(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		files, err := filestore.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		clock := testkit.NewClock()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		sender := &recordingSender{}
		channels := beseda.NewRegistry(webchat.Type{}, recordingType{Type: telegram.New(), sender: sender})
		a := app.New(db, app.Config{Clock: clock, Logger: log, BcryptCost: bcrypt.MinCost, Files: files, Channels: channels})
		eng := outbox.New(db, db.Leases(), a.Outbox(), outbox.Config{Clock: clock, Logger: log, Channels: channels,
			Pacing: map[beseda.ChannelKind]beseda.Pacing{telegram.Kind: {}}})
		a.SetDelivery(eng)
		eng.SetStarter(func(context.Context, int64) error { return nil })
		t.Cleanup(func() { eng.Stop(); eng.Close(); db.Close() })

		_, owner, err := a.Users.CreateWorkspace(ctx, beseda.WorkspaceCreate{Name: "Shop", Locale: beseda.LocaleEN,
			OwnerEmail: "owner@shop.test", OwnerName: "Olga", OwnerPassword: testkit.TestPassword})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := a.Channels.CreateChannel(ctx, owner, beseda.ChannelCreate{Kind: telegram.Kind, Name: "Bot",
			Config: beseda.ChannelConfig{"bot_token": botToken, "webhook_secret": secret, "api_base_url": "http://127.0.0.1:1"}},
			"http://127.0.0.1:1")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Inbox.ReceiveInbound(ctx, ch, beseda.InboundEvent{ExternalUserID: "42", Name: "Ivan", Key: "u1", Text: "hello"}); err != nil {
			t.Fatal(err)
		}
		subs, err := db.FindSubscribers(ctx, beseda.SubscriberFilter{WorkspaceID: owner.WorkspaceID, Limit: 10})
		if err != nil || len(subs) != 1 {
			t.Fatalf("subscribers %v, %v", subs, err)
		}
		up, err := a.Files.Upload(ctx, owner, "form.pdf", strings.NewReader("%PDF-1.4\n"))
		if err != nil {
			t.Fatal(err)
		}
		d, err := a.Dialogs.CreateDialog(ctx, owner, beseda.DialogCreate{SubscriberID: subs[0].ID, Title: "Form", TypeID: firstType(t, a, owner)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Messages.PostDialogMessage(ctx, owner, d.ID, beseda.MessageInput{Text: "internal", Internal: true}); err != nil {
			t.Fatal(err)
		}
		m, err := a.Messages.PostDialogMessage(ctx, owner, d.ID, beseda.MessageInput{Text: "The form", AttachmentIDs: []int64{up.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := eng.Run(ctx, ch.ID); err != nil {
			t.Fatal(err)
		}
		sender.mu.Lock()
		defer sender.mu.Unlock()
		if len(sender.sent) != 1 {
			t.Fatalf("the sender got %d deliveries, want the message alone (not the note)", len(sender.sent))
		}
		got := sender.sent[0].Message
		if got.ID != m.ID || len(got.Attachments) != 1 || got.Attachments[0].ID != up.ID ||
			got.Attachments[0].Name != "form.pdf" || got.Attachments[0].ContentType != "application/pdf" {
			t.Errorf("the sender got %+v", got)
		}
	})
}

func firstType(t *testing.T, a *app.App, owner *beseda.User) int64 {
	t.Helper()
	types, err := a.Settings.ListCatalog(context.Background(), owner, beseda.CatalogTypes)
	if err != nil || len(types) == 0 {
		t.Fatalf("types %v, %v", types, err)
	}
	return types[0].ID
}
