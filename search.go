package beseda

import (
	"html"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// Search: one query language over messages, clients and dialogs (SPEC §6).
// Words match their other forms in Russian and English (Snowball stems:
// «оплата» finds «оплатил», "refund" finds "refunded"), case and ё/е do not
// matter, "…" is a phrase, a trailing * makes the word before it a prefix.
// The databases index the same stems (PostgreSQL's russian configuration,
// which stems Latin words with the English Snowball stemmer; on SQLite the
// shadow text SearchText makes), and Highlight marks hits with the same
// stemmer, so what is found is what is marked.

// SearchKind is what a search looks through.
type SearchKind string

const (
	SearchMessages    SearchKind = "message"
	SearchSubscribers SearchKind = "subscriber"
	SearchDialogs     SearchKind = "dialog"
)

// SearchKinds are the kinds in the order the console shows them.
var SearchKinds = []SearchKind{SearchMessages, SearchDialogs, SearchSubscribers}

// SearchOrder orders hits: newest first (the default) or most relevant first.
type SearchOrder string

const (
	SearchNewest    SearchOrder = "newest"
	SearchRelevance SearchOrder = "relevance"
)

// Limits of a query: longer ones are refused rather than made slow.
const (
	searchMaxRunes = 200
	searchMaxTerms = 12
)

// SearchTerm is one term of a query: a word, or a phrase of several words in
// a row. Every term must match (AND).
type SearchTerm struct {
	// Words are the term's words, lower-cased with ё folded to е.
	Words []string
	// Stems are the words' stems, one per word.
	Stems []string
	// Prefix: the last word is a prefix of the word sought (a trailing *).
	Prefix bool
}

// Phrase reports whether the term is several words in a row.
func (t SearchTerm) Phrase() bool { return len(t.Words) > 1 }

// SearchQuery is a parsed query.
type SearchQuery struct {
	Text  string // as typed, trimmed
	Terms []SearchTerm
}

// ParseSearchQuery parses what a person typed. Returns EINVALID for a query
// with no word, or one too long.
func ParseSearchQuery(q string) (SearchQuery, error) {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > searchMaxRunes {
		return SearchQuery{}, Errorf(EINVALID, "%s: at most %d characters", Field("q"), searchMaxRunes)
	}
	if strings.ContainsRune(q, 0) {
		return SearchQuery{}, Errorf(EINVALID, "%s: contains a NUL byte", Field("q"))
	}
	out := SearchQuery{Text: q}
	add := func(text string, phrase bool) {
		words := searchWords(text)
		if len(words) == 0 {
			return
		}
		if !phrase {
			for _, w := range words {
				// "foo* bar": a star right after a word makes it a prefix.
				prefix := strings.HasPrefix(text[w.end:], "*")
				out.Terms = append(out.Terms, SearchTerm{Words: []string{w.norm}, Stems: []string{Stem(w.norm)}, Prefix: prefix})
			}
			return
		}
		t := SearchTerm{}
		for _, w := range words {
			t.Words = append(t.Words, w.norm)
			t.Stems = append(t.Stems, Stem(w.norm))
		}
		if len(t.Words) == 1 {
			t.Prefix = strings.HasSuffix(text, "*")
		}
		out.Terms = append(out.Terms, t)
	}
	rest := q
	for rest != "" {
		open := strings.IndexByte(rest, '"')
		if open < 0 {
			add(rest, false)
			break
		}
		add(rest[:open], false)
		rest = rest[open+1:]
		end := strings.IndexByte(rest, '"')
		if end < 0 { // an unclosed quote: a phrase to the end
			end = len(rest)
		}
		add(rest[:end], true)
		rest = rest[min(end+1, len(rest)):]
	}
	if len(out.Terms) == 0 {
		return SearchQuery{}, Errorf(EINVALID, "%s: type a word to search for", Field("q"))
	}
	if len(out.Terms) > searchMaxTerms {
		return SearchQuery{}, Errorf(EINVALID, "%s: at most %d words", Field("q"), searchMaxTerms)
	}
	return out, nil
}

// SearchFilter narrows a search. Pointer fields are unset when nil.
type SearchFilter struct {
	WorkspaceID int64
	Query       SearchQuery
	Kind        SearchKind
	Order       SearchOrder
	// ChannelID: the client's channel.
	ChannelID *int64
	// Status: the dialog's status (messages in such dialogs; clients with
	// such a dialog).
	Status *DialogStatus
	// ManagerID: a participant of the dialog (for messages also their
	// author).
	ManagerID *int64
	// From and To bound the creation time: From <= created_at < To.
	From, To *time.Time
	// InDialogs: only messages written inside a dialog (clients who had one).
	InDialogs bool
	Cursor    SearchCursor
	Limit     int
}

// SearchCursor is where the next page starts: below an id (newest first) or
// after a number of hits (by relevance).
type SearchCursor struct {
	BeforeID int64
	Offset   int
}

// maxSearchOffset bounds paging by relevance, which counts hits again.
const maxSearchOffset = 1000

// String is the cursor as the API hands it out; empty at the start.
func (c SearchCursor) String() string {
	switch {
	case c.BeforeID > 0:
		return "i" + strconv.FormatInt(c.BeforeID, 10)
	case c.Offset > 0:
		return "o" + strconv.Itoa(c.Offset)
	}
	return ""
}

// ParseSearchCursor reads a cursor made by String. Returns EINVALID for
// anything else.
func ParseSearchCursor(s string, order SearchOrder) (SearchCursor, error) {
	if s == "" {
		return SearchCursor{}, nil
	}
	bad := Errorf(EINVALID, "%s: not a cursor this search returned", Field("cursor"))
	n, err := strconv.ParseInt(s[1:], 10, 64)
	if err != nil || n <= 0 {
		return SearchCursor{}, bad
	}
	switch {
	case s[0] == 'i' && order != SearchRelevance:
		return SearchCursor{BeforeID: n}, nil
	case s[0] == 'o' && order == SearchRelevance && n <= maxSearchOffset:
		return SearchCursor{Offset: int(n)}, nil
	}
	return SearchCursor{}, bad
}

// Validate checks the filter's kind, order and range.
func (f *SearchFilter) Validate() error {
	switch f.Kind {
	case "":
		f.Kind = SearchMessages
	case SearchMessages, SearchSubscribers, SearchDialogs:
	default:
		return Errorf(EINVALID, "%s: one of message, subscriber, dialog", Field("kind"))
	}
	switch f.Order {
	case "":
		f.Order = SearchNewest
	case SearchNewest, SearchRelevance:
	default:
		return Errorf(EINVALID, "%s: newest or relevance", Field("order"))
	}
	if f.Status != nil && !f.Status.Valid() {
		return Errorf(EINVALID, "%s: active, paused or completed", Field("status"))
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return Errorf(EINVALID, "%s must be before %s", Field("from"), Field("to"))
	}
	return nil
}

// SearchHit is one thing found.
type SearchHit struct {
	Kind         SearchKind `json:"kind"`
	ID           int64      `json:"id"`
	SubscriberID int64      `json:"subscriber_id"`
	DialogID     *int64     `json:"dialog_id"`
	// Snippet is HTML: the escaped text around the hits, each in <mark>.
	Snippet   string    `json:"snippet"`
	CreatedAt time.Time `json:"created_at"`
	// Title names what was found for a list: the client's name (messages,
	// clients) or the dialog's title.
	Title    string `json:"title"`
	Internal bool   `json:"internal,omitempty"` // an internal note
	// Text is what the snippet was cut from; not part of the answer.
	Text string `json:"-"`
}

// SearchPage is a page of hits and the cursor of the next one (empty at
// the end).
type SearchPage struct {
	Items      []SearchHit `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

// Stem returns the Snowball stem of a lower-cased, ё-folded word: English
// for Latin letters, Russian for other letters, the word itself when it has
// digits or is long (as PostgreSQL's russian configuration does).
func Stem(w string) string {
	if w == "" || len(w) > 64 {
		return w
	}
	if stem, ok := stems.get(w); ok {
		return stem
	}
	stem := stemWord(w)
	stems.put(w, stem)
	return stem
}

func stemWord(w string) string {
	ascii, letters := true, true
	for _, r := range w {
		if r >= utf8.RuneSelf {
			ascii = false
		}
		if !unicode.IsLetter(r) {
			letters = false
		}
	}
	switch {
	case !letters:
		return w
	case ascii:
		return english.Stem(w, true)
	default:
		return strings.ReplaceAll(russian.Stem(w, true), "ё", "е")
	}
}

// stems remembers the stems of the words seen last. The Snowball stemmers
// take about a microsecond a word (they turn every suffix they try into
// runes), and a team's chats repeat a small vocabulary: SQLite's search
// batches stem every new message, and every snippet stems its text.
var stems = stemCache{now: map[string]string{}}

// stemCacheWords bounds the cache: at most twice as many words are kept.
const stemCacheWords = 1 << 15

// stemCache keeps two generations: a word found in the older one is
// brought into the newer, and when the newer is full the older is dropped,
// so the words in use stay and the rest go.
type stemCache struct {
	mu       sync.Mutex
	now, old map[string]string
}

func (c *stemCache) get(w string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if stem, ok := c.now[w]; ok {
		return stem, true
	}
	stem, ok := c.old[w]
	if ok {
		c.putLocked(w, stem)
	}
	return stem, ok
}

// put keeps copies: w and stem may be cut from a long text, which the cache
// would otherwise keep alive.
func (c *stemCache) put(w, stem string) {
	w, stem = strings.Clone(w), strings.Clone(stem)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(w, stem)
}

func (c *stemCache) putLocked(w, stem string) {
	if len(c.now) >= stemCacheWords {
		c.old, c.now = c.now, make(map[string]string, stemCacheWords)
	}
	c.now[w] = stem
}

type searchWord struct {
	norm       string // lower case, ё as е
	start, end int    // byte offsets in the text
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// searchWords splits text into words: runs of letters and digits.
func searchWords(text string) []searchWord {
	var out []searchWord
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, searchWord{norm: foldWord(text[start:i]), start: start, end: i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, searchWord{norm: foldWord(text[start:]), start: start, end: len(text)})
	}
	return out
}

func foldWord(w string) string {
	return strings.ReplaceAll(strings.ToLower(w), "ё", "е")
}

// SearchText is what SQLite's full-text index keeps of a text: the stems of
// its words in order, so that FTS5 (which cannot stem) matches other forms
// and phrases.
func SearchText(text string) string {
	words := searchWords(text)
	var b strings.Builder
	b.Grow(len(text))
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Stem(w.norm))
	}
	return b.String()
}

// matches reports whether the word (normalised) hits a term's word at i.
func (t SearchTerm) matches(i int, w string) bool {
	stem := Stem(w)
	if t.Prefix && i == len(t.Words)-1 {
		return strings.HasPrefix(w, t.Words[i]) || strings.HasPrefix(stem, t.Stems[i])
	}
	return stem == t.Stems[i]
}

// hits returns which words of text the query's terms hit: every word of a
// phrase that occurs in a row, every word of a one-word term.
func (q SearchQuery) hits(words []searchWord) []bool {
	hit := make([]bool, len(words))
	for _, t := range q.Terms {
		for i := 0; i+len(t.Words) <= len(words); i++ {
			all := true
			for j := range t.Words {
				if !t.matches(j, words[i+j].norm) {
					all = false
					break
				}
			}
			if all {
				for j := range t.Words {
					hit[i+j] = true
				}
			}
		}
	}
	return hit
}

// Matches reports whether every term of the query occurs in text: how a
// short list (a workspace's dialog types, reasons, components) is searched.
func (q SearchQuery) Matches(text string) bool {
	words := searchWords(text)
	for _, t := range q.Terms {
		found := false
		for i := 0; i+len(t.Words) <= len(words) && !found; i++ {
			found = true
			for j := range t.Words {
				if !t.matches(j, words[i+j].norm) {
					found = false
					break
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// snippetRunes is about how much text a snippet shows.
const snippetRunes = 160

// Highlight returns an HTML snippet of text: escaped, around the first hit,
// at most about snippetRunes long, with each hit in <mark>…</mark>. A text
// without a hit gives its beginning.
func (q SearchQuery) Highlight(text string) string {
	words := searchWords(text)
	hit := q.hits(words)
	first := -1
	for i, h := range hit {
		if h {
			first = i
			break
		}
	}
	// The window: from a few words before the first hit, whole words.
	from := 0
	if first > 6 {
		from = words[first-6].start
		if utf8.RuneCountInString(text[from:words[first].start]) > snippetRunes/3 {
			from = words[first].start
		}
	}
	to, n := from, 0
	for to < len(text) && n < snippetRunes {
		_, size := utf8.DecodeRuneInString(text[to:])
		to += size
		n++
	}
	// Whole words at the end too, unless one word is the whole window.
	for i := len(words) - 1; i >= 0 && to < len(text); i-- {
		if w := words[i]; w.start < to && w.end > to {
			if w.start > from {
				to = w.start
			}
			break
		}
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	at := from
	for i, w := range words {
		if !hit[i] || w.start < from || w.end > to {
			continue
		}
		b.WriteString(html.EscapeString(text[at:w.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[w.start:w.end]))
		b.WriteString("</mark>")
		at = w.end
	}
	b.WriteString(html.EscapeString(text[at:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}
