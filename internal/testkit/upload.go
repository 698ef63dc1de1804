package testkit

import (
	"bytes"
	"mime/multipart"
)

// Upload posts a file as multipart/form-data in the field "file", as a
// browser's form does, with the client's credentials, and returns the
// answer. contentType is what the client claims the file is ("" for none):
// the server must not believe it.
func (c *Client) Upload(path, name, contentType string, data []byte) *Response {
	c.tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + escapeQuotes(name) + `"`}
	if contentType != "" {
		h["Content-Type"] = []string{contentType}
	}
	part, err := mw.CreatePart(h)
	if err != nil {
		c.tb.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	return c.Send("POST", path, mw.FormDataContentType(), &body)
}

func escapeQuotes(s string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte(`"`), []byte(`\"`)))
}
