package web

import (
	"net/http"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
)

// ratingTemplateView is the rating form's template on Settings → Standard
// messages: outside a client's window on a platform with message templates
// the form goes as this template, or not at all.
type ratingTemplateView struct {
	// Platforms are the titles of the channel types with templates, as the
	// registry has them (the section's heading names them).
	Platforms []string
	// HasChannel says whether the workspace has a channel with templates;
	// without one the section only says so.
	HasChannel bool
	// Fitting are the templates that can be the form; Unfit the others,
	// with why not.
	Fitting []beseda.MessageTemplate
	Unfit   []app.RatingChoice
	Current *beseda.TemplateRef
	// Stale says the chosen template is not among the fitting ones any more
	// (a sync removed or changed it): the form is then not sent.
	Stale bool
}

// Value names a template in the select: name and language.
func (v *ratingTemplateView) Value(name, language string) string { return name + "|" + language }

// Chosen reports whether t is the current choice.
func (v *ratingTemplateView) Chosen(t beseda.MessageTemplate) bool {
	return v.Current != nil && v.Current.Name == t.Name && v.Current.Language == t.Language
}

func (h *Handler) ratingTemplateView(r *http.Request, p *page) (*ratingTemplateView, error) {
	choices, has, err := h.app.Templates.RatingTemplateChoices(r.Context(), p.User)
	if err != nil {
		return nil, err
	}
	v := &ratingTemplateView{HasChannel: has}
	for _, ct := range p.channels.All() {
		if _, ok := ct.(beseda.TemplateChannel); ok {
			v.Platforms = append(v.Platforms, ct.Title(p.Locale))
		}
	}
	if v.Current, err = h.app.Templates.RatingTemplate(r.Context(), p.User); err != nil {
		return nil, err
	}
	v.Stale = v.Current != nil
	for _, c := range choices {
		if c.Fit != beseda.RatingFits {
			v.Unfit = append(v.Unfit, c)
			continue
		}
		v.Fitting = append(v.Fitting, c.Template)
		if v.Chosen(c.Template) {
			v.Stale = false
		}
	}
	return v, nil
}

// saveRatingTemplate chooses the rating form's template ("" for none)
// through the same use case as the API.
func (h *Handler) saveRatingTemplate(w http.ResponseWriter, r *http.Request, p *page) {
	var ref *beseda.TemplateRef
	if name, lang, _ := strings.Cut(r.PostFormValue("template"), "|"); name != "" {
		ref = &beseda.TemplateRef{Name: name, Language: lang}
	}
	if _, err := h.app.Templates.SetRatingTemplate(r.Context(), p.User, ref); err != nil {
		h.refuse(w, r, p, err, "/settings/standard-messages#rating-template", false)
		return
	}
	http.Redirect(w, r, "/settings/standard-messages?saved=1#rating-template", http.StatusSeeOther)
}
