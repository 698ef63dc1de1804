package i18n

import "golang.org/x/text/feature/plural"

// hardenTexts are the console's texts for sign-in limits, the sign-in form's
// CSRF check and password changes (SPEC H4, H5).
var hardenTexts = map[string]entry{
	"login.expired": {en: "The sign-in form has expired. Please sign in again.",
		ru: "Форма входа устарела. Пожалуйста, войдите ещё раз."},
	"login.too_many": {
		en: plural.Selectf(1, "%d", plural.One, "Too many failed sign-ins. Try again in %d minute.",
			plural.Other, "Too many failed sign-ins. Try again in %d minutes."),
		ru: plural.Selectf(1, "%d", plural.One, "Слишком много неудачных попыток входа. Попробуйте снова через %d минуту.",
			plural.Few, "Слишком много неудачных попыток входа. Попробуйте снова через %d минуты.",
			plural.Many, "Слишком много неудачных попыток входа. Попробуйте снова через %d минут.",
			plural.Other, "Слишком много неудачных попыток входа. Попробуйте снова через %d минуты."),
	},
	"error.too_many_attempts": {en: "Too many attempts; wait a little and try again.",
		ru: "Слишком много попыток; подождите немного и попробуйте снова."},

	"account.password":         {en: "Change password", ru: "Сменить пароль"},
	"account.password_hint":    {en: "Leave empty to keep the current one. Other devices are signed out after a change.", ru: "Оставьте пустым, чтобы не менять. После смены пароля другие устройства выйдут из аккаунта."},
	"account.new_password":     {en: "New password", ru: "Новый пароль"},
	"account.current_password": {en: "Current password", ru: "Текущий пароль"},
	"account.saved":            {en: "Saved.", ru: "Сохранено."},
}

var _ = addCatalog(hardenTexts)
