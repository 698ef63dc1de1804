package httpapi

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/openapi"
)

// auditPage is a page of the audit log: next_cursor is empty on the last.
type auditPage struct {
	Items      []*beseda.AuditEntry `json:"items"`
	NextCursor string               `json:"next_cursor"`
}

// auditLog answers GET /api/v1/audit: a page of entries, or with
// format=csv every entry the filter matches, as CSV.
func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	f, err := httpx.AuditFilter(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		h.auditCSV(w, r, actor, f)
		return
	}
	items, next, err := h.app.Audit.Entries(r.Context(), actor, f)
	if err != nil {
		Error(w, r, err)
		return
	}
	page := auditPage{Items: items}
	if next != 0 {
		page.NextCursor = strconv.FormatInt(next, 10)
	}
	WriteJSON(w, http.StatusOK, page)
}

// auditCSV streams the entries page by page, so that a long log never sits
// in memory whole.
func (h *Handler) auditCSV(w http.ResponseWriter, r *http.Request, actor *beseda.User, f beseda.AuditFilter) {
	items, next, err := h.app.Audit.Entries(r.Context(), actor, f)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(httpx.AuditCSVHeader)
	for {
		if err := httpx.WriteAuditCSV(cw, items, time.UTC); err != nil || next == 0 {
			return
		}
		f.Before = next
		if items, next, err = h.app.Audit.Entries(r.Context(), actor, f); err != nil {
			httpx.Logger(r.Context()).Error("audit csv", "err", err)
			return
		}
	}
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /api/v1/audit", Tag: "Audit", Summary: "The workspace's audit log, newest first (owner, admin or audit.read)",
		Description: "Sign-ins and failures, password changes, users and permissions, settings, channels, webhooks, standard " +
			"messages, retention, exports and erasures: who (actor null: the product itself or an unknown caller), when, from " +
			"which address, through what (via: session or api; token_id and token_name: the scoped API token, kept after " +
			"it is revoked), and what changed (changes: {field: {before, after}}, or " +
			"figures); secrets are always \"***\". No route changes or deletes an entry; the retention policy's audit_days " +
			"removes old ones. Pages of {items, next_cursor}; next_cursor is empty on the last page. format=csv: every " +
			"matching entry as a CSV file.",
		Auth: openapi.Manager, Query: []openapi.Param{
			idParam("actor_id", "entries of this user"),
			{Name: "action", Schema: "", Doc: "one action, e.g. auth.sign_in, user.changed, client.erased"},
			{Name: "from", Schema: "", Doc: "at or after: a date (YYYY-MM-DD, in tz) or an RFC 3339 time"},
			{Name: "to", Schema: "", Doc: "before: a date (that day included) or an RFC 3339 time"},
			{Name: "tz", Schema: "", Doc: "the time zone of from and to dates (default UTC)"},
			{Name: "cursor", Schema: "", Doc: "next_cursor of the previous page"},
			limitParam,
			{Name: "format", Schema: "", Doc: "csv for a CSV file of every matching entry"},
		},
		Response: auditPage{}, OtherTypes: []string{"text/csv"}, Errors: []int{400, 403}},
)
