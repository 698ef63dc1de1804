package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/openapi"
)

func (h *Handler) search(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	f, err := httpx.SearchFilter(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	page, err := h.app.Search.Find(r.Context(), actor, f)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, page)
}

var searchParams = []openapi.Param{
	{Name: "q", Schema: "", Required: true, Doc: "words (each must occur; Russian and English words match their other forms: " +
		"оплата finds оплатил, refund finds refunded; case and ё/е do not matter), \"a phrase\" in quotes, a trailing * for a prefix"},
	{Name: "kind", Schema: "", Doc: "message (the default), subscriber or dialog"},
	{Name: "order", Schema: "", Doc: "newest (the default) or relevance"},
	idParam("channel_id", "only this channel's clients"),
	{Name: "status", Schema: "", Doc: "a dialog status: messages in such dialogs, such dialogs, clients with such a dialog"},
	idParam("manager_id", "dialogs this manager takes part in (messages: also those they wrote)"),
	{Name: "from", Schema: "", Doc: "created at or after: a date (YYYY-MM-DD, in tz) or an RFC 3339 time"},
	{Name: "to", Schema: "", Doc: "created before: a date (that day included) or an RFC 3339 time"},
	{Name: "tz", Schema: "", Doc: "the time zone of from and to dates (default UTC)"},
	{Name: "in_dialogs", Schema: false, Doc: "only messages written in a dialog (clients who had one)"},
	{Name: "cursor", Schema: "", Doc: "next_cursor of the previous page"},
	limitParam,
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /api/v1/search", Tag: "Search", Summary: "Full-text search over messages, clients and dialogs",
		Description: "Pages of {items, next_cursor}; next_cursor is empty on the last page. snippet is HTML: the text, escaped, " +
			"with each hit inside <mark>…</mark>. Every manager of the workspace sees its internal notes; nothing of another " +
			"workspace is found. Dialogs match by title, type, reason or component; clients by name or platform id (phone).",
		Auth: openapi.Manager, Query: searchParams, Response: beseda.SearchPage{}, Errors: []int{400}},
)
