package beseda

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Catalog is one of a workspace's dialog settings lists (P1): request types,
// reasons, components.
type Catalog string

const (
	CatalogTypes      Catalog = "types"
	CatalogReasons    Catalog = "reasons"
	CatalogComponents Catalog = "components"
)

// Noun names one item of the catalog in messages.
func (c Catalog) Noun() string {
	switch c {
	case CatalogTypes:
		return "dialog type"
	case CatalogReasons:
		return "dialog reason"
	}
	return "dialog component"
}

// CatalogItem is a request type, reason or component. Removing one keeps it on
// the dialogs that already use it (P1), so items are marked removed, never
// deleted.
type CatalogItem struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	RemovedAt *time.Time `json:"removed_at,omitempty"`
}

// MaxCatalogNameLength is the longest name of a type, reason or component.
const MaxCatalogNameLength = 100

// CleanCatalogName trims a name and checks its length.
func CleanCatalogName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > MaxCatalogNameLength {
		return "", Errorf(EINVALID, "name must be 1 to %d characters", MaxCatalogNameLength)
	}
	return name, nil
}

// NameKey is the form under which names are compared for duplicates: names
// differing only in case are the same name.
func NameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }
