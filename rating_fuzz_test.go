package beseda_test

import (
	"testing"

	"github.com/beseda/beseda"
)

// FuzzRatingPayload checks the signed rating buttons (R3) against any
// secret, dialog, client, value and alteration:
//   - a payload made for a client verifies for that client, giving back its
//     dialog and value (when the value is a rating at all), and fits
//     Telegram's callback_data;
//   - it verifies for no other client, and no alteration of it verifies;
//   - any payload that verifies is exactly the one the server would sign
//     for what it claims, so that nothing but the server's own buttons counts.
func FuzzRatingPayload(f *testing.F) {
	f.Add([]byte("secret"), int64(5), int64(7), 3, uint(0), byte('x'), "r1.5.3.AAAA")
	f.Add([]byte{}, int64(-1), int64(0), 0, uint(4), byte(1), "r1..")
	f.Add([]byte("k"), int64(9223372036854775807), int64(-9223372036854775808), 2, uint(63), byte('.'), "r1.+5.2.x")
	f.Add([]byte("k"), int64(1), int64(1), 4, uint(1), byte(0), "")
	f.Fuzz(func(t *testing.T, secret []byte, dialogID, subscriberID int64, value int, at uint, b byte, other string) {
		p := beseda.RatingPayload(secret, dialogID, subscriberID, value)
		if !beseda.IsRatingPayload(p) || len(p) > beseda.MaxPayloadBytes {
			t.Fatalf("payload %q: not a rating payload, or longer than %d bytes", p, beseda.MaxPayloadBytes)
		}
		d, v, ok := beseda.ParseRatingPayload(secret, p, subscriberID)
		if valid := beseda.CheckRating(value) == nil; ok != valid || ok && (d != dialogID || v != value) {
			t.Fatalf("payload %q of dialog %d value %d: got %d %d %v", p, dialogID, value, d, v, ok)
		}
		if _, _, ok := beseda.ParseRatingPayload(secret, p, subscriberID^int64(b|1)); ok {
			t.Fatalf("payload %q of client %d verified for client %d", p, subscriberID, subscriberID^int64(b|1))
		}
		altered := []byte(p)
		altered[at%uint(len(altered))] ^= b | 1
		for _, q := range []string{string(altered), p[:at%uint(len(p))], p + string(b), p[1:]} {
			if _, _, ok := beseda.ParseRatingPayload(secret, q, subscriberID); ok {
				t.Fatalf("altered payload %q (of %q) verified", q, p)
			}
		}
		if d, v, ok := beseda.ParseRatingPayload(secret, other, subscriberID); ok && other != beseda.RatingPayload(secret, d, subscriberID, v) {
			t.Fatalf("%q verified as dialog %d value %d but is not the server's payload for them", other, d, v)
		}
	})
}
