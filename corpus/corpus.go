package corpus

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed articles/*.txt
var shipped embed.FS

// Default returns the articles shipped inside the binary.
func Default() fs.FS {
	sub, err := fs.Sub(shipped, "articles")
	if err != nil {
		panic(err) // a constant path into an embed.FS: cannot fail
	}
	return sub
}

// Corpus is a loaded set of articles. It is read-only after Load.
type Corpus struct {
	Articles []*Article
	byID     map[string]*Article
}

// Article returns the article with the given ID, or nil.
func (c *Corpus) Article(id string) *Article { return c.byID[id] }

// Sentence returns the sentence with the given ID ("<doc>#<n>").
func (c *Corpus) Sentence(id string) (Sentence, bool) {
	doc, n, ok := strings.Cut(id, "#")
	if !ok {
		return Sentence{}, false
	}
	a := c.byID[doc]
	i, err := strconv.Atoi(n)
	if a == nil || err != nil || i < 1 || i > len(a.Sentences) {
		return Sentence{}, false
	}
	return a.Sentences[i-1], true
}

// Load parses the .txt and .md files at the top level of each file system,
// in order, sorted by name within each. A file that cannot be used (not
// UTF-8, binary, empty, over 5 MB, or an ID already loaded) is skipped with
// a warning that names it; the rest load. Load fails only when a file
// system cannot be listed.
func Load(logger *slog.Logger, fsyss ...fs.FS) (*Corpus, error) {
	c := &Corpus{byID: map[string]*Article{}}
	for _, fsys := range fsyss {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			return nil, fmt.Errorf("list articles: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			ext := strings.ToLower(path.Ext(name))
			if e.IsDir() || (ext != ".txt" && ext != ".md") || strings.HasPrefix(name, ".") {
				continue
			}
			a, err := readArticle(fsys, name)
			if err != nil {
				logger.Warn("skipping article", "file", name, "err", err)
				continue
			}
			if c.byID[a.ID] != nil {
				logger.Warn("skipping article", "file", name, "err", "an article with ID "+a.ID+" is already loaded")
				continue
			}
			c.byID[a.ID] = a
			c.Articles = append(c.Articles, a)
		}
	}
	anchor := c.anchorYear()
	for _, a := range c.Articles {
		a.inferDate(anchor)
	}
	return c, nil
}

func readArticle(fsys fs.FS, name string) (*Article, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxFileSize {
		return nil, ErrTooLarge
	}
	if info.Size() == 0 {
		return nil, ErrEmpty
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	id := strings.TrimSuffix(name, path.Ext(name))
	a, err := Parse(id, data)
	if err != nil {
		return nil, errors.Unwrap(err)
	}
	return a, nil
}

// anchorYear is the year most of the dated articles were published in: a
// collection is about one event, so an undated article that names a weekday
// and a day is placed in that year's neighbourhood.
func (c *Corpus) anchorYear() int {
	counts := map[int]int{}
	for _, a := range c.Articles {
		if len(a.Date) >= 4 {
			y, _ := strconv.Atoi(a.Date[:4])
			counts[y]++
		}
	}
	best, bestN := 0, 0
	for y, n := range counts {
		if n > bestN || (n == bestN && y > best) {
			best, bestN = y, n
		}
	}
	return best
}

// Passage is the unit of retrieval: one sentence, with the neighbouring
// sentences of its paragraph as context for embedding and for the model.
type Passage struct {
	ID      string // the sentence's ID
	Doc     string
	Kind    Kind
	Comment int
	Text    string // the sentence, verbatim
	Before  string // the previous sentence in the same paragraph, or ""
	After   string // the next sentence in the same paragraph, or ""
}

// Passages returns every passage of every article, in article order.
func (c *Corpus) Passages() []Passage {
	var ps []Passage
	for _, a := range c.Articles {
		ps = append(ps, a.Passages()...)
	}
	return ps
}

// Passages returns the article's passages, one per sentence.
func (a *Article) Passages() []Passage {
	ps := make([]Passage, 0, len(a.Sentences))
	for i, s := range a.Sentences {
		p := Passage{ID: s.ID, Doc: s.Doc, Kind: s.Kind, Comment: s.Comment, Text: s.Text}
		if i > 0 && a.Sentences[i-1].Para == s.Para {
			p.Before = a.Sentences[i-1].Text
		}
		if i+1 < len(a.Sentences) && a.Sentences[i+1].Para == s.Para {
			p.After = a.Sentences[i+1].Text
		}
		ps = append(ps, p)
	}
	return ps
}

// SortedIDs returns the article IDs in order.
func (c *Corpus) SortedIDs() []string {
	ids := make([]string, 0, len(c.Articles))
	for _, a := range c.Articles {
		ids = append(ids, a.ID)
	}
	sort.Strings(ids)
	return ids
}
