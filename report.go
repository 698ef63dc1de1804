package beseda

import "time"

// ReportFilter selects the dialogs of the report (L2): created within
// [From, To), and any of the other conditions given.
type ReportFilter struct {
	WorkspaceID int64
	From, To    *time.Time
	Status      *DialogStatus
	TypeID      *int64
	ReasonID    *int64
	ComponentID *int64
	ManagerID   *int64 // a participant of the dialog
	// Location is the time zone days are counted in (dialogs per day).
	Location *time.Location
	// Limit and Offset page the rows of the JSON report; CSV has them all.
	Limit, Offset int
}

// ReportRow is one dialog of the report.
type ReportRow struct {
	*Dialog
	// DurationSeconds is the time from creation to completion.
	DurationSeconds *int64 `json:"duration_seconds"`
}

// NewReportRow makes the report's row of a dialog.
func NewReportRow(d *Dialog) ReportRow {
	r := ReportRow{Dialog: d}
	if d.CompletedAt != nil {
		s := int64(d.CompletedAt.Sub(d.CreatedAt) / time.Second)
		r.DurationSeconds = &s
	}
	return r
}

// ReportTotals sum up the dialogs of a report.
type ReportTotals struct {
	Dialogs  int                  `json:"dialogs"`
	ByStatus map[DialogStatus]int `json:"by_status"`
	ByType   []TypeCount          `json:"by_type"`
	// Averages are null when no dialog has the rating.
	AverageAccountRating *float64 `json:"average_account_rating"`
	AverageClientRating  *float64 `json:"average_client_rating"`
	// ClientRatings is the distribution of client ratings: "1", "2", "3".
	ClientRatings  map[int]int `json:"client_ratings"`
	AccountRatings map[int]int `json:"account_ratings"`
	// AverageSecondsToComplete covers the completed dialogs.
	AverageSecondsToComplete *float64   `json:"average_seconds_to_complete"`
	PerDay                   []DayCount `json:"per_day"`
}

// TypeCount is the number of dialogs of one request type.
type TypeCount struct {
	Type  Ref `json:"type"`
	Count int `json:"count"`
}

// DayCount is the number of dialogs created on one day.
type DayCount struct {
	Date  string `json:"date"` // YYYY-MM-DD in the report's time zone
	Count int    `json:"count"`
}

// Report is the dialogs report: totals over every dialog of the filter and a
// page of its rows, newest first.
type Report struct {
	Totals ReportTotals `json:"totals"`
	Rows   []ReportRow  `json:"rows"`
}
