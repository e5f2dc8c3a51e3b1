package retrieval

import (
	"math"
	"sort"
)

// termStats holds document frequencies over the passages, by stem.
type termStats struct {
	n  int
	df map[string]int
}

func newTermStats() *termStats { return &termStats{df: map[string]int{}} }

func (s *termStats) add(toks []token) {
	s.n++
	seen := map[string]bool{}
	for _, t := range toks {
		if isStop(t.word) || seen[t.stem] {
			continue
		}
		seen[t.stem] = true
		s.df[t.stem]++
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

// idfOf is idf by stem ID, through the index's table of stems.
func (ix *Index) idfOf(id uint32) float64 { return ix.stats.idf(ix.stemOf[id]) }

// bm25 is an inverted index over stemmed passages.
type bm25 struct {
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

func newBM25(stats *termStats, docs [][]token) *bm25 {
	b := &bm25{stats: stats, postings: map[string][]posting{}, lengths: make([]int, len(docs))}
	total := 0
	for i, toks := range docs {
		tf := map[string]int32{}
		n := 0
		for _, t := range toks {
			if isStop(t.word) {
				continue
			}
			tf[t.stem]++
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

type scored struct {
	doc   int
	score float64
}

// search scores every passage that holds a query term and returns the best
// k, highest first, ties broken by passage order so results are stable.
// terms maps a stem to its weight (1 for the question's own words, less for
// expansions).
func (b *bm25) search(terms map[string]float64, k int) []scored {
	acc := map[int32]float64{}
	for stem, qw := range terms {
		ps := b.postings[stem]
		if len(ps) == 0 {
			continue
		}
		idf := b.stats.idf(stem) * qw
		for _, p := range ps {
			tf := float64(p.tf)
			l := float64(b.lengths[p.doc])
			acc[p.doc] += idf * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*l/b.avgLen))
		}
	}
	out := make([]scored, 0, len(acc))
	for d, s := range acc {
		out = append(out, scored{doc: int(d), score: s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].doc < out[j].doc
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}
