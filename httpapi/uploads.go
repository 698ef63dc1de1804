package httpapi

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
	"github.com/beseda/beseda/internal/httpx"
)

func (h *Handler) upload(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	part, err := httpx.FilePart(w, r, h.app.Files.MaxUploadBytes())
	if err != nil {
		Error(w, r, err)
		return
	}
	u, err := h.app.Files.Upload(r.Context(), actor, part.FileName(), part)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, httpx.UploadAnswer(u))
}

// attachment serves an attachment's bytes (SPEC §3) to the workspace's
// managers (bearer token or console session), to the client of its chat
// (X-Visitor-Token, or the signed address the web chat shows them), and to
// nobody else: to everyone else, unauthenticated callers included, it does
// not exist (404).
func (h *Handler) attachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "attachment")
	if err != nil {
		Error(w, r, err)
		return
	}
	v, err := h.viewer(r, id)
	if err != nil {
		if beseda.ErrorCode(err) == beseda.EINTERNAL {
			Error(w, r, err)
			return
		}
		Error(w, r, beseda.NotFound("attachment"))
		return
	}
	u, f, err := h.app.Files.OpenAttachment(r.Context(), v, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	defer f.Close()
	disposition := "attachment"
	if beseda.ShownInline(u.ContentType) {
		disposition = "inline"
	}
	hd := w.Header()
	hd.Set("Content-Type", u.ContentType)
	hd.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": u.Name}))
	hd.Set("X-Content-Type-Options", "nosniff")
	// Whatever a file holds, it runs nothing here: no script, no plugin, no
	// form, in a sandbox of its own origin, even when opened directly.
	hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
	hd.Set("Cache-Control", "private, max-age=3600")
	hd.Set("ETag", `"`+u.SHA256+`"`)
	http.ServeContent(w, r, "", u.CreatedAt, f)
}

// viewer is who asks for an attachment: a manager by bearer token or
// session, else a client by visitor token or by a signed address.
func (h *Handler) viewer(r *http.Request, id int64) (beseda.Viewer, error) {
	ctx := r.Context()
	if token, ok := bearerToken(r); ok {
		u, _, err := h.app.Users.Authenticate(ctx, token, app.TokenAPI)
		if err == nil {
			err = checkTokenUse(r, u)
		}
		if err != nil {
			return beseda.Viewer{}, err
		}
		return beseda.ManagerOwner(u), nil
	}
	if token := r.Header.Get("X-Visitor-Token"); token != "" {
		return h.app.Files.VisitorViewer(ctx, token)
	}
	q := r.URL.Query()
	if sig := q.Get("sig"); sig != "" {
		exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
		if err != nil {
			return beseda.Viewer{}, beseda.Errorf(beseda.EUNAUTHORIZED, "a signed address needs exp")
		}
		return h.app.Files.SignedViewer(ctx, id, exp, sig)
	}
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		u, _, err := h.app.Users.Authenticate(ctx, c.Value, app.TokenSession)
		if err == nil {
			err = checkTokenUse(r, u)
		}
		if err != nil {
			return beseda.Viewer{}, err
		}
		return beseda.ManagerOwner(u), nil
	}
	return beseda.Viewer{}, beseda.Errorf(beseda.EUNAUTHORIZED, "no credentials")
}
