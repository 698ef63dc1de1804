package main

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Set when linking, by scripts/build-release (which `make build` and the
// Dockerfile run): -ldflags "-X main.version=… -X main.commit=… -X
// main.buildDate=… -X main.modified=true". A plain `go build` leaves them
// empty, and the Go toolchain's own record of the checkout (vcs.revision,
// vcs.time, vcs.modified) stands in.
var (
	version   string
	commit    string
	buildDate string
	modified  string
)

// build is what a binary knows of where it came from.
type build struct {
	Version  string // a release tag, git describe's name, or "(devel)"
	Commit   string // the full revision, "" when not recorded
	Date     string // RFC 3339: the build's time (link flags) or the commit's (VCS stamp)
	Built    bool   // Date is the build's time, not the commit's
	Modified bool   // built from a checkout with changes not committed
	Go       string
}

// buildOf reads the link-time values, falling back to the toolchain's VCS
// stamp for what they leave out.
func buildOf(info *debug.BuildInfo, ok bool) build {
	b := build{Version: version, Commit: commit, Date: buildDate, Built: buildDate != "",
		Modified: modified == "true", Go: runtime.Version()}
	if !ok {
		info = &debug.BuildInfo{}
	}
	if info.GoVersion != "" {
		b.Go = info.GoVersion
	}
	stamped := commit != ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		case "vcs.modified":
			if !stamped {
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" {
		b.Version = info.Main.Version
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	return b
}

// String is what --version prints, e.g. "beseda v1.4.0, commit 0a5c6e3…,
// built 2026-11-02T10:00:00Z, go1.26.1 linux/amd64".
func (b build) String() string {
	parts := []string{"beseda " + b.Version}
	switch {
	case b.Commit == "":
		parts = append(parts, "commit unknown (built without version control information, as go run does; scripts/build-release records it)")
	case b.Modified:
		parts = append(parts, "commit "+b.Commit+" with local changes")
	default:
		parts = append(parts, "commit "+b.Commit)
	}
	switch {
	case b.Date == "":
	case b.Built:
		parts = append(parts, "built "+b.Date)
	default:
		parts = append(parts, "committed "+b.Date)
	}
	return strings.Join(append(parts, b.Go+" "+runtime.GOOS+"/"+runtime.GOARCH), ", ")
}

func versionString() string { return buildOf(debug.ReadBuildInfo()).String() }
