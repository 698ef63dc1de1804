package httpx

import (
	"net/http"
	"time"

	"github.com/beseda/beseda"
)

// ReportFilter reads the report's query, alike for the API's report and the
// console's report page (whose CSV link is the API's): from and to
// (YYYY-MM-DD, whole days in tz, to inclusive; or RFC 3339 times), status,
// type_id, reason_id, component_id, manager_id, tz (an IANA zone, default
// UTC), limit, offset.
func ReportFilter(r *http.Request) (beseda.ReportFilter, error) {
	q := r.URL.Query()
	f := beseda.ReportFilter{Location: time.UTC}
	if tz := q.Get("tz"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return f, beseda.Errorf(beseda.EINVALID, "unknown time zone %q", tz)
		}
		f.Location = loc
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
		end  bool
	}{{"from", &f.From, false}, {"to", &f.To, true}} {
		s := q.Get(p.name)
		if s == "" {
			continue
		}
		t, err := parseReportTime(s, f.Location, p.end)
		if err != nil {
			return f, beseda.Errorf(beseda.EINVALID, "%s must be a date (YYYY-MM-DD) or an RFC 3339 time", p.name)
		}
		*p.dst = &t
	}
	if s := q.Get("status"); s != "" {
		status := beseda.DialogStatus(s)
		if !status.Valid() {
			return f, beseda.Errorf(beseda.EINVALID, "status must be active, paused or completed")
		}
		f.Status = &status
	}
	for _, p := range []struct {
		name string
		dst  **int64
	}{{"type_id", &f.TypeID}, {"reason_id", &f.ReasonID}, {"component_id", &f.ComponentID}, {"manager_id", &f.ManagerID}} {
		id, ok, err := QueryID(r, p.name)
		if err != nil {
			return f, err
		}
		if ok {
			*p.dst = &id
		}
	}
	limit, _, err := QueryID(r, "limit")
	if err != nil {
		return f, err
	}
	offset, _, err := QueryCursor(r, "offset")
	f.Limit, f.Offset = int(min(limit, 1000)), int(min(offset, 1<<30))
	return f, err
}

// parseReportTime reads a date (the start of that day in loc; with end, the
// start of the next day, so that "to" includes its day) or an RFC 3339 time.
func parseReportTime(s string, loc *time.Location, end bool) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}
