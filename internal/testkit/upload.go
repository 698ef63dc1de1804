package testkit

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
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

// Send sends a request with a body of any type and the client's
// credentials, and returns the answer.
func (c *Client) Send(method, path, contentType string, body io.Reader) *Response {
	c.tb.Helper()
	req, err := http.NewRequest(method, c.BaseURL+path, body)
	if err != nil {
		c.tb.Fatal(err)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.tb.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Body: data, Header: res.Header}
}

func escapeQuotes(s string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte(`"`), []byte(`\"`)))
}
