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
}

var _ = addCatalog(templateTexts)
