package httpapi

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/openapi"
)

// dataRightsRoutes are the routes of the audit log and of the clients'
// data: retention, export, erasure.
func (h *Handler) dataRightsRoutes() []route {
	return []route{
		{"GET /api/v1/audit", h.auditLog},
		{"GET /api/v1/settings/retention", h.getRetention},
		{"PUT /api/v1/settings/retention", h.putRetention},
		{"GET /api/v1/subscribers/{id}/export", h.exportSubscriber},
		{"POST /api/v1/subscribers/{id}/erase", h.eraseSubscriber},
	}
}

func (h *Handler) getRetention(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	p, err := h.app.DataRights.Retention(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, p)
}

func (h *Handler) putRetention(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.Retention
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	in.UpdatedAt = nil
	p, err := h.app.DataRights.UpdateRetention(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, p)
}

// exportSubscriber answers with the client's zip. It is built in memory
// first, so that a failure half-way answers with an error, not a broken
// file.
func (h *Handler) exportSubscriber(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := h.app.DataRights.Export(r.Context(), actor, id, &buf); err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="client-%d.zip"`, id))
	_, _ = w.Write(buf.Bytes())
}

func (h *Handler) eraseSubscriber(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "subscriber")
	if err != nil {
		Error(w, r, err)
		return
	}
	e, err := h.app.DataRights.Erase(r.Context(), actor, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, e)
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /api/v1/settings/retention", Tag: "Settings",
		Summary: "The retention policy: days messages, files, completed dialogs and audit entries are kept (null: for ever; owner or admin)",
		Auth:    openapi.Manager, Response: beseda.Retention{}, Errors: []int{403}},
	openapi.Op{Route: "PUT /api/v1/settings/retention", Tag: "Settings",
		Summary: "Replace the retention policy (owner or admin)",
		Description: "A periodic job removes, on the server's clock, messages older than messages_days (with their files), the files " +
			"of messages older than files_days (the messages stay), completed dialogs completed more than dialogs_days ago (with " +
			"their history, links, tasks and SLA figures; they leave the report; the messages written in them stay in the chat, " +
			"without a dialog, for messages_days to govern; active and paused dialogs stay however old), and audit entries older " +
			"than audit_days; each run that removes anything is an audit entry (retention.removed) with the counts. Messages " +
			"still pending or held stay until delivered.",
		Auth: openapi.Manager, Body: beseda.Retention{}, Response: beseda.Retention{}, Errors: []int{400, 403}},
	openapi.Op{Route: "GET /api/v1/subscribers/{id}/export", Tag: "Clients",
		Summary: "A client's data as a zip: client.json, messages.json, dialogs.json (with ratings) and files/ (owner or admin)",
		Auth:    openapi.Manager, Response: openapi.File{}, ResponseType: "application/zip", Errors: []int{403, 404}},
	openapi.Op{Route: "POST /api/v1/subscribers/{id}/erase", Tag: "Clients",
		Summary: "Erase a client: messages and files removed; dialogs and ratings kept without title or name (owner or admin)",
		Description: "One transaction removes the messages, replaces the name and platform id, keeps the dialogs' figures for the " +
			"report and sets erased_at; a failure before it commits changes nothing. The files go from disk after the commit " +
			"(they are unreachable from then on); if that fails, the next retention run removes them. The audit log records it.",
		Auth: openapi.Manager, Response: beseda.Erasure{}, Errors: []int{403, 404}},
)
