package httpx

import (
	"net/http"
	"time"

	"github.com/beseda/beseda"
)

// SearchFilter reads a search from the query (SPEC §6): q, kind, order,
// channel_id, status, manager_id, from, to (dates in tz, or RFC 3339
// times), in_dialogs, cursor, limit. The API and the console read it alike.
// Returns EINVALID for anything it cannot take.
func SearchFilter(r *http.Request) (beseda.SearchFilter, error) {
	q := r.URL.Query()
	var f beseda.SearchFilter
	var err error
	if f.Query, err = beseda.ParseSearchQuery(q.Get("q")); err != nil {
		return f, err
	}
	f.Kind, f.Order = beseda.SearchKind(q.Get("kind")), beseda.SearchOrder(q.Get("order"))
	if s := q.Get("status"); s != "" {
		status := beseda.DialogStatus(s)
		f.Status = &status
	}
	for _, p := range []struct {
		name string
		dst  **int64
	}{{"channel_id", &f.ChannelID}, {"manager_id", &f.ManagerID}} {
		id, ok, err := QueryID(r, p.name)
		if err != nil {
			return f, err
		}
		if ok {
			*p.dst = &id
		}
	}
	loc := time.UTC
	if tz := q.Get("tz"); tz != "" {
		if loc, err = time.LoadLocation(tz); err != nil {
			return f, beseda.Errorf(beseda.EINVALID, "unknown time zone %q", tz)
		}
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
		end  bool
	}{{"from", &f.From, false}, {"to", &f.To, true}} {
		if s := q.Get(p.name); s != "" {
			t, err := parseReportTime(s, loc, p.end)
			if err != nil {
				return f, beseda.Errorf(beseda.EINVALID, "%s must be a date (YYYY-MM-DD) or an RFC 3339 time", p.name)
			}
			*p.dst = &t
		}
	}
	switch q.Get("in_dialogs") {
	case "", "false", "0":
	case "true", "1", "on":
		f.InDialogs = true
	default:
		return f, beseda.Errorf(beseda.EINVALID, "in_dialogs must be true or false")
	}
	limit, _, err := QueryID(r, "limit")
	if err != nil {
		return f, err
	}
	f.Limit = int(min(limit, 100))
	if err := f.Validate(); err != nil {
		return f, err
	}
	f.Cursor, err = beseda.ParseSearchCursor(q.Get("cursor"), f.Order)
	return f, err
}
