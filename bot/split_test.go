package bot

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"empty", "", 10, nil},
		{"blank", " \n\t ", 10, nil},
		{"fits", "  Rutte took over [1].  ", 30, []string{"Rutte took over [1]."}},
		{"exactly the limit", "abcdefghij", 10, []string{"abcdefghij"}},
		{
			name:  "paragraphs first",
			text:  "First paragraph here.\n\nSecond paragraph here.",
			limit: 30,
			want:  []string{"First paragraph here.", "Second paragraph here."},
		},
		{
			name:  "sentence before word",
			text:  "Rutte took office in October [1]. He said NATO is strong [2].",
			limit: 40,
			want:  []string{"Rutte took office in October [1].", "He said NATO is strong [2]."},
		},
		{
			name:  "a marker stays with its sentence",
			text:  "Rutte took office in October. [1] He said it again.",
			limit: 35,
			want:  []string{"Rutte took office in October. [1]", "He said it again."},
		},
		{
			name:  "words when there is no sentence end",
			text:  "one two three four five six seven eight nine ten",
			limit: 20,
			want:  []string{"one two three four", "five six seven eight", "nine ten"},
		},
		{
			name:  "hard cut never inside a marker",
			text:  "abcdefg[12]hij",
			limit: 9,
			want:  []string{"abcdefg", "[12]hij"},
		},
		{
			name:  "hard cut between markers",
			text:  "[1][2][3][4][5]",
			limit: 8,
			want:  []string{"[1][2]", "[3][4]", "[5]"},
		},
		{
			name:  "runes, not bytes",
			text:  "ééééé ééééé",
			limit: 8,
			want:  []string{"ééééé", "ééééé"},
		},
		{"limit below the minimum is raised", "aaaa bbbb cccc", 1, []string{"aaaa", "bbbb", "cccc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.text, tt.limit)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Split(%q, %d) mismatch (-want +got):\n%s", tt.text, tt.limit, diff)
			}
			checkSplit(t, tt.text, tt.limit, got)
		})
	}
}

func TestSplitDiscordSizes(t *testing.T) {
	long := strings.Repeat("Mark Rutte succeeded Jens Stoltenberg as NATO secretary-general on 1 October 2024 [12]. ", 80)
	for _, limit := range []int{maxContent, maxEmbedDesc} {
		chunks := Split(long, limit)
		if len(chunks) < 2 {
			t.Fatalf("Split(%d chars, %d) = %d chunks, want several", len(long), limit, len(chunks))
		}
		for i, c := range chunks[:len(chunks)-1] {
			if !strings.HasSuffix(c, "[12].") {
				t.Errorf("chunk %d ends %q, want a sentence end", i, c[len(c)-20:])
			}
		}
		checkSplit(t, long, limit, chunks)
	}
}

// checkSplit asserts Split's promises: every chunk within the limit and
// non-empty, chunks are the text's own substrings in order, separated only
// by whitespace, and no cut falls inside a citation marker.
func checkSplit(t *testing.T, text string, limit int, chunks []string) {
	t.Helper()
	limit = max(limit, minSplitLimit)
	markers := markerRE.FindAllStringIndex(text, -1)
	insideMarker := func(pos int) bool {
		for _, m := range markers {
			if m[0] < pos && pos < m[1] {
				return true
			}
		}
		return false
	}
	pos := 0
	for i, c := range chunks {
		if c == "" || strings.TrimSpace(c) != c {
			t.Errorf("chunk %d = %q: empty or padded", i, c)
		}
		if n := utf8.RuneCountInString(c); n > limit {
			t.Errorf("chunk %d has %d runes, limit %d", i, n, limit)
		}
		// Only whitespace separates chunks, so each starts where the
		// whitespace after the previous one ends.
		at := len(text[pos:]) - len(strings.TrimLeftFunc(text[pos:], unicode.IsSpace))
		if !strings.HasPrefix(text[pos+at:], c) {
			t.Fatalf("chunk %d = %q does not follow at offset %d of %q", i, c, pos+at, text)
		}
		start, end := pos+at, pos+at+len(c)
		if insideMarker(start) || insideMarker(end) {
			t.Errorf("chunk %d = %q cuts a citation marker", i, c)
		}
		pos = end
	}
	if rest := text[pos:]; strings.TrimFunc(rest, unicode.IsSpace) != "" {
		t.Errorf("text %q dropped at the end", rest)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"",
		"Rutte took office [1]. Stoltenberg left [2].",
		"[1][2][3][4][5][6][7][8][9][10][11][12]",
		"para one\n\npara two\n\npara three",
		"word [12]word[3] [456] [7890] x.\n[1]",
		"“Ukraine's place is in NATO,” he said [3]. Then: “we stand” [4]!",
		strings.Repeat("é🇺🇦 ", 50),
		"a\u00a0b\u2028c\u3000d [1]",
		"\xff\xfe [1] \x80",
	} {
		f.Add(s, 20)
		f.Add(s, 9)
	}
	f.Fuzz(func(t *testing.T, text string, limit int) {
		limit = minSplitLimit + abs(limit)%(2*maxContent)
		chunks := Split(text, limit)
		checkSplit(t, text, limit, chunks)
		// All non-space text survives, in order.
		strip := func(s string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) {
					return -1
				}
				return r
			}, s)
		}
		var got strings.Builder
		for _, c := range chunks {
			got.WriteString(strip(c)) // per chunk: invalid UTF-8 must not merge across a cut
		}
		if got, want := got.String(), strip(text); got != want {
			t.Errorf("non-space text changed:\n got %q\nwant %q", got, want)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}

func BenchmarkSplit(b *testing.B) {
	text := strings.Repeat("Mark Rutte succeeded Jens Stoltenberg as NATO secretary-general on 1 October 2024 [12]. ", 100)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Split(text, maxContent)
	}
}

func TestStartsWithMarker(t *testing.T) {
	for s, want := range map[string]bool{
		"[1] x": true, "[12]": true, "[123]": true, "[1234]": false, "[]": false, "[a]": false, "x[1]": false, "[1": false, "": false,
	} {
		if got := startsWithMarker(s); got != want {
			t.Errorf("startsWithMarker(%q) = %v, want %v", s, got, want)
		}
	}
}

func BenchmarkSplitSmallLimit(b *testing.B) {
	text := strings.Repeat("word ", 20000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Split(text, minSplitLimit)
	}
}
