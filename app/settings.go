package app

import (
	"context"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ListCatalog returns the live items of a dialog settings catalog. Every
// manager may read them (to fill in dialogs).
func (a *Settings) ListCatalog(ctx context.Context, actor *beseda.User, c beseda.Catalog) ([]*beseda.CatalogItem, error) {
	return a.db.FindCatalog(ctx, actor.WorkspaceID, c, false)
}

// AddCatalogItem adds a type, reason or component. Needs dialog_settings.edit (P1).
func (a *Settings) AddCatalogItem(ctx context.Context, actor *beseda.User, c beseda.Catalog, name string) (*beseda.CatalogItem, error) {
	if err := actor.Require(beseda.PermDialogSettingsEdit); err != nil {
		return nil, err
	}
	name, err := beseda.CleanCatalogName(name)
	if err != nil {
		return nil, err
	}
	var it *beseda.CatalogItem
	err = a.db.Update(ctx, func(tx *store.Tx) (err error) {
		if it, err = tx.AddCatalogItem(ctx, actor.WorkspaceID, c, name, a.now()); err != nil {
			return err
		}
		return a.auditCatalog(ctx, tx, actor, c, it.ID, nil, map[string]any{"name": name})
	})
	return it, err
}

// RenameCatalogItem renames a type, reason or component; dialogs show the new
// name. Needs dialog_settings.edit (P1).
func (a *Settings) RenameCatalogItem(ctx context.Context, actor *beseda.User, c beseda.Catalog, id int64, name string) (*beseda.CatalogItem, error) {
	if err := actor.Require(beseda.PermDialogSettingsEdit); err != nil {
		return nil, err
	}
	name, err := beseda.CleanCatalogName(name)
	if err != nil {
		return nil, err
	}
	var it *beseda.CatalogItem
	err = a.db.Update(ctx, func(tx *store.Tx) (err error) {
		items, err := tx.FindCatalogItems(ctx, actor.WorkspaceID, c, []int64{id})
		if err != nil {
			return err
		}
		if it, err = tx.RenameCatalogItem(ctx, actor.WorkspaceID, c, id, name); err != nil {
			return err
		}
		var before map[string]any
		if old := items[id]; old != nil {
			before = map[string]any{"name": old.Name}
		}
		return a.auditCatalog(ctx, tx, actor, c, id, before, map[string]any{"name": name})
	})
	return it, err
}

// RemoveCatalogItem removes a type, reason or component from the choices; the
// dialogs that have it keep it. The last type cannot go (P1). Needs
// dialog_settings.edit.
func (a *Settings) RemoveCatalogItem(ctx context.Context, actor *beseda.User, c beseda.Catalog, id int64) error {
	if err := actor.Require(beseda.PermDialogSettingsEdit); err != nil {
		return err
	}
	return a.db.Update(ctx, func(tx *store.Tx) error {
		n, err := tx.LockCatalog(ctx, actor.WorkspaceID, c)
		if err != nil {
			return err
		}
		items, err := tx.FindCatalogItems(ctx, actor.WorkspaceID, c, []int64{id})
		if err != nil {
			return err
		}
		if it := items[id]; it == nil || it.RemovedAt != nil {
			return beseda.NotFound(c.Noun())
		}
		if c == beseda.CatalogTypes && n <= 1 {
			return beseda.Errorf(beseda.ELASTTYPE, "the last dialog type cannot be removed; add another first")
		}
		if err := tx.RemoveCatalogItem(ctx, actor.WorkspaceID, c, id, a.now()); err != nil {
			return err
		}
		return a.auditCatalog(ctx, tx, actor, c, id, map[string]any{"name": items[id].Name}, nil)
	})
}

// auditCatalog records a change of a dialog settings catalog: which
// catalog, which item, its name before and after.
func (a *Settings) auditCatalog(ctx context.Context, tx *store.Tx, actor *beseda.User, c beseda.Catalog, id int64,
	before, after map[string]any) error {
	kind := strings.ReplaceAll(c.Noun(), " ", "_") // dialog_type, dialog_reason, dialog_component
	return a.audit(ctx, tx, actor.WorkspaceID, actor, beseda.AuditSettingsChanged, AuditTarget{kind, id}, beseda.AuditChanges(before, after))
}
