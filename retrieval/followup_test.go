package retrieval

import (
	"context"
	"strings"
	"testing"
)

func TestFollowUpSaysSomethingNew(t *testing.T) {
	e := shippedEngine(t)
	ctx := context.Background()
	tests := []struct{ first, follow string }{
		{"Who succeeded Jens Stoltenberg?", "and when was that?"},
		{"Where was the handover ceremony?", "who was there?"},
		// The first answer names the speaker in brackets (nameSayer).
		{"who said big shoes to fill", "what else did he say?"},
	}
	for _, tt := range tests {
		first, err := e.Answer(ctx, Request{Question: tt.first})
		if err != nil || first.Abstained {
			t.Fatalf("%q: %+v, %v", tt.first, first, err)
		}
		next, err := e.Answer(ctx, Request{Question: tt.follow, History: []Turn{{Question: tt.first, Answer: first.Text}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range next.Citations {
			if strings.Contains(WithoutNames(next.Text), c.Text) && strings.Contains(WithoutNames(first.Text), c.Text) {
				t.Errorf("follow-up %q repeats %q\nfirst: %s\nnext: %s", tt.follow, c.Text, first.Text, next.Text)
			}
		}
	}
}

// TestFollowUpEmbedding checks that a follow-up without content words of
// its own ("and when was that?") is scored on an embedding of both
// questions' words: alone, its embedding is like no sentence's, and the
// embedding-cosine feature would pull every candidate down.
func TestFollowUpEmbedding(t *testing.T) {
	e := shippedEngine(t)
	ctx := context.Background()
	first, follow := "Who succeeded Jens Stoltenberg?", "and when was that?"
	alone, err := e.trace(ctx, Request{Question: follow})
	if err != nil {
		t.Fatal(err)
	}
	next, err := e.trace(ctx, Request{Question: follow, History: []Turn{{Question: first, Answer: "Mark Rutte."}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(alone.ranked) == 0 || len(next.ranked) == 0 {
		t.Fatalf("no candidates: alone %d, as a follow-up %d", len(alone.ranked), len(next.ranked))
	}
	if a, n := alone.ranked[0].x[fDense], next.ranked[0].x[fDense]; n < 0.3 || n <= a {
		t.Errorf("embedding cosine of the best candidate: %.2f as a follow-up, %.2f alone; want the follow-up's at least 0.3 and higher", n, a)
	}
}

func TestNotEnglishOffline(t *testing.T) {
	e := shippedEngine(t)
	a, err := e.Answer(context.Background(), Request{Question: "Wer ist der neue Generalsekretär der Allianz?"})
	if err != nil || a.Text != englishOnlyReply || !a.Abstained || a.Language != "de" || len(a.Citations) != 0 {
		t.Errorf("answer = %+v, %v", a, err)
	}
}
