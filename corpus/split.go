package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a sentence's position in a text: Text is text[Start:End].
type Span struct {
	Start, End int
	Text       string
}

// abbreviations end in a period but rarely end a sentence. Lower case,
// without the period.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true,
	"sen": true, "rep": true, "gov": true, "st": true, "jr": true, "sr": true,
	"lt": true, "col": true, "capt": true, "sgt": true, "maj": true, "adm": true,
	"pres": true, "amb": true, "hon": true, "rev": true, "vs": true, "etc": true,
	"approx": true, "no": true, "nos": true, "vol": true, "fig": true, "inc": true,
	"ltd": true, "co": true, "corp": true, "dept": true, "est": true, "e.g": true,
	"i.e": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true,
	"dec": true, "mon": true, "tue": true, "tues": true, "wed": true, "thu": true,
	"thur": true, "thurs": true, "fri": true, "sat": true, "sun": true,
}

// sentenceStarters are words that, after an acronym such as "U.S.", show
// that the acronym ended the sentence.
var sentenceStarters = map[string]bool{
	"The": true, "He": true, "She": true, "It": true, "This": true, "That": true,
	"They": true, "We": true, "I": true, "In": true, "But": true, "And": true,
	"A": true, "An": true, "His": true, "Her": true, "Their": true, "There": true,
	"As": true, "At": true, "On": true, "However": true, "Meanwhile": true,
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '»':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '(', '[', '«':
		return true
	}
	return false
}

// Split cuts text into sentences. A newline always ends a sentence, so
// callers pass one paragraph or a text whose paragraphs are on their own
// lines. It knows abbreviations (Mr., Oct.), acronyms (U.S.), initials,
// decimal and grouped numbers (2.5, 1,000), closing quotes after the final
// punctuation, and years that end a sentence ("in 2024."). Spans are
// trimmed of surrounding space and never empty.
func Split(text string) []Span {
	var spans []Span
	start := 0
	emit := func(end int) {
		s, e := trimSpan(text, start, end)
		if s < e {
			spans = append(spans, Span{Start: s, End: e, Text: text[s:e]})
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '\n' {
			emit(i)
			i += size
			continue
		}
		if r != '.' && r != '!' && r != '?' && r != '…' {
			i += size
			continue
		}
		end := i + size
		// Runs of terminal punctuation ("?!", "...").
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if r2 != '.' && r2 != '!' && r2 != '?' && r2 != '…' {
				break
			}
			end += s2
		}
		// Closing quotes and brackets belong to the sentence they end.
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if !isCloser(r2) {
				break
			}
			end += s2
		}
		if isBoundary(text, i, r, end) {
			emit(end)
		}
		i = end
	}
	emit(len(text))
	return spans
}

// isBoundary reports whether the punctuation r at text[i] (with closers up
// to end) ends a sentence.
func isBoundary(text string, i int, r rune, end int) bool {
	if end >= len(text) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(text[end:])
	if next == '\n' {
		return true
	}
	if !unicode.IsSpace(next) {
		return false // 2.5, U.S, e.g, "...word.Next" glued text
	}
	rest := strings.TrimLeft(text[end:], " \t\u00a0")
	if rest == "" || rest[0] == '\n' {
		return true
	}
	first, _ := utf8.DecodeRuneInString(rest)
	nextWord := firstWord(rest)
	if r != '.' {
		// ! and ? end a sentence unless a lower-case word follows inside a quote.
		return !unicode.IsLower(first)
	}
	if unicode.IsLower(first) {
		return false
	}
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) && !isOpener(first) {
		return false
	}
	word := wordBefore(text, i)
	if word == "" {
		return true
	}
	lw := strings.ToLower(strings.TrimSuffix(word, "."))
	if abbreviations[lw] {
		return false
	}
	// Acronyms with inner periods (U.S., U.K.) and single initials (J.)
	if isInitials(word) {
		return sentenceStarters[nextWord]
	}
	return true
}

// wordBefore returns the token that ends at text[i] (exclusive), e.g.
// "U.S" for "the U.S." or "Mr" for "Mr.".
func wordBefore(text string, i int) string {
	j := i
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) || isOpener(r) {
			break
		}
		j -= size
	}
	return text[j:i]
}

// isInitials reports whether w is one letter or letters separated by
// periods: "J", "U.S", "e.g".
func isInitials(w string) bool {
	if w == "" {
		return false
	}
	letters := 0
	prevLetter := false
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			if prevLetter {
				return false
			}
			prevLetter = true
			letters++
		case r == '.':
			if !prevLetter {
				return false
			}
			prevLetter = false
		default:
			return false
		}
	}
	return letters >= 1 && (letters == 1 || strings.Contains(w, "."))
}

func firstWord(s string) string {
	s = strings.TrimLeftFunc(s, func(r rune) bool { return isOpener(r) })
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		return s
	}
	return s[:end]
}

func trimSpan(text string, s, e int) (int, int) {
	return trimSpanFunc(text, s, e, unicode.IsSpace)
}

// trimSpanFunc narrows text[s:e] past leading space and trailing runes
// for which trailing reports true.
func trimSpanFunc(text string, s, e int, trailing func(rune) bool) (int, int) {
	for s < e {
		r, size := utf8.DecodeRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		s += size
	}
	for e > s {
		r, size := utf8.DecodeLastRuneInString(text[s:e])
		if !trailing(r) {
			break
		}
		e -= size
	}
	return s, e
}
