package retrieval

import (
	"slices"
	"testing"
)

// TestPromptPassages checks what the model is given to read: each
// candidate with the sentences either side of it in its paragraph,
// numbered in reading order, runs in the order of their best candidate,
// never more than maxPromptPassages.
func TestPromptPassages(t *testing.T) {
	ix := shippedEngine(t).index
	// middle: a sentence with a neighbour on each side; lone: one with
	// none (a headline).
	middle, lone := -1, -1
	for pos, p := range ix.passages {
		if middle < 0 && p.Before != "" && p.After != "" && pos+2 < len(ix.passages) && ix.passages[pos+2].Before != "" {
			middle = pos
		}
		if lone < 0 && p.Before == "" && p.After == "" {
			lone = pos
		}
	}
	if middle < 0 || lone < 0 {
		t.Fatal("the shipped corpus has no sentence with neighbours on both sides, or none without")
	}
	cases := []struct {
		name  string
		cands []int
		want  []int
	}{
		{"neighbours in reading order", []int{middle}, []int{middle - 1, middle, middle + 1}},
		{"a lone sentence alone", []int{lone}, []int{lone}},
		{"runs in rank order", []int{lone, middle}, []int{lone, middle - 1, middle, middle + 1}},
		{"touching windows make one run", []int{middle + 1, middle}, []int{middle - 1, middle, middle + 1, middle + 2}},
		{"a candidate already numbered as a neighbour", []int{middle, middle + 1}, []int{middle - 1, middle, middle + 1, middle + 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var cands []candidate
			for _, pos := range tc.cands {
				cands = append(cands, candidate{pos: pos})
			}
			if got := ix.promptPassages(cands); !slices.Equal(got, tc.want) {
				t.Errorf("promptPassages(%v) = %v, want %v", tc.cands, got, tc.want)
			}
		})
	}
	t.Run("capped", func(t *testing.T) {
		var cands []candidate
		for pos := range ix.passages {
			cands = append(cands, candidate{pos: pos})
		}
		got := ix.promptPassages(cands)
		if len(got) != maxPromptPassages {
			t.Fatalf("every passage a candidate: %d numbered, want %d", len(got), maxPromptPassages)
		}
		seen := map[int]bool{}
		for _, pos := range got {
			if seen[pos] {
				t.Errorf("passage %d numbered twice", pos)
			}
			seen[pos] = true
		}
	})
}
