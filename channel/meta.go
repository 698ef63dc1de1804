package channel

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/beseda/beseda"
)

// Meta's platforms share how their webhooks are checked and how the Graph API
// reports errors; their channel packages use these.

// VerifyHubSignature checks X-Hub-Signature-256: "sha256=" and the hex
// HMAC-SHA256 of the raw body with the app secret, compared in constant
// time. Returns EFORBIDDEN.
func VerifyHubSignature(header beseda.Header, body []byte, appSecret string) error {
	got, ok := strings.CutPrefix(header.Get("X-Hub-Signature-256"), "sha256=")
	sig, err := hex.DecodeString(got)
	if !ok || err != nil || appSecret == "" {
		return beseda.Errorf(beseda.EFORBIDDEN, "missing or wrong X-Hub-Signature-256")
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return beseda.Errorf(beseda.EFORBIDDEN, "missing or wrong X-Hub-Signature-256")
	}
	return nil
}

// HubChallenge answers Meta's subscription check: hub.challenge comes back
// when hub.mode is subscribe and hub.verify_token is the channel's. Returns
// EFORBIDDEN.
func HubChallenge(query map[string][]string, verifyToken string) (string, error) {
	get := func(k string) string {
		if v := query[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	token := get("hub.verify_token")
	if get("hub.mode") != "subscribe" || token == "" || verifyToken == "" ||
		subtle.ConstantTimeCompare([]byte(token), []byte(verifyToken)) != 1 {
		return "", beseda.Errorf(beseda.EFORBIDDEN, "wrong hub.mode or hub.verify_token")
	}
	return get("hub.challenge"), nil
}

// GraphError is the Graph API's error body.
type GraphError struct {
	Error struct {
		Message      string `json:"message"`
		Type         string `json:"type"`
		Code         int    `json:"code"`
		ErrorSubcode int    `json:"error_subcode"`
	} `json:"error"`
}

// ParseGraphError reads a Graph API error body; false if it is none.
func ParseGraphError(raw []byte) (*GraphError, bool) {
	var ge GraphError
	if json.Unmarshal(raw, &ge) != nil || ge.Error.Code == 0 {
		return nil, false
	}
	return &ge, true
}
