package web_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

// TestH1_ConsoleRefusesNUL posts console forms holding a NUL byte or invalid
// UTF-8: 400 with the form's error, and nothing stored, on both databases.
func TestH1_ConsoleRefusesNUL(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		c := testkit.ConsoleLogin(t, srv.URL, me.Email, testkit.TestPassword)
		v := w.NewVisitor("Anna")
		for _, tc := range []struct {
			path string
			form url.Values
		}{
			{testkit.Path("/chats/%d/messages", v.SubscriberID), url.Values{"text": {"a\x00b"}}},
			{testkit.Path("/chats/%d/messages", v.SubscriberID), url.Values{"text": {"bad \xff"}}},
			{testkit.Path("/chats/%d/dialogs", v.SubscriberID), url.Values{"title": {"Case\x00"}, "type_id": {"1"}}},
			{"/settings/dialogs/types", url.Values{"name": {"\x00"}}},
			{"/account", url.Values{"name": {"Olga\x00"}, "locale": {"en"}}},
			{"/settings/standard-messages", url.Values{"thank_you": {"ok"}, "x\x00": {"y"}}},
		} {
			if res := c.Post(tc.path, tc.form); res.Status != 400 {
				t.Errorf("POST %s %v: %d", tc.path, tc.form, res.Status)
			}
		}
		if msgs := v.Messages(); len(msgs) != 0 {
			t.Errorf("refused text reached the client: %+v", msgs)
		}
		var dialogs []beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs?subscriber_id=%d", v.SubscriberID), nil, 200, &dialogs)
		var after beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &after)
		if len(dialogs) != 0 || after.Name != me.Name {
			t.Errorf("refused forms changed data: %+v, %q", dialogs, after.Name)
		}
	})
}

// TestH3_RedirectsStayOnSite signs in with nasty next values (and posts
// nasty back values): the Location is always a path of this site.
func TestH3_RedirectsStayOnSite(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		nasty := []string{
			"//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
			"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", " /chats",
			"/%2F%2Fevil.example", "%2F%2Fevil.example", "/%09/evil.example", "/%5Cevil.example", "/%2f/evil.example",
			"/%0a/evil.example", "https://evil.example", "http:evil.example", "HTTPS://evil.example/chats",
			"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "evil.example", "chats",
			"/chats\x7f//evil.example", "//%09evil.example", "/.//evil.example/..", "/%2e%2e/%2e%2e//evil.example", "/a/../", "",
		}
		for _, next := range nasty {
			c := testkit.NewConsole(t, srv.URL)
			res := c.SignIn(me.Email, testkit.TestPassword, next)
			loc := res.Header.Get("Location")
			if res.Status != 303 || !onSite(loc) {
				t.Errorf("next=%q: %d Location %q", next, res.Status, loc)
			}
			if next != "" && loc != "/chats" {
				t.Errorf("next=%q: Location %q, want the default page", next, loc)
			}
		}
		// Clean paths of the site are kept, queries included.
		for _, next := range []string{"/dialogs", "/chats/5?q=anna", "/report?tz=Europe%2FMoscow&status=active"} {
			res := testkit.NewConsole(t, srv.URL).SignIn(me.Email, testkit.TestPassword, next)
			if loc := res.Header.Get("Location"); loc != next {
				t.Errorf("next=%q: Location %q", next, loc)
			}
		}
		// The sign-in page carries next on only when it is clean.
		page := testkit.NewConsole(t, srv.URL).Get("/login?next=" + url.QueryEscape("/\t/evil.example"))
		if strings.Contains(string(page.Body), "evil.example") {
			t.Errorf("the sign-in form carries a nasty next")
		}
		// Other redirects after a form (back=) stay on the site too.
		c := testkit.ConsoleLogin(t, srv.URL, me.Email, testkit.TestPassword)
		for _, back := range nasty {
			res := c.Post("/notifications/read", url.Values{"back": {back}})
			if loc := res.Header.Get("Location"); res.Status != 303 || loc != "/notifications" {
				t.Errorf("back=%q: %d Location %q", back, res.Status, loc)
			}
		}
	})
}

// onSite: what a browser does with the Location stays on this site.
func onSite(loc string) bool {
	clean := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		if r == '\\' {
			return '/'
		}
		return r
	}, strings.TrimSpace(loc))
	u, err := url.Parse(clean)
	return err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(clean, "/") && !strings.HasPrefix(clean, "//")
}

// TestCSRF_SignInFormNeedsItsToken: the sign-in form carries a token bound to
// a cookie; a post without both (a third-party page's) signs nobody in.
func TestCSRF_SignInFormNeedsItsToken(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	creds := url.Values{"email": {me.Email}, "password": {testkit.TestPassword}}

	// No cookie, no token: a cross-site form post.
	c := testkit.NewConsole(t, srv.URL)
	if res := c.Post("/login", creds); res.Status != 403 || res.Header.Get("Set-Cookie") == "" || strings.Contains(res.Header.Get("Set-Cookie"), "beseda_session") {
		t.Errorf("post without the form's token: %d %q", res.Status, res.Header.Get("Set-Cookie"))
	}
	// A cookie but a wrong token.
	c.Get("/login")
	forged := url.Values{"email": creds["email"], "password": creds["password"], "csrf": {"forged"}}
	if res := c.Post("/login", forged); res.Status != 403 || !strings.Contains(string(res.Body), "expired") {
		t.Errorf("post with a wrong token: %d", res.Status)
	}
	if res := c.Get("/chats"); res.Status != 303 {
		t.Errorf("signed in without the token: %d", res.Status)
	}
	// The page as a browser has it signs in.
	if res := c.SignIn(me.Email, testkit.TestPassword, ""); res.Status != 303 {
		t.Errorf("with the token: %d %s", res.Status, res.Body)
	}
	cookie := c.Get("/login")
	if set := cookie.Header.Get("Set-Cookie"); set != "" && (!strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax")) {
		t.Errorf("the form's cookie: %q", set)
	}
}

// TestH4_ConsoleSignInIsSlowed: the console's sign-in form says so clearly
// when the account is locked, with 429 and Retry-After.
func TestH4_ConsoleSignInIsSlowed(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleRU)
		var me beseda.User
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &me)
		c := testkit.NewConsole(t, srv.URL)
		c.Header.Set("Accept-Language", "ru-RU")
		for i := range beseda.LoginFailuresPerAccount {
			if res := c.SignIn(me.Email, "guess", ""); res.Status != 401 {
				t.Fatalf("failure %d: %d", i+1, res.Status)
			}
		}
		res := c.SignIn(me.Email, testkit.TestPassword, "")
		if res.Status != 429 || res.Header.Get("Retry-After") != "900" {
			t.Fatalf("locked: %d Retry-After %q", res.Status, res.Header.Get("Retry-After"))
		}
		if !strings.Contains(string(res.Body), "Слишком много неудачных попыток входа. Попробуйте снова через 15 минут.") {
			t.Errorf("no clear message on the page: %s", res.Body)
		}
		srv.Clock.Advance(beseda.LoginFailureWindow)
		if res := c.SignIn(me.Email, testkit.TestPassword, ""); res.Status != 303 {
			t.Errorf("after the window: %d", res.Status)
		}
	})
}

// TestH4_ConsoleParallelWrongPasswordsStopAtTheLimit: the sign-in form
// counts each attempt before comparing its password too: 100 wrong
// passwords at once get at most 10 answers of 401, the rest 429 with
// Retry-After; the right password is then refused until the window passes,
// and another account signs in meanwhile.
func TestH4_ConsoleParallelWrongPasswordsStopAtTheLimit(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var owner, manager beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)
		c := testkit.NewConsole(t, srv.URL)
		c.Get("/login") // the form's cookie, shared by the tries below
		statuses := make([]int, 100)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res := c.SignIn(owner.Email, "guess", "")
				statuses[i] = res.Status
				if res.Status == 429 && res.Header.Get("Retry-After") == "" {
					t.Errorf("429 without Retry-After")
				}
			}()
		}
		close(start)
		wg.Wait()
		byStatus := map[int]int{}
		for _, s := range statuses {
			byStatus[s]++
		}
		if byStatus[401] > beseda.LoginFailuresPerAccount || byStatus[401]+byStatus[429] != 100 {
			t.Errorf("100 wrong passwords at once: %v, want at most %d × 401 and the rest 429", byStatus, beseda.LoginFailuresPerAccount)
		}
		if res := c.SignIn(owner.Email, testkit.TestPassword, ""); res.Status != 429 {
			t.Errorf("the right password after the limit: %d", res.Status)
		}
		testkit.ConsoleLogin(t, srv.URL, manager.Email, testkit.TestPassword)
		srv.Clock.Advance(beseda.LoginFailureWindow)
		if res := c.SignIn(owner.Email, testkit.TestPassword, ""); res.Status != 303 {
			t.Errorf("after the window: %d", res.Status)
		}
	})
}

// TestH5_AccountPageChangesPassword: the account page asks for the current
// password; a change keeps this session and ends the others.
func TestH5_AccountPageChangesPassword(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var me beseda.User
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &me)
		c := testkit.ConsoleLogin(t, srv.URL, me.Email, testkit.TestPassword)
		otherDevice := testkit.ConsoleLogin(t, srv.URL, me.Email, testkit.TestPassword)
		page := c.Get("/account")
		for _, want := range []string{`name="password"`, `name="current_password"`, `autocomplete="current-password"`} {
			if !strings.Contains(string(page.Body), want) {
				t.Errorf("the account page lacks %s", want)
			}
		}
		// A refused form comes back to the page (POST/redirect/GET) with why.
		refused := func(form url.Values, why string) {
			t.Helper()
			res := c.Post("/account", form)
			if res.Status != 303 || res.Header.Get("Location") != "/account" {
				t.Fatalf("%s: %d %s", why, res.Status, res.Header.Get("Location"))
			}
			if page := c.Get("/account"); !strings.Contains(string(page.Body), why) {
				t.Errorf("the account page does not say %q", why)
			}
		}
		form := url.Values{"name": {me.Name}, "locale": {""}, "time_zone": {""}, "password": {"a new secret"}}
		refused(form, "Type your current password to change it.")
		form.Set("current_password", "wrong")
		refused(form, "The current password is wrong.")
		form.Set("current_password", testkit.TestPassword)
		if res := c.Post("/account", form); res.Status != 303 || res.Header.Get("Location") != "/account?saved=1" {
			t.Fatalf("change: %d %s", res.Status, res.Header.Get("Location"))
		}
		if res := c.Get("/account?saved=1"); res.Status != 200 || !strings.Contains(string(res.Body), "Saved.") {
			t.Errorf("this session after the change: %d", res.Status)
		}
		if res := otherDevice.Get("/chats"); res.Status != 303 {
			t.Errorf("the other session after the change: %d", res.Status)
		}
		w.Manager.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
		testkit.ConsoleLogin(t, srv.URL, me.Email, "a new secret")
	})
}

// TestIDs_ConsolePathsTakeCanonicalDecimalsOnly: /dialogs/01 or /chats/+1
// name nothing (404), as in the API.
func TestIDs_ConsolePathsTakeCanonicalDecimalsOnly(t *testing.T) {
	t.Parallel()
	srv := testkit.StartServer(t, testkit.NewMigratedDatabase(t, "sqlite"), testkit.Options{})
	w := testkit.NewWorld(t, srv, beseda.LocaleEN)
	var me beseda.User
	w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
	c := testkit.ConsoleLogin(t, srv.URL, me.Email, testkit.TestPassword)
	v := w.NewVisitor("Anna")
	d := w.CreateDialog(v.SubscriberID, "Case")
	if res := c.Get(testkit.Path("/dialogs/%d", d.ID)); res.Status != 200 {
		t.Fatalf("the dialog: %d", res.Status)
	}
	for _, p := range []string{"/dialogs/+%d", "/dialogs/0%d", "/dialogs/%d.0", "/dialogs/%%20%d"} {
		if res := c.Get(testkit.Path(p, d.ID)); res.Status != 404 {
			t.Errorf("GET %s: %d", testkit.Path(p, d.ID), res.Status)
		}
	}
	for _, p := range []string{"/chats/+%d", "/chats/0%d"} {
		if res := c.Get(testkit.Path(p, v.SubscriberID)); res.Status != 404 {
			t.Errorf("GET %s: %d", testkit.Path(p, v.SubscriberID), res.Status)
		}
	}
	if res := c.Post(testkit.Path("/dialogs/0%d/messages", d.ID), url.Values{"text": {"hi"}}); res.Status != 404 {
		t.Errorf("POST to a non-canonical id: %d", res.Status)
	}
}

// TestH6_ConsoleCannotChangeARicherUsersPermissions: in Settings → Users a
// manager holding users.manage gets no form for a colleague who holds a
// permission it lacks, and a form posted anyway is refused and changes
// nothing; a poorer colleague's permissions it changes.
func TestH6_ConsoleCannotChangeARicherUsersPermissions(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		user := func(email string, perms ...string) beseda.User {
			var u beseda.User
			w.Owner.MustDo("POST", "/api/v1/users", map[string]any{"email": email, "name": email, "password": testkit.TestPassword,
				"permissions": perms}, 201, &u)
			return u
		}
		var lead beseda.User
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID),
			map[string]any{"permissions": []string{"users.manage", "reports.view"}}, 200, &lead)
		richer := user("richer@h6.test", "users.manage", "reports.view", "automation.edit")
		poorer := user("poorer@h6.test")
		c := testkit.ConsoleLogin(t, srv.URL, lead.Email, testkit.TestPassword)

		page := string(c.Get("/settings/users").Body)
		if strings.Contains(page, testkit.Path(`action="/settings/users/%d"`, richer.ID)) {
			t.Errorf("the page offers a form for the richer colleague")
		}
		if !strings.Contains(page, testkit.Path(`action="/settings/users/%d"`, poorer.ID)) {
			t.Errorf("the page offers no form for the poorer colleague")
		}
		for _, perms := range [][]string{{"users.manage", "reports.view"}, {"users.manage", "reports.view", "automation.edit"}, nil} {
			res := c.Post(testkit.Path("/settings/users/%d", richer.ID), url.Values{"permissions": perms})
			if res.Status != 303 || !strings.Contains(flashOf(res), "holds permissions you do not hold") {
				t.Errorf("posting %v for the richer colleague: %d %q", perms, res.Status, flashOf(res))
			}
		}
		var after beseda.User
		w.Owner.MustDo("GET", testkit.Path("/api/v1/users/%d", richer.ID), nil, 200, &after)
		if len(after.Permissions) != 3 {
			t.Errorf("a refusal changed the richer colleague: %v", after.Permissions)
		}
		if res := c.Post(testkit.Path("/settings/users/%d", poorer.ID), url.Values{"permissions": {"reports.view"}}); res.Status != 303 || flashOf(res) != "" {
			t.Errorf("the poorer colleague: %d %q", res.Status, flashOf(res))
		}
		w.Owner.MustDo("GET", testkit.Path("/api/v1/users/%d", poorer.ID), nil, 200, &after)
		if len(after.Permissions) != 1 || after.Permissions[0] != beseda.PermReportsView {
			t.Errorf("the poorer colleague's permissions: %v", after.Permissions)
		}
	})
}

// TestP2_ConsoleShowsPlainManagersNoColleagueAccounts: the pages a manager
// without users.manage opens — the chats, a chat with the form to add
// colleagues to a dialog, a dialog — name colleagues but show none of their
// e-mails; Settings → Users and Channels are refused.
func TestP2_ConsoleShowsPlainManagersNoColleagueAccounts(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var owner, manager beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)
		v := w.NewVisitor("Anna")
		v.Say("hello")
		d := w.CreateDialog(v.SubscriberID, "Case", manager.ID)
		c := testkit.ConsoleLogin(t, srv.URL, manager.Email, testkit.TestPassword)
		for _, path := range []string{"/chats", testkit.Path("/chats/%d", v.SubscriberID), testkit.Path("/dialogs/%d", d.ID), "/dialogs"} {
			res := c.Get(path)
			if res.Status != 200 {
				t.Fatalf("%s: %d", path, res.Status)
			}
			if strings.Contains(string(res.Body), owner.Email) {
				t.Errorf("%s shows the owner's e-mail", path)
			}
		}
		if page := string(c.Get(testkit.Path("/dialogs/%d", d.ID)).Body); !strings.Contains(page, owner.Name) {
			t.Errorf("the dialog does not name its creator")
		}
		for _, path := range []string{"/settings/users", "/settings/channels"} {
			if res := c.Get(path); res.Status != 403 {
				t.Errorf("%s: %d", path, res.Status)
			}
		}
	})
}
