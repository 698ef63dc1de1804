package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// removal is a removal waiting for the manager's confirmation: removing a
// type, reason, component, saved reply or webhook asks first, on the page
// itself (?remove=…), with a form that works without JavaScript.
type removal struct {
	Action string // where the confirming form posts (action=remove&confirmed=1)
	Name   string // what goes, as the manager knows it
	Lead   string // what removing it does, in the manager's language
	Back   string // where Cancel leads
}

// confirmed reports whether a removal was confirmed; if not, it sends the
// browser to the page that asks (page?remove=key), and the caller stops.
func confirmed(w http.ResponseWriter, r *http.Request, page, key string) bool {
	if r.PostFormValue("confirmed") == "1" {
		return true
	}
	http.Redirect(w, r, page+"?remove="+url.QueryEscape(key)+"#confirm-remove", http.StatusSeeOther)
	return false
}

// removeKey is the id a page's ?remove= names, or 0.
func removeKey(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.URL.Query().Get("remove"), 10, 64)
	return id
}
