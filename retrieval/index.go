package retrieval

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval/lexicon"
	chromem "github.com/philippgille/chromem-go"
)

// docMeta is what a citation says about an article.
type docMeta struct {
	title, publisher, date string
}

// Index holds the passages of a corpus in a chromem-go collection and a
// BM25 index, with what ranking needs to score them.
type Index struct {
	passages []corpus.Passage
	docs     map[string]docMeta
	pos      map[string]int // passage ID → position

	stats  *termStats
	bm25   *bm25
	local  *Local
	coll   *chromem.Collection
	vecs   [][]float32 // the collection's vectors by position, for rescoring
	scan   *scanIndex  // compact copies of vecs that vectorSearch scans
	stems  [][]uint32  // each passage's distinct stem IDs (and its words' lemmas'), sorted
	vocab  map[string]uint32
	stemOf []string // stem by ID
	words  []string // the passages' distinct content words, for typo matching
	expand *expander
	rows   [][]int32 // each passage's words as rows of expand's matrix
	remote *remote   // API embeddings, when configured
	lex    *lexicon.Lexicon
	facts  *passageFacts
	model  *model
}

// BuildIndex embeds every passage of c with the local embedder (using the
// word vectors vecs, which may be nil) and indexes it.
func BuildIndex(ctx context.Context, c *corpus.Corpus, vecs *Vectors) (*Index, error) {
	lex, err := lexicon.Default()
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	m, err := loadModel(modelJSON)
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	ix := &Index{
		passages: c.Passages(),
		docs:     map[string]docMeta{},
		pos:      map[string]int{},
		stats:    newTermStats(),
		vocab:    map[string]uint32{},
		lex:      lex,
		model:    m,
	}
	for _, a := range c.Articles {
		ix.docs[a.ID] = docMeta{title: a.Title, publisher: a.Publisher, date: a.Date}
	}
	if len(ix.passages) == 0 {
		return nil, fmt.Errorf("build index: no passages")
	}
	toks := make([][]token, len(ix.passages))
	parallel(len(toks), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			toks[i] = tokenize(ix.passages[i].Text)
		}
	})
	// Each word also counts as its lemmas ("took" as "take"), so that a
	// question in another form of the word finds it.
	lemmaToks := ix.withLemmas(toks)
	words := map[string]bool{}
	for i, p := range ix.passages {
		ix.pos[p.ID] = i
		ix.stats.add(lemmaToks[i])
		for _, t := range toks[i] {
			if !isStop(t.word) {
				words[t.word] = true
			}
		}
	}
	ix.bm25 = newBM25(ix.stats, lemmaToks)
	ix.local = newLocal(vecs, ix.stats)
	ix.stems = make([][]uint32, len(toks))
	for i, ts := range lemmaToks {
		ix.stems[i] = ix.stemIDs(ts, true)
	}
	ix.stemOf = make([]string, len(ix.vocab))
	for st, id := range ix.vocab {
		ix.stemOf[id] = st
	}
	for w := range words {
		if !isNumber(w) {
			ix.words = append(ix.words, w)
		}
	}
	sort.Strings(ix.words)
	ix.expand = newExpander(vecs, words)
	ix.rows = make([][]int32, len(toks))
	for i, ts := range toks {
		ix.rows[i] = ix.expand.rowsOf(ts)
	}
	ix.facts = newPassageFacts(ix, c.Quotes())

	ix.vecs = make([][]float32, len(ix.passages))
	ids := make([]string, len(ix.passages))
	parallel(len(ix.passages), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p := ix.passages[i]
			// Neighbouring sentences are embedded at half weight so "He
			// takes over..." still carries the paragraph's subject. The
			// sentence before is the passage before, already tokenized.
			ctxToks := toks[i]
			if p.Before != "" {
				before := toks[max(i-1, 0)]
				if i == 0 || ix.passages[i-1].Text != p.Before {
					before = tokenize(p.Before)
				}
				ctxToks = append(append([]token(nil), ctxToks...), halfWeight(before)...)
			}
			ix.vecs[i] = ix.local.embedTokens(ctxToks)
			ids[i] = p.ID
		}
	})
	db := chromem.NewDB()
	// chromem-go reads OPENAI_API_KEY when given no embedding function; the
	// vectors are all given here, so the function only embeds queries.
	coll, err := db.CreateCollection("passages", nil, ix.local.Embed)
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	if err := coll.AddConcurrently(ctx, ids, ix.vecs, nil, nil, runtime.GOMAXPROCS(0)); err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	ix.coll = coll
	ix.scan = newScanIndex(ix.vecs)
	return ix, nil
}

// withLemmas returns each passage's tokens followed by a token for each
// lemma of a word that stems differently ("took" → "take").
func (ix *Index) withLemmas(toks [][]token) [][]token {
	extra := map[string][]token{}
	for _, ts := range toks {
		for _, t := range ts {
			if _, ok := extra[t.word]; ok || isStop(t.word) {
				continue
			}
			var add []token
			for _, l := range ix.lex.Lemmas(t.word) {
				if st := stem(l); st != t.stem && !strings.Contains(l, " ") {
					add = append(add, token{word: l, stem: st})
				}
			}
			extra[t.word] = add
		}
	}
	out := make([][]token, len(toks))
	for i, ts := range toks {
		out[i] = ts
		for _, t := range ts {
			if add := extra[t.word]; len(add) > 0 {
				out[i] = append(out[i][:len(out[i]):len(out[i])], add...)
			}
		}
	}
	return out
}

// halfWeight keeps every other content token: a cheap way to count
// context words at about half their weight.
func halfWeight(ts []token) []token {
	out := ts[:0:0]
	n := 0
	for _, t := range ts {
		if isStop(t.word) {
			continue
		}
		if n%2 == 0 {
			out = append(out, t)
		}
		n++
	}
	return out
}

func (ix *Index) stemIDs(ts []token, add bool) []uint32 {
	var ids []uint32
	for _, t := range ts {
		if isStop(t.word) {
			continue
		}
		id, ok := ix.vocab[t.stem]
		if !ok {
			if !add {
				continue
			}
			id = uint32(len(ix.vocab))
			ix.vocab[t.stem] = id
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

func hasID(ids []uint32, id uint32) bool {
	i := sort.Search(len(ids), func(i int) bool { return ids[i] >= id })
	return i < len(ids) && ids[i] == id
}

// Len is the number of passages.
func (ix *Index) Len() int { return len(ix.passages) }

// chromemMax is the largest collection queried through chromem-go itself.
// Its exhaustive query costs about 80 µs on the shipped articles and grows
// with the collection (87 ms at 100,000 passages); above this size the
// compact copies in ix.scan answer the same query many times faster (see
// scan.go and BenchmarkVectorSearch).
const chromemMax = 5_000

// vectorSearch returns the k passages nearest to q, best first, ties
// broken by position so results are stable: from the chromem-go
// collection, or from its compact copies in ix.scan for a large one, which
// give the same results (TestVectorSearchMatchesChromem).
func (ix *Index) vectorSearch(ctx context.Context, q []float32, k int) ([]scored, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	n := ix.coll.Count()
	if n > chromemMax {
		return ix.scan.search(q, k), nil
	}
	// chromem-go refuses a query for more results than it holds.
	res, err := ix.coll.QueryEmbedding(ctx, q, min(k, n), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	out := make([]scored, 0, len(res))
	for _, r := range res {
		if pos, ok := ix.pos[r.ID]; ok {
			out = append(out, scored{doc: pos, score: float64(r.Similarity)})
		}
	}
	// chromem-go returns ties in any order.
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].doc < out[j].doc
	})
	return out, nil
}

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
		if vecs.Has(w) && !isNumber(w) {
			list = append(list, w)
		}
	}
	sort.Strings(list)
	dim := vecs.Dim()
	e.mat = make([]float32, len(list)*dim)
	for i, w := range list {
		row := e.mat[i*dim : (i+1)*dim]
		vecs.AddTo(row, w, 1)
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
func (e *expander) rowsOf(ts []token) []int32 {
	var out []int32
	for _, t := range ts {
		if isStop(t.word) {
			continue
		}
		r, ok := e.row[t.word]
		if ok && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// unit returns word's unit vector, or nil when the word has none.
func (e *expander) unit(word string) []float32 {
	if e.vecs == nil {
		return nil
	}
	q := make([]float32, e.vecs.Dim())
	if !e.vecs.AddTo(q, word, 1) {
		return nil
	}
	n := norm(q)
	if n == 0 {
		return nil
	}
	scale(q, 1/n)
	return q
}

// best is the highest cosine between the unit vector q and the given rows.
func (e *expander) best(q []float32, rows []int32) float32 {
	dim := len(q)
	var m float32
	for _, r := range rows {
		if s := dot(q, e.mat[int(r)*dim:(int(r)+1)*dim]); s > m {
			m = s
		}
	}
	return m
}

type neighbour struct {
	word string
	sim  float32
}

// similar returns up to k corpus words whose cosine with word is at least
// minSim, best first.
func (e *expander) similar(word string, k int, minSim float32) []neighbour {
	if e.vecs == nil || len(e.words) == 0 {
		return nil
	}
	dim := e.vecs.Dim()
	q := make([]float32, dim)
	if !e.vecs.AddTo(q, word, 1) {
		return nil
	}
	n := norm(q)
	if n == 0 {
		return nil
	}
	scale(q, 1/n)
	var out []neighbour
	for i, w := range e.words {
		s := dot(q, e.mat[i*dim:(i+1)*dim])
		if s >= minSim {
			out = append(out, neighbour{w, s})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].sim != out[j].sim {
			return out[i].sim > out[j].sim
		}
		return out[i].word < out[j].word
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

func isNumber(w string) bool {
	_, err := strconv.Atoi(strings.ReplaceAll(w, ",", ""))
	return err == nil
}
