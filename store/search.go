package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"modernc.org/sqlite"

	"github.com/beseda/beseda"
)

// Full-text search over messages, clients and dialogs (migration 00030).
// PostgreSQL matches a tsquery against the generated search_tsv columns
// (GIN indexes messages_search, subscribers_search, dialogs_search); SQLite
// matches an FTS5 expression against the contentless *_fts tables, which hold
// the stems beseda.SearchText makes (registered below as beseda_search_text,
// which the batches of search_index.go call). A prefix is replaced on
// SQLite by the index's words it starts, kept in search_terms (ftsPrefixes).

func init() {
	err := sqlite.RegisterDeterministicScalarFunction("beseda_search_text", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return beseda.SearchText(v), nil
			case []byte:
				return beseda.SearchText(string(v)), nil
			case nil:
				return "", nil
			}
			return nil, fmt.Errorf("beseda_search_text: a text, not %T", args[0])
		})
	if err != nil {
		panic(err)
	}
	err = sqlite.RegisterDeterministicScalarFunction("beseda_search_terms", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return searchTerms(v), nil
			case []byte:
				return searchTerms(string(v)), nil
			case nil:
				return "[]", nil
			}
			return nil, fmt.Errorf("beseda_search_terms: a text, not %T", args[0])
		})
	if err != nil {
		panic(err)
	}
}

// tsquery writes a query for PostgreSQL's to_tsquery('russian', …): words
// quoted, a phrase's words joined by <->, a prefix marked :*, terms joined
// by &. Words hold only letters and digits (beseda.ParseSearchQuery), so
// nothing typed can change the query's structure.
func tsquery(q beseda.SearchQuery) string {
	terms := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		words := make([]string, len(t.Words))
		for j, w := range t.Words {
			words[j] = "'" + w + "'"
		}
		if t.Prefix {
			words[len(words)-1] += ":*"
		}
		terms[i] = strings.Join(words, " <-> ")
		if t.Phrase() {
			terms[i] = "(" + terms[i] + ")"
		}
	}
	return strings.Join(terms, " & ")
}

// ftsQuery writes an FTS5 match expression over the stems: each term a
// quoted string (a phrase when several), terms joined by AND. A prefix term
// is the index's words it stands for, ORed, where prefixes lists them (see
// ftsPrefixes), else FTS5's own prefix query (the stem followed by *).
func ftsQuery(q beseda.SearchQuery, prefixes map[int][]string) string {
	terms := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		if words := prefixes[i]; len(words) > 0 {
			quoted := make([]string, len(words))
			for j, w := range words {
				quoted[j] = ftsString(w)
			}
			terms[i] = "(" + strings.Join(quoted, " OR ") + ")"
			continue
		}
		terms[i] = ftsString(strings.Join(t.Stems, " "))
		if t.Prefix {
			terms[i] += "*"
		}
	}
	return strings.Join(terms, " AND ")
}

// ftsString quotes s as an FTS5 string (words hold no quote; doubled if one
// ever did).
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// prefixWordsMax is how many of the index's words a prefix may stand for
// before FTS5's own prefix query answers it instead: a prefix of one or two
// letters, whose OR would be longer than the merge it avoids.
const prefixWordsMax = 64

// ftsPrefixes finds in search_terms (migration 00097) the words of the
// index each prefix term of q stands for, by term index. FTS5 answers a
// prefix by merging the postings of all such words before it returns the
// first match (651 ms at 3.2 million messages); their OR is walked newest
// first and stops after a page. A prefix with no such word, or more than
// prefixWordsMax, is left to FTS5's prefix query.
func (r reader) ftsPrefixes(ctx context.Context, q beseda.SearchQuery) (map[int][]string, error) {
	var out map[int][]string
	for i, t := range q.Terms {
		if !t.Prefix {
			continue
		}
		from := ftsFold(t.Stems[len(t.Stems)-1])
		rows, err := r.q.QueryContext(ctx, `SELECT term FROM search_terms WHERE term >= $1 AND term < $2 ORDER BY term LIMIT $3`,
			from, from+string(utf8.MaxRune), prefixWordsMax+1)
		if err != nil {
			return nil, fmt.Errorf("search prefix: %w", err)
		}
		var words []string
		for rows.Next() {
			var w string
			if err := rows.Scan(&w); err != nil {
				rows.Close()
				return nil, fmt.Errorf("search prefix: %w", err)
			}
			words = append(words, w)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("search prefix: %w", err)
		}
		if len(words) == 0 || len(words) > prefixWordsMax {
			continue
		}
		if out == nil {
			out = map[int][]string{}
		}
		out[i] = words
	}
	return out, nil
}

// ftsFold folds a word of beseda.SearchText as FTS5's tokenizer
// (unicode61, remove_diacritics 2) does on top: Latin letters lose their
// diacritics ("café" is indexed as "cafe"), Cyrillic ones keep theirs (й
// stays й). So search_terms holds the index's words as the index holds them.
func ftsFold(w string) string {
	plain := true
	for _, r := range w {
		if r >= utf8.RuneSelf && !unicode.Is(unicode.Cyrillic, r) {
			plain = false
			break
		}
	}
	if plain {
		return w
	}
	var b strings.Builder
	latin := false
	for _, r := range norm.NFD.String(w) {
		if unicode.Is(unicode.Mn, r) && latin {
			continue
		}
		latin = unicode.Is(unicode.Latin, r)
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// searchTerms lists, as JSON for json_each, the distinct words text adds to
// the index, folded as FTS5 folds them: beseda_search_terms, with which the
// batches fill search_terms.
func searchTerms(text string) string {
	words := strings.Fields(beseda.SearchText(text))
	for i, w := range words {
		words[i] = ftsFold(w)
	}
	slices.Sort(words)
	out, _ := json.Marshal(slices.Compact(words)) // strings always marshal
	return string(out)
}

// searchArgs numbers a statement's arguments ($N on both databases).
type searchArgs []any

func (a *searchArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// ids is "IN (…)" of a short list of ids.
func (a *searchArgs) ids(ids []int64) string {
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = a.add(id)
	}
	return "(" + strings.Join(ph, ", ") + ")"
}

// searchCatalog holds the workspace's dialog types, reasons and components
// whose names match a query (removed ones too: they stay on dialogs).
type searchCatalog struct {
	types, reasons, components []int64
	names                      map[string]map[int64]string // kind → id → name
}

func (c searchCatalog) empty() bool {
	return len(c.types)+len(c.reasons)+len(c.components) == 0
}

func (r reader) searchCatalog(ctx context.Context, workspaceID int64, q beseda.SearchQuery) (searchCatalog, error) {
	rows, err := r.q.QueryContext(ctx, `
		SELECT 't', id, name FROM dialog_types WHERE workspace_id = $1
		UNION ALL SELECT 'r', id, name FROM dialog_reasons WHERE workspace_id = $1
		UNION ALL SELECT 'c', id, name FROM dialog_components WHERE workspace_id = $1`, workspaceID)
	if err != nil {
		return searchCatalog{}, fmt.Errorf("search catalog: %w", err)
	}
	defer rows.Close()
	c := searchCatalog{names: map[string]map[int64]string{"t": {}, "r": {}, "c": {}}}
	for rows.Next() {
		var kind, name string
		var id int64
		if err := rows.Scan(&kind, &id, &name); err != nil {
			return searchCatalog{}, fmt.Errorf("search catalog: %w", err)
		}
		if !q.Matches(name) {
			continue
		}
		c.names[kind][id] = name
		switch kind {
		case "t":
			c.types = append(c.types, id)
		case "r":
			c.reasons = append(c.reasons, id)
		default:
			c.components = append(c.components, id)
		}
	}
	return c, rows.Err()
}

// Search returns a page of what matches f in f's workspace (f validated,
// f.Query parsed). Hits carry their text; the caller makes the snippets.
func (r reader) Search(ctx context.Context, f beseda.SearchFilter) (beseda.SearchPage, error) {
	n := limit(f.Limit, 20, 100)
	var cat searchCatalog
	if f.Kind == beseda.SearchDialogs {
		var err error
		if cat, err = r.searchCatalog(ctx, f.WorkspaceID, f.Query); err != nil {
			return beseda.SearchPage{}, err
		}
	}
	// On PostgreSQL, newest first, the newest rows are tried first (see
	// recentRows); when they hold less than a page, the GIN index finds
	// every match and they are sorted.
	var fts string
	if r.dialect == SQLite {
		prefixes, err := r.ftsPrefixes(ctx, f.Query)
		if err != nil {
			return beseda.SearchPage{}, err
		}
		fts = ftsQuery(f.Query, prefixes)
	}
	page, windowed, err := r.searchPage(ctx, f, cat, fts, n+1, true)
	if err == nil && windowed && len(page.Items) <= n {
		page, _, err = r.searchPage(ctx, f, cat, fts, n+1, false)
	}
	if err != nil {
		return beseda.SearchPage{}, err
	}
	if len(page.Items) > n {
		page.Items = page.Items[:n]
		next := beseda.SearchCursor{BeforeID: page.Items[n-1].ID}
		if f.Order == beseda.SearchRelevance {
			next = beseda.SearchCursor{Offset: f.Cursor.Offset + n}
		}
		page.NextCursor = next.String()
	}
	if f.Kind == beseda.SearchDialogs && !cat.empty() {
		if err := r.addCatalogNames(ctx, page.Items, cat); err != nil {
			return beseda.SearchPage{}, err
		}
	}
	return page, nil
}

// searchPage runs one query of Search, with fts the FTS5 expression on
// SQLite; windowed tells whether it read only the newest rows (recent, on
// PostgreSQL, newest first).
func (r reader) searchPage(ctx context.Context, f beseda.SearchFilter, cat searchCatalog, fts string, n int, recent bool) (beseda.SearchPage, bool, error) {
	w := r.plan(f, recent)
	var (
		rows *sql.Rows
		err  error
	)
	switch f.Kind {
	case beseda.SearchSubscribers:
		rows, err = r.searchSubscribers(ctx, f, w, fts, n)
	case beseda.SearchDialogs:
		if !cat.empty() {
			w = planFilter // the title's match is one of several alternatives
		}
		rows, err = r.searchDialogs(ctx, f, cat, w, fts, n)
	default:
		rows, err = r.searchMessages(ctx, f, w, fts, n)
	}
	if err != nil {
		return beseda.SearchPage{}, false, fmt.Errorf("search %s: %w", f.Kind, err)
	}
	defer rows.Close()
	page := beseda.SearchPage{Items: []beseda.SearchHit{}}
	for rows.Next() {
		h := beseda.SearchHit{Kind: f.Kind}
		var created int64
		var dialogID sql.NullInt64
		if err := rows.Scan(&h.ID, &h.SubscriberID, &dialogID, &h.Title, &h.Text, &created, &h.Internal); err != nil {
			return beseda.SearchPage{}, false, fmt.Errorf("search %s: %w", f.Kind, err)
		}
		if dialogID.Valid {
			h.DialogID = &dialogID.Int64
		}
		h.CreatedAt = fromMS(created)
		page.Items = append(page.Items, h)
	}
	if err := rows.Err(); err != nil {
		return beseda.SearchPage{}, false, fmt.Errorf("search %s: %w", f.Kind, err)
	}
	return page, w == planRecent, nil
}

// recentRows is how many of the newest rows (below the cursor) PostgreSQL
// tests one by one for a page, newest first, before it asks the GIN index
// for every match and sorts them. A word in more than a page's share of them
// (21 of 5,000: 0.4 %) is found there, at a cost bounded by it; only a rarer
// word pays for the index, which then returns at most that share of the
// table. Asking the index first how many rows match (to choose) costs as
// much as reading every match: 400 ms under load for a word 54,000 of
// 3,940,000 messages hold, whose page the newest 1,900 rows give.
const recentRows = 5000

// matchPlan is how PostgreSQL finds the matching rows (SQLite has one way).
type matchPlan int

const (
	planFilter matchPlan = iota // the match is a condition the planner places
	planRecent                  // the newest recentRows rows, tested one by one
	planIndex                   // every match from the GIN index, then sorted
)

func (r reader) plan(f beseda.SearchFilter, recent bool) matchPlan {
	switch {
	case r.dialect != Postgres || f.Order == beseda.SearchRelevance:
		return planFilter
	case recent:
		return planRecent
	}
	return planIndex
}

// match returns the FROM clause, the condition, the rank and the id column
// of a full-text match on table (alias a): FTS5 joined by rowid, or the
// tsvector column (GIN index). On SQLite the order and the cursor go by the
// FTS table's rowid, which FTS5 walks newest first and stops after a page;
// by the joined table's id SQLite would sort every hit first. On
// PostgreSQL the plan (see matchPlan) says where the rows come from.
func (r reader) match(a *searchArgs, table, alias string, f beseda.SearchFilter, plan matchPlan, fts string) (from, cond, rank, id string) {
	if r.dialect == Postgres {
		p := a.add(tsquery(f.Query))
		rank = "ts_rank_cd(" + alias + ".search_tsv, to_tsquery('russian', " + p + ")) DESC"
		cond = alias + ".search_tsv @@ to_tsquery('russian', " + p + ")"
		switch plan {
		case planFilter:
			return table + " " + alias, cond, rank, alias + ".id"
		case planRecent:
			below := ""
			if f.Cursor.BeforeID > 0 {
				below = " AND id < " + a.add(f.Cursor.BeforeID)
			}
			return "(SELECT * FROM " + table + " WHERE workspace_id = " + a.add(f.WorkspaceID) + below +
				" ORDER BY id DESC LIMIT " + strconv.Itoa(recentRows) + ") " + alias, cond, rank, alias + ".id"
		}
		// OFFSET 0 keeps the subquery from being merged into the outer
		// query, whose planner would walk the primary key again.
		return "(SELECT id FROM " + table + " WHERE search_tsv @@ to_tsquery('russian', " + p + ") AND workspace_id = " +
			a.add(f.WorkspaceID) + " OFFSET 0) hits JOIN " + table + " " + alias + " ON " + alias + ".id = hits.id", "TRUE", rank, alias + ".id"
	}
	p := a.add(fts)
	return table + "_fts JOIN " + table + " " + alias + " ON " + alias + ".id = " + table + "_fts.rowid",
		table + "_fts MATCH " + p, table + "_fts.rank", table + "_fts.rowid"
}

// page adds the cursor's condition and the order and limit of a page on
// the ids.
func (r reader) page(a *searchArgs, f beseda.SearchFilter, where []string, id, rank string, n int) ([]string, string) {
	if f.Order == beseda.SearchRelevance {
		return where, fmt.Sprintf(" ORDER BY %s, %s DESC LIMIT %s OFFSET %s", rank, id, a.add(n), a.add(f.Cursor.Offset))
	}
	if f.Cursor.BeforeID > 0 {
		where = append(where, id+" < "+a.add(f.Cursor.BeforeID))
	}
	return where, fmt.Sprintf(" ORDER BY %s DESC LIMIT %s", id, a.add(n))
}

func timeRange(a *searchArgs, f beseda.SearchFilter, column string, where []string) []string {
	if f.From != nil {
		where = append(where, column+" >= "+a.add(ms(*f.From)))
	}
	if f.To != nil {
		where = append(where, column+" < "+a.add(ms(*f.To)))
	}
	return where
}

func (r reader) searchMessages(ctx context.Context, f beseda.SearchFilter, plan matchPlan, fts string, n int) (*sql.Rows, error) {
	var a searchArgs
	from, cond, rank, id := r.match(&a, "messages", "m", f, plan, fts)
	where := []string{cond, "m.workspace_id = " + a.add(f.WorkspaceID)}
	if f.ChannelID != nil {
		where = append(where, "m.channel_id = "+a.add(*f.ChannelID))
	}
	if f.Status != nil {
		where = append(where, "EXISTS (SELECT 1 FROM dialogs d WHERE d.id = m.dialog_id AND d.status = "+a.add(string(*f.Status))+")")
	}
	if f.ManagerID != nil {
		p := a.add(*f.ManagerID)
		where = append(where, "(m.author_id = "+p+" OR EXISTS (SELECT 1 FROM dialog_participants p WHERE p.dialog_id = m.dialog_id AND p.user_id = "+p+"))")
	}
	if f.InDialogs {
		where = append(where, "m.dialog_id IS NOT NULL")
	}
	where = timeRange(&a, f, "m.created_at", where)
	where, tail := r.page(&a, f, where, id, rank, n)
	return r.q.QueryContext(ctx, `SELECT m.id, m.subscriber_id, m.dialog_id, s.name, m.text, m.created_at, m.internal
		FROM `+from+` JOIN subscribers s ON s.id = m.subscriber_id
		WHERE `+strings.Join(where, " AND ")+tail, a...)
}

func (r reader) searchSubscribers(ctx context.Context, f beseda.SearchFilter, plan matchPlan, fts string, n int) (*sql.Rows, error) {
	var a searchArgs
	from, cond, rank, id := r.match(&a, "subscribers", "s", f, plan, fts)
	where := []string{cond, "s.workspace_id = " + a.add(f.WorkspaceID)}
	if f.ChannelID != nil {
		where = append(where, "s.channel_id = "+a.add(*f.ChannelID))
	}
	// Dialog filters: clients with such a dialog.
	var dialog []string
	if f.Status != nil {
		dialog = append(dialog, "d.status = "+a.add(string(*f.Status)))
	}
	if f.ManagerID != nil {
		dialog = append(dialog, "EXISTS (SELECT 1 FROM dialog_participants p WHERE p.dialog_id = d.id AND p.user_id = "+a.add(*f.ManagerID)+")")
	}
	if f.InDialogs || len(dialog) > 0 {
		where = append(where, "EXISTS (SELECT 1 FROM dialogs d WHERE "+strings.Join(append([]string{"d.subscriber_id = s.id"}, dialog...), " AND ")+")")
	}
	where = timeRange(&a, f, "s.created_at", where)
	where, tail := r.page(&a, f, where, id, rank, n)
	return r.q.QueryContext(ctx, `SELECT s.id, s.id, NULL, s.name, s.name || ' ' || s.external_id, s.created_at, `+r.boolFalse()+`
		FROM `+from+` WHERE `+strings.Join(where, " AND ")+tail, a...)
}

func (r reader) boolFalse() string {
	if r.dialect == Postgres {
		return "FALSE"
	}
	return "0"
}

func (r reader) searchDialogs(ctx context.Context, f beseda.SearchFilter, cat searchCatalog, plan matchPlan, fts string, n int) (*sql.Rows, error) {
	var a searchArgs
	from, cond, rank, id := r.match(&a, "dialogs", "d", f, plan, fts)
	if !cat.empty() {
		// A dialog matches by its title, or by a type, reason or component
		// of a matching name. The title's match becomes one alternative; a
		// relevance order ranks the others last.
		from, id = "dialogs d", "d.id"
		if r.dialect == SQLite {
			cond = "d.id IN (SELECT rowid FROM dialogs_fts WHERE " + cond + ")"
			rank = cond + " DESC"
		}
		alt := []string{cond}
		if len(cat.types) > 0 {
			alt = append(alt, "d.type_id IN "+a.ids(cat.types))
		}
		if len(cat.reasons) > 0 {
			alt = append(alt, "EXISTS (SELECT 1 FROM dialog_reason_links l WHERE l.dialog_id = d.id AND l.reason_id IN "+a.ids(cat.reasons)+")")
		}
		if len(cat.components) > 0 {
			alt = append(alt, "EXISTS (SELECT 1 FROM dialog_component_links l WHERE l.dialog_id = d.id AND l.component_id IN "+a.ids(cat.components)+")")
		}
		cond = "(" + strings.Join(alt, " OR ") + ")"
	}
	where := []string{cond, "d.workspace_id = " + a.add(f.WorkspaceID)}
	if f.ChannelID != nil {
		where = append(where, "s.channel_id = "+a.add(*f.ChannelID))
	}
	if f.Status != nil {
		where = append(where, "d.status = "+a.add(string(*f.Status)))
	}
	if f.ManagerID != nil {
		where = append(where, "EXISTS (SELECT 1 FROM dialog_participants p WHERE p.dialog_id = d.id AND p.user_id = "+a.add(*f.ManagerID)+")")
	}
	where = timeRange(&a, f, "d.created_at", where)
	where, tail := r.page(&a, f, where, id, rank, n)
	return r.q.QueryContext(ctx, `SELECT d.id, d.subscriber_id, d.id, d.title, d.title, d.created_at, `+r.boolFalse()+`
		FROM `+from+` JOIN subscribers s ON s.id = d.subscriber_id
		WHERE `+strings.Join(where, " AND ")+tail, a...)
}

// addCatalogNames appends to each dialog's text the names of its matching
// type, reasons and components, so that its snippet shows why it was found.
func (r reader) addCatalogNames(ctx context.Context, hits []beseda.SearchHit, cat searchCatalog) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	var a searchArgs
	in := a.ids(ids)
	rows, err := r.q.QueryContext(ctx, `
		SELECT id, 't', type_id FROM dialogs WHERE id IN `+in+`
		UNION ALL SELECT dialog_id, 'r', reason_id FROM dialog_reason_links WHERE dialog_id IN `+in+`
		UNION ALL SELECT dialog_id, 'c', component_id FROM dialog_component_links WHERE dialog_id IN `+in, a...)
	if err != nil {
		return fmt.Errorf("search dialogs: %w", err)
	}
	defer rows.Close()
	extra := map[int64][]string{}
	for rows.Next() {
		var dialogID, id int64
		var kind string
		if err := rows.Scan(&dialogID, &kind, &id); err != nil {
			return fmt.Errorf("search dialogs: %w", err)
		}
		if name, ok := cat.names[kind][id]; ok {
			extra[dialogID] = append(extra[dialogID], name)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search dialogs: %w", err)
	}
	for i := range hits {
		if names := extra[hits[i].ID]; len(names) > 0 {
			hits[i].Text += " · " + strings.Join(names, " · ")
		}
	}
	return nil
}
