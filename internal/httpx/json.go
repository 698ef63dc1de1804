package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/beseda/beseda"
)

// MaxBodyBytes is the largest request body accepted; larger ones get 413.
const MaxBodyBytes = 1 << 20

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// Decode reads one JSON value from the body into dst. Malformed JSON, values
// of the wrong type, unknown fields, trailing data and strings holding a NUL
// byte (H1) are invalid_input; a body over MaxBodyBytes is too_large.
func Decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if err := DecodeAnyText(w, r, dst); err != nil {
		return err
	}
	// encoding/json already turns invalid UTF-8 into U+FFFD; a NUL can only
	// come as \u0000, and only the decoded strings tell it from "\\u0000".
	return checkStrings(reflect.ValueOf(dst), "body")
}

// DecodeAnyText is Decode without the NUL check, for text that comes from a
// messenger's client (the web chat) and is cleaned rather than refused (H1).
func DecodeAnyText(w http.ResponseWriter, r *http.Request, dst any) error {
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeError(err)
		}
		return beseda.Errorf(beseda.EINVALID, "the body must hold one JSON value")
	}
	return nil
}

func decodeError(err error) error {
	var (
		tooLarge  *http.MaxBytesError
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return beseda.Errorf(beseda.ETOOLARGE, "the body is larger than %d bytes", MaxBodyBytes)
	case errors.Is(err, io.EOF):
		return beseda.Errorf(beseda.EINVALID, "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return beseda.Errorf(beseda.EINVALID, "the JSON body ends too early")
	case errors.As(err, &syntax):
		return beseda.Errorf(beseda.EINVALID, "malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &wrongType):
		if wrongType.Field == "" {
			return beseda.Errorf(beseda.EINVALID, "the body must be a JSON %s", jsonKind(wrongType))
		}
		return beseda.Errorf(beseda.EINVALID, "field %q must be %s", wrongType.Field, jsonKind(wrongType))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json reports unknown fields with an untyped error; its text is all there is.
		return beseda.Errorf(beseda.EINVALID, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return beseda.Errorf(beseda.EINVALID, "invalid JSON body")
}

// checkStrings applies beseda.CheckText to every string reachable from v,
// naming the first bad one by its JSON path.
func checkStrings(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkStrings(v.Elem(), path)
	case reflect.String:
		return beseda.CheckText(path, v.String())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := name
			if f.Anonymous {
				p = path
			}
			if err := checkStrings(v.Field(i), p); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // raw bytes, not text
		}
		for i := range v.Len() {
			if err := checkStrings(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if err := checkStrings(iter.Key(), path+" key"); err != nil {
				return err
			}
			if err := checkStrings(iter.Value(), fmt.Sprintf("%s.%v", path, iter.Key())); err != nil {
				return err
			}
		}
	}
	return nil
}

func jsonKind(e *json.UnmarshalTypeError) string {
	switch e.Type.Kind().String() {
	case "string":
		return "a string"
	case "int", "int64", "int32", "int8", "int16":
		return "an integer"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return fmt.Sprintf("of type %s", e.Type)
}
