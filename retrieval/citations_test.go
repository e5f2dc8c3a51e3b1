package retrieval

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestCheckCitations(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		n         int
		want      string
		wantCited []int
	}{
		{"single", "Rutte took over [1].", 3, "Rutte took over [1].", []int{1}},
		{"renumbered by first appearance", "A [2]. B [1]. C [2].", 3, "A [1]. B [2]. C [1].", []int{2, 1}},
		{"comma list", "A [1, 3].", 3, "A [1][2].", []int{1, 3}},
		{"semicolon list, no blanks", "A [3;1].", 3, "A [1][2].", []int{3, 1}},
		{"adjacent", "A [3][1].", 3, "A [1][2].", []int{3, 1}},
		{"blanks inside", "A [ 2 ].", 3, "A [1].", []int{2}},
		{"range", "A [2-4].", 8, "A [1][2][3].", []int{2, 3, 4}},
		{"range en dash", "A [2–3].", 8, "A [1][2].", []int{2, 3}},
		{"range partly outside", "A [7-10].", 8, "A [1][2].", []int{7, 8}},
		{"backwards range is two numbers", "A [4-2].", 8, "A [1][2].", []int{4, 2}},
		{"list and range", "A [1, 3-4].", 8, "A [1][2][3].", []int{1, 3, 4}},
		{"fabricated removed with its blank", "A [9]. B [1].", 8, "A. B [1].", []int{1}},
		{"fabricated inside a list", "A [1, 9].", 8, "A [1].", []int{1}},
		{"zero", "A [0].", 8, "A.", nil},
		{"no passages", "A [1] and B [2].", 0, "A and B.", nil},
		{"duplicate in a marker", "A [1, 1].", 3, "A [1].", []int{1}},
		{"removal exposes a marker", "A [[9]1].", 1, "A [1].", []int{1}},
		{"removal exposes an invalid marker", "A [[9]7].", 3, "A.", nil},
		{"marker at the start", "[9] A [2].", 3, "A [1].", []int{2}},
		{"not markers", "[a] [] [1 [1,] [,1] [1-] [12345] x[", 3, "[a] [] [1 [1,] [,1] [1-] [12345] x[", nil},
		{"markdown link", "see [1](https://example.com)", 3, "see [1](https://example.com)", []int{1}},
		{"multibyte around", "Rütte – „ja“ [2]…", 3, "Rütte – „ja“ [1]…", []int{2}},
		{"empty", "", 3, "", nil},
		// Other styles are read as [..] and renumbered like it.
		{"CJK brackets", "A 【2】. B 【1, 3】.", 3, "A [1]. B [2][3].", []int{2, 1, 3}},
		{"full-width brackets", "A ［3］.", 3, "A [1].", []int{3}},
		{"passage label", "A [Passage 2]. B [passages 1-2].", 3, "A [1]. B [2][1].", []int{2, 1}},
		{"passage label in parentheses", "A (Passage 3; 1).", 3, "A [1][2].", []int{3, 1}},
		{"footnote", "A [^2].", 3, "A [1].", []int{2}},
		{"other style out of range removed", "A 【9】 (Passage 7). B [^1].", 3, "A. B [1].", []int{1}},
		{"not markers in other styles", "(Passage one) [^a] 【】 (passage 1", 3, "(Passage one) [^a] 【】 (passage 1", nil},
		{"removal completes a footnote", "A [^[9]1].", 1, "A [1].", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cited := checkCitations(tt.text, tt.n)
			if got != tt.want || !slices.Equal(cited, tt.wantCited) {
				t.Errorf("checkCitations(%q, %d) = %q, %v; want %q, %v", tt.text, tt.n, got, cited, tt.want, tt.wantCited)
			}
		})
	}
}

func TestIsDontSay(t *testing.T) {
	tests := []struct {
		text         string
		exact, start bool
	}{
		{"The articles don't say.", true, true},
		{"The articles don’t say", true, true},
		{"  the articles do not say. ", true, true},
		{`"The articles don't say."`, true, true},
		{"**The articles don't say.**", true, true},
		{"The articles don't say. [1]", true, true},
		{"The articles don't say who will win.", false, true},
		{"Rutte. The articles don't say more.", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		if got := isDontSay(tt.text, false); got != tt.exact {
			t.Errorf("isDontSay(%q, false) = %v, want %v", tt.text, got, tt.exact)
		}
		if got := isDontSay(tt.text, true); got != tt.start {
			t.Errorf("isDontSay(%q, true) = %v, want %v", tt.text, got, tt.start)
		}
	}
}

func TestVisibleText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Rutte [1].", "Rutte [1]."},
		{"<think>hmm [3]</think>\n\nRutte [1].", "Rutte [1]."},
		{"<think>still thinking", ""},
		{"Rutte [1]. <think>more", "Rutte [1]."},
		// The opening tag was in the prompt (R1 distills, QwQ).
		{"Okay, [4] says it.\n</think>\n\nRutte [1].", "Rutte [1]."},
		{"hmm</think>Rutte [1]. <think>more</think> Yes.", "Rutte [1].  Yes."},
		// Terminal escapes and control characters.
		{"\x1b]0;title\x07\x1b[2J\x1b[31mRutte\x1b[0m [1].", "Rutte [1]."},
		{"Rut\x00te\r [1]\x7f.\u0085\u009b", "Rutte [1]."},
		{"Rutte\n\ttook over.", "Rutte\n\ttook over."},
	}
	for _, tt := range tests {
		if got := visibleText(tt.in); got != tt.want {
			t.Errorf("visibleText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripMarkers(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"single", "Rutte took over [1].", "Rutte took over."},
		{"list", "Rutte took over [3, 99].", "Rutte took over."},
		{"range", "Rutte took over [1-3].", "Rutte took over."},
		{"semicolons", "Rutte took over [1; 2]", "Rutte took over"},
		{"other styles", "A 【1】 B (Passage 2) C [^3].", "A B C."},
		{"unfinished", "Rutte took over [1, 2", "Rutte took over"},
		{"unfinished range", "Rutte took over [1–", "Rutte took over"},
		{"unfinished bracket", "Rutte took over [", "Rutte took over"},
		{"unfinished label", "Rutte took over [Pass", "Rutte took over"},
		{"unfinished CJK", "Rutte took over 【1", "Rutte took over"},
		{"not a marker", "Spending [2%] rose", "Spending [2%] rose"},
		{"not a marker at the end", "see [above", "see [above"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripMarkers(tt.in); got != tt.want {
				t.Errorf("StripMarkers(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzCitations(f *testing.F) {
	for _, s := range []string{
		"Rutte took over [1]. He was PM [2, 3] and [9].",
		"[1-4][2–3] [4-2] [1;2] [ 3 ]",
		"[[9]1] [1, [2] [12345] [1",
		"@everyone <@123> [0]",
		"A 【2】 ［1, 3］ [Passage 2] (passages 1-2) [^3] [^[9]1] 【[^1]】",
		"",
	} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, text string, n int) {
		n = ((n % 12) + 12) % 12 // prompts number at most a few passages
		out, cited := checkCitations(text, n)

		// Every cited number is a passage given, once.
		seen := map[int]bool{}
		for _, c := range cited {
			if c < 1 || c > n || seen[c] {
				t.Fatalf("checkCitations(%q, %d) cited %v: out of range or repeated", text, n, cited)
			}
			seen[c] = true
		}
		// The markers left are exactly [1]..[k], first appearing in order.
		next := 1
		for i := 0; i < len(out); i++ {
			if out[i] != '[' {
				continue
			}
			nums, end, ok := scanMarker(out, i)
			if !ok {
				continue
			}
			if len(nums) != 1 || !strings.HasPrefix(out[i:], "["+strconv.Itoa(nums[0])+"]") {
				t.Fatalf("checkCitations(%q, %d) = %q: marker at %d is not a single [k]", text, n, out, i)
			}
			switch k := nums[0]; {
			case k < 1 || k > len(cited):
				t.Fatalf("checkCitations(%q, %d) = %q cites [%d] with %d sources", text, n, out, k, len(cited))
			case k == next:
				next++
			case k > next:
				t.Fatalf("checkCitations(%q, %d) = %q: [%d] appears before [%d]", text, n, out, k, next)
			}
			i = end - 1
		}
		if next != len(cited)+1 {
			t.Fatalf("checkCitations(%q, %d) = %q, %v: not every source is cited", text, n, out, cited)
		}
		// Checking again changes nothing.
		again, cited2 := checkCitations(out, len(cited))
		if again != out || len(cited2) != len(cited) {
			t.Fatalf("not idempotent: %q → %q → %q", text, out, again)
		}
		for i, c := range cited2 {
			if c != i+1 {
				t.Fatalf("second check renumbered %q: %v", out, cited2)
			}
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("checkCitations(%q) = %q: invalid UTF-8", text, out)
		}
	})
}

func BenchmarkCheckCitations(b *testing.B) {
	text := strings.Repeat("Mark Rutte took over from Jens Stoltenberg on 1 October 2024 [3][1], after a ceremony in Brussels [3, 9]. "+
		"He called on allies to increase defence spending [2-4]; readers were sceptical [7]. ", 3)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		out, cited := checkCitations(text, 8)
		if len(cited) != 5 || out == "" {
			b.Fatalf("got %v", cited)
		}
	}
}

// TestExcerpts checks that a quotation cited sentence by sentence is
// listed as one excerpt, and that nothing else is joined.
func TestExcerpts(t *testing.T) {
	c := func(n int, passage, kind, text string) Citation {
		return Citation{N: n, Doc: strings.Split(passage, "#")[0], Title: "T", Passage: passage, Kind: kind, Text: text}
	}
	tests := []struct {
		name        string
		cites, want []Citation
	}{
		{"a quotation over three sentences is one excerpt, with its first ID",
			[]Citation{c(1, "a#4", "article", `He said, "Yes.`), c(1, "a#5", "article", "No."), c(1, "a#6", "article", `Maybe," he added.`)},
			[]Citation{c(1, "a#4", "article", `He said, "Yes. No. Maybe," he added.`)}},
		{"curly quotes too", []Citation{c(1, "a#4", "article", "“Yes."), c(1, "a#5", "article", "No,” he said.")},
			[]Citation{c(1, "a#4", "article", "“Yes. No,” he said.")}},
		{"consecutive sentences outside a quotation stay apart",
			[]Citation{c(1, "a#4", "article", "One."), c(1, "a#5", "article", "Two.")},
			[]Citation{c(1, "a#4", "article", "One."), c(1, "a#5", "article", "Two.")}},
		{"a closed quotation is not continued", []Citation{c(1, "a#4", "article", `"Yes," he said.`), c(1, "a#5", "article", "Two.")},
			[]Citation{c(1, "a#4", "article", `"Yes," he said.`), c(1, "a#5", "article", "Two.")}},
		{"sentences apart stay apart", []Citation{c(1, "a#4", "article", `"One.`), c(1, "a#6", "article", `Three."`)},
			[]Citation{c(1, "a#4", "article", `"One.`), c(1, "a#6", "article", `Three."`)}},
		{"out of order stays apart", []Citation{c(1, "a#5", "article", `"Two.`), c(1, "a#4", "article", `One."`)},
			[]Citation{c(1, "a#5", "article", `"Two.`), c(1, "a#4", "article", `One."`)}},
		{"other articles stay apart", []Citation{c(1, "a#4", "article", `"One.`), c(2, "b#5", "article", `Two."`)},
			[]Citation{c(1, "a#4", "article", `"One.`), c(2, "b#5", "article", `Two."`)}},
		{"a headline is followed by nothing", []Citation{c(1, "a#0", "article", `"Title`), c(1, "a#1", "article", `One."`)},
			[]Citation{c(1, "a#0", "article", `"Title`), c(1, "a#1", "article", `One."`)}},
		{"an article sentence and a comment stay apart", []Citation{c(1, "a#9", "article", `"Yes.`), c(1, "a#10", "comment", `No."`)},
			[]Citation{c(1, "a#9", "article", `"Yes.`), c(1, "a#10", "comment", `No."`)}},
		{"none", nil, []Citation{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Excerpts(tt.cites)); diff != "" {
				t.Errorf("Excerpts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPassageNumber(t *testing.T) {
	tests := []struct {
		id  string
		doc string
		n   int
		ok  bool
	}{
		{"a#3", "a", 3, true},
		{"a#b#3", "a#b", 3, true},
		{"a#0", "a", 0, true},
		{"a#", "", 0, false},
		{"a#x", "", 0, false},
		{"a#-1", "", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		doc, n, ok := passageNumber(tt.id)
		if ok != tt.ok || ok && (doc != tt.doc || n != tt.n) {
			t.Errorf("passageNumber(%q) = %q, %d, %v; want %q, %d, %v", tt.id, doc, n, ok, tt.doc, tt.n, tt.ok)
		}
	}
}
