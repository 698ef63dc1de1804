package testkit

import (
	"context"
	"net/http"
	"testing"

	"github.com/beseda/beseda"
)

// World is a workspace ready for a test: an owner and a manager signed in, its
// web-chat channel and default dialog types.
type World struct {
	tb          testing.TB
	Srv         *Server
	WorkspaceID int64
	Owner       *Client
	OwnerID     int64
	Manager     *Client // role manager, no extra permissions
	ManagerID   int64
	WebKey      string
	Types       []beseda.CatalogItem
}

// TestPassword is the password of every user a World creates.
const TestPassword = "correct horse"

// NewWorld creates a workspace on the server with an owner and a manager.
func NewWorld(tb testing.TB, srv *Server, locale beseda.Locale) *World {
	tb.Helper()
	suffix := randomHex(4)
	ws, owner, err := srv.App.Users.CreateWorkspace(context.Background(), beseda.WorkspaceCreate{
		Name: "Shop " + suffix, Locale: locale, OwnerEmail: "owner-" + suffix + "@example.com",
		OwnerName: "Olga Owner", OwnerPassword: TestPassword})
	if err != nil {
		tb.Fatal(err)
	}
	w := &World{tb: tb, Srv: srv, WorkspaceID: ws.ID, OwnerID: owner.ID}
	w.Owner = Login(tb, srv.URL, owner.Email, TestPassword)
	var manager beseda.User
	w.Owner.MustDo("POST", "/api/v1/users", map[string]any{"email": "manager-" + suffix + "@example.com",
		"name": "Misha Manager", "password": TestPassword}, http.StatusCreated, &manager)
	w.ManagerID = manager.ID
	w.Manager = Login(tb, srv.URL, manager.Email, TestPassword)
	var channels []struct {
		Kind string
		Key  string
	}
	w.Owner.MustDo("GET", "/api/v1/channels", nil, http.StatusOK, &channels)
	for _, c := range channels {
		if c.Kind == "web" {
			w.WebKey = c.Key
		}
	}
	w.Owner.MustDo("GET", "/api/v1/settings/dialog-types", nil, http.StatusOK, &w.Types)
	return w
}

// NewManager adds another manager (role manager, no permissions) and
// returns it signed in.
func (w *World) NewManager() *Client {
	w.tb.Helper()
	email := "manager-" + randomHex(4) + "@example.com"
	w.Owner.MustDo("POST", "/api/v1/users", map[string]any{"email": email, "name": "Max Manager",
		"password": TestPassword}, http.StatusCreated, nil)
	return Login(w.tb, w.Srv.URL, email, TestPassword)
}

// Visitor is a client chatting through the web-chat widget.
type Visitor struct {
	*Client
	SubscriberID int64
	Key          string
}

// NewVisitor starts a web-chat session as a client with the name.
func (w *World) NewVisitor(name string) *Visitor {
	w.tb.Helper()
	return StartVisitor(w.tb, w.Srv.URL, w.WebKey, name)
}

// StartVisitor starts a web-chat session, as a client with the name, with
// the widget of key on the server at baseURL.
func StartVisitor(tb testing.TB, baseURL, key, name string) *Visitor {
	tb.Helper()
	c := NewClient(tb, baseURL)
	var s struct {
		VisitorToken string `json:"visitor_token"`
		SubscriberID int64  `json:"subscriber_id"`
	}
	c.MustDo("POST", "/widget/"+key+"/sessions", map[string]string{"name": name}, http.StatusCreated, &s)
	c.Header.Set("X-Visitor-Token", s.VisitorToken)
	return &Visitor{Client: c, SubscriberID: s.SubscriberID, Key: key}
}

// WebChatKey is the widget key of the signed-in user's workspace's web chat.
func WebChatKey(tb testing.TB, c *Client) string {
	tb.Helper()
	var channels []struct{ Kind, Key string }
	c.MustDo("GET", "/api/v1/channels", nil, http.StatusOK, &channels)
	for _, ch := range channels {
		if ch.Kind == "web" {
			return ch.Key
		}
	}
	tb.Fatal("the workspace has no web chat")
	return ""
}

// Say sends a client message through the widget.
func (v *Visitor) Say(text string) {
	v.tb.Helper()
	v.MustDo("POST", "/widget/"+v.Key+"/messages", map[string]string{"text": text}, http.StatusCreated, nil)
}

// Messages returns what the client sees of the chat.
func (v *Visitor) Messages() []beseda.Message {
	v.tb.Helper()
	var msgs []beseda.Message
	v.MustDo("GET", "/widget/"+v.Key+"/messages", nil, http.StatusOK, &msgs)
	return msgs
}

// CreateDialog opens a dialog as the owner and fails the test if it cannot.
func (w *World) CreateDialog(subscriberID int64, title string, participantIDs ...int64) *beseda.Dialog {
	w.tb.Helper()
	var d beseda.Dialog
	w.Owner.MustDo("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": subscriberID, "title": title,
		"type_id": w.Types[0].ID, "participant_ids": participantIDs}, http.StatusCreated, &d)
	return &d
}

// SetStatus changes a dialog's status as the owner and fails the test if it cannot.
func (w *World) SetStatus(dialogID int64, status beseda.DialogStatus) *beseda.Dialog {
	w.tb.Helper()
	var d beseda.Dialog
	w.Owner.MustDo("PATCH", Path("/api/v1/dialogs/%d", dialogID), map[string]any{"status": status}, http.StatusOK, &d)
	return &d
}

// ChannelInfo is a channel as the API lists it.
type ChannelInfo struct {
	ID         int64
	Kind       string
	Key        string
	WebhookURL string `json:"webhook_url"`
}

// AddChannel adds a channel as the owner and fails the test if it cannot.
func (w *World) AddChannel(kind, name string, config map[string]string) ChannelInfo {
	w.tb.Helper()
	var ch ChannelInfo
	w.Owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": kind, "name": name, "config": config}, http.StatusCreated, &ch)
	return ch
}

// Webhook posts a messenger's webhook body with the headers and returns the
// response.
func (w *World) Webhook(url string, body []byte, headers map[string]string) *Response {
	w.tb.Helper()
	c := NewClient(w.tb, "")
	for k, v := range headers {
		c.Header.Set(k, v)
	}
	return c.Do("POST", url, body)
}
