package httpapi

import (
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/app"
)

// uploadJSON is what an upload answers: the file as stored, to name in a
// message's attachment_ids.
type uploadJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// UploadAnswer is the answer to an upload, here and in the web chat.
func UploadAnswer(u *beseda.Upload) any {
	return uploadJSON{ID: u.ID, Name: u.Name, Size: u.Size, ContentType: u.ContentType}
}

// formOverhead is what a multipart body may hold besides the file: the
// boundaries, part headers and small fields.
const formOverhead = 1 << 20

// FilePart reads a multipart/form-data body up to its field "file" and
// returns that part, streaming: the file is not read yet. The body is
// limited to limit bytes of file and a little more; larger bodies are
// too_large.
func FilePart(w http.ResponseWriter, r *http.Request, limit int64) (*multipart.Part, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit+formOverhead)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, beseda.Errorf(beseda.EINVALID, "send multipart/form-data with the file in a field named file")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, beseda.Errorf(beseda.EINVALID, "send multipart/form-data with the file in a field named file")
	}
	for {
		p, err := mr.NextPart()
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return nil, beseda.Errorf(beseda.ETOOLARGE, "the body is larger than the largest file allowed")
		case err != nil:
			return nil, beseda.Errorf(beseda.EINVALID, "the form has no field named file, or cannot be read")
		case p.FormName() == "file":
			return p, nil
		}
	}
}

func (h *Handler) upload(w http.ResponseWriter, r *http.Request, actor *beseda.User) {
	part, err := FilePart(w, r, h.app.MaxUploadBytes())
	if err != nil {
		Error(w, r, err)
		return
	}
	u, err := h.app.Upload(r.Context(), actor, part.FileName(), part)
	if err != nil {
		Error(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, UploadAnswer(u))
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
	u, f, err := h.app.OpenAttachment(r.Context(), v, id)
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
		u, _, err := h.app.Authenticate(ctx, token, app.TokenAPI)
		if err != nil {
			return beseda.Viewer{}, err
		}
		return beseda.ManagerOwner(u), nil
	}
	if token := r.Header.Get("X-Visitor-Token"); token != "" {
		return h.app.VisitorViewer(ctx, token)
	}
	q := r.URL.Query()
	if sig := q.Get("sig"); sig != "" {
		exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
		if err != nil {
			return beseda.Viewer{}, beseda.Errorf(beseda.EUNAUTHORIZED, "a signed address needs exp")
		}
		return h.app.SignedViewer(ctx, id, exp, sig)
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		u, _, err := h.app.Authenticate(ctx, c.Value, app.TokenSession)
		if err != nil {
			return beseda.Viewer{}, err
		}
		return beseda.ManagerOwner(u), nil
	}
	return beseda.Viewer{}, beseda.Errorf(beseda.EUNAUTHORIZED, "no credentials")
}
