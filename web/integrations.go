package web

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
)

// integrationRow is a subscription with its latest attempts, newest first.
type integrationRow struct {
	Hook     *beseda.Webhook
	Attempts []attemptRow
}

// attemptRow is one attempt of a delivery, with where the delivery stands.
type attemptRow struct {
	beseda.WebhookAttempt
	Delivery *beseda.WebhookDelivery
	Last     bool // the delivery's latest attempt: its status is shown there
}

type integrationsData struct {
	Hooks  []integrationRow
	Events []beseda.WebhookEventType
	New    struct { // the add form, filled in again when refused (never the secret)
		URL    string
		Events map[string]bool
	}
	URLMax, SecretMax int
}

// attemptsShown is how many attempts of a subscription the page lists.
const attemptsShown = 10

// integrations is Settings → Integrations: outgoing webhooks, for owners,
// admins and managers with integrations.manage.
func (h *Handler) integrations(w http.ResponseWriter, r *http.Request, p *page) {
	hooks, err := h.app.Webhooks.ListWebhooks(r.Context(), p.User)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	d := integrationsData{Events: beseda.WebhookEventTypes, URLMax: beseda.WebhookURLMax, SecretMax: beseda.WebhookSecretMax}
	for _, hook := range hooks {
		deliveries, err := h.app.Webhooks.WebhookDeliveries(r.Context(), p.User, hook.ID, attemptsShown)
		if err != nil {
			h.fail(w, r, p, err)
			return
		}
		row := integrationRow{Hook: hook}
		for _, del := range deliveries {
			for i, a := range del.AttemptLog {
				if len(row.Attempts) < attemptsShown {
					row.Attempts = append(row.Attempts, attemptRow{WebhookAttempt: a, Delivery: del, Last: i == 0})
				}
			}
			if len(del.AttemptLog) == 0 && len(row.Attempts) < attemptsShown {
				row.Attempts = append(row.Attempts, attemptRow{Delivery: del, Last: true}) // not attempted yet
			}
		}
		d.Hooks = append(d.Hooks, row)
	}
	d.New.Events = map[string]bool{}
	if f := p.Refused(); f != nil && f.Get("action") == "" {
		d.New.URL = f.Get("url")
		for _, e := range f["events"] {
			d.New.Events[e] = true
		}
	} else {
		for _, e := range beseda.WebhookEventTypes {
			d.New.Events[string(e)] = true
		}
	}
	for _, hook := range hooks {
		if hook.ID == removeKey(r) {
			p.Removal = &removal{Action: p.Path("/settings/integrations/", hook.ID), Name: hook.URL,
				Lead: p.T("confirm.remove_webhook"), Back: p.Path("/settings/integrations#webhook-", hook.ID)}
		}
	}
	p.Title, p.Nav = p.T("settings.integrations"), "settings"
	p.Data = d
	h.render(w, r, http.StatusOK, "settings_integrations", p)
}

func (h *Handler) addIntegration(w http.ResponseWriter, r *http.Request, p *page) {
	_ = r.ParseForm()
	in := beseda.WebhookCreate{URL: r.PostFormValue("url"), Secret: r.PostFormValue("secret")}
	for _, e := range r.PostForm["events"] {
		in.Events = append(in.Events, beseda.WebhookEventType(e))
	}
	// A refused form comes back through a cookie: never with the secret.
	r.PostForm.Del("secret")
	if _, err := h.app.Webhooks.CreateWebhook(r.Context(), p.User, in); err != nil {
		h.refuse(w, r, p, err, "/settings/integrations#new-webhook", true)
		return
	}
	setFlash(w, flash{Notice: p.T("hooks.added")})
	http.Redirect(w, r, "/settings/integrations", http.StatusSeeOther)
}

// changeIntegration sends a test event (action=test) or removes the
// subscription (action=remove).
func (h *Handler) changeIntegration(w http.ResponseWriter, r *http.Request, p *page) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	back := p.Path("/settings/integrations#webhook-", id)
	switch r.PostFormValue("action") {
	case "test":
		if _, err := h.app.Webhooks.SendTestWebhook(r.Context(), p.User, id); err != nil {
			h.refuse(w, r, p, err, back, false)
			return
		}
		setFlash(w, flash{Notice: p.T("hooks.test_sent")})
		http.Redirect(w, r, back, http.StatusSeeOther)
	case "remove":
		if !confirmed(w, r, "/settings/integrations", strconv.FormatInt(id, 10)) {
			return
		}
		if err := h.app.Webhooks.DeleteWebhook(r.Context(), p.User, id); err != nil {
			h.refuse(w, r, p, err, back, false)
			return
		}
		setFlash(w, flash{Notice: p.T("hooks.removed")})
		http.Redirect(w, r, "/settings/integrations", http.StatusSeeOther)
	default:
		h.fail(w, r, p, beseda.Errorf(beseda.EINVALID, "action must be test or remove"))
	}
}
