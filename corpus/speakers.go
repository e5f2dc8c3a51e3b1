package corpus

import (
	"strings"
	"unicode"
)

// FindSpeakers returns the names (canonical speaker names) that a user's
// query means, best first, for every place a speaker is typed: the command
// line's --speaker and the bot's autocomplete alike. It returns the
// first non-empty of: names the query names exactly (MatchSpeaker: the
// full name or surname, an honorific allowed); names with a word, or the
// whole name, starting with the query ("jens", "rut", "mark r"); names
// containing it. Case and accents of the query do not matter. An empty
// query returns every name.
func FindSpeakers(names []string, query string) []string {
	q := fold(query)
	if q == "" {
		return append([]string(nil), names...)
	}
	var exact, prefix, inner []string
	for _, n := range names {
		f := fold(n)
		switch {
		case MatchSpeaker(n, query):
			exact = append(exact, n)
		case strings.HasPrefix(f, q) || wordStarts(f, q):
			prefix = append(prefix, n)
		case strings.Contains(f, q):
			inner = append(inner, n)
		}
	}
	switch {
	case len(exact) > 0:
		return exact
	case len(prefix) > 0:
		return prefix
	}
	return inner
}

func wordStarts(name, q string) bool {
	for _, w := range strings.Fields(name) {
		if strings.HasPrefix(w, q) {
			return true
		}
	}
	return false
}

// fold lower-cases s, drops accents from Latin letters and squeezes
// spaces, so "Álvarez", "alvarez" and "ALVAREZ  " compare equal.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if base, ok := accents[r]; ok {
			r = base
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

var accents = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'ç': 'c', 'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n', 'ò': 'o', 'ó': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o', 'ø': 'o',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ý': 'y', 'ÿ': 'y', 'š': 's', 'ž': 'z', 'č': 'c', 'ć': 'c', 'ł': 'l',
}
