package fakewhatsapp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Template is a message template of the business account, as the Business
// Management API lists it
// (developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates).
type Template struct {
	Name, Language, Category, Status string
	Body                             string   // with {{1}}, {{2}}…
	QuickReplies                     []string // the QUICK_REPLY buttons' texts
}

// SetTemplates makes the business account's templates; GET
// /{waba_id}/message_templates serves them pageSize at a time (Graph
// paging: cursors.after and next while more follow).
func (s *Server) SetTemplates(waba string, pageSize int, ts ...Template) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waba, s.pageSize, s.templates = waba, pageSize, append([]Template(nil), ts...)
}

// SetTemplateStatus changes a template's review status (as Meta's review
// does); see TemplateStatusUpdate for the webhook that tells of it.
func (s *Server) SetTemplateStatus(name, language, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.templates {
		if s.templates[i].Name == name && s.templates[i].Language == language {
			s.templates[i].Status = status
		}
	}
}

// TemplatePages counts the pages of templates served.
func (s *Server) TemplatePages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.templatePages
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.token {
		s.fail(w, failure{401, 190, "Invalid OAuth access token - Cannot parse access token"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if waba := templatesPath.FindStringSubmatch(r.URL.Path)[1]; waba != s.waba {
		s.fail(w, failure{400, 100, "Unsupported get request. Object with ID '" + waba + "' does not exist"})
		return
	}
	s.templatePages++
	from := 0
	if after := r.URL.Query().Get("after"); after != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(after, "cursor-"))
		if err != nil || !strings.HasPrefix(after, "cursor-") {
			s.fail(w, failure{400, 100, "Invalid cursor"})
			return
		}
		from = n
	}
	size := s.pageSize
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 && l < size {
		size = l
	}
	to := min(from+size, len(s.templates))
	data := []any{}
	for i, t := range s.templates[min(from, to):to] {
		comps := []any{map[string]any{"type": "BODY", "text": t.Body}}
		if len(t.QuickReplies) > 0 {
			var buttons []any
			for _, q := range t.QuickReplies {
				buttons = append(buttons, map[string]any{"type": "QUICK_REPLY", "text": q})
			}
			comps = append(comps, map[string]any{"type": "BUTTONS", "buttons": buttons})
		}
		data = append(data, map[string]any{"name": t.Name, "language": t.Language, "status": t.Status,
			"category": t.Category, "id": strconv.Itoa(1000 + from + i), "components": comps})
	}
	paging := map[string]any{"cursors": map[string]any{"before": fmt.Sprintf("cursor-%d", from), "after": fmt.Sprintf("cursor-%d", to)}}
	if to < len(s.templates) {
		paging["next"] = s.URL + r.URL.Path + "?after=" + fmt.Sprintf("cursor-%d", to)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"data": data, "paging": paging})
}

var param = regexp.MustCompile(`\{\{([0-9]+)\}\}`)

// checkTemplate checks a template message against the account's templates:
// an approved one, by name and language code, with as many body parameters
// as its body has, and a payload for each quick reply at most.
func (s *Server) checkTemplate(req map[string]any, out *Sent) {
	tm, _ := req["template"].(map[string]any)
	s.allowed("template", tm, "name", "language", "components")
	name, _ := tm["name"].(string)
	lang, _ := tm["language"].(map[string]any)
	s.allowed("template.language", lang, "code", "policy")
	code, _ := lang["code"].(string)
	out.Template = name + "/" + code
	s.mu.Lock()
	var t *Template
	for i := range s.templates {
		if s.templates[i].Name == name && s.templates[i].Language == code {
			t = &s.templates[i]
		}
	}
	s.mu.Unlock()
	if t == nil || t.Status != "APPROVED" {
		s.tb.Errorf("fakewhatsapp: template %s in %s is no approved template of the account", name, code)
		return
	}
	var params []string
	comps, _ := tm["components"].([]any)
	for _, x := range comps {
		c, _ := x.(map[string]any)
		s.allowed("template.components[]", c, "type", "sub_type", "index", "parameters")
		ps, _ := c["parameters"].([]any)
		switch c["type"] {
		case "body":
			for _, y := range ps {
				p, _ := y.(map[string]any)
				s.allowed("body parameter", p, "type", "text")
				text, _ := p["text"].(string)
				if p["type"] != "text" || text == "" {
					s.tb.Errorf("fakewhatsapp: a body parameter is {type: text, text}, got %v", p)
				}
				params = append(params, text)
			}
		case "button":
			i, err := strconv.Atoi(fmt.Sprint(c["index"]))
			if c["sub_type"] != "quick_reply" || err != nil || i < 0 || i >= len(t.QuickReplies) || len(ps) != 1 {
				s.tb.Errorf("fakewhatsapp: a button component names one of the template's quick replies, got %v", c)
				continue
			}
			p, _ := ps[0].(map[string]any)
			payload, _ := p["payload"].(string)
			if p["type"] != "payload" || payload == "" {
				s.tb.Errorf("fakewhatsapp: a quick reply's parameter is {type: payload, payload}, got %v", p)
			}
			out.Buttons = append(out.Buttons, Button{ID: payload, Title: t.QuickReplies[i]})
		default:
			s.tb.Errorf("fakewhatsapp: template component type %v", c["type"])
		}
	}
	want := 0
	for _, m := range param.FindAllStringSubmatch(t.Body, -1) {
		if n, _ := strconv.Atoi(m[1]); n > want {
			want = n
		}
	}
	if len(params) != want {
		s.tb.Errorf("fakewhatsapp: template %s takes %d body parameters, got %d", name, want, len(params))
		return
	}
	out.Text = param.ReplaceAllStringFunc(t.Body, func(m string) string {
		n, _ := strconv.Atoi(param.FindStringSubmatch(m)[1])
		return params[n-1]
	})
}

// TemplateStatusUpdate is the webhook body of a template's new review
// status (field message_template_status_update; event APPROVED, REJECTED,
// PAUSED…), posted for the business account.
func TemplateStatusUpdate(waba, name, language, event string) []byte {
	b, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{
		"id": waba, "time": 1700000002, "changes": []any{map[string]any{"field": "message_template_status_update",
			"value": map[string]any{"event": event, "message_template_id": 1234, "message_template_name": name,
				"message_template_language": language, "reason": "NONE"}}}}}})
	return b
}
