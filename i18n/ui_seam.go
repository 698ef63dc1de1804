package i18n

// seamTexts are the texts of Settings → Channels and of the reasons a
// message to a channel was not sent.
var seamTexts = map[string]entry{
	"settings.channels": {en: "Channels", ru: "Каналы"},
	"channels.lead": {en: "Where your clients write to you. Tokens and secrets are never shown once saved: type a new one to replace it.",
		ru: "Где клиенты пишут вам. Токены и секреты после сохранения не показываются: чтобы заменить, введите новый."},
	"channels.webhook_url": {en: "Webhook (callback) URL", ru: "Адрес вебхука (callback URL)"},
	"channels.widget_url":  {en: "Chat page for clients", ru: "Страница чата для клиентов"},
	"channels.state_on":    {en: "On", ru: "Включён"},
	"channels.state_off":   {en: "Off", ru: "Выключен"},
	"channels.off_hint": {en: "Switched off: its webhook answers 404 and messages to its clients are not sent.",
		ru: "Выключен: его вебхук отвечает 404, а сообщения его клиентам не отправляются."},
	"channels.needs_settings": {en: "Its settings were sealed with a key that is lost: enter them again below, then switch it on. It needs:",
		ru: "Его настройки были зашифрованы потерянным ключом: введите их заново ниже, затем включите канал. Нужны:"},
	"channels.edit":               {en: "Settings", ru: "Настройки"},
	"channels.name":               {en: "Name", ru: "Название"},
	"channels.set":                {en: "set", ru: "задан"},
	"channels.secret_placeholder": {en: "set; type a new one to replace", ru: "задан; введите новый, чтобы заменить"},
	"channels.secret_hint": {en: "Secrets left empty keep their value.",
		ru: "Пустые поля секретов сохраняют прежнее значение."},
	"channels.disable": {en: "Switch off", ru: "Выключить"},
	"channels.enable":  {en: "Switch on", ru: "Включить"},
	"channels.add":     {en: "Connect a channel", ru: "Подключить канал"},
	"channels.connects": {en: "Paste the token: Beseda checks it and sets up the webhook itself.",
		ru: "Вставьте токен: Беседа проверит его и сама настроит вебхук."},
	"channels.paste": {en: "Once connected, paste the webhook URL and the verify token shown on the channel into the app's webhook settings.",
		ru: "После подключения вставьте адрес вебхука и маркер подтверждения, показанные у канала, в настройки вебхука приложения."},
	"channels.connect": {en: "Connect", ru: "Подключить"},
	"channels.more":    {en: "More settings", ru: "Дополнительно"},
	"channels.added":   {en: "“%s” is connected.", ru: "Канал «%s» подключён."},
	"channels.saved":   {en: "“%s” is saved.", ru: "Канал «%s» сохранён."},
	"channels.enabled": {en: "“%s” is switched on.", ru: "Канал «%s» включён."},
	"channels.disabled": {en: "“%s” is switched off: its webhook answers 404 and its messages are not sent.",
		ru: "Канал «%s» выключен: его вебхук отвечает 404, сообщения не отправляются."},

	"reason.outside_messaging_window": {en: "not sent: the client wrote too long ago for the messenger to allow it",
		ru: "не отправлено: клиент писал слишком давно, мессенджер этого не позволяет"},
	"reason.channel_disabled":            {en: "not sent: the channel is switched off", ru: "не отправлено: канал выключен"},
	"dialog.form_error.channel_disabled": {en: "not sent: the channel is switched off", ru: "не отправлена: канал выключен"},
}

var _ = addCatalog(seamTexts)
