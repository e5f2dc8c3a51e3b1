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
			if strings.Contains(next.Text, c.Text) && strings.Contains(first.Text, c.Text) {
				t.Errorf("follow-up %q repeats %q\nfirst: %s\nnext: %s", tt.follow, c.Text, first.Text, next.Text)
			}
		}
	}
}

func TestNotEnglishOffline(t *testing.T) {
	e := shippedEngine(t)
	a, err := e.Answer(context.Background(), Request{Question: "Wer ist der neue Generalsekretär der Allianz?"})
	if err != nil || a.Text != englishOnlyReply || !a.Abstained || a.Language != "de" || len(a.Citations) != 0 {
		t.Errorf("answer = %+v, %v", a, err)
	}
}
