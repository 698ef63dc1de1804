package beseda

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Client ratings (R2, R3): the rating form has exactly three buttons, because
// Facebook allows no more: Bad=1, Normal=2, Excellent=3.
const (
	RatingBad       = 1
	RatingNormal    = 2
	RatingExcellent = 3
)

// RatingScale is every value of both ratings, the manager's of the client
// (R1) and the client's of the service (R2, R3), from worst to best.
var RatingScale = [...]int{RatingBad, RatingNormal, RatingExcellent}

// RatingCounts recovers how many ratings were 1, 2 and 3 from their count n,
// sum s and sum of squares q, which a report reads in one pass (R4): with
// n1+n2+n3 = n, n1+2n2+3n3 = s and n1+4n2+9n3 = q the three counts are
// determined, because the scale has exactly three values (R2).
func RatingCounts(n, s, q int64) map[int]int {
	n3 := (q - 3*s + 2*n) / 2
	n2 := s - n - 2*n3
	return map[int]int{RatingBad: int(n - n2 - n3), RatingNormal: int(n2), RatingExcellent: int(n3)}
}

// RateByClient applies a client's click on the rating form of d (R3): the
// first click sets the dialog's client rating; later clicks change nothing,
// and late says so. A click of another client, or off the scale, is refused.
func (d *Dialog) RateByClient(subscriberID int64, value int) (late bool, err error) {
	if d.SubscriberID != subscriberID || CheckRating(value) != nil {
		return false, Errorf(EINVALID, "this rating button is not valid")
	}
	if d.ClientRating != nil {
		return true, nil // the first click counts
	}
	d.ClientRating = &value
	return false, nil
}

// A rating button's payload is "r1.<dialog>.<value>.<mac>": the MAC binds the
// dialog, the value and the client the form was sent to, so a click cannot be
// forged for another dialog or replayed by another client. It fits in
// MaxPayloadBytes.
const ratingPrefix = "r1."

// MaxPayloadBytes is the most a button's payload may hold: the strictest
// limit of the platforms' (their channel packages say theirs).
const MaxPayloadBytes = 64

// RatingPayload returns the signed payload of a rating button.
func RatingPayload(secret []byte, dialogID, subscriberID int64, value int) string {
	body := strconv.FormatInt(dialogID, 10) + "." + strconv.Itoa(value)
	return ratingPrefix + body + "." + ratingMAC(secret, body, subscriberID)
}

// IsRatingPayload tells a rating button from other buttons.
func IsRatingPayload(payload string) bool { return strings.HasPrefix(payload, ratingPrefix) }

// ParseRatingPayload checks a rating button's payload for the client who
// clicked it and returns the dialog and the value. ok is false for anything
// forged, altered or clicked by another client.
func ParseRatingPayload(secret []byte, payload string, subscriberID int64) (dialogID int64, value int, ok bool) {
	rest, found := strings.CutPrefix(payload, ratingPrefix)
	if !found {
		return 0, 0, false
	}
	i := strings.LastIndexByte(rest, '.')
	if i < 0 {
		return 0, 0, false
	}
	body, mac := rest[:i], rest[i+1:]
	if !hmac.Equal([]byte(mac), []byte(ratingMAC(secret, body, subscriberID))) {
		return 0, 0, false
	}
	idPart, valuePart, found := strings.Cut(body, ".")
	if !found {
		return 0, 0, false
	}
	dialogID, err1 := strconv.ParseInt(idPart, 10, 64)
	value, err2 := strconv.Atoi(valuePart)
	if err1 != nil || err2 != nil || CheckRating(value) != nil {
		return 0, 0, false
	}
	return dialogID, value, true
}

// IsRatingForm reports whether a message is a rating form: its buttons are
// rating buttons.
func (m *Message) IsRatingForm() bool {
	return m.DialogID != nil && len(m.Buttons) > 0 && IsRatingPayload(m.Buttons[0].Payload)
}

// MarkRatingChoice marks on a rating form the button of the client's rating
// of its dialog (R3), so that the form shows as answered.
func MarkRatingChoice(secret []byte, m *Message, rating int) {
	for i, b := range m.Buttons {
		dialogID, value, ok := ParseRatingPayload(secret, b.Payload, m.SubscriberID)
		m.Buttons[i].Chosen = ok && m.DialogID != nil && dialogID == *m.DialogID && value == rating
	}
}

func ratingMAC(secret []byte, body string, subscriberID int64) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(body + "/" + strconv.FormatInt(subscriberID, 10)))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// StandardMessages are the texts the product sends on its own (R2, R3) in
// one language, editable per workspace and language (Settings → Standard
// messages).
type StandardMessages struct {
	RatingPrompt     string `json:"rating_prompt"`
	CaptionBad       string `json:"caption_bad"`
	CaptionNormal    string `json:"caption_normal"`
	CaptionExcellent string `json:"caption_excellent"`
	ThankYou         string `json:"thank_you"`
}

// DefaultStandardMessages are the texts a workspace starts with.
func DefaultStandardMessages(l Locale) StandardMessages {
	if l == LocaleRU {
		return StandardMessages{
			RatingPrompt:     "Пожалуйста, оцените качество обслуживания",
			CaptionBad:       "Плохо",
			CaptionNormal:    "Нормально",
			CaptionExcellent: "Отлично",
			ThankYou:         "Спасибо за вашу оценку!",
		}
	}
	return StandardMessages{
		RatingPrompt:     "How would you rate our support?",
		CaptionBad:       "Bad",
		CaptionNormal:    "Normal",
		CaptionExcellent: "Excellent",
		ThankYou:         "Thank you for your feedback!",
	}
}

// Limits of the rating form that every channel takes: the strictest of the
// platforms' button templates.
const (
	MaxButtonTitle    = 20
	MaxButtonTemplate = 640
)

// StandardMessagesUpdate changes some of the texts; nil fields stay.
type StandardMessagesUpdate struct {
	RatingPrompt     *string `json:"rating_prompt"`
	CaptionBad       *string `json:"caption_bad"`
	CaptionNormal    *string `json:"caption_normal"`
	CaptionExcellent *string `json:"caption_excellent"`
	ThankYou         *string `json:"thank_you"`
}

// Apply returns m with the update applied, checked against the channels'
// limits: the prompt is the text of a button template (≤ 640), captions are
// button titles (≤ 20), the thank-you is a plain message.
func (u StandardMessagesUpdate) Apply(m StandardMessages) (StandardMessages, error) {
	fields := []struct {
		name string
		in   *string
		out  *string
		max  int
	}{
		{"rating_prompt", u.RatingPrompt, &m.RatingPrompt, MaxButtonTemplate},
		{"caption_bad", u.CaptionBad, &m.CaptionBad, MaxButtonTitle},
		{"caption_normal", u.CaptionNormal, &m.CaptionNormal, MaxButtonTitle},
		{"caption_excellent", u.CaptionExcellent, &m.CaptionExcellent, MaxButtonTitle},
		{"thank_you", u.ThankYou, &m.ThankYou, PortableTextMax},
	}
	for _, f := range fields {
		if f.in == nil {
			continue
		}
		v := strings.TrimSpace(*f.in)
		if n := utf8.RuneCountInString(v); n == 0 || n > f.max {
			return m, Errorf(EINVALID, "%s must be 1 to %d characters", Field(f.name), f.max)
		}
		*f.out = v
	}
	// Some platforms refuse a message whose buttons share a title.
	if m.CaptionBad == m.CaptionNormal || m.CaptionNormal == m.CaptionExcellent || m.CaptionBad == m.CaptionExcellent {
		return m, Errorf(EINVALID, "the three captions must differ from each other")
	}
	return m, nil
}

// StandardTexts are a workspace's standard messages in every language the
// product speaks: each language's own texts, or that language's defaults.
// The flat fields are the workspace language's, as the API has always
// answered them.
type StandardTexts struct {
	StandardMessages
	Locale    Locale                      `json:"locale"`
	Languages map[Locale]StandardMessages `json:"languages"`
}

// For picks the texts a client gets: in their language when the product
// speaks it, else in the workspace's.
func (t StandardTexts) For(clientLanguage string) StandardMessages {
	if m, ok := t.Languages[Locale(clientLanguage)]; ok {
		return m
	}
	return t.StandardMessages
}

// StandardTextsUpdate changes standard messages: the flat fields those of
// the workspace's language (as the API always took them), Languages those of
// any language the product speaks.
type StandardTextsUpdate struct {
	StandardMessagesUpdate
	Languages map[Locale]StandardMessagesUpdate `json:"languages"`
}

// Split returns the update per language, the flat fields as the workspace's
// language. It refuses a language the product does not speak, and the
// workspace language's texts given both ways.
func (u StandardTextsUpdate) Split(workspace Locale) (map[Locale]StandardMessagesUpdate, error) {
	out := map[Locale]StandardMessagesUpdate{}
	for l, lu := range u.Languages {
		if !l.Supported() {
			return nil, Errorf(EINVALID, "languages: %q is not a language of the standard messages (en, ru)", string(l))
		}
		out[l] = lu
	}
	if !u.StandardMessagesUpdate.IsEmpty() {
		if _, both := out[workspace]; both {
			return nil, Errorf(EINVALID, "give the workspace language's texts at the top level or in languages, not both")
		}
		out[workspace] = u.StandardMessagesUpdate
	}
	return out, nil
}

// IsEmpty reports whether the update changes nothing.
func (u StandardMessagesUpdate) IsEmpty() bool {
	return u.RatingPrompt == nil && u.CaptionBad == nil && u.CaptionNormal == nil && u.CaptionExcellent == nil && u.ThankYou == nil
}

// RatingForm is the message that asks the client to rate the service.
func (m StandardMessages) RatingForm(secret []byte, dialogID, subscriberID int64) (string, []Button) {
	return m.RatingPrompt, []Button{
		{Title: m.CaptionBad, Payload: RatingPayload(secret, dialogID, subscriberID, RatingBad)},
		{Title: m.CaptionNormal, Payload: RatingPayload(secret, dialogID, subscriberID, RatingNormal)},
		{Title: m.CaptionExcellent, Payload: RatingPayload(secret, dialogID, subscriberID, RatingExcellent)},
	}
}
