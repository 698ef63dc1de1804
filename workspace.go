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
