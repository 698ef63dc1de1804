package openapi

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Validate checks a JSON document against a schema of the document doc
// (its $refs resolve there). It knows the part of JSON Schema that this
// package generates: type (one or several), enum, const, properties,
// required, additionalProperties, items, anyOf, allOf, $ref, minimum,
// pattern-free string formats (date-time). It returns every problem found,
// each with the JSON path where it is.
func Validate(doc map[string]any, schema any, data []byte) []string {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var problems []string
	check(doc, schema, v, "$", &problems)
	return problems
}

// SchemaAt returns the schema at a JSON pointer of the document, such as
// "#/components/schemas/Dialog".
func SchemaAt(doc map[string]any, ref string) (any, bool) {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func check(doc map[string]any, schema any, v any, at string, problems *[]string) {
	s, ok := schema.(map[string]any)
	if !ok {
		return // true, or an empty schema: anything goes
	}
	fail := func(format string, args ...any) {
		*problems = append(*problems, at+": "+fmt.Sprintf(format, args...))
	}
	if ref, ok := s["$ref"].(string); ok {
		target, found := SchemaAt(doc, ref)
		if !found {
			fail("unresolved %s", ref)
			return
		}
		check(doc, target, v, at, problems)
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, sub := range all {
			check(doc, sub, v, at, problems)
		}
	}
	if any, ok := s["anyOf"].([]any); ok {
		matched := false
		var first []string
		for i, sub := range any {
			var p []string
			check(doc, sub, v, at, &p)
			if len(p) == 0 {
				matched = true
				break
			}
			if i == 0 {
				first = p
			}
		}
		if !matched {
			*problems = append(*problems, first...)
			fail("matches none of anyOf")
		}
	}
	if c, ok := s["const"]; ok && fmt.Sprint(c) != fmt.Sprint(v) {
		fail("is %v, want %v", v, c)
	}
	if enum, ok := s["enum"].([]any); ok {
		if !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) && (e == nil) == (v == nil) }) {
			fail("%v is not one of %v", v, enum)
		}
	}
	if typ, ok := s["type"]; ok {
		var types []string
		switch t := typ.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return hasType(v, t) }) {
			fail("is %s, want %s", typeName(v), strings.Join(types, " or "))
			return
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asStrings(s["required"]) {
			if _, ok := x[r]; !ok {
				fail("lacks %q", r)
			}
		}
		for k, val := range x {
			if ps, ok := props[k]; ok {
				check(doc, ps, val, at+"."+k, problems)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap && props != nil {
					fail("has %q, which the schema does not name", k)
				}
			case map[string]any:
				check(doc, ap, val, at+"."+k, problems)
			}
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, val := range x {
				check(doc, items, val, fmt.Sprintf("%s[%d]", at, i), problems)
			}
		}
	case string:
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
				fail("%q is not an RFC 3339 time", x)
			}
		}
	case json.Number:
		if min, ok := s["minimum"].(float64); ok {
			if f, _ := x.Float64(); f < min {
				fail("%v is below %v", x, min)
			}
		}
	}
}

func hasType(v any, t string) bool {
	switch t {
	case "null":
		return v == nil
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, err := n.Float64()
		return err == nil && f == math.Trunc(f) && !strings.ContainsAny(n.String(), ".eE")
	}
	return false
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
