package httpapi

import (
	"net/http"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/openapi"
)

// signinRoutes are the routes of signing in: scoped API tokens, two-factor
// sign-in and single sign-on.
func (h *Handler) signinRoutes() []route {
	return []route{
		{"GET /api/v1/tokens", h.listTokens},
		{"POST /api/v1/tokens", h.createToken},
		{"DELETE /api/v1/tokens/{id}", h.revokeToken},
		{"POST /api/v1/me/totp", h.startTOTP},
		{"POST /api/v1/me/totp/confirm", h.confirmTOTP},
		{"DELETE /api/v1/me/totp", h.disableTOTP},
		{"GET /api/v1/settings/two-factor", h.getTwoFactorPolicy},
		{"PUT /api/v1/settings/two-factor", h.putTwoFactorPolicy},
		{"GET /api/v1/settings/oidc", h.getOIDCSettings},
		{"PUT /api/v1/settings/oidc", h.putOIDCSettings},
	}
}

var _ = openapi.Add(
	openapi.Op{Route: "GET /api/v1/tokens", Tag: "Tokens",
		Summary: "Scoped API tokens: the caller's own (owners and admins: everyone's in the workspace), newest first; the token itself is never shown again",
		Auth:    openapi.Manager, Response: []beseda.APIToken{}},
	openapi.Op{Route: "POST /api/v1/tokens", Tag: "Tokens",
		Summary: "Make a scoped API token (read, write, settings, report, webhooks; never a scope the caller does not hold; expires_at null: never); the answer's token is shown this once",
		Auth:    openapi.Manager, Body: beseda.APITokenCreate{}, Status: 201, Response: beseda.APIToken{}, Errors: []int{400, 403}},
	openapi.Op{Route: "DELETE /api/v1/tokens/{id}", Tag: "Tokens", Summary: "Revoke a token at once (one's own; owners and admins: anyone's)",
		Auth: openapi.Manager, Status: 204, Errors: []int{404}},
	openapi.Op{Route: "POST /api/v1/me/totp", Tag: "Account",
		Summary: "Start setting up two-factor sign-in (TOTP, RFC 6238): a new secret and its otpauth:// URL for an authenticator app",
		Auth:    openapi.Manager, Response: app.TOTPEnrolment{}, Errors: []int{400}},
	openapi.Op{Route: "POST /api/v1/me/totp/confirm", Tag: "Account",
		Summary: "Turn two-factor sign-in on with a code of the app; the answer's ten single-use recovery codes are shown this once",
		Auth:    openapi.Manager, Body: totpCodeInput{}, Response: recoveryCodesJSON{}, Errors: []int{400, 429}},
	openapi.Op{Route: "DELETE /api/v1/me/totp", Tag: "Account", Summary: "Turn two-factor sign-in off, with a code of the app or a recovery code",
		Auth: openapi.Manager, Body: totpCodeInput{}, Status: 204, Errors: []int{400, 403, 429}},
	openapi.Op{Route: "GET /api/v1/settings/two-factor", Tag: "Settings", Summary: "Whether the workspace requires two-factor sign-in of every manager",
		Auth: openapi.Manager, Response: app.TwoFactorPolicy{}},
	openapi.Op{Route: "PUT /api/v1/settings/two-factor", Tag: "Settings",
		Summary: "Require two-factor sign-in (owners only); a manager without it can then only set it up (403 totp_enrolment_required)",
		Auth:    openapi.Manager, Body: app.TwoFactorPolicy{}, Response: app.TwoFactorPolicy{}, Errors: []int{400, 403}},
	openapi.Op{Route: "GET /api/v1/settings/oidc", Tag: "Settings", Summary: "Single sign-on with OpenID Connect (owners and admins); the client secret is never shown",
		Auth: openapi.Manager, Response: beseda.OIDCSettings{}, Errors: []int{403}},
	openapi.Op{Route: "PUT /api/v1/settings/oidc", Tag: "Settings",
		Summary: "Set single sign-on: issuer, client id and secret (empty: keep the stored one), allowed e-mail domains, whether to create managers on first sign-in and with which role (manager or admin), and whether passwords still sign in (only owners turn them off; owners keep theirs); an empty issuer turns it off. The provider redirects to /auth/oidc/callback",
		Auth:    openapi.Manager, Body: beseda.OIDCSettings{}, Response: beseda.OIDCSettings{}, Errors: []int{400, 403}},
)

type totpCodeInput struct {
	Code string `json:"code"`
}

type recoveryCodesJSON struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	list, err := h.app.Tokens.ListTokens(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, list)
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.APITokenCreate
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	t, err := h.app.Tokens.CreateToken(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, t)
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	id, err := pathID(r, "token")
	if err == nil {
		err = h.app.Tokens.RevokeToken(r.Context(), actor, id)
	}
	if err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) startTOTP(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	e, err := h.app.SignIn.StartTOTP(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, e)
}

func (h *Handler) confirmTOTP(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in totpCodeInput
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	codes, err := h.app.SignIn.ConfirmTOTP(r.Context(), actor, in.Code)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, recoveryCodesJSON{RecoveryCodes: codes})
}

func (h *Handler) disableTOTP(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in totpCodeInput
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	if err := h.app.SignIn.DisableTOTP(r.Context(), actor, in.Code); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) getTwoFactorPolicy(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	p, err := h.app.SignIn.TwoFactorPolicy(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, p)
}

func (h *Handler) putTwoFactorPolicy(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in app.TwoFactorPolicy
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	p, err := h.app.SignIn.SetTwoFactorPolicy(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, p)
}

func (h *Handler) getOIDCSettings(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	s, err := h.app.SignIn.OIDCSettings(r.Context(), actor)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, s)
}

func (h *Handler) putOIDCSettings(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	var in beseda.OIDCSettings
	if err := Decode(w, r, &in); err != nil {
		Error(w, r, err)
		return
	}
	s, err := h.app.SignIn.PutOIDCSettings(r.Context(), actor, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, s)
}
