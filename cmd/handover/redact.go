package main

import (
	"log/slog"
	"regexp"
	"strings"
)

// credentialRe finds the password (or the only secret) in a URL's user
// information: scheme://user:secret@host or scheme://secret@host.
var credentialRe = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#@\s"]*)@`)

// redact replaces credentials written inside URLs with "xxxxx", so a
// base_url such as https://user:key@proxy/v1 never reaches an error
// message or a log line.
func redact(s string) string {
	return credentialRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := credentialRe.FindStringSubmatch(m)
		user, _, hasPass := strings.Cut(sub[2], ":")
		if hasPass {
			return sub[1] + user + ":xxxxx@"
		}
		return sub[1] + "xxxxx@"
	})
}

// redactAttr is the slog ReplaceAttr that redacts every string and error
// value.
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); credentialRe.MatchString(s) {
			return slog.String(a.Key, redact(s))
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok && credentialRe.MatchString(err.Error()) {
			return slog.String(a.Key, redact(err.Error()))
		}
	}
	return a
}
