package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
)

func TestP2_ManagingUsersNeedsPermission(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		newUser := map[string]any{"email": "new@example.com", "name": "New", "password": "long enough"}
		w.Manager.WantError("POST", "/api/v1/users", newUser, 403, beseda.EFORBIDDEN)
		w.Manager.WantError("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID),
			map[string]any{"permissions": []string{"users.manage"}}, 403, beseda.EFORBIDDEN)
		var users []beseda.User
		w.Manager.MustDo("GET", "/api/v1/users", nil, 200, &users)
		if len(users) != 2 {
			t.Errorf("%d users, want 2", len(users))
		}
		// A manager may change their own name and language.
		var me beseda.User
		w.Manager.MustDo("PATCH", "/api/v1/me", map[string]any{"name": "Misha M.", "locale": "ru", "time_zone": "Europe/Moscow"}, 200, &me)
		if me.Name != "Misha M." || me.Locale != "ru" || me.TimeZone != "Europe/Moscow" {
			t.Errorf("me %+v", me)
		}

		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID),
			map[string]any{"permissions": []string{"users.manage", "users.manage"}}, 200, nil)
		var created beseda.User
		w.Manager.MustDo("POST", "/api/v1/users", newUser, 201, &created)
		if created.Role != beseda.RoleManager || created.Email != "new@example.com" {
			t.Errorf("created %+v", created)
		}
		w.Manager.WantError("POST", "/api/v1/users", newUser, 409, beseda.ENAMETAKEN)
		w.Manager.WantError("POST", "/api/v1/users", map[string]any{"email": "o2@example.com", "password": "long enough",
			"role": "owner"}, 403, beseda.EFORBIDDEN)
		testkit.Login(t, w.Srv.URL, "new@example.com", "long enough")

		var meInfo struct {
			ID  int64
			Can []string
		}
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &meInfo)
		if meInfo.ID != w.ManagerID || strings.Join(meInfo.Can, ",") != "users.manage" {
			t.Errorf("me: %+v", meInfo)
		}
	})
}

func TestP2_ChannelsAreManagedByOwnersAndAdmins(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		body := map[string]any{"kind": "telegram", "name": "Bot", "config": map[string]string{
			"bot_token": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", "webhook_secret": "s3cret-token"}}
		w.Manager.WantError("POST", "/api/v1/channels", body, 403, beseda.EFORBIDDEN)
		res := w.Owner.MustDo("POST", "/api/v1/channels", body, 201, nil)
		var ch struct {
			ID         int64
			Kind, Key  string
			WebhookURL string `json:"webhook_url"`
		}
		res.Decode(t, &ch)
		if ch.Kind != "telegram" || !strings.HasSuffix(ch.WebhookURL, "/webhooks/telegram/"+ch.Key) {
			t.Errorf("channel %+v", ch)
		}
		list := w.Manager.MustDo("GET", "/api/v1/channels", nil, 200, nil)
		for _, secret := range []string{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "s3cret-token"} {
			if strings.Contains(string(res.Body), secret) || strings.Contains(string(list.Body), secret) {
				t.Errorf("a secret is returned: %s", list.Body)
			}
		}
		w.Owner.WantError("POST", "/api/v1/channels", map[string]any{"kind": "telegram", "name": "Bot",
			"config": map[string]string{"bot_token": "nope"}}, 400, beseda.EINVALID)
		w.Owner.WantError("POST", "/api/v1/channels", map[string]any{"kind": "web", "name": "Site",
			"config": map[string]string{"secret": "x"}}, 400, beseda.EINVALID)
	})
}

func TestP3_WorkspacesAreIsolated(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		other := testkit.NewWorld(t, w.Srv, beseda.LocaleEN)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Private case")
		var reason beseda.CatalogItem
		w.Owner.MustDo("POST", "/api/v1/settings/dialog-reasons", map[string]string{"name": "Ours"}, 201, &reason)

		for _, req := range []struct{ method, path string }{
			{"GET", testkit.Path("/api/v1/dialogs/%d", d.ID)},
			{"PATCH", testkit.Path("/api/v1/dialogs/%d", d.ID)},
			{"GET", testkit.Path("/api/v1/dialogs/%d/messages", d.ID)},
			{"POST", testkit.Path("/api/v1/dialogs/%d/messages", d.ID)},
			{"GET", testkit.Path("/api/v1/dialogs/%d/events", d.ID)},
			{"GET", testkit.Path("/api/v1/subscribers/%d", v.SubscriberID)},
			{"GET", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)},
			{"POST", testkit.Path("/api/v1/subscribers/%d/messages", v.SubscriberID)},
			{"GET", testkit.Path("/api/v1/users/%d", w.OwnerID)},
			{"PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID)},
			{"PATCH", testkit.Path("/api/v1/settings/dialog-reasons/%d", reason.ID)},
			{"DELETE", testkit.Path("/api/v1/settings/dialog-reasons/%d", reason.ID)},
			{"DELETE", testkit.Path("/api/v1/settings/dialog-types/%d", w.Types[0].ID)},
		} {
			var body any
			switch req.method {
			case "POST":
				body = map[string]string{"text": "hi"}
			case "PATCH":
				body = map[string]string{"name": "x"}
				if strings.Contains(req.path, "dialogs") {
					body = map[string]string{"title": "stolen"}
				}
			}
			other.Owner.WantError(req.method, req.path, body, http.StatusNotFound, beseda.ENOTFOUND)
		}
		other.Owner.WantError("POST", "/api/v1/dialogs", map[string]any{"subscriber_id": v.SubscriberID, "title": "x",
			"type_id": other.Types[0].ID}, 404, beseda.ENOTFOUND)
		for _, path := range []string{"/api/v1/dialogs", "/api/v1/subscribers", "/api/v1/settings/dialog-reasons"} {
			res := other.Owner.MustDo("GET", path, nil, 200, nil)
			if string(res.Body) != "[]\n" {
				t.Errorf("%s leaks: %s", path, res.Body)
			}
		}
		var got beseda.Dialog
		w.Owner.MustDo("GET", testkit.Path("/api/v1/dialogs/%d", d.ID), nil, 200, &got)
		if got.Title != "Private case" {
			t.Errorf("the other workspace changed the dialog: %q", got.Title)
		}
	})
}

func TestAuth(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		anon := testkit.NewClient(t, w.Srv.URL)
		anon.WantError("GET", "/api/v1/dialogs", nil, 401, beseda.EUNAUTHORIZED)
		anon.Token = "forged"
		anon.WantError("GET", "/api/v1/dialogs", nil, 401, beseda.EUNAUTHORIZED)
		anon.Token = ""
		anon.WantError("POST", "/api/v1/auth/login", map[string]string{"email": "nobody@example.com", "password": "x"}, 401, beseda.EUNAUTHORIZED)
		var me beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &me)
		anon.WantError("POST", "/api/v1/auth/login", map[string]string{"email": me.Email, "password": "wrong"}, 401, beseda.EUNAUTHORIZED)
		// Emails are matched in any case.
		c := testkit.Login(t, w.Srv.URL, strings.ToUpper(me.Email), testkit.TestPassword)
		c.MustDo("POST", "/api/v1/auth/logout", nil, 204, nil)
		c.WantError("GET", "/api/v1/me", nil, 401, beseda.EUNAUTHORIZED)
	})
}

func TestBadRequestsGetClearErrors(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		v := w.NewVisitor("Anna")
		d := w.CreateDialog(v.SubscriberID, "Case")
		path := testkit.Path("/api/v1/dialogs/%d", d.ID)
		huge := `{"title":"` + strings.Repeat("x", 1<<20) + `"}`
		w.Owner.WantError("PATCH", path, huge, 413, beseda.ETOOLARGE)
		w.Owner.WantError("PATCH", path, `{"title":`, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, `{"title": "a"} {"title": "b"}`, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, `not json`, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, `[]`, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, ``, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, `{"status": 1}`, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, `{"reason_ids": "1"}`, 400, beseda.EINVALID)
		w.Owner.WantError("PATCH", path, `{"colour": "red"}`, 400, beseda.EINVALID)
		w.Owner.WantError("GET", "/api/v1/dialogs/abc", nil, 404, beseda.ENOTFOUND)
		w.Owner.WantError("GET", "/api/v1/dialogs/0", nil, 404, beseda.ENOTFOUND)
		w.Owner.WantError("GET", "/api/v1/nothing-here", nil, 404, beseda.ENOTFOUND)
		var got beseda.Dialog
		w.Owner.MustDo("GET", path, nil, 200, &got)
		if got.Title != "Case" || got.Status != beseda.DialogActive {
			t.Errorf("bad requests changed the dialog: %+v", got)
		}
		res := w.Owner.Do("GET", "/healthz", nil)
		if res.Status != 200 {
			t.Errorf("healthz: %d %s", res.Status, res.Body)
		}
	})
}

// keysOf lists the keys of each JSON object of a list.
func keysOf(t *testing.T, res *testkit.Response) []map[string]any {
	t.Helper()
	var list []map[string]any
	res.Decode(t, &list)
	return list
}

// TestP2_PlainManagerSeesColleaguesIDsAndNamesOnly: a manager without
// users.manage gets colleagues' ids and names (to add them to dialogs), and
// their availability and capacity (to assign chats, A3, A5) — not their
// e-mails, roles or permissions — from the list and one by one;
// its own account in full. With users.manage (or as an owner) every field.
func TestP2_PlainManagerSeesColleaguesIDsAndNamesOnly(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var owner beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		check := func(who string, c *testkit.Client, full bool) {
			t.Helper()
			res := c.MustDo("GET", "/api/v1/users", nil, 200, nil)
			list := keysOf(t, res)
			if len(list) != 2 {
				t.Fatalf("%s: %d users", who, len(list))
			}
			for _, u := range list {
				self := int64(u["id"].(float64)) == w.ManagerID
				_, hasEmail := u["email"]
				_, hasRole := u["role"]
				_, hasPerms := u["permissions"]
				if want := full || self; hasEmail != want || hasRole != want || hasPerms != want {
					t.Errorf("%s sees %v (want the account: %v)", who, u, want)
				}
				if !full && !self && len(u) != 4 {
					t.Errorf("%s sees more than id, name, availability and capacity of a colleague: %v", who, u)
				}
			}
			if !full && strings.Contains(string(res.Body), owner.Email) {
				t.Errorf("%s sees the owner's e-mail: %s", who, res.Body)
			}
			one := c.MustDo("GET", testkit.Path("/api/v1/users/%d", owner.ID), nil, 200, nil)
			if strings.Contains(string(one.Body), owner.Email) != full || !strings.Contains(string(one.Body), owner.Name) {
				t.Errorf("%s: the owner one by one: %s", who, one.Body)
			}
		}
		check("a plain manager", w.Manager, false)
		check("the owner", w.Owner, true)
		w.Owner.MustDo("PATCH", testkit.Path("/api/v1/users/%d", w.ManagerID), map[string]any{"permissions": []string{"users.manage"}}, 200, nil)
		check("a manager holding users.manage", w.Manager, true)
	})
}

// TestP2_PlainManagerSeesNoChannelSetup: every manager lists the channels'
// ids, kinds, names, states and the web chat's public address; keys,
// webhook URLs, verify tokens and the names of the secrets set only owners
// and admins; secrets nobody.
func TestP2_PlainManagerSeesNoChannelSetup(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		tg := w.AddChannel("telegram", "Bot", map[string]string{"bot_token": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", "webhook_secret": "s3cret-token"})
		var fb struct {
			Key    string
			Config map[string]string
		}
		w.Owner.MustDo("POST", "/api/v1/channels", map[string]any{"kind": "messenger", "name": "Page",
			"config": map[string]string{"page_id": "42", "page_access_token": "page-token", "app_secret": "app-secret"}}, 201, &fb)
		verify := fb.Config["verify_token"]
		if verify == "" {
			t.Fatalf("no verify token made: %+v", fb)
		}
		res := w.Manager.MustDo("GET", "/api/v1/channels", nil, 200, nil)
		for _, secret := range []string{tg.Key, fb.Key, "/webhooks/", verify, "s3cret-token", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "page-token", "app-secret", "secrets_set"} {
			if strings.Contains(string(res.Body), secret) {
				t.Errorf("a plain manager sees %q: %s", secret, res.Body)
			}
		}
		list := keysOf(t, res)
		if len(list) != 3 {
			t.Fatalf("%d channels", len(list))
		}
		for _, ch := range list {
			for _, k := range []string{"id", "kind", "name", "title", "enabled", "created_at"} {
				if _, ok := ch[k]; !ok {
					t.Errorf("a plain manager does not see %s: %v", k, ch)
				}
			}
			if _, ok := ch["widget_url"]; ok != (ch["kind"] == "web") {
				t.Errorf("widget_url: %v", ch)
			}
		}
		full := w.Owner.MustDo("GET", "/api/v1/channels", nil, 200, nil)
		for _, want := range []string{tg.Key, fb.Key, verify, "secrets_set", "webhook_url"} {
			if !strings.Contains(string(full.Body), want) {
				t.Errorf("the owner does not see %q: %s", want, full.Body)
			}
		}
		for _, secret := range []string{"s3cret-token", "page-token", "app-secret"} {
			if strings.Contains(string(full.Body), secret) {
				t.Errorf("the owner sees the secret %q", secret)
			}
		}
	})
}
