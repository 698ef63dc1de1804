package web

import (
	"net/http"
	"strconv"

	"github.com/beseda/beseda"
)

// historyPage is how many messages a chat or a dialog shows at once.
const historyPage = 200

// history is which part of a chat's or a dialog's messages a page shows: the
// newest (the default), older ones (?before=ID, "Earlier messages"), or
// those around one message (?at=ID: a search hit's link, so that a message
// older than the newest page still opens, scrolled to and highlighted).
type history struct {
	Base  string // the page's path, for the links
	Older int64  // the first message shown when earlier ones exist, else 0
	Past  bool   // newer messages exist than those shown
}

// EarlierLink and NewestLink are the addresses of the neighbouring parts.
func (h history) EarlierLink() string { return h.Base + "?before=" + strconv.FormatInt(h.Older, 10) }
func (h history) NewestLink() string  { return h.Base }

// loadHistory reads the part of the messages r asks for through find (a
// chat's or a dialog's pages, in display order). An id that is not a
// positive number is ignored: the newest are shown.
func loadHistory(r *http.Request, base string, find func(beseda.MessageFilter) ([]*beseda.Message, error)) ([]*beseda.Message, history, error) {
	h := history{Base: base}
	if at := positiveID(r.URL.Query().Get("at")); at > 0 {
		// Half the page up to the message, the message and after it the rest.
		half := historyPage / 2
		older, err := find(beseda.MessageFilter{BeforeID: at, Limit: half + 1})
		if err != nil {
			return nil, h, err
		}
		older = h.trimOlder(older, half)
		from := int64(0)
		if len(older) > 0 {
			from = older[len(older)-1].ID
		}
		rest, err := find(beseda.MessageFilter{Forward: true, AfterID: from, Limit: historyPage - len(older) + 1})
		if err != nil {
			return nil, h, err
		}
		h.Past = len(rest) > historyPage-len(older)
		if h.Past {
			rest = rest[:historyPage-len(older)]
		}
		return append(older, rest...), h, nil
	}
	before := positiveID(r.URL.Query().Get("before"))
	msgs, err := find(beseda.MessageFilter{BeforeID: before, Limit: historyPage + 1})
	if err != nil {
		return nil, h, err
	}
	h.Past = before > 0
	return h.trimOlder(msgs, historyPage), h, nil
}

// trimOlder keeps the newest n of msgs (oldest first), one more having been
// read to learn whether earlier messages exist.
func (h *history) trimOlder(msgs []*beseda.Message, n int) []*beseda.Message {
	if len(msgs) <= n {
		return msgs
	}
	msgs = msgs[len(msgs)-n:]
	h.Older = msgs[0].ID
	return msgs
}

func positiveID(s string) int64 {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}
