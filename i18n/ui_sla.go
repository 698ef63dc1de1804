package i18n

// slaTexts are the texts of the team's clock: business hours, SLA targets
// and routing.
var slaTexts = map[string]entry{
	"settings.hours": {en: "Business hours and SLA", ru: "Рабочее время и сроки"},
	"hours.lead": {en: "SLA targets count only working time. With no periods the team works at every hour; holidays have no working time.",
		ru: "Сроки ответа считаются только в рабочее время. Без периодов команда работает круглосуточно; в праздники рабочего времени нет."},
	"hours.time_zone": {en: "Time zone", ru: "Часовой пояс"},
	"hours.periods":   {en: "Working periods", ru: "Рабочие периоды"},
	"hours.periods_hint": {en: "Several periods a day are allowed. A period that ends before it starts runs past midnight. Clear a row's times to remove it.",
		ru: "Периодов в день может быть несколько. Период, который кончается раньше, чем начинается, продолжается после полуночи. Чтобы удалить строку, очистите её время."},
	"hours.weekday":       {en: "Day", ru: "День"},
	"hours.start":         {en: "From", ru: "С"},
	"hours.end":           {en: "To", ru: "До"},
	"hours.holidays":      {en: "Holidays", ru: "Праздники"},
	"hours.holidays_hint": {en: "Clear a date to remove it.", ru: "Чтобы удалить праздник, очистите дату."},
	"hours.date":          {en: "Date", ru: "Дата"},
	"hours.repeat":        {en: "Repeats", ru: "Повтор"},
	"hours.once":          {en: "Once", ru: "Однажды"},
	"hours.yearly":        {en: "Every year", ru: "Каждый год"},
	"weekday.0":           {en: "Sunday", ru: "Воскресенье"},
	"weekday.1":           {en: "Monday", ru: "Понедельник"},
	"weekday.2":           {en: "Tuesday", ru: "Вторник"},
	"weekday.3":           {en: "Wednesday", ru: "Среда"},
	"weekday.4":           {en: "Thursday", ru: "Четверг"},
	"weekday.5":           {en: "Friday", ru: "Пятница"},
	"weekday.6":           {en: "Saturday", ru: "Суббота"},

	"sla.policies": {en: "SLA targets", ru: "Сроки ответа"},
	"sla.policies_hint": {en: "Minutes of working time per dialog type; the default serves types without their own. Empty or 0: no such target. Managers are warned at the given share of a target. A dialog keeps the targets it got when it was opened.",
		ru: "Минуты рабочего времени для каждого типа диалога; политика по умолчанию — для типов без своей. Пусто или 0 — срока нет. Менеджеров предупреждают, когда пройдена указанная доля срока. Диалог сохраняет сроки, полученные при открытии."},
	"sla.default":               {en: "Default (any type)", ru: "По умолчанию (любой тип)"},
	"sla.warn_percent":          {en: "Warn at percent", ru: "Предупредить на процентах"},
	"sla.none":                  {en: "No SLA targets yet: dialogs have no deadlines.", ru: "Сроков ответа пока нет: у диалогов нет крайних сроков."},
	"sla.remove_lead":           {en: "Dialogs keep the targets they got.", ru: "Диалоги сохранят полученные сроки."},
	"sla.time_left":             {en: "Time left", ru: "Осталось"},
	"sla.left":                  {en: "%s left", ru: "осталось %s"},
	"sla.overdue":               {en: "overdue by %s", ru: "просрочено на %s"},
	"sla.stopped":               {en: "clock stopped", ru: "часы стоят"},
	"sla.met":                   {en: "targets met", ru: "сроки соблюдены"},
	"sla.met_at":                {en: "met at %s", ru: "соблюдён: %s"},
	"sla.breached":              {en: "missed", ru: "нарушен"},
	"sla.minutes":               {en: "%d min", ru: "%d мин"},
	"sla.target.first_response": {en: "First response", ru: "Первый ответ"},
	"sla.target.next_response":  {en: "Next response", ru: "Следующий ответ"},
	"sla.target.resolution":     {en: "Resolution", ru: "Решение"},
	"dur.m":                     {en: "%d min", ru: "%d мин"},
	"dur.hm":                    {en: "%d h %02d min", ru: "%d ч %02d мин"},
	"dur.dh":                    {en: "%d d %d h", ru: "%d д %d ч"},

	"hooks.event.dialog.sla_warning":  {en: "An SLA target is near", ru: "Срок ответа скоро истечёт"},
	"hooks.event.dialog.sla_breached": {en: "An SLA target was missed", ru: "Срок ответа нарушен"},

	"sla.sla_warning.first_response":  {en: "“%s”: the first response is due soon", ru: "«%s»: скоро истекает срок первого ответа"},
	"sla.sla_warning.next_response":   {en: "“%s”: the client waits for an answer; it is due soon", ru: "«%s»: клиент ждёт ответа, срок скоро истекает"},
	"sla.sla_warning.resolution":      {en: "“%s”: the resolution is due soon", ru: "«%s»: скоро истекает срок решения"},
	"sla.sla_breached.first_response": {en: "“%s”: the first response is overdue", ru: "«%s»: срок первого ответа нарушен"},
	"sla.sla_breached.next_response":  {en: "“%s”: the answer to the client is overdue", ru: "«%s»: срок ответа клиенту нарушен"},
	"sla.sla_breached.resolution":     {en: "“%s”: the resolution is overdue", ru: "«%s»: срок решения нарушен"},
}

// slaErrors write the errors of the team's clock for managers.
var slaErrors = map[string]entry{
	"at most %d periods":  {en: "At most %d periods.", ru: "Не больше %d периодов."},
	"at most %d holidays": {en: "At most %d holidays.", ru: "Не больше %d праздников."},
	"weekday must be 0 (Sunday) to 6, not %d": {en: "There is no day %d: choose the day of each period.",
		ru: "Дня %d нет: выберите день каждого периода."},
	"holiday date must be YYYY-MM-DD, not %q": {en: "“%s” is not a date.", ru: "«%s» — не дата."},
	"targets must be 0 to %d minutes":         {en: "Targets are 0 to %d minutes.", ru: "Сроки — от 0 до %d минут."},
	"a policy needs at least one target":      {en: "Set at least one target.", ru: "Задайте хотя бы один срок."},
	"warn_percent must be 1 to 99":            {en: "The warning share is 1 to 99 %.", ru: "Доля для предупреждения — от 1 до 99 %."},
	"time must be HH:MM (00:00 to 24:00), not %q": {en: "“%s” is not a time of day (HH:MM).",
		ru: "«%s» — не время суток (ЧЧ:ММ)."},
}

var _ = addCatalog(slaTexts)
var _ = addCatalog(map[string]entry{"noun.SLA policy": {en: "SLA policy", ru: "правило сроков"}})
var _ = addCatalog(prefixed(errorKey, slaErrors))
