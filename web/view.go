package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/beseda/beseda"
)

// messageList is a list of messages for the "messages" template.
type messageList struct {
	P           *page
	Messages    []*beseda.Message
	Titles      map[int64]string // dialog titles, for the marks in the general chat
	ShowDialogs bool
	Names       map[int64]string // managers' names, for who wrote
	History     history          // which part of the messages is shown
}

// Author says who wrote an outgoing message: the manager by name, or the
// automation that produced it.
func (l messageList) Author(m *beseda.Message) string {
	if m.Source == beseda.SourceManager && m.AuthorID != nil {
		if name := l.Names[*m.AuthorID]; name != "" {
			return name
		}
	}
	return l.P.T("source." + string(m.Source))
}

// Has reports whether the create-dialog form had the item checked: "p"
// participants, "r" reasons, "c" components.
func (f dialogForm) Has(kind string, id int64) bool {
	list := map[string][]int64{"p": f.Participants, "r": f.Reasons, "c": f.Components}[kind]
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

// Describe tells one change of a dialog's history (L3) in the manager's words.
func (v *dialogView) Describe(p *page, e *beseda.DialogEvent) string {
	who := p.T("history.system")
	if e.Actor != nil {
		who = e.Actor.Name
	} else if e.Kind == beseda.EventClientRated {
		who = p.T("history.client")
	}
	d := e.Data
	switch e.Kind {
	case beseda.EventTitleChanged, beseda.EventTypeChanged:
		return p.T("history."+string(e.Kind), who, d.From, d.To)
	case beseda.EventStatusChanged:
		return p.T("history.status_changed", who, p.T("status."+d.From), p.T("status."+d.To))
	case beseda.EventReasonsChanged, beseda.EventComponentsChanged:
		var parts []string
		for _, r := range d.Added {
			parts = append(parts, "+"+r.Name)
		}
		for _, r := range d.Removed {
			parts = append(parts, "−"+r.Name)
		}
		return p.T("history."+string(e.Kind), who, strings.Join(parts, ", "))
	case beseda.EventParticipantAdded, beseda.EventParticipantRemoved:
		name := ""
		if d.User != nil {
			name = d.User.Name
		}
		return p.T("history."+string(e.Kind), who, name)
	case beseda.EventAccountRated, beseda.EventClientRated:
		return p.T("history."+string(e.Kind), who, d.Rating)
	case beseda.EventRatingFormFailed:
		return p.T("history.rating_form_failed", p.T("dialog.form_error."+d.Reason))
	}
	return p.T("history."+string(e.Kind), who)
}

// chartView is a chart with its accessible summary.
type chartView struct {
	C     chart
	Label string
	Empty string
}

// Chart prepares a chart for the "bar-chart" template.
func (d reportData) Chart(p *page, c chart) chartView {
	var parts []string
	for _, b := range c.Bars {
		parts = append(parts, fmt.Sprintf("%s: %d", b.Label, b.Value))
	}
	return chartView{C: c, Label: strings.Join(parts, ", "), Empty: p.T("report.no_data")}
}

// MidX and MidY are the middle of the chart, for the "no data" line.
func (c chartView) MidX() int { return c.C.Width / 2 }
func (c chartView) MidY() int { return c.C.Height / 2 }

// Now is the current time (the account page shows it in the chosen zone).
func (p *page) Now() time.Time { return time.Now() }

// Duration writes an average length in hours and minutes.
func (p *page) Duration(seconds *float64) string {
	if seconds == nil {
		return "—"
	}
	return p.Seconds(int64(*seconds))
}

// Seconds writes a length in days, hours and minutes.
func (p *page) Seconds(s int64) string {
	d := time.Duration(s) * time.Second
	days, hours, minutes := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return p.T("duration.dh", days, hours)
	case hours > 0:
		return p.T("duration.hm", hours, minutes)
	}
	return p.T("duration.m", minutes)
}
