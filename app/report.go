package app

import (
	"context"

	"github.com/beseda/beseda"
)

// Report returns the dialogs report (L2): totals over every dialog of the
// filter and a page of rows. Needs reports.view.
func (a *Reports) Report(ctx context.Context, actor *beseda.User, f beseda.ReportFilter) (*beseda.Report, error) {
	if err := actor.Require(beseda.PermReportsView); err != nil {
		return nil, err
	}
	f.WorkspaceID = actor.WorkspaceID
	totals, err := a.db.ReportTotals(ctx, f)
	if err != nil {
		return nil, err
	}
	dialogs, err := a.db.ReportRows(ctx, f)
	if err != nil {
		return nil, err
	}
	rows := make([]beseda.ReportRow, len(dialogs))
	for i, d := range dialogs {
		rows[i] = beseda.NewReportRow(d)
	}
	return &beseda.Report{Totals: *totals, Rows: rows}, nil
}

// EachReportRow calls fn for every row of the report, in the order of the
// report's rows (newest first), as they are read (the CSV export streams
// them). Needs reports.view.
func (a *Reports) EachReportRow(ctx context.Context, actor *beseda.User, f beseda.ReportFilter, fn func(beseda.ReportRow) error) error {
	if err := actor.Require(beseda.PermReportsView); err != nil {
		return err
	}
	f.WorkspaceID = actor.WorkspaceID
	return a.db.EachReportDialog(ctx, f, func(d *beseda.Dialog) error { return fn(beseda.NewReportRow(d)) })
}

// ReportChoices is what the report's filter offers of a catalog: the live
// items, and those removed from the settings that dialogs of the period
// still have (P1), since the totals count them. Needs reports.view.
func (a *Reports) ReportChoices(ctx context.Context, actor *beseda.User, c beseda.Catalog, f beseda.ReportFilter) ([]*beseda.CatalogItem, error) {
	if err := actor.Require(beseda.PermReportsView); err != nil {
		return nil, err
	}
	live, err := a.db.FindCatalog(ctx, actor.WorkspaceID, c, false)
	if err != nil {
		return nil, err
	}
	removed, err := a.db.FindRemovedInPeriod(ctx, actor.WorkspaceID, c, f.From, f.To)
	if err != nil {
		return nil, err
	}
	return append(live, removed...), nil
}

// SLAReport sums up the SLA of the report's dialogs: first-response and
// resolution times in working time, and attainment, in total, per manager,
// per type and per day (T6). Needs reports.view.
func (a *Reports) SLAReport(ctx context.Context, actor *beseda.User, f beseda.ReportFilter) (*beseda.SLAReport, error) {
	if err := actor.Require(beseda.PermReportsView); err != nil {
		return nil, err
	}
	f.WorkspaceID = actor.WorkspaceID
	return a.db.SLAReport(ctx, f)
}
