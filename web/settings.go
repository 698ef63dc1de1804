package web

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/httpapi"
)

// catalogs are the dialog settings lists, in the order the page shows them.
var catalogs = []struct {
	Catalog beseda.Catalog
	Path    string
}{{beseda.CatalogTypes, "types"}, {beseda.CatalogReasons, "reasons"}, {beseda.CatalogComponents, "components"}}

type catalogSection struct {
	Path  string
	Key   string // i18n key of the heading
	Items []*beseda.CatalogItem
}

// dialogSettings is Settings → Content → Dialog settings (P1): only for
// managers who may edit them.
func (h *Handler) dialogSettings(w http.ResponseWriter, r *http.Request, p *page) {
	h.renderDialogSettings(w, r, p, http.StatusOK)
}

func (h *Handler) renderDialogSettings(w http.ResponseWriter, r *http.Request, p *page, status int) {
	if err := p.User.Require(beseda.PermDialogSettingsEdit); err != nil {
		h.fail(w, r, p, err)
		return
	}
	var sections []catalogSection
	for _, c := range catalogs {
		items, err := h.app.ListCatalog(r.Context(), p.User, c.Catalog)
		if err != nil {
			h.fail(w, r, p, err)
			return
		}
		sections = append(sections, catalogSection{Path: c.Path, Key: "settings." + c.Path, Items: items})
	}
	p.Title, p.Nav = p.T("settings.dialogs"), "settings"
	p.Data = sections
	h.render(w, r, status, "settings_dialogs", p)
}

func catalogOf(path string) (beseda.Catalog, bool) {
	for _, c := range catalogs {
		if c.Path == path {
			return c.Catalog, true
		}
	}
	return "", false
}

func (h *Handler) addCatalogItem(w http.ResponseWriter, r *http.Request, p *page) {
	c, ok := catalogOf(r.PathValue("catalog"))
	if !ok {
		h.fail(w, r, p, beseda.NotFound("settings list"))
		return
	}
	if _, err := h.app.AddCatalogItem(r.Context(), p.User, c, r.PostFormValue("name")); err != nil {
		p.Error = h.viewError(r, p, err)
		h.renderDialogSettings(w, r, p, httpapi.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/settings/dialogs#"+r.PathValue("catalog"), http.StatusSeeOther)
}

// changeCatalogItem renames an item, or removes it with action=remove.
func (h *Handler) changeCatalogItem(w http.ResponseWriter, r *http.Request, p *page) {
	c, ok := catalogOf(r.PathValue("catalog"))
	if !ok {
		h.fail(w, r, p, beseda.NotFound("settings list"))
		return
	}
	id, err := pathID(r, c.Noun())
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	if r.PostFormValue("action") == "remove" {
		err = h.app.RemoveCatalogItem(r.Context(), p.User, c, id)
	} else {
		_, err = h.app.RenameCatalogItem(r.Context(), p.User, c, id, r.PostFormValue("name"))
	}
	if err != nil {
		p.Error = h.viewError(r, p, err)
		h.renderDialogSettings(w, r, p, httpapi.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/settings/dialogs#"+r.PathValue("catalog"), http.StatusSeeOther)
}

// standardMessages is AI Support → Standard messages (R2).
func (h *Handler) standardMessages(w http.ResponseWriter, r *http.Request, p *page) {
	if err := p.User.Require(beseda.PermStandardMessagesEdit); err != nil {
		h.fail(w, r, p, err)
		return
	}
	m, err := h.app.StandardMessages(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = p.T("settings.standard_messages"), "settings"
	if r.URL.Query().Get("saved") == "1" {
		p.Notice = p.T("settings.saved")
	}
	p.Data = m
	h.render(w, r, http.StatusOK, "settings_messages", p)
}

func (h *Handler) saveStandardMessages(w http.ResponseWriter, r *http.Request, p *page) {
	field := func(name string) *string { v := r.PostFormValue(name); return &v }
	upd := beseda.StandardMessagesUpdate{RatingPrompt: field("rating_prompt"), CaptionBad: field("caption_bad"),
		CaptionNormal: field("caption_normal"), CaptionExcellent: field("caption_excellent"), ThankYou: field("thank_you")}
	if _, err := h.app.UpdateStandardMessages(r.Context(), p.User, upd); err != nil {
		p.Title, p.Nav = p.T("settings.standard_messages"), "settings"
		p.Error = h.viewError(r, p, err)
		p.Data = beseda.StandardMessages{RatingPrompt: *upd.RatingPrompt, CaptionBad: *upd.CaptionBad,
			CaptionNormal: *upd.CaptionNormal, CaptionExcellent: *upd.CaptionExcellent, ThankYou: *upd.ThankYou}
		h.render(w, r, httpapi.StatusOf(err), "settings_messages", p)
		return
	}
	http.Redirect(w, r, "/settings/standard-messages?saved=1", http.StatusSeeOther)
}

type usersData struct {
	Users       []*beseda.User
	Permissions []beseda.Permission
}

// users is the list of managers with their roles and grants (P2).
func (h *Handler) users(w http.ResponseWriter, r *http.Request, p *page) {
	h.renderUsers(w, r, p, http.StatusOK)
}

func (h *Handler) renderUsers(w http.ResponseWriter, r *http.Request, p *page, status int) {
	if err := p.User.Require(beseda.PermUsersManage); err != nil {
		h.fail(w, r, p, err)
		return
	}
	users, err := h.app.ListUsers(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = p.T("settings.users"), "settings"
	p.Data = usersData{Users: users, Permissions: beseda.AllPermissions}
	h.render(w, r, status, "users", p)
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request, p *page) {
	_ = r.ParseForm()
	in := beseda.UserCreate{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Password: r.PostFormValue("password"), Role: beseda.Role(r.PostFormValue("role"))}
	for _, perm := range r.PostForm["permissions"] {
		in.Permissions = append(in.Permissions, beseda.Permission(perm))
	}
	if _, err := h.app.CreateUser(r.Context(), p.User, in); err != nil {
		p.Error = h.viewError(r, p, err)
		h.renderUsers(w, r, p, httpapi.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/settings/users", http.StatusSeeOther)
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "user")
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	_ = r.ParseForm()
	perms := []beseda.Permission{}
	for _, perm := range r.PostForm["permissions"] {
		perms = append(perms, beseda.Permission(perm))
	}
	upd := app.UserUpdate{Permissions: &perms}
	if role := beseda.Role(r.PostFormValue("role")); role != "" {
		upd.Role = &role
	}
	if _, err := h.app.UpdateUser(r.Context(), p.User, id, upd); err != nil {
		p.Error = h.viewError(r, p, err)
		h.renderUsers(w, r, p, httpapi.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/settings/users", http.StatusSeeOther)
}
