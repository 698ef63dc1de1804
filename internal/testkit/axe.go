package testkit

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core (Deque, MPL-2.0; testdata/axe): the accessibility
// checker tests inject into pages. Only tests carry it; the product never
// serves it.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// AxeViolation is a rule of axe-core that a page breaks.
type AxeViolation struct {
	Rule   string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"` // the first offending elements, as selectors with their HTML
}

func (v AxeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s — %s", v.Rule, v.Impact, v.Help, strings.Join(v.Nodes, " | "))
}

// Axe checks the page in the tab with axe-core (every rule it runs by
// default: WCAG 2.x A and AA, and its best practices) and returns the
// violations of serious or critical impact. It checks the page as it is
// now, open panels included.
func Axe() chromedp.Action[[]AxeViolation] {
	return func(ctx context.Context, t *chromedp.Target) ([]AxeViolation, error) {
		loaded, err := chromedp.Evaluate[bool](`typeof window.axe === "object"`)(ctx, t)
		if err != nil {
			return nil, err
		}
		if !loaded {
			if _, err := chromedp.Evaluate[chromedp.Void](axeSource)(ctx, t); err != nil {
				return nil, fmt.Errorf("inject axe-core: %w", err)
			}
		}
		return chromedp.Evaluate[[]AxeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
			return r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; }).map(function (v) {
				return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4).map(function (n) {
					return n.target.join(" ") + " " + n.html.slice(0, 160) + (n.failureSummary ? " [" + n.failureSummary.replace(/\s+/g, " ").slice(0, 200) + "]" : "");
				})};
			});
		})`, chromedp.EvalAwaitPromise)(ctx, t)
	}
}
