package server_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
)

// TestChannelConfigValidation: each registered type checks its own settings
// (the registry, not a switch on the kind).
func TestChannelConfigValidation(t *testing.T) {
	t.Parallel()
	channels := server.Channels()
	token := "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for _, tc := range []struct {
		name string
		kind beseda.ChannelKind
		cfg  beseda.ChannelConfig
		ok   bool
	}{
		{"web", "web", nil, true},
		{"web with config", "web", beseda.ChannelConfig{"bot_token": token}, false},
		{"telegram", "telegram", beseda.ChannelConfig{"bot_token": token, "webhook_secret": "s3cret"}, true},
		{"telegram bad token", "telegram", beseda.ChannelConfig{"bot_token": "x", "webhook_secret": "s"}, false},
		{"telegram bad secret", "telegram", beseda.ChannelConfig{"bot_token": token, "webhook_secret": "a b"}, false},
		{"telegram bad base", "telegram", beseda.ChannelConfig{"bot_token": token, "webhook_secret": "s", "api_base_url": "ftp://x"}, false},
		{"telegram with a page", "telegram", beseda.ChannelConfig{"bot_token": token, "webhook_secret": "s", "page_id": "1"}, false},
		{"messenger", "messenger", beseda.ChannelConfig{"page_id": "1", "page_access_token": "t", "app_secret": "a", "verify_token": "v"}, true},
		{"messenger missing secret", "messenger", beseda.ChannelConfig{"page_id": "1", "page_access_token": "t", "verify_token": "v"}, false},
		{"messenger blank secret", "messenger", beseda.ChannelConfig{"page_id": "1", "page_access_token": "t", "app_secret": " ", "verify_token": "v"}, false},
	} {
		cfg, err := beseda.CheckConfig(channels.Of(tc.kind), tc.cfg)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err == nil && tc.cfg["api_base_url"] != "" && cfg["api_base_url"] != tc.cfg["api_base_url"] {
			t.Errorf("%s: base URL %q", tc.name, cfg["api_base_url"])
		}
	}
	if err := channels.CheckKind("icq"); beseda.ErrorCode(err) != beseda.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := beseda.CheckChannelName(" "); err == nil {
		t.Error("a blank name is taken")
	}
}
