package i18n

import "golang.org/x/text/feature/plural"

// ui are the console's texts.
var ui = map[string]entry{
	"dialogs.count": {
		en: plural.Selectf(1, "%d", plural.One, "%d dialog", plural.Other, "%d dialogs"),
		ru: plural.Selectf(1, "%d", plural.One, "%d диалог", plural.Few, "%d диалога", plural.Many, "%d диалогов", plural.Other, "%d диалога"),
	},
}
