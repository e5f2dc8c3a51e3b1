package search

import (
	"math"
	"sync"
)

// termStats holds document frequencies over the passages, by stem.
type termStats struct {
	n  int
	df map[string]int
}

func newTermStats() *termStats { return &termStats{df: map[string]int{}} }

func (s *termStats) add(toks []Token) {
	s.n++
	seen := map[string]bool{}
	for _, t := range toks {
		if IsStop(t.Word) || seen[t.Stem] {
			continue
		}
		seen[t.Stem] = true
		s.df[t.Stem]++
	}
}

// idf is BM25's inverse document frequency; a stem the passages never use
// gets the highest weight, as if it appeared in half a document.
func (s *termStats) idf(stem string) float64 {
	df := float64(s.df[stem])
	if df == 0 {
		df = 0.5
	}
	return math.Log(1 + (float64(s.n)-df+0.5)/(df+0.5))
}

// bm25 is an inverted index over stemmed passages.
type bm25 struct {
	// accs holds score arrays for search to reuse: one is as long as the
	// collection, too big to allocate per question.
	accs     sync.Pool
	stats    *termStats
	postings map[string][]posting
	lengths  []int
	avgLen   float64
}

type posting struct {
	doc int32
	tf  int32
}

const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

func newBM25(stats *termStats, docs [][]Token) *bm25 {
	b := &bm25{stats: stats, postings: map[string][]posting{}, lengths: make([]int, len(docs))}
	total := 0
	for i, toks := range docs {
		tf := map[string]int32{}
		n := 0
		for _, t := range toks {
			if IsStop(t.Word) {
				continue
			}
			tf[t.Stem]++
			n++
		}
		b.lengths[i] = n
		total += n
		for stem, c := range tf {
			b.postings[stem] = append(b.postings[stem], posting{doc: int32(i), tf: c})
		}
	}
	if len(docs) > 0 {
		b.avgLen = float64(total) / float64(len(docs))
	}
	return b
}

// Hit is a passage a search found: its position in the passages the
// index was built from, and its score (cosine or BM25).
type Hit struct {
	Pos   int
	Score float64
}

// search scores every passage that holds a query term and returns the best
// k, highest first, ties broken by passage order so results are stable.
// terms maps a stem to its weight (1 for the question's own words, less for
// expansions). Scores add up in a dense array, and a bounded heap keeps the
// best k: at 100,000 passages a map and a full sort cost more than the
// rest of the answer. k of 0 or less asks for nothing.
func (b *bm25) search(terms map[string]float64, k int) []Hit {
	if k <= 0 {
		return nil
	}
	accp, _ := b.accs.Get().(*[]float64)
	if accp == nil || len(*accp) != len(b.lengths) {
		acc := make([]float64, len(b.lengths))
		accp = &acc
	}
	acc := *accp
	var touched []int32
	for stem, qw := range terms {
		ps := b.postings[stem]
		if len(ps) == 0 {
			continue
		}
		idf := b.stats.idf(stem) * qw
		for _, p := range ps {
			tf := float64(p.tf)
			l := float64(b.lengths[p.doc])
			if acc[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			acc[p.doc] += idf * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*l/b.avgLen))
		}
	}
	var h topK
	for _, d := range touched {
		h.offer(Hit{Pos: int(d), Score: acc[d]}, k)
		acc[d] = 0
	}
	b.accs.Put(accp)
	return h.sorted()
}
