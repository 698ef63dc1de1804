package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

// windowView is the client's window as the composer shows it before anyone
// writes: how long one may write freely, or that the window is closed and a
// template goes (the picker), for platforms that have a window.
type windowView struct {
	State *beseda.WindowState
	// Templates are the channel's approved templates, the client's
	// language first; the picker shows them while free text cannot go.
	Templates []beseda.MessageTemplate
}

// Notice is the window's line above the composer: "" without a window.
func (v *windowView) Notice(p *page) string {
	st := v.State
	switch {
	case st == nil:
		return ""
	case st.Open:
		left := st.Left().Round(time.Minute)
		return p.T("window.open", int(left/time.Hour), int(left%time.Hour/time.Minute))
	case st.ManagerMayWrite():
		return p.T("window.human", p.When(*st.HumanUntil))
	}
	return p.T("window.closed")
}

// Closed reports whether free text cannot go now: the picker takes its place.
func (v *windowView) Closed() bool { return v.State != nil && !v.State.ManagerMayWrite() }

// Value names a template in the picker's form: name and language.
func (v *windowView) Value(t beseda.MessageTemplate) string { return t.Name + "|" + t.Language }

// Numbers are 1…n, the parameters of a template for its fields.
func (v *windowView) Numbers(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// loadWindow reads the client's window and, when it is closed, the
// templates of their channel.
func (h *Handler) loadWindow(r *http.Request, p *page, sub *beseda.Subscriber) (*windowView, error) {
	v := &windowView{State: sub.Window}
	if v.State == nil || v.State.Open {
		return v, nil
	}
	ts, err := h.app.Templates.ListTemplates(r.Context(), p.User, sub.ChannelID, sub.Locale)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Approved() {
			v.Templates = append(v.Templates, t)
		}
	}
	return v, nil
}

// postChatTemplate sends the template the picker chose, with its
// parameters, to the client.
func (h *Handler) postChatTemplate(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	name, lang, _ := strings.Cut(r.PostFormValue("template"), "|")
	ref := &beseda.TemplateRef{Name: name, Language: lang, Parameters: r.PostForm["param"]}
	if _, err := h.app.Messages.PostChatMessage(r.Context(), p.User, id, beseda.MessageInput{Template: ref}); err != nil {
		h.refuse(w, r, p, err, p.Path("/chats/", id, "#composer"), true)
		return
	}
	sent(w, r, p.Path("/chats/", id, "#composer"))
}
