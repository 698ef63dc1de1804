package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// dataRightsRoutes are the console's pages of the audit log and of the
// clients' data.
func (h *Handler) dataRightsRoutes() []route {
	return []route{
		{"GET /settings/audit", h.auditLog},
		{"GET /settings/data", h.retention},
		{"POST /settings/data", h.saveRetention},
		{"POST /chats/{id}/erase", h.eraseClient},
	}
}

type auditData struct {
	Entries []*beseda.AuditEntry
	Query   url.Values
	Users   []*beseda.User
	Actions []beseda.AuditAction
	CSV     string
	Next    string // the next page's URL, "" on the last
}

// auditLog is Settings → Audit log: the workspace's entries newest first,
// filtered by who, what and when, a page at a time, and a CSV download of
// every entry the filter matches (the API's, with the session).
func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request, p *page) {
	if err := p.User.Require(beseda.PermAuditRead); err != nil {
		h.fail(w, r, p, err)
		return
	}
	q := r.URL.Query()
	if q.Get("tz") == "" {
		q.Set("tz", p.Loc.String())
		r.URL.RawQuery = q.Encode()
	}
	f, err := httpx.AuditFilter(r)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	f.Limit = 50
	d := auditData{Query: q, Actions: beseda.AuditActions}
	var next int64
	if d.Entries, next, err = h.app.Audit.Entries(r.Context(), p.User, f); err != nil {
		h.fail(w, r, p, err)
		return
	}
	if d.Users, err = h.app.Users.ListUsers(r.Context(), p.User); err != nil {
		h.fail(w, r, p, err)
		return
	}
	csv := url.Values{}
	for k, v := range q {
		if k != "cursor" {
			csv[k] = v
		}
	}
	csv.Set("format", "csv")
	d.CSV = "/api/v1/audit?" + csv.Encode()
	if next != 0 {
		more := url.Values{}
		for k, v := range q {
			more[k] = v
		}
		more.Set("cursor", strconv.FormatInt(next, 10))
		d.Next = "/settings/audit?" + more.Encode()
	}
	p.Title, p.Nav = p.T("settings.audit"), "settings"
	p.Data = d
	h.render(w, r, http.StatusOK, "settings_audit", p)
}

// auditChange is one line of an entry's changes as the page shows it.
type auditChange struct {
	Field, Before, After string
	Figure               bool // a value (a count), not a before and after
}

// AuditChanges lists an entry's changes, fields in order; values as JSON.
func (p *page) AuditChanges(e *beseda.AuditEntry) []auditChange {
	keys := make([]string, 0, len(e.Changes))
	for k := range e.Changes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	show := func(v any) string {
		if v == nil {
			return "—"
		}
		if s, ok := v.(string); ok {
			return s
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	out := make([]auditChange, 0, len(keys))
	for _, k := range keys {
		if ch, ok := e.Changes[k].(map[string]any); ok && len(ch) == 2 && hasKeys(ch, "before", "after") {
			out = append(out, auditChange{Field: k, Before: show(ch["before"]), After: show(ch["after"])})
			continue
		}
		out = append(out, auditChange{Field: k, After: show(e.Changes[k]), Figure: true})
	}
	return out
}

func hasKeys(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// retention is Settings → Clients' data: how long messages, files,
// completed dialogs and the audit log are kept. Owners and admins.
func (h *Handler) retention(w http.ResponseWriter, r *http.Request, p *page) {
	pol, err := h.app.DataRights.Retention(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if f := p.Refused(); f != nil {
		refused, _ := retentionFromForm(f)
		pol = &refused
	}
	p.Title, p.Nav = p.T("settings.data"), "settings"
	if r.URL.Query().Get("saved") == "1" && p.Error == nil {
		p.Notice = p.T("settings.saved")
	}
	p.Data = pol
	h.render(w, r, http.StatusOK, "settings_data", p)
}

// retentionFromForm reads the policy's fields: a number of days, or empty
// to keep for ever; what is not a number is refused with the field named.
func retentionFromForm(f url.Values) (beseda.Retention, error) {
	var pol beseda.Retention
	for _, fld := range []struct {
		name string
		dst  **int
	}{{"messages_days", &pol.MessagesDays}, {"files_days", &pol.FilesDays},
		{"dialogs_days", &pol.DialogsDays}, {"audit_days", &pol.AuditDays}} {
		s := strings.TrimSpace(f.Get(fld.name))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			n = -1 // refused by the domain, with its words
		}
		*fld.dst = &n
	}
	return pol, nil
}

func (h *Handler) saveRetention(w http.ResponseWriter, r *http.Request, p *page) {
	_ = r.ParseForm()
	pol, _ := retentionFromForm(r.PostForm)
	if _, err := h.app.DataRights.UpdateRetention(r.Context(), p.User, pol); err != nil {
		h.refuse(w, r, p, err, "/settings/data", true)
		return
	}
	http.Redirect(w, r, "/settings/data?saved=1", http.StatusSeeOther)
}

// eraseClient erases the chat's client once the form's box saying so is
// ticked, and goes back to the chat, which shows what is left.
func (h *Handler) eraseClient(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, p, beseda.NotFound("subscriber"))
		return
	}
	back := "/chats/" + strconv.FormatInt(id, 10)
	if r.PostFormValue("confirm") != "1" {
		h.refuseWith(w, r, &viewError{Message: p.T("erase.unconfirmed")}, http.StatusBadRequest, beseda.EINVALID, back, false)
		return
	}
	e, err := h.app.DataRights.Erase(r.Context(), p.User, id)
	if err != nil {
		h.refuse(w, r, p, err, back, false)
		return
	}
	setFlash(w, flash{Notice: p.T("erase.done", e.Messages, e.Files)})
	http.Redirect(w, r, back, http.StatusSeeOther)
}
