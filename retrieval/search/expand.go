package search

import (
	"math"
	"slices"
	"sort"
)

// expander finds words of the corpus close in meaning to a word it does not
// use ("boss" → "chief", "leader"), for the lexical stage.
type expander struct {
	vecs  *Vectors
	words []string
	row   map[string]int32
	mat   []float32 // unit vectors, row by row
}

func newExpander(vecs *Vectors, words map[string]bool) *expander {
	e := &expander{vecs: vecs, row: map[string]int32{}}
	if vecs == nil {
		return e
	}
	list := make([]string, 0, len(words))
	for w := range words {
		if vecs.has(w) && !isNumber(w) {
			list = append(list, w)
		}
	}
	sort.Strings(list)
	dim := vecs.dim
	e.mat = make([]float32, len(list)*dim)
	for i, w := range list {
		row := e.mat[i*dim : (i+1)*dim]
		vecs.addTo(row, w, 1)
		if n := norm(row); n > 0 {
			scale(row, 1/n)
		}
	}
	e.words = list
	for i, w := range list {
		e.row[w] = int32(i)
	}
	return e
}

// rowsOf returns the matrix rows of the distinct content words in ts.
func (e *expander) rowsOf(ts []Token) []int32 {
	var out []int32
	for _, t := range ts {
		if IsStop(t.Word) {
			continue
		}
		r, ok := e.row[t.Word]
		if ok && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// Unit returns word's unit GloVe vector, or nil when the word has none.
// The caller must not change it: a word of the corpus gets its row of the
// expander's matrix, computed once at build time.
func (ix *Index) Unit(word string) []float32 {
	e := ix.expand
	if e.vecs == nil {
		return nil
	}
	if r, ok := e.row[word]; ok {
		dim := e.vecs.dim
		return e.mat[int(r)*dim : (int(r)+1)*dim : (int(r)+1)*dim]
	}
	q := make([]float32, e.vecs.dim)
	if !e.vecs.addTo(q, word, 1) {
		return nil
	}
	n := norm(q)
	if n == 0 {
		return nil
	}
	scale(q, 1/n)
	return q
}

// Row returns the matrix row of a corpus word's unit vector, or -1 when
// the corpus has no such word: what Best is given with the word's vector.
func (ix *Index) Row(word string) int32 {
	if r, ok := ix.expand.row[word]; ok {
		return r
	}
	return -1
}

// Best is the highest cosine between the unit vector q (from Unit) and
// the words of the passage at pos. qrow is q's row (from Row), or -1: a
// passage holding the word itself needs no other cosine, since none is
// higher. Each cosine is remembered in memo (from NewMemo), kept for one
// question word: the candidates of a question share most of their words,
// and soft coverage would otherwise compute the same cosines for each.
func (ix *Index) Best(q []float32, qrow int32, pos int, memo []float32) float32 {
	e := ix.expand
	dim := len(q)
	var m float32
	for _, r := range ix.rows[pos] {
		s := memo[r]
		if s != s { // NaN: not yet computed
			s = dot(q, e.mat[int(r)*dim:(int(r)+1)*dim])
			memo[r] = s
		}
		if r == qrow {
			return s
		}
		m = max(m, s)
	}
	return m
}

// NewMemo returns a memo for Best: one NaN (not yet computed) per corpus
// word.
func (ix *Index) NewMemo() []float32 {
	memo := make([]float32, len(ix.expand.words))
	nan := float32(math.NaN())
	for i := range memo {
		memo[i] = nan
	}
	return memo
}

// Neighbour is a corpus word near another in GloVe space.
type Neighbour struct {
	Word string
	Sim  float32 // the cosine of the two words' vectors
}

// Similar returns up to k corpus words whose cosine with word is at least
// minSim, best first.
func (ix *Index) Similar(word string, k int, minSim float32) []Neighbour {
	e := ix.expand
	if e.vecs == nil || len(e.words) == 0 {
		return nil
	}
	dim := e.vecs.dim
	q := ix.Unit(word)
	if q == nil {
		return nil
	}
	var out []Neighbour
	for i, w := range e.words {
		s := dot(q, e.mat[i*dim:(i+1)*dim])
		if s >= minSim {
			out = append(out, Neighbour{w, s})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Sim != out[j].Sim {
			return out[i].Sim > out[j].Sim
		}
		return out[i].Word < out[j].Word
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

// Dot is the dot product of a and b: the cosine of two unit vectors such
// as Unit returns.
func Dot(a, b []float32) float32 { return dot(a, b) }
