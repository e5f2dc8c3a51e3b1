package retrieval

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval/lexicon"
	"github.com/handover/handover/retrieval/search"
)

// docMeta is what a citation says about an article.
type docMeta struct {
	title, publisher, date, url string
}

// Index is what answering needs of a corpus: its passages and articles,
// the search index that finds passages, what is known about each passage
// (facts), the fitted model that scores them and the lexicon that relates
// a question's words to theirs.
type Index struct {
	passages   []corpus.Passage
	docs       map[string]docMeta
	lookup     *search.Index
	remote     *remote // API embeddings, when configured
	lex        *lexicon.Lexicon
	facts      *passageFacts
	model      *model
	quoteIndex []corpus.Quote // the corpus's quote index
	// publishers holds the words of the articles' publishers ("dw"), which
	// a question may name though no passage does.
	publishers map[string]bool
	// stemCache maps words of the lexicon to their stems (see lexStem).
	stemCache sync.Map
	// altCache maps question words to their stand-ins (see cachedAlts);
	// altCached counts the words stored; storing stops at altCap (a few
	// more when questions race past it together).
	altCache  sync.Map
	altCached atomic.Int64
	altCap    int64
	// instanceCache maps the nouns "which …" questions ask for to the
	// corpus stems of the names filed under them (see cachedInstances).
	// Only nouns of WordNet and their inflections are stored, so the
	// lexicon bounds it.
	instanceCache sync.Map
	// persons are the nouns WordNet files under "person" (personNoun),
	// listed on first use.
	personOnce sync.Once
	persons    map[string]bool
}

// BuildIndex embeds every passage of c with the local embedder (using the
// word vectors vecs, which may be nil; see search.DefaultVectors) and
// indexes it.
func BuildIndex(ctx context.Context, c *corpus.Corpus, vecs *search.Vectors) (*Index, error) {
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
		lex:      lex,
		model:    m,
		altCap:   maxCachedWords,
	}
	ix.publishers = map[string]bool{}
	for _, a := range c.Articles {
		ix.docs[a.ID] = docMeta{title: a.Title, publisher: a.Publisher, date: a.Date, url: a.URL}
		for _, t := range search.Tokenize(a.Publisher) {
			ix.publishers[t.Word] = true
		}
	}
	if len(ix.passages) == 0 {
		return nil, fmt.Errorf("build index: no passages")
	}
	if ix.lookup, err = search.Build(ctx, ix.passages, vecs, lex); err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	// The quote index is built once here: the speakers of passages need
	// it, and the engine's quote library reuses it.
	quotes, mentions := c.QuotesAndMentions()
	ix.quoteIndex = quotes
	ix.facts = newPassageFacts(ix, quotes, mentions)
	return ix, nil
}
