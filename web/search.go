package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/httpx"
)

// searchData is the search page: the box and its filters, and the hits
// grouped by kind, each group a page with a link to the next.
type searchData struct {
	Query    url.Values
	Q        string
	Kind     string // one kind asked for, or "" for all
	Groups   []searchGroup
	Channels []*beseda.Channel
	Users    []*beseda.User
	Found    int
}

type searchGroup struct {
	Kind beseda.SearchKind
	Hits []beseda.SearchHit
	More string // the next page's address, "" at the end
}

// Snippet is a hit's snippet as HTML: beseda.SearchQuery.Highlight escaped
// the text and added only <mark> tags.
func (searchData) Snippet(h beseda.SearchHit) template.HTML { return template.HTML(h.Snippet) }

// Link opens what a hit found: a message in its dialog (W5: a dialog shows
// its messages) or else its chat, scrolled to it and highlighted (#m…);
// a dialog; a client's chat.
func (searchData) Link(h beseda.SearchHit) string {
	switch h.Kind {
	case beseda.SearchMessages:
		if h.DialogID != nil {
			return "/dialogs/" + strconv.FormatInt(*h.DialogID, 10) + at(h.ID)
		}
		return "/chats/" + strconv.FormatInt(h.SubscriberID, 10) + at(h.ID)
	case beseda.SearchDialogs:
		return "/dialogs/" + strconv.FormatInt(h.ID, 10)
	}
	return "/chats/" + strconv.FormatInt(h.SubscriberID, 10)
}

// at asks a chat or a dialog for the messages around one (an older one is
// not among the newest the page shows by default) and scrolls to it.
func at(messageID int64) string {
	id := strconv.FormatInt(messageID, 10)
	return "?at=" + id + "#m" + id
}

// typing makes the last word of what a person typed a prefix (the API does
// so only on a trailing *).
func typing(q string) string {
	r, _ := utf8.DecodeLastRuneInString(q)
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return q + "*"
	}
	return q
}

// search is the console's search page (issue 21): messages, dialogs and
// clients of the workspace, as GET /api/v1/search finds them.
func (h *Handler) search(w http.ResponseWriter, r *http.Request, p *page) {
	ctx := r.Context()
	q := r.URL.Query()
	d := searchData{Query: q, Q: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind")}
	var err error
	if d.Channels, err = h.app.Channels.ListChannels(ctx, p.User); err != nil {
		h.fail(w, r, p, err)
		return
	}
	if d.Users, err = h.app.Users.ListUsers(ctx, p.User); err != nil {
		h.fail(w, r, p, err)
		return
	}
	p.Title, p.Nav = p.T("search.title"), "search"
	p.Data = &d
	if d.Q == "" {
		h.render(w, r, http.StatusOK, "search", p)
		return
	}
	// The word being typed: when the words as typed find nothing, the last
	// one is taken as the start of a word. (Not always: a prefix is the
	// dearest query on SQLite, whose FTS5 gathers every word that starts so
	// before it can page; and a word typed whole finds its other forms
	// anyway.)
	err = h.searchGroups(r, p, &d, d.Q)
	if err == nil && d.Found == 0 && typing(d.Q) != d.Q {
		d.Groups = nil
		err = h.searchGroups(r, p, &d, typing(d.Q))
	}
	if err != nil {
		if httpx.StatusOf(err) != http.StatusBadRequest {
			h.fail(w, r, p, err)
			return
		}
		p.Error = h.viewError(r, p, err)
		h.render(w, r, http.StatusBadRequest, "search", p)
		return
	}
	h.render(w, r, http.StatusOK, "search", p)
}

// searchGroups runs the search of the page with the query text for each kind
// asked for (all, five hits each, or one, a page of it) into d.
func (h *Handler) searchGroups(r *http.Request, p *page, d *searchData, text string) error {
	ctx := r.Context()
	q := r.URL.Query()
	kinds := beseda.SearchKinds
	if d.Kind != "" {
		kinds = []beseda.SearchKind{beseda.SearchKind(d.Kind)}
	}
	for _, kind := range kinds {
		aq := url.Values{}
		for k, v := range q {
			if v[0] != "" {
				aq[k] = v
			}
		}
		aq.Set("q", text)
		aq.Set("kind", string(kind))
		if aq.Get("tz") == "" {
			aq.Set("tz", p.Loc.String())
		}
		if d.Kind == "" {
			aq.Set("limit", "5")
		}
		ar := r.Clone(ctx)
		ar.URL.RawQuery = aq.Encode()
		f, err := httpx.SearchFilter(ar)
		if err != nil {
			return err
		}
		res, err := h.app.Search.Find(ctx, p.User, f)
		if err != nil {
			return err
		}
		g := searchGroup{Kind: kind, Hits: res.Items}
		if res.NextCursor != "" {
			next := url.Values{}
			for k, v := range q {
				next[k] = v
			}
			next.Set("q", text)
			next.Set("kind", string(kind))
			next.Set("cursor", res.NextCursor)
			if d.Kind == "" {
				next.Del("cursor") // from "everything" to the kind's first full page
			}
			g.More = "/search?" + next.Encode()
		}
		d.Found += len(res.Items)
		d.Groups = append(d.Groups, g)
	}
	return nil
}
