package testkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The browser tests of a test binary share one headless Chromium (Debian's
// chromium package), started by the first test that asks for a browser and
// closed when the binary's tests are done (Main). Each Browser is a tab in a
// browser context of its own: its cookies, storage and cache are apart from
// every other tab's, as in a separate browser, without the second or so a
// new Chromium costs.
var chromium struct {
	mu      sync.Mutex
	ctx     context.Context // the browser's first tab, which holds it
	cancel  func()
	err     error
	started bool
	main    bool // Main runs the tests and closes the browser after them
}

// Main runs the tests of a package that uses Browser, then closes the
// browser they shared. Such a package has
//
//	func TestMain(m *testing.M) { testkit.Main(m) }
func Main(m *testing.M) {
	chromium.mu.Lock()
	chromium.main = true
	chromium.mu.Unlock()
	code := m.Run()
	closeChromium()
	os.Exit(code)
}

func closeChromium() {
	chromium.mu.Lock()
	defer chromium.mu.Unlock()
	if chromium.ctx == nil {
		return
	}
	ctx, cancel := context.WithTimeout(chromium.ctx, 10*time.Second)
	chromedp.Cancel(ctx) // a graceful close, then the process is killed
	cancel()
	chromium.cancel()
	chromium.ctx = nil
}

// chromiumPath finds the browser: BESEDA_CHROMIUM, else on the PATH.
func chromiumPath() string {
	if p := os.Getenv("BESEDA_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// sharedChromium returns the context of the running browser, starting it
// the first time.
func sharedChromium(tb testing.TB) context.Context {
	tb.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("BESEDA_SKIP_BROWSER") == "1" {
			tb.Skip("BESEDA_SKIP_BROWSER=1")
		}
		tb.Fatal("chromium is not installed; run the README's test command (it installs Debian's chromium) or set BESEDA_SKIP_BROWSER=1")
	}
	chromium.mu.Lock()
	defer chromium.mu.Unlock()
	if !chromium.main {
		tb.Fatal("a package whose tests use testkit.Browser needs func TestMain(m *testing.M) { testkit.Main(m) }, which closes the browser after them")
	}
	if !chromium.started {
		chromium.started = true
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-sync", true),
			chromedp.NoFirstRun,
			chromedp.WindowSize(1280, 900),
		)
		// No user data directory given: the allocator makes a temporary
		// one and removes it when the browser stops.
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(allocCtx)
		cancel := func() { cancelCtx(); cancelAlloc() }
		// The first Run ties the browser's life to its context, so that
		// context has no deadline; the wait for the start has one.
		if err := within(ctx, cancel, func() error { return chromedp.Do(ctx) }); err != nil {
			chromium.err = err
		} else {
			chromium.ctx, chromium.cancel = ctx, cancel
		}
	}
	if chromium.err != nil {
		tb.Fatalf("start chromium: %v", chromium.err)
	}
	return chromium.ctx
}

// within runs fn, which works on ctx, and gives up on it after a step's
// time (Timeout(StepTimeout)), cancelling ctx.
func within(ctx context.Context, cancel func(), fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	limit := Timeout(StepTimeout)
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		cancel()
		<-done
		return fmt.Errorf("no answer within %v", limit)
	}
}

// Browser returns a context for chromedp actions in a fresh tab, in a
// browser context of its own (cookies, storage), of the test binary's
// shared Chromium; the tab closes when the test ends. The test fails if
// Chromium is missing: the README's test command installs it. Set
// BESEDA_SKIP_BROWSER=1 to skip browser tests instead.
//
// Run the tab's actions with Do, Run and Eval: each step gets its own
// deadline. The context itself has none.
func Browser(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(sharedChromium(tb), chromedp.WithNewBrowserContext())
	tb.Cleanup(cancel)
	// As with the browser: the tab lives as long as the context of its
	// first Run, so that context has no deadline.
	if err := within(ctx, cancel, func() error { return chromedp.Do(ctx) }); err != nil {
		tb.Fatalf("open a browser tab: %v", err)
	}
	return ctx
}

// Do runs the steps in the tab of ctx one after another, each within a
// step's time of its own (Timeout(StepTimeout)), and fails the test with
// what was being done, which step failed, and the page it was on.
func Do(tb testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	for i, step := range steps {
		if _, err := runStep(ctx, step); err != nil {
			tb.Fatalf("%s: step %d of %d (%s): %v%s", what, i+1, len(steps), stepName(step), err, where(ctx))
		}
	}
}

// Run runs one action in the tab of ctx within a step's time and returns
// its value; it fails the test with what was being done.
func Run[T any](tb testing.TB, ctx context.Context, what string, action chromedp.Action[T]) T {
	tb.Helper()
	v, err := runStep(ctx, action)
	if err != nil {
		tb.Fatalf("%s: %v%s", what, err, where(ctx))
	}
	return v
}

// Eval evaluates the JavaScript expression in the tab's page (a step) and
// returns its value.
func Eval[T any](tb testing.TB, ctx context.Context, js string) T {
	tb.Helper()
	return Run(tb, ctx, "evaluate "+js, chromedp.Evaluate[T](js))
}

func runStep[T any](ctx context.Context, action chromedp.Action[T]) (T, error) {
	limit := Timeout(StepTimeout)
	sctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	v, err := chromedp.Run(sctx, action)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = fmt.Errorf("not done within %v: %w", limit, err)
	}
	return v, err
}

// stepName names the kind of a chromedp action (Navigate, QueryAfter for
// the element queries, ...) from its func, for a failure's message.
func stepName(step chromedp.Action[chromedp.Void]) string {
	f := runtime.FuncForPC(reflect.ValueOf(step).Pointer())
	if f == nil {
		return "?"
	}
	name := f.Name()
	name = name[strings.LastIndex(name, "/")+1:]
	name = strings.TrimPrefix(name, "chromedp.")
	if i := strings.IndexAny(name, ".["); i > 0 {
		name = name[:i]
	}
	return name
}

// where says which page the tab is on, for a failure's message.
func where(ctx context.Context) string {
	if ctx.Err() != nil {
		return ""
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	href, err := chromedp.Run(wctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		return ""
	}
	return " (on " + href + ")"
}

// ImagesLoaded waits until every <img> matching selector, at least one, has
// loaded a picture (watched, not slept on; bounded by the step's time).
func ImagesLoaded(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`(function(){var l=document.querySelectorAll(`+"`"+selector+"`"+`);
			return l.length>0&&Array.prototype.every.call(l,function(i){return i.complete&&i.naturalWidth>0})})()`,
			chromedp.WithPollingTimeout(0))(ctx, t)
		return err
	})
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
// "ArrowDown", "ArrowUp" or "/".
func Press(key string) chromedp.Action[chromedp.Void] {
	codes := map[string]struct {
		code int64
		text string
	}{"Enter": {13, "\r"}, "Tab": {9, ""}, "Escape": {27, ""}, "ArrowDown": {40, ""}, "ArrowUp": {38, ""}, "/": {191, "/"}}
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
