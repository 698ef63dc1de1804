// Package fakeform reads the multipart/form-data bodies that the fakes of
// the platforms' APIs take with uploads (a Bot API's sendPhoto, the Send
// API's filedata, the Cloud API's media), so that each fake checks only what its
// platform requires of the fields.
package fakeform

import (
	"fmt"
	"io"
	"net/http"
	"strings"
)

// File is a file of a form, as uploaded.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Read reads a POST with a multipart/form-data body: its fields (the first
// value of each) and its files by field name (one per field).
func Read(r *http.Request) (fields map[string]string, files map[string]*File, err error) {
	if r.Method != "POST" || !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, nil, fmt.Errorf("an upload is a POST of multipart/form-data, got %s %q", r.Method, r.Header.Get("Content-Type"))
	}
	if err := r.ParseMultipartForm(64 << 20); err != nil {
		return nil, nil, fmt.Errorf("unreadable multipart body: %v", err)
	}
	fields, files = map[string]string{}, map[string]*File{}
	for k, v := range r.MultipartForm.Value {
		fields[k] = v[0]
	}
	for k, fhs := range r.MultipartForm.File {
		if len(fhs) != 1 {
			return nil, nil, fmt.Errorf("%d files in field %q", len(fhs), k)
		}
		f, err := fhs[0].Open()
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		files[k] = &File{Name: fhs[0].Filename, ContentType: fhs[0].Header.Get("Content-Type"), Data: data}
	}
	return fields, files, nil
}
