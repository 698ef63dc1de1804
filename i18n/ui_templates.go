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
}

var _ = addCatalog(templateTexts)
