package testkit

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/beseda/beseda"
)

// PNG is a small PNG picture (w×h pixels), as a client's photo.
func PNG(w, h int) []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h)))
	return b.Bytes()
}

// PDF is a small PDF document.
var PDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// MustUpload uploads a file as a manager and returns its id.
func (c *Client) MustUpload(name string, data []byte) int64 {
	c.tb.Helper()
	res := c.Upload("/api/v1/uploads", name, "", data)
	var up beseda.Attachment
	if res.Status != 201 {
		c.tb.Fatalf("upload %s: %d %s", name, res.Status, res.Body)
	}
	res.Decode(c.tb, &up)
	return up.ID
}

// CheckAttachment fails the test unless the attachment has the name and the
// sniffed type and serves exactly data to the workspace's managers.
func (w *World) CheckAttachment(t testing.TB, att beseda.Attachment, name, contentType string, data []byte) {
	t.Helper()
	if att.Name != name || att.ContentType != contentType || att.Size != int64(len(data)) {
		t.Errorf("attachment %+v, want %s of type %s, %d bytes", att, name, contentType, len(data))
	}
	if res := w.Owner.Do("GET", att.URL, nil); res.Status != 200 || !bytes.Equal(res.Body, data) {
		t.Errorf("attachment %s serves %d, %d bytes; want the %d bytes the client sent", att.Name, res.Status, len(res.Body), len(data))
	}
}
