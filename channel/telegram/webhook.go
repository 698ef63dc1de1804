package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/httpapi"
	"github.com/beseda/beseda/internal/openapi"
)

// Handler serves the Telegram webhook.
type Handler struct {
	app    *app.App
	client *Client
	log    *slog.Logger
}

// NewHandler returns the webhook handler.
func NewHandler(a *app.App, c *Client, log *slog.Logger) *Handler {
	return &Handler{app: a, client: c, log: log}
}

// Register adds the webhook route to mux.
func (h *Handler) Register(mux openapi.Mux) {
	mux.HandleFunc("POST /webhooks/telegram/{key}", h.webhook)
}

// webhook receives one update. It answers 200 once the update is stored (or
// known already), so Telegram does not send it again; a failure to store it
// answers 500 so that Telegram does. Updates without the channel's secret
// token are refused and nothing is stored.
func (h *Handler) webhook(w http.ResponseWriter, r *http.Request) {
	ch, err := h.app.ChannelByKey(r.Context(), r.PathValue("key"))
	if err != nil || ch.Kind != beseda.ChannelTelegram {
		httpapi.Error(w, r, beseda.NotFound("channel"))
		return
	}
	token := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(ch.Config.WebhookSecret)) != 1 {
		httpapi.Error(w, r, beseda.Errorf(beseda.EUNAUTHORIZED, "missing or wrong X-Telegram-Bot-Api-Secret-Token"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpapi.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			httpapi.Error(w, r, beseda.Errorf(beseda.ETOOLARGE, "the update is too large"))
			return
		}
		httpapi.Error(w, r, beseda.Errorf(beseda.EINVALID, "unreadable body"))
		return
	}
	var u Update
	if err := json.Unmarshal(body, &u); err != nil || u.UpdateID == 0 {
		httpapi.Error(w, r, beseda.Errorf(beseda.EINVALID, "not a Telegram update"))
		return
	}
	ev, callbackID := event(&u)
	if ev != nil {
		err := h.app.ReceiveInbound(r.Context(), ch, *ev)
		switch code := beseda.ErrorCode(err); {
		case code == beseda.EINVALID:
			// Unacceptable (a forged rating, an empty message): answering an
			// error would only make Telegram send it again and again.
			h.log.Info("telegram update refused", "channel", ch.ID, "update", u.UpdateID, "reason", beseda.ErrorMessage(err))
		case err != nil:
			httpapi.Error(w, r, err)
			return
		}
	}
	if callbackID != "" {
		// The tap's spinner stops once answered; the webhook does not wait for it.
		go h.answer(ch, callbackID)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (h *Handler) answer(ch *beseda.Channel, callbackID string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.client.call(ctx, ch, "answerCallbackQuery", AnswerCallbackQueryRequest{CallbackQueryID: callbackID}, nil); err != nil {
		h.log.Warn("answerCallbackQuery failed", "channel", ch.ID, "err", err)
	}
}
