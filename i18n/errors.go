package i18n

import (
	"errors"

	"github.com/beseda/beseda"
)

// errorTexts write the domain's error messages (beseda.Errorf) for managers:
// each keyed by the format the domain wrote it with, in English without
// machine names and in Russian. Arguments that name things come typed
// (beseda.Field, Labeled, Noun, Permission, Cause) and are written as the
// manager knows them. The API keeps the domain's own messages. A test checks
// that every format of the packages the console reaches is here.
var errorTexts = map[string]entry{
	// Not found: after "Not found:".
	"%s not found":                      {en: "%s", ru: "%s"},
	"%s %d not found":                   {en: "%s %d", ru: "%s %d"},
	"user %d not found":                 {en: "user %d", ru: "пользователь %d"},
	"the file of attachment %d is gone": {en: "the file of attachment %d is gone", ru: "файла вложения %d больше нет"},

	// Forbidden: after "You do not have permission for this."
	"this needs the permission %q": {en: "It needs “%s”.", ru: "Нужно разрешение «%s»."},
	"you can grant or revoke only permissions you hold yourself, and %q is not one": {
		en: "You can grant or revoke only permissions you hold yourself, and “%s” is not one.",
		ru: "Давать и отнимать можно только разрешения, которые есть у вас самих, а «%s» у вас нет."},
	"only an owner can create another owner":             {en: "Only an owner can create another owner.", ru: "Создать владельца может только владелец."},
	"only an owner can create or change owners":          {en: "Only an owner can create or change owners.", ru: "Создавать и менять владельцев может только владелец."},
	"only an owner or admin can create or change admins": {en: "Only an owner or admin can create or change admins.", ru: "Создавать и менять администраторов может только владелец или администратор."},
	"this user holds permissions you do not hold; only someone who holds all of them can change their account": {
		en: "This colleague holds permissions you do not hold: only someone who holds all of them can change their account.",
		ru: "У этого коллеги есть разрешения, которых нет у вас: менять его учётную запись может только тот, у кого они все есть."},
	"only an owner or admin can manage the clients' data": {en: "Only an owner or admin can manage the clients' data.", ru: "Управлять данными клиентов может только владелец или администратор."},
	"only an owner or admin can add channels":             {en: "Only an owner or admin can add channels.", ru: "Добавлять каналы может только владелец или администратор."},
	"only an owner or admin can manage channels":          {en: "Only an owner or admin can manage channels.", ru: "Управлять каналами может только владелец или администратор."},
	"current_password is wrong":                           {en: "The current password is wrong.", ru: "Текущий пароль неверен."},
	"missing or wrong CSRF token":                         {en: "The form has expired: reload the page and try again.", ru: "Форма устарела: обновите страницу и попробуйте снова."},

	// Invalid input: after "Check the form:".
	"%s must be 1 to %d characters":                              {en: "%s: 1 to %d characters.", ru: "%s: от 1 до %d символов."},
	"%s must be valid UTF-8":                                     {en: "%s holds characters that cannot be stored.", ru: "%s: есть символы, которые нельзя сохранить."},
	"%s must not contain a NUL byte":                             {en: "%s holds characters that cannot be stored.", ru: "%s: есть символы, которые нельзя сохранить."},
	"%s %q was removed from the settings":                        {en: "%s “%s” is no longer in the settings.", ru: "%s «%s» больше нет в настройках."},
	"%d of the subscriber_ids are not clients of this workspace": {en: "%d of the clients are not this workspace's.", ru: "Клиентов не из этого пространства: %d."},
	"%s":                         {en: "%s", ru: "%s"},
	"a funnel has 1 to 50 steps": {en: "A funnel has 1 to 50 steps.", ru: "В воронке от 1 до 50 шагов."},
	"%s must be from 1 to %d days, or null to keep for ever": {en: "%s: from 1 to %d days, or empty to keep for ever.",
		ru: "%s: от 1 до %d дней или пусто, чтобы хранить всегда."},
	"to is before from":                                                               {en: "The end of the period is before its start.", ru: "Конец периода раньше начала."},
	"unknown audit action %q":                                                         {en: "Unknown action “%s”.", ru: "Неизвестное действие «%s»."},
	"a rating is 1, 2 or 3":                                                           {en: "A rating is 1, 2 or 3.", ru: "Оценка — 1, 2 или 3."},
	"a smart answer has 1 to 20 keywords":                                             {en: "A smart answer has 1 to 20 keywords.", ru: "У умного ответа от 1 до 20 ключевых слов."},
	"template %s takes %d parameters, not %d":                                         {en: "Template %s takes %d parameters, not %d.", ru: "Шаблону %s нужно параметров: %d, а не %d."},
	"template.parameters[%d] must be 1 to 1024 bytes":                                 {en: "Template parameter %d must be 1 to 1024 bytes.", ru: "Параметр шаблона %d: от 1 до 1024 байт."},
	"template takes at most 100 parameters":                                           {en: "A template takes at most 100 parameters.", ru: "У шаблона не больше 100 параметров."},
	"a message is a template or a text with files, not both":                          {en: "A message is a template or a text with files, not both.", ru: "Сообщение — это шаблон или текст с файлами, но не то и другое."},
	"%s channels have no message templates":                                           {en: "%s channels have no message templates.", ru: "У каналов %s нет шаблонов сообщений."},
	"the client's channel takes no message templates":                                 {en: "The client's channel takes no message templates.", ru: "Канал клиента не принимает шаблоны сообщений."},
	"the channel has no template %s in %s (sync its templates?)":                      {en: "The channel has no template %s in %s: sync its templates.", ru: "У канала нет шаблона %s на языке %s: синхронизируйте шаблоны."},
	"template %s is %s, not approved":                                                 {en: "Template %s is %s, not approved.", ru: "Шаблон %s не одобрен (%s)."},
	"template needs a name (1 to 512 bytes) and a language (such as en_US)":           {en: "A template needs a name and a language (such as en_US).", ru: "У шаблона должны быть название и язык (например, en_US)."},
	"template %s in %s is not approved, so it cannot be the rating form":              {en: "Template %s in %s is not approved, so it cannot be the rating form.", ru: "Шаблон %s (%s) не одобрен, поэтому не может быть формой оценки."},
	"template %s in %s has parameters, so it cannot be the rating form":               {en: "Template %s in %s has parameters, so it cannot be the rating form.", ru: "У шаблона %s (%s) есть параметры, поэтому он не может быть формой оценки."},
	"template %s in %s needs exactly three quick-reply buttons to be the rating form": {en: "Template %s in %s needs exactly three quick-reply buttons to be the rating form.", ru: "Чтобы шаблон %s (%s) был формой оценки, у него должно быть ровно три кнопки быстрого ответа."},
	"the workspace has no channel with message templates":                             {en: "The workspace has no channel with message templates.", ru: "В пространстве нет канала с шаблонами сообщений."},
	"no channel of the workspace has template %s in %s (sync its templates?)":         {en: "No channel of the workspace has template %s in %s: sync the channel's templates.", ru: "Ни у одного канала нет шаблона %s на языке %s: синхронизируйте шаблоны канала."},
	"a workspace has at most %d webhooks; remove one first":                           {en: "A workspace has at most %d webhooks; remove one first.", ru: "Вебхуков не больше %d; сначала удалите один."},
	"account_rating is given when completing a dialog":                                {en: "The client is rated when the dialog is completed.", ru: "Клиента оценивают при завершении диалога."},
	"action must be test or remove":                                                   {en: "Unknown action.", ru: "Неизвестное действие."},
	"at most %d subscriber_ids":                                                       {en: "At most %d clients.", ru: "Не больше %d клиентов."},
	"attachment_ids holds %d files; a message takes at most %d": {
		en: "%d files attached; a message takes at most %d.", ru: "Прикреплено файлов: %d; в сообщении не больше %d."},
	"attachment_ids names upload %d twice": {en: "File %d is attached twice.", ru: "Файл %d прикреплён дважды."},
	"attachment_ids: upload %d is not one of yours waiting to be attached (unknown, attached already, or expired)": {
		en: "File %d cannot be attached: it is unknown, attached already or expired. Attach it again.",
		ru: "Файл %d нельзя прикрепить: он неизвестен, уже прикреплён или устарел. Прикрепите его снова."},
	"attachment_ids[%d] must be the id of an upload": {en: "An attached file is not known.", ru: "Прикреплённый файл не найден."},
	"config.%s %s": {en: "%s %s", ru: "%s: %s"},
	"config.%s is not a setting of %s channels (they take %s)": {
		en: "“%[1]s” is not a setting of %[2]s channels.", ru: "«%[1]s» — не настройка каналов %[2]s."},
	"config.%s is required":                  {en: "%s is required.", ru: "%s: обязательное поле."},
	"config.%s must be 1 to 1024 characters": {en: "%s: 1 to 1024 characters.", ru: "%s: от 1 до 1024 символов."},
	"current_password is required to change your password": {
		en: "Type your current password to change it.", ru: "Чтобы сменить пароль, введите текущий."},
	"email %q is not a valid address":     {en: "“%s” is not an email address.", ru: "«%s» — не адрес почты."},
	"email is not a valid address":        {en: "That is not an email address.", ru: "Это не адрес почты."},
	"events must name at least one of %s": {en: "Choose at least one event.", ru: "Выберите хотя бы одно событие."},
	"give the workspace language's texts at the top level or in languages, not both": {
		en: "The workspace language's texts are given twice.", ru: "Тексты на языке пространства переданы дважды."},
	"idempotency_key must be at most 200 bytes": {en: "The idempotency key is too long.", ru: "Ключ идемпотентности слишком длинный."},
	"internal notes are written in a dialog: POST /api/v1/dialogs/{id}/messages": {
		en: "Internal notes are written in a dialog.", ru: "Внутренние заметки пишут в диалоге."},
	"keywords must be 1 to 100 characters each": {en: "Each keyword: 1 to 100 characters.", ru: "Каждое ключевое слово — от 1 до 100 символов."},
	"kind must be one of %s":                    {en: "Unknown kind of channel.", ru: "Неизвестный вид канала."},
	"languages: %q is not a language of the standard messages (en, ru)": {
		en: "Standard messages are in English and Russian only.", ru: "Стандартные сообщения бывают только на английском и русском."},
	"locale must be en or ru": {en: "The language is English or Russian.", ru: "Язык — английский или русский."},
	"managers write through /subscribers/{id}/messages or /dialogs/{id}/messages": {
		en: "Managers write in the chat or the dialog.", ru: "Менеджеры пишут в чате или диалоге."},
	"must be an http or https URL": {en: "must be an http or https address", ru: "нужен адрес http или https"},
	"name is required":             {en: "The name is required.", ru: "Укажите имя."},
	"name may have only letters, digits, - and _ (it is typed after /)": {
		en: "The name may have only letters, digits, - and _ (it is typed after /).",
		ru: "В названии только буквы, цифры, - и _ (его набирают после /)."},
	"name must be 1 to %d characters":         {en: "The name: 1 to %d characters.", ru: "Название: от 1 до %d символов."},
	"name must be 1 to 100 characters":        {en: "The name: 1 to 100 characters.", ru: "Название: от 1 до 100 символов."},
	"name must be at most %d characters":      {en: "The name: at most %d characters.", ru: "Название: не больше %d символов."},
	"name must be at most 100 characters":     {en: "The name: at most 100 characters.", ru: "Имя: не больше 100 символов."},
	"no such button was sent to this client":  {en: "That button was not sent to this client.", ru: "Такой кнопки клиенту не отправляли."},
	"owner password is required":              {en: "The owner's password is required.", ru: "Укажите пароль владельца."},
	"password must be at least %d characters": {en: "The password: at least %d characters.", ru: "Пароль: не меньше %d символов."},
	"password must be at most 72 bytes":       {en: "The password is too long.", ru: "Пароль слишком длинный."},
	"payload must be 1 to 1000 bytes":         {en: "The button's data is too long or empty.", ru: "Данные кнопки пусты или слишком длинны."},
	"role must be owner, admin or manager":    {en: "Choose a role.", ru: "Выберите роль."},
	"secret is required: deliveries are signed with it": {
		en: "The secret is required: deliveries are signed with it.", ru: "Укажите секрет: им подписывается каждая доставка."},
	"secret must be at most %d bytes of text without NUL": {en: "The secret: at most %d bytes.", ru: "Секрет: не больше %d байт."},
	"send_rating_form is given when completing a dialog": {
		en: "The rating form is sent when the dialog is completed.", ru: "Форму оценки отправляют при завершении диалога."},
	"source must be funnel, broadcast, ai_support or system": {en: "Unknown source.", ru: "Неизвестный источник."},
	"status must be active, paused or completed":             {en: "Choose a status.", ru: "Выберите статус."},
	"steps[%d].delay_seconds must be 0 to one year":          {en: "Step %d: the delay is 0 to one year.", ru: "Шаг %d: задержка — от 0 до года."},
	"steps[%d]: %s":             {en: "Step %d: %s", ru: "Шаг %d: %s"},
	"subscriber_id is required": {en: "Choose a client.", ru: "Выберите клиента."},
	"subscriber_ids is empty; omit it to reach every client": {en: "No clients are chosen.", ru: "Клиенты не выбраны."},
	"text is %d characters long as this channel counts them (an emoji counts 2); it takes at most %d": {
		en: "The text is %d characters long as this channel counts them (an emoji counts 2); it takes at most %d.",
		ru: "В тексте %d символов по счёту этого канала (эмодзи — за два); он принимает не больше %d."},
	"text is %d characters; a saved reply takes at most %d, so that every channel can send it": {
		en: "The text is %d characters; a saved reply takes at most %d, so that every channel can send it.",
		ru: "В тексте %d символов; в шаблоне не больше %d, чтобы его мог отправить любой канал."},
	"text is %d characters; this channel takes at most %d": {
		en: "The text is %d characters; this channel takes at most %d.", ru: "В тексте %d символов; канал принимает не больше %d."},
	"text is required":                                {en: "Write a text.", ru: "Напишите текст."},
	"text must be valid UTF-8 without NUL bytes":      {en: "The text holds characters that cannot be stored.", ru: "В тексте есть символы, которые нельзя сохранить."},
	"text or attachment_ids is required":              {en: "Write a text or attach a file.", ru: "Напишите текст или прикрепите файл."},
	"the creator of a dialog is always a participant": {en: "The dialog's creator always takes part in it.", ru: "Создатель диалога всегда в нём участвует."},
	"the file could not be read to its end":           {en: "The file could not be read to its end.", ru: "Файл не удалось прочитать до конца."},
	"the file is empty":                               {en: "The file is empty.", ru: "Файл пуст."},
	"the form cannot be read":                         {en: "The form cannot be read.", ru: "Форму не удалось прочитать."},
	"the platform gave an empty file":                 {en: "The platform gave an empty file.", ru: "Платформа отдала пустой файл."},
	"the three captions must differ from each other":  {en: "The three buttons need different captions.", ru: "У трёх кнопок должны быть разные подписи."},
	"the update names no client":                      {en: "The update names no client.", ru: "В обновлении не указан клиент."},
	"this rating button is not valid":                 {en: "This rating button is not valid.", ru: "Эта кнопка оценки недействительна."},
	"title must be 1 to %d characters":                {en: "The title: 1 to %d characters.", ru: "Название: от 1 до %d символов."},
	"type_id is required":                             {en: "Choose a request type.", ru: "Выберите тип запроса."},
	"type_id must be a positive id":                   {en: "Choose a request type.", ru: "Выберите тип запроса."},
	"unknown event type %q; known: %s":                {en: "Unknown event “%s”.", ru: "Неизвестное событие «%s»."},
	"unknown permission %q":                           {en: "Unknown permission “%s”.", ru: "Неизвестное разрешение «%s»."},
	"unknown time zone %q":                            {en: "Unknown time zone “%s”.", ru: "Неизвестный часовой пояс «%s»."},
	"url is required":                                 {en: "The address is required.", ru: "Укажите адрес."},
	"url must be an http:// or https:// address":      {en: "The address must start with http:// or https://.", ru: "Адрес должен начинаться с http:// или https://."},
	"url must be at most %d characters":               {en: "The address: at most %d characters.", ru: "Адрес: не больше %d символов."},
	"url must name a host":                            {en: "The address must name a host.", ru: "В адресе нужен хост."},
	"url must not carry a user name or password; the signature authenticates deliveries": {
		en: "The address must not carry a user name or password: the signature authenticates deliveries.",
		ru: "В адресе не должно быть имени и пароля: доставки подтверждает подпись."},
	"workspace name must be 1 to 200 characters": {en: "The workspace's name: 1 to 200 characters.", ru: "Название пространства: от 1 до 200 символов."},
	"the channel needs its settings before it is switched on: %s": {
		en: "The channel needs its settings before it is switched on: %s.", ru: "Прежде чем включить канал, заполните его настройки: %s."},
	"you cannot change your own role": {en: "You cannot change your own role.", ru: "Свою роль менять нельзя."},

	// Channel settings checked by their channels (inside "config.%s %s").
	"must be a bot token (123456:ABC…)":  {en: "must be a bot token (123456:ABC…)", ru: "нужен токен бота (123456:ABC…)"},
	"must be the number's ID, in digits": {en: "must be the number's ID, in digits", ru: "нужен ID номера, цифрами"},
	"must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -": {
		en: "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -", ru: "от 1 до 256 символов: A-Z, a-z, 0-9, _ и -"},
}

// errorWords name what errors are about: nouns ("dialog not found") and
// the fields whose names the domain gives (beseda.Field).
var errorWords = map[string]entry{
	"noun.subscriber":           {en: "client", ru: "клиент"},
	"noun.dialog":               {en: "dialog", ru: "диалог"},
	"noun.channel":              {en: "channel", ru: "канал"},
	"noun.user":                 {en: "user", ru: "пользователь"},
	"noun.saved reply":          {en: "saved reply", ru: "шаблон ответа"},
	"noun.attachment":           {en: "attachment", ru: "вложение"},
	"noun.webhook":              {en: "webhook", ru: "вебхук"},
	"noun.message":              {en: "message", ru: "сообщение"},
	"noun.notification":         {en: "notification", ru: "уведомление"},
	"noun.task":                 {en: "task", ru: "задача"},
	"noun.broadcast":            {en: "broadcast", ru: "рассылка"},
	"noun.funnel":               {en: "funnel", ru: "воронка"},
	"noun.enrollment":           {en: "funnel enrollment", ru: "запись в воронку"},
	"noun.smart answer":         {en: "smart answer", ru: "умный ответ"},
	"noun.workspace":            {en: "workspace", ru: "пространство"},
	"noun.settings list":        {en: "settings list", ru: "список настроек"},
	"noun.inbound failure":      {en: "failed webhook event", ru: "несохранённое событие вебхука"},
	"noun.dialog type":          {en: "request type", ru: "тип запроса"},
	"noun.dialog reason":        {en: "reason", ru: "причина"},
	"noun.dialog component":     {en: "component", ru: "компонент"},
	"noun.template":             {en: "message template", ru: "шаблон сообщения"},
	"field.template.name":       {en: "The template's name", ru: "Название шаблона"},
	"field.template.parameters": {en: "A template parameter", ru: "Параметр шаблона"},

	"field.messages_days":     {en: "Messages", ru: "Сообщения"},
	"field.files_days":        {en: "Files", ru: "Файлы"},
	"field.audit_days":        {en: "Audit log", ru: "Журнал аудита"},
	"field.rating_prompt":     {en: "The rating request", ru: "Просьба оценить"},
	"field.caption_bad":       {en: "Button “1”", ru: "Кнопка «1»"},
	"field.caption_normal":    {en: "Button “2”", ru: "Кнопка «2»"},
	"field.caption_excellent": {en: "Button “3”", ru: "Кнопка «3»"},
	"field.thank_you":         {en: "The thank-you", ru: "Благодарность"},
	"field.email":             {en: "The email", ru: "Почта"},
	"field.text":              {en: "The text", ru: "Текст"},
	"field.name":              {en: "The name", ru: "Название"},
	"field.title":             {en: "The title", ru: "Название"},
	"field.unknown":           {en: "A field", ru: "Поле"},
}

const errorKey = "error:"

var _ = addCatalog(prefixed(errorKey, errorTexts))
var _ = addCatalog(errorWords)

func prefixed(prefix string, m map[string]entry) map[string]entry {
	out := make(map[string]entry, len(m))
	for k, v := range m {
		out[prefix+k] = v
	}
	return out
}

// HasError reports whether an error format (beseda.Errorf's) is written for
// managers.
func HasError(format string) bool { return known[errorKey+format] }

// HasWord reports whether a noun or field name (noun.X, field.X) has words.
func HasWord(key string) bool { return known[key] }

// Error writes a domain error for a manager, from its parts, in the
// printer's language; ok is false when its format is not in errorTexts (or
// a quoted error's is not), and the caller says something generic instead
// of mixing languages.
func (p *Printer) Error(err error) (string, bool) {
	var e *beseda.Error
	if !errors.As(err, &e) {
		return "", false
	}
	format, args := e.Parts()
	if !HasError(format) {
		return "", false
	}
	out := make([]any, len(args))
	for i, a := range args {
		w, ok := p.word(a)
		if !ok {
			return "", false
		}
		out[i] = w
	}
	return p.T(errorKey+format, out...), true
}

// word writes an argument of an error as a manager knows it.
func (p *Printer) word(a any) (any, bool) {
	switch v := a.(type) {
	case beseda.Permission:
		if key := "perm." + string(v); known[key] {
			return p.T(key), true
		}
		return string(v), true
	case beseda.Noun:
		if key := "noun." + string(v); known[key] {
			return p.T(key), true
		}
		return "", false
	case beseda.Field:
		if key := "field." + string(v); known[key] {
			return p.T(key), true
		}
		return p.T("field.unknown"), true
	case beseda.Labeled:
		return v.Label.In(p.Locale), true
	case beseda.Cause:
		return p.Error(v.Err)
	}
	return a, true
}
