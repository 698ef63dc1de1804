// Package web is the managers' console: server-rendered pages
// (html/template, embedded with the CSS, the JavaScript and the icons) over
// the use cases of app/. Pages are plain forms that post and redirect; a
// little JavaScript keeps them live from the event stream by fetching their
// live part again (?fragment=live, the same templates) and merging it into
// the page with idiomorph (static/vendor), so that what a person is doing —
// typed text, unsaved ticks, open panels, scroll — stays. It also sends the
// composers itself (the console then answers with a status, not a redirect)
// and keeps their drafts in the browser until sent.
//
// Every visible string comes from the i18n catalog, in the manager's language;
// times are shown in the manager's time zone. Sessions are HttpOnly cookies;
// every form and fetch that changes state carries the session's CSRF token.
// No rule of the product is decided here.
package web
