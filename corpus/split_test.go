package corpus

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "Rutte took over. Stoltenberg left.", []string{"Rutte took over.", "Stoltenberg left."}},
		{"acronym mid-sentence", "The U.S. election is in November. Allies worry.", []string{"The U.S. election is in November.", "Allies worry."}},
		{"acronym ends sentence", "He thanked the U.S. The crowd cheered.", []string{"He thanked the U.S.", "The crowd cheered."}},
		{"title abbreviation", "Mr. Trump spoke. Dr. Smith listened.", []string{"Mr. Trump spoke.", "Dr. Smith listened."}},
		{"month abbreviation", "It happened on Oct. 1, 2024 in Brussels. Then lunch.", []string{"It happened on Oct. 1, 2024 in Brussels.", "Then lunch."}},
		{"decimal and grouped numbers", "Spending rose 2.5 percent to 1,000 euros. Fine.", []string{"Spending rose 2.5 percent to 1,000 euros.", "Fine."}},
		{"year ends sentence", "He took office in 2014. Russia annexed Crimea.", []string{"He took office in 2014.", "Russia annexed Crimea."}},
		{"curly closing quote", "Rutte said he “cannot wait to get to work.” He smiled.", []string{"Rutte said he “cannot wait to get to work.”", "He smiled."}},
		{"straight closing quote", `"It is a big job," he said. "I have big shoes."`, []string{`"It is a big job," he said.`, `"I have big shoes."`}},
		{"question and exclamation", "Who is he? Nobody knows! Fine.", []string{"Who is he?", "Nobody knows!", "Fine."}},
		{"question inside quote continues", `"Why?" he asked.`, []string{`"Why?" he asked.`}},
		{"initial", "J. Luns led NATO. Then others.", []string{"J. Luns led NATO.", "Then others."}},
		{"newline ends sentence", "A heading\nThe text follows.", []string{"A heading", "The text follows."}},
		{"no final punctuation", "Either side could claim victory 🙂", []string{"Either side could claim victory 🙂"}},
		{"ellipsis", "He paused... Then spoke.", []string{"He paused...", "Then spoke."}},
		{"empty", "   ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range Split(tt.in) {
				got = append(got, s.Text)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Split(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"Rutte took over. He said “hi.” Then U.S. 2.5 Oct. 1, 2024.", "a\nb", "", "...", "“”"} {
		f.Add(s)
	}
	for _, a := range mustLoad(f).Articles {
		f.Add(a.Text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		prev := 0
		for _, s := range Split(text) {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("bad span %d:%d after %d in %q", s.Start, s.End, prev, text)
			}
			if text[s.Start:s.End] != s.Text || strings.TrimSpace(s.Text) != s.Text {
				t.Fatalf("span text %q does not match or is untrimmed", s.Text)
			}
			if utf8.ValidString(text) && !utf8.ValidString(s.Text) {
				t.Fatalf("span %q cuts a rune", s.Text)
			}
			prev = s.End
		}
	})
}
