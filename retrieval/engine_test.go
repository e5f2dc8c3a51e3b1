package retrieval

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestCheckQuestion checks what can be asked: trimmed text of at most
// MaxQuestionLen characters, valid UTF-8, with no control character but
// tabs and line breaks.
func TestCheckQuestion(t *testing.T) {
	tests := []struct {
		name, q, want string
		err           error
	}{
		{"trimmed", "  who is rutte?\n", "who is rutte?", nil},
		{"tab and line break inside", "who\tis\r\nrutte", "who\tis\r\nrutte", nil},
		{"longest", strings.Repeat("é", MaxQuestionLen), strings.Repeat("é", MaxQuestionLen), nil},
		{"empty", " \n ", "", ErrEmptyQuestion},
		{"too long", strings.Repeat("é", MaxQuestionLen+1), "", ErrQuestionTooLong},
		{"not UTF-8", "\xff who?", "", ErrInvalidQuestion},
		{"NUL", "who\x00?", "", ErrInvalidQuestion},
		{"another C0 control", "who is\x01 rutte", "", ErrInvalidQuestion},
		{"escape sequence", "who \x1b[31mis rutte", "", ErrInvalidQuestion},
		{"DEL", "who\x7f?", "", ErrInvalidQuestion},
		{"C1 control", "who \u009b31mis rutte", "", ErrInvalidQuestion},
		{"accented letters are no controls", "qui est Rutte ? ¿Quién?", "qui est Rutte ? ¿Quién?", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckQuestion(tt.q)
			if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Errorf("CheckQuestion(%q) = %q, %v; want %q, %v", tt.q, got, err, tt.want, tt.err)
			}
		})
	}
}

// TestAnswerChecksHistory checks that a follow-up's earlier question is
// checked as the question is: it is analysed too.
func TestAnswerChecksHistory(t *testing.T) {
	e := fixtureEngine(t, map[string]string{"a.txt": "Bridge news\n\nMayor Ana Costa opened the bridge on Monday.\n"})
	for _, prev := range []string{strings.Repeat("\x80", 60), "who\x00?", strings.Repeat("é", MaxQuestionLen+1)} {
		_, err := e.Answer(context.Background(), Request{Question: "and when?", History: []Turn{{Question: prev, Answer: "x"}}})
		if err == nil || !strings.Contains(err.Error(), "earlier question") {
			t.Errorf("history %q: err %v, want the earlier question refused", prev, err)
		}
	}
	if _, err := e.Answer(context.Background(), Request{Question: "and when?", History: []Turn{{Question: "who opened the bridge?", Answer: "x"}}}); err != nil {
		t.Errorf("a valid history: %v", err)
	}
}
