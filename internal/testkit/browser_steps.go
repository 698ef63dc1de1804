package testkit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// WaitTrue waits until the JavaScript expression cond is true in the page
// (polled, never a sleep). It has no bound of its own: run as a step (Do),
// it has the step's time (Timeout(StepTimeout), scaled for slow machines),
// as every other step has.
func WaitTrue(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(0))(ctx, t); err != nil {
			return fmt.Errorf("waiting for %s: %w", cond, err)
		}
		return nil
	})
}

// Loaded waits until cond is true in a page that has finished loading:
// after a click that navigates, a step that only waits for the old page's
// element to go can pass while the new page is still being parsed, and the
// next step then finds a node the finished page no longer has.
// The navigation itself ends a poll (its page's JavaScript context goes):
// polled again in the new page.
func Loaded(cond string) chromedp.Action[chromedp.Void] {
	expr := `document.readyState === "complete" && (` + cond + `)`
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for {
			_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(0))(ctx, t)
			if err == nil || ctx.Err() != nil || !contextGone(err) {
				return err
			}
			time.Sleep(10 * time.Millisecond) // the new page's context comes with its load
		}
	})
}

// contextGone tells whether err says the page's JavaScript context went
// away under an evaluation: the page navigated.
func contextGone(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context") || strings.Contains(msg, "context was destroyed")
}

// WaitTrueShowing is WaitTrue whose failure also tells what the JavaScript
// expression state gives at that moment, for a wait that fails too seldom
// to be watched.
func WaitTrueShowing(cond, state string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(0))(ctx, t)
		if err == nil {
			return nil
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		seen, serr := chromedp.Evaluate[string](state)(sctx, t)
		if serr != nil {
			seen = "unknown: " + serr.Error()
		}
		return fmt.Errorf("waiting for %s (the page then: %s): %w", cond, seen, err)
	})
}

// WithoutLiveUpdates makes the pages the tab opens next lack EventSource, as
// if the news of a change had not reached them yet: what a person does
// there meets the server's state unannounced.
func WithoutLiveUpdates() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.EventSource = undefined;`})
		return err
	})
}

// BrokenWords lists the words inside elements matching selector that a line
// break cuts in two (a hyphen is a fair place to break, so its parts count
// as words), as "word (in element)".
func BrokenWords(selector string) chromedp.Action[[]string] {
	return chromedp.Evaluate[[]string](`(function () {
		var out = [];
		document.querySelectorAll(` + "`" + selector + "`" + `).forEach(function (cell) {
			if (cell.offsetParent === null) return;
			var walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), node, m;
			while ((node = walk.nextNode())) {
				var re = /[^\s\-‐–—]+/g;
				while ((m = re.exec(node.data))) {
					var r = document.createRange();
					r.setStart(node, m.index);
					r.setEnd(node, m.index + m[0].length);
					var tops = {};
					Array.prototype.forEach.call(r.getClientRects(), function (rect) { if (rect.width > 0) tops[Math.round(rect.top)] = true; });
					if (Object.keys(tops).length > 1 && out.length < 10) out.push(m[0] + " (" + cell.tagName.toLowerCase() + ")");
				}
			}
		});
		return out;
	})()`)
}

// FocusedIs reports whether the element with the id has the focus.
func FocusedIs(id string) chromedp.Action[bool] {
	return chromedp.Evaluate[bool](fmt.Sprintf(`document.activeElement === document.getElementById(%q)`, id))
}

// Spilling lists the elements matching selector that stick out of their
// parent's box sideways (a link pushed past the edge of its card), as
// "tag.class text".
func Spilling(selector string) chromedp.Action[[]string] {
	return chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(` + "`" + selector + "`" + `)).filter(function (e) {
		var r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect();
		return r.width > 0 && (r.right > p.right + 0.5 || r.left < p.left - 0.5);
	}).map(function (e) { return e.tagName.toLowerCase() + "." + e.className + " " + e.textContent.trim().slice(0, 40); })`)
}
