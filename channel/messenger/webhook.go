package messenger

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/httpapi"
	"github.com/beseda/beseda/internal/openapi"
)

// Event is one messaging event of a webhook entry.
type Event struct {
	Sender    Recipient `json:"sender"`
	Recipient Recipient `json:"recipient"`
	Timestamp int64     `json:"timestamp"`
	Message   *struct {
		Mid    string `json:"mid"`
		Text   string `json:"text"`
		IsEcho bool   `json:"is_echo"`
		// Attachments (images, stickers…) arrive without text.
		Attachments []json.RawMessage `json:"attachments"`
	} `json:"message,omitempty"`
	Postback *struct {
		Mid     string `json:"mid"`
		Title   string `json:"title"`
		Payload string `json:"payload"`
	} `json:"postback,omitempty"`
}

// Webhook is the body Messenger posts.
type Webhook struct {
	Object string `json:"object"`
	Entry  []struct {
		ID        string  `json:"id"`
		Time      int64   `json:"time"`
		Messaging []Event `json:"messaging"`
	} `json:"entry"`
}

// Handler serves the Messenger webhook.
type Handler struct {
	app *app.App
	log *slog.Logger
}

// NewHandler returns the webhook handler.
func NewHandler(a *app.App, log *slog.Logger) *Handler { return &Handler{app: a, log: log} }

// Register adds the webhook routes to mux.
func (h *Handler) Register(mux openapi.Mux) {
	mux.HandleFunc("GET /webhooks/messenger/{key}", h.verify)
	mux.HandleFunc("POST /webhooks/messenger/{key}", h.receive)
}

func (h *Handler) channel(r *http.Request) (*beseda.Channel, error) {
	ch, err := h.app.ChannelByKey(r.Context(), r.PathValue("key"))
	if err != nil || ch.Kind != beseda.ChannelMessenger {
		return nil, beseda.NotFound("channel")
	}
	return ch, nil
}

// verify answers Messenger's subscription check: hub.challenge comes back
// when hub.verify_token is the channel's.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request) {
	ch, err := h.channel(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || token == "" ||
		subtle.ConstantTimeCompare([]byte(token), []byte(ch.Config.VerifyToken)) != 1 {
		httpapi.Error(w, r, beseda.Errorf(beseda.EFORBIDDEN, "wrong hub.mode or hub.verify_token"))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, q.Get("hub.challenge"))
}

// receive takes a batch of events, signed with the app secret over the raw
// body. It answers 200 once every event is stored (or known already); a
// failure to store answers 500 so that Messenger delivers the batch again,
// and events stored the first time are not acted on twice.
func (h *Handler) receive(w http.ResponseWriter, r *http.Request) {
	ch, err := h.channel(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpapi.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			httpapi.Error(w, r, beseda.Errorf(beseda.ETOOLARGE, "the webhook body is too large"))
			return
		}
		httpapi.Error(w, r, beseda.Errorf(beseda.EINVALID, "unreadable body"))
		return
	}
	if !validSignature(body, r.Header.Get("X-Hub-Signature-256"), ch.Config.AppSecret) {
		httpapi.Error(w, r, beseda.Errorf(beseda.EFORBIDDEN, "missing or wrong X-Hub-Signature-256"))
		return
	}
	var hook Webhook
	if err := json.Unmarshal(body, &hook); err != nil || hook.Object != "page" {
		httpapi.Error(w, r, beseda.Errorf(beseda.EINVALID, "not a Messenger page webhook"))
		return
	}
	for _, entry := range hook.Entry {
		for _, e := range entry.Messaging {
			ev := event(e)
			if ev == nil {
				continue
			}
			err := h.app.ReceiveInbound(r.Context(), ch, *ev)
			switch code := beseda.ErrorCode(err); {
			case code == beseda.EINVALID:
				h.log.Info("messenger event refused", "channel", ch.ID, "reason", beseda.ErrorMessage(err))
			case err != nil:
				httpapi.Error(w, r, err)
				return
			}
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// validSignature checks X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256
// of the raw body with the app secret.
func validSignature(body []byte, header, secret string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok || secret == "" {
		return false
	}
	sig, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}

// event turns a messaging event into what Beseda acts on: nil for echoes of
// the page's own messages and for kinds it ignores (reads, deliveries).
func event(e Event) *app.InboundEvent {
	psid := e.Sender.ID
	name := "Messenger user"
	if len(psid) >= 4 {
		name += " …" + psid[len(psid)-4:]
	}
	switch {
	case e.Message != nil && !e.Message.IsEcho:
		text := e.Message.Text
		if strings.TrimSpace(text) == "" {
			text = "[attachment]"
		}
		return &app.InboundEvent{ExternalUserID: psid, Name: name, UpdateKey: "mid:" + e.Message.Mid, Text: text}
	case e.Postback != nil:
		key := "postback:" + e.Postback.Mid
		if e.Postback.Mid == "" {
			key = "" // older postbacks have no id: nothing to deduplicate by
		}
		return &app.InboundEvent{ExternalUserID: psid, Name: name, UpdateKey: key, Postback: true, Payload: e.Postback.Payload}
	}
	return nil
}
