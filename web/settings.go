package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
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
		items, err := h.app.Settings.ListCatalog(r.Context(), p.User, c.Catalog)
		if err != nil {
			h.fail(w, r, p, err)
			return
		}
		sections = append(sections, catalogSection{Path: c.Path, Key: "settings." + c.Path, Items: items})
	}
	// ?remove=reasons:5 asks before removing.
	if path, id, ok := strings.Cut(r.URL.Query().Get("remove"), ":"); ok {
		for _, sec := range sections {
			for _, it := range sec.Items {
				if sec.Path == path && strconv.FormatInt(it.ID, 10) == id {
					p.Removal = &removal{Action: "/settings/dialogs/" + path + "/" + id, Name: it.Name,
						Lead: p.T("confirm.remove_catalog"), Back: "/settings/dialogs#" + path}
				}
			}
		}
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
	if _, err := h.app.Settings.AddCatalogItem(r.Context(), p.User, c, r.PostFormValue("name")); err != nil {
		h.refuse(w, r, p, err, "/settings/dialogs#"+r.PathValue("catalog"), false)
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
		if !confirmed(w, r, "/settings/dialogs", r.PathValue("catalog")+":"+strconv.FormatInt(id, 10)) {
			return
		}
		err = h.app.Settings.RemoveCatalogItem(r.Context(), p.User, c, id)
	} else {
		_, err = h.app.Settings.RenameCatalogItem(r.Context(), p.User, c, id, r.PostFormValue("name"))
	}
	if err != nil {
		h.refuse(w, r, p, err, "/settings/dialogs#"+r.PathValue("catalog"), false)
		return
	}
	http.Redirect(w, r, "/settings/dialogs#"+r.PathValue("catalog"), http.StatusSeeOther)
}

// standardLanguage is one language's standard messages on the settings page.
type standardLanguage struct {
	Locale    beseda.Locale
	Workspace bool // the workspace's own language, whose texts the API's flat fields are
	Texts     beseda.StandardMessages
}

// standardMessagesData is Settings → Standard messages: the texts of each
// language, and the rating form's template for platforms with a window.
type standardMessagesData struct {
	Languages []standardLanguage
	Rating    *ratingTemplateView
}

// standardFields are the five texts of a language, as the form names them
// after the language ("ru.thank_you").
var standardFields = []string{"rating_prompt", "caption_bad", "caption_normal", "caption_excellent", "thank_you"}

// standardMessages is Settings → Standard messages (R2): the texts in each
// language the product speaks, the workspace's first, each with a preview of
// what the client sees that follows the typing.
func (h *Handler) standardMessages(w http.ResponseWriter, r *http.Request, p *page) {
	if err := p.User.Require(beseda.PermStandardMessagesEdit); err != nil {
		h.fail(w, r, p, err)
		return
	}
	t, err := h.app.Ratings.StandardMessages(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = p.T("settings.standard_messages"), "settings"
	if r.URL.Query().Get("saved") == "1" && p.Error == nil {
		p.Notice = p.T("settings.saved")
	}
	langs := []standardLanguage{{Locale: t.Locale, Workspace: true, Texts: t.Languages[t.Locale]}}
	for _, l := range beseda.Locales {
		if l != t.Locale {
			langs = append(langs, standardLanguage{Locale: l, Texts: t.Languages[l]})
		}
	}
	if f := p.Refused(); f != nil {
		for i, l := range langs {
			if v, ok := f[string(l.Locale)+".thank_you"]; ok && len(v) > 0 {
				get := func(name string) string { return f.Get(string(l.Locale) + "." + name) }
				langs[i].Texts = beseda.StandardMessages{RatingPrompt: get("rating_prompt"), CaptionBad: get("caption_bad"),
					CaptionNormal: get("caption_normal"), CaptionExcellent: get("caption_excellent"), ThankYou: get("thank_you")}
			}
		}
	}
	rating, err := h.ratingTemplateView(r, p)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Data = standardMessagesData{Languages: langs, Rating: rating}
	h.render(w, r, http.StatusOK, "settings_messages", p)
}

// saveStandardMessages saves the texts of every language the form has
// ("ru.thank_you"); plain names ("thank_you") are the workspace's language,
// as the form had them before it had languages.
func (h *Handler) saveStandardMessages(w http.ResponseWriter, r *http.Request, p *page) {
	_ = r.ParseForm()
	update := func(prefix string) (beseda.StandardMessagesUpdate, bool) {
		var u beseda.StandardMessagesUpdate
		dest := []**string{&u.RatingPrompt, &u.CaptionBad, &u.CaptionNormal, &u.CaptionExcellent, &u.ThankYou}
		given := false
		for i, name := range standardFields {
			if vs, ok := r.PostForm[prefix+name]; ok && len(vs) > 0 {
				v := vs[0]
				*dest[i], given = &v, true
			}
		}
		return u, given
	}
	var upd beseda.StandardTextsUpdate
	upd.StandardMessagesUpdate, _ = update("")
	for _, l := range beseda.Locales {
		if u, ok := update(string(l) + "."); ok {
			if upd.Languages == nil {
				upd.Languages = map[beseda.Locale]beseda.StandardMessagesUpdate{}
			}
			upd.Languages[l] = u
		}
	}
	if _, err := h.app.Ratings.UpdateStandardMessages(r.Context(), p.User, upd); err != nil {
		h.refuse(w, r, p, err, "/settings/standard-messages", true)
		return
	}
	http.Redirect(w, r, "/settings/standard-messages?saved=1", http.StatusSeeOther)
}

type usersData struct {
	Users       []*beseda.User
	Permissions []beseda.Permission
	New         beseda.UserCreate // the add form, filled in again when refused (never the password)
	Routing     *beseda.RoutingSettings
	Policies    []beseda.RoutingPolicy
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
	users, err := h.app.Users.ListUsers(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = p.T("settings.users"), "settings"
	d := usersData{Users: users, Permissions: beseda.AllPermissions,
		Policies: []beseda.RoutingPolicy{beseda.RoutingManual, beseda.RoutingRoundRobin, beseda.RoutingLeastBusy}}
	if d.Routing, err = h.app.Routing.Settings(r.Context(), p.User); err != nil {
		h.fail(w, r, p, err)
		return
	}
	if r.URL.Query().Get("saved") == "1" && p.Error == nil {
		p.Notice = p.T("settings.saved")
	}
	if f := p.Refused(); f != nil {
		d.New = beseda.UserCreate{Name: f.Get("name"), Email: f.Get("email"), Role: beseda.Role(f.Get("role"))}
		for _, perm := range f["permissions"] {
			d.New.Permissions = append(d.New.Permissions, beseda.Permission(perm))
		}
	}
	p.Data = d
	h.render(w, r, status, "users", p)
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request, p *page) {
	_ = r.ParseForm()
	in := beseda.UserCreate{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Password: r.PostFormValue("password"), Role: beseda.Role(r.PostFormValue("role"))}
	for _, perm := range r.PostForm["permissions"] {
		in.Permissions = append(in.Permissions, beseda.Permission(perm))
	}
	if _, err := h.app.Users.CreateUser(r.Context(), p.User, in); err != nil {
		h.refuse(w, r, p, err, "/settings/users#new-user", true)
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
	if _, err := h.app.Users.UpdateUser(r.Context(), p.User, id, upd); err != nil {
		h.refuse(w, r, p, err, "/settings/users", false)
		return
	}
	http.Redirect(w, r, "/settings/users", http.StatusSeeOther)
}

// HasNew reports whether the refused add form had the permission ticked.
func (d usersData) HasNew(perm beseda.Permission) bool {
	for _, p := range d.New.Permissions {
		if p == perm {
			return true
		}
	}
	return false
}
