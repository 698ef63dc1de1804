package testkit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
	"github.com/beseda/beseda/internal/httpx"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/store"
)

// Fuzz targets set up a server once (with the *testing.F) and send each
// input with the input's own *testing.T: a failure inside the fuzz function
// must be reported on t, never on f.

// For returns a copy of the client that reports to tb.
func (c *Client) For(tb testing.TB) *Client {
	cp := *c
	cp.tb = tb
	return &cp
}

// For returns a copy of the console client that reports to tb.
func (c *Console) For(tb testing.TB) *Console {
	cp := *c
	cp.tb = tb
	return &cp
}

// CheckAnswer fails tb unless res is what H2 and the API contract promise
// for any input: no 5xx, and every 4xx a JSON {"error":{"code","message"}}
// whose code maps to that very status.
func CheckAnswer(tb testing.TB, what string, res *Response) {
	tb.Helper()
	if res.Status >= 500 {
		tb.Fatalf("%s: %d %s", what, res.Status, res.Body)
	}
	if res.Status < 400 {
		return
	}
	var e struct {
		Error *struct{ Code, Message string }
	}
	if err := json.Unmarshal(res.Body, &e); err != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
		tb.Fatalf("%s: %d without the error shape: %s", what, res.Status, res.Body)
	}
	if want := httpx.StatusOf(beseda.Errorf(e.Error.Code, "")); want != res.Status {
		tb.Fatalf("%s: code %s answered with %d, its status is %d", what, e.Error.Code, res.Status, want)
	}
}

// CheckStoredText fails tb if any text column of the database holds a NUL
// byte or invalid UTF-8 (H1). PostgreSQL refuses such text itself; SQLite
// keeps whatever it is given, so there this is what finds text that slipped
// past the checks.
func CheckStoredText(tb testing.TB, db *store.DB) {
	tb.Helper()
	ctx := context.Background()
	q := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND upper(p.type) IN ('TEXT', 'VARCHAR', '') ORDER BY m.name`
	if db.Dialect() == store.Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying') ORDER BY table_name`
	}
	rows, err := db.WriteDB().QueryContext(ctx, q)
	if err != nil {
		tb.Fatalf("list text columns: %v", err)
	}
	columns := map[string][]string{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			tb.Fatal(err)
		}
		columns[table] = append(columns[table], `"`+column+`"`)
	}
	if err := rows.Close(); err != nil {
		tb.Fatal(err)
	}
	for table, cols := range columns {
		rows, err := db.WriteDB().QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM "`+table+`"`)
		if err != nil {
			tb.Fatalf("read %s: %v", table, err)
		}
		values := make([]any, len(cols))
		for i := range values {
			values[i] = new([]byte)
		}
		for rows.Next() {
			if err := rows.Scan(values...); err != nil {
				tb.Fatal(err)
			}
			for i, v := range values {
				if b := *v.(*[]byte); bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
					tb.Errorf("%s.%s holds %q: not valid UTF-8 without NUL (H1)", table, cols[i], b)
				}
			}
		}
		if err := rows.Close(); err != nil {
			tb.Fatal(err)
		}
	}
}

// CheckParse parses a webhook body as the skeleton (channel.Webhooks) would
// and fails tb unless the parser keeps its promises whatever the body:
//   - it does not panic; a body it cannot read is EINVALID, with no events;
//   - it is deterministic, so that a body sent again is recognised by its
//     events' keys;
//   - every event has a key, or raw bytes to make one from; a key made from a
//     platform's id has the id (not just its prefix), and two events share a
//     key made from bytes only when they are the same bytes;
//   - a client's message without files is never blank once cleaned as H1
//     says (a message the cleaning empties would be refused, and lost).
//
// It returns the events.
func CheckParse(tb testing.TB, wh beseda.ChannelWebhook, ch *beseda.Channel, body []byte) []beseda.InboundEvent {
	tb.Helper()
	events, err := wh.Parse(ch, body)
	if err != nil {
		if code := beseda.ErrorCode(err); code != beseda.EINVALID || events != nil {
			tb.Fatalf("Parse failed with %s (%v) and %d events; want EINVALID and none", code, err, len(events))
		}
		return nil
	}
	if again, _ := wh.Parse(ch, body); !reflect.DeepEqual(events, again) {
		tb.Fatalf("Parse is not deterministic:\n%+v\n%+v", events, again)
	}
	byRaw := map[string][]byte{}
	for i, ev := range events {
		if len(ev.Raw) > 0 && !json.Valid(ev.Raw) {
			tb.Errorf("event %d: Raw is not JSON: %q", i, ev.Raw)
		}
		key := ev.Key
		if key == "" {
			key = channel.RawKey("event:", ev.Raw) // as the skeleton does
		}
		switch {
		case ev.Key == "" && len(ev.Raw) == 0:
			tb.Errorf("event %d has neither a key nor raw bytes: %+v", i, ev)
		case strings.HasSuffix(ev.Key, ":"):
			tb.Errorf("event %d: key %q names no id", i, ev.Key)
		case strings.HasPrefix(key, "event:"):
			if prev, ok := byRaw[key]; ok && !bytes.Equal(prev, ev.Raw) {
				tb.Errorf("events %q and %q share the key %s", prev, ev.Raw, key)
			}
			byRaw[key] = ev.Raw
		}
		if !ev.Postback && len(ev.Media) == 0 && !beseda.HasText(ev.Text) {
			tb.Errorf("event %d: the message's text %q is blank once cleaned (H1), so it would be refused", i, ev.Text)
		}
	}
	return events
}

// WebhookFuzz is a server with one channel of a platform, for fuzzing the
// platform's webhook end to end.
type WebhookFuzz struct {
	srv  *Server
	wh   beseda.ChannelWebhook
	ch   *beseda.Channel // as the parser sees it
	id   int64
	url  string
	sign func(body []byte) map[string]string
	seen map[string]bool // events stored before: sent again, they are ignored
}

// NewWebhookFuzz starts a server on SQLite with a channel of the kind and
// config, whose platform API (where a tap is acknowledged) answers
// here rather than on the internet; sign gives the headers that make a body
// the platform's.
func NewWebhookFuzz(f *testing.F, kind beseda.ChannelKind, config beseda.ChannelConfig, sign func(body []byte) map[string]string) *WebhookFuzz {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"result":true}`))
	}))
	f.Cleanup(api.Close)
	srv := StartServer(f, NewMigratedDatabase(f, store.SQLite), Options{})
	w := NewWorld(f, srv, beseda.LocaleEN)
	cfg := map[string]string{"api_base_url": api.URL}
	for k, v := range config {
		cfg[k] = v
	}
	info := w.AddChannel(string(kind), string(kind), cfg)
	return &WebhookFuzz{srv: srv, wh: server.Channels().Of(kind).Webhook(), ch: &beseda.Channel{Kind: kind, Config: config},
		id: info.ID, url: info.WebhookURL, sign: sign, seen: map[string]bool{}}
}

// Check holds the platform's parser to CheckParse, then posts the body, signed,
// to the server's webhook. Whatever the body: the answer is 200, or 400 for
// a body that is not the platform's (H7), never a 5xx; nothing stored holds
// a NUL or invalid UTF-8; and every client message without files the parser
// read, seen for the first time, is stored cleaned, never refused (H1).
func (z *WebhookFuzz) Check(t *testing.T, body []byte) {
	t.Helper()
	events := CheckParse(t, z.wh, z.ch, body)
	c := NewClient(t, "")
	for k, v := range z.sign(body) {
		c.Header.Set(k, v)
	}
	res := c.Do("POST", z.url, body)
	CheckAnswer(t, "POST "+z.url, res)
	if res.Status != http.StatusOK && res.Status != http.StatusBadRequest {
		t.Fatalf("a verified body answered %d: %s", res.Status, res.Body)
	}
	CheckStoredText(t, z.srv.DB)
	for _, ev := range events {
		key := ev.Key
		if key == "" {
			key = channel.RawKey("event:", ev.Raw)
		}
		key = beseda.SanitizeText(key)
		client := beseda.SanitizeText(ev.ExternalUserID)
		text := strings.TrimSpace(beseda.SanitizeText(ev.Text))
		// An event whose key came before, in whatever form (a tap, files),
		// is a duplicate the server drops.
		seen := z.seen[key]
		z.seen[key] = true
		// Files are fetched from the platform, which is not here: such a
		// message waits for its retry (H7).
		if seen || ev.Postback || len(ev.Media) > 0 || client == "" || utf8.RuneCountInString(text) > 1000 { // longer than a platform sends
			continue
		}
		var id int64
		err := z.srv.DB.WriteDB().QueryRow(`SELECT m.id FROM messages m JOIN subscribers s ON s.id = m.subscriber_id
			WHERE s.channel_id = $1 AND s.external_id = $2 AND m.direction = 'in' AND m.text = $3`, z.id, client, text).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			t.Errorf("the message %q of %q was not stored (as %q)", ev.Text, ev.ExternalUserID, text)
		} else if err != nil {
			t.Fatal(err)
		}
	}
}
