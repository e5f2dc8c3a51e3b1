package retrieval

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/handover/handover/retrieval/search"
)

// chromemSearch is chromem-go's exhaustive query, sorted by score then
// position.
func chromemSearch(t testing.TB, ix *Index, q []float32, k int) []search.Hit {
	t.Helper()
	out, err := ix.lookup.Exhaustive(context.Background(), q, k)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b search.Hit) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return a.Pos - b.Pos
	})
	return out
}

// TestVectorSearchMatchesChromem asks the eval and planted questions of
// the shipped corpus and a synthetic archive: the search index's Vector must return
// what chromem-go's exhaustive query returns, so ranking, and every
// answer, is unchanged. chromem-go breaks ties at the k-th score in map
// order, so rows tied with the k-th are compared by score only.
func TestVectorSearchMatchesChromem(t *testing.T) {
	for _, n := range []int{0, 1_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var e *Engine
			var facts []plantedFact
			if n == 0 {
				e = shippedEngine(t)
			} else {
				e, facts = synthEngine(t, n)
			}
			ix := e.index
			var qs []string
			for _, c := range loadEval(t) {
				qs = append(qs, c.Question)
			}
			for _, f := range facts {
				qs = append(qs, f.Question)
			}
			var same, total int
			for _, question := range qs {
				q := ix.lookup.Embed(question)
				got, err := ix.lookup.Vector(context.Background(), q, vectorK)
				if err != nil {
					t.Fatal(err)
				}
				want := chromemSearch(t, ix, q, vectorK)
				if len(got) != len(want) {
					t.Fatalf("%q: %d results, chromem-go %d", question, len(got), len(want))
				}
				kth := want[len(want)-1].Score
				for i := range want {
					total++
					if got[i].Score != want[i].Score {
						t.Fatalf("%q: result %d scores %v, chromem-go %v", question, i, got[i].Score, want[i].Score)
					}
					if want[i].Score > kth && got[i].Pos != want[i].Pos {
						t.Fatalf("%q: result %d is passage %d, chromem-go %d", question, i, got[i].Pos, want[i].Pos)
					}
					if got[i].Pos == want[i].Pos {
						same++
					}
				}
			}
			t.Logf("%d questions: %d of %d results identical to chromem-go (the rest tie at the k-th score)", len(qs), same, total)
		})
	}
}
