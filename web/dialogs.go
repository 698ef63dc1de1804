package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

type dialogsTabData struct {
	Filter            string // "", "mine" or "paused"
	Dialogs           []*beseda.Dialog
	All, Own, NPaused int
	ByLeft            bool              // sorted by SLA time left (?sort=left)
	SLA               map[int64]slaMark // by dialog
}

// dialogsTab is the "Dialogs" tab: the workspace's active dialogs, all or
// the manager's own, and the paused ones, with counts (L1).
func (h *Handler) dialogsTab(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	filter := r.URL.Query().Get("filter")
	if r.URL.Query().Get("mine") == "1" {
		filter = "mine" // the address of earlier versions
	}
	active, paused := beseda.DialogActive, beseda.DialogPaused
	f := beseda.DialogFilter{Status: &active, Limit: 200}
	all, err := h.app.Dialogs.CountDialogs(ctx, p.User, f)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	mine := f
	mine.ParticipantID = &p.User.ID
	own, err := h.app.Dialogs.CountDialogs(ctx, p.User, mine)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	stopped := beseda.DialogFilter{Status: &paused, Limit: 200}
	npaused, err := h.app.Dialogs.CountDialogs(ctx, p.User, stopped)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	switch filter {
	case "mine":
		f = mine
	case "paused":
		f = stopped
	default:
		filter = ""
	}
	byLeft := r.URL.Query().Get("sort") == "left"
	f.ByDeadline = byLeft // the query orders by the indexed deadline
	list, err := h.app.Dialogs.ListDialogs(ctx, p.User, f)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = p.T("nav.dialogs"), "dialogs"
	p.Live["workspace"] = p.User.WorkspaceID
	marks := slaMarks(p, list, h.app.SLA.Now())
	p.Data = dialogsTabData{Filter: filter, Dialogs: list, All: all, Own: own, NPaused: npaused, ByLeft: byLeft, SLA: marks}
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
	History     history
	Events      []*beseda.DialogEvent
	Types       []beseda.Ref
	Reasons     []beseda.Ref
	Components  []beseda.Ref
	Users       []*beseda.User
	Next        []beseda.DialogStatus
	Statuses    []beseda.DialogStatus // the settings' choice: this one and those allowed next
	Edit        dialogForm            // the settings form: the dialog's, or as a refused form had it
	EditStatus  beseda.DialogStatus
	Confirm     beseda.DialogStatus // a status change waiting for confirmation
	MaxUpload   int64               // the largest file the composer takes
	Window      *windowView         // the client's window, while the dialog is active
	SLA         []slaRow            // the dialog's SLA targets and how they stand
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
	d, err := h.app.Dialogs.GetDialog(ctx, p.User, id)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	v := &dialogView{D: d, Next: d.Status.AllowedTransitions(), EditStatus: d.Status, MaxUpload: h.app.Files.MaxUploadBytes()}
	if d.SLA != nil {
		v.SLA = slaRows(p, d.SLA, h.app.SLA.Now())
	}
	p.Saved = r.URL.Query().Get("saved") == "1"
	v.Statuses = append([]beseda.DialogStatus{d.Status}, v.Next...)
	if c := beseda.DialogStatus(r.URL.Query().Get("confirm")); d.Status.CheckTransition(c) == nil {
		v.Confirm = c
	}
	v.Edit = dialogForm{Title: d.Title, TypeID: d.Type.ID}
	for _, u := range d.Participants {
		v.Edit.Participants = append(v.Edit.Participants, u.ID)
	}
	for _, x := range d.Reasons {
		v.Edit.Reasons = append(v.Edit.Reasons, x.ID)
	}
	for _, x := range d.Components {
		v.Edit.Components = append(v.Edit.Components, x.ID)
	}
	if f := p.Refused(); f != nil && f.Has("title") {
		v.Edit = dialogForm{Title: f.Get("title"), TypeID: firstID(f, "type_id"), Participants: append(refusedIDs(f, "participant_ids"), d.CreatedBy.ID),
			Reasons: refusedIDs(f, "reason_ids"), Components: refusedIDs(f, "component_ids")}
		if st := beseda.DialogStatus(f.Get("status")); st != "" {
			v.EditStatus = st
		}
	}
	if v.Sub, err = h.app.Subscribers.GetSubscriber(ctx, p.User, d.SubscriberID); err != nil {
		h.fail(w, r, p, err)
		return
	}
	v.Window = &windowView{P: p}
	if d.Status == beseda.DialogActive {
		if v.Window, err = h.loadWindow(r, p, v.Sub, p.Path("/dialogs/", id, "/template")); err != nil {
			h.fail(w, r, p, err)
			return
		}
	}
	v.Messages, v.History, err = loadHistory(r, "/dialogs/"+strconv.FormatInt(id, 10), func(f beseda.MessageFilter) ([]*beseda.Message, error) {
		return h.app.Messages.DialogMessages(ctx, p.User, id, f)
	})
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if v.Events, err = h.app.Dialogs.DialogEvents(ctx, p.User, id); err != nil {
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
		items, err := h.app.Settings.ListCatalog(ctx, p.User, c.catalog)
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
	if v.Users, err = h.app.Users.ListUsers(ctx, p.User); err != nil {
		h.fail(w, r, p, err)
		return
	}
	v.MessageList = messageList{P: p, Messages: v.Messages, Names: names(v.Users), History: v.History}
	p.Title, p.Nav = d.Title, "dialogs"
	p.Live["dialog"], p.Live["subscriber"] = d.ID, d.SubscriberID
	p.Data = v
	h.render(w, r, status, "dialog", p)
}

// dialogFailed sends the browser back to the dialog with the error; a
// manager writing where they cannot learns why in this dialog's terms.
func (h *Handler) dialogFailed(w http.ResponseWriter, r *http.Request, p *page, id int64, err error, to string, keepForm bool) {
	if beseda.ErrorCode(err) == beseda.EDIALOGNOTACTIVE {
		if d, gerr := h.app.Dialogs.GetDialog(r.Context(), p.User, id); gerr == nil {
			h.refuseWith(w, r, &viewError{Message: p.T("dialog.locked_" + string(d.Status))}, httpx.StatusOf(err), beseda.ErrorCode(err), to, keepForm)
			return
		}
	}
	h.refuse(w, r, p, err, to, keepForm)
}

// updateDialog saves the dialog's settings. A new status is not applied
// here, and nor is anything else of the form: the manager confirms the
// status on the next page (?confirm=), which carries the form's settings and
// saves them with it — completing also takes the rating (R1) and settles
// the reasons and components. Of a completed dialog only the reasons and
// components change.
func (h *Handler) updateDialog(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "dialog")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	back := p.Path("/dialogs/", id)
	d, err := h.app.Dialogs.GetDialog(r.Context(), p.User, id)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	upd := settingsUpdate(r, d)
	status := beseda.DialogStatus(r.PostFormValue("status"))
	if d.Status != beseda.DialogCompleted && status != "" && status != d.Status {
		if err := d.Status.CheckTransition(status); err != nil {
			h.dialogFailed(w, r, p, id, err, back, false)
			return
		}
		// Nothing is saved yet: the confirmation page fills the settings
		// in as the manager left them, and saves them with the status.
		carry(w, r)
		http.Redirect(w, r, p.Path(back, "?confirm=", status, "#confirm"), http.StatusSeeOther)
		return
	}
	if _, err := h.app.Dialogs.UpdateDialog(r.Context(), p.User, id, upd); err != nil {
		h.dialogFailed(w, r, p, id, err, back+"#settings", true)
		return
	}
	// In the address rather than a flash: the live script fetches the panel
	// again at once (the save is a change), and must keep the notice.
	http.Redirect(w, r, back+"?saved=1#settings", http.StatusSeeOther)
}

// settingsUpdate reads the dialog's settings form: all of them, or of a
// completed dialog only its reasons and components.
func settingsUpdate(r *http.Request, d *beseda.Dialog) beseda.DialogUpdate {
	reasons, components := formIDs(r, "reason_ids"), formIDs(r, "component_ids")
	if d.Status == beseda.DialogCompleted {
		return beseda.DialogUpdate{ReasonIDs: &reasons, ComponentIDs: &components}
	}
	title, typeID := r.PostFormValue("title"), formID(r, "type_id")
	// The creator's box is shown checked and fixed; disabled boxes are not sent.
	participants := append(formIDs(r, "participant_ids"), d.CreatedBy.ID)
	return beseda.DialogUpdate{Title: &title, TypeID: &typeID, ParticipantIDs: &participants, ReasonIDs: &reasons, ComponentIDs: &components}
}

// carry hands the form to the next page (as a refused form is), for it to
// be filled in again.
func carry(w http.ResponseWriter, r *http.Request) {
	f := flash{Form: url.Values{}}
	for k, v := range r.PostForm {
		if k != "csrf" {
			f.Form[k] = v
		}
	}
	setFlash(w, f)
}

// changeStatus applies a confirmed status change, with the settings the
// confirmation carries (settings=1) in the same change; completing takes
// the manager's rating of the client and the rating form (R1).
func (h *Handler) changeStatus(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "dialog")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	var upd beseda.DialogUpdate
	if r.PostFormValue("settings") == "1" {
		d, err := h.app.Dialogs.GetDialog(r.Context(), p.User, id)
		if err != nil {
			h.fail(w, r, p, err)
			return
		}
		if d.Status != beseda.DialogCompleted {
			upd = settingsUpdate(r, d)
		}
	}
	status := beseda.DialogStatus(r.PostFormValue("status"))
	upd.Status = &status
	if status == beseda.DialogCompleted {
		if rating, err := strconv.Atoi(r.PostFormValue("account_rating")); err == nil && rating > 0 {
			upd.AccountRating = &rating
		}
		form := r.PostFormValue("send_rating_form") != ""
		upd.SendRatingForm = &form
	}
	if _, err := h.app.Dialogs.UpdateDialog(r.Context(), p.User, id, upd); err != nil {
		h.dialogFailed(w, r, p, id, err, p.Path("/dialogs/", id), false)
		return
	}
	http.Redirect(w, r, p.Path("/dialogs/", id, "?saved=1#settings"), http.StatusSeeOther)
}

func (h *Handler) postDialogMessage(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "dialog")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	in, err := h.messageInput(r, p)
	if err == nil {
		_, err = h.app.Messages.PostDialogMessage(r.Context(), p.User, id, in)
	}
	if err != nil {
		// Refused (a colleague paused the dialog meanwhile…): the text comes back.
		h.dialogFailed(w, r, p, id, err, p.Path("/dialogs/", id, "#composer"), true)
		return
	}
	sent(w, r, p.Path("/dialogs/", id, "#composer"))
}
