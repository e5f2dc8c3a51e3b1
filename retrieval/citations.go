package retrieval

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Citation markers are checked in code, never trusted: a model may cite a
// passage it was not given, format its markers loosely, or cite nothing.
// The markers understood are [n], [n, m], [n; m], [n][m] and ranges
// [n-m] (hyphen or en dash), and the same numbers in the other styles
// models write (see markerStyles), which are rewritten as [..] first.

// maxMarkerDigits bounds a marker's numbers: "[20241001]" is not a
// citation, and no prompt numbers that many passages.
const maxMarkerDigits = 4

// maxMarkerRange bounds how far a range [n-m] is expanded.
const maxMarkerRange = 32

// checkCitations keeps the markers in text that cite passages 1..n,
// removes the rest, and renumbers the kept ones 1..k in order of first
// appearance. cited[i] is the original number of the passage now cited as
// [i+1]. A marker is rewritten as adjacent single markers ("[1][2]").
func checkCitations(text string, n int) (out string, cited []int) {
	// First bring every marker to the [..] style and drop invalid numbers
	// until none are left: removing "[9]" from "[[9]1]" or "[^[9]1]" makes
	// a new marker, which must be checked in turn. Each round shortens the
	// text, so this ends.
	for {
		text = normaliseMarkers(text)
		next, changed := dropInvalid(text, n)
		if !changed {
			break
		}
		text = next
	}
	// Then renumber. Every marker left cites only valid passages, and a
	// marker replaced by markers cannot join with its neighbours.
	renumber := map[int]int{}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '[' {
			continue
		}
		nums, end, ok := scanMarker(text, i)
		if !ok {
			continue
		}
		b.WriteString(text[last:i])
		for k, num := range nums {
			if slices.Contains(nums[:k], num) {
				continue
			}
			m, ok := renumber[num]
			if !ok {
				cited = append(cited, num)
				m = len(cited)
				renumber[num] = m
			}
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(m))
			b.WriteByte(']')
		}
		last = end
		i = end - 1
	}
	b.WriteString(text[last:])
	return b.String(), cited
}

// markerStyles are the other ways models write a citation: CJK and
// full-width brackets (Qwen, DeepSeek), footnotes, and the prompt's own
// "Passage [n]" label turned into the marker. Openers are matched without
// regard to case. Each holds numbers as [..] does.
var markerStyles = []struct{ open, close string }{
	{"【", "】"},
	{"［", "］"},
	{"[^", "]"},
	{"[passages ", "]"},
	{"[passage ", "]"},
	{"(passages ", ")"},
	{"(passage ", ")"},
}

// normaliseMarkers rewrites the markers of markerStyles as [..], so they
// are checked, counted and renumbered like any other. It repeats until
// nothing changes: a rewrite can complete another marker ("[^【1】" has
// none, "【[^1]】" has one inside). Every rewrite shortens the text, so
// this ends.
func normaliseMarkers(text string) string {
	for {
		next := normaliseOnce(text)
		if next == text {
			return text
		}
		text = next
	}
}

func normaliseOnce(text string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '[', '(', 0xE3, 0xEF: // the first bytes of every opener
		default:
			continue
		}
		for _, st := range markerStyles {
			if len(text)-i < len(st.open) || !strings.EqualFold(text[i:i+len(st.open)], st.open) {
				continue
			}
			j := i + len(st.open)
			_, end, ok := scanNumbers(text, j, st.close)
			if !ok {
				continue
			}
			if b.Len() == 0 {
				b.Grow(len(text))
			}
			b.WriteString(text[last:i])
			b.WriteByte('[')
			b.WriteString(text[j : end-len(st.close)])
			b.WriteByte(']')
			last = end
			i = end - 1
			break
		}
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// StripMarkers removes citation markers from text, in any style checked
// answers accept, with the blanks before them, and a marker still being
// written at its end ("Rutte took over [1, 2"): a streamed preview shows
// its text before the citations are checked, and the numbers it would
// show may not survive the check.
func StripMarkers(text string) string {
	out, _ := checkCitations(text, 0)
	return trimUnfinishedMarker(out)
}

// trimUnfinishedMarker cuts an opening bracket at the end of text when
// all that follows it could still become a marker, and the blanks before
// it.
func trimUnfinishedMarker(text string) string {
	i := strings.LastIndexAny(text, "[【［")
	if i < 0 {
		return text
	}
	_, size := utf8.DecodeRuneInString(text[i:])
	rest := text[i+size:]
	if text[i] == '[' {
		rest = strings.TrimPrefix(rest, "^")
		// A label being written: "[P", "[Passage", "[Passage 1".
		word := strings.TrimLeft(rest, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
		if w := strings.ToLower(rest[:len(rest)-len(word)]); w != "" && strings.HasPrefix("passages", w) {
			rest = word
		}
	}
	if strings.Trim(rest, "0123456789 \t,;-–") != "" {
		return text
	}
	return string(trimBlanksRight([]byte(text[:i])))
}

// dropInvalid rewrites every marker that cites a number outside 1..n to
// cite only the valid ones, and removes a marker left with none together
// with the blanks before it ("in Brussels [9]." → "in Brussels.").
func dropInvalid(text string, n int) (string, bool) {
	var b []byte
	changed := false
	last := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '[' {
			continue
		}
		nums, end, ok := scanMarker(text, i)
		if !ok {
			continue
		}
		var valid []int
		for _, num := range nums {
			if num >= 1 && num <= n {
				valid = append(valid, num)
			}
		}
		if len(valid) < len(nums) {
			if !changed {
				b = make([]byte, 0, len(text))
				changed = true
			}
			b = append(b, text[last:i]...)
			if len(valid) == 0 {
				b = trimBlanksRight(b)
				// At the start of a line, the blanks after go too.
				if len(b) == 0 || b[len(b)-1] == '\n' {
					for end < len(text) && (text[end] == ' ' || text[end] == '\t') {
						end++
					}
				}
			} else {
				for _, num := range valid {
					b = append(b, '[')
					b = strconv.AppendInt(b, int64(num), 10)
					b = append(b, ']')
				}
			}
			last = end
		}
		i = end - 1
	}
	if !changed {
		return text, false
	}
	b = append(b, text[last:]...)
	return string(b), true
}

func trimBlanksRight(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// scanMarker parses the marker that starts at text[i] == '[': numbers
// separated by commas, semicolons or range dashes, with optional blanks.
// It returns the numbers cited, ranges expanded, and the index after ']'.
func scanMarker(text string, i int) (nums []int, end int, ok bool) {
	return scanNumbers(text, i+1, "]")
}

// scanNumbers parses a marker's numbers from text[j] up to and including
// close, with the grammar scanMarker describes.
func scanNumbers(text string, j int, close string) (nums []int, end int, ok bool) {
	blanks := func() {
		for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
			j++
		}
	}
	number := func() (int, bool) {
		k := j
		for j < len(text) && text[j] >= '0' && text[j] <= '9' {
			j++
		}
		if j == k || j-k > maxMarkerDigits {
			return 0, false
		}
		v, err := strconv.Atoi(text[k:j])
		return v, err == nil
	}
	rangeFrom := -1
	for {
		blanks()
		v, ok := number()
		if !ok {
			return nil, 0, false
		}
		if rangeFrom >= 0 {
			nums = append(nums, expandRange(rangeFrom, v)...)
			rangeFrom = -1
		} else {
			nums = append(nums, v)
		}
		blanks()
		if j >= len(text) {
			return nil, 0, false
		}
		switch {
		case strings.HasPrefix(text[j:], close):
			return nums, j + len(close), true
		case text[j] == ',' || text[j] == ';':
			j++
		case text[j] == '-':
			j++
			rangeFrom = nums[len(nums)-1]
			nums = nums[:len(nums)-1]
		case strings.HasPrefix(text[j:], "–"):
			j += len("–")
			rangeFrom = nums[len(nums)-1]
			nums = nums[:len(nums)-1]
		default:
			return nil, 0, false
		}
	}
}

// expandRange lists a..b; a backwards or very long range is taken as its
// two ends, which are then checked like any other number.
func expandRange(a, b int) []int {
	if b < a || b-a > maxMarkerRange {
		return []int{a, b}
	}
	out := make([]int, 0, b-a+1)
	for v := a; v <= b; v++ {
		out = append(out, v)
	}
	return out
}

// thinkRe matches the reasoning some local models (Qwen3, DeepSeek-R1)
// write before their answer.
var thinkRe = regexp.MustCompile(`(?s)<think>.*?</think>`)

// visibleText is the part of a model's output meant for the reader: the
// reasoning block removed and, while it is still open, nothing at all;
// and no control characters, which the CLI would pass to the terminal.
func visibleText(s string) string {
	// The chat templates of DeepSeek-R1 distills and QwQ end the prompt
	// with "<think>\n", so the reply starts with the reasoning and holds
	// only the closing tag: everything up to it is reasoning.
	if bareThink(s) {
		s = s[strings.Index(s, "</think>")+len("</think>"):]
	}
	s = thinkRe.ReplaceAllString(s, "")
	if i := strings.Index(s, "<think>"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(stripControls(s))
}

// bareThink reports whether s, a model's reply, closes its reasoning
// with "</think>" without having opened it with "<think>".
func bareThink(s string) bool {
	end := strings.Index(s, "</think>")
	return end >= 0 && !strings.Contains(s[:end], "<think>")
}

// escapeRe matches the terminal escape sequences a model could be led to
// write (CSI such as "\x1b[2J", OSC such as a window title), so their
// printable tails go with their ESC rather than show as "[2J".
var escapeRe = regexp.MustCompile(`\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\n]*(?:\x07|\x1b\\)?)`)

// stripControls removes terminal escape sequences, then every C0 control
// character but newline and tab, DEL and every C1 control character.
func stripControls(s string) string {
	s = escapeRe.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f {
			return -1
		}
		return r
	}, s)
}

// isDontSay reports whether a model's answer is the fixed sentence the
// prompt asks for when the passages do not answer, allowing for the usual
// small variations (quotes, curly apostrophe, "do not"); prefix also
// accepts it followed by more text.
func isDontSay(text string, prefix bool) bool {
	norm := func(s string) string {
		s = strings.ToLower(s)
		s = strings.NewReplacer("’", "'", "do not", "don't", "*", "", "\"", "", "“", "", "”", "").Replace(s)
		return strings.Join(strings.Fields(s), " ")
	}
	want := strings.TrimSuffix(norm(dontSay), ".")
	got := strings.TrimSpace(norm(StripMarkers(text)))
	if prefix {
		return strings.HasPrefix(got, want)
	}
	return strings.TrimRight(got, ". ") == want
}
