package web

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/httpapi"
)

type dialogsTabData struct {
	Mine     bool
	Dialogs  []*beseda.Dialog
	All, Own int
}

// dialogsTab is the "Dialogs" tab: the workspace's active dialogs, all or
// the manager's own, with counts (L1).
func (h *Handler) dialogsTab(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	mine := r.URL.Query().Get("mine") == "1"
	active := beseda.DialogActive
	f := beseda.DialogFilter{Status: &active, Limit: 200}
	all, err := h.app.CountDialogs(ctx, p.User, f)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	f.ParticipantID = &p.User.ID
	own, err := h.app.CountDialogs(ctx, p.User, f)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if !mine {
		f.ParticipantID = nil
	}
	list, err := h.app.ListDialogs(ctx, p.User, f)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = p.T("nav.dialogs"), "dialogs"
	p.Live["workspace"] = p.User.WorkspaceID
	p.Data = dialogsTabData{Mine: mine, Dialogs: list, All: all, Own: own}
	h.render(w, r, http.StatusOK, "dialogs", p)
}

// dialogView is one dialog: only its messages (W5), the composer (only while
// active, W1), its settings, the allowed status changes (S1), ratings (R4)
// and history (L3).
type dialogView struct {
	MessageList messageList
	D           *beseda.Dialog
	Sub         *beseda.Subscriber
	Messages    []*beseda.Message
	Events      []*beseda.DialogEvent
	Types       []beseda.Ref
	Reasons     []beseda.Ref
	Components  []beseda.Ref
	Users       []*beseda.User
	Next        []beseda.DialogStatus
}

func (h *Handler) dialog(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "dialog")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	h.renderDialog(w, r, p, id, http.StatusOK)
}

func (h *Handler) renderDialog(w http.ResponseWriter, r *http.Request, p *page, id int64, status int) {
	ctx := r.Context()
	d, err := h.app.GetDialog(ctx, p.User, id)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	v := &dialogView{D: d, Next: d.Status.AllowedTransitions()}
	if v.Sub, err = h.app.GetSubscriber(ctx, p.User, d.SubscriberID); err != nil {
		h.fail(w, r, p, err)
		return
	}
	if v.Messages, err = h.app.DialogMessages(ctx, p.User, id, beseda.MessageFilter{Limit: 200}); err != nil {
		h.fail(w, r, p, err)
		return
	}
	v.MessageList = messageList{P: p, Messages: v.Messages}
	if v.Events, err = h.app.DialogEvents(ctx, p.User, id); err != nil {
		h.fail(w, r, p, err)
		return
	}
	// Choices are the live settings plus what the dialog has (removed ones stay, P1).
	for _, c := range []struct {
		catalog beseda.Catalog
		current []beseda.Ref
		out     *[]beseda.Ref
	}{
		{beseda.CatalogTypes, []beseda.Ref{d.Type}, &v.Types},
		{beseda.CatalogReasons, d.Reasons, &v.Reasons},
		{beseda.CatalogComponents, d.Components, &v.Components},
	} {
		items, err := h.app.ListCatalog(ctx, p.User, c.catalog)
		if err != nil {
			h.fail(w, r, p, err)
			return
		}
		seen := map[int64]bool{}
		for _, it := range items {
			*c.out = append(*c.out, beseda.Ref{ID: it.ID, Name: it.Name})
			seen[it.ID] = true
		}
		for _, ref := range c.current {
			if !seen[ref.ID] {
				*c.out = append(*c.out, ref)
			}
		}
	}
	if v.Users, err = h.app.ListUsers(ctx, p.User); err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = d.Title, "dialogs"
	p.Live["dialog"], p.Live["subscriber"] = d.ID, d.SubscriberID
	p.Data = v
	h.render(w, r, status, "dialog", p)
}

// dialogFailed shows the dialog again with the error.
func (h *Handler) dialogFailed(w http.ResponseWriter, r *http.Request, p *page, id int64, err error) {
	p.Error = h.viewError(r, p, err)
	h.renderDialog(w, r, p, id, httpapi.StatusOf(err))
}

func (h *Handler) updateDialog(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "dialog")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	title, typeID := r.PostFormValue("title"), formID(r, "type_id")
	participants, reasons, components := formIDs(r, "participant_ids"), formIDs(r, "reason_ids"), formIDs(r, "component_ids")
	d, err := h.app.GetDialog(r.Context(), p.User, id)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	// The creator's box is shown checked and fixed; disabled boxes are not sent.
	participants = append(participants, d.CreatedBy.ID)
	upd := beseda.DialogUpdate{Title: &title, TypeID: &typeID, ParticipantIDs: &participants, ReasonIDs: &reasons, ComponentIDs: &components}
	if _, err := h.app.UpdateDialog(r.Context(), p.User, id, upd); err != nil {
		h.dialogFailed(w, r, p, id, err)
		return
	}
	http.Redirect(w, r, p.Path("/dialogs/", id), http.StatusSeeOther)
}

// changeStatus pauses, resumes or completes a dialog; completing takes the
// manager's rating of the client and the rating form (R1).
func (h *Handler) changeStatus(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "dialog")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	status := beseda.DialogStatus(r.PostFormValue("status"))
	upd := beseda.DialogUpdate{Status: &status}
	if status == beseda.DialogCompleted {
		if rating, err := strconv.Atoi(r.PostFormValue("account_rating")); err == nil && rating > 0 {
			upd.AccountRating = &rating
		}
		form := r.PostFormValue("send_rating_form") != ""
		upd.SendRatingForm = &form
	}
	if _, err := h.app.UpdateDialog(r.Context(), p.User, id, upd); err != nil {
		h.dialogFailed(w, r, p, id, err)
		return
	}
	http.Redirect(w, r, p.Path("/dialogs/", id), http.StatusSeeOther)
}

func (h *Handler) postDialogMessage(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "dialog")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if _, err := h.app.PostDialogMessage(r.Context(), p.User, id, r.PostFormValue("text")); err != nil {
		h.dialogFailed(w, r, p, id, err)
		return
	}
	http.Redirect(w, r, p.Path("/dialogs/", id, "#composer"), http.StatusSeeOther)
}
