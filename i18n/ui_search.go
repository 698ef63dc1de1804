package i18n

// Search (issue 21): the console's search page and the errors of a query.
var searchTexts = map[string]entry{
	"search.title":           {en: "Search", ru: "Поиск"},
	"search.box":             {en: "Search messages, dialogs, clients", ru: "Поиск по сообщениям, диалогам, клиентам"},
	"search.submit":          {en: "Search", ru: "Найти"},
	"search.hint":            {en: "Press / to search. Words match their other forms; \"quotes\" find a phrase; a * after letters, words that start so.", ru: "Нажмите / для поиска. Слова находятся в любой форме; «кавычки» ищут фразу; * после букв — слова, которые так начинаются."},
	"search.filters":         {en: "Filters", ru: "Фильтры"},
	"search.kind":            {en: "Look in", ru: "Где искать"},
	"search.kind_all":        {en: "Everything", ru: "Везде"},
	"search.kind.message":    {en: "Messages", ru: "Сообщения"},
	"search.kind.dialog":     {en: "Dialogs", ru: "Диалоги"},
	"search.kind.subscriber": {en: "Clients", ru: "Клиенты"},
	"search.order":           {en: "Order", ru: "Порядок"},
	"search.order.newest":    {en: "Newest first", ru: "Сначала новые"},
	"search.order.relevance": {en: "Most relevant first", ru: "Сначала подходящие"},
	"search.channel":         {en: "Channel", ru: "Канал"},
	"search.any":             {en: "Any", ru: "Любой"},
	"search.in_dialogs":      {en: "In dialogs only", ru: "Только в диалогах"},
	"search.none":            {en: "Nothing found.", ru: "Ничего не найдено."},
	"search.none_kind":       {en: "None.", ru: "Нет."},
	"search.more":            {en: "More", ru: "Ещё"},
	"search.note":            {en: "Internal note", ru: "Внутренняя заметка"},
	"search.in_dialog":       {en: "in the dialog", ru: "в диалоге"},
	"history.earlier":        {en: "Earlier messages", ru: "Более ранние сообщения"},
	"history.newest":         {en: "To the newest messages", ru: "К последним сообщениям"},
	"search.prompt":          {en: "Type a word, a \"phrase\" or the start of a word.", ru: "Введите слово, «фразу» или начало слова."},

	"field.q":      {en: "The search", ru: "Запрос"},
	"field.cursor": {en: "The page", ru: "Страница"},
	"field.kind":   {en: "Where to look", ru: "Где искать"},
	"field.order":  {en: "The order", ru: "Порядок"},
	"field.status": {en: "The status", ru: "Статус"},
	"field.from":   {en: "From", ru: "С"},
	"field.to":     {en: "to", ru: "по"},
}

var searchErrors = map[string]entry{
	"%s: at most %d characters":              {en: "%s: at most %d characters.", ru: "%s: не длиннее %d символов."},
	"%s: contains a NUL byte":                {en: "%s holds characters that cannot be searched.", ru: "%s: есть символы, по которым нельзя искать."},
	"%s: type a word to search for":          {en: "%s: type a word to search for.", ru: "%s: введите слово для поиска."},
	"%s: at most %d words":                   {en: "%s: at most %d words.", ru: "%s: не больше %d слов."},
	"%s: not a cursor this search returned":  {en: "%s: start the search again.", ru: "%s: начните поиск заново."},
	"%s: one of message, subscriber, dialog": {en: "%s: messages, dialogs or clients.", ru: "%s: сообщения, диалоги или клиенты."},
	"%s: newest or relevance":                {en: "%s: newest or most relevant first.", ru: "%s: сначала новые или подходящие."},
	"%s: active, paused or completed":        {en: "%s: active, paused or completed.", ru: "%s: активен, на паузе или завершён."},
	"%s must be before %s":                   {en: "%s must be before %s.", ru: "%s должно быть раньше, чем %s."},
}

var _ = addCatalog(searchTexts)
var _ = addCatalog(prefixed(errorKey, searchErrors))
