package search

import (
	"context"
	"testing"

	"github.com/handover/handover/corpus"
)

// TestBest checks that Best gives the highest cosine of a word with the
// passage's words, with a memo shared across passages as soft coverage
// shares it across a question's candidates, and that the memo is filled
// only for the words read.
func TestBest(t *testing.T) {
	vecs, err := DefaultVectors()
	if err != nil {
		t.Fatal(err)
	}
	ps := []corpus.Passage{
		{ID: "a#1", Doc: "a", Text: "The mayor opened the bridge on Monday."},
		{ID: "a#2", Doc: "a", Text: "The council closed the river harbour."},
		{ID: "a#3", Doc: "a", Text: "The mayor visited the hospital."},
	}
	ix, err := Build(context.Background(), ps, vecs, noLemmas{})
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"boss", "mayor", "ship"} {
		q, row := ix.Unit(word), ix.Row(word)
		if q == nil {
			t.Fatalf("no vector for %q", word)
		}
		memo := ix.NewMemo()
		for round := range 2 { // the second round reads the memo
			for pos := range ps {
				var want float32
				for _, r := range ix.rows[pos] {
					want = max(want, dot(q, ix.expand.mat[int(r)*len(q):(int(r)+1)*len(q)]))
				}
				if got := ix.Best(q, row, pos, memo); got != want {
					t.Errorf("%q, passage %d, round %d: Best %v, want %v", word, pos, round, got, want)
				}
			}
		}
	}
	memo := ix.NewMemo()
	ix.Best(ix.Unit("boss"), -1, 2, memo)
	filled := 0
	for _, s := range memo {
		if s == s {
			filled++
		}
	}
	if filled == 0 || filled > len(ix.rows[2]) {
		t.Errorf("memo has %d cosines after one passage of %d words", filled, len(ix.rows[2]))
	}
}
