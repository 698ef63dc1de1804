package channel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/openapi"
)

// Inbound is what webhooks need of the use cases; app.App implements it.
type Inbound interface {
	// ChannelByKey finds a channel by its public key. Returns ENOTFOUND.
	ChannelByKey(ctx context.Context, key string) (*beseda.Channel, error)
	// ReceiveInbound stores one event, once. Returns EINVALID for events
	// that are refused for good (a forged rating, an empty message).
	ReceiveInbound(ctx context.Context, ch *beseda.Channel, ev beseda.InboundEvent) error
	// RecordInboundFailure keeps an event that could not be stored, to be
	// tried again later.
	RecordInboundFailure(ctx context.Context, ch *beseda.Channel, ev beseda.InboundEvent, cause error) error
}

// Webhooks serves every registered platform's webhook, POST
// /webhooks/{kind}/{key}, and its GET subscription check where the platform
// makes one. The platform's package says what a request means
// (beseda.ChannelWebhook); the skeleton does the rest the same way for all:
//
//   - an unknown key, a key of another kind or a disabled channel: 404;
//   - a body over httpx.MaxBodyBytes: 413; verification failed: 401 (or what
//     the platform's check says), and nothing is stored;
//   - the events of a body are stored one by one (SPEC H7): one that cannot
//     be stored now is recorded and tried again later by a job, one refused
//     for good (EINVALID) is logged, and the others are stored all the same;
//   - the answer is 200 unless the request itself is unauthenticated or
//     unreadable, so that the platform never sends a batch again and again.
//     Only when an event could be neither stored nor recorded (the database
//     is down) is the answer 500, so that the platform sends it again; the
//     events already stored are then recognised by their keys.
type Webhooks struct {
	channels *beseda.Registry
	app      Inbound
	log      *slog.Logger
}

// NewWebhooks returns the webhook skeleton for the registered channel types.
func NewWebhooks(channels *beseda.Registry, app Inbound, log *slog.Logger) *Webhooks {
	return &Webhooks{channels: channels, app: app, log: log}
}

// Register adds the webhook routes to mux.
func (h *Webhooks) Register(mux openapi.Mux) {
	mux.HandleFunc("GET /webhooks/{kind}/{key}", h.challenge)
	mux.HandleFunc("POST /webhooks/{kind}/{key}", h.receive)
}

// channel finds the enabled channel the URL names and its platform's webhook.
func (h *Webhooks) channel(r *http.Request) (*beseda.Channel, beseda.ChannelWebhook, error) {
	kind := beseda.ChannelKind(r.PathValue("kind"))
	wh := h.channels.Of(kind).Webhook()
	if wh == nil {
		return nil, nil, beseda.NotFound("channel")
	}
	ch, err := h.app.ChannelByKey(r.Context(), r.PathValue("key"))
	if beseda.ErrorCode(err) == beseda.EINTERNAL {
		return nil, nil, err
	}
	if err != nil || ch.Kind != kind || !ch.Enabled {
		return nil, nil, beseda.NotFound("channel")
	}
	return ch, wh, nil
}

// challenge answers the platform's check of a new webhook subscription.
func (h *Webhooks) challenge(w http.ResponseWriter, r *http.Request) {
	ch, wh, err := h.channel(r)
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	text, err := wh.Challenge(ch, r.URL.Query())
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	io.WriteString(w, text)
}

func (h *Webhooks) receive(w http.ResponseWriter, r *http.Request) {
	ch, wh, err := h.channel(r)
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			httpx.Error(w, r, beseda.Errorf(beseda.ETOOLARGE, "the webhook body is larger than %d bytes", httpx.MaxBodyBytes))
			return
		}
		httpx.Error(w, r, beseda.Errorf(beseda.EINVALID, "unreadable body"))
		return
	}
	if err := wh.Verify(ch, r.Header, body); err != nil {
		if code := beseda.ErrorCode(err); code != beseda.EUNAUTHORIZED && code != beseda.EFORBIDDEN {
			err = beseda.Errorf(beseda.EUNAUTHORIZED, "%s", beseda.ErrorMessage(err))
		}
		httpx.Error(w, r, err)
		return
	}
	events, err := wh.Parse(ch, body)
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	// Once verified, the events are stored whatever the platform does with
	// its connection meanwhile.
	ctx := context.WithoutCancel(r.Context())
	var lost error
	for _, ev := range events {
		if ev.Key == "" {
			ev.Key = RawKey("event:", ev.Raw) // every event is acted on once
		}
		if err := h.handle(ctx, ch, ev); err != nil {
			lost = err
		}
		if ev.AckID != "" {
			// A tap's spinner stops once answered; the webhook does not wait for it.
			go h.acknowledge(ch, wh, ev)
		}
	}
	if lost != nil {
		httpx.Error(w, r, lost)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// handle stores one event; it fails only when the event could be neither
// stored nor recorded for later.
func (h *Webhooks) handle(ctx context.Context, ch *beseda.Channel, ev beseda.InboundEvent) error {
	err := h.app.ReceiveInbound(ctx, ch, ev)
	switch code := beseda.ErrorCode(err); {
	case err == nil:
		return nil
	case code == beseda.EINVALID:
		// Refused for good (a forged rating, an empty message): the platform
		// sending it again would change nothing.
		h.log.Info("webhook event refused", "workspace", ch.WorkspaceID, "channel", ch.ID, "kind", ch.Kind,
			"event", ev.Key, "reason", beseda.ErrorMessage(err))
		return nil
	}
	rerr := h.app.RecordInboundFailure(ctx, ch, ev, err)
	if rerr == nil {
		return nil
	}
	h.log.Error("webhook event neither stored nor recorded; asking the platform to send it again",
		"workspace", ch.WorkspaceID, "channel", ch.ID, "kind", ch.Kind, "event", ev.Key, "err", err, "record_err", rerr)
	return errors.Join(err, rerr)
}

func (h *Webhooks) acknowledge(ch *beseda.Channel, wh beseda.ChannelWebhook, ev beseda.InboundEvent) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := wh.Acknowledge(ctx, ch, ev); err != nil {
		h.log.Warn("webhook event not acknowledged", "channel", ch.ID, "kind", ch.Kind, "event", ev.Key, "err", err)
	}
}

// RawKey makes an event's key from its bytes, for events the platform gives
// no id (a postback without a message id): the same event sent again has
// the same bytes, two different events do not.
func RawKey(prefix string, raw []byte) string {
	sum := sha256.Sum256(raw)
	return prefix + hex.EncodeToString(sum[:16])
}
