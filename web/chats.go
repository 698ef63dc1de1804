package web

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/httpapi"
)

type chatsData struct {
	Query    string
	Chats    []beseda.ChatSummary
	Selected *chatView
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
		_ = h.app.MarkChatRead(r.Context(), p.User, id)
	}
	h.renderChats(w, r, p, view, http.StatusOK)
}

func (h *Handler) renderChats(w http.ResponseWriter, r *http.Request, p *page, selected *chatView, status int) {
	q := r.URL.Query().Get("q")
	chats, err := h.app.ListChats(r.Context(), p.User, beseda.SubscriberFilter{Query: q, Limit: 100})
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
	p.Data = chatsData{Query: q, Chats: chats, Selected: selected}
	h.render(w, r, status, "chats", p)
}

func (h *Handler) chatView(r *http.Request, p *page, id int64) (*chatView, error) {
	ctx := r.Context()
	sub, err := h.app.GetSubscriber(ctx, p.User, id)
	if err != nil {
		return nil, err
	}
	v := &chatView{Sub: sub, Titles: map[int64]string{}}
	if v.Messages, err = h.app.ChatMessages(ctx, p.User, id, beseda.MessageFilter{Limit: 200}); err != nil {
		return nil, err
	}
	if v.Dialogs, err = h.app.ListDialogs(ctx, p.User, beseda.DialogFilter{SubscriberID: &id, Limit: 200}); err != nil {
		return nil, err
	}
	for _, d := range v.Dialogs {
		v.Titles[d.ID] = d.Title
		if d.Status == beseda.DialogActive {
			v.Active = d
		}
	}
	v.MessageList = messageList{P: p, Messages: v.Messages, Titles: v.Titles, ShowDialogs: true}
	if v.Types, err = h.app.ListCatalog(ctx, p.User, beseda.CatalogTypes); err != nil {
		return nil, err
	}
	if v.Reasons, err = h.app.ListCatalog(ctx, p.User, beseda.CatalogReasons); err != nil {
		return nil, err
	}
	if v.Components, err = h.app.ListCatalog(ctx, p.User, beseda.CatalogComponents); err != nil {
		return nil, err
	}
	if v.Users, err = h.app.ListUsers(ctx, p.User); err != nil {
		return nil, err
	}
	if len(v.Types) > 0 {
		v.Form.TypeID = v.Types[0].ID
	}
	v.Form.Participants = []int64{p.User.ID}
	return v, nil
}

func (h *Handler) postChatMessage(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if _, err := h.app.PostChatMessage(r.Context(), p.User, id, r.PostFormValue("text")); err != nil {
		h.chatFailed(w, r, p, id, err, nil)
		return
	}
	http.Redirect(w, r, p.Path("/chats/", id, "#composer"), http.StatusSeeOther)
}

func (h *Handler) createDialog(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	form := dialogForm{Title: r.PostFormValue("title"), TypeID: formID(r, "type_id"), Participants: formIDs(r, "participant_ids"),
		Reasons: formIDs(r, "reason_ids"), Components: formIDs(r, "component_ids"), Open: true}
	d, err := h.app.CreateDialog(r.Context(), p.User, beseda.DialogCreate{SubscriberID: id, Title: form.Title,
		TypeID: form.TypeID, ParticipantIDs: form.Participants, ReasonIDs: form.Reasons, ComponentIDs: form.Components})
	if err != nil {
		h.chatFailed(w, r, p, id, err, &form)
		return
	}
	http.Redirect(w, r, p.Path("/dialogs/", d.ID), http.StatusSeeOther)
}

// chatFailed shows the chat again with the error (and the form as sent).
func (h *Handler) chatFailed(w http.ResponseWriter, r *http.Request, p *page, id int64, err error, form *dialogForm) {
	view, verr := h.chatView(r, p, id)
	if verr != nil {
		h.fail(w, r, p, verr)
		return
	}
	if form != nil {
		view.Form = *form
	}
	p.Error = h.viewError(r, p, err)
	h.renderChats(w, r, p, view, httpapi.StatusOf(err))
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
