package web_test

import (
	"testing"

	"github.com/beseda/beseda/internal/testkit"
)

// The browser tests share one Chromium, which closes after them.
func TestMain(m *testing.M) { testkit.Main(m) }
