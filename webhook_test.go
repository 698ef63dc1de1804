package beseda_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/beseda/beseda"
)

func TestWebhookAddressRule_PublicOnly(t *testing.T) {
	for addr, public := range map[string]bool{
		"93.184.215.14": true, "8.8.8.8": true, "2606:4700::1111": true, "::ffff:8.8.8.8": true,
		"64:ff9b::808:808": true, "2002:808:808::1": true,
		"127.0.0.1": false, "127.8.9.10": false, "10.0.0.1": false, "172.16.5.4": false, "172.31.255.255": false,
		"192.168.0.1": false, "169.254.169.254": false, "0.0.0.0": false, "0.1.2.3": false, "100.64.0.1": false,
		"192.0.2.1": false, "198.18.0.1": false, "224.0.0.1": false, "255.255.255.255": false, "240.0.0.1": false,
		"::1": false, "::": false, "fe80::1": false, "fc00::1": false, "fd12:3456::1": false, "ff02::1": false,
		"::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "::ffff:169.254.169.254": false,
		"64:ff9b::a00:1": false, "2002:a00:1::1": false, "::127.0.0.1": false, "2001:db8::1": false,
	} {
		if got := beseda.IsPublicAddress(netip.MustParseAddr(addr)); got != public {
			t.Errorf("%s: public=%v, want %v", addr, got, public)
		}
	}
	if beseda.IsPublicAddress(netip.Addr{}) {
		t.Errorf("the zero address is public")
	}
	for host, local := range map[string]bool{"localhost": true, "LOCALHOST.": true, "api.localhost": true, "localhost.example.com": false} {
		if beseda.IsLocalHostName(host) != local {
			t.Errorf("%s: local=%v", host, !local)
		}
	}
}

func TestWebhookRetries_FirstWithin10sThenGrowingForADay(t *testing.T) {
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now, n := created, 0
	var waits []time.Duration
	for {
		n++ // the n-th attempt, at now, fails
		next, giveUp := beseda.NextAfterFailure(created, n, now)
		if giveUp {
			break
		}
		waits = append(waits, next.Sub(now))
		now = next
		if n > 100 {
			t.Fatal("never gives up")
		}
	}
	if waits[0] <= 0 || waits[0] > 10*time.Second {
		t.Errorf("first retry after %v, want within 10 s", waits[0])
	}
	for i := 1; i < len(waits)-1; i++ {
		if waits[i] < waits[i-1] {
			t.Errorf("wait %d (%v) shorter than the one before (%v)", i+1, waits[i], waits[i-1])
		}
	}
	if last := now.Sub(created); last < 24*time.Hour || last > 25*time.Hour {
		t.Errorf("last attempt %v after the event, want at 24 h", last)
	}
	if n < 8 || n > 20 {
		t.Errorf("%d attempts in a day", n)
	}
}

func TestWebhookSignature_HMACSHA256OfTheBody(t *testing.T) {
	// RFC 4231 test case 2.
	got := beseda.SignWebhook([]byte("Jefe"), []byte("what do ya want for nothing?"))
	if want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"; got != want {
		t.Errorf("%s, want %s", got, want)
	}
}

func TestWebhookCreate_Validate(t *testing.T) {
	in := beseda.WebhookCreate{URL: " https://example.com/hook#x ", Secret: "s",
		Events: []beseda.WebhookEventType{beseda.WebhookDialogClientRated, beseda.WebhookMessageReceived, beseda.WebhookMessageReceived}}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if in.URL != "https://example.com/hook" || len(in.Events) != 2 || in.Events[0] != beseda.WebhookMessageReceived {
		t.Errorf("normalised to %+v", in)
	}
	for _, url := range []string{"", "example.com", "ftp://example.com", "https://", "https://u:p@example.com/", "mailto:a@b.c"} {
		in := beseda.WebhookCreate{URL: url, Secret: "s", Events: beseda.WebhookEventTypes}
		if err := in.Validate(); beseda.ErrorCode(err) != beseda.EINVALID {
			t.Errorf("%q: %v", url, err)
		}
	}
}
