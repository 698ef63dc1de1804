package webchat

import (
	"embed"
	"html/template"
	"net/http"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/i18n"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/openapi"
	"github.com/beseda/beseda/live"
)

//go:embed static page.html
var files embed.FS

var page = template.Must(template.ParseFS(files, "page.html"))

// Handler serves the widget.
type Handler struct {
	app *app.App
	hub *live.Hub
}

// New returns the widget handler; hub carries changes to open widgets.
func New(a *app.App, hub *live.Hub) *Handler { return &Handler{app: a, hub: hub} }

// Register adds the widget's routes to mux.
func (h *Handler) Register(mux openapi.Mux) {
	mux.HandleFunc("GET /widget/{key}", h.page)
	mux.Handle("GET /widget-static/", http.StripPrefix("/widget-", staticFiles()))
	mux.HandleFunc("POST /widget/{key}/sessions", h.startSession)
	mux.HandleFunc("GET /widget/{key}/messages", h.visitor(h.listMessages))
	mux.HandleFunc("POST /widget/{key}/messages", h.visitor(h.postMessage))
	mux.HandleFunc("POST /widget/{key}/postback", h.visitor(h.postback))
	mux.HandleFunc("GET /widget/{key}/events", h.visitor(h.events))
	mux.HandleFunc("POST /widget/{key}/uploads", h.visitor(h.upload))
}

func staticFiles() http.Handler {
	fs := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fs.ServeHTTP(w, r)
	})
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	ch, wsLocale, err := h.app.WebChat.WidgetChannel(r.Context(), r.PathValue("key"))
	if beseda.ErrorCode(err) == beseda.EINTERNAL {
		httpx.Error(w, r, err) // logged; not a reason to say the chat does not exist
		return
	} else if err != nil {
		p := i18n.For(pickLocale(r.Header.Get("Accept-Language"), beseda.LocaleEN))
		http.Error(w, p.T("widget.err_not_found"), http.StatusNotFound)
		return
	}
	p := i18n.For(pickLocale(r.Header.Get("Accept-Language"), wsLocale))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors *")
	_ = page.Execute(w, map[string]any{"Key": ch.Key, "Name": ch.Name, "Locale": p.Locale, "T": p.T,
		"MaxUpload": h.app.Files.MaxUploadBytes()})
}

// pickLocale is the first language of the browser's list (Accept-Language)
// that the widget speaks, else the workspace's.
func pickLocale(acceptLanguage string, fallback beseda.Locale) beseda.Locale {
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		lang, _, _ := strings.Cut(strings.ToLower(tag), "-")
		switch lang {
		case "ru":
			return beseda.LocaleRU
		case "en":
			return beseda.LocaleEN
		}
	}
	if fallback == "" {
		return beseda.LocaleEN
	}
	return fallback
}

// language is the client's language as the widget sends it (the
// browser's, navigator.language), else as the browser's Accept-Language
// header says.
func language(r *http.Request, sent string) string {
	if sent != "" {
		return sent
	}
	return r.Header.Get("Accept-Language")
}

func (h *Handler) startSession(w http.ResponseWriter, r *http.Request) {
	var in sessionInput
	if err := httpx.DecodeAnyText(w, r, &in); err != nil { // a client's text is cleaned, not refused (H1)
		httpx.Error(w, r, err)
		return
	}
	token, sub, err := h.app.WebChat.StartVisitor(r.Context(), r.PathValue("key"), in.Name, language(r, in.Locale), httpx.ClientAddr(r))
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]any{"visitor_token": token, "subscriber_id": sub.ID})
}

// visitor admits requests carrying the token of a session on this channel.
func (h *Handler) visitor(next func(http.ResponseWriter, *http.Request, *beseda.Subscriber)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sub, err := h.app.WebChat.Visitor(r.Context(), r.PathValue("key"), r.Header.Get("X-Visitor-Token"))
		if err != nil {
			httpx.Error(w, r, err)
			return
		}
		next(w, r, sub)
	}
}

// visibleMessage is a message as the client sees it: no internal fields.
type visibleMessage struct {
	ID          int64               `json:"id"`
	Direction   beseda.Direction    `json:"direction"`
	Text        string              `json:"text"`
	Buttons     []beseda.Button     `json:"buttons"`
	Attachments []beseda.Attachment `json:"attachments"`
	CreatedAt   string              `json:"created_at"`
	// ReleasedAt is when automation held during a dialog reached the
	// client: the time to show.
	ReleasedAt string `json:"released_at,omitempty"`
}

const jsonTime = "2006-01-02T15:04:05.000Z07:00"

func (h *Handler) visible(sub *beseda.Subscriber, m *beseda.Message) visibleMessage {
	v := visibleMessage{ID: m.ID, Direction: m.Direction, Text: m.Text, Buttons: m.Buttons,
		Attachments: h.clientAttachments(sub, m), CreatedAt: m.CreatedAt.Format(jsonTime)}
	if m.ReleasedAt != nil {
		v.ReleasedAt = m.ReleasedAt.Format(jsonTime)
	}
	return v
}

func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request, sub *beseda.Subscriber) {
	after, forward, err := queryID(r, "after")
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	msgs, err := h.app.WebChat.VisitorMessages(r.Context(), sub, after, forward, 200)
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	out := make([]visibleMessage, len(msgs))
	for i, m := range msgs {
		out[i] = h.visible(sub, m)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) postMessage(w http.ResponseWriter, r *http.Request, sub *beseda.Subscriber) {
	var in messageInput
	if err := httpx.DecodeAnyText(w, r, &in); err != nil { // a client's text is cleaned, not refused (H1)
		httpx.Error(w, r, err)
		return
	}
	m, err := h.app.Messages.ReceiveMessage(r.Context(), sub, app.Inbound{Text: in.Text, AttachmentIDs: in.AttachmentIDs,
		Language: language(r, in.Locale)})
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, h.visible(sub, m))
}

type postbackAnswer struct {
	OK              bool `json:"ok"`
	AlreadyAnswered bool `json:"already_answered,omitempty"`
}

func (h *Handler) postback(w http.ResponseWriter, r *http.Request, sub *beseda.Subscriber) {
	var in postbackInput
	if err := httpx.DecodeAnyText(w, r, &in); err != nil { // a client's text is cleaned, not refused (H1)
		httpx.Error(w, r, err)
		return
	}
	late, err := h.app.Inbox.ReceivePostback(r.Context(), sub, in.Payload, language(r, in.Locale))
	if err != nil {
		httpx.Error(w, r, err)
		return
	}
	// A tap on a rating form answered before changes nothing (R3); the
	// widget tells the client so.
	httpx.WriteJSON(w, http.StatusOK, postbackAnswer{OK: true, AlreadyAnswered: late})
}
