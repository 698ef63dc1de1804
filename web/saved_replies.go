package web

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
)

type savedRepliesData struct {
	Replies []*beseda.SavedReply
	New     beseda.SavedReplyCreate // the add form, filled in again when refused
	NameMax int
	TextMax int
}

// savedReplies is Settings → Saved replies: the workspace's ready answers,
// for managers who may edit them.
func (h *Handler) savedReplies(w http.ResponseWriter, r *http.Request, p *page) {
	if err := p.User.Require(beseda.PermSavedRepliesEdit); err != nil {
		h.fail(w, r, p, err)
		return
	}
	list, err := h.app.Settings.ListSavedReplies(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	d := savedRepliesData{Replies: list, NameMax: beseda.SavedReplyNameMax, TextMax: beseda.SavedReplyTextMax()}
	if f := p.Refused(); f != nil && f.Get("action") == "" {
		d.New = beseda.SavedReplyCreate{Name: f.Get("name"), Text: f.Get("text")}
	}
	for _, sr := range list {
		if sr.ID == removeKey(r) {
			p.Removal = &removal{Action: p.Path("/settings/saved-replies/", sr.ID), Name: "/" + sr.Name,
				Lead: p.T("confirm.remove_reply"), Back: p.Path("/settings/saved-replies#reply-", sr.ID)}
		}
	}
	p.Title, p.Nav = p.T("settings.saved_replies"), "settings"
	p.Data = d
	h.render(w, r, http.StatusOK, "settings_saved_replies", p)
}

func (h *Handler) addSavedReply(w http.ResponseWriter, r *http.Request, p *page) {
	in := beseda.SavedReplyCreate{Name: r.PostFormValue("name"), Text: r.PostFormValue("text")}
	if _, err := h.app.Settings.CreateSavedReply(r.Context(), p.User, in); err != nil {
		h.refuse(w, r, p, err, "/settings/saved-replies#new-reply", true)
		return
	}
	setFlash(w, flash{Notice: p.T("saved.added")})
	http.Redirect(w, r, "/settings/saved-replies", http.StatusSeeOther)
}

// changeSavedReply saves a reply's name and text, or removes it with
// action=remove.
func (h *Handler) changeSavedReply(w http.ResponseWriter, r *http.Request, p *page) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	back := p.Path("/settings/saved-replies#reply-", id)
	if r.PostFormValue("action") == "remove" {
		if !confirmed(w, r, "/settings/saved-replies", strconv.FormatInt(id, 10)) {
			return
		}
		if err := h.app.Settings.DeleteSavedReply(r.Context(), p.User, id); err != nil {
			h.refuse(w, r, p, err, back, false)
			return
		}
		setFlash(w, flash{Notice: p.T("saved.removed")})
		http.Redirect(w, r, "/settings/saved-replies", http.StatusSeeOther)
		return
	}
	name, text := r.PostFormValue("name"), r.PostFormValue("text")
	if _, err := h.app.Settings.UpdateSavedReply(r.Context(), p.User, id, beseda.SavedReplyUpdate{Name: &name, Text: &text}); err != nil {
		h.refuse(w, r, p, err, back, false)
		return
	}
	setFlash(w, flash{Notice: p.T("settings.saved")})
	http.Redirect(w, r, back, http.StatusSeeOther)
}
