package beseda

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Locale is a language the product speaks to managers and, through standard
// messages, to clients.
type Locale string

const (
	LocaleEN Locale = "en"
	LocaleRU Locale = "ru"
)

// Locales are the languages the product speaks, the workspace's first
// where that matters (Locales.First).
var Locales = []Locale{LocaleEN, LocaleRU}

// Supported reports whether the product speaks l.
func (l Locale) Supported() bool { return l == LocaleEN || l == LocaleRU }

// ClientLanguage is the language a client's app or browser reports (a BCP 47
// tag such as "ru-RU", "pt_BR", or a list such as an Accept-Language
// header): its primary language subtag in lower case ("ru", "pt"), or "" for
// anything that is not one.
func ClientLanguage(tag string) string {
	tag, _, _ = strings.Cut(tag, ",")
	tag, _, _ = strings.Cut(tag, ";")
	lang, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"), "-")
	lang = strings.ToLower(lang)
	if len(lang) < 2 || len(lang) > 3 {
		return ""
	}
	for _, r := range lang {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return lang
}

// ParseLocale returns the supported locale named by s ("ru", "ru-RU", "en_GB"…),
// or English.
func ParseLocale(s string) Locale {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "ru") {
		return LocaleRU
	}
	return LocaleEN
}

// Workspace is a tenant: a business with its managers, channels, subscribers
// and settings. Nothing of one workspace is visible from another (P3).
type Workspace struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Locale    Locale    `json:"locale"`
	CreatedAt time.Time `json:"created_at"`
}

// WorkspaceCreate is the input for a new tenant and its owner.
type WorkspaceCreate struct {
	Name          string
	Locale        Locale
	OwnerEmail    string
	OwnerName     string
	OwnerPassword string
}

// Validate normalises the input and reports what is wrong with it.
func (c *WorkspaceCreate) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 200 {
		return Errorf(EINVALID, "workspace name must be 1 to 200 characters")
	}
	if c.Locale == "" {
		c.Locale = LocaleEN
	}
	if c.Locale != LocaleEN && c.Locale != LocaleRU {
		return Errorf(EINVALID, "locale must be en or ru")
	}
	email, err := NormalizeEmail(c.OwnerEmail)
	if err != nil {
		return err
	}
	c.OwnerEmail = email
	if c.OwnerPassword == "" {
		return Errorf(EINVALID, "owner password is required")
	}
	if strings.TrimSpace(c.OwnerName) == "" {
		c.OwnerName = strings.SplitN(email, "@", 2)[0]
	}
	return nil
}

// DefaultDialogTypes are the request types a new workspace starts with (P1).
func DefaultDialogTypes(l Locale) []string {
	if l == LocaleRU {
		return []string{"Поддержка", "Возврат"}
	}
	return []string{"Support", "Refund"}
}
