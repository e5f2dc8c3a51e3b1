package search

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/handover/handover/corpus"
	chromem "github.com/philippgille/chromem-go"
)

// Index finds passages: a chromem-go collection of their local embeddings
// (with compact copies for large collections), a BM25 index over their
// stems, and the vocabulary both are keyed by. Passages are named by their
// position in the slice Build was given. An Index is read-only after Build
// and safe for concurrent use.
type Index struct {
	pos    map[string]int // passage ID → position
	stats  *termStats
	bm25   *bm25
	embed  *embedder
	coll   *chromem.Collection
	vecs   [][]float32 // the collection's vectors by position, for rescoring
	scan   *scanIndex  // compact copies of vecs that Vector scans
	stems  [][]uint32  // each passage's distinct stem IDs (and its words' lemmas'), sorted
	vocab  map[string]uint32
	stemOf []string // stem by ID
	words  []string // the passages' distinct content words, for typo matching
	expand *expander
	rows   [][]int32 // each passage's words as rows of expand's matrix
}

// Lemmatizer gives the dictionary forms of a word ("took" → "take").
type Lemmatizer interface {
	Lemmas(word string) []string
}

// Build embeds every passage with the offline embedder (using the word
// vectors vecs, which may be nil) and indexes it. Each word also counts as
// its lemmas from lem, so that a question in another form of the word
// finds it.
func Build(ctx context.Context, passages []corpus.Passage, vecs *Vectors, lem Lemmatizer) (*Index, error) {
	if len(passages) == 0 {
		return nil, fmt.Errorf("build search index: no passages")
	}
	ix := &Index{
		pos:   map[string]int{},
		stats: newTermStats(),
		vocab: map[string]uint32{},
	}
	toks := make([][]Token, len(passages))
	Parallel(len(toks), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			toks[i] = Tokenize(passages[i].Text)
		}
	})
	lemmaToks := withLemmas(toks, lem)
	words := map[string]bool{}
	for i, p := range passages {
		ix.pos[p.ID] = i
		ix.stats.add(lemmaToks[i])
		for _, t := range toks[i] {
			if !IsStop(t.Word) {
				words[t.Word] = true
			}
		}
	}
	ix.bm25 = newBM25(ix.stats, lemmaToks)
	ix.embed = newEmbedder(vecs, ix.stats)
	ix.stems = make([][]uint32, len(toks))
	for i, ts := range lemmaToks {
		ix.stems[i] = ix.stemIDs(ts)
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

	if vecs != nil && len(passages) >= minCommonPassages {
		// What every passage's word vectors share says nothing about any
		// one of them (SIF's common component, Arora et al. 2017): it is
		// removed from the passages' embeddings and the questions'. The
		// best-ranked sentence supported 0.669 of answerable dev questions
		// against 0.649 without, cross-validated (0.657 against 0.635 on
		// the dev split grown by families_users.jsonl).
		// An even sample of the passages finds the direction as well as
		// all of them: at 100k passages all of them cost 2 s of the build.
		step := (len(toks) + maxCommonSample - 1) / maxCommonSample
		sems := make([][]float32, (len(toks)+step-1)/step)
		Parallel(len(sems), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				sems[i] = ix.embed.semantic(toks[i*step])
			}
		})
		ix.embed.common = principal(slices.DeleteFunc(sems, func(v []float32) bool { return v == nil }), vecs.dim)
	}
	ix.vecs = make([][]float32, len(passages))
	ids := make([]string, len(passages))
	Parallel(len(passages), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p := passages[i]
			// Neighbouring sentences are embedded at half weight so "He
			// takes over..." still carries the paragraph's subject. The
			// sentence before is the passage before, already tokenized.
			ctxToks := toks[i]
			if p.Before != "" {
				before := toks[max(i-1, 0)]
				if i == 0 || passages[i-1].Text != p.Before {
					before = Tokenize(p.Before)
				}
				ctxToks = append(append([]Token(nil), ctxToks...), halfWeight(before)...)
			}
			ix.vecs[i] = ix.embed.embedTokens(ctxToks)
			ids[i] = p.ID
		}
	})
	db := chromem.NewDB()
	// chromem-go reads OPENAI_API_KEY when given no embedding function; the
	// vectors are all given here, so the function only embeds queries.
	coll, err := db.CreateCollection("passages", nil, ix.embed.embed)
	if err != nil {
		return nil, fmt.Errorf("build search index: %w", err)
	}
	if err := coll.AddConcurrently(ctx, ids, ix.vecs, nil, nil, runtime.GOMAXPROCS(0)); err != nil {
		return nil, fmt.Errorf("build search index: %w", err)
	}
	ix.coll = coll
	ix.scan = newScanIndex(ix.vecs)
	return ix, nil
}

// withLemmas returns each passage's tokens followed by a token for each
// lemma of a word that stems differently ("took" → "take").
func withLemmas(toks [][]Token, lem Lemmatizer) [][]Token {
	extra := map[string][]Token{}
	for _, ts := range toks {
		for _, t := range ts {
			if _, ok := extra[t.Word]; ok || IsStop(t.Word) {
				continue
			}
			var add []Token
			for _, l := range lem.Lemmas(t.Word) {
				if st := Stem(l); st != t.Stem && !strings.Contains(l, " ") {
					add = append(add, Token{Word: l, Stem: st})
				}
			}
			extra[t.Word] = add
		}
	}
	out := make([][]Token, len(toks))
	for i, ts := range toks {
		out[i] = ts
		for _, t := range ts {
			if add := extra[t.Word]; len(add) > 0 {
				out[i] = append(out[i][:len(out[i]):len(out[i])], add...)
			}
		}
	}
	return out
}

// halfWeight keeps every other content token: a cheap way to count
// context words at about half their weight.
func halfWeight(ts []Token) []Token {
	out := ts[:0:0]
	n := 0
	for _, t := range ts {
		if IsStop(t.Word) {
			continue
		}
		if n%2 == 0 {
			out = append(out, t)
		}
		n++
	}
	return out
}

// stemIDs returns the distinct IDs of the content stems of ts, sorted,
// adding stems the vocabulary lacks.
func (ix *Index) stemIDs(ts []Token) []uint32 {
	var ids []uint32
	for _, t := range ts {
		if IsStop(t.Word) {
			continue
		}
		id, ok := ix.vocab[t.Stem]
		if !ok {
			id = uint32(len(ix.vocab))
			ix.vocab[t.Stem] = id
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
	_, ok := slices.BinarySearch(ids, id)
	return ok
}

func isNumber(w string) bool {
	_, err := strconv.Atoi(strings.ReplaceAll(w, ",", ""))
	return err == nil
}

// Pos returns the position of the passage with ID id.
func (ix *Index) Pos(id string) (int, bool) {
	pos, ok := ix.pos[id]
	return pos, ok
}

// Embed returns text's offline embedding, unit length, in the space of
// the passages' vectors.
func (ix *Index) Embed(text string) []float32 { return ix.embed.embedTokens(Tokenize(text)) }

// EmbedTokens is Embed of a text already tokenised.
func (ix *Index) EmbedTokens(toks []Token) []float32 { return ix.embed.embedTokens(toks) }

// StemID returns the vocabulary ID of a stem the passages use.
func (ix *Index) StemID(stem string) (uint32, bool) {
	id, ok := ix.vocab[stem]
	return id, ok
}

// StemOf returns the stem with vocabulary ID id.
func (ix *Index) StemOf(id uint32) string { return ix.stemOf[id] }

// IDF is BM25's inverse document frequency of a stem; a stem the passages
// never use gets the highest weight.
func (ix *Index) IDF(stem string) float64 { return ix.stats.idf(stem) }

// Stems returns the distinct stem IDs of the passage at pos (its words'
// and their lemmas'), sorted. The slice is the index's: read it only.
func (ix *Index) Stems(pos int) []uint32 { return ix.stems[pos] }

// HasStem reports whether the passage at pos uses stem id.
func (ix *Index) HasStem(pos int, id uint32) bool { return hasID(ix.stems[pos], id) }

// Words returns the passages' distinct content words other than numbers,
// sorted: the words a misspelling may be of. The slice is the index's:
// read it only.
func (ix *Index) Words() []string { return ix.words }

// Similarity is the cosine of the unit vector q (from EmbedTokens) and the
// embedding of the passage at pos.
func (ix *Index) Similarity(q []float32, pos int) float32 { return dot(q, ix.vecs[pos]) }

// Cosine is the cosine of the embeddings of the passages at a and b.
func (ix *Index) Cosine(a, b int) float32 { return dot(ix.vecs[a], ix.vecs[b]) }

// BM25 scores every passage that holds a query term and returns the best
// k, highest first, ties broken by position. terms maps a stem to its
// weight (1 for the question's own words, less for stand-ins).
func (ix *Index) BM25(terms map[string]float64, k int) []Hit { return ix.bm25.search(terms, k) }
