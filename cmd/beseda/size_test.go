package main

import "testing"

// TestCLI_MaxUploadSizeForms: --max-upload-size takes bytes or a number with
// a binary unit, and nothing that is not a positive size.
func TestCLI_MaxUploadSizeForms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"20MiB": 20 << 20, "500KiB": 500 << 10, "1048576": 1 << 20, "2GB": 2 << 30,
		"50 MB": 50 << 20, "64k": 64 << 10, "100B": 100} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5MiB", "MiB", "1.5MiB", "lots", "9999999GiB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}
