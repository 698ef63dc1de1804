package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// flashCookie carries what a refused or saved form has to say to the page the
// browser is sent back to (POST/redirect/GET): reloading that page never
// posts the form again. It lives a minute and is read once.
const flashCookie = "beseda_flash"

// flashMax keeps the cookie within what every browser stores; a form too
// large to carry is dropped and only the message stays.
const flashMax = 3000

type flash struct {
	Error    string     `json:"e,omitempty"` // in the manager's language
	DialogID int64      `json:"d,omitempty"` // a dialog the error is about
	Notice   string     `json:"n,omitempty"`
	Form     url.Values `json:"f,omitempty"` // the refused form, to fill in again
}

func setFlash(w http.ResponseWriter, f flash) {
	raw, _ := json.Marshal(f)
	if len(raw)*4/3 > flashMax {
		f.Form = nil
		raw, _ = json.Marshal(f)
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(raw), Path: "/",
		MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// takeFlash reads the flash and clears it. Parts of pages fetched by the live
// script leave it for the page itself.
func takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil || r.URL.Query().Get("fragment") != "" {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil
	}
	var f flash
	if json.Unmarshal(raw, &f) != nil {
		return nil
	}
	return &f
}

// refuse sends the browser back to a page (to) with the error in the
// manager's words and, if keepForm, the form as it was sent. The script
// that sends composers itself gets the status and the words instead.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, p *page, err error, to string, keepForm bool) {
	h.refuseWith(w, r, h.viewError(r, p, err), httpx.StatusOf(err), beseda.ErrorCode(err), to, keepForm)
}

// refuseWith is refuse with the error already in the manager's words.
func (h *Handler) refuseWith(w http.ResponseWriter, r *http.Request, ve *viewError, status int, code, to string, keepForm bool) {
	if wantsJSON(r) {
		answerError(w, status, code, ve)
		return
	}
	f := flash{Error: ve.Message, DialogID: ve.DialogID}
	if keepForm && r.ParseForm() == nil {
		f.Form = url.Values{}
		for k, v := range r.PostForm {
			if k != "csrf" && k != "password" && k != "current_password" { // never secrets in a cookie
				f.Form[k] = v
			}
		}
	}
	setFlash(w, f)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// applyFlash puts a flash on the page.
func (p *page) applyFlash(f *flash) {
	if f == nil {
		return
	}
	if f.Error != "" {
		p.Error = &viewError{Message: f.Error, DialogID: f.DialogID}
	}
	p.Notice, p.form = f.Notice, f.Form
}

// Refused is the form a refusal sent back, if any.
func (p *page) Refused() url.Values { return p.form }

// refusedIDs reads ids from the refused form.
func refusedIDs(form url.Values, name string) []int64 {
	out := []int64{}
	for _, v := range form[name] {
		var id int64
		if err := json.Unmarshal([]byte(v), &id); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// wantsJSON reports whether a form was sent by the console's script (app.js
// sends the composers itself, so that a refusal never takes the text away),
// which asks for the outcome as a status, not as a redirect to follow.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// answerError answers the script with the status and the error in the
// manager's words, in the API's shape ({"error":{"code","message"}}).
func answerError(w http.ResponseWriter, status int, code string, ve *viewError) {
	type detail struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		DialogID int64  `json:"dialog_id,omitempty"`
	}
	httpx.WriteJSON(w, status, struct {
		Error detail `json:"error"`
	}{detail{code, ve.Message, ve.DialogID}})
}

// sent ends a form that worked: back to the page (PRG), or, for the script,
// 204 and nothing more (it refreshes the page itself).
func sent(w http.ResponseWriter, r *http.Request, to string) {
	if wantsJSON(r) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
