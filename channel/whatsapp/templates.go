package whatsapp

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/beseda/beseda"
)

var _ beseda.TemplateChannel = (*Type)(nil)

// TemplatesPage is one page of GET /{waba_id}/message_templates, Graph
// paging: the next page is asked for with the cursor after, while there is
// a next.
type TemplatesPage struct {
	Data   []TemplateInfo `json:"data"`
	Paging struct {
		Cursors struct {
			After string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

// TemplateInfo is a template as the Business Management API lists it.
type TemplateInfo struct {
	Name       string `json:"name"`
	Language   string `json:"language"`
	Status     string `json:"status"`
	Category   string `json:"category"`
	Components []struct {
		Type    string `json:"type"`   // HEADER, BODY, FOOTER, BUTTONS
		Format  string `json:"format"` // a header's: TEXT, IMAGE, VIDEO, DOCUMENT
		Text    string `json:"text"`
		Buttons []struct {
			Type string `json:"type"` // QUICK_REPLY, URL, PHONE_NUMBER…
			Text string `json:"text"`
		} `json:"buttons"`
	} `json:"components"`
}

// maxTemplatePages bounds a sync: a platform that kept answering with a next
// page would otherwise hold it forever (250 templates a business account
// may have at most, by default, fit in 3 pages of 100).
const maxTemplatePages = 100

// Templates implements beseda.TemplateChannel: every page of the business
// account's templates (business_account_id), with the access token. The
// next page is asked for at the channel's own address with the cursor, never
// at the address an answer names, so that the token goes nowhere else.
// A channel without a business account has none.
func (t *Type) Templates(ctx context.Context, ch *beseda.Channel) ([]beseda.MessageTemplate, error) {
	waba := ch.Config.Get("business_account_id")
	if waba == "" {
		return []beseda.MessageTemplate{}, nil
	}
	out := []beseda.MessageTemplate{}
	after := ""
	for range maxTemplatePages {
		q := url.Values{"fields": {"name,language,status,category,components"}, "limit": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		var page TemplatesPage
		if err := t.api.GetJSON(ctx, base(ch)+"/"+url.PathEscape(waba)+"/message_templates?"+q.Encode(), bearer(ch), &page); err != nil {
			return nil, err
		}
		for _, info := range page.Data {
			if info.Name != "" && info.Language != "" {
				out = append(out, info.template())
			}
		}
		if page.Paging.Next == "" || page.Paging.Cursors.After == "" || page.Paging.Cursors.After == after {
			return out, nil
		}
		after = page.Paging.Cursors.After
	}
	return out, nil
}

func (info TemplateInfo) template() beseda.MessageTemplate {
	t := beseda.MessageTemplate{Name: beseda.SanitizeText(info.Name), Language: beseda.SanitizeText(info.Language),
		Category: beseda.SanitizeText(info.Category), Status: beseda.SanitizeText(info.Status), Buttons: []beseda.TemplateButton{}}
	for _, c := range info.Components {
		switch strings.ToUpper(c.Type) {
		case "BODY":
			t.Body = beseda.SanitizeText(c.Text)
		case "HEADER":
			if strings.ToUpper(c.Format) == "TEXT" || c.Format == "" {
				t.Header = beseda.SanitizeText(c.Text)
			} else {
				t.Header = strings.ToUpper(c.Format)
			}
		case "BUTTONS":
			for _, b := range c.Buttons {
				t.Buttons = append(t.Buttons, beseda.TemplateButton{Type: beseda.SanitizeText(b.Type), Text: beseda.SanitizeText(b.Text)})
			}
		}
	}
	t.ParameterCount = beseda.ParameterCount(t.Body)
	return t
}

// TemplateMessage is the template of a send (type "template"): its name,
// language, and the body's parameters, and, for quick-reply buttons, the
// payload each tap sends back.
type TemplateMessage struct {
	Name       string              `json:"name"`
	Language   TemplateLanguage    `json:"language"`
	Components []TemplateComponent `json:"components,omitempty"`
}

// TemplateLanguage is a template's language code (en_US).
type TemplateLanguage struct {
	Code string `json:"code"`
}

// TemplateComponent fills a part of a template: the body's parameters, or a
// button's payload.
type TemplateComponent struct {
	Type       string              `json:"type"`
	SubType    string              `json:"sub_type,omitempty"`
	Index      string              `json:"index,omitempty"`
	Parameters []TemplateParameter `json:"parameters"`
}

// TemplateParameter is one value: a text of the body, or a button's payload.
type TemplateParameter struct {
	Type    string `json:"type"`
	Text    string `json:"text,omitempty"`
	Payload string `json:"payload,omitempty"`
}

// templateMessage is a message's template as the Cloud API takes it; its
// buttons' payloads (the rating form's) go to the template's quick replies
// in order.
func templateMessage(m *beseda.Message) *TemplateMessage {
	ref := m.Template
	tm := &TemplateMessage{Name: ref.Name, Language: TemplateLanguage{Code: ref.Language}}
	if len(ref.Parameters) > 0 {
		c := TemplateComponent{Type: "body"}
		for _, p := range ref.Parameters {
			c.Parameters = append(c.Parameters, TemplateParameter{Type: "text", Text: p})
		}
		tm.Components = append(tm.Components, c)
	}
	for i, b := range m.Buttons {
		tm.Components = append(tm.Components, TemplateComponent{Type: "button", SubType: "quick_reply",
			Index: strconv.Itoa(i), Parameters: []TemplateParameter{{Type: "payload", Payload: b.Payload}}})
	}
	return tm
}
