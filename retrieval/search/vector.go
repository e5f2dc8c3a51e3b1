package search

import (
	"context"
	"fmt"
	"sort"
)

// chromemMax is the largest collection queried through chromem-go itself.
// Its exhaustive query costs about 80 µs on the shipped articles and grows
// with the collection (87 ms at 100,000 passages); above this size the
// compact copies in ix.scan answer the same query many times faster (see
// scan.go and BenchmarkVectorSearch in retrieval).
const chromemMax = 5_000

// Vector returns the k passages nearest to q, best first, ties broken by
// position so results are stable: from the chromem-go collection, or from
// its compact copies for a large one, which give the same results
// (TestScanIndexExact here, TestVectorSearchMatchesChromem in retrieval).
func (ix *Index) Vector(ctx context.Context, q []float32, k int) ([]Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	if k <= 0 || ix.coll.Count() == 0 {
		return nil, nil // asks for nothing, or nothing to find
	}
	if ix.coll.Count() > chromemMax {
		return ix.scan.search(q, k), nil
	}
	out, err := ix.Exhaustive(ctx, q, k)
	if err != nil {
		return nil, err
	}
	// chromem-go returns ties in any order.
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Pos < out[j].Pos
	})
	return out, nil
}

// Exhaustive is chromem-go's own exhaustive query for the k passages
// nearest to q, in its order: best first, ties in any order. Vector uses
// it for collections up to chromemMax. It is exported as the reference
// that retrieval's tests and benchmarks hold Vector to on archives of
// every size.
func (ix *Index) Exhaustive(ctx context.Context, q []float32, k int) ([]Hit, error) {
	// chromem-go refuses a query for more results than it holds.
	res, err := ix.coll.QueryEmbedding(ctx, q, min(k, ix.coll.Count()), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	out := make([]Hit, 0, len(res))
	for _, r := range res {
		if pos, ok := ix.pos[r.ID]; ok {
			out = append(out, Hit{Pos: pos, Score: float64(r.Similarity)})
		}
	}
	return out, nil
}
