package corpus

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// ErrControlChars is noted for a file that held control characters: they
// were removed and the article kept.
var ErrControlChars = errors.New("control characters removed")

// Control characters a file's text may hold: whitespace that Parse reads.
func keptControl(r rune) bool { return r == '\t' || r == '\n' || r == '\r' }

// stripControls returns text without its control characters (C0 but tab,
// newline and carriage return; DEL; C1), and how many places it changed.
// A terminal acts on them: an article's title or sentence holding
// "\x1b]0;...\a" would retitle the reader's window, "\x1b[2J" clear it, and
// Discord shows them as boxes. A terminal escape sequence (ESC [ ..., an
// OSC or other string sequence up to its terminator, ESC and one
// character) goes whole, with its parameters, which are no more text than
// the ESC is. Other whitespace controls (vertical tab, form feed, NEL)
// become a space, which they stand for; the rest are dropped.
func stripControls(text []byte) ([]byte, int) {
	clean := true
	for _, r := range string(text) {
		if unicode.IsControl(r) && !keptControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return text, 0
	}
	out := make([]byte, 0, len(text))
	n := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if !unicode.IsControl(r) || keptControl(r) {
			out = append(out, text[i:i+size]...)
			i += size
			continue
		}
		n++
		i += size
		switch {
		case r == 0x1b && i < len(text):
			i = skipEscape(text, i)
		case r == 0x9b: // CSI
			i = skipCSI(text, i)
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // DCS, SOS, OSC, PM, APC
			i = skipString(text, i)
		case unicode.IsSpace(r):
			out = append(out, ' ')
		}
	}
	return out, n
}

// skipEscape returns where the escape sequence whose ESC ends at i ends.
func skipEscape(text []byte, i int) int {
	switch c := text[i]; {
	case c == '[':
		return skipCSI(text, i+1)
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return skipString(text, i+1)
	case c >= 0x20 && c <= 0x2f:
		// Intermediate bytes, then one final byte: ESC ( B.
		for i < len(text) && text[i] >= 0x20 && text[i] <= 0x2f {
			i++
		}
		if i < len(text) && text[i] >= 0x30 && text[i] <= 0x7e {
			i++
		}
		return i
	case c >= 0x30 && c <= 0x7e:
		return i + 1 // ESC c, ESC 7, ESC M ...
	}
	return i
}

// skipCSI returns where the control sequence whose introducer ends at i
// ends: parameter and intermediate bytes, then a final byte.
func skipCSI(text []byte, i int) int {
	for i < len(text) && text[i] >= 0x20 && text[i] <= 0x3f {
		i++
	}
	if i < len(text) && text[i] >= 0x40 && text[i] <= 0x7e {
		i++
	}
	return i
}

// skipString returns where the control string (OSC and the like) starting
// at i ends: past BEL, ESC \ or ST. An unterminated one ends at the line's
// end, so that one stray ESC ] does not take the rest of the file.
func skipString(text []byte, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case r == 0x07 || r == 0x9c:
			return i + size
		case r == 0x1b && i+1 < len(text) && text[i+1] == '\\':
			return i + 2
		case r == '\n' || r == '\r':
			return i
		}
		i += size
	}
	return i
}

// controlNote is the note for a file that had n places changed.
func controlNote(n int) error {
	return fmt.Errorf("%w in %d place(s) (terminal escape sequences and the like are not text)", ErrControlChars, n)
}
