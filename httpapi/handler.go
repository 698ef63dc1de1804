package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/openapi"
	"github.com/beseda/beseda/live"
)

// Handler serves the JSON API.
type Handler struct {
	app *app.App
	hub *live.Hub
	// publicURL is the address clients and messengers reach this server at,
	// for webhook URLs; empty means "as the request came in".
	publicURL string
}

// New returns the API handler; hub feeds the live event stream.
func New(a *app.App, publicURL string, hub *live.Hub) *Handler {
	return &Handler{app: a, hub: hub, publicURL: strings.TrimRight(publicURL, "/")}
}

// Register adds the API's routes to mux.
func (h *Handler) Register(mux openapi.Mux) {
	mux.HandleFunc("GET /api/v1/openapi.json", openapi.ServeJSON)
	mux.HandleFunc("GET /api/docs", openapi.ServePage)
	mux.HandleFunc("POST /api/v1/auth/login", h.login)
	mux.HandleFunc("POST /api/v1/auth/logout", h.authed(h.logout))
	// Managers and the chat's client fetch attachments; it authenticates both.
	mux.HandleFunc("GET /api/v1/attachments/{id}", h.attachment)

	routes := []struct {
		pattern string
		handle  func(http.ResponseWriter, *http.Request, *beseda.User)
	}{
		{"GET /api/v1/me", h.me},
		{"PATCH /api/v1/me", h.updateMe},
		{"GET /api/v1/users", h.listUsers},
		{"POST /api/v1/users", h.createUser},
		{"GET /api/v1/users/{id}", h.getUser},
		{"PATCH /api/v1/users/{id}", h.updateUser},

		{"GET /api/v1/channels", h.listChannels},
		{"POST /api/v1/channels", h.createChannel},
		{"PATCH /api/v1/channels/{id}", h.updateChannel},
		{"GET /api/v1/channels/{id}/templates", h.listTemplates},
		{"POST /api/v1/channels/{id}/templates/sync", h.syncTemplates},
		{"GET /api/v1/settings/rating-template", h.getRatingTemplate},
		{"PUT /api/v1/settings/rating-template", h.putRatingTemplate},

		{"GET /api/v1/subscribers", h.listSubscribers},
		{"GET /api/v1/subscribers/{id}", h.getSubscriber},
		{"GET /api/v1/subscribers/{id}/messages", h.listChatMessages},
		{"POST /api/v1/subscribers/{id}/messages", h.postChatMessage},

		{"POST /api/v1/dialogs", h.createDialog},
		{"GET /api/v1/dialogs", h.listDialogs},
		{"GET /api/v1/dialogs/{id}", h.getDialog},
		{"PATCH /api/v1/dialogs/{id}", h.updateDialog},
		{"GET /api/v1/dialogs/{id}/messages", h.listDialogMessages},
		{"POST /api/v1/dialogs/{id}/messages", h.postDialogMessage},
		{"GET /api/v1/dialogs/{id}/events", h.dialogEvents},
		{"POST /api/v1/uploads", h.upload},

		{"GET /api/v1/saved-replies", h.listSavedReplies},
		{"POST /api/v1/saved-replies", h.createSavedReply},
		{"PATCH /api/v1/saved-replies/{id}", h.updateSavedReply},
		{"DELETE /api/v1/saved-replies/{id}", h.deleteSavedReply},
		{"GET /api/v1/settings/standard-messages", h.getStandardMessages},
		{"PUT /api/v1/settings/standard-messages", h.putStandardMessages},

		{"GET /api/v1/reports/dialogs", h.report},
		{"GET /api/v1/reports/sla", h.slaReport},
		{"GET /api/v1/search", h.search},

		{"GET /api/v1/tasks", h.listTasks},
		{"GET /api/v1/notifications", h.listNotifications},
		{"POST /api/v1/notifications/read", h.readAllNotifications},
		{"POST /api/v1/notifications/{id}/read", h.readNotification},
		{"GET /api/v1/events", h.events},

		{"POST /api/v1/outbound", h.outbound},
		{"POST /api/v1/broadcasts", h.createBroadcast},
		{"GET /api/v1/broadcasts/{id}", h.getBroadcast},
		{"GET /api/v1/funnels", h.listFunnels},
		{"POST /api/v1/funnels", h.createFunnel},
		{"POST /api/v1/funnels/{id}/subscribers", h.enroll},
		{"GET /api/v1/smart-answers", h.listSmartAnswers},
		{"POST /api/v1/smart-answers", h.createSmartAnswer},
		{"DELETE /api/v1/smart-answers/{id}", h.deleteSmartAnswer},

		{"GET /api/v1/webhooks", h.listWebhooks},
		{"POST /api/v1/webhooks", h.createWebhook},
		{"GET /api/v1/webhooks/{id}", h.getWebhook},
		{"DELETE /api/v1/webhooks/{id}", h.deleteWebhook},
		{"GET /api/v1/webhooks/{id}/deliveries", h.webhookDeliveries},
		{"POST /api/v1/webhooks/{id}/test", h.testWebhook},
	}
	for _, rt := range routes {
		mux.HandleFunc(rt.pattern, h.authed(rt.handle))
	}
	for _, rt := range h.signinRoutes() {
		mux.HandleFunc(rt.pattern, h.authed(rt.handle))
	}
	for _, rt := range slices.Concat(h.slaRoutes(), h.dataRightsRoutes(), h.routingRoutes()) {
		mux.HandleFunc(rt.pattern, h.authed(rt.handle))
	}
	for path, c := range catalogPaths {
		mux.HandleFunc("GET /api/v1/settings/"+path, h.authed(h.listCatalog(c)))
		mux.HandleFunc("POST /api/v1/settings/"+path, h.authed(h.addCatalogItem(c)))
		mux.HandleFunc("PATCH /api/v1/settings/"+path+"/{id}", h.authed(h.renameCatalogItem(c)))
		mux.HandleFunc("DELETE /api/v1/settings/"+path+"/{id}", h.authed(h.removeCatalogItem(c)))
	}
	// Unknown API paths answer in JSON, not with the mux's text page.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, beseda.Errorf(beseda.ENOTFOUND, "no such API endpoint: %s %s", r.Method, r.URL.Path))
	})
}

// authed admits requests that carry a valid bearer token, or the console's
// session cookie; with the cookie, a request that changes state must also
// carry the session's CSRF token in X-CSRF-Token.
func (h *Handler) authed(next func(http.ResponseWriter, *http.Request, *beseda.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var user *beseda.User
		var err error
		origin := app.Origin{Address: httpx.ClientAddr(r)}
		if token, ok := bearerToken(r); ok {
			origin.Via = app.TokenAPI
			user, _, err = h.app.Users.Authenticate(r.Context(), token, app.TokenAPI)
		} else if c, cerr := r.Cookie(httpx.SessionCookie); cerr == nil {
			var csrf string
			origin.Via = app.TokenSession
			user, csrf, err = h.app.Users.Authenticate(r.Context(), c.Value, app.TokenSession)
			if err == nil && !httpx.SafeMethod(r.Method) && !httpx.ValidCSRF(r.Header.Get("X-CSRF-Token"), csrf) {
				err = beseda.Errorf(beseda.EFORBIDDEN, "missing or wrong X-CSRF-Token")
			}
		} else {
			err = beseda.Errorf(beseda.EUNAUTHORIZED, "send Authorization: Bearer TOKEN; get a token from POST /api/v1/auth/login")
		}
		if err == nil {
			err = checkTokenUse(r, user)
		}
		if err == nil && user.Token != nil { // a scoped token: the audit log names it
			origin.TokenID, origin.TokenName = user.Token.ID, user.Token.Name
		}
		if err != nil {
			Error(w, r, err)
			return
		}
		next(w, r.WithContext(app.WithOrigin(r.Context(), origin)), user)
	}
}

// checkTokenUse refuses a request its token may not make: one outside the
// scopes of a scoped token (every route has a scope: beseda.RouteScope),
// and any but setting up two-factor sign-in while the workspace requires it
// of a manager who has not.
func checkTokenUse(r *http.Request, user *beseda.User) error {
	_, path, _ := strings.Cut(r.Pattern, " ")
	if s := beseda.RouteScope(r.Method, path); !user.Scopes.Allows(s) {
		return beseda.Errorf(beseda.EFORBIDDEN, "this token lacks the scope %q", s)
	}
	if user.MustEnrol && !enrolRoutes[r.Method+" "+path] {
		return beseda.Errorf(beseda.ETOTPENROL, "this workspace requires two-factor sign-in: set it up first (POST /api/v1/me/totp)")
	}
	return nil
}

// enrolRoutes are what a manager who must set up two-factor sign-in may do.
var enrolRoutes = map[string]bool{"GET /api/v1/me": true, "POST /api/v1/me/totp": true, "POST /api/v1/me/totp/confirm": true,
	"POST /api/v1/auth/logout": true}

// requestToken is the token a request authenticated with: its bearer token,
// else its session cookie.
func requestToken(r *http.Request) string {
	if token, ok := bearerToken(r); ok {
		return token
	}
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}
