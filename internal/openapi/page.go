package openapi

import (
	"bytes"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// The reference page: the document as HTML, made on the server from the
// same operations and schemas — no script, no build step.

type pageOp struct {
	Method, Path, Summary, Description, Auth, Anchor string
	Params                                           []pageField
	Body                                             template.HTML
	Responses                                        []pageResponse
}

type pageResponse struct {
	Status, Description, Type string
	Schema                    template.HTML
}

type pageField struct {
	Name, In, Description string
	Type                  template.HTML
	Required              bool
}

type pageSchema struct {
	Name, Description string
	Fields            []pageField
	Enum              string
}

type pageData struct {
	Title, Description string
	Tags               []struct {
		Name string
		Ops  []pageOp
	}
	Webhooks []pageOp
	Schemas  []pageSchema
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="page api-docs">
<h1>{{.Title}}</h1><p>{{.Description}}</p>
<p><a href="/api/v1/openapi.json">openapi.json</a> (OpenAPI 3.1)</p>
<nav class="card"><ul>{{range .Tags}}<li><a href="#tag-{{.Name}}">{{.Name}}</a></li>{{end}}<li><a href="#webhooks">Outgoing webhooks</a></li><li><a href="#schemas">Schemas</a></li></ul></nav>
{{range .Tags}}<section id="tag-{{.Name}}"><h2>{{.Name}}</h2>{{range .Ops}}{{template "op" .}}{{end}}</section>{{end}}
<section id="webhooks"><h2>Outgoing webhooks</h2><p>POSTed to each subscription of the event's type; headers X-Beseda-Event, X-Beseda-Delivery (the same on every retry) and X-Beseda-Signature: sha256=HEX, the HMAC-SHA256 of the raw body with the subscription's secret.</p>{{range .Webhooks}}{{template "op" .}}{{end}}</section>
<section id="schemas"><h2>Schemas</h2>{{range .Schemas}}<article class="card" id="schema-{{.Name}}"><h3>{{.Name}}</h3>{{if .Description}}<p>{{.Description}}</p>{{end}}{{if .Enum}}<p>One of: <code>{{.Enum}}</code></p>{{end}}{{if .Fields}}{{template "fields" .Fields}}{{end}}</article>{{end}}</section>
</main></body></html>
{{define "op"}}<article class="card api-op" id="{{.Anchor}}"><h3><span class="badge">{{.Method}}</span> <code>{{.Path}}</code></h3>
<p>{{.Summary}}</p>{{if .Description}}<p class="muted">{{.Description}}</p>{{end}}{{if .Auth}}<p class="small">Auth: {{.Auth}}</p>{{end}}
{{if .Params}}<h4>Parameters</h4>{{template "fields" .Params}}{{end}}
{{if .Body}}<h4>Body</h4><p>{{.Body}}</p>{{end}}
<h4>Answers</h4><ul>{{range .Responses}}<li><strong>{{.Status}}</strong> {{.Description}}{{if .Type}} — <code>{{.Type}}</code> {{.Schema}}{{end}}</li>{{end}}</ul></article>{{end}}
{{define "fields"}}<table class="table"><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">About</th></tr></thead><tbody>{{range .}}<tr><td data-label="Name"><code>{{.Name}}</code>{{if .In}} <span class="muted small">{{.In}}</span>{{end}}{{if .Required}} <span class="small">required</span>{{end}}</td><td data-label="Type">{{.Type}}</td><td data-label="About">{{.Description}}</td></tr>{{end}}</tbody></table>{{end}}`))

var authText = map[string]string{
	"bearer":  "Bearer token",
	"session": "console session cookie",
	"csrf":    "X-CSRF-Token",
	"visitor": "X-Visitor-Token",
}

// typeHTML says what a schema is, linking to the components it names.
func typeHTML(s any) template.HTML {
	m, ok := s.(map[string]any)
	if !ok || len(m) == 0 {
		return "any"
	}
	if ref, ok := m["$ref"].(string); ok {
		name := ref[strings.LastIndex(ref, "/")+1:]
		return template.HTML(`<a href="#schema-` + template.HTMLEscapeString(name) + `">` + template.HTMLEscapeString(name) + `</a>`)
	}
	for _, k := range []string{"anyOf", "allOf"} {
		if list, ok := m[k].([]any); ok {
			parts := make([]string, len(list))
			for i, x := range list {
				parts[i] = string(typeHTML(x))
			}
			return template.HTML(strings.Join(parts, " or "))
		}
	}
	var types []string
	switch t := m["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			types = append(types, x.(string))
		}
	}
	for i, t := range types {
		switch t {
		case "array":
			types[i] = "array of " + string(typeHTML(m["items"]))
		case "object":
			if ap, ok := m["additionalProperties"].(map[string]any); ok {
				types[i] = "object of " + string(typeHTML(ap))
			}
		case "string":
			if f, ok := m["format"].(string); ok {
				types[i] = "string (" + f + ")"
			}
			if enum, ok := m["enum"].([]any); ok {
				var vals []string
				for _, v := range enum {
					if v != nil {
						vals = append(vals, template.HTMLEscapeString(v.(string)))
					}
				}
				types[i] = "string: " + strings.Join(vals, ", ")
			}
		}
	}
	return template.HTML(strings.Join(types, " or "))
}

func fieldsOf(s map[string]any) []pageField {
	props, _ := s["properties"].(map[string]any)
	required := asStrings(s["required"])
	var out []pageField
	for name, p := range props {
		desc, _ := p.(map[string]any)["description"].(string)
		out = append(out, pageField{Name: name, Type: typeHTML(p), Description: desc, Required: slices.Contains(required, name)})
	}
	slices.SortFunc(out, func(a, b pageField) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func opOf(method, path string, op map[string]any) pageOp {
	p := pageOp{Method: strings.ToUpper(method), Path: path, Anchor: op["operationId"].(string)}
	p.Summary, _ = op["summary"].(string)
	p.Description, _ = op["description"].(string)
	if sec, ok := op["security"].([]any); ok {
		var alts []string
		for _, alt := range sec {
			var names []string
			for k := range alt.(map[string]any) {
				names = append(names, authText[k])
			}
			slices.Sort(names)
			alts = append(alts, strings.Join(names, " + "))
		}
		if len(alts) == 0 {
			alts = []string{"none"}
		}
		p.Auth = strings.Join(alts, ", or ")
	}
	params, _ := op["parameters"].([]any)
	for _, x := range params {
		prm := x.(map[string]any)
		f := pageField{Name: prm["name"].(string), In: prm["in"].(string), Type: typeHTML(prm["schema"])}
		f.Description, _ = prm["description"].(string)
		f.Required, _ = prm["required"].(bool)
		p.Params = append(p.Params, f)
	}
	if rb, ok := op["requestBody"].(map[string]any); ok {
		for typ, media := range rb["content"].(map[string]any) {
			p.Body = template.HTML("<code>"+typ+"</code> ") + typeHTML(media.(map[string]any)["schema"])
		}
	}
	responses, _ := op["responses"].(map[string]any)
	for status, x := range responses {
		r := x.(map[string]any)
		pr := pageResponse{Status: status}
		pr.Description, _ = r["description"].(string)
		if content, ok := r["content"].(map[string]any); ok {
			var types []string
			for typ := range content {
				types = append(types, typ)
			}
			slices.Sort(types)
			pr.Type = strings.Join(types, ", ")
			pr.Schema = typeHTML(content[types[0]].(map[string]any)["schema"])
		}
		p.Responses = append(p.Responses, pr)
	}
	slices.SortFunc(p.Responses, func(a, b pageResponse) int { return strings.Compare(a.Status, b.Status) })
	return p
}

var page = sync.OnceValues(func() ([]byte, error) {
	raw, err := doc()
	if err != nil {
		return nil, err
	}
	var d map[string]any
	if err := jsonUnmarshal(raw, &d); err != nil {
		return nil, err
	}
	info := d["info"].(map[string]any)
	data := pageData{Title: info["title"].(string), Description: info["description"].(string)}
	tagIndex := map[string]int{}
	for _, o := range Ops() {
		method, path := o.split()
		if strings.HasSuffix(path, "/") {
			path += "{path...}"
		}
		key := pathParam.ReplaceAllString(path, "{$1}")
		op := d["paths"].(map[string]any)[key].(map[string]any)[strings.ToLower(method)].(map[string]any)
		tag := o.Tag
		if tag == "" {
			tag = "Other"
		}
		i, ok := tagIndex[tag]
		if !ok {
			i = len(data.Tags)
			tagIndex[tag] = i
			data.Tags = append(data.Tags, struct {
				Name string
				Ops  []pageOp
			}{Name: tag})
		}
		data.Tags[i].Ops = append(data.Tags[i].Ops, opOf(method, key, op))
	}
	for event, x := range d["webhooks"].(map[string]any) {
		data.Webhooks = append(data.Webhooks, opOf("post", event, x.(map[string]any)["post"].(map[string]any)))
	}
	slices.SortFunc(data.Webhooks, func(a, b pageOp) int { return strings.Compare(a.Path, b.Path) })
	for name, x := range d["components"].(map[string]any)["schemas"].(map[string]any) {
		s := x.(map[string]any)
		ps := pageSchema{Name: name, Fields: fieldsOf(s)}
		ps.Description, _ = s["description"].(string)
		data.Schemas = append(data.Schemas, ps)
	}
	slices.SortFunc(data.Schemas, func(a, b pageSchema) int { return strings.Compare(a.Name, b.Name) })
	var b bytes.Buffer
	err = pageTemplate.Execute(&b, data)
	return b.Bytes(), err
})

// ServePage serves the reference page.
func ServePage(w http.ResponseWriter, r *http.Request) {
	body, err := page()
	if err != nil {
		http.Error(w, "openapi: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(body)
}
