package channel_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
)

// TestMediaURL: a client's file is fetched only from the platform: the
// host of api_base_url when a test set one, else https on the platform's
// hosts and their subdomains. Internal addresses, look-alike hosts, plain
// http and credentials in the URL are refused.
func TestMediaURL(t *testing.T) {
	t.Parallel()
	hosts := []string{"fbcdn.net", "fbsbx.com"}
	for _, tc := range []struct {
		url, base string
		ok        bool
	}{
		{"https://scontent.xx.fbcdn.net/v/t1/123_n.jpg?_nc_sig=x", "", true},
		{"https://lookaside.fbsbx.com/business/attachments/?mid=1", "", true},
		{"https://fbcdn.net/x.jpg", "", true},
		{"http://scontent.xx.fbcdn.net/x.jpg", "", false},
		{"https://evilfbcdn.net/x.jpg", "", false},
		{"https://fbcdn.net.evil.example/x.jpg", "", false},
		{"https://user:pw@scontent.fbcdn.net/x.jpg", "", false},
		{"http://169.254.169.254/latest/meta-data", "", false},
		{"file:///etc/passwd", "", false},
		{"http://127.0.0.1:4000/cdn/x.png", "http://127.0.0.1:4000", true},
		{"http://127.0.0.1:4001/cdn/x.png", "http://127.0.0.1:4000", false},
		{"https://scontent.xx.fbcdn.net/x.jpg", "http://127.0.0.1:4000", false},
	} {
		_, err := channel.MediaURL(tc.url, tc.base, hosts...)
		if (err == nil) != tc.ok {
			t.Errorf("MediaURL(%q, base %q): %v, want ok=%v", tc.url, tc.base, err, tc.ok)
		}
		if err != nil && beseda.ErrorCode(err) != beseda.EINVALID {
			t.Errorf("MediaURL(%q) refused with %v, want EINVALID", tc.url, err)
		}
	}
}

// TestParts: a message's text is its first file's caption when it fits
// and there are no buttons, else it goes first; the files follow in order.
func TestParts(t *testing.T) {
	t.Parallel()
	files := []beseda.Attachment{{ID: 1, Name: "a.png"}, {ID: 2, Name: "b.pdf"}}
	fits := func(s string) bool { return len(s) <= 5 }
	show := func(parts []channel.Part) string {
		var out []string
		for _, p := range parts {
			if p.File == nil {
				out = append(out, "text:"+p.Text)
			} else {
				out = append(out, p.File.Name+":"+p.Caption)
			}
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		m    beseda.Message
		fits func(string) bool
		want string
	}{
		{beseda.Message{Text: "hello there"}, fits, "text:hello there"},
		{beseda.Message{Text: "hi", Attachments: files}, fits, "a.png:hi b.pdf:"},
		{beseda.Message{Text: "hello there", Attachments: files}, fits, "text:hello there a.png: b.pdf:"},
		{beseda.Message{Text: "hi", Attachments: files}, nil, "text:hi a.png: b.pdf:"},
		{beseda.Message{Attachments: files}, fits, "a.png: b.pdf:"},
		{beseda.Message{Text: "hi", Attachments: files[:1], Buttons: []beseda.Button{{Title: "OK", Payload: "ok"}}}, fits, "text:hi a.png:"},
	} {
		if got := show(channel.Parts(&tc.m, tc.fits)); got != tc.want {
			t.Errorf("Parts(%q, %d files) = %q, want %q", tc.m.Text, len(tc.m.Attachments), got, tc.want)
		}
	}
}

// TestSendPartsResumes: a send that fails half-way reports the parts that
// went out; the retry starts after them.
func TestSendPartsResumes(t *testing.T) {
	t.Parallel()
	m := &beseda.Message{Text: "long text", Attachments: []beseda.Attachment{{ID: 1}, {ID: 2}}}
	parts := channel.Parts(m, nil)
	var calls []int
	fail := true
	send := func(_ context.Context, p channel.Part) (string, error) {
		n := 0
		if p.File != nil {
			n = int(p.File.ID)
		}
		calls = append(calls, n)
		if n == 2 && fail {
			return "", errors.New("connection reset")
		}
		return "id", nil
	}
	_, err := channel.SendParts(context.Background(), beseda.Delivery{Message: m}, parts, send)
	var se *beseda.SendError
	if !errors.As(err, &se) || se.PartsSent != 2 || se.Permanent {
		t.Fatalf("failure %#v, want a retryable SendError after 2 parts", err)
	}
	m.PartsSent, fail, calls = se.PartsSent, false, nil
	if id, err := channel.SendParts(context.Background(), beseda.Delivery{Message: m}, parts, send); err != nil || id != "id" {
		t.Fatalf("retry: %q, %v", id, err)
	}
	if len(calls) != 1 || calls[0] != 2 {
		t.Errorf("the retry sent parts %v, want the file that failed alone", calls)
	}
}
