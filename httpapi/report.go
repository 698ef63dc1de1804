package httpapi

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

func (h *Handler) report(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	f, err := httpx.ReportFilter(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		rep, err := h.app.Reports.Report(r.Context(), actor, f)
		if err != nil {
			Error(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, rep)
	case "csv":
		h.reportCSV(w, r, actor, f)
	default:
		Error(w, r, beseda.Errorf(beseda.EINVALID, "format must be json or csv"))
	}
}

// ReportCSVHeader names the CSV export's columns.
var ReportCSVHeader = []string{"id", "title", "client_id", "client", "type", "reasons", "components", "participants",
	"status", "created_at", "completed_at", "duration_seconds", "account_rating", "client_rating"}

// reportCSV streams the report as CSV (UTF-8 with a byte-order mark), row by
// row as the database yields them, in the order of the report's rows,
// flushing as it goes: memory stays flat for a million rows.
func (h *Handler) reportCSV(w http.ResponseWriter, r *http.Request, actor *beseda.User, f beseda.ReportFilter) {
	if err := actor.Require(beseda.PermReportsView); err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="dialogs-`+time.Now().UTC().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	// A byte-order mark first: Excel on Windows reads a CSV without one in
	// the system's code page, and garbles every Cyrillic name.
	_, _ = io.WriteString(w, "\uFEFF")
	cw := csv.NewWriter(w)
	_ = cw.Write(ReportCSVHeader)
	rc := http.NewResponseController(w)
	n := 0
	err := h.app.Reports.EachReportRow(r.Context(), actor, f, func(row beseda.ReportRow) error {
		n++
		if err := cw.Write(ReportCSVRecord(row, f.Location)); err != nil {
			return err
		}
		if n%1000 == 0 {
			cw.Flush()
			_ = rc.Flush()
		}
		return cw.Error()
	})
	cw.Flush()
	if err != nil {
		// The status is sent already; a cut-short file is all we can say.
		Error(w, r, err)
	}
}

// ReportCSVRecord is one dialog as a CSV record.
func ReportCSVRecord(row beseda.ReportRow, loc *time.Location) []string {
	d := row.Dialog
	optional := func(v *int) string {
		if v == nil {
			return ""
		}
		return strconv.Itoa(*v)
	}
	completed, duration := "", ""
	if d.CompletedAt != nil {
		completed = d.CompletedAt.In(loc).Format(time.RFC3339)
	}
	if row.DurationSeconds != nil {
		duration = strconv.FormatInt(*row.DurationSeconds, 10)
	}
	return []string{strconv.FormatInt(d.ID, 10), cell(d.Title), strconv.FormatInt(d.Subscriber.ID, 10), cell(d.Subscriber.Name),
		cell(d.Type.Name), cell(names(d.Reasons)), cell(names(d.Components)), cell(names(d.Participants)), string(d.Status),
		d.CreatedAt.In(loc).Format(time.RFC3339), completed, duration, optional(d.AccountRating), optional(d.ClientRating)}
}

func names(refs []beseda.Ref) string {
	s := make([]string, len(refs))
	for i, r := range refs {
		s[i] = r.Name
	}
	return strings.Join(s, "; ")
}

// cell keeps spreadsheet programs from running text as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
