package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

type reportData struct {
	Report     *beseda.Report
	Query      url.Values
	CSV        string
	Types      []*beseda.CatalogItem
	Reasons    []*beseda.CatalogItem
	Components []*beseda.CatalogItem
	Users      []*beseda.User
	Ratings    chart
	PerDay     chart
	SLA        *beseda.SLAReport // first response, resolution, attainment (T6)
	SLAGroups  []slaGroup        // its table: the totals, then per manager, type and day
	SLACSV     string
}

// slaGroup is a part of the SLA report's table, under its title's key.
type slaGroup struct {
	Title string
	Rows  []beseda.SLAStats
}

// chart is a bar chart drawn by the server as inline SVG.
type chart struct {
	Width, Height int
	Bars          []bar
	Max           int
}

type bar struct {
	X, Y, W, H int
	Label      string
	Value      int
}

// report is the dialogs report (L2): filters, totals, charts of the client
// ratings and of dialogs per day, the rows, and a CSV download.
func (h *Handler) report(w http.ResponseWriter, r *http.Request, p *page) {
	if err := p.User.Require(beseda.PermReportsView); err != nil {
		h.fail(w, r, p, err)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	if q.Get("tz") == "" {
		q.Set("tz", p.Loc.String())
		r.URL.RawQuery = q.Encode()
	}
	if q.Get("limit") == "" {
		q.Set("limit", "50")
		r.URL.RawQuery = q.Encode()
	}
	f, err := httpx.ReportFilter(r)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	rep, err := h.app.Reports.Report(ctx, p.User, f)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	d := reportData{Report: rep, Query: q}
	csv := url.Values{}
	for k, v := range q {
		if k != "limit" && k != "offset" {
			csv[k] = v
		}
	}
	csv.Set("format", "csv")
	d.CSV = "/api/v1/reports/dialogs?" + csv.Encode()
	d.SLACSV = "/api/v1/reports/sla?" + csv.Encode()
	if d.SLA, err = h.app.Reports.SLAReport(ctx, p.User, f); err != nil {
		h.fail(w, r, p, err)
		return
	}
	d.SLAGroups = []slaGroup{{"", []beseda.SLAStats{d.SLA.Totals}}, {"report.sla_by_manager", d.SLA.ByManager},
		{"report.sla_by_type", d.SLA.ByType}, {"report.sla_per_day", d.SLA.PerDay}}
	// Removed items that dialogs of the period have stay choosable (marked).
	if d.Types, err = h.app.Reports.ReportChoices(ctx, p.User, beseda.CatalogTypes, f); err == nil {
		if d.Reasons, err = h.app.Reports.ReportChoices(ctx, p.User, beseda.CatalogReasons, f); err == nil {
			if d.Components, err = h.app.Reports.ReportChoices(ctx, p.User, beseda.CatalogComponents, f); err == nil {
				d.Users, err = h.app.Users.ListUsers(ctx, p.User)
			}
		}
	}
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	labels := []string{p.T("rating.1"), p.T("rating.2"), p.T("rating.3")}
	var ratings []int
	for _, v := range beseda.RatingScale {
		ratings = append(ratings, rep.Totals.ClientRatings[v])
	}
	d.Ratings = bars(360, 160, labels, ratings)
	var days []string
	var counts []int
	for _, dc := range rep.Totals.PerDay {
		days, counts = append(days, dc.Date), append(counts, dc.Count)
	}
	d.PerDay = bars(720, 160, days, counts)
	p.Title, p.Nav = p.T("nav.report"), "report"
	p.Data = d
	h.render(w, r, http.StatusOK, "report", p)
}

// bars lays out a bar chart of the values in a width × height box (with
// room under it for labels).
func bars(width, height int, labels []string, values []int) chart {
	c := chart{Width: width, Height: height}
	for _, v := range values {
		c.Max = max(c.Max, v)
	}
	if len(values) == 0 {
		return c
	}
	slot := width / len(values)
	w := max(min(slot*7/10, 56), 1)
	for i, v := range values {
		h := 0
		if c.Max > 0 {
			h = v * (height - 20) / c.Max
		}
		c.Bars = append(c.Bars, bar{X: i*slot + (slot-w)/2, Y: height - h, W: w, H: h, Label: labels[i], Value: v})
	}
	return c
}

// pageLink is the report with another offset.
func (d reportData) PageLink(offset int) string {
	q := url.Values{}
	for k, v := range d.Query {
		q[k] = v
	}
	q.Set("offset", strconv.Itoa(max(offset, 0)))
	return "/report?" + q.Encode()
}

// Offset is the current page's offset.
func (d reportData) Offset() int {
	n, _ := strconv.Atoi(d.Query.Get("offset"))
	return n
}

// Rating formats an average rating.
func (d reportData) Rating(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f", *v)
}

// ByStatus is the number of dialogs of a status.
func (d reportData) ByStatus(status string) int {
	return d.Report.Totals.ByStatus[beseda.DialogStatus(status)]
}
