package i18n

// dataRightsTexts are the texts of the audit log and of the clients' data:
// retention, export and erasure.
var dataRightsTexts = map[string]entry{
	"settings.audit": {en: "Audit log", ru: "Журнал аудита"},
	"audit.lead": {en: "Who did what, when and from which address: sign-ins, users and permissions, settings, channels, webhooks, exports and erasures. Entries cannot be changed or removed; the retention policy removes old ones.",
		ru: "Кто что сделал, когда и с какого адреса: входы, пользователи и права, настройки, каналы, вебхуки, выгрузки и удаления данных. Записи нельзя изменить или удалить; старые удаляет политика хранения."},
	"audit.csv":     {en: "Download CSV", ru: "Скачать таблицу"},
	"audit.actor":   {en: "Who", ru: "Кто"},
	"audit.action":  {en: "What", ru: "Что"},
	"audit.when":    {en: "When", ru: "Когда"},
	"audit.address": {en: "Address", ru: "Адрес"},
	"audit.changes": {en: "Changes", ru: "Изменения"},
	"audit.system":  {en: "Beseda itself", ru: "Сама Беседа"},
	"audit.older":   {en: "Older entries", ru: "Более ранние записи"},
	"audit.none":    {en: "No entries match.", ru: "Подходящих записей нет."},

	"audit.via.session": {en: "in the console", ru: "в консоли"},
	"audit.via.api":     {en: "through the API", ru: "через программный интерфейс"},

	"audit.action.auth.sign_in":              {en: "Signed in", ru: "Вход"},
	"audit.action.auth.sign_in_failed":       {en: "Sign-in failed", ru: "Неудачный вход"},
	"audit.action.user.password_changed":     {en: "Password changed", ru: "Пароль изменён"},
	"audit.action.user.created":              {en: "User added", ru: "Пользователь добавлен"},
	"audit.action.user.changed":              {en: "User changed", ru: "Пользователь изменён"},
	"audit.action.settings.changed":          {en: "Settings changed", ru: "Настройки изменены"},
	"audit.action.standard_messages.changed": {en: "Standard messages changed", ru: "Стандартные сообщения изменены"},
	"audit.action.channel.created":           {en: "Channel added", ru: "Канал добавлен"},
	"audit.action.channel.changed":           {en: "Channel changed", ru: "Канал изменён"},
	"audit.action.webhook.created":           {en: "Webhook added", ru: "Вебхук добавлен"},
	"audit.action.webhook.deleted":           {en: "Webhook removed", ru: "Вебхук удалён"},
	"audit.action.retention.changed":         {en: "Retention policy changed", ru: "Политика хранения изменена"},
	"audit.action.retention.removed":         {en: "Old data removed", ru: "Старые данные удалены"},
	"audit.action.client.exported":           {en: "Client's data exported", ru: "Данные клиента выгружены"},
	"audit.action.client.erased":             {en: "Client's data erased", ru: "Данные клиента удалены"},
}

var _ = addCatalog(dataRightsTexts)
