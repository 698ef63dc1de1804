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
// subscriber and a token that only the visitor holds (stored hashed). Anyone
// may call it, and each call adds rows, so calls are limited per client
// address (from; H4). Returns EMANYATTEMPTS.
func (a *App) StartVisitor(ctx context.Context, channelKey, name string, from netip.Addr) (string, *beseda.Subscriber, error) {
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
		ExternalID: a.newKey(), Name: name, CreatedAt: a.now()}
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
func (a *App) Visitor(ctx context.Context, channelKey, token string) (*beseda.Subscriber, error) {
	ch, err := a.webChannel(ctx, channelKey)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, beseda.Errorf(beseda.EUNAUTHORIZED, "the X-Visitor-Token header is required")
	}
	return a.db.FindSubscriberByVisitorToken(ctx, ch.ID, hashToken(token))
}

func (a *App) webChannel(ctx context.Context, key string) (*beseda.Channel, error) {
	ch, err := a.ChannelByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	if ch.Kind != beseda.ChannelWeb {
		return nil, beseda.NotFound("channel")
	}
	return ch, nil
}

// VisitorMessages returns what the client sees of their chat: their own
// messages and those delivered to them, in order — the latest ones, or with
// forward those after afterID.
func (a *App) VisitorMessages(ctx context.Context, sub *beseda.Subscriber, afterID int64, forward bool, limit int) ([]*beseda.Message, error) {
	return a.db.FindMessages(ctx, beseda.MessageFilter{WorkspaceID: sub.WorkspaceID, SubscriberID: sub.ID,
		VisibleToClient: true, AfterID: afterID, Forward: forward, Limit: limit})
}

// ReceivePostback handles a client's tap on a button (see receivePostback).
func (a *App) ReceivePostback(ctx context.Context, sub *beseda.Subscriber, payload string) error {
	return a.db.Update(ctx, func(tx *store.Tx) error {
		locked, err := tx.LockSubscriber(ctx, sub.WorkspaceID, sub.ID)
		if err != nil {
			return err
		}
		return a.receivePostback(ctx, tx, locked, payload)
	})
}

// receivePostback handles a tap: a rating button records the client's rating
// (R3); any other button the client was sent becomes a client message with
// its caption. Payloads the client was not sent are refused.
func (a *App) receivePostback(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, payload string) error {
	payload = beseda.SanitizeText(payload)
	if payload == "" || len(payload) > 1000 {
		return beseda.Errorf(beseda.EINVALID, "payload must be 1 to 1000 bytes")
	}
	if beseda.IsRatingPayload(payload) {
		return a.rateByClient(ctx, tx, sub, payload)
	}
	b, err := tx.FindButton(ctx, sub.ID, payload)
	if err != nil {
		return err
	}
	_, err = a.receiveMessage(ctx, tx, sub, b.Title)
	return err
}

// WidgetChannel returns the web-chat channel with the key and its workspace's
// language, which the widget speaks unless the browser asks for another.
// Returns ENOTFOUND for an unknown key or a channel of another kind.
func (a *App) WidgetChannel(ctx context.Context, key string) (*beseda.Channel, beseda.Locale, error) {
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
