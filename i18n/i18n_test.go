package i18n_test

import (
	"testing"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/i18n"
)

func TestRussianPluralsFollowCLDR(t *testing.T) {
	ru := i18n.For(beseda.LocaleRU)
	for n, want := range map[int]string{1: "1 диалог", 2: "2 диалога", 5: "5 диалогов", 11: "11 диалогов",
		21: "21 диалог", 22: "22 диалога", 25: "25 диалогов", 101: "101 диалог"} {
		if got := ru.T("dialogs.count", n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
	en := i18n.For(beseda.LocaleEN)
	if got := en.T("dialogs.count", 1); got != "1 dialog" {
		t.Errorf("en 1: %q", got)
	}
	if got := en.T("dialogs.count", 3); got != "3 dialogs" {
		t.Errorf("en 3: %q", got)
	}
	if got := ru.T("task.starts_in_minutes", "Вопрос", 5); got != "Задача «Вопрос» начнётся через 5 минут" {
		t.Errorf("ru task: %q", got)
	}
	if got := en.T("task.starts_in_minutes", "Refund", 1); got != "Task “Refund” starts in 1 minute" {
		t.Errorf("en task: %q", got)
	}
}
