package i18n

import "golang.org/x/text/feature/plural"

// integrationsTexts are the texts of Settings → Integrations (outgoing
// webhooks).
var integrationsTexts = map[string]entry{
	"settings.integrations":    {en: "Integrations", ru: "Интеграции"},
	"perm.integrations.manage": {en: "Can manage integrations", ru: "Может управлять интеграциями"},
	"perm.audit.read":          {en: "Can read the audit log", ru: "Может читать журнал аудита"},

	"hooks.lead": {en: "Webhooks tell your CRM or data team when a client writes, a dialog starts, changes status or gets rated: a signed POST to your address for every event, retried for a day until it answers 2xx.",
		ru: "Вебхуки сообщают вашей CRM или аналитикам, когда клиент пишет, диалог создан, меняет статус или получает оценку: подписанный POST на ваш адрес на каждое событие, с повторами в течение суток, пока не придёт ответ 2xx."},
	"hooks.count": {
		en: plural.Selectf(1, "%d", plural.One, "%d webhook", plural.Other, "%d webhooks"),
		ru: plural.Selectf(1, "%d", plural.One, "%d вебхук", plural.Few, "%d вебхука", plural.Many, "%d вебхуков", plural.Other, "%d вебхука"),
	},
	"hooks.attempt_count": {
		en: plural.Selectf(1, "%d", plural.One, "%d attempt", plural.Other, "%d attempts"),
		ru: plural.Selectf(1, "%d", plural.One, "%d попытка", plural.Few, "%d попытки", plural.Many, "%d попыток", plural.Other, "%d попытки"),
	},
	"hooks.none":         {en: "No webhooks yet.", ru: "Вебхуков пока нет."},
	"hooks.add":          {en: "Add a webhook", ru: "Добавить вебхук"},
	"hooks.url":          {en: "Receiver's address", ru: "Адрес получателя"},
	"hooks.url_hint":     {en: "An http(s) address on the internet that takes POST requests.", ru: "Адрес http(s) в интернете, принимающий POST-запросы."},
	"hooks.events":       {en: "Events", ru: "События"},
	"hooks.secret":       {en: "Signing secret", ru: "Секрет для подписи"},
	"hooks.secret_hint":  {en: "Each request carries X-Beseda-Signature: the HMAC-SHA256 of its body with this secret. It is never shown again.", ru: "Каждый запрос несёт X-Beseda-Signature — HMAC-SHA256 тела с этим секретом. Больше он нигде не показывается."},
	"hooks.test":         {en: "Send test event", ru: "Отправить тестовое событие"},
	"hooks.since":        {en: "added %s", ru: "добавлен %s"},
	"hooks.attempts":     {en: "Last attempts", ru: "Последние попытки"},
	"hooks.no_attempts":  {en: "Nothing sent yet.", ru: "Пока ничего не отправлено."},
	"hooks.col_time":     {en: "Time", ru: "Время"},
	"hooks.col_event":    {en: "Event", ru: "Событие"},
	"hooks.col_answer":   {en: "Answer", ru: "Ответ"},
	"hooks.col_delivery": {en: "Delivery", ru: "Доставка"},
	"hooks.ms":           {en: "%d ms", ru: "%d мс"},
	"hooks.no_answer":    {en: "no answer", ru: "нет ответа"},
	"hooks.next":         {en: "next at %s", ru: "следующая в %s"},
	"hooks.added":        {en: "Webhook added.", ru: "Вебхук добавлен."},
	"hooks.removed":      {en: "Webhook removed.", ru: "Вебхук удалён."},
	"hooks.test_sent":    {en: "Test event queued: its attempt shows below in a moment.", ru: "Тестовое событие поставлено в очередь: попытка появится ниже через мгновение."},

	"hooks.status.pending":   {en: "retrying", ru: "повторяется"},
	"hooks.status.delivered": {en: "delivered", ru: "доставлено"},
	"hooks.status.failed":    {en: "given up", ru: "не доставлено"},

	"hooks.event.message.received":      {en: "A client wrote", ru: "Клиент написал"},
	"hooks.event.dialog.created":        {en: "Dialog created", ru: "Диалог создан"},
	"hooks.event.dialog.status_changed": {en: "Dialog status changed", ru: "Статус диалога изменён"},
	"hooks.event.dialog.client_rated":   {en: "Client rated a dialog", ru: "Клиент оценил диалог"},
	"hooks.event.test":                  {en: "Test event", ru: "Тестовое событие"},
}

var _ = addCatalog(integrationsTexts)
