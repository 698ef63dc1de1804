package httpapi

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/openapi"
)

var _ = openapi.Add(
	openapi.Op{Route: "GET /api/v1/reports/sla", Tag: "Report",
		Summary: "The SLA report: first-response and resolution times in working time (paused periods excluded) and attainment, in total, per manager, type and day (reports.view)",
		Description: "Over the dialogs of the filter that have an SLA. attainment is the share that missed no target; a dialog counts for each of its " +
			"managers. With format=csv, one record per group: group (total, manager, type, day), id, key, dialogs, attained, attainment, " +
			"first_responses, first_response_avg_seconds, resolutions, resolution_avg_seconds.",
		Auth: openapi.Manager, Query: reportParams, Response: beseda.SLAReport{}, OtherTypes: []string{"text/csv"}, Errors: []int{400, 403}},
)

func (h *Handler) slaReport(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	f, err := httpx.ReportFilter(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		Error(w, r, beseda.Errorf(beseda.EINVALID, "format must be json or csv"))
		return
	}
	rep, err := h.app.Reports.SLAReport(r.Context(), actor, f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if format != "csv" {
		WriteJSON(w, http.StatusOK, rep)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="sla-`+time.Now().UTC().Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, "\uFEFF") // for spreadsheet programs, as the dialogs' CSV
	cw := csv.NewWriter(w)
	_ = cw.Write(SLACSVHeader)
	write := func(group string, list ...beseda.SLAStats) {
		for _, s := range list {
			_ = cw.Write(SLACSVRecord(group, s))
		}
	}
	write("total", rep.Totals)
	write("manager", rep.ByManager...)
	write("type", rep.ByType...)
	write("day", rep.PerDay...)
	cw.Flush()
}

// SLACSVHeader names the SLA report's CSV columns.
var SLACSVHeader = []string{"group", "id", "key", "dialogs", "attained", "attainment", "first_responses",
	"first_response_avg_seconds", "resolutions", "resolution_avg_seconds"}

// SLACSVRecord is one group of the SLA report as a CSV record.
func SLACSVRecord(group string, s beseda.SLAStats) []string {
	num := func(v *float64, prec int) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', prec, 64)
	}
	id := ""
	if s.ID != 0 {
		id = strconv.FormatInt(s.ID, 10)
	}
	return []string{group, id, cell(s.Key), strconv.Itoa(s.Dialogs), strconv.Itoa(s.Attained), num(s.Attainment, 4),
		strconv.Itoa(s.FirstResponses), num(s.FirstResponseAvgSeconds, 0), strconv.Itoa(s.Resolutions), num(s.ResolutionAvgSeconds, 0)}
}
