package i18n

import "golang.org/x/text/feature/plural"

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
}
