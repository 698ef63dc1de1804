package beseda

import (
	"reflect"
	"testing"
)

// TestAuditChanges_BeforeAfterWithSecretsHidden: an audit entry records
// what changed and only that; a secret shows that it changed, never its
// value; a new thing's empty fields are not "changes".
func TestAuditChanges_BeforeAfterWithSecretsHidden(t *testing.T) {
	type config struct {
		Token string `json:"access_token"`
		Page  string `json:"page_id"`
	}
	type channel struct {
		Name    string  `json:"name"`
		TypeID  *int64  `json:"type_id"`
		Enabled bool    `json:"enabled"`
		Config  config  `json:"config"`
		Note    *string `json:"note"`
	}
	created := AuditChanges(nil, channel{Name: "Shop", Enabled: true, Config: config{Token: "s3cret", Page: "42"}})
	want := map[string]map[string]any{
		"name":                {"before": nil, "after": "Shop"},
		"enabled":             {"before": nil, "after": true},
		"config.access_token": {"before": nil, "after": Redacted},
		"config.page_id":      {"before": nil, "after": "42"},
	}
	if !reflect.DeepEqual(created, toAny(want)) {
		t.Errorf("created: %v, want %v", created, want)
	}
	changed := AuditChanges(channel{Name: "Shop", Enabled: true, Config: config{Token: "old", Page: "42"}},
		channel{Name: "Shop", Enabled: false, Config: config{Token: "new", Page: "42"}})
	want = map[string]map[string]any{
		"enabled":             {"before": true, "after": false},
		"config.access_token": {"before": Redacted, "after": Redacted},
	}
	if !reflect.DeepEqual(changed, toAny(want)) {
		t.Errorf("changed: %v, want %v", changed, want)
	}
}

func toAny(m map[string]map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
