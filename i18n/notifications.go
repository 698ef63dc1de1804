package i18n

import (
	"golang.org/x/text/feature/plural"

	"github.com/beseda/beseda"
)

// notifications are the texts of the notifications managers get (C2).
var notifications = map[string]entry{
	"task.starts_in_minutes": {
		en: plural.Selectf(2, "%d",
			plural.One, "Task “%[1]s” starts in %[2]d minute",
			plural.Other, "Task “%[1]s” starts in %[2]d minutes"),
		ru: plural.Selectf(2, "%d",
			plural.One, "Задача «%[1]s» начнётся через %[2]d минуту",
			plural.Few, "Задача «%[1]s» начнётся через %[2]d минуты",
			plural.Many, "Задача «%[1]s» начнётся через %[2]d минут",
			plural.Other, "Задача «%[1]s» начнётся через %[2]d минуты"),
	},
	"task.starts_in_seconds": {
		en: plural.Selectf(2, "%d",
			plural.One, "Task “%[1]s” starts in %[2]d second",
			plural.Other, "Task “%[1]s” starts in %[2]d seconds"),
		ru: plural.Selectf(2, "%d",
			plural.One, "Задача «%[1]s» начнётся через %[2]d секунду",
			plural.Few, "Задача «%[1]s» начнётся через %[2]d секунды",
			plural.Many, "Задача «%[1]s» начнётся через %[2]d секунд",
			plural.Other, "Задача «%[1]s» начнётся через %[2]d секунды"),
	},
	"task.started": {
		en: "Task “%s” has started",
		ru: "Задача «%s» началась",
	},
	"task.cancelled": {
		en: "Task “%s” is cancelled: you were removed from the dialog",
		ru: "Задача «%s» отменена: вас убрали из диалога",
	},
	"task.was_scheduled_cancelled": {
		en: "Task “%s” was to start soon — cancelled",
		ru: "Задача «%s» должна была скоро начаться — отменена",
	},
}

// Notification writes a notification's text in the printer's language. One
// stored without arguments keeps the text it was stored with.
func (p *Printer) Notification(n *beseda.Notification) string {
	if n.Args == nil {
		return n.Text
	}
	switch n.Kind {
	case beseda.NotifyTaskScheduled:
		if n.TaskStatus == beseda.TaskCancelled {
			return p.T("task.was_scheduled_cancelled", n.Title)
		}
		if n.Args.Seconds > 0 && n.Args.Minutes == 0 {
			return p.T("task.starts_in_seconds", n.Title, n.Args.Seconds)
		}
		return p.T("task.starts_in_minutes", n.Title, n.Args.Minutes)
	case beseda.NotifyTaskStarted:
		return p.T("task.started", n.Title)
	case beseda.NotifyTaskCancelled:
		return p.T("task.cancelled", n.Title)
	case beseda.NotifySLAWarning, beseda.NotifySLABreached:
		return p.T("sla."+string(n.Kind)+"."+string(n.Args.Target), n.Title)
	}
	return n.Text
}
