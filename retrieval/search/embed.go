package search

import (
	"context"
	"hash/fnv"
	"math"
)

// lexDim is the width of the hashed lexical part of a local embedding.
const lexDim = 256

// The parts of a local embedding are each unit length and then scaled so
// the whole is unit length: lexWeight² + semWeight² = 1. Chosen by the
// cross-validated figure on the dev split (go test ./retrieval -run
// TestFitModel, 20 repeats, best penalty): 1.286 at 0.6/0.8 (word vectors
// weighing more, as before), 1.301 at 0.8/0.6, 1.303 at 0.85/0.53, higher
// at every penalty for both. Weighing words more puts the best supporting
// sentence first a little less often (0.665 against 0.674) but separates
// the questions the articles answer from those they do not better: word
// vectors make a tempting unanswerable question look near its sentence.
const (
	lexWeight = 0.8
	semWeight = 0.6
)

// embedder is the offline embedder: a lexical part (hashed stems and
// character trigrams, TF-IDF weighted) joined to a semantic part (the
// IDF-weighted mean of static word vectors, less the direction all the
// passages' means share), so that "the alliance's new boss" lands near
// "NATO's new chief".
type embedder struct {
	vecs  *Vectors
	stats *termStats
	// common is the unit direction the passages' semantic parts share
	// most (their first principal direction), removed from every
	// semantic part; nil until set.
	common []float32
}

// newEmbedder returns an offline embedder with IDF weights from stats.
// vecs may be nil: the embedding is then lexical only.
func newEmbedder(vecs *Vectors, stats *termStats) *embedder {
	return &embedder{vecs: vecs, stats: stats}
}

// dim is the length of the vectors embed returns.
func (l *embedder) dim() int {
	if l.vecs == nil {
		return lexDim
	}
	return lexDim + l.vecs.dim
}

// embed is chromem-go's embedding function for the collection: it embeds
// queries, the passages' vectors being given. It never fails and never
// returns an all-zero vector: a text with no words gets a fixed unit vector.
func (l *embedder) embed(_ context.Context, text string) ([]float32, error) {
	return l.embedTokens(Tokenize(text)), nil
}

func (l *embedder) embedTokens(toks []Token) []float32 {
	v := make([]float32, l.dim())
	lex, sem := v[:lexDim], v[lexDim:]
	for _, t := range toks {
		if IsStop(t.Word) {
			continue
		}
		w := float32(l.stats.idf(t.Stem))
		addHashed(lex, "w:"+t.Stem, w)
		addTrigrams(lex, t.Word, w*0.3)
	}
	l.addSemantic(sem, toks)
	if l.common != nil {
		before := norm(sem)
		d := dot(sem, l.common)
		for i, c := range l.common {
			sem[i] -= d * c
		}
		if norm(sem) < minLeft*before {
			// All the text's meaning lay along the common direction:
			// what is left is rounding, not meaning.
			clear(sem)
		}
	}
	ln, sn := norm(lex), norm(sem)
	switch {
	case ln == 0 && sn == 0:
		v[0] = 1
		return v
	case sn == 0:
		scale(lex, 1/ln)
	case ln == 0:
		scale(sem, 1/sn)
	default:
		scale(lex, lexWeight/ln)
		scale(sem, semWeight/sn)
	}
	return v
}

func addHashed(dst []float32, feature string, w float32) {
	h := fnv.New32a()
	h.Write([]byte(feature))
	x := h.Sum32()
	if x&(1<<31) != 0 {
		w = -w // a sign bit halves the damage of collisions
	}
	dst[int(x%uint32(len(dst)))] += w
}

func addTrigrams(dst []float32, word string, w float32) {
	padded := "<" + word + ">"
	rs := []rune(padded)
	if len(rs) < 3 {
		return
	}
	n := len(rs) - 2
	each := w / float32(math.Sqrt(float64(n)))
	for i := 0; i < n; i++ {
		addHashed(dst, "g:"+string(rs[i:i+3]), each)
	}
}

func norm(v []float32) float32 {
	var s float32
	for _, x := range v {
		s += x * x
	}
	return float32(math.Sqrt(float64(s)))
}

func scale(v []float32, f float32) {
	for i := range v {
		v[i] *= f
	}
}

func dot(a, b []float32) float32 {
	// Four running sums: the additions of one no longer wait on the
	// others', which makes the loop about twice as fast.
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// addSemantic adds to sem the IDF-weighted sum of the word vectors of
// toks' content words; sem is left as it is without word vectors.
func (l *embedder) addSemantic(sem []float32, toks []Token) {
	if l.vecs == nil {
		return
	}
	for _, t := range toks {
		if !IsStop(t.Word) {
			l.vecs.addTo(sem, t.Word, float32(l.stats.idf(t.Stem)))
		}
	}
}

// Common-direction removal (see Build) needs enough passages for their
// shared direction to be a property of the language rather than of a few
// texts; it reads at most maxCommonSample of them, evenly spaced; and it
// is undone for a text whose semantic part it leaves at less than minLeft
// of its length.
const (
	minCommonPassages = 50
	maxCommonSample   = 5000
	minLeft           = 1e-3
)

// semantic returns the unit IDF-weighted mean of toks' word vectors, nil
// when none has one.
func (l *embedder) semantic(toks []Token) []float32 {
	if l.vecs == nil {
		return nil
	}
	sem := make([]float32, l.vecs.dim)
	l.addSemantic(sem, toks)
	n := norm(sem)
	if n == 0 {
		return nil
	}
	scale(sem, 1/n)
	return sem
}

// principal returns the unit first principal direction (uncentred) of vs,
// by power iteration; nil when vs holds none.
func principal(vs [][]float32, dim int) []float32 {
	v := make([]float32, dim)
	for _, x := range vs {
		for i := range v {
			v[i] += x[i]
		}
	}
	if norm(v) == 0 {
		return nil
	}
	scale(v, 1/norm(v))
	for range 30 {
		next := make([]float32, dim)
		for _, x := range vs {
			d := dot(x, v)
			for i := range next {
				next[i] += d * x[i]
			}
		}
		n := norm(next)
		if n == 0 {
			return nil
		}
		scale(next, 1/n)
		v = next
	}
	return v
}
