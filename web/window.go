package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

// windowView is the client's window as the composer shows it before anyone
// writes: how long one may write freely, or that the window is closed and a
// template goes (the picker), for platforms that have a window.
type windowView struct {
	P *page
	// Action is where the picker posts: the chat's or the dialog's
	// template route, so the template is a message of that page.
	Action string
	State  *beseda.WindowState
	// Templates are the channel's approved templates, the client's
	// language first; the picker shows them while free text cannot go.
	Templates []beseda.MessageTemplate
	// chosen and params are a refused send's, shown again.
	chosen string
	params []string
}

// Notice is the window's line above the composer: "" without a window.
func (v *windowView) Notice() string {
	st, p := v.State, v.P
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

// Chosen reports whether t (the i-th) is the picker's choice: a refused
// send's, else the first.
func (v *windowView) Chosen(t beseda.MessageTemplate, i int) bool {
	for j, x := range v.Templates {
		if v.Value(x) == v.chosen {
			return j == i
		}
	}
	return i == 0
}

// Param is the value of the chosen template's parameter n as a refused
// send had it.
func (v *windowView) Param(n int) string {
	if n < 1 || n > len(v.params) {
		return ""
	}
	return v.params[n-1]
}

// Preview is the chosen template's body with the parameters given so far.
func (v *windowView) Preview() string {
	for i, t := range v.Templates {
		if !v.Chosen(t, i) {
			continue
		}
		body := t.Body
		for n := 1; n <= t.ParameterCount; n++ {
			if p := strings.TrimSpace(v.Param(n)); p != "" {
				body = strings.ReplaceAll(body, "{{"+strconv.Itoa(n)+"}}", p)
			}
		}
		return body
	}
	return ""
}

// Numbers are 1…n, the parameters of a template for its fields.
func (v *windowView) Numbers(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// loadWindow reads the client's window and, when free text cannot go, the
// templates of their channel for a picker posting to action.
func (h *Handler) loadWindow(r *http.Request, p *page, sub *beseda.Subscriber, action string) (*windowView, error) {
	v := &windowView{P: p, Action: action, State: sub.Window}
	if !v.Closed() {
		return v, nil
	}
	if f := p.Refused(); f != nil && f.Has("template") {
		v.chosen, v.params = f.Get("template"), f["param"]
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

// pickedTemplate is the template the picker's form chose, with its
// parameters.
func pickedTemplate(r *http.Request) beseda.MessageInput {
	name, lang, _ := strings.Cut(r.PostFormValue("template"), "|")
	return beseda.MessageInput{Template: &beseda.TemplateRef{Name: name, Language: lang, Parameters: r.PostForm["param"]}}
}

// postChatTemplate sends the template the picker chose, with its
// parameters, to the client in the general chat.
func (h *Handler) postChatTemplate(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if _, err := h.app.Messages.PostChatMessage(r.Context(), p.User, id, pickedTemplate(r)); err != nil {
		h.refuse(w, r, p, err, p.Path("/chats/", id, "#composer"), true)
		return
	}
	sent(w, r, p.Path("/chats/", id, "#composer"))
}

// postDialogTemplate sends the template the picker chose as a message of
// the dialog (which must be active, W1), as the dialog's composer sends
// text: the manager stays in the dialog.
func (h *Handler) postDialogTemplate(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "dialog")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if _, err := h.app.Messages.PostDialogMessage(r.Context(), p.User, id, pickedTemplate(r)); err != nil {
		h.dialogFailed(w, r, p, id, err, p.Path("/dialogs/", id, "#composer"), true)
		return
	}
	sent(w, r, p.Path("/dialogs/", id, "#composer"))
}
