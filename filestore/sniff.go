package filestore

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
)

// Sniff tells a file's content type from its first bytes (head), as
// net/http.DetectContentType does (the WHATWG algorithm: images, audio,
// video, PDF, ZIP, HTML, text…), plus what it misses that clients send: the
// office formats, which are ZIP or OLE containers the bytes alone do not
// tell apart — the file name's extension names the format only when the
// bytes are of that container —, HEIC photos, SVG and CSV. A name never
// makes a type on its own: a PNG named .txt is image/png, and an HTML file
// named .png is text/html.
func Sniff(head []byte, name string) string {
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	t := http.DetectContentType(head)
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case t == "application/zip":
		if office, ok := zipFormats[ext]; ok {
			return office
		}
	case bytes.HasPrefix(head, oleMagic):
		if office, ok := oleFormats[ext]; ok {
			return office
		}
		return "application/octet-stream"
	case isHEIF(head):
		return "image/heic"
	case strings.HasPrefix(t, "text/xml") || strings.HasPrefix(t, "text/plain"):
		if isSVG(head) {
			return "image/svg+xml"
		}
		if strings.HasPrefix(t, "text/plain") && ext == ".csv" {
			return "text/csv; charset=utf-8"
		}
	}
	return t
}

// zipFormats are the formats stored as ZIP archives (Office Open XML,
// OpenDocument, EPUB), by extension.
var zipFormats = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".odp":  "application/vnd.oasis.opendocument.presentation",
	".epub": "application/epub+zip",
}

// oleMagic starts an OLE compound file: the Office formats before 2007.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

var oleFormats = map[string]string{
	".doc": "application/msword",
	".xls": "application/vnd.ms-excel",
	".ppt": "application/vnd.ms-powerpoint",
	".msg": "application/vnd.ms-outlook",
}

// isHEIF recognises the ISO base media file of a HEIC/HEIF picture (what
// iPhones take): an "ftyp" box whose brand is one of HEIF's.
func isHEIF(head []byte) bool {
	if len(head) < 12 || string(head[4:8]) != "ftyp" {
		return false
	}
	switch string(head[8:12]) {
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
		return true
	}
	return false
}

// isSVG recognises an SVG document: XML (or bare markup) whose root element
// is svg, after any prolog, comments and doctype.
func isSVG(head []byte) bool {
	s := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	for {
		s = bytes.TrimLeft(s, " \t\r\n")
		switch {
		case bytes.HasPrefix(s, []byte("<?")):
			end := bytes.Index(s, []byte("?>"))
			if end < 0 {
				return false
			}
			s = s[end+2:]
		case bytes.HasPrefix(s, []byte("<!--")):
			end := bytes.Index(s, []byte("-->"))
			if end < 0 {
				return false
			}
			s = s[end+3:]
		case bytes.HasPrefix(s, []byte("<!")):
			end := bytes.IndexByte(s, '>')
			if end < 0 {
				return false
			}
			s = s[end+1:]
		default:
			return bytes.HasPrefix(s, []byte("<svg")) && len(s) > 4 && strings.ContainsRune(" \t\r\n>/", rune(s[4]))
		}
	}
}
