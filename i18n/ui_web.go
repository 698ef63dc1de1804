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
}

var _ = addCatalog(webTexts)
