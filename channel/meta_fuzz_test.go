package channel_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel"
)

// Meta's platforms verify their webhooks with
// channel.VerifyHubSignature and channel.HubChallenge, which are fuzzed here.

// FuzzMetaVerify: a body is let in exactly when its X-Hub-Signature-256 is
// the HMAC of those very bytes with the channel's app secret; the signature
// of a body never lets another body in.
func FuzzMetaVerify(f *testing.F) {
	f.Add("app-secret", []byte(`{"object":"page"}`), "", uint(0), byte(0))
	f.Add("app-secret", []byte(`{"object":"page"}`), "sha256=00", uint(3), byte('x'))
	f.Add("", []byte(nil), "sha256=", uint(0), byte(1))
	f.Add("s", []byte(`x`), "SHA256=ab", uint(9), byte(0xff))
	f.Fuzz(func(t *testing.T, secret string, body []byte, sig string, at uint, b byte) {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		sum := mac.Sum(nil)
		good := "sha256=" + hex.EncodeToString(sum)
		other := append([]byte(nil), body...)
		if len(other) == 0 {
			other = append(other, b)
		} else {
			other[at%uint(len(other))] ^= b | 1 // always a change
		}
		verify := func(sig string, body []byte) error {
			h := http.Header{}
			h.Set("X-Hub-Signature-256", sig)
			err := channel.VerifyHubSignature(h, body, secret)
			if err != nil && beseda.ErrorCode(err) != beseda.EFORBIDDEN {
				t.Fatalf("Verify failed with %s", beseda.ErrorCode(err))
			}
			return err
		}
		if err := verify(good, body); (err == nil) != (secret != "") {
			t.Errorf("the body's own signature (secret %q): %v", secret, err)
		}
		if verify(good, other) == nil {
			t.Errorf("the signature of %q let %q in", body, other)
		}
		hexSig, ok := strings.CutPrefix(sig, "sha256=")
		got, err := hex.DecodeString(hexSig)
		want := ok && err == nil && secret != "" && hmac.Equal(got, sum)
		if (verify(sig, body) == nil) != want {
			t.Errorf("signature %q for %q with secret %q: let in %v", sig, body, secret, !want)
		}
	})
}

// FuzzMetaChallenge: the subscription check echoes hub.challenge exactly
// when hub.mode is subscribe and hub.verify_token is the channel's.
func FuzzMetaChallenge(f *testing.F) {
	f.Add("verify-me", "subscribe", "verify-me", "1158201444")
	f.Add("verify-me", "subscribe", "verify-mE", "x")
	f.Add("", "subscribe", "", "x")
	f.Add("v", "unsubscribe", "v", "\xff<script>")
	f.Fuzz(func(t *testing.T, verifyToken, mode, token, challenge string) {
		query := map[string][]string{"hub.mode": {mode}, "hub.verify_token": {token}, "hub.challenge": {challenge}}
		got, err := channel.HubChallenge(query, verifyToken)
		if want := mode == "subscribe" && token != "" && token == verifyToken; want != (err == nil) {
			t.Fatalf("mode %q, token %q for %q: %v", mode, token, verifyToken, err)
		}
		if err != nil && beseda.ErrorCode(err) != beseda.EFORBIDDEN {
			t.Fatalf("Challenge failed with %s", beseda.ErrorCode(err))
		}
		if err == nil && got != challenge {
			t.Fatalf("echoed %q, want %q", got, challenge)
		}
	})
}
