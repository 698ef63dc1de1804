package i18n

import "golang.org/x/text/feature/plural"

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
	"audit.token":       {en: "token “%s” #%s", ru: "ключ доступа «%s» №%s"},

	"audit.action.auth.sign_in":              {en: "Signed in", ru: "Вход"},
	"audit.action.auth.sign_in_failed":       {en: "Sign-in failed", ru: "Неудачный вход"},
	"audit.action.user.password_changed":     {en: "Password changed", ru: "Пароль изменён"},
	"audit.action.user.two_factor_on":        {en: "Two-factor sign-in on", ru: "Двухфакторный вход включён"},
	"audit.action.user.two_factor_off":       {en: "Two-factor sign-in off", ru: "Двухфакторный вход выключен"},
	"audit.action.token.created":             {en: "API token created", ru: "Ключ доступа создан"},
	"audit.action.token.revoked":             {en: "API token revoked", ru: "Ключ доступа отозван"},
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

	"settings.data": {en: "Clients' data", ru: "Данные клиентов"},
	"retention.lead": {en: "How long Beseda keeps what clients and managers leave behind. Older data is removed every hour; each removal is in the audit log.",
		ru: "Сколько Беседа хранит то, что оставляют клиенты и менеджеры. Более старые данные удаляются каждый час; каждое удаление записано в журнал аудита."},
	"retention.messages": {en: "Messages, days", ru: "Сообщения, дней"},
	"retention.files":    {en: "Files, days (their messages stay)", ru: "Файлы, дней (сообщения остаются)"},
	"retention.dialogs":  {en: "Closed dialogs, days after completion", ru: "Завершённые диалоги, дней после завершения"},
	"retention.audit":    {en: "Audit log, days", ru: "Журнал аудита, дней"},
	"retention.hint": {en: "Empty: keep for ever. Messages still waiting to be delivered stay until they are. Removed dialogs leave the report and its figures; their messages stay in the client's chat until the messages' period ends. Active and paused dialogs are never removed.",
		ru: "Пусто — хранить всегда. Сообщения, которые ещё ждут доставки, остаются до неё. Удалённые диалоги пропадают из отчёта и его цифр; их сообщения остаются в чате клиента, пока не истечёт срок сообщений. Активные и приостановленные диалоги не удаляются никогда."},

	"erase.menu":   {en: "Client's data", ru: "Данные клиента"},
	"erase.export": {en: "Download the client's data", ru: "Скачать данные клиента"},
	"erase.lead": {en: "Erasing removes the client's messages and files and their name for good; their dialogs and ratings stay in the report without titles.",
		ru: "Удаление навсегда стирает сообщения, файлы и имя клиента; его диалоги и оценки остаются в отчёте без названий."},
	"erase.confirm":     {en: "I understand that this cannot be undone", ru: "Я понимаю, что это нельзя отменить"},
	"erase.submit":      {en: "Erase the client's data", ru: "Удалить данные клиента"},
	"erase.unconfirmed": {en: "Tick the box to confirm the erasure.", ru: "Отметьте флажок, чтобы подтвердить удаление."},
	"erase.done": {
		en: plural.Selectf(1, "%d", plural.One, "Client erased: %d message and %d files removed.", plural.Other, "Client erased: %d messages and %d files removed."),
		ru: plural.Selectf(1, "%d", plural.One, "Данные клиента удалены: %d сообщение, файлов: %d.", plural.Few, "Данные клиента удалены: %d сообщения, файлов: %d.",
			plural.Many, "Данные клиента удалены: %d сообщений, файлов: %d.", plural.Other, "Данные клиента удалены: %d сообщения, файлов: %d."),
	},
}

var _ = addCatalog(dataRightsTexts)
