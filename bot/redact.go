package bot

import (
	"net/url"
	"regexp"
	"strings"
)

// unparsableURL stands in for text that may hold a credential but does
// not parse as a URL: no part of it is shown, since where the secret ends
// cannot be known.
const unparsableURL = "(unparsable URL)"

// RedactURL returns u for messages and logs with no secret in it: a
// password becomes "xxxxx", and so does a user name written without one
// (https://token@host), which is usually a key. Text that does not parse
// as a URL, or parses only as a relative path while holding an "@"
// ("http//user:key@host"), is replaced whole by "(unparsable URL)".
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" && strings.Contains(u, "@") {
		return unparsableURL
	}
	if p.User == nil {
		return u
	}
	if _, ok := p.User.Password(); ok {
		p.User = url.UserPassword(p.User.Username(), "xxxxx")
	} else {
		p.User = url.User("xxxxx")
	}
	return p.String()
}

// wordRE is a run of text a URL could occupy: no spaces, no quotes.
var wordRE = regexp.MustCompile("[^\\s\"'`<>]+")

// RedactURLs passes every word of s that could be a URL with a credential
// (it has both "//" and "@") through RedactURL, for error messages that
// may quote a configured URL.
func RedactURLs(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return wordRE.ReplaceAllStringFunc(s, func(w string) string {
		if !strings.Contains(w, "//") || !strings.Contains(w, "@") {
			return w
		}
		return RedactURL(w)
	})
}
