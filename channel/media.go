package channel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/netguard"
)

// Part is what one call to a platform sends of a message: its text alone, or
// one of its files with a caption.
type Part struct {
	Text    string             // a text part
	File    *beseda.Attachment // or a file part
	Caption string             // the file's caption, when the text fits one
	// Tag is what the part is sent with on platforms that report what they
	// took (beseda.SendTag): the message's tag on its last part, whose
	// report means the whole message went; empty on the others.
	Tag string
}

// Parts splits a message into the platform's calls, in order: a message
// without files is one text part; with files, the text becomes the first
// file's caption when captionFits says it may (and the message has no
// buttons, which go with a text), else it goes first on its own.
func Parts(m *beseda.Message, captionFits func(string) bool) []Part {
	if len(m.Attachments) == 0 {
		return []Part{{Text: m.Text}}
	}
	var parts []Part
	caption := ""
	switch {
	case m.Text == "":
	case len(m.Buttons) == 0 && captionFits != nil && captionFits(m.Text):
		caption = m.Text
	default:
		parts = append(parts, Part{Text: m.Text})
	}
	for i := range m.Attachments {
		parts = append(parts, Part{File: &m.Attachments[i], Caption: caption})
		caption = ""
	}
	return parts
}

// SendParts sends the parts of a delivery one by one with send, skipping
// those an earlier attempt delivered (Message.PartsSent). It returns the platform's
// id of the last part sent. A failure is a *beseda.SendError that counts
// the parts sent so far, so that the engine keeps the count for the retry.
func SendParts(ctx context.Context, d beseda.Delivery, parts []Part, send func(context.Context, Part) (string, error)) (string, error) {
	var id string
	if len(parts) > 0 {
		parts[len(parts)-1].Tag = beseda.SendTag(d.Message.ID)
	}
	for i := d.Message.PartsSent; i < len(parts); i++ {
		var err error
		if id, err = send(ctx, parts[i]); err != nil {
			var se *beseda.SendError
			if !errors.As(err, &se) {
				se = &beseda.SendError{Reason: "delivery error", Err: err}
			}
			se.PartsSent = i
			return "", se
		}
	}
	return id, nil
}

// Open opens a file part's bytes through the delivery's file opener.
func Open(ctx context.Context, d beseda.Delivery, att *beseda.Attachment) (io.ReadCloser, error) {
	if d.Files == nil {
		return nil, &beseda.SendError{Reason: "files cannot be read here", Permanent: true}
	}
	f, err := d.Files.OpenFile(ctx, *att)
	if err != nil {
		return nil, &beseda.SendError{Reason: "the attachment's file cannot be read", Err: err}
	}
	return f, nil
}

// FormFile is a file field of a multipart form.
type FormFile struct {
	Field, Name, ContentType string
	Body                     io.Reader
}

// PostForm posts a multipart/form-data body of the fields (name, value
// pairs, in order) and the file to url, streaming the file, and returns the
// answer as PostJSON does.
func (a *API) PostForm(ctx context.Context, url string, header map[string]string, fields [][2]string, file FormFile) (int, []byte, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeForm(mw, fields, file))
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", url, pr)
	if err != nil {
		pr.Close()
		return 0, nil, &beseda.SendError{Reason: a.Name + ": bad API address", Permanent: true}
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return a.do(req, header)
}

func writeForm(mw *multipart.Writer, fields [][2]string, file FormFile) error {
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, file.Field, quoteEscaper.Replace(file.Name)))
	h.Set("Content-Type", file.ContentType)
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, file.Body); err != nil {
		return err
	}
	return mw.Close()
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "")

// do sends a request with the headers and reads its answer.
func (a *API) do(req *http.Request, header map[string]string) (int, []byte, error) {
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := a.HTTP.Do(req)
	if errors.Is(err, netguard.ErrRefused) {
		// The address rule will refuse it again: no use retrying.
		return 0, nil, &beseda.SendError{Reason: a.Name + " unreachable: its address is not public", Permanent: true}
	} else if err != nil {
		return 0, nil, &beseda.SendError{Reason: a.Name + " unreachable"}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return res.StatusCode, nil, &beseda.SendError{Reason: a.Name + " answer cut short"}
	}
	return res.StatusCode, raw, nil
}

// GetJSON gets url with the headers and decodes a 200 answer's JSON body
// into out. Errors never name the URL; failed answers are sorted as
// StatusError sorts them.
func (a *API) GetJSON(ctx context.Context, url string, header map[string]string, out any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return fmt.Errorf("%s: bad API address", a.Name)
	}
	status, raw, err := a.do(req, header)
	if err != nil {
		return err
	}
	if status != 200 {
		return StatusError(fmt.Sprintf("%s answered %d", a.Name, status), status, 0)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s answered without JSON", a.Name)
	}
	return nil
}

// downloadTimeout bounds a download: a file of the largest size allowed takes
// longer than an API call, and a webhook's events are handled whether or not
// the platform still waits for the answer.
const downloadTimeout = 2 * time.Minute

// Download gets a file from url with the headers; the caller limits what it
// reads and closes it. Failed answers are sorted as StatusError sorts them. A client's file is fetched with no redirect followed:
// the address was checked (MediaURL), where it leads is not.
func (a *API) Download(ctx context.Context, url string, header map[string]string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: bad file address", a.Name)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	c := *a.HTTP
	c.Timeout = downloadTimeout
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if errors.Is(err, netguard.ErrRefused) {
		return nil, &beseda.SendError{Reason: a.Name + ": file unreachable: its address is not public", Permanent: true}
	} else if err != nil {
		return nil, fmt.Errorf("%s: file unreachable", a.Name)
	}
	if res.StatusCode != 200 {
		res.Body.Close()
		return nil, StatusError(fmt.Sprintf("%s: file download answered %d", a.Name, res.StatusCode), res.StatusCode, 0)
	}
	return res.Body, nil
}

// MediaURL checks an address a platform gave for a client's file before it
// is fetched (with the channel's token, for some): it must be on the host of
// the channel's API base URL when one is set (a test's fake), else an https
// address on one of the platform's hosts (or their subdomains). Anything
// else, which only a forged or broken event would carry, is refused.
func MediaURL(raw, apiBase string, hosts ...string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return "", beseda.Errorf(beseda.EINVALID, "the file's address is not a URL")
	}
	if apiBase != "" {
		base, err := url.Parse(apiBase)
		if err == nil && u.Scheme == base.Scheme && u.Host == base.Host {
			return u.String(), nil
		}
		return "", beseda.Errorf(beseda.EINVALID, "the file is not on the platform's host")
	}
	host := strings.ToLower(u.Hostname())
	for _, h := range hosts {
		if u.Scheme == "https" && (host == h || strings.HasSuffix(host, "."+h)) {
			return u.String(), nil
		}
	}
	return "", beseda.Errorf(beseda.EINVALID, "the file is not on the platform's host")
}
