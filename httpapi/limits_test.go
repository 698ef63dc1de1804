package httpapi_test

import (
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
)

// atOnce runs n requests at the same moment (as far as goroutines and the
// test's connections allow) and returns their answers.
func atOnce(n int, do func(i int) *testkit.Response) []*testkit.Response {
	out := make([]*testkit.Response, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = do(i)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// tally counts answers by status, and checks that every refusal is 429
// too_many_attempts with a Retry-After within the window.
func tally(t *testing.T, what string, answers []*testkit.Response) map[int]int {
	t.Helper()
	byStatus := map[int]int{}
	for _, res := range answers {
		byStatus[res.Status]++
		if res.Status == 429 {
			ra, err := strconv.Atoi(res.Header.Get("Retry-After"))
			if res.ErrorCode() != beseda.EMANYATTEMPTS || err != nil || ra <= 0 || ra > int(beseda.LoginFailureWindow.Seconds()) {
				t.Errorf("%s: a refusal %s, Retry-After %q", what, res.Body, res.Header.Get("Retry-After"))
			}
		}
	}
	return byStatus
}

// TestH4_ParallelWrongPasswordsStopAtTheLimit: 100 wrong passwords for one
// account at once get at most 10 answers of 401 (each attempt is counted
// before its password is compared); the rest are 429 with Retry-After; the
// right password is then refused too until the window passes; another
// account signs in meanwhile.
func TestH4_ParallelWrongPasswordsStopAtTheLimit(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var owner, manager beseda.User
		w.Owner.MustDo("GET", "/api/v1/me", nil, 200, &owner)
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)
		anon := testkit.NewClient(t, w.Srv.URL)
		answers := atOnce(100, func(int) *testkit.Response { return login(anon, owner.Email, "guess") })
		byStatus := tally(t, "account", answers)
		if byStatus[401] > beseda.LoginFailuresPerAccount || byStatus[401]+byStatus[429] != 100 {
			t.Errorf("100 wrong passwords at once: %v, want at most %d × 401 and the rest 429", byStatus, beseda.LoginFailuresPerAccount)
		}
		anon.WantError("POST", "/api/v1/auth/login", map[string]string{"email": owner.Email, "password": testkit.TestPassword},
			429, beseda.EMANYATTEMPTS)
		if res := login(anon, manager.Email, testkit.TestPassword); res.Status != 200 {
			t.Errorf("another account: %d %s", res.Status, res.Body)
		}
		w.Srv.Clock.Advance(beseda.LoginFailureWindow)
		if res := login(anon, owner.Email, testkit.TestPassword); res.Status != 200 {
			t.Errorf("after the window: %d %s", res.Status, res.Body)
		}
	})
}

// TestH4_ParallelSprayStopsAtTheAddressLimit: 150 wrong sign-ins from one
// address, each for another email, at once get at most 50 answers of 401;
// the rest are 429 with Retry-After, then the address is refused even for a
// right password until the window passes, while another address signs in.
func TestH4_ParallelSprayStopsAtTheAddressLimit(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		srv := testkit.StartServer(t, dbURL, testkit.Options{Configure: func(c *server.Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		}})
		w := testkit.NewWorld(t, srv, beseda.LocaleEN)
		var manager beseda.User
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)
		from := func(addr string) *testkit.Client {
			c := testkit.NewClient(t, srv.URL)
			c.Header.Set("X-Forwarded-For", addr)
			return c
		}
		sprayer := from("203.0.113.7")
		answers := atOnce(150, func(i int) *testkit.Response {
			return login(sprayer, fmt.Sprintf("nobody%d@example.com", i), "guess")
		})
		byStatus := tally(t, "address", answers)
		if byStatus[401] > beseda.LoginFailuresPerAddress || byStatus[401]+byStatus[429] != 150 {
			t.Errorf("150 wrong sign-ins at once: %v, want at most %d × 401 and the rest 429", byStatus, beseda.LoginFailuresPerAddress)
		}
		sprayer.WantError("POST", "/api/v1/auth/login", map[string]string{"email": manager.Email, "password": testkit.TestPassword},
			429, beseda.EMANYATTEMPTS)
		if res := login(from("203.0.113.8"), manager.Email, testkit.TestPassword); res.Status != 200 {
			t.Errorf("another address: %d %s", res.Status, res.Body)
		}
		srv.Clock.Advance(beseda.LoginFailureWindow)
		if res := login(sprayer, manager.Email, testkit.TestPassword); res.Status != 200 {
			t.Errorf("after the window: %d %s", res.Status, res.Body)
		}
	})
}

// TestH4_ParallelWrongCurrentPasswordsStopAtTheLimit: a stolen session
// trying 30 current passwords at once (PATCH /api/v1/me) gets at most 10
// answers of 403; the rest are 429 with Retry-After, and the right current
// password too until the window passes; the password is unchanged.
func TestH4_ParallelWrongCurrentPasswordsStopAtTheLimit(t *testing.T) {
	testkit.Each(t, func(t *testing.T, dbURL string) {
		w := setup(t, dbURL)
		var manager beseda.User
		w.Manager.MustDo("GET", "/api/v1/me", nil, 200, &manager)
		answers := atOnce(30, func(i int) *testkit.Response {
			return w.Manager.Do("PATCH", "/api/v1/me", map[string]any{"password": "taken over!", "current_password": fmt.Sprintf("guess %d", i)})
		})
		byStatus := tally(t, "current_password", answers)
		if byStatus[403] > beseda.LoginFailuresPerAccount || byStatus[403]+byStatus[429] != 30 {
			t.Errorf("30 wrong current passwords at once: %v, want at most %d × 403 and the rest 429", byStatus, beseda.LoginFailuresPerAccount)
		}
		w.Manager.WantError("PATCH", "/api/v1/me", map[string]any{"password": "a new secret", "current_password": testkit.TestPassword},
			429, beseda.EMANYATTEMPTS)
		testkit.NewClient(t, w.Srv.URL).WantError("POST", "/api/v1/auth/login",
			map[string]string{"email": manager.Email, "password": "taken over!"}, 429, beseda.EMANYATTEMPTS)
		w.Srv.Clock.Advance(beseda.LoginFailureWindow)
		w.Manager.MustDo("PATCH", "/api/v1/me", map[string]any{"password": "a new secret", "current_password": testkit.TestPassword}, 200, nil)
		testkit.Login(t, w.Srv.URL, manager.Email, "a new secret")
	})
}
