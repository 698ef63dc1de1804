package app

import (
	"context"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/ratelimit"
	"github.com/beseda/beseda/store"
)

// StartVisitor opens a web-chat session on the channel with the key: a new
// subscriber, speaking the browser's language (a BCP 47 tag, "" if unknown),
// and a token that only the visitor holds (stored hashed). Anyone may call
// it, and each call adds rows, so calls are limited per client address
// (from; H4). Returns EMANYATTEMPTS.
func (a *WebChat) StartVisitor(ctx context.Context, channelKey, name, language string, from netip.Addr) (string, *beseda.Subscriber, error) {
	ch, err := a.webChannel(ctx, channelKey)
	if err != nil {
		return "", nil, err
	}
	if a.widgetSessions != nil {
		if wait, ok := a.widgetSessions.Take(ratelimit.AddrKey(from), a.now()); !ok {
			return "", nil, beseda.TooManyAttempts(wait, "too many new chats from your address; try again in a moment")
		}
	}
	name = strings.TrimSpace(beseda.SanitizeText(name))
	if utf8.RuneCountInString(name) > 100 {
		return "", nil, beseda.Errorf(beseda.EINVALID, "name must be at most 100 characters")
	}
	if name == "" {
		name = "Visitor"
	}
	token, hash := a.newToken()
	sub := &beseda.Subscriber{WorkspaceID: ch.WorkspaceID, ChannelID: ch.ID, ChannelKind: ch.Kind,
		ExternalID: a.newKey(), Name: name, Locale: beseda.ClientLanguage(language), CreatedAt: a.now()}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSubscriber(ctx, sub); err != nil {
			return err
		}
		return tx.CreateVisitorToken(ctx, hash, sub.ID, sub.CreatedAt)
	})
	if err != nil {
		return "", nil, err
	}
	a.log.Info("web-chat visitor started", "workspace", sub.WorkspaceID, "subscriber", sub.ID)
	return token, sub, nil
}

// Visitor returns the subscriber holding a visitor token on the channel.
// Returns ENOTFOUND for an unknown channel and EUNAUTHORIZED for a bad token.
func (a *WebChat) Visitor(ctx context.Context, channelKey, token string) (*beseda.Subscriber, error) {
	ch, err := a.webChannel(ctx, channelKey)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, beseda.Errorf(beseda.EUNAUTHORIZED, "the X-Visitor-Token header is required")
	}
	return a.db.FindSubscriberByVisitorToken(ctx, ch.ID, hashToken(token))
}

func (a *WebChat) webChannel(ctx context.Context, key string) (*beseda.Channel, error) {
	ch, err := a.app.Inbox.ChannelByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	if !a.cfg.Channels.ShownOnStore(ch.Kind) || !ch.Enabled {
		return nil, beseda.NotFound("channel")
	}
	return ch, nil
}

// VisitorMessages returns what the client sees of their chat: their own
// messages and those delivered to them, in order — the latest ones, or with
// forward those after afterID.
func (a *WebChat) VisitorMessages(ctx context.Context, sub *beseda.Subscriber, afterID int64, forward bool, limit int) ([]*beseda.Message, error) {
	msgs, err := a.db.FindMessages(ctx, beseda.MessageFilter{WorkspaceID: sub.WorkspaceID, SubscriberID: sub.ID,
		VisibleToClient: true, AfterID: afterID, Forward: forward, Limit: limit})
	if err != nil {
		return nil, err
	}
	return a.app.Ratings.withAnswers(ctx, sub.WorkspaceID, msgs)
}

// WidgetChannel returns the web-chat channel with the key and its workspace's
// language, which the widget speaks unless the browser asks for another.
// Returns ENOTFOUND for an unknown key or a channel of another kind.
func (a *WebChat) WidgetChannel(ctx context.Context, key string) (*beseda.Channel, beseda.Locale, error) {
	ch, err := a.webChannel(ctx, key)
	if err != nil {
		return nil, "", err
	}
	ws, err := a.db.FindWorkspaceByID(ctx, ch.WorkspaceID)
	if err != nil {
		return nil, "", err
	}
	return ch, ws.Locale, nil
}
