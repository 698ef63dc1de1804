package httpx

import (
	"errors"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/beseda/beseda"
)

// uploadJSON is what an upload answers: the file as stored, to name in a
// message's attachment_ids.
type uploadJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// UploadAnswer is the answer to an upload, in the API and in the web chat.
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
