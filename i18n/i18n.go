// Package i18n speaks Russian and English to managers: a message catalog
// (golang.org/x/text) with CLDR plural rules, so "1 диалог, 2 диалога,
// 5 диалогов" come from the rules, not from hand-written endings. Keys are
// short English ids; every key has both languages (a test checks).
package i18n

import (
	"fmt"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/beseda/beseda"
)

var (
	english = language.English
	russian = language.Russian
	cat     = catalog.NewBuilder(catalog.Fallback(english))
)

// entry is one message in both languages: a string, or a plural.Selectf.
type entry struct {
	en, ru any
}

func register(entries map[string]entry) {
	for key, e := range entries {
		set(english, key, e.en)
		set(russian, key, e.ru)
	}
}

func set(tag language.Tag, key string, msg any) {
	var err error
	switch m := msg.(type) {
	case string:
		err = cat.SetString(tag, key, m)
	case catalog.Message:
		err = cat.Set(tag, key, m)
	default:
		err = fmt.Errorf("unsupported message %T", msg)
	}
	if err != nil {
		panic(fmt.Sprintf("i18n: %s: %v", key, err))
	}
}

// Printer formats the catalog's messages in one language.
type Printer struct {
	p      *message.Printer
	Locale beseda.Locale
}

// For returns the printer of a locale.
func For(l beseda.Locale) *Printer {
	tag := english
	if l == beseda.LocaleRU {
		tag = russian
	}
	return &Printer{p: message.NewPrinter(tag, message.Catalog(cat)), Locale: l}
}

// T formats the message with the key.
func (p *Printer) T(key string, args ...any) string { return p.p.Sprintf(key, args...) }

// catalogs are the message maps of this package, one per file. A file adds
// its own with `var _ = addCatalog(theMap)`, so that screens added side by
// side never edit one shared map; package variables are all initialised
// before init runs, whatever the file order.
var catalogs = []map[string]entry{notifications, ui}

func addCatalog(m map[string]entry) bool {
	catalogs = append(catalogs, m)
	return true
}

// known are the keys of the catalog, for texts written only when there are
// words for them (see Printer.Error).
var known = map[string]bool{}

func init() {
	for _, m := range catalogs {
		for key := range m {
			if known[key] {
				panic("i18n: key " + key + " is defined twice")
			}
			known[key] = true
		}
	}
	for _, m := range catalogs {
		register(m)
	}
}
