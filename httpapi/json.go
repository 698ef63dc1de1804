package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
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
// of the wrong type, unknown fields and trailing data are invalid_input; a body
// over MaxBodyBytes is too_large.
func Decode(w http.ResponseWriter, r *http.Request, dst any) error {
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

// queryInt64 reads an optional positive integer query parameter.
func queryInt64(r *http.Request, name string) (int64, bool, error) {
	n, ok, err := queryCursor(r, name)
	if ok && n == 0 {
		return 0, false, beseda.Errorf(beseda.EINVALID, "query parameter %s must be a positive integer", name)
	}
	return n, ok, err
}

// queryCursor reads an optional non-negative integer query parameter, such as
// a paging cursor where 0 means "from the start".
func queryCursor(r *http.Request, name string) (int64, bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, false, beseda.Errorf(beseda.EINVALID, "query parameter %s must be a non-negative integer", name)
	}
	return n, true, nil
}

// queryBool reads an optional boolean query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, beseda.Errorf(beseda.EINVALID, "query parameter %s must be true or false", name)
}

// pathID reads the {id} path value; anything but a positive integer names no
// object of the noun.
func pathID(r *http.Request, noun string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, beseda.NotFound(noun)
	}
	return n, nil
}
