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
		if s := a.Value.String(); bot.RedactURLs(s) != s {
			return slog.String(a.Key, bot.RedactURLs(s))
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			if s := err.Error(); bot.RedactURLs(s) != s {
				return slog.String(a.Key, bot.RedactURLs(s))
			}
		}
	}
	return a
}
