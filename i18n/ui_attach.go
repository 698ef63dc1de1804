package i18n

import "golang.org/x/text/feature/plural"

// attachTexts are the texts of attachments and internal notes, in the
// console and the web chat.
var attachTexts = map[string]entry{
	"attach.add":       {en: "Attach files", ru: "Прикрепить файлы"},
	"attach.list":      {en: "Files to send", ru: "Файлы к отправке"},
	"attach.remove":    {en: "Remove", ru: "Убрать"},
	"attach.failed":    {en: "not uploaded", ru: "не загружен"},
	"attach.too_large": {en: "too large", ru: "слишком большой"},
	"attach.uploading": {en: "uploading…", ru: "загружается…"},
	"attach.drop":      {en: "Drop files to attach them", ru: "Отпустите файлы, чтобы прикрепить их"},
	"attach.size_b":    {en: "%d B", ru: "%d Б"},
	"attach.size_kb":   {en: "%s KB", ru: "%s КБ"},
	"attach.size_mb":   {en: "%s MB", ru: "%s МБ"},
	"attach.files": {
		en: plural.Selectf(1, "%d", plural.One, "%d file", plural.Other, "%d files"),
		ru: plural.Selectf(1, "%d", plural.One, "%d файл", plural.Few, "%d файла", plural.Many, "%d файлов", plural.Other, "%d файла"),
	},

	"note.label":       {en: "Internal note", ru: "Внутренняя заметка"},
	"note.short":       {en: "Note", ru: "Заметка"},
	"note.mode":        {en: "Note", ru: "Заметка"},
	"note.mode_hint":   {en: "Internal note: only managers see it; the client never gets it.", ru: "Внутренняя заметка: её видят только менеджеры, клиент её не получит."},
	"note.add":         {en: "Add note", ru: "Добавить заметку"},
	"note.only":        {en: "You can leave an internal note for the managers.", ru: "Можно оставить внутреннюю заметку для менеджеров."},
	"note.placeholder": {en: "Write an internal note…", ru: "Напишите внутреннюю заметку…"},

	"widget.attach":        {en: "Attach a file", ru: "Прикрепить файл"},
	"widget.uploading":     {en: "Uploading…", ru: "Загружаем…"},
	"widget.err_too_large": {en: "The file is too large.", ru: "Файл слишком большой."},
	"widget.err_upload":    {en: "The file could not be sent. Please try again.", ru: "Не удалось отправить файл. Попробуйте ещё раз."},
	"widget.remove_file":   {en: "Remove", ru: "Убрать"},
	"widget.files_to_send": {en: "Files to send", ru: "Файлы к отправке"},
}

var _ = addCatalog(attachTexts)
