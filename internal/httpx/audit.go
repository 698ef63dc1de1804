package httpx

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/beseda/beseda"
)

// AuditFilter reads a filter of the audit log from the query (SPEC §6):
// actor_id, action, from, to (dates in tz, or RFC 3339 times), cursor,
// limit. The API and the console read it alike. Returns EINVALID.
func AuditFilter(r *http.Request) (beseda.AuditFilter, error) {
	q := r.URL.Query()
	f := beseda.AuditFilter{Action: beseda.AuditAction(q.Get("action"))}
	if id, ok, err := QueryID(r, "actor_id"); err != nil {
		return f, err
	} else if ok {
		f.ActorID = &id
	}
	loc := time.UTC
	if tz := q.Get("tz"); tz != "" {
		var err error
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
	cursor, _, err := QueryCursor(r, "cursor")
	if err != nil {
		return f, err
	}
	limit, _, err := QueryCursor(r, "limit")
	if err != nil {
		return f, err
	}
	f.Before, f.Limit = cursor, int(min(limit, beseda.AuditPageSize))
	return f, f.Normalize()
}

// AuditCSVHeader is the first line of an audit log's CSV file.
// token_id and token (the scoped API token a change came through) came
// later, so they are last.
var AuditCSVHeader = []string{"id", "at", "actor_id", "actor", "via", "address", "action", "target_kind", "target_id", "changes",
	"token_id", "token"}

// WriteAuditCSV writes entries as CSV records (after AuditCSVHeader), times
// in loc. Cells that a spreadsheet would run as a formula are quoted.
func WriteAuditCSV(cw *csv.Writer, entries []*beseda.AuditEntry, loc *time.Location) error {
	for _, e := range entries {
		actorID, actor := "", ""
		if e.Actor != nil {
			actorID, actor = strconv.FormatInt(e.Actor.ID, 10), e.Actor.Name
		}
		target := ""
		if e.TargetID != nil {
			target = strconv.FormatInt(*e.TargetID, 10)
		}
		token := ""
		if e.TokenID != nil {
			token = strconv.FormatInt(*e.TokenID, 10)
		}
		changes, _ := json.Marshal(e.Changes)
		rec := []string{strconv.FormatInt(e.ID, 10), e.At.In(loc).Format(time.RFC3339), actorID, csvCell(actor), e.Via,
			e.Address, string(e.Action), e.TargetKind, target, csvCell(string(changes)), token, csvCell(e.TokenName)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell keeps spreadsheet programs from running text as a formula.
func csvCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
