package i18n

// routingTexts are the texts of chat routing: the chat list's views, the
// assignee picker, availability, capacities and the policy.
var routingTexts = map[string]entry{
	"chats.filter":      {en: "Which chats", ru: "Какие чаты"},
	"chats.filter.all":  {en: "All", ru: "Все"},
	"chats.filter.me":   {en: "Mine", ru: "Мои"},
	"chats.filter.none": {en: "Unassigned", ru: "Без ответственного"},

	"chat.assignee":     {en: "Assignee", ru: "Ответственный"},
	"chat.assignee_is":  {en: "Assignee: %s", ru: "Ответственный: %s"},
	"chat.assigned_you": {en: "Yours", ru: "Ваш"},
	"chat.unassigned":   {en: "Not assigned", ru: "Без ответственного"},
	"chat.waiting":      {en: "Waiting", ru: "Ждёт"},
	"chat.nobody":       {en: "No one", ru: "Никто"},
	"chat.assign":       {en: "Assign", ru: "Назначить"},
	"chat.assignments":  {en: "Assignment history", ru: "История назначений"},

	"history.routing":           {en: "Routing", ru: "Распределение"},
	"history.chat_assigned":     {en: "%s assigned the chat to %s", ru: "%s: чат назначен на %s"},
	"history.chat_unassigned":   {en: "%s took the chat from %s", ru: "%s: чат снят с %s"},
	"hooks.event.chat.assigned": {en: "Chat assigned or unassigned", ru: "Чат назначен или снят"},

	"availability.label":   {en: "Your availability", ru: "Ваша доступность"},
	"availability.online":  {en: "Online", ru: "В сети"},
	"availability.away":    {en: "Away", ru: "Отошёл"},
	"availability.offline": {en: "Offline", ru: "Не в сети"},
	"availability.set":     {en: "Set", ru: "Сменить"},

	"users.capacity":    {en: "Chats at once", ru: "Чатов одновременно"},
	"users.capacity_of": {en: "Chats at once for %s", ru: "Чатов одновременно: %s"},

	"routing.title": {en: "Routing of incoming chats", ru: "Распределение входящих чатов"},
	"routing.lead": {en: "A chat the client writes in without an assignee waits for a manager who is online and below their number of chats at once, oldest first, within business hours. Completing a dialog frees the chat.",
		ru: "Чат, в который клиент пишет без ответственного, ждёт менеджера в сети, у которого чатов меньше предела, — сначала самые давние, в рабочее время. Завершение диалога освобождает чат."},
	"routing.policy":             {en: "Who gets a waiting chat", ru: "Кому достаётся ждущий чат"},
	"routing.policy.manual":      {en: "No one: managers take chats themselves", ru: "Никому: менеджеры берут чаты сами"},
	"routing.policy.round_robin": {en: "In turn (round robin)", ru: "По очереди"},
	"routing.policy.least_busy":  {en: "The least busy manager", ru: "Наименее занятому менеджеру"},
	"routing.away_after":         {en: "Idle minutes before “Away”", ru: "Минут бездействия до «Отошёл»"},
}

// routingErrors write the errors of routing for managers.
var routingErrors = map[string]entry{
	"the manager has %d open chats, their capacity": {en: "The manager already has %d open chats, as many as they take at once.",
		ru: "У менеджера уже %d открытых чатов — столько, сколько он берёт одновременно."},
	"availability must be online, away or offline":       {en: "Choose online, away or offline.", ru: "Выберите: в сети, отошёл или не в сети."},
	"availability is set by each manager for themselves": {en: "Each manager sets their own availability.", ru: "Доступность каждый менеджер задаёт сам."},
	"policy must be manual, round_robin or least_busy":   {en: "Choose who gets a waiting chat.", ru: "Выберите, кому достаётся ждущий чат."},
	"away_after_minutes must be 1 to %d":                 {en: "Idle minutes: 1 to %d.", ru: "Минут бездействия: от 1 до %d."},
	"capacity must be 0 to %d":                           {en: "Chats at once: 0 to %d.", ru: "Чатов одновременно: от 0 до %d."},
	"assignee_id must be a manager's id or null":         {en: "Choose a manager or no one.", ru: "Выберите менеджера или «Никто»."},
	"assignee_id is required (null unassigns)":           {en: "Choose a manager or no one.", ru: "Выберите менеджера или «Никто»."},
	"assignee must be me, none or a manager's id":        {en: "Unknown view of the chats.", ru: "Неизвестный отбор чатов."},
}

var _ = addCatalog(routingTexts)
var _ = addCatalog(prefixed(errorKey, routingErrors))

// slaReportTexts are the SLA part of the report.
var slaReportTexts = map[string]entry{
	"report.sla":                {en: "Response times and SLA", ru: "Сроки ответа"},
	"report.sla_csv":            {en: "Download the SLA figures (CSV)", ru: "Скачать таблицу сроков"},
	"report.sla_none":           {en: "No dialog of the period has SLA targets.", ru: "Ни у одного диалога за период нет сроков ответа."},
	"report.sla_group":          {en: "Group", ru: "Группа"},
	"report.sla_total":          {en: "All dialogs with targets", ru: "Все диалоги со сроками"},
	"report.sla_dialogs":        {en: "Dialogs", ru: "Диалоги"},
	"report.sla_attainment":     {en: "Targets met", ru: "Сроки соблюдены"},
	"report.sla_first_response": {en: "First response, average", ru: "Первый ответ, в среднем"},
	"report.sla_resolution":     {en: "Resolution, average", ru: "Решение, в среднем"},
	"report.sla_by_manager":     {en: "By manager", ru: "По менеджерам"},
	"report.sla_by_type":        {en: "By type", ru: "По типам"},
	"report.sla_per_day":        {en: "By day", ru: "По дням"},
}

var _ = addCatalog(slaReportTexts)
