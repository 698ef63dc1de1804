package httpapi_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// bodyRoute is a route that takes a JSON body, the caller that sends it, and
// bodies it takes (seeds for the fuzzer to start from).
type bodyRoute struct {
	method, path string
	// as is who calls: owner, manager, limited (a manager no route can
	// promote: channels and integrations, whose valid bodies would reach out
	// to Telegram or the internet, are decoded and then refused), visitor
	// (the web chat's client) or anon.
	as    string
	seeds []string
}

// bodyRoutes are the JSON routes that take a body; {placeholders} name
// objects of the fuzzed workspace.
var bodyRoutes = []bodyRoute{
	{"POST", "/api/v1/auth/login", "anon", []string{`{"email":"nobody@example.com","password":"wrong password"}`}},
	{"PATCH", "/api/v1/me", "owner", []string{`{"name":"Olga","locale":"ru","time_zone":"Europe/Moscow"}`, `{"password":"new password 1","current_password":"x"}`}},
	{"POST", "/api/v1/users", "owner", []string{`{"email":"u@example.com","name":"U","password":"long enough","role":"manager","permissions":["reports.view"]}`}},
	{"PATCH", "/api/v1/users/{manager}", "owner", []string{`{"name":"M","permissions":["dialog_settings.edit"]}`, `{"role":"owner"}`}},
	{"POST", "/api/v1/channels", "limited", []string{`{"kind":"web","name":"Site","config":{}}`}},
	{"PATCH", "/api/v1/channels/{channel}", "owner", []string{`{"name":"Site chat","enabled":true}`, `{"config":{"x":"y"}}`}},
	{"POST", "/api/v1/subscribers/{subscriber}/messages", "owner", []string{`{"text":"hello"}`, `{"text":"","attachment_ids":[1]}`}},
	{"POST", "/api/v1/dialogs", "owner", []string{`{"subscriber_id":{subscriber},"title":"Refund","type_id":{type},"reason_ids":[{reason}],"participant_ids":[{manager}]}`}},
	{"PATCH", "/api/v1/dialogs/{dialog}", "owner", []string{`{"title":"New","participant_ids":[]}`, `{"status":"paused"}`,
		`{"status":"completed","account_rating":3,"send_rating_form":true}`, `{"status":"active"}`}},
	{"POST", "/api/v1/dialogs/{dialog}/messages", "owner", []string{`{"text":"in the dialog"}`, `{"text":"note","internal":true}`}},
	{"POST", "/api/v1/saved-replies", "owner", []string{`{"name":"hi","text":"Hello!"}`}},
	{"PATCH", "/api/v1/saved-replies/{reply}", "owner", []string{`{"text":"Hi there"}`}},
	{"PUT", "/api/v1/settings/standard-messages", "owner", []string{`{"caption_bad":"Bad","caption_normal":"OK","caption_excellent":"Great","thank_you":"Thanks"}`}},
	{"POST", "/api/v1/notifications/read", "manager", []string{``}},
	{"POST", "/api/v1/outbound", "owner", []string{`{"subscriber_id":{subscriber},"source":"funnel","text":"step","idempotency_key":"k1"}`}},
	{"POST", "/api/v1/broadcasts", "owner", []string{`{"text":"news"}`, `{"text":"news","subscriber_ids":[{subscriber}]}`}},
	{"POST", "/api/v1/funnels", "owner", []string{`{"name":"F","steps":[{"delay_seconds":60,"text":"x"}]}`}},
	{"POST", "/api/v1/funnels/{funnel}/subscribers", "owner", []string{`{"subscriber_id":{subscriber}}`}},
	{"POST", "/api/v1/smart-answers", "owner", []string{`{"keywords":["price"],"answer":"10"}`}},
	{"POST", "/api/v1/webhooks", "limited", []string{`{"url":"https://example.com/hook","events":["dialog.created"],"secret":"s"}`}},
	{"POST", "/api/v1/settings/dialog-types", "owner", []string{`{"name":"Delivery"}`}},
	{"PATCH", "/api/v1/settings/dialog-reasons/{reason}", "owner", []string{`{"name":"Bug"}`}},
	{"POST", "/api/v1/settings/dialog-components", "owner", []string{`{"name":"App"}`}},
	{"POST", "/widget/{key}/sessions", "anon", []string{`{"name":"Anna"}`}},
	{"POST", "/widget/{key}/messages", "visitor", []string{`{"text":"hi\u0000 there"}`}},
	{"POST", "/widget/{key}/postback", "visitor", []string{`{"payload":"r1.1.1.x"}`}},
}

// oddSeeds are tried on every route.
var oddSeeds = []string{``, `null`, `[]`, `{"text":"\u0000"}`, `{"name":"\ud800"}`, "{\"text\":\"\xff\"}", `{"id":1e400}`, `{} {}`}

// FuzzAPIBody sends any body to every JSON route that takes one, on a real
// server and database, and holds the API to its contract whatever the body:
// no 5xx (H2) and no dropped connection (a panic), every error the
// {"error":{"code","message"}} shape with the status of its code, and
// nothing stored that is not valid UTF-8 without NUL (H1). The workspace
// lives on from input to input, as a real one does; fuzzing runs on SQLite,
// which stores whatever it is given.
func FuzzAPIBody(f *testing.F) {
	for i, rt := range bodyRoutes {
		for _, s := range rt.seeds {
			f.Add(uint8(i), []byte(s))
			// The same body with a NUL in its first string, which H1 refuses.
			f.Add(uint8(i), []byte(strings.Replace(s, `":"`, `":"\u0000`, 1)))
		}
	}
	for i, s := range oddSeeds { // on a few routes each: the fuzzer moves them to others
		for j := range 3 {
			f.Add(uint8(i*3+j*11), []byte(s))
		}
	}
	srv := testkit.StartServer(f, testkit.NewMigratedDatabase(f, "sqlite"), testkit.Options{})
	w := testkit.NewWorld(f, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	v.Say("hello")
	d := w.CreateDialog(v.SubscriberID, "Probe", w.ManagerID)
	var reason, reply, funnel struct{ ID int64 }
	w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Crash"}, 201, &reason)
	w.Owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "bye", "text": "Bye!"}, 201, &reply)
	w.Owner.MustDo("POST", "/api/v1/funnels", map[string]any{"name": "Welcome", "steps": []map[string]any{{"delay_seconds": 60, "text": "x"}}}, 201, &funnel)
	var channels []struct{ ID int64 }
	w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, &channels)
	fill := strings.NewReplacer("{manager}", itoa(w.ManagerID), "{channel}", itoa(channels[0].ID),
		"{subscriber}", itoa(v.SubscriberID), "{dialog}", itoa(d.ID), "{type}", itoa(w.Types[0].ID),
		"{reason}", itoa(reason.ID), "{reply}", itoa(reply.ID), "{funnel}", itoa(funnel.ID), "{key}", w.WebKey)
	callers := map[string]*testkit.Client{"owner": w.Owner, "manager": w.Manager, "visitor": v.Client,
		"anon": testkit.NewClient(f, srv.URL), "limited": w.NewManager()}

	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		rt := bodyRoutes[int(route)%len(bodyRoutes)]
		path := fill.Replace(rt.path)
		if body == nil {
			body = []byte{}
		}
		body = []byte(fill.Replace(string(body)))
		res := callers[rt.as].For(t).Do(rt.method, path, body)
		testkit.CheckAnswer(t, rt.method+" "+path, res)
		testkit.CheckStoredText(t, srv.DB)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
