package i18n

import "golang.org/x/text/feature/plural"

// signinTexts are the texts of signing in: the code step and single
// sign-on of the sign-in page, Account → Security (two-factor sign-in, API
// tokens) and Settings → Sign-in.
var signinTexts = map[string]entry{
	"login.code_title": {en: "Sign-in code", ru: "Код для входа"},
	"login.code_lead": {en: "Enter the code your authenticator app shows, or one of your recovery codes.",
		ru: "Введите код из приложения-аутентификатора или один из резервных кодов."},
	"login.code":         {en: "Code", ru: "Код"},
	"login.code_wrong":   {en: "The code is wrong or was used already.", ru: "Код неверный или уже использован."},
	"login.sso_lead":     {en: "Or sign in with your company account:", ru: "Или войдите через учётную запись компании:"},
	"login.sso":          {en: "Continue with single sign-on", ru: "Войти через единый вход"},
	"login.sso_continue": {en: "Continue to your company's sign-in", ru: "Перейти ко входу компании"},
	"login.sso_none":     {en: "Single sign-on is not set up for this address.", ru: "Для этого адреса единый вход не настроен."},
	"login.sso_failed":   {en: "Single sign-on did not succeed. Start again.", ru: "Единый вход не удался. Начните снова."},
	"login.sso_only": {en: "This workspace signs in with single sign-on only: use the button below.",
		ru: "В этом пространстве вход только через единый вход: нажмите кнопку ниже."},

	"security.title":      {en: "Sign-in and security", ru: "Вход и безопасность"},
	"security.two_factor": {en: "Two-factor sign-in", ru: "Двухфакторный вход"},
	"security.must_enrol": {en: "Your workspace requires two-factor sign-in: set it up to go on.",
		ru: "В вашем пространстве обязателен двухфакторный вход: настройте его, чтобы продолжить."},
	"security.off_lead": {en: "After your password, sign-in will also ask for a code from an authenticator app on your phone.",
		ru: "После пароля вход будет спрашивать ещё код из приложения-аутентификатора на телефоне."},
	"security.set_up": {en: "Set up two-factor sign-in", ru: "Настроить двухфакторный вход"},
	"security.scan": {en: "Scan this code with your authenticator app, then enter the six digits it shows.",
		ru: "Отсканируйте этот код приложением-аутентификатором и введите шесть цифр, которые оно покажет."},
	"security.qr_alt":   {en: "QR code for the authenticator app", ru: "Код для приложения-аутентификатора"},
	"security.secret":   {en: "Or type in the key:", ru: "Или введите ключ вручную:"},
	"security.code":     {en: "Code from the app", ru: "Код из приложения"},
	"security.confirm":  {en: "Turn on", ru: "Включить"},
	"security.enabled":  {en: "Two-factor sign-in is on.", ru: "Двухфакторный вход включён."},
	"security.disabled": {en: "Two-factor sign-in is off.", ru: "Двухфакторный вход выключен."},
	"security.codes_lead": {en: "Keep these recovery codes somewhere safe: each signs you in once if you lose your phone. They are shown only now.",
		ru: "Сохраните эти резервные коды в надёжном месте: каждый позволяет войти один раз, если телефон потерян. Они показаны только сейчас."},
	"security.codes_done": {en: "I have saved them", ru: "Я их сохранил"},
	"security.on":         {en: "On", ru: "Включён"},
	"security.codes_left": {
		en: plural.Selectf(1, "%d", plural.One, "%d recovery code left.", plural.Other, "%d recovery codes left."),
		ru: plural.Selectf(1, "%d", plural.One, "Остался %d резервный код.", plural.Few, "Осталось %d резервных кода.",
			plural.Many, "Осталось %d резервных кодов.", plural.Other, "Осталось %d резервного кода.")},
	"security.off_code": {en: "Code from the app or a recovery code", ru: "Код из приложения или резервный код"},
	"security.turn_off": {en: "Turn off", ru: "Выключить"},

	"tokens.title": {en: "API tokens", ru: "Ключи доступа к программному интерфейсу"},
	"tokens.lead": {en: "A token lets an integration act for you, only within its scopes and never beyond what you hold yourself.",
		ru: "Ключ позволяет интеграции действовать от вашего имени — только в пределах выбранных прав и никогда сверх ваших собственных."},
	"tokens.copy_now":  {en: "Copy the token now: it is not shown again.", ru: "Скопируйте ключ сейчас: больше он показан не будет."},
	"tokens.name":      {en: "Name", ru: "Название"},
	"tokens.scopes":    {en: "Scopes", ru: "Права"},
	"tokens.owner":     {en: "Made by", ru: "Создал"},
	"tokens.expires":   {en: "Expires", ru: "Действует до"},
	"tokens.last_used": {en: "Last used", ru: "Последнее использование"},
	"tokens.never":     {en: "Never", ru: "Бессрочно"},
	"tokens.revoke":    {en: "Revoke", ru: "Отозвать"},
	"tokens.none":      {en: "No tokens yet.", ru: "Ключей пока нет."},
	"tokens.add":       {en: "Make a token", ru: "Создать ключ"},
	"tokens.created":   {en: "Token made.", ru: "Ключ создан."},
	"tokens.revoked":   {en: "Token revoked.", ru: "Ключ отозван."},
	"tokens.days": {
		en: plural.Selectf(1, "%d", plural.One, "%d day", plural.Other, "%d days"),
		ru: plural.Selectf(1, "%d", plural.One, "%d день", plural.Few, "%d дня", plural.Many, "%d дней", plural.Other, "%d дня")},
	"scope.read":     {en: "Read", ru: "Чтение"},
	"scope.write":    {en: "Write: messages and dialogs", ru: "Запись: сообщения и диалоги"},
	"scope.settings": {en: "Settings", ru: "Настройки"},
	"scope.report":   {en: "Report", ru: "Отчёт"},
	"scope.webhooks": {en: "Webhooks", ru: "Вебхуки"},

	"settings.signin": {en: "Sign-in", ru: "Вход"},
	"signin.require":  {en: "Require two-factor sign-in of every manager", ru: "Требовать двухфакторный вход от всех менеджеров"},
	"signin.require_hint": {en: "Managers without it are sent to set it up after their password.",
		ru: "Менеджеров без него после пароля отправят его настроить."},
	"signin.sso": {en: "Single sign-on", ru: "Единый вход"},
	"signin.sso_lead": {en: "Register Beseda with your identity provider with this return address:",
		ru: "Зарегистрируйте Беседу у поставщика учётных записей с этим адресом возврата:"},
	"signin.issuer":        {en: "Issuer address", ru: "Адрес поставщика"},
	"signin.client_id":     {en: "Client identifier", ru: "Идентификатор клиента"},
	"signin.client_secret": {en: "Client secret", ru: "Секрет клиента"},
	"signin.secret_set":    {en: "A secret is stored; leave empty to keep it.", ru: "Секрет сохранён; оставьте поле пустым, чтобы не менять его."},
	"signin.secret_unset":  {en: "No secret stored yet.", ru: "Секрет ещё не сохранён."},
	"signin.domains":       {en: "Allowed e-mail domains", ru: "Разрешённые почтовые домены"},
	"signin.domains_hint": {en: "Separated by commas; empty: any address the provider confirms.",
		ru: "Через запятую; пусто — любой адрес, подтверждённый поставщиком."},
	"signin.create_users":   {en: "Create a manager on first sign-in", ru: "Создавать менеджера при первом входе"},
	"signin.role":           {en: "Role of new managers", ru: "Роль новых менеджеров"},
	"signin.password_login": {en: "Managers may also sign in with a password", ru: "Менеджеры могут входить и по паролю"},
	"signin.password_hint": {en: "Owners always keep their password, so that a broken provider never locks the workspace out. Only an owner changes this.",
		ru: "Владельцы всегда сохраняют вход по паролю, чтобы сбой поставщика не закрыл доступ к пространству. Менять это может только владелец."},
}

// signinErrors write the errors of signing in for managers.
var signinErrors = map[string]entry{
	"name must be 1–100 characters": {en: "Name: 1 to 100 characters.", ru: "Название: от 1 до 100 символов."},
	"scopes must name at least one of read, write, settings, report, webhooks": {
		en: "Choose at least one scope.", ru: "Выберите хотя бы одно право."},
	"unknown scope %q": {en: "Unknown scope “%s”.", ru: "Неизвестное право «%s»."},
	"you cannot give a token the scope %q: you do not hold it": {
		en: "You cannot give a token the scope “%s”: you do not hold it.", ru: "Нельзя дать ключу право «%s»: у вас его нет."},
	"expires_in_days must be 1–3650, and not given with expires_at": {
		en: "The token lasts 1 to 3650 days.", ru: "Ключ действует от 1 до 3650 дней."},
	"expires_at must be in the future":    {en: "The expiry must be in the future.", ru: "Срок действия должен быть в будущем."},
	"%s is too long":                      {en: "%s is too long.", ru: "%s: слишком длинно."},
	"issuer must be an http(s) URL":       {en: "The issuer must be a web address.", ru: "Адрес поставщика должен быть веб-адресом."},
	"client_id is required":               {en: "Enter the client identifier.", ru: "Введите идентификатор клиента."},
	"allowed_domains: %q is not a domain": {en: "“%s” is not a domain.", ru: "«%s» — не домен."},
	"role must be manager or admin":       {en: "New managers are managers or admins.", ru: "Новые менеджеры — менеджеры или администраторы."},
	"two-factor sign-in is on already; turn it off first to set up a new app": {
		en: "Two-factor sign-in is on already: turn it off first to set up a new app.",
		ru: "Двухфакторный вход уже включён: чтобы настроить новое приложение, сначала выключите его."},
	"two-factor sign-in is on already": {en: "Two-factor sign-in is on already.", ru: "Двухфакторный вход уже включён."},
	"start setting up two-factor sign-in first (POST /api/v1/me/totp)": {
		en: "Start setting up two-factor sign-in first.", ru: "Сначала начните настройку двухфакторного входа."},
	"the code is wrong; check the time on your phone and try the next code": {
		en: "The code is wrong: check the time on your phone and try the next code.",
		ru: "Код неверный: проверьте время на телефоне и попробуйте следующий код."},
	"two-factor sign-in is not on":                           {en: "Two-factor sign-in is not on.", ru: "Двухфакторный вход не включён."},
	"the code is wrong":                                      {en: "The code is wrong.", ru: "Код неверный."},
	"only an owner can require two-factor sign-in":           {en: "Only an owner can require two-factor sign-in.", ru: "Требовать двухфакторный вход может только владелец."},
	"only an owner or admin can see the sign-in settings":    {en: "Only an owner or admin can see the sign-in settings.", ru: "Настройки входа видят только владелец и администраторы."},
	"only an owner or admin can change the sign-in settings": {en: "Only an owner or admin can change the sign-in settings.", ru: "Менять настройки входа могут только владелец и администраторы."},
	"only an owner can turn password sign-in off":            {en: "Only an owner can turn password sign-in off.", ru: "Выключить вход по паролю может только владелец."},
	"single sign-on is not set up for this address":          {en: "Single sign-on is not set up for this address.", ru: "Для этого адреса единый вход не настроен."},
	"the single sign-on provider cannot be reached; ask your owner to check its issuer": {
		en: "The single sign-on provider cannot be reached: ask your owner to check its address.",
		ru: "Поставщик единого входа недоступен: попросите владельца проверить его адрес."},
	"the provider gave no verified e-mail address": {en: "The provider gave no confirmed e-mail address.", ru: "Поставщик не сообщил подтверждённый адрес почты."},
	"%s is not an address this workspace signs in with": {
		en: "%s is not an address this workspace signs in with.", ru: "С адресом %s в это пространство не входят."},
	"%s belongs to another workspace": {en: "%s belongs to another workspace.", ru: "Адрес %s относится к другому пространству."},
	"%s has no account here; ask your owner to add you": {
		en: "%s has no account here: ask your owner to add you.", ru: "У адреса %s здесь нет учётной записи: попросите владельца добавить вас."},
}

var signinWords = map[string]entry{
	"noun.token": {en: "token", ru: "ключ"},
}

var _ = addCatalog(signinTexts)
var _ = addCatalog(prefixed(errorKey, signinErrors))
var _ = addCatalog(signinWords)
