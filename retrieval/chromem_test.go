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
// the shipped corpus and of synthetic archives: the search index's Vector
// must return what chromem-go's exhaustive query returns, so ranking, and
// every answer, is unchanged. Up to 5,000 passages Vector is that query;
// the 6,000-passage archive takes the quantised scan (search's
// chromemMax), asked the planted questions and the first 300 of the eval's
// to keep the race detector's run short. chromem-go breaks ties at the
// k-th score in map order, so rows tied with the k-th are compared by
// score only.
func TestVectorSearchMatchesChromem(t *testing.T) {
	for _, n := range []int{0, 1_000, 6_000} {
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
			if n > 5_000 {
				qs = qs[:300]
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

// TestSearchAsksForNothing checks that asking the search index for no
// results gets none, on both of Vector's paths and from BM25, rather than
// an error or a panic.
func TestSearchAsksForNothing(t *testing.T) {
	for _, e := range []*Engine{shippedEngine(t), func() *Engine { e, _ := synthEngine(t, 6_000); return e }()} {
		ix := e.index.lookup
		q := ix.Embed("who took over")
		for _, k := range []int{0, -1} {
			if got, err := ix.Vector(context.Background(), q, k); got != nil || err != nil {
				t.Errorf("Vector(k=%d) = %v, %v; want nothing", k, got, err)
			}
			if got := ix.BM25(map[string]float64{"rutt": 1, "took": 1}, k); got != nil {
				t.Errorf("BM25(k=%d) = %v, want nothing", k, got)
			}
		}
	}
}
