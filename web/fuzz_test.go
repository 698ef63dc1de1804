package web_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// consoleRoute is a console page or form, and who opens or posts it: the
// owner, or a manager no form can promote (channel and integration forms,
// whose valid values would reach out to Telegram or the internet, are read
// and then refused), or a signed-out visitor.
type consoleRoute struct {
	method, path, as string
	seeds            []string // queries for pages, forms for posts
}

var consolePages = []consoleRoute{
	{"GET", "/chats", "owner", []string{"q=anna", "fragment=live", "q=%25_%5C&limit=-1"}},
	{"GET", "/chats/{subscriber}", "owner", []string{"fragment=live", "before=1&after=x"}},
	{"GET", "/dialogs", "owner", []string{"mine=1", "filter=paused", "fragment=live"}},
	{"GET", "/dialogs/{dialog}", "owner", []string{"confirm=completed", "saved=1", "fragment=live"}},
	{"GET", "/notifications", "owner", []string{"limit=5"}},
	{"GET", "/report", "owner", []string{"from=2026-01-01&to=2026-12-31&status=active&type_id={type}&tz=Europe%2FMoscow",
		"format=csv&manager_id={manager}&reason_id=1&component_id=1", "from=2026-13-45&tz=Mars%2FBase"}},
	{"GET", "/settings/dialogs", "owner", []string{"saved=1"}},
	{"GET", "/settings/standard-messages", "owner", []string{""}},
	{"GET", "/settings/users", "owner", []string{""}},
	{"GET", "/settings/saved-replies", "owner", []string{""}},
	{"GET", "/settings/channels", "owner", []string{""}},
	{"GET", "/settings/hours", "owner", []string{"saved=1"}},
	{"GET", "/settings/audit", "owner", []string{"action=auth.sign_in&actor_id={manager}&from=2026-01-01&to=2026-12-31",
		"cursor=x&action=NOPE&tz=Mars%2FBase", "from=2026-13-45"}},
	{"GET", "/settings/data", "owner", []string{"saved=1"}},
	{"GET", "/account", "owner", []string{"saved=1"}},
	{"GET", "/account/security", "owner", []string{""}},
	{"GET", "/settings/sign-in", "owner", []string{""}},
	{"GET", "/login", "anon", []string{"next=%2Fchats%3Fq%3Da", "next=%2F%2Fevil.example"}},
}

var consoleForms = []consoleRoute{
	{"POST", "/chats/{subscriber}/messages", "owner", []string{"text=hello", "text=a%00b"}},
	{"POST", "/chats/{subscriber}/dialogs", "owner", []string{"title=Refund&type_id={type}&participant_ids={manager}&reason_ids={reason}"}},
	{"POST", "/dialogs/{dialog}", "owner", []string{"title=New+title&type_id={type}&participant_ids={manager}"}},
	{"POST", "/dialogs/{dialog}/status", "owner", []string{"status=paused", "status=active",
		"status=completed&account_rating=2&send_rating_form=on"}},
	{"POST", "/dialogs/{dialog}/messages", "owner", []string{"text=in+the+dialog", "text=note&internal=on"}},
	{"POST", "/notifications/read", "owner", []string{"back=%2Fdialogs", "back=%2F%5Cevil.example"}},
	{"POST", "/settings/dialogs/types", "owner", []string{"name=Delivery"}},
	{"POST", "/settings/dialogs/reasons/{reason}", "owner", []string{"name=Bug&action=rename", "action=remove"}},
	{"POST", "/settings/standard-messages", "owner", []string{"rating_prompt=Rate+us&caption_bad=Bad&caption_normal=OK&caption_excellent=Great&thank_you=Thanks"}},
	{"POST", "/settings/users", "owner", []string{"email=u%40example.com&name=U&password=long+enough&role=manager&permissions=reports.view"}},
	{"POST", "/settings/users/{manager}", "owner", []string{"name=M&role=manager&permissions=dialog_settings.edit"}},
	{"POST", "/settings/saved-replies", "owner", []string{"name=hi&text=Hello"}},
	{"POST", "/settings/saved-replies/{reply}", "owner", []string{"name=bye&text=Bye", "action=delete"}},
	{"POST", "/settings/channels", "limited", []string{"kind=telegram&name=Bot&bot_token=1%3Aabc"}},
	{"POST", "/settings/integrations", "limited", []string{"url=https%3A%2F%2Fexample.com%2Fhook&events=dialog.created&secret=s"}},
	{"POST", "/settings/hours", "owner", []string{"time_zone=Europe%2FBerlin&weekday=1&start=09%3A00&end=17%3A00&date=2026-12-25&repeat=yearly",
		"weekday=9&start=25%3A00&end=x&date=2026-02-30"}},
	{"POST", "/settings/sla", "owner", []string{"name=Default&first_response_minutes=30&warn_percent=80", "name=x&first_response_minutes=abc&type_id=-5"}},
	{"POST", "/settings/data", "owner", []string{"messages_days=365&files_days=30&dialogs_days=730&audit_days=", "messages_days=-1&files_days=abc&dialogs_days=x"}},
	{"POST", "/chats/{subscriber}/erase", "limited", []string{"confirm=1", "confirm=0"}},
	{"POST", "/account", "owner", []string{"name=Olga&locale=ru&time_zone=Europe%2FMoscow", "password=x&current_password=y"}},
	{"POST", "/account/tokens", "owner", []string{"name=CI&scopes=read&scopes=report&expires_days=30", "name=&scopes=root&expires_days=-3"}},
	{"POST", "/account/totp/confirm", "owner", []string{"code=123456", "code=%00"}},
	{"POST", "/settings/sign-in", "owner", []string{"issuer=https%3A%2F%2Fid.example.com&client_id=b&client_secret=s&allowed_domains=example.com&role=manager&password_login=1",
		"issuer=javascript%3Aalert(1)&role=owner"}},
	{"POST", "/settings/sign-in/two-factor", "owner", []string{"required=", "required=1"}},
}

// console is a signed-in owner and manager of a fuzzed workspace, and the
// ids its routes name.
type console struct {
	srv   *testkit.Server
	as    map[string]*testkit.Console
	fill  *strings.Replacer
	pages []consoleRoute
}

func newConsole(f *testing.F, routes []consoleRoute) *console {
	srv := testkit.StartServer(f, testkit.NewMigratedDatabase(f, "sqlite"), testkit.Options{})
	w := testkit.NewWorld(f, srv, beseda.LocaleEN)
	v := w.NewVisitor("Anna")
	v.Say("hello")
	d := w.CreateDialog(v.SubscriberID, "Probe", w.ManagerID)
	var reason, reply struct{ ID int64 }
	w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Crash"}, 201, &reason)
	w.Owner.MustDo("POST", "/api/v1/saved-replies", map[string]string{"name": "bye", "text": "Bye!"}, 201, &reply)
	var owner, limited beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
	w.NewManager().MustDo("GET", "/api/v1/me", nil, 200, &limited)
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	return &console{srv: srv, pages: routes,
		as: map[string]*testkit.Console{"owner": testkit.ConsoleLogin(f, srv.URL, owner.Email, testkit.TestPassword),
			"limited": testkit.ConsoleLogin(f, srv.URL, limited.Email, testkit.TestPassword),
			"anon":    testkit.NewConsole(f, srv.URL)},
		fill: strings.NewReplacer("{manager}", itoa(w.ManagerID), "{subscriber}", itoa(v.SubscriberID),
			"{dialog}", itoa(d.ID), "{type}", itoa(w.Types[0].ID), "{reason}", itoa(reason.ID), "{reply}", itoa(reply.ID))}
}

// do sends one fuzzed request: a page with the query, or a form post with the
// body (after the caller's CSRF token). Whatever they hold, the console
// answers without a 5xx (H2) or a dropped connection, redirects only within
// the site (H3) and never signs its caller out, and stores only valid UTF-8
// without NUL (H1).
func (c *console) do(t *testing.T, route uint8, input string) {
	rt := c.pages[int(route)%len(c.pages)]
	path, input := c.fill.Replace(rt.path), c.fill.Replace(input)
	cc := c.as[rt.as].For(t)
	var body io.Reader
	url := cc.BaseURL + path + "?" + input
	if rt.method == "POST" {
		url = cc.BaseURL + path
		body = strings.NewReader("csrf=" + cc.CSRF + "&" + input)
	}
	req, err := http.NewRequest(rt.method, url, body)
	if err != nil {
		return // not a request a browser can send
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := cc.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s %q: %v", rt.method, path, input, err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode >= 500 {
		t.Fatalf("%s %s %q: %d %s", rt.method, path, input, res.StatusCode, data)
	}
	if loc := res.Header.Get("Location"); loc != "" && !onSite(loc) || rt.as != "anon" && strings.HasPrefix(loc, "/login") {
		t.Fatalf("%s %s %q: redirected to %q", rt.method, path, input, loc)
	}
	if rt.method == "POST" {
		testkit.CheckStoredText(t, c.srv.DB)
	}
}

// FuzzConsoleQuery opens every console page with any query string: list
// filters, paging, fragments, the report's period and time zone, next.
func FuzzConsoleQuery(f *testing.F) {
	for i, rt := range consolePages {
		for _, s := range rt.seeds {
			f.Add(uint8(i), s)
		}
	}
	f.Add(uint8(0), "q=%FF&q=%00&before=99999999999999999999")
	f.Add(uint8(5), "to=1000-01-01T00:00:00Z&format=xml&tz=..%2F..%2Fetc%2Fpasswd")
	c := newConsole(f, consolePages)
	f.Fuzz(func(t *testing.T, route uint8, query string) { c.do(t, route, query) })
}

// FuzzConsoleForm posts any form body to every console form.
func FuzzConsoleForm(f *testing.F) {
	for i, rt := range consoleForms {
		for _, s := range rt.seeds {
			f.Add(uint8(i), s)
			f.Add(uint8(i), strings.Replace(s, "=", "=%00", 1)) // H1 refuses it
		}
	}
	f.Add(uint8(0), "text=%FF%FE&text=2")
	f.Add(uint8(3), "status=completed&account_rating=99999999999999999999")
	f.Add(uint8(5), "%zz=1&back=%0a%2F%2Fevil")
	c := newConsole(f, consoleForms)
	f.Fuzz(func(t *testing.T, route uint8, form string) { c.do(t, route, form) })
}
