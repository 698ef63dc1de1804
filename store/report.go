package store

import (
	"context"
	"database/sql"
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
		where = append(where, "d.status = "+statusLiteral(*f.Status))
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

// ReportTotals sums up the report's dialogs in one pass over the covering
// index dialogs_report, without GROUP BY (whose sorter costs SQLite more than
// the scan): every count is a sum of a condition, and each rating's
// distribution follows from its count, sum and sum of squares. Per-day counts
// are index range counts, one per day.
func (r reader) ReportTotals(ctx context.Context, f beseda.ReportFilter) (*beseda.ReportTotals, error) {
	where, args := reportWhere(f)
	types, err := r.FindCatalog(ctx, f.WorkspaceID, beseda.CatalogTypes, true)
	if err != nil {
		return nil, err
	}
	// Type ids come from the database, never from input: safe as literals.
	var perType strings.Builder
	for _, t := range types {
		fmt.Fprintf(&perType, ", coalesce(sum(CASE WHEN d.type_id = %d THEN 1 ELSE 0 END), 0)", t.ID)
	}
	row := r.q.QueryRowContext(ctx, `
		SELECT count(*), coalesce(sum(CASE WHEN d.status = 'active' THEN 1 ELSE 0 END), 0),
			count(d.completed_at), coalesce(sum(d.completed_at - d.created_at), 0),
			count(d.account_rating), coalesce(sum(d.account_rating), 0), coalesce(sum(d.account_rating * d.account_rating), 0),
			count(d.client_rating), coalesce(sum(d.client_rating), 0), coalesce(sum(d.client_rating * d.client_rating), 0)`+
		perType.String()+` FROM dialogs d WHERE `+where, args...)
	var total, active, done, doneMS, accN, accSum, accSq, cliN, cliSum, cliSq int64
	typeCounts := make([]int64, len(types))
	dest := []any{&total, &active, &done, &doneMS, &accN, &accSum, &accSq, &cliN, &cliSum, &cliSq}
	for i := range typeCounts {
		dest = append(dest, &typeCounts[i])
	}
	if err := row.Scan(dest...); err != nil {
		return nil, fmt.Errorf("report totals: %w", err)
	}
	// Completed dialogs are those with completed_at; the rest are active or paused.
	t := &beseda.ReportTotals{Dialogs: int(total), ByStatus: map[beseda.DialogStatus]int{
		beseda.DialogActive: int(active), beseda.DialogPaused: int(total - active - done), beseda.DialogCompleted: int(done)},
		ByType: []beseda.TypeCount{}, ClientRatings: beseda.RatingCounts(cliN, cliSum, cliSq),
		AccountRatings:       beseda.RatingCounts(accN, accSum, accSq),
		AverageAccountRating: average(accSum, accN), AverageClientRating: average(cliSum, cliN)}
	if done > 0 {
		avg := float64(doneMS) / float64(done) / 1000
		t.AverageSecondsToComplete = &avg
	}
	for i, it := range types {
		if typeCounts[i] > 0 {
			t.ByType = append(t.ByType, beseda.TypeCount{Type: beseda.Ref{ID: it.ID, Name: it.Name}, Count: int(typeCounts[i])})
		}
	}
	sort.SliceStable(t.ByType, func(i, j int) bool { return t.ByType[i].Count > t.ByType[j].Count })
	if t.PerDay, err = r.reportPerDay(ctx, f, where, args); err != nil {
		return nil, err
	}
	return t, nil
}

// MaxReportDays bounds the per-day counts: the last this many days of the
// report's period.
const MaxReportDays = 366

// reportPerDay counts the dialogs of each day of the period, days taken in
// the report's time zone: one index range count per day, in one statement.
// Each day's range is cut to the period here rather than by the period's
// conditions in SQL: given two lower bounds on created_at, SQLite ranges
// over the period's and filters by the day's, which made a month's counts
// read the month about fifteen times.
func (r reader) reportPerDay(ctx context.Context, f beseda.ReportFilter, where string, args []any) ([]beseda.DayCount, error) {
	out := []beseda.DayCount{}
	days, dates, err := r.reportDays(ctx, f, where, args)
	if err != nil || days == "" {
		return out, err
	}
	period := f
	period.From, period.To = nil, nil
	where, args = reportWhere(period)
	rows, err := r.q.QueryContext(ctx, `WITH days(day_start, day_end) AS (VALUES `+days+`)
		SELECT days.day_start, (SELECT count(*) FROM dialogs d WHERE `+where+` AND d.created_at >= days.day_start AND d.created_at < days.day_end)
		FROM days ORDER BY days.day_start`, args...)
	if err != nil {
		return nil, fmt.Errorf("report per day: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var start int64
		var n int
		if err := rows.Scan(&start, &n); err != nil {
			return nil, fmt.Errorf("report per day: %w", err)
		}
		if n > 0 {
			out = append(out, beseda.DayCount{Date: dates[start], Count: n})
		}
	}
	return out, rows.Err()
}

// reportDays are the days of the report's dialogs (at most MaxReportDays,
// the last ones), in the report's time zone, cut to its period: as SQL
// VALUES rows (day_start, day_end), and each start's date. Empty without
// dialogs.
func (r reader) reportDays(ctx context.Context, f beseda.ReportFilter, where string, args []any) (string, map[int64]string, error) {
	days, err := r.reportDayList(ctx, f, where, args)
	if err != nil {
		return "", nil, err
	}
	// Day boundaries are computed here, not input: safe as literals.
	var values strings.Builder
	dates := map[int64]string{}
	for _, d := range days {
		if values.Len() > 0 {
			values.WriteString(", ")
		}
		fmt.Fprintf(&values, "(%d, %d)", d.start, d.end)
		dates[d.start] = d.date
	}
	return values.String(), dates, nil
}

// reportDay is a day of the report: [start, end) in Unix milliseconds, cut
// to the period, and its date in the report's time zone.
type reportDay struct {
	start, end int64
	date       string
}

// reportDayList are reportDays in order.
func (r reader) reportDayList(ctx context.Context, f beseda.ReportFilter, where string, args []any) ([]reportDay, error) {
	loc := f.Location
	if loc == nil {
		loc = time.UTC
	}
	var first, last sql.NullInt64
	// Two subqueries: SQLite reads a lone min or max off the end of an
	// index (dialogs_report), but min and max together off every entry
	// (121 ms for a million dialogs).
	if err := r.q.QueryRowContext(ctx, `SELECT (SELECT min(d.created_at) FROM dialogs d WHERE `+where+`),
		(SELECT max(d.created_at) FROM dialogs d WHERE `+where+`)`, args...).Scan(&first, &last); err != nil {
		return nil, fmt.Errorf("report days: %w", err)
	}
	if !first.Valid {
		return nil, nil
	}
	lastDay := dayStart(fromMS(last.Int64).In(loc))
	day := dayStart(fromMS(first.Int64).In(loc))
	if earliest := lastDay.AddDate(0, 0, 1-MaxReportDays); day.Before(earliest) {
		day = earliest
	}
	var out []reportDay
	for ; !day.After(lastDay); day = day.AddDate(0, 0, 1) {
		start, end := ms(day), ms(day.AddDate(0, 0, 1))
		if f.From != nil {
			start = max(start, ms(*f.From))
		}
		if f.To != nil {
			end = min(end, ms(*f.To))
		}
		out = append(out, reportDay{start, end, day.Format(time.DateOnly)})
	}
	return out, nil
}

func dayStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

func average(sum, n int64) *float64 {
	if n == 0 {
		return nil
	}
	v := float64(sum) / float64(n)
	return &v
}

// ReportRows returns a page of the report's dialogs, newest first by
// creation time (ties by id), with their references. Index dialogs_report
// serves the order.
func (r reader) ReportRows(ctx context.Context, f beseda.ReportFilter) ([]*beseda.Dialog, error) {
	where, args := reportWhere(f)
	args = append(args, limit(f.Limit, 100, 1000), max(f.Offset, 0))
	return r.reportDialogs(ctx, `WHERE `+where+fmt.Sprintf(` ORDER BY d.created_at DESC, d.id DESC LIMIT $%d OFFSET $%d`,
		len(args)-1, len(args)), args)
}

// EachReportDialog calls fn for every dialog of the report in the order of
// ReportRows, in pages of a thousand read as the caller consumes them (each
// after the last one's creation time and id): memory stays flat however
// many dialogs there are.
func (r reader) EachReportDialog(ctx context.Context, f beseda.ReportFilter, fn func(*beseda.Dialog) error) error {
	where, args := reportWhere(f)
	var last *beseda.Dialog
	for {
		pageArgs := append([]any{}, args...)
		tail := `WHERE ` + where
		if last != nil {
			pageArgs = append(pageArgs, ms(last.CreatedAt), last.ID)
			n := len(pageArgs)
			// The plain bound lets SQLite range over the index; the row
			// value decides between dialogs of one millisecond.
			tail += fmt.Sprintf(` AND d.created_at <= $%d AND (d.created_at, d.id) < ($%d, $%d)`, n-1, n-1, n)
		}
		pageArgs = append(pageArgs, 1000)
		page, err := r.reportDialogs(ctx, tail+fmt.Sprintf(` ORDER BY d.created_at DESC, d.id DESC LIMIT $%d`, len(pageArgs)), pageArgs)
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
		last = page[len(page)-1]
	}
}

// FindRemovedInPeriod returns the items of a catalog removed from the
// settings that dialogs created in the period (from, to; nil: open) still
// have: the report's filter offers them with the live ones (P1, L2).
func (r reader) FindRemovedInPeriod(ctx context.Context, workspaceID int64, c beseda.Catalog, from, to *time.Time) ([]*beseda.CatalogItem, error) {
	period, args := "", []any{workspaceID}
	if from != nil {
		args = append(args, ms(*from))
		period += fmt.Sprintf(" AND d.created_at >= $%d", len(args))
	}
	if to != nil {
		args = append(args, ms(*to))
		period += fmt.Sprintf(" AND d.created_at < $%d", len(args))
	}
	used := `SELECT 1 FROM dialogs d WHERE d.workspace_id = $1 AND d.type_id = t.id` + period
	switch c {
	case beseda.CatalogReasons:
		used = `SELECT 1 FROM dialog_reason_links l JOIN dialogs d ON d.id = l.dialog_id
			WHERE l.reason_id = t.id AND d.workspace_id = $1` + period
	case beseda.CatalogComponents:
		used = `SELECT 1 FROM dialog_component_links l JOIN dialogs d ON d.id = l.dialog_id
			WHERE l.component_id = t.id AND d.workspace_id = $1` + period
	}
	rows, err := r.q.QueryContext(ctx, `SELECT t.id, t.name, t.created_at, t.removed_at FROM `+catalogTable(c)+` t
		WHERE t.workspace_id = $1 AND t.removed_at IS NOT NULL AND EXISTS (`+used+`) ORDER BY t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find removed %s: %w", c, err)
	}
	defer rows.Close()
	out := []*beseda.CatalogItem{}
	for rows.Next() {
		it, err := scanCatalogItem(rows)
		if err != nil {
			return nil, fmt.Errorf("find removed %s: %w", c, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func (r reader) reportDialogs(ctx context.Context, tail string, args []any) ([]*beseda.Dialog, error) {
	rows, err := r.q.QueryContext(ctx, r.dialogSelect()+` `+tail, args...)
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
	return out, nil
}

// slaSums are the SQL of beseda.SLASums over dialog_sla s: one pass, no
// per-dialog work.
const slaSums = `count(*), coalesce(sum(CASE WHEN s.missed = 0 THEN 1 ELSE 0 END), 0),
	count(s.first_response_ms), coalesce(sum(s.first_response_ms), 0), count(s.resolution_ms), coalesce(sum(s.resolution_ms), 0)`

func scanSLASums(row interface{ Scan(...any) error }, extra ...any) (beseda.SLASums, error) {
	var s beseda.SLASums
	err := row.Scan(append(extra, &s.Dialogs, &s.Attained, &s.FirstResponses, &s.FirstResponseMS, &s.Resolutions, &s.ResolutionMS)...)
	return s, err
}

// SLAReport sums up the SLA of the report's dialogs (beseda.SLAReport): in
// total, per manager, per type and per day. It reads the sums that
// sla_rollup keeps per hour of creation (migration 00092) when the filter
// allows, else the dialogs themselves (SLAReportScan); both give the same
// figures.
func (r reader) SLAReport(ctx context.Context, f beseda.ReportFilter) (*beseda.SLAReport, error) {
	out, ok, err := r.SLAReportRollup(ctx, f)
	if err != nil || ok {
		return out, err
	}
	return r.SLAReportScan(ctx, f)
}

// SLAReportScan is SLAReport from the dialogs and their SLA rows, one
// statement for each part: for the filters sla_rollup cannot answer, and to
// check it against.
func (r reader) SLAReportScan(ctx context.Context, f beseda.ReportFilter) (*beseda.SLAReport, error) {
	where, args := reportWhere(f)
	from := ` FROM dialogs d JOIN dialog_sla s ON s.dialog_id = d.id`
	out := &beseda.SLAReport{ByManager: []beseda.SLAStats{}, ByType: []beseda.SLAStats{}, PerDay: []beseda.SLAStats{}}
	sums, err := scanSLASums(r.q.QueryRowContext(ctx, `SELECT `+slaSums+from+` WHERE `+where, args...))
	if err != nil {
		return nil, fmt.Errorf("sla report: %w", err)
	}
	out.Totals = sums.Stats(0, "")
	group := func(q string, args []any, add func(id int64, key string, s beseda.SLASums)) error {
		return r.slaRows(ctx, q, args, add)
	}
	err = group(`SELECT u.id, u.name, `+slaSums+from+` JOIN dialog_participants p ON p.dialog_id = d.id JOIN users u ON u.id = p.user_id
		WHERE `+where+` GROUP BY u.id, u.name ORDER BY u.name, u.id`, args, func(id int64, key string, s beseda.SLASums) {
		out.ByManager = append(out.ByManager, s.Stats(id, key))
	})
	if err != nil {
		return nil, err
	}
	err = group(`SELECT t.id, t.name, `+slaSums+from+` JOIN dialog_types t ON t.id = d.type_id
		WHERE `+where+` GROUP BY t.id, t.name ORDER BY t.name, t.id`, args, func(id int64, key string, s beseda.SLASums) {
		out.ByType = append(out.ByType, s.Stats(id, key))
	})
	if err != nil {
		return nil, err
	}
	days, dates, err := r.reportDays(ctx, f, where, args)
	if err != nil || days == "" {
		return out, err
	}
	period := f
	period.From, period.To = nil, nil
	where, args = reportWhere(period)
	err = group(`WITH days(day_start, day_end) AS (VALUES `+days+`)
		SELECT days.day_start, '', `+slaSums+` FROM days JOIN dialogs d ON d.created_at >= days.day_start AND d.created_at < days.day_end
		JOIN dialog_sla s ON s.dialog_id = d.id WHERE `+where+` GROUP BY days.day_start ORDER BY days.day_start`, args,
		func(start int64, _ string, s beseda.SLASums) {
			out.PerDay = append(out.PerDay, s.Stats(0, dates[start]))
		})
	return out, err
}

const hourMS = int64(time.Hour / time.Millisecond)

// rollupSums are the SQL of beseda.SLASums over sla_rollup rows.
const rollupSums = `coalesce(sum(dialogs), 0) AS n, coalesce(sum(attained), 0) AS a, coalesce(sum(first_responses), 0) AS fn,
	coalesce(sum(first_response_ms), 0) AS fms, coalesce(sum(resolutions), 0) AS rn, coalesce(sum(resolution_ms), 0) AS rms`

// rollupGroup are rollupSums' columns of a group g.
const rollupGroup = `g.n, g.a, g.fn, g.fms, g.rn, g.rms`

// SLAReportRollup is SLAReport from sla_rollup, in three statements over
// its rows of the period (for a year, about 9,000 hours times types, and as
// many per manager) instead of the dialogs. ok is false when the filter
// needs the dialogs: a status, reason, component or manager, or a period or
// a day of the report's time zone that does not begin on the hour.
func (r reader) SLAReportRollup(ctx context.Context, f beseda.ReportFilter) (out *beseda.SLAReport, ok bool, err error) {
	if f.Status != nil || f.ReasonID != nil || f.ComponentID != nil || f.ManagerID != nil {
		return nil, false, nil
	}
	where, args := []string{"workspace_id = $1"}, []any{f.WorkspaceID}
	for _, b := range []struct {
		t  *time.Time
		op string
	}{{f.From, ">="}, {f.To, "<"}} {
		if b.t == nil {
			continue
		}
		if ms(*b.t)%hourMS != 0 {
			return nil, false, nil
		}
		args = append(args, ms(*b.t)/hourMS)
		where = append(where, fmt.Sprintf("created_hour %s $%d", b.op, len(args)))
	}
	if f.TypeID != nil {
		args = append(args, *f.TypeID)
		where = append(where, fmt.Sprintf("type_id = $%d", len(args)))
	}
	dialogsWhere, dialogsArgs := reportWhere(f)
	days, err := r.reportDayList(ctx, f, dialogsWhere, dialogsArgs)
	if err != nil {
		return nil, false, err
	}
	for _, d := range days {
		if d.start%hourMS != 0 || d.end%hourMS != 0 {
			return nil, false, nil
		}
	}
	cond := strings.Join(where, " AND ")
	out = &beseda.SLAReport{ByManager: []beseda.SLAStats{}, ByType: []beseda.SLAStats{}, PerDay: []beseda.SLAStats{}}

	// Totals and days: user 0's hours, in the order of the primary key.
	var total beseda.SLASums
	day, daySums := 0, beseda.SLASums{}
	flushDay := func() {
		if daySums.Dialogs > 0 {
			out.PerDay = append(out.PerDay, daySums.Stats(0, days[day].date))
		}
		daySums = beseda.SLASums{}
	}
	err = r.slaRows(ctx, `SELECT created_hour, '', `+rollupSums+` FROM sla_rollup WHERE `+cond+`
		AND user_id = 0 GROUP BY created_hour ORDER BY created_hour`, args, func(hour int64, _ string, s beseda.SLASums) {
		total = total.Add(s)
		at := hour * hourMS
		for day < len(days) && at >= days[day].end {
			flushDay()
			day++
		}
		if day < len(days) && at >= days[day].start {
			daySums = daySums.Add(s)
		}
	})
	if err != nil {
		return nil, false, err
	}
	if day < len(days) {
		flushDay()
	}
	out.Totals = total.Stats(0, "")
	err = r.slaRows(ctx, `SELECT t.id, t.name, `+rollupGroup+` FROM (SELECT type_id, `+rollupSums+` FROM sla_rollup WHERE `+cond+`
		AND user_id = 0 GROUP BY type_id) g JOIN dialog_types t ON t.id = g.type_id ORDER BY t.name, t.id`, args,
		func(id int64, name string, s beseda.SLASums) {
			if s.Dialogs > 0 {
				out.ByType = append(out.ByType, s.Stats(id, name))
			}
		})
	if err != nil {
		return nil, false, err
	}
	err = r.slaRows(ctx, `SELECT u.id, u.name, `+rollupGroup+` FROM (SELECT user_id, `+rollupSums+` FROM sla_rollup WHERE `+cond+`
		AND user_id > 0 GROUP BY user_id) g JOIN users u ON u.id = g.user_id ORDER BY u.name, u.id`, args,
		func(id int64, name string, s beseda.SLASums) {
			if s.Dialogs > 0 {
				out.ByManager = append(out.ByManager, s.Stats(id, name))
			}
		})
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// slaRows runs q, whose rows are an id, a name and slaSums or rollupSums.
func (r reader) slaRows(ctx context.Context, q string, args []any, add func(id int64, key string, s beseda.SLASums)) error {
	rows, err := r.q.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("sla report: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key string
		s, err := scanSLASums(rows, &id, &key)
		if err != nil {
			return fmt.Errorf("sla report: %w", err)
		}
		add(id, key, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sla report: %w", err)
	}
	return nil
}
