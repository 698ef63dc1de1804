package i18n

// behaviourTexts are the console's texts about what the client sees: held
// automation released after a dialog, answered rating forms, the client's
// language, and the confirmations, hints and past-tense history around them.
var behaviourTexts = map[string]entry{
	"msg.released":       {en: "Held during a dialog; produced at %s", ru: "Ждало конца диалога; создано в %s"},
	"msg.released_short": {en: "after the dialog", ru: "после диалога"},

	"widget.answered": {en: "You have rated this conversation already. Thank you!", ru: "Вы уже оценили этот разговор. Спасибо!"},
	"widget.chosen":   {en: "Your answer", ru: "Ваш ответ"},
	"msg.chosen":      {en: "the client's answer", ru: "ответ клиента"},
}

var _ = addCatalog(behaviourTexts)
