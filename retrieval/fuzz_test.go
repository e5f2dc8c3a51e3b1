package retrieval

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// FuzzAnswer asks the shipped engine anything: it returns a clear error
// for a question it cannot take and otherwise an answer that either
// abstains, citing nothing, or cites passages of the articles word for
// word, each under a number its text shows. Run it longer with
// go test ./retrieval -run '^$' -fuzz FuzzAnswer -fuzztime 5m.
func FuzzAnswer(f *testing.F) {
	for _, q := range []string{
		"Who succeeded Jens Stoltenberg?", "wat did rutte say abt trump lol", "rutte start date?",
		"what do the comments say about rutte", "how long did he lead nato", "Wer ist Rutte?",
		"which # sec gen was stoltenburg", "what year did russia annex crimea again",
		"“”\"'", "???", "the the the", "a\u00a0b", "12345,678 days", "Joseph Luns's 12-year-old",
	} {
		f.Add(q)
	}
	e := shippedEngine(f)
	passages := map[string]string{}
	for _, p := range e.index.passages {
		passages[p.ID] = p.Text
	}
	f.Fuzz(func(t *testing.T, q string) {
		a, err := e.Answer(context.Background(), Request{Question: q})
		if err != nil {
			if !IsBadQuestion(err) {
				t.Fatalf("Answer(%q): unexpected error %v", q, err)
			}
			return
		}
		if a.Abstained != (len(a.Citations) == 0) {
			t.Fatalf("Answer(%q): abstained %v with %d citations", q, a.Abstained, len(a.Citations))
		}
		for _, c := range a.Citations {
			text, ok := passages[c.Passage]
			if !ok || text != c.Text {
				t.Fatalf("Answer(%q) cites %q as %q: not that passage's words", q, c.Passage, c.Text)
			}
			if mark := fmt.Sprintf("[%d]", c.N); !strings.Contains(a.Text, mark) {
				t.Fatalf("Answer(%q) cites %q as %s, a mark its text %q lacks", q, c.Text, mark, a.Text)
			}
		}
	})
}
