package i18n

// consoleTexts are the console's texts for live pages, the chat's Dialogs
// menu and keyboard use.
var consoleTexts = map[string]entry{
	"a11y.skip_conversation": {en: "Skip to the conversation", ru: "К переписке"},
	"chat.dialogs_menu":      {en: "Dialogs", ru: "Диалоги"},
	"chat.dialogs_count":     {en: "Dialogs (%d)", ru: "Диалоги (%d)"},
	"dialog.create_new":      {en: "Create new dialog", ru: "Создать новый диалог"},
	"composer.not_sent": {en: "Not sent. Your text is kept: try again.",
		ru: "Не отправлено. Текст сохранён: попробуйте ещё раз."},
	"nav.account": {en: "Account: %s", ru: "Профиль: %s"},
	"composer.kept_as_note": {en: "The dialog is active again: your text stays an internal note until you switch Note off.",
		ru: "Диалог снова активен: ваш текст останется внутренней заметкой, пока вы не выключите «Заметку»."},
}

var _ = addCatalog(consoleTexts)
