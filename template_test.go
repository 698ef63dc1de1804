package beseda_test

import (
	"testing"

	"github.com/beseda/beseda"
)

// TestR3_RatingTemplateFits: a template can be the rating form outside the
// window only when it is approved, has no parameters, and has one quick
// reply per rating (the form's 1–3, in order); URL and phone buttons do not
// count as quick replies.
func TestR3_RatingTemplateFits(t *testing.T) {
	qr := func(texts ...string) []beseda.TemplateButton {
		var out []beseda.TemplateButton
		for _, s := range texts {
			out = append(out, beseda.TemplateButton{Type: "QUICK_REPLY", Text: s})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		t    beseda.MessageTemplate
		want beseda.RatingFit
	}{
		{"fits", beseda.MessageTemplate{Status: "APPROVED", Buttons: qr("Bad", "OK", "Great")}, beseda.RatingFits},
		{"pending", beseda.MessageTemplate{Status: "PENDING", Buttons: qr("Bad", "OK", "Great")}, beseda.RatingNotApproved},
		{"parameters", beseda.MessageTemplate{Status: "APPROVED", ParameterCount: 1, Buttons: qr("Bad", "OK", "Great")}, beseda.RatingHasParameters},
		{"two replies", beseda.MessageTemplate{Status: "APPROVED", Buttons: qr("Bad", "Great")}, beseda.RatingQuickReplies},
		{"four replies", beseda.MessageTemplate{Status: "APPROVED", Buttons: qr("1", "2", "3", "4")}, beseda.RatingQuickReplies},
		{"a URL is no reply", beseda.MessageTemplate{Status: "APPROVED",
			Buttons: append(qr("Bad", "OK"), beseda.TemplateButton{Type: "URL", Text: "Great"})}, beseda.RatingQuickReplies},
	} {
		if got := tc.t.RatingFit(); got != tc.want {
			t.Errorf("%s: fit %q, want %q", tc.name, got, tc.want)
		}
		if err := tc.want.Err("x", "en"); (err == nil) != (tc.want == beseda.RatingFits) ||
			(err != nil && beseda.ErrorCode(err) != beseda.EINVALID) {
			t.Errorf("%s: error %v", tc.name, err)
		}
	}
}
