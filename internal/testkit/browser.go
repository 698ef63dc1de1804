package testkit

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Browser starts headless Chromium (Debian's chromium package) for the test
// and returns a context for chromedp actions in a fresh tab. The test fails if
// Chromium is missing: the README's test command installs it. Set
// BESEDA_SKIP_BROWSER=1 to skip browser tests instead.
func Browser(tb testing.TB) context.Context {
	tb.Helper()
	path := os.Getenv("BESEDA_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if os.Getenv("BESEDA_SKIP_BROWSER") == "1" {
			tb.Skip("BESEDA_SKIP_BROWSER=1")
		}
		tb.Fatal("chromium is not installed; run the README's test command (it installs Debian's chromium) or set BESEDA_SKIP_BROWSER=1")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	tb.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Language makes the tab's browser speak lang (e.g. "ru", "de"): its
// Accept-Language header and navigator.language, as a browser set up in
// that language would.
func Language(lang string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ua, err := chromedp.Evaluate[string](`navigator.userAgent`)(ctx, t)
		if err != nil {
			return err
		}
		_, err = cdp.Call(ctx, t, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: lang})
		return err
	})
}

// Overflow is what a page shows wider than the viewport: the document's
// scroll width against the viewport's, and the widest offenders (elements
// sticking out to the right), to say what to fix.
type Overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	Viewport    int      `json:"viewport"`
	Offenders   []string `json:"offenders"`
}

// MeasureOverflow measures the page in the tab for horizontal scrolling.
func MeasureOverflow() chromedp.Action[Overflow] {
	return chromedp.Evaluate[Overflow](`(function(){
		var vw = document.documentElement.clientWidth, out = [];
		document.querySelectorAll("body *").forEach(function (e) {
			var r = e.getBoundingClientRect();
			if (r.right > vw + 1 && r.width > 0 && out.length < 5) {
				out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + String(e.className).trim().split(/\s+/).join(".") : "") + " right=" + Math.round(r.right));
			}
		});
		return {scrollWidth: document.scrollingElement.scrollWidth, viewport: vw, offenders: out};
	})()`)
}

// TruncatedLabels lists the elements matching selector whose text does not
// fit their box (scrollWidth > clientWidth): labels cut short.
func TruncatedLabels(selector string) chromedp.Action[[]string] {
	return chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(` + "`" + selector + "`" + `))
		.filter(function (e) { return e.offsetParent !== null && !e.closest(".visually-hidden") && e.scrollWidth > e.clientWidth + 1; })
		.map(function (e) { return (e.value || e.textContent).trim() + " (" + e.scrollWidth + ">" + e.clientWidth + ")"; })`)
}

// Press presses one key in the focused element as a person does: a single
// keyDown carrying its text, so that a page cancelling the keydown also
// cancels what the key would type (chromedp's SendKeys sends a separate char
// event, which no page can cancel). key is "Enter", "Tab", "Escape",
// "ArrowDown" or "ArrowUp".
func Press(key string) chromedp.Action[chromedp.Void] {
	codes := map[string]struct {
		code int64
		text string
	}{"Enter": {13, "\r"}, "Tab": {9, ""}, "Escape": {27, ""}, "ArrowDown": {40, ""}, "ArrowUp": {38, ""}}
	c := codes[key]
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: key, Code: key, WindowsVirtualKeyCode: c.code,
			NativeVirtualKeyCode: c.code, Text: c.text, UnmodifiedText: c.text}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := down
		up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, up)
		return err
	})
}
