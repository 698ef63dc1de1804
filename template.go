package beseda

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MessageTemplate is a message a platform approved in advance, which a
// business may send to a client whose window is closed (a platform's message
// templates). Its body has numbered parameters {{1}}, {{2}}… filled in at
// each send. Beseda keeps a copy per channel, synced from the platform.
type MessageTemplate struct {
	ChannelID int64  `json:"-"`
	Name      string `json:"name"`
	Language  string `json:"language"`
	Category  string `json:"category"` // MARKETING, UTILITY, AUTHENTICATION
	// Status is the platform's review: APPROVED, PENDING, REJECTED, PAUSED,
	// DISABLED…; only approved templates are sent.
	Status         string `json:"status"`
	Body           string `json:"body"`
	ParameterCount int    `json:"parameter_count"`
	// Header is the header's text, or its format (IMAGE, VIDEO, DOCUMENT)
	// for a media header; empty without one.
	Header  string           `json:"header,omitempty"`
	Buttons []TemplateButton `json:"buttons"`
	// SyncedAt is when Beseda last read it from the platform.
	SyncedAt time.Time `json:"synced_at"`
}

// TemplateButton is a button of a template: QUICK_REPLY (its tap comes back
// as a button webhook with its payload), URL or PHONE_NUMBER.
type TemplateButton struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// TemplateApproved is the status of a template that may be sent.
const TemplateApproved = "APPROVED"

// Approved reports whether the platform lets the template be sent.
func (t *MessageTemplate) Approved() bool { return t.Status == TemplateApproved }

var templateParam = regexp.MustCompile(`\{\{\s*([0-9]+)\s*\}\}`)

// ParameterCount counts the numbered parameters of a template's body: the
// highest {{n}}.
func ParameterCount(body string) int {
	n := 0
	for _, m := range templateParam.FindAllStringSubmatch(body, -1) {
		if i, err := strconv.Atoi(m[1]); err == nil && i > n && i <= 100 {
			n = i
		}
	}
	return n
}

// Render fills the body's parameters ({{1}} is params[0]) and returns the
// text the client will read. Returns EINVALID unless there is one non-empty
// parameter of at most 1024 bytes for each.
func (t *MessageTemplate) Render(params []string) (string, error) {
	if len(params) != t.ParameterCount {
		return "", Errorf(EINVALID, "template %s takes %d parameters, not %d", t.Name, t.ParameterCount, len(params))
	}
	for i, p := range params {
		if err := CheckText("template.parameters", p); err != nil {
			return "", err
		}
		if strings.TrimSpace(p) == "" || len(p) > 1024 {
			return "", Errorf(EINVALID, "template.parameters[%d] must be 1 to 1024 bytes", i)
		}
	}
	return templateParam.ReplaceAllStringFunc(t.Body, func(m string) string {
		i, _ := strconv.Atoi(templateParam.FindStringSubmatch(m)[1])
		if i >= 1 && i <= len(params) {
			return params[i-1]
		}
		return m
	}), nil
}

// TemplateRef names a template to send, and its parameters: what a message
// endpoint takes as "template" instead of text.
type TemplateRef struct {
	Name       string   `json:"name"`
	Language   string   `json:"language"`
	Parameters []string `json:"parameters,omitempty"`
	// Text is the template rendered with the parameters, kept with a
	// fallback (the message's own Text is what it says otherwise).
	Text string `json:"text,omitempty"`
}

// Validate checks the shape of a reference (the template itself is looked
// up by the use case). Returns EINVALID.
func (r *TemplateRef) Validate() error {
	r.Name, r.Language = strings.TrimSpace(r.Name), strings.TrimSpace(r.Language)
	if r.Name == "" || len(r.Name) > 512 || r.Language == "" || len(r.Language) > 20 {
		return Errorf(EINVALID, "template needs a name (1 to 512 bytes) and a language (such as en_US)")
	}
	if err := CheckText("template.name", r.Name); err != nil {
		return err
	}
	if len(r.Parameters) > 100 {
		return Errorf(EINVALID, "template takes at most 100 parameters")
	}
	return nil
}

// TemplateChannel is a channel type whose platform keeps message templates:
// it reads them all (every page), and sends one (Delivery.Message.Template).
type TemplateChannel interface {
	Templates(ctx context.Context, ch *Channel) ([]MessageTemplate, error)
}

// SortTemplates orders templates for a picker: those in the client's
// language first (its exact tag, then the same language: "en" for "en_US"),
// then by name and language.
func SortTemplates(ts []MessageTemplate, clientLanguage string) {
	rank := func(t MessageTemplate) int {
		l, c := normLang(t.Language), normLang(clientLanguage)
		switch {
		case c == "":
			return 2
		case l == c:
			return 0
		case primaryLang(l) == primaryLang(c):
			return 1
		}
		return 2
	}
	slices.SortStableFunc(ts, func(a, b MessageTemplate) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		if d := strings.Compare(a.Name, b.Name); d != 0 {
			return d
		}
		return strings.Compare(a.Language, b.Language)
	})
}

func normLang(l string) string { return strings.ToLower(strings.ReplaceAll(l, "-", "_")) }

func primaryLang(l string) string { p, _, _ := strings.Cut(l, "_"); return p }

// RatingFit is why a template cannot carry the rating form outside the
// window, or RatingFits when it can: the form's three choices (R1) go as the
// template's quick-reply buttons, so it needs exactly that many quick
// replies, no parameters to fill, and the platform's approval.
type RatingFit string

const (
	RatingFits          RatingFit = ""
	RatingNotApproved   RatingFit = "not_approved"
	RatingHasParameters RatingFit = "parameters"
	RatingQuickReplies  RatingFit = "quick_replies" // not one quick reply per choice
)

// QuickReplies are the texts of the template's QUICK_REPLY buttons, in
// order.
func (t *MessageTemplate) QuickReplies() []string {
	var out []string
	for _, b := range t.Buttons {
		if b.Type == "QUICK_REPLY" {
			out = append(out, b.Text)
		}
	}
	return out
}

// RatingFit says whether the template can be the rating form: approved,
// without parameters, with one quick reply per rating (1–3, in order).
func (t *MessageTemplate) RatingFit() RatingFit {
	switch {
	case !t.Approved():
		return RatingNotApproved
	case t.ParameterCount != 0:
		return RatingHasParameters
	case len(t.QuickReplies()) != len(RatingScale):
		return RatingQuickReplies
	}
	return RatingFits
}

// Err is the fit as an error for a template named so (nil when it fits).
// Returns EINVALID.
func (f RatingFit) Err(name, language string) error {
	switch f {
	case RatingNotApproved:
		return Errorf(EINVALID, "template %s in %s is not approved, so it cannot be the rating form", name, language)
	case RatingHasParameters:
		return Errorf(EINVALID, "template %s in %s has parameters, so it cannot be the rating form", name, language)
	case RatingQuickReplies:
		return Errorf(EINVALID, "template %s in %s needs exactly three quick-reply buttons to be the rating form", name, language)
	}
	return nil
}
