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

	"dialog.completed_edit_hint": {en: "The dialog is completed: only its reasons and components can still change.",
		ru: "Диалог завершён: менять можно только причины и компоненты."},

	"confirm.remove_title":   {en: "Remove “%s”?", ru: "Удалить «%s»?"},
	"confirm.remove_catalog": {en: "Dialogs that have it keep it; it can no longer be chosen.", ru: "Диалоги, где это уже выбрано, сохранят выбор; выбрать это снова будет нельзя."},
	"confirm.remove_reply":   {en: "Managers can no longer insert it with /.", ru: "Менеджеры больше не смогут вставить его через /."},
	"confirm.remove_webhook": {en: "Events are no longer sent to this address, and its deliveries are removed.", ru: "События перестанут отправляться на этот адрес, а журнал доставок будет удалён."},

	"saved.none_yet":        {en: "No saved replies yet.", ru: "Шаблонов ответов пока нет."},
	"saved.no_match":        {en: "No saved reply has that name.", ru: "Нет шаблона с таким названием."},
	"saved.add_in_settings": {en: "Add them in Settings", ru: "Добавить в настройках"},

	"report.removed": {en: "%s (removed)", ru: "%s (удалено)"},

	"language.en":                 {en: "English", ru: "Английский"},
	"language.ru":                 {en: "Russian", ru: "Русский"},
	"settings.workspace_language": {en: "the workspace's language", ru: "язык пространства"},
	"settings.messages_languages": {en: "A client gets them in their language — the web chat's browser, a messenger's app — when it is one of these, else in the workspace's.",
		ru: "Клиент получает их на своём языке — языке браузера в веб-чате, приложения в мессенджере, — если это один из этих языков, иначе на языке пространства."},
}

var _ = addCatalog(behaviourTexts)
