package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// markerRE matches a citation marker such as [3]. Answers number their
// sources from 1 and never cite more than a few dozen, so three digits is
// plenty; longer bracketed numbers are not markers.
var markerRE = regexp.MustCompile(`\[[0-9]{1,3}\]`)

// minSplitLimit is the smallest limit Split honours: a chunk must always
// have room for a whole citation marker and a little text.
const minSplitLimit = 8

// Split cuts text into chunks of at most limit characters (runes, which is
// how Discord counts). It prefers to cut at a paragraph break, then a line
// break, then the end of a sentence, then between words, and only cuts
// inside a word when a word is longer than the limit. It never cuts inside a
// citation marker like [12], so a marker always stays readable.
//
// Each chunk is a substring of text with the whitespace around the cut
// removed; nothing else is added or dropped. Empty or blank text gives no
// chunks.
func Split(text string, limit int) []string {
	limit = max(limit, minSplitLimit)
	var out []string
	text = strings.TrimSpace(text)
	for text != "" {
		end := runeOffset(text, limit)
		if end == len(text) {
			out = append(out, text)
			break
		}
		cut := cutPoint(text, end)
		if chunk := strings.TrimRightFunc(text[:cut], unicode.IsSpace); chunk != "" {
			out = append(out, chunk)
		}
		text = strings.TrimLeftFunc(text[cut:], unicode.IsSpace)
	}
	return out
}

// runeOffset is the byte offset just after the first n runes of s.
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// cutPoint chooses where to cut text so that text[:cut] is no longer than
// text[:end], which already fits the limit. The result is in (0, end].
func cutPoint(text string, end int) int {
	// Whitespace just past the limit is a boundary too: cutting there keeps
	// a chunk that fills the limit exactly.
	ext := end
	if r, size := utf8.DecodeRuneInString(text[end:]); unicode.IsSpace(r) {
		ext += size
	}
	window := text[:ext]
	half := end / 2
	// Good boundaries in the second half of the window keep chunks long.
	if i := strings.LastIndex(window, "\n\n"); i >= half && i > 0 {
		return i
	}
	if i := strings.LastIndexByte(window, '\n'); i >= half && i > 0 {
		return i
	}
	if i := lastSentenceBreak(text, ext, half); i > 0 {
		return i
	}
	if i := lastSpace(window); i > 0 {
		return i
	}
	// One unbroken run longer than the limit: cut it, but not inside a
	// marker, nor inside a UTF-8 sequence (end is a rune boundary, and so is
	// every marker's start).
	cut := end
	tail := text[:min(len(text), end+8)]
	for _, m := range markerRE.FindAllStringIndex(tail, -1) {
		if m[0] < cut && cut < m[1] {
			cut = m[0]
		}
	}
	if cut == 0 {
		return end // unreachable: a marker is shorter than minSplitLimit
	}
	return cut
}

// lastSpace is the byte offset of the last whitespace rune in s, or -1.
func lastSpace(s string) int {
	return strings.LastIndexFunc(s, unicode.IsSpace)
}

// lastSentenceBreak is the offset of the last whitespace in text[:end], at
// or after from, that ends a sentence: the text before it ends with . ! ?
// (perhaps followed by a closing quote or bracket, or by citation markers),
// and the text after it does not start with a marker that belongs to the
// sentence before. It returns -1 if there is none.
func lastSentenceBreak(text string, end, from int) int {
	window := text[:end]
	for i := lastSpace(window); i >= from && i > 0; i = lastSpace(window[:i]) {
		if r, _ := utf8.DecodeLastRuneInString(text[:i]); unicode.IsSpace(r) {
			continue // only the first space of a run: keeps this linear
		}
		if endsSentence(text[:i]) && !startsWithMarker(strings.TrimLeftFunc(text[i:], unicode.IsSpace)) {
			return i
		}
	}
	return -1
}

func startsWithMarker(s string) bool {
	if len(s) < 3 || s[0] != '[' {
		return false
	}
	for i := 1; i < len(s) && i <= 4; i++ {
		switch c := s[i]; {
		case c == ']':
			return i > 1
		case c < '0' || c > '9':
			return false
		}
	}
	return false
}

// endsSentence reports whether s ends a sentence, looking past trailing
// citation markers and closing quotes or brackets.
func endsSentence(s string) bool {
	for {
		s = strings.TrimRightFunc(s, unicode.IsSpace)
		n := trailingMarker(s)
		if n == 0 {
			break
		}
		s = s[:len(s)-n]
	}
	s = strings.TrimRight(s, `"'”’»)]*_`)
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '.' || r == '!' || r == '?' || r == '…'
}

// trailingMarker is the length of the citation marker s ends with, or 0.
func trailingMarker(s string) int {
	if !strings.HasSuffix(s, "]") {
		return 0
	}
	i := strings.LastIndexByte(s[max(0, len(s)-5):], '[')
	if i < 0 {
		return 0
	}
	n := len(s) - (max(0, len(s)-5) + i)
	if markerRE.MatchString(s[len(s)-n:]) && n >= 3 {
		return n
	}
	return 0
}
