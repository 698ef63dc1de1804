package i18n

// webTexts are the texts of the web-chat widget and of the console's screens
// added with it (saved replies, status confirmation, …).
var webTexts = map[string]entry{
	"widget.online":        {en: "We reply here", ru: "Отвечаем здесь"},
	"widget.your_name":     {en: "Your name", ru: "Ваше имя"},
	"widget.start":         {en: "Start chat", ru: "Начать чат"},
	"widget.starting":      {en: "Starting…", ru: "Начинаем…"},
	"widget.start_lead":    {en: "Tell us your name and write your question: we will answer in this window.", ru: "Представьтесь и напишите вопрос: мы ответим в этом окне."},
	"widget.message":       {en: "Message", ru: "Сообщение"},
	"widget.placeholder":   {en: "Write a message…", ru: "Напишите сообщение…"},
	"widget.send":          {en: "Send", ru: "Отправить"},
	"widget.empty":         {en: "Write us: a person will answer.", ru: "Напишите нам: ответит человек."},
	"widget.err_generic":   {en: "Something went wrong. Please try again.", ru: "Что-то пошло не так. Попробуйте ещё раз."},
	"widget.err_offline":   {en: "No connection. Check the internet and try again.", ru: "Нет связи. Проверьте интернет и попробуйте ещё раз."},
	"widget.err_invalid":   {en: "This message cannot be sent: it is empty or too long.", ru: "Это сообщение нельзя отправить: оно пустое или слишком длинное."},
	"widget.err_name":      {en: "The name is too long: at most 100 characters.", ru: "Имя слишком длинное: не больше 100 символов."},
	"widget.err_session":   {en: "Your chat session has ended. Start the chat again.", ru: "Сессия чата закончилась. Начните чат снова."},
	"widget.err_busy":      {en: "Too many attempts. Wait a minute and try again.", ru: "Слишком много попыток. Подождите минуту и попробуйте снова."},
	"widget.err_button":    {en: "This button no longer works.", ru: "Эта кнопка больше не работает."},
	"widget.err_not_found": {en: "This chat does not exist.", ru: "Такого чата нет."},

	"perm.saved_replies.edit": {en: "Can edit saved replies", ru: "Может редактировать шаблоны ответов"},

	"error.title_forbidden": {en: "Access denied", ru: "Доступ закрыт"},
	"error.title_not_found": {en: "Not found", ru: "Не найдено"},
	"error.title_invalid":   {en: "Check the request", ru: "Проверьте запрос"},
	"error.title_conflict":  {en: "That cannot be done now", ru: "Сейчас это сделать нельзя"},

	"chats.by_bot":      {en: "Bot:", ru: "Бот:"},
	"chats.by_system":   {en: "System:", ru: "Система:"},
	"chats.by_name":     {en: "%s:", ru: "%s:"},
	"chats.not_sent":    {en: "not sent", ru: "не отправлено"},
	"source.manager_of": {en: "Manager %s", ru: "Менеджер %s"},

	"dialogs.paused":      {en: "Paused", ru: "Приостановленные"},
	"dialogs.none_paused": {en: "No paused dialogs.", ru: "Приостановленных диалогов нет."},
	"dialogs.none_mine":   {en: "You take part in no active dialog.", ru: "Вы не участвуете ни в одном активном диалоге."},

	"dialog.saved":             {en: "Saved", ru: "Сохранено"},
	"dialog.cancel":            {en: "Cancel", ru: "Отмена"},
	"dialog.status_hint":       {en: "A new status is confirmed after saving.", ru: "Новый статус нужно будет подтвердить после сохранения."},
	"dialog.create_blocked":    {en: "This client has an active dialog: pause or complete it to create another.", ru: "У клиента есть активный диалог: приостановите или завершите его, чтобы создать новый."},
	"dialog.confirm_paused":    {en: "Pause this dialog?", ru: "Приостановить диалог?"},
	"dialog.confirm_active":    {en: "Resume this dialog?", ru: "Возобновить диалог?"},
	"dialog.confirm_completed": {en: "Complete this dialog?", ru: "Завершить диалог?"},
	"dialog.confirm_paused_lead": {en: "The client's general chat opens again, and automation held for the dialog goes out.",
		ru: "Общий чат клиента снова откроется, а автоматические сообщения, ждавшие конца диалога, уйдут клиенту."},
	"dialog.confirm_active_lead": {en: "The client's general chat locks again, and automation waits until the dialog ends.",
		ru: "Общий чат клиента снова закроется, а автоматические сообщения будут ждать конца диалога."},
	"dialog.confirm_completed_lead": {en: "Afterwards only its reasons and components can change. Check them, rate the client and send them the rating form if you like.",
		ru: "После этого менять можно будет только причины и компоненты. Проверьте их, оцените клиента и, если хотите, отправьте ему форму оценки."},

	"settings.saved_replies":      {en: "Saved replies", ru: "Шаблоны ответов"},
	"settings.saved_replies_lead": {en: "Ready answers for every composer: type / and part of the name to insert one.", ru: "Готовые ответы для любого поля сообщения: наберите / и часть названия, чтобы вставить."},
	"saved.name":                  {en: "Name (typed after /)", ru: "Название (после /)"},
	"saved.text":                  {en: "Text", ru: "Текст"},
	"saved.add":                   {en: "Add a reply", ru: "Добавить шаблон"},
	"saved.none":                  {en: "No saved replies yet.", ru: "Шаблонов пока нет."},
	"saved.menu":                  {en: "Saved replies", ru: "Шаблоны ответов"},
	"saved.hint":                  {en: "Type / for saved replies", ru: "Наберите / для шаблонов"},
	"saved.added":                 {en: "The reply was added.", ru: "Шаблон добавлен."},
	"saved.removed":               {en: "The reply was removed.", ru: "Шаблон удалён."},
}

var _ = addCatalog(webTexts)
