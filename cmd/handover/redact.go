package main

import (
	"log/slog"

	"github.com/handover/handover/bot"
)

// redactAttr is the slog ReplaceAttr that hides credentials in URLs in
// every string and error value (bot.RedactURLs).
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		s := a.Value.String()
		if r := bot.RedactURLs(s); r != s {
			return slog.String(a.Key, r)
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			s := err.Error()
			if r := bot.RedactURLs(s); r != s {
				return slog.String(a.Key, r)
			}
		}
	}
	return a
}
