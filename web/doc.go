// Package web is the managers' console: server-rendered pages
// (html/template, embedded with the CSS, the JavaScript and the icons) over
// the use cases of app/. Pages are plain forms that post and redirect; a
// little JavaScript keeps them live from the event stream by refetching the
// parts that changed (?fragment=…), which the same templates render.
//
// Every visible string comes from the i18n catalog, in the manager's language;
// times are shown in the manager's time zone. Sessions are HttpOnly cookies;
// every form and fetch that changes state carries the session's CSRF token.
// No rule of the product is decided here.
package web
