package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
)

// catalogPaths names the dialog settings catalogs in URLs.
var catalogPaths = map[string]beseda.Catalog{
	"dialog-types":      beseda.CatalogTypes,
	"dialog-reasons":    beseda.CatalogReasons,
	"dialog-components": beseda.CatalogComponents,
}

type catalogName struct {
	Name string `json:"name"`
}

func (h *Handler) listCatalog(c beseda.Catalog) func(http.ResponseWriter, *http.Request, *beseda.User) {
	return func(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
		items, err := h.app.Settings.ListCatalog(r.Context(), actor, c)
		if err != nil {
			Error(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, items)
	}
}

func (h *Handler) addCatalogItem(c beseda.Catalog) func(http.ResponseWriter, *http.Request, *beseda.User) {
	return func(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
		var in catalogName
		if err := Decode(w, r, &in); err != nil {
			Error(w, r, err)
			return
		}
		it, err := h.app.Settings.AddCatalogItem(r.Context(), actor, c, in.Name)
		if err != nil {
			Error(w, r, err)
			return
		}
		WriteJSON(w, http.StatusCreated, it)
	}
}

func (h *Handler) renameCatalogItem(c beseda.Catalog) func(http.ResponseWriter, *http.Request, *beseda.User) {
	return func(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
		id, err := pathID(r, c.Noun())
		if err != nil {
			Error(w, r, err)
			return
		}
		var in catalogName
		if err := Decode(w, r, &in); err != nil {
			Error(w, r, err)
			return
		}
		it, err := h.app.Settings.RenameCatalogItem(r.Context(), actor, c, id, in.Name)
		if err != nil {
			Error(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, it)
	}
}

func (h *Handler) removeCatalogItem(c beseda.Catalog) func(http.ResponseWriter, *http.Request, *beseda.User) {
	return func(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
		id, err := pathID(r, c.Noun())
		if err != nil {
			Error(w, r, err)
			return
		}
		if err := h.app.Settings.RemoveCatalogItem(r.Context(), actor, c, id); err != nil {
			Error(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
