package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
)

// slaRoutes are the console's pages of the team's clock: business hours.
func (h *Handler) slaRoutes() []route {
	return []route{
		{"GET /settings/hours", h.businessHours},
		{"POST /settings/hours", h.saveBusinessHours},
		{"POST /settings/sla", h.addSLAPolicy},
		{"POST /settings/sla/{id}", h.changeSLAPolicy},
	}
}

// blankRows is how many empty rows the hours form offers for adding.
const blankRows = 3

type hoursData struct {
	Hours    *beseda.BusinessHours
	Periods  []beseda.Period  // the schedule's, then blank rows to add
	Holidays []beseda.Holiday // likewise
	Weekdays []int            // Monday first
	Policies []*beseda.SLAPolicy
	Types    []*beseda.CatalogItem // for the policies' type choice
}

// businessHours is Settings → Business hours (T1): the weekly periods, the
// time zone and the holidays, one form; rows left empty are dropped.
func (h *Handler) businessHours(w http.ResponseWriter, r *http.Request, p *page) {
	if err := p.User.Require(beseda.PermDialogSettingsEdit); err != nil {
		h.fail(w, r, p, err)
		return
	}
	hours, err := h.app.SLA.BusinessHours(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if f := p.Refused(); f != nil {
		refused := hoursFromForm(f)
		hours = &refused
	}
	p.Title, p.Nav = p.T("settings.hours"), "settings"
	if r.URL.Query().Get("saved") == "1" && p.Error == nil {
		p.Notice = p.T("settings.saved")
	}
	d := hoursData{Hours: hours, Weekdays: []int{1, 2, 3, 4, 5, 6, 0}}
	d.Periods = append(append(d.Periods, hours.Periods...), make([]beseda.Period, blankRows)...)
	for i := len(hours.Periods); i < len(d.Periods); i++ {
		d.Periods[i].Weekday = -1
	}
	d.Holidays = append(append(d.Holidays, hours.Holidays...), make([]beseda.Holiday, blankRows)...)
	if d.Policies, err = h.app.SLA.SLAPolicies(r.Context(), p.User); err != nil {
		h.fail(w, r, p, err)
		return
	}
	if d.Types, err = h.app.Settings.ListCatalog(r.Context(), p.User, beseda.CatalogTypes); err != nil {
		h.fail(w, r, p, err)
		return
	}
	if id := removeKey(r); id != 0 {
		for _, pol := range d.Policies {
			if pol.ID == id {
				p.Removal = &removal{Action: "/settings/sla/" + strconv.FormatInt(id, 10), Name: pol.Name,
					Lead: p.T("sla.remove_lead"), Back: "/settings/hours#sla"}
			}
		}
	}
	p.Data = d
	h.render(w, r, http.StatusOK, "settings_hours", p)
}

// hoursFromForm reads the form: parallel lists of weekday, start and end,
// and of date and repeat; a row without its times (or its date) is dropped.
func hoursFromForm(f map[string][]string) beseda.BusinessHours {
	get := func(name string, i int) string {
		if vs := f[name]; i < len(vs) {
			return strings.TrimSpace(vs[i])
		}
		return ""
	}
	hours := beseda.BusinessHours{TimeZone: get("time_zone", 0), Periods: []beseda.Period{}, Holidays: []beseda.Holiday{}}
	for i := range f["weekday"] {
		start, end := get("start", i), get("end", i)
		if start == "" && end == "" {
			continue
		}
		day, err := strconv.Atoi(get("weekday", i))
		if err != nil {
			day = -1 // refused by the domain, with its words
		}
		hours.Periods = append(hours.Periods, beseda.Period{Weekday: day, Start: start, End: end})
	}
	for i := range f["date"] {
		if date := get("date", i); date != "" {
			hours.Holidays = append(hours.Holidays, beseda.Holiday{Date: date, Yearly: get("repeat", i) == "yearly"})
		}
	}
	return hours
}

func (h *Handler) saveBusinessHours(w http.ResponseWriter, r *http.Request, p *page) {
	_ = r.ParseForm()
	if _, err := h.app.SLA.UpdateBusinessHours(r.Context(), p.User, hoursFromForm(r.PostForm)); err != nil {
		h.refuse(w, r, p, err, "/settings/hours", true)
		return
	}
	http.Redirect(w, r, "/settings/hours?saved=1", http.StatusSeeOther)
}

// route is a console page: its pattern and handler.
type route struct {
	pattern string
	handle  func(http.ResponseWriter, *http.Request, *page)
}

// slaMark is how a dialog's SLA stands at a glance: the nearest due target's
// time left (or how late it is), for the Dialogs tab and the dialog's page.
type slaMark struct {
	Text  string
	Class string        // "sla-ok", "sla-warn" (under a quarter of the target left), "sla-late", "sla-stopped"
	Left  time.Duration // for sorting; stopped and met clocks sort last
}

// slaRow is one target of a dialog on its page.
type slaRow struct {
	Target  beseda.SLATarget
	Minutes int
	Mark    slaMark
}

// duration writes a stretch of time for a manager, to the minute.
func duration(p *page, d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m >= 24*60:
		return p.T("dur.dh", m/(24*60), m%(24*60)/60)
	case m >= 60:
		return p.T("dur.hm", m/60, m%60)
	}
	return p.T("dur.m", m)
}

// markDue says how a target due at `due` (of `minutes` of working time)
// stands at now.
func markDue(p *page, due time.Time, minutes int, now time.Time) slaMark {
	left := due.Sub(now)
	if left <= 0 {
		return slaMark{Text: p.T("sla.overdue", duration(p, -left)), Class: "sla-late", Left: left}
	}
	class := "sla-ok"
	if left*4 < time.Duration(minutes)*time.Minute {
		class = "sla-warn"
	}
	return slaMark{Text: p.T("sla.left", duration(p, left)), Class: class, Left: left}
}

// nearestMark is the mark of a dialog's nearest due target; ok is false
// without an SLA.
func nearestMark(p *page, v *beseda.DialogSLA, now time.Time) (slaMark, bool) {
	if v == nil {
		return slaMark{}, false
	}
	var best *slaMark
	for _, r := range slaRows(p, v, now) {
		if r.Mark.Class != "sla-ok" && r.Mark.Class != "sla-warn" && r.Mark.Class != "sla-late" {
			continue
		}
		if best == nil || r.Mark.Left < best.Left {
			m := r.Mark
			best = &m
		}
	}
	if best != nil {
		return *best, true
	}
	if !v.Running {
		return slaMark{Text: p.T("sla.stopped"), Class: "sla-stopped", Left: 1 << 62}, true
	}
	return slaMark{Text: p.T("sla.met"), Class: "sla-met", Left: 1 << 62}, true
}

// slaRows are a dialog's targets as its page shows them.
func slaRows(p *page, v *beseda.DialogSLA, now time.Time) []slaRow {
	var out []slaRow
	breached := map[beseda.SLATarget]bool{}
	for _, t := range v.Breached {
		breached[t] = true
	}
	for _, t := range beseda.SLATargets {
		var minutes int
		var due *time.Time
		switch t {
		case beseda.SLAFirstResponse:
			minutes, due = v.FirstResponseMinutes, v.FirstResponseDueAt
		case beseda.SLANextResponse:
			minutes, due = v.NextResponseMinutes, v.NextResponseDueAt
		default:
			minutes, due = v.ResolutionMinutes, v.ResolutionDueAt
		}
		if minutes == 0 {
			continue
		}
		r := slaRow{Target: t, Minutes: minutes}
		switch {
		case due != nil:
			r.Mark = markDue(p, *due, minutes, now)
		case breached[t]:
			r.Mark = slaMark{Text: p.T("sla.breached"), Class: "sla-missed"}
		case t == beseda.SLAFirstResponse && v.FirstResponseAt != nil:
			r.Mark = slaMark{Text: p.T("sla.met_at", p.When(*v.FirstResponseAt)), Class: "sla-met"}
		case !v.Running:
			r.Mark = slaMark{Text: p.T("sla.stopped"), Class: "sla-stopped"}
		default:
			r.Mark = slaMark{Text: "—", Class: "sla-none"}
		}
		out = append(out, r)
	}
	return out
}

// slaMarks marks the dialogs of a list with their time left (the list comes
// ordered by it from the store when sorted so: DialogFilter.ByDeadline).
func slaMarks(p *page, list []*beseda.Dialog, now time.Time) map[int64]slaMark {
	marks := map[int64]slaMark{}
	for _, d := range list {
		if m, ok := nearestMark(p, d.SLA, now); ok {
			marks[d.ID] = m
		}
	}
	return marks
}

// policyForm reads a policy's form: name, type ("" for the default) and
// the targets in minutes (empty: none).
func policyForm(r *http.Request) app.SLAPolicyUpdate {
	num := func(name string) *int {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			v = "0"
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1 // refused by the domain, with its words
		}
		return &n
	}
	name := r.PostFormValue("name")
	u := app.SLAPolicyUpdate{Name: &name, SetType: true, FirstResponseMinutes: num("first_response_minutes"),
		NextResponseMinutes: num("next_response_minutes"), ResolutionMinutes: num("resolution_minutes"), WarnPercent: num("warn_percent")}
	if id, err := strconv.ParseInt(r.PostFormValue("type_id"), 10, 64); err == nil && id > 0 {
		u.TypeID = &id
	}
	return u
}

// addSLAPolicy adds a policy from Settings → Business hours and SLA.
func (h *Handler) addSLAPolicy(w http.ResponseWriter, r *http.Request, p *page) {
	if _, err := h.app.SLA.CreateSLAPolicy(r.Context(), p.User, policyForm(r)); err != nil {
		h.refuse(w, r, p, err, "/settings/hours#sla", true)
		return
	}
	http.Redirect(w, r, "/settings/hours?saved=1#sla", http.StatusSeeOther)
}

// changeSLAPolicy saves a policy, or removes it with action=remove (asked
// first).
func (h *Handler) changeSLAPolicy(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "SLA policy")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if r.PostFormValue("action") == "remove" {
		if !confirmed(w, r, "/settings/hours", strconv.FormatInt(id, 10)) {
			return
		}
		err = h.app.SLA.DeleteSLAPolicy(r.Context(), p.User, id)
	} else {
		_, err = h.app.SLA.UpdateSLAPolicy(r.Context(), p.User, id, policyForm(r))
	}
	if err != nil {
		h.refuse(w, r, p, err, "/settings/hours#sla", false)
		return
	}
	http.Redirect(w, r, "/settings/hours?saved=1#sla", http.StatusSeeOther)
}
