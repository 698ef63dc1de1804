package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// dataRightsRoutes are the console's pages of the audit log and of the
// clients' data.
func (h *Handler) dataRightsRoutes() []route {
	return []route{
		{"GET /settings/audit", h.auditLog},
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
