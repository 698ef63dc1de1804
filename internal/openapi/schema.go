package openapi

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Schema is a JSON Schema (2020-12, as OpenAPI 3.1 uses it) as a JSON
// object.
type Schema = map[string]any

// TypeDoc adds to the schema of a Go type what its fields cannot say.
type TypeDoc struct {
	Name   string            // the component's name; default the Go type's, capitalised
	Doc    string            // what the type is
	Fields map[string]string // descriptions by JSON field name
	Enum   []string          // the values of a string type
}

var typeDocs = struct {
	sync.Mutex
	m map[reflect.Type]TypeDoc
}{m: map[reflect.Type]TypeDoc{}}

// Describe documents the type of sample.
func Describe(sample any, d TypeDoc) bool {
	t := reflect.TypeOf(sample)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	typeDocs.Lock()
	defer typeDocs.Unlock()
	if old, ok := typeDocs.m[t]; ok { // several files may add to one type
		if d.Name == "" {
			d.Name = old.Name
		}
		if d.Doc == "" {
			d.Doc = old.Doc
		}
		if d.Enum == nil {
			d.Enum = old.Enum
		}
		for k, v := range old.Fields {
			if _, ok := d.Fields[k]; !ok {
				if d.Fields == nil {
					d.Fields = map[string]string{}
				}
				d.Fields[k] = v
			}
		}
	}
	typeDocs.m[t] = d
	return true
}

func docOf(t reflect.Type) TypeDoc {
	typeDocs.Lock()
	defer typeDocs.Unlock()
	return typeDocs.m[t]
}

// schemas builds the component schemas of the types it is asked about.
type schemas struct {
	components map[string]Schema
	names      map[typeUse]string
}

// typeUse is a type as a request takes it (input) or as an answer has it.
type typeUse struct {
	t     reflect.Type
	input bool
}

func newSchemas() *schemas {
	return &schemas{components: map[string]Schema{}, names: map[typeUse]string{}}
}

// File is the type of a file's bytes in a multipart/form-data body.
type File []byte

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
	fileType = reflect.TypeOf(File(nil))
)

// of returns the schema of a Go value's type (a $ref for named structs).
// In a request (input) no field is required: the API reads a missing field
// as its zero value, and the rules decide what must be given.
func (s *schemas) of(sample any, input bool) Schema {
	if sample == nil {
		return Schema{}
	}
	return s.schema(reflect.TypeOf(sample), input)
}

func (s *schemas) schema(t reflect.Type, input bool) Schema {
	switch {
	case t == timeType:
		return Schema{"type": "string", "format": "date-time"}
	case t == rawType:
		return Schema{}
	case t == fileType:
		return Schema{"type": "string", "contentMediaType": "application/octet-stream"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(s.schema(t.Elem(), input))
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return Schema{"type": "string", "contentEncoding": "base64"}
		}
		// A nil slice is encoded as null.
		return Schema{"type": []any{"array", "null"}, "items": s.schema(t.Elem(), input)}
	case reflect.Map:
		return Schema{"type": []any{"object", "null"}, "additionalProperties": s.schema(t.Elem(), input)}
	case reflect.Struct:
		return s.object(t, input)
	case reflect.Interface:
		return Schema{}
	case reflect.Bool:
		return Schema{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Schema{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return Schema{"type": "number"}
	case reflect.String:
		out := Schema{"type": "string"}
		if d := docOf(t); len(d.Enum) > 0 {
			enum := make([]any, len(d.Enum))
			for i, v := range d.Enum {
				enum[i] = v
			}
			out["enum"] = enum
			if d.Doc != "" {
				out["description"] = d.Doc
			}
		}
		return out
	}
	panic("openapi: cannot describe " + t.String())
}

func nullable(s Schema) Schema {
	if ref, ok := s["$ref"]; ok {
		return Schema{"anyOf": []any{Schema{"$ref": ref}, Schema{"type": "null"}}}
	}
	out := Schema{}
	for k, v := range s {
		out[k] = v
	}
	switch typ := s["type"].(type) {
	case string:
		out["type"] = []any{typ, "null"}
	case []any:
		for _, v := range typ {
			if v == "null" {
				return out
			}
		}
		out["type"] = append(append([]any{}, typ...), "null")
	default:
		return s // any value, null included
	}
	if enum, ok := s["enum"].([]any); ok {
		out["enum"] = append(append([]any{}, enum...), nil)
	}
	return out
}

// object returns a $ref to the component of a struct, made on first use.
func (s *schemas) object(t reflect.Type, input bool) Schema {
	name, ok := s.names[typeUse{t, input}]
	if !ok {
		name = s.name(t, input)
		s.names[typeUse{t, input}] = name
		s.components[name] = nil // taken, against recursion
		s.components[name] = s.build(t, input)
	}
	return Schema{"$ref": "#/components/schemas/" + name}
}

func (s *schemas) name(t reflect.Type, input bool) string {
	name := docOf(t).Name
	if name == "" {
		name = t.Name()
		if base, arg, generic := strings.Cut(name, "["); generic {
			// webhookBody[github.com/beseda/beseda.Message] → WebhookBodyMessage
			arg = strings.TrimSuffix(arg, "]")
			name = base + arg[strings.LastIndexAny(arg, "./")+1:]
		}
		if name == "" {
			name = "Object"
		}
		r := []rune(name)
		r[0] = unicode.ToUpper(r[0])
		name = strings.TrimSuffix(string(r), "JSON")
	}
	if _, taken := s.components[name]; taken && input {
		name += "Input" // the same type as an answer has it
	}
	base := name
	for i := 2; ; i++ {
		if _, taken := s.components[name]; !taken {
			return name
		}
		name = base + strconv.Itoa(i)
	}
}

// build makes a struct's schema as encoding/json encodes it: exported
// fields by their JSON names, "-" left out, embedded structs flattened,
// omitempty and omitzero fields optional, and so are the fields of an
// embedded struct pointer (encoding/json leaves them out when it is nil:
// the way an answer shows some fields to some callers only).
func (s *schemas) build(t reflect.Type, input bool) Schema {
	props := Schema{}
	var required []any
	d := docOf(t)
	var walk func(t reflect.Type, optional bool)
	walk = func(t reflect.Type, optional bool) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				pointer := false
				for ft.Kind() == reflect.Pointer {
					ft, pointer = ft.Elem(), true
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, optional || pointer)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := s.schema(f.Type, input)
			if desc := d.Fields[name]; desc != "" {
				if _, ref := p["$ref"]; ref {
					p = Schema{"allOf": []any{p}, "description": desc}
				} else {
					p = copySchema(p)
					p["description"] = desc
				}
			}
			props[name] = p
			if !input && !optional && !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				required = append(required, name)
			}
		}
	}
	walk(t, false)
	out := Schema{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		out["required"] = required
	}
	if d.Doc != "" {
		out["description"] = d.Doc
	}
	return out
}

func copySchema(s Schema) Schema {
	out := Schema{}
	for k, v := range s {
		out[k] = v
	}
	return out
}
