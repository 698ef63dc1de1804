package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Client calls a test server's API as one signed-in manager (or anonymously).
type Client struct {
	tb      testing.TB
	BaseURL string
	Token   string
	Header  http.Header
	HTTP    *http.Client
}

// NewClient returns an anonymous client of the server at baseURL.
func NewClient(tb testing.TB, baseURL string) *Client {
	return &Client{tb: tb, BaseURL: baseURL, Header: http.Header{}, HTTP: &http.Client{}}
}

// Login signs in and returns a client carrying the token.
func Login(tb testing.TB, baseURL, email, password string) *Client {
	tb.Helper()
	c := NewClient(tb, baseURL)
	var out struct{ Token string }
	c.MustDo("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, 200, &out)
	c.Token = out.Token
	return c
}

// Response is a finished request: its status and body.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// Decode unmarshals the body into v.
func (r *Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorCode returns the code of an error body, or "".
func (r *Response) ErrorCode() string {
	var e struct {
		Error struct{ Code string }
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// Do sends a request; body may be nil, a string or []byte (sent as is), or a
// value sent as JSON.
func (c *Client) Do(method, path string, body any) *Response {
	c.tb.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.tb.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	contentType := ""
	if body != nil {
		contentType = "application/json"
	}
	return c.Send(method, path, contentType, r)
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

// MustDo sends a request, fails the test unless the status is want, and
// decodes the body into out (if not nil).
func (c *Client) MustDo(method, path string, body any, want int, out any) *Response {
	c.tb.Helper()
	res := c.Do(method, path, body)
	if res.Status != want {
		c.tb.Fatalf("%s %s: status %d, want %d: %s", method, path, res.Status, want, res.Body)
	}
	if out != nil {
		res.Decode(c.tb, out)
	}
	return res
}

// WantError fails the test unless the request fails with status and code.
func (c *Client) WantError(method, path string, body any, status int, code string) *Response {
	c.tb.Helper()
	res := c.Do(method, path, body)
	if res.Status != status || res.ErrorCode() != code {
		c.tb.Fatalf("%s %s: got %d %s, want %d %s: %s", method, path, res.Status, res.ErrorCode(), status, code, res.Body)
	}
	return res
}

// Path formats a path: Path("/api/v1/dialogs/%d", id).
func Path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Eventually polls cond every 20 ms until it holds, and fails the test if it
// does not within Timeout(timeout): timeout is about how long it may take on
// an idle machine, and a busy machine gets longer (see Timeout).
func Eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	limit := Timeout(timeout)
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("after %v: %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
