package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

// reportWhere is the report's filter as SQL on dialogs d.
func reportWhere(f beseda.ReportFilter) (string, []any) {
	where, args := []string{"d.workspace_id = $1"}, []any{f.WorkspaceID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.From != nil {
		add("d.created_at >= $%d", ms(*f.From))
	}
	if f.To != nil {
		add("d.created_at < $%d", ms(*f.To))
	}
	if f.Status != nil {
		add("d.status = $%d", string(*f.Status))
	}
	if f.TypeID != nil {
		add("d.type_id = $%d", *f.TypeID)
	}
	if f.ReasonID != nil {
		add("EXISTS (SELECT 1 FROM dialog_reason_links l WHERE l.dialog_id = d.id AND l.reason_id = $%d)", *f.ReasonID)
	}
	if f.ComponentID != nil {
		add("EXISTS (SELECT 1 FROM dialog_component_links l WHERE l.dialog_id = d.id AND l.component_id = $%d)", *f.ComponentID)
	}
	if f.ManagerID != nil {
		add("EXISTS (SELECT 1 FROM dialog_participants p WHERE p.dialog_id = d.id AND p.user_id = $%d)", *f.ManagerID)
	}
	return strings.Join(where, " AND "), args
}

// dayBucket is the granularity of per-day counts in SQL: every time zone's
// offset is a multiple of 15 minutes, so buckets map exactly onto local days.
const dayBucket = 15 * 60 * 1000

// ReportTotals sums up the report's dialogs in two passes over the covering
// index dialogs_report.
func (r reader) ReportTotals(ctx context.Context, f beseda.ReportFilter) (*beseda.ReportTotals, error) {
	where, args := reportWhere(f)
	t := &beseda.ReportTotals{ByStatus: map[beseda.DialogStatus]int{beseda.DialogActive: 0, beseda.DialogPaused: 0,
		beseda.DialogCompleted: 0}, ByType: []beseda.TypeCount{}, ClientRatings: map[int]int{1: 0, 2: 0, 3: 0},
		AccountRatings: map[int]int{1: 0, 2: 0, 3: 0}, PerDay: []beseda.DayCount{}}
	rows, err := r.q.QueryContext(ctx, `
		SELECT d.status, d.type_id, count(*),
			count(d.account_rating), coalesce(sum(d.account_rating), 0),
			coalesce(sum(CASE WHEN d.account_rating = 1 THEN 1 ELSE 0 END), 0),
			coalesce(sum(CASE WHEN d.account_rating = 2 THEN 1 ELSE 0 END), 0),
			coalesce(sum(CASE WHEN d.account_rating = 3 THEN 1 ELSE 0 END), 0),
			count(d.client_rating), coalesce(sum(d.client_rating), 0),
			coalesce(sum(CASE WHEN d.client_rating = 1 THEN 1 ELSE 0 END), 0),
			coalesce(sum(CASE WHEN d.client_rating = 2 THEN 1 ELSE 0 END), 0),
			coalesce(sum(CASE WHEN d.client_rating = 3 THEN 1 ELSE 0 END), 0),
			count(d.completed_at), coalesce(sum(d.completed_at - d.created_at), 0)
		FROM dialogs d WHERE `+where+` GROUP BY d.status, d.type_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("report totals: %w", err)
	}
	byType := map[int64]int{}
	var accN, accSum, cliN, cliSum, doneN, doneMS int64
	for rows.Next() {
		var status string
		var typeID int64
		var n, an, as, a1, a2, a3, cn, cs, c1, c2, c3, dn, dms int64
		if err := rows.Scan(&status, &typeID, &n, &an, &as, &a1, &a2, &a3, &cn, &cs, &c1, &c2, &c3, &dn, &dms); err != nil {
			rows.Close()
			return nil, fmt.Errorf("report totals: %w", err)
		}
		t.Dialogs += int(n)
		t.ByStatus[beseda.DialogStatus(status)] += int(n)
		byType[typeID] += int(n)
		accN, accSum, cliN, cliSum, doneN, doneMS = accN+an, accSum+as, cliN+cn, cliSum+cs, doneN+dn, doneMS+dms
		t.AccountRatings[1] += int(a1)
		t.AccountRatings[2] += int(a2)
		t.AccountRatings[3] += int(a3)
		t.ClientRatings[1] += int(c1)
		t.ClientRatings[2] += int(c2)
		t.ClientRatings[3] += int(c3)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report totals: %w", err)
	}
	t.AverageAccountRating = average(accSum, accN)
	t.AverageClientRating = average(cliSum, cliN)
	if doneN > 0 {
		avg := float64(doneMS) / float64(doneN) / 1000
		t.AverageSecondsToComplete = &avg
	}
	ids := make([]int64, 0, len(byType))
	for id := range byType {
		ids = append(ids, id)
	}
	types, err := r.FindCatalogItems(ctx, f.WorkspaceID, beseda.CatalogTypes, ids)
	if err != nil {
		return nil, err
	}
	for id, n := range byType {
		t.ByType = append(t.ByType, beseda.TypeCount{Type: beseda.Ref{ID: id, Name: types[id].Name}, Count: n})
	}
	sort.Slice(t.ByType, func(i, j int) bool {
		return t.ByType[i].Count > t.ByType[j].Count || (t.ByType[i].Count == t.ByType[j].Count && t.ByType[i].Type.ID < t.ByType[j].Type.ID)
	})
	if t.PerDay, err = r.reportPerDay(ctx, f, where, args); err != nil {
		return nil, err
	}
	return t, nil
}

func (r reader) reportPerDay(ctx context.Context, f beseda.ReportFilter, where string, args []any) ([]beseda.DayCount, error) {
	loc := f.Location
	if loc == nil {
		loc = time.UTC
	}
	rows, err := r.q.QueryContext(ctx, `SELECT d.created_at / `+fmt.Sprint(dayBucket)+` AS bucket, count(*)
		FROM dialogs d WHERE `+where+` GROUP BY bucket`, args...)
	if err != nil {
		return nil, fmt.Errorf("report per day: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var bucket, n int64
		if err := rows.Scan(&bucket, &n); err != nil {
			return nil, fmt.Errorf("report per day: %w", err)
		}
		counts[fromMS(bucket*dayBucket).In(loc).Format(time.DateOnly)] += int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report per day: %w", err)
	}
	out := make([]beseda.DayCount, 0, len(counts))
	for day, n := range counts {
		out = append(out, beseda.DayCount{Date: day, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, nil
}

func average(sum, n int64) *float64 {
	if n == 0 {
		return nil
	}
	v := float64(sum) / float64(n)
	return &v
}

// ReportRows returns a page of the report's dialogs, newest first, with their
// references.
func (r reader) ReportRows(ctx context.Context, f beseda.ReportFilter) ([]*beseda.Dialog, error) {
	where, args := reportWhere(f)
	args = append(args, limit(f.Limit, 100, 1000), max(f.Offset, 0))
	return r.reportDialogs(ctx, `WHERE `+where+fmt.Sprintf(` ORDER BY d.id DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args)
}

// EachReportDialog calls fn for every dialog of the report, oldest first, in
// pages of a thousand read as the caller consumes them: memory stays flat
// however many dialogs there are.
func (r reader) EachReportDialog(ctx context.Context, f beseda.ReportFilter, fn func(*beseda.Dialog) error) error {
	where, args := reportWhere(f)
	after := int64(0)
	for {
		pageArgs := append(append([]any{}, args...), after, 1000)
		page, err := r.reportDialogs(ctx, `WHERE `+where+fmt.Sprintf(` AND d.id > $%d ORDER BY d.id LIMIT $%d`,
			len(pageArgs)-1, len(pageArgs)), pageArgs)
		if err != nil {
			return err
		}
		for _, d := range page {
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(page) < 1000 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (r reader) reportDialogs(ctx context.Context, tail string, args []any) ([]*beseda.Dialog, error) {
	rows, err := r.q.QueryContext(ctx, dialogSelect+` `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("report rows: %w", err)
	}
	out := []*beseda.Dialog{}
	for rows.Next() {
		d, err := scanDialog(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("report rows: %w", err)
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report rows: %w", err)
	}
	return out, r.loadDialogRefs(ctx, out)
}
