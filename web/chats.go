package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/beseda/beseda"
)

type chatsData struct {
	Query    string
	Assignee string   // the list's view: "" (all), "me" or "none"
	Filters  []string // the views offered
	Chats    []beseda.ChatSummary
	Selected *chatView
	Names    map[int64]string // the workspace's managers, for who wrote
}

// Prefix says who wrote a chat's last message, for the chat list: "You:" only
// for the manager's own, another manager's name, "Bot:" or "System:" for
// automation (marked when it never went out). A client's message has none.
func (d chatsData) Prefix(p *page, m *beseda.Message) string {
	if m == nil || m.Direction != beseda.DirectionOut {
		return ""
	}
	var who string
	switch {
	case m.Source == beseda.SourceManager && m.AuthorID != nil && *m.AuthorID == p.User.ID:
		who = p.T("chats.you")
	case m.Source == beseda.SourceManager && m.AuthorID != nil && d.Names[*m.AuthorID] != "":
		who = p.T("chats.by_name", d.Names[*m.AuthorID])
	case m.Source == beseda.SourceManager:
		who = p.T("chats.by_name", p.T("source.manager"))
	case m.Source == beseda.SourceSystem:
		who = p.T("chats.by_system")
	default:
		who = p.T("chats.by_bot")
	}
	if m.Status == beseda.MessageDropped || m.Status == beseda.MessageFailed {
		who += " (" + p.T("chats.not_sent") + ")"
	}
	if m.Internal {
		who = p.T("note.short") + " · " + who
	}
	return who
}

// chatView is one client's chat: the general chat with every message marked
// with its dialog (W5), the composer (locked during an active dialog, W2),
// the client's dialogs (L1) and what the create-dialog form offers.
type chatView struct {
	MessageList messageList
	Sub         *beseda.Subscriber
	Messages    []*beseda.Message
	Dialogs     []*beseda.Dialog
	Titles      map[int64]string
	Active      *beseda.Dialog
	Types       []*beseda.CatalogItem
	Reasons     []*beseda.CatalogItem
	Components  []*beseda.CatalogItem
	Users       []*beseda.User
	Form        dialogForm
	MaxUpload   int64               // the largest file the composer takes
	Assignments []*beseda.ChatEvent // the chat's history of assignment (A6)
	Window      *windowView
}

// dialogForm is what the create-dialog form was sent with, shown again when
// it is refused.
type dialogForm struct {
	Title        string
	TypeID       int64
	Participants []int64
	Reasons      []int64
	Components   []int64
	Open         bool
}

func (h *Handler) chats(w http.ResponseWriter, r *http.Request, p *page) {
	h.renderChats(w, r, p, nil, http.StatusOK)
}

func (h *Handler) chat(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	view, err := h.chatView(r, p, id)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if r.URL.Query().Get("fragment") == "" {
		_ = h.app.Subscribers.MarkChatRead(r.Context(), p.User, id)
	}
	h.renderChats(w, r, p, view, http.StatusOK)
}

func (h *Handler) renderChats(w http.ResponseWriter, r *http.Request, p *page, selected *chatView, status int) {
	q := r.URL.Query().Get("q")
	f := beseda.SubscriberFilter{Query: q, Limit: 100}
	view := assigneeFilter(r, p, &f)
	chats, err := h.app.Subscribers.ListChats(r.Context(), p.User, f)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	users, err := h.app.Users.ListUsers(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = p.T("nav.chats"), "chats"
	p.Live["workspace"] = p.User.WorkspaceID
	if selected != nil {
		p.Title = selected.Sub.Name
		p.Live["subscriber"] = selected.Sub.ID
	}
	p.Data = chatsData{Query: q, Assignee: view, Filters: chatFilters, Chats: chats, Selected: selected, Names: names(users)}
	h.render(w, r, status, "chats", p)
}

func (h *Handler) chatView(r *http.Request, p *page, id int64) (*chatView, error) {
	ctx := r.Context()
	sub, err := h.app.Subscribers.GetSubscriber(ctx, p.User, id)
	if err != nil {
		return nil, err
	}
	v := &chatView{Sub: sub, Titles: map[int64]string{}, MaxUpload: h.app.Files.MaxUploadBytes()}
	if v.Window, err = h.loadWindow(r, p, sub, p.Path("/chats/", id, "/template")); err != nil {
		return nil, err
	}
	var shown history
	v.Messages, shown, err = loadHistory(r, "/chats/"+strconv.FormatInt(id, 10), func(f beseda.MessageFilter) ([]*beseda.Message, error) {
		return h.app.Messages.ChatMessages(ctx, p.User, id, f)
	})
	if err != nil {
		return nil, err
	}
	if v.Dialogs, err = h.app.Dialogs.ListDialogs(ctx, p.User, beseda.DialogFilter{SubscriberID: &id, Limit: 200}); err != nil {
		return nil, err
	}
	for _, d := range v.Dialogs {
		v.Titles[d.ID] = d.Title
		if d.Status == beseda.DialogActive {
			v.Active = d
		}
	}
	if v.Types, err = h.app.Settings.ListCatalog(ctx, p.User, beseda.CatalogTypes); err != nil {
		return nil, err
	}
	if v.Reasons, err = h.app.Settings.ListCatalog(ctx, p.User, beseda.CatalogReasons); err != nil {
		return nil, err
	}
	if v.Components, err = h.app.Settings.ListCatalog(ctx, p.User, beseda.CatalogComponents); err != nil {
		return nil, err
	}
	if v.Users, err = h.app.Users.ListUsers(ctx, p.User); err != nil {
		return nil, err
	}
	v.MessageList = messageList{P: p, Messages: v.Messages, Titles: v.Titles, ShowDialogs: true, Names: names(v.Users), History: shown}
	if len(v.Types) > 0 {
		v.Form.TypeID = v.Types[0].ID
	}
	v.Form.Participants = []int64{p.User.ID}
	if sub.Assignee != nil { // the assignee takes part by default (A7)
		v.Form.Participants = append(v.Form.Participants, sub.Assignee.ID)
	}
	if v.Assignments, err = h.app.Routing.ChatEvents(ctx, p.User, id); err != nil {
		return nil, err
	}
	// A refused create-dialog form comes back filled in as it was sent.
	if f := p.Refused(); f != nil && f.Has("title") {
		v.Form = dialogForm{Title: f.Get("title"), TypeID: firstID(f, "type_id"), Participants: refusedIDs(f, "participant_ids"),
			Reasons: refusedIDs(f, "reason_ids"), Components: refusedIDs(f, "component_ids"), Open: true}
	}
	return v, nil
}

func (h *Handler) postChatMessage(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	in, err := h.messageInput(r, p)
	if err == nil {
		_, err = h.app.Messages.PostChatMessage(r.Context(), p.User, id, in)
	}
	if err != nil {
		h.refuse(w, r, p, err, p.Path("/chats/", id, "#composer"), true)
		return
	}
	sent(w, r, p.Path("/chats/", id, "#composer"))
}

func (h *Handler) createDialog(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	d, err := h.app.Dialogs.CreateDialog(r.Context(), p.User, beseda.DialogCreate{SubscriberID: id, Title: r.PostFormValue("title"),
		TypeID: formID(r, "type_id"), ParticipantIDs: formIDs(r, "participant_ids"), ReasonIDs: formIDs(r, "reason_ids"),
		ComponentIDs: formIDs(r, "component_ids")})
	if err != nil {
		h.refuse(w, r, p, err, p.Path("/chats/", id), true)
		return
	}
	http.Redirect(w, r, p.Path("/dialogs/", d.ID), http.StatusSeeOther)
}

// names maps managers to their names, for who wrote what.
func names(users []*beseda.User) map[int64]string {
	out := make(map[int64]string, len(users))
	for _, u := range users {
		out[u.ID] = u.Name
	}
	return out
}

func firstID(f url.Values, name string) int64 {
	if ids := refusedIDs(f, name); len(ids) > 0 {
		return ids[0]
	}
	return 0
}

func formID(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	return n
}

func formIDs(r *http.Request, name string) []int64 {
	_ = r.ParseForm()
	out := []int64{}
	for _, v := range r.PostForm[name] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}
