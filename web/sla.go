package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/beseda/beseda"
)

// slaRoutes are the console's pages of the team's clock: business hours.
func (h *Handler) slaRoutes() []route {
	return []route{
		{"GET /settings/hours", h.businessHours},
		{"POST /settings/hours", h.saveBusinessHours},
	}
}

// blankRows is how many empty rows the hours form offers for adding.
const blankRows = 3

type hoursData struct {
	Hours    *beseda.BusinessHours
	Periods  []beseda.Period  // the schedule's, then blank rows to add
	Holidays []beseda.Holiday // likewise
	Weekdays []int            // Monday first
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
