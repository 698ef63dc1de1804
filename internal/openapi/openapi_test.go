package openapi_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda/internal/openapi"
)

type color string

type inner struct {
	Name string `json:"name"`
}

type sample struct {
	inner
	ID       int64      `json:"id"`
	Color    color      `json:"color"`
	At       time.Time  `json:"at"`
	Done     *time.Time `json:"done"`
	Tags     []string   `json:"tags"`
	Note     string     `json:"note,omitempty"`
	Internal int        `json:"-"`
	Child    *inner     `json:"child"`
}

var _ = openapi.Describe(color(""), openapi.TypeDoc{Enum: []string{"red", "green"}})

var _ = openapi.Add(openapi.Op{Route: "POST /test/samples", Summary: "a sample", Body: sample{}, Status: 201, Response: sample{}})

// TestValidate_CatchesDrift: the checks the API test relies on do fail
// when an answer strays from its type's schema.
func TestValidate_CatchesDrift(t *testing.T) {
	raw, _ := json.Marshal(openapi.Document())
	var doc map[string]any
	json.Unmarshal(raw, &doc)
	op := doc["paths"].(map[string]any)["/test/samples"].(map[string]any)["post"].(map[string]any)
	schema := op["responses"].(map[string]any)["201"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
	good := `{"name":"n","id":1,"color":"red","at":"2026-03-02T09:00:00Z","done":null,"tags":null,"child":{"name":"c"}}`
	if p := openapi.Validate(doc, schema, []byte(good)); len(p) != 0 {
		t.Fatalf("a good value fails: %v", p)
	}
	for bad, want := range map[string]string{
		strings.Replace(good, `"id":1,`, ``, 1):                                        `lacks "id"`,
		strings.Replace(good, `"id":1`, `"id":1.5`, 1):                                 "want integer",
		strings.Replace(good, `"red"`, `"blue"`, 1):                                    "not one of",
		strings.Replace(good, `"2026-03-02T09:00:00Z"`, `"yesterday"`, 1):              "RFC 3339",
		strings.Replace(good, `"done":null`, `"done":5`, 1):                            "want string or null",
		strings.Replace(good, `"tags":null`, `"tags":[1]`, 1):                          "$.tags[0]",
		strings.Replace(good, `"child":{"name":"c"}`, `"child":{"name":"c","x":1}`, 1): `"x"`,
		strings.Replace(good, `"id":1`, `"id":1,"extra":true`, 1):                      `"extra"`,
	} {
		p := openapi.Validate(doc, schema, []byte(bad))
		if !strings.Contains(strings.Join(p, "; "), want) {
			t.Errorf("%s: problems %v, want one with %q", bad, p, want)
		}
	}
	// A request names no required field, and takes the note.
	body := op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
	if p := openapi.Validate(doc, body, []byte(`{"id":2,"note":"n"}`)); len(p) != 0 {
		t.Errorf("a partial request fails: %v", p)
	}
}

func TestOperationID(t *testing.T) {
	if got := openapi.OperationID("PATCH /api/v1/dialogs/{id}"); got != "patchApiV1DialogsId" {
		t.Errorf("got %s", got)
	}
}

func TestReferencePage(t *testing.T) {
	rec := httptest.NewRecorder()
	openapi.ServePage(rec, httptest.NewRequest("GET", "/api/docs", nil))
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "/test/samples") || !strings.Contains(body, `id="schema-Sample"`) ||
		strings.Contains(body, "<script") || strings.Contains(body, "style=") {
		t.Errorf("%d:\n%s", rec.Code, body)
	}
}
