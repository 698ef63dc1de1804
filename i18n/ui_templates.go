package i18n

// templateTexts are the texts of conversations that outlive a platform's
// window: delivery ticks, the window's notice, message templates.
var templateTexts = map[string]entry{
	"hooks.event.message.delivered": {en: "A message was delivered", ru: "Сообщение доставлено"},
	"hooks.event.message.read":      {en: "A message was read", ru: "Сообщение прочитано"},
	"hooks.event.message.failed":    {en: "A message failed", ru: "Сообщение не доставлено"},

	"tick.sent":      {en: "Sent", ru: "Отправлено"},
	"tick.delivered": {en: "Delivered", ru: "Доставлено"},
	"tick.read":      {en: "Read", ru: "Прочитано"},

	"window.open":     {en: "You can write freely for %d h %d min more.", ru: "Писать свободно можно ещё %d ч %d мин."},
	"window.human":    {en: "The 24-hour window is closed: as a manager you can still write until %s.", ru: "24-часовое окно закрыто: как менеджер вы можете писать до %s."},
	"window.closed":   {en: "The window is closed: the client gets only an approved template until they write again.", ru: "Окно закрыто: пока клиент не напишет снова, ему можно отправить только одобренный шаблон."},
	"template.pick":   {en: "Template", ru: "Шаблон"},
	"template.params": {en: "Template parameters", ru: "Параметры шаблона"},
	"template.param":  {en: "Parameter {{%d}}", ru: "Параметр {{%d}}"},
	"template.send":   {en: "Send template", ru: "Отправить шаблон"},
	"template.none":   {en: "The channel has no approved templates. An owner syncs them in Settings → Channels.", ru: "У канала нет одобренных шаблонов. Владелец синхронизирует их в Настройках → Каналы."},

	// The heading goes on with the platform's name, in Latin letters
	// (marked lang="en" on the page).
	"rating_template.title":             {en: "Rating form on", ru: "Форма оценки в"},
	"rating_template.lead":              {en: "When a client has not written for 24 hours, the rating form can go only as an approved template. Its three quick-reply buttons are the ratings: the first is 1 (bad), the second 2, the third 3 (excellent).", ru: "Если клиент не писал 24 часа, форму оценки можно отправить только как одобренный шаблон. Три его кнопки быстрого ответа — это оценки: первая — 1 (плохо), вторая — 2, третья — 3 (отлично)."},
	"rating_template.pick":              {en: "Rating template", ru: "Шаблон формы оценки"},
	"rating_template.none":              {en: "None: outside the window the form is not sent", ru: "Нет: вне окна форма не отправляется"},
	"rating_template.stale":             {en: "no longer fits or was not synced: the form is not sent", ru: "больше не подходит или не синхронизирован: форма не отправляется"},
	"rating_template.no_fit":            {en: "No synced template fits yet: create an approved one without parameters and with three quick-reply buttons, then sync the channel's templates in Settings → Channels.", ru: "Пока ни один синхронизированный шаблон не подходит: создайте одобренный шаблон без параметров и с тремя кнопками быстрого ответа, затем синхронизируйте шаблоны канала в Настройках → Каналы."},
	"rating_template.unfit":             {en: "Templates that cannot be the form, and why", ru: "Шаблоны, которые не годятся для формы, и почему"},
	"rating_template.fit_not_approved":  {en: "not approved", ru: "не одобрен"},
	"rating_template.fit_parameters":    {en: "has parameters to fill", ru: "есть параметры, которые нужно заполнять"},
	"rating_template.fit_quick_replies": {en: "needs exactly three quick-reply buttons", ru: "нужно ровно три кнопки быстрого ответа"},
	"rating_template.no_channel":        {en: "The workspace has no such channel: the rating form always goes as the standard message above.", ru: "В пространстве нет такого канала: форма оценки всегда отправляется как стандартное сообщение выше."},
}

var _ = addCatalog(templateTexts)
