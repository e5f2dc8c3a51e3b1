package search

import (
	"context"
	"testing"

	"github.com/handover/handover/corpus"
)

// TestBestMemo checks that BestMemo gives Best's cosines, with a memo
// shared across passages as soft coverage shares it across a question's
// candidates, and that the memo is filled only for the words read.
func TestBestMemo(t *testing.T) {
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
				if got, want := ix.BestMemo(q, row, pos, memo), ix.Best(q, row, pos); got != want {
					t.Errorf("%q, passage %d, round %d: BestMemo %v, Best %v", word, pos, round, got, want)
				}
			}
		}
	}
	memo := ix.NewMemo()
	ix.BestMemo(ix.Unit("boss"), -1, 2, memo)
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
