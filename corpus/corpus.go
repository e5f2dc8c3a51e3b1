package corpus

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
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

// Load parses the .txt and .md files of each file system, subfolders
// included, in order, sorted by path within each. A file that cannot be
// used is skipped with a warning on logger that names it, and one loaded
// with something left out is named too; see LoadWith.
func Load(logger *slog.Logger, fsyss ...fs.FS) (*Corpus, error) {
	return LoadWith(LoadOptions{
		Warn: func(file string, err error) {
			logger.Warn("skipping article", "file", file, "err", err)
		},
		Note: func(file string, err error) {
			logger.Warn("article loaded with changes", "file", file, "err", err)
		},
	}, fsyss...)
}

// LoadOptions configure LoadWith.
type LoadOptions struct {
	// Warn is told about every file skipped, with its path inside its file
	// system, and about a file system that holds no article (file "."). Nil
	// discards warnings.
	Warn func(file string, err error)
	// Note is told, once per file and problem, about a file that loads
	// but not all as written: metadata keys that are not read
	// (ErrUnknownKeys) or control characters removed (ErrControlChars),
	// in an article or in sources.yaml. Nil discards notes.
	Note func(file string, err error)
}

// Reasons a file or folder is skipped, given to LoadOptions.Warn.
var (
	ErrOutside    = errors.New("a link to a place outside the folder")
	ErrLinkedDir  = errors.New("a link to a folder (not followed)")
	ErrDuplicate  = errors.New("an article with the same ID is already loaded")
	ErrNoArticles = errors.New("no .txt or .md article found")
)

// sidecarName is the optional file in a folder's root that gives
// metadata (Meta) for articles whose text does not state it, keyed by the
// article's path.
const sidecarName = "sources.yaml"

// maxLinkHops bounds how many symbolic links in a row are followed.
const maxLinkHops = 8

// LoadWith parses the .txt and .md files of each file system, subfolders
// included, in order, sorted by path within each. An article's ID is its
// path without the extension. Names starting with "." are skipped, and so
// are symbolic links that lead outside the file system or to a folder.
// Markdown (.md) is read as Markdown; either kind may open with YAML front
// matter (title, date, publisher, url), and a sources.yaml at the root may
// give the same per file. A file that cannot be used (not UTF-8, binary,
// empty, over 5 MB, bad front matter, an ID already loaded) is skipped
// with a warning that names it; the rest load. A file loads, with a note
// that names it, when its metadata has keys that are not read (they are
// ignored) or its text holds control characters (they are removed).
// LoadWith fails only when a file system cannot be listed.
func LoadWith(opts LoadOptions, fsyss ...fs.FS) (*Corpus, error) {
	warn, note := opts.Warn, opts.Note
	if warn == nil {
		warn = func(string, error) {}
	}
	if note == nil {
		note = func(string, error) {}
	}
	c := &Corpus{byID: map[string]*Article{}}
	for _, fsys := range fsyss {
		sidecar, notes, err := readSidecar(fsys)
		if err != nil {
			warn(sidecarName, err)
		}
		for _, n := range notes {
			note(sidecarName, n)
		}
		before := len(c.Articles)
		err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				if name == "." {
					return err
				}
				warn(name, err)
				return nil
			}
			if name == "." {
				return nil
			}
			base := path.Base(name)
			if strings.HasPrefix(base, ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			ext := strings.ToLower(path.Ext(base))
			if ext != ".txt" && ext != ".md" {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if err := checkLink(fsys, name); err != nil {
					warn(name, err)
					return nil
				}
			}
			a, notes, err := readArticle(fsys, name, sidecar[name])
			if err != nil {
				warn(name, err)
				return nil
			}
			if c.byID[a.ID] != nil {
				warn(name, ErrDuplicate)
				return nil
			}
			for _, n := range notes {
				note(name, n)
			}
			c.byID[a.ID] = a
			c.Articles = append(c.Articles, a)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list articles: %w", err)
		}
		if len(c.Articles) == before {
			warn(".", ErrNoArticles)
		}
	}
	anchor := c.anchorYear()
	for _, a := range c.Articles {
		a.inferDate(anchor)
	}
	return c, nil
}

// checkLink follows the symbolic link name, link by link, and fails when
// one leads outside fsys (an absolute target or one climbing above the
// root) or the chain ends at a folder. A file system that cannot read
// links (fs.ReadLinkFS) is trusted to confine them itself, as os.Root does.
func checkLink(fsys fs.FS, name string) error {
	rl, ok := fsys.(fs.ReadLinkFS)
	if ok {
		cur := name
		for hop := 0; ; hop++ {
			info, err := rl.Lstat(cur)
			if err != nil {
				return ErrOutside
			}
			if info.Mode()&fs.ModeSymlink == 0 {
				break
			}
			if hop == maxLinkHops {
				return ErrOutside
			}
			target, err := rl.ReadLink(cur)
			if err != nil || strings.HasPrefix(target, "/") || strings.Contains(target, "\\") {
				return ErrOutside
			}
			next := path.Join(path.Dir(cur), target)
			if next == ".." || strings.HasPrefix(next, "../") || !fs.ValidPath(next) {
				return ErrOutside
			}
			cur = next
		}
	}
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return ErrOutside
	}
	if info.IsDir() {
		return ErrLinkedDir
	}
	return nil
}

// readSidecar reads fsys's sources.yaml, if any, and returns notes for
// what it left out: control characters, keys Meta does not read (for
// every entry at once) and each entry whose metadata cannot be used (a
// date that is no date), which is left out alone.
func readSidecar(fsys fs.FS) (map[string]Meta, []error, error) {
	data, err := fs.ReadFile(fsys, sidecarName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, nil, ErrNotText
	}
	data, controls := stripControls(data)
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrFrontMatter, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	out := map[string]Meta{}
	var ignored []string
	var notes []error
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		node := raw[name]
		var m Meta
		unknown, err := decodeMetaNode(&node, &m)
		if err != nil {
			// One entry's mistake costs that entry's metadata, not
			// every entry's: the file loads without it.
			notes = append(notes, fmt.Errorf("%s: %w (its metadata is ignored)", name, err))
			continue
		}
		if len(unknown) > 0 {
			ignored = append(ignored, name+": "+quoteKeys(unknown))
		}
		controls += m.stripControls()
		out[name] = m
	}
	if controls > 0 {
		notes = append(notes, controlNote(controls))
	}
	if len(ignored) > 0 {
		notes = append(notes, unknownKeysNote(strings.Join(ignored, "; ")))
	}
	return out, notes, nil
}

// readArticle reads and parses one file, and returns notes for what it
// left out: keys its front matter has that Meta does not read, and
// control characters.
func readArticle(fsys fs.FS, name string, side Meta) (*Article, []error, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	if info.Size() > MaxFileSize {
		return nil, nil, ErrTooLarge
	}
	if info.Size() == 0 {
		return nil, nil, ErrEmpty
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, nil, ErrNotText
	}
	// Before the front matter is cut, as YAML refuses most control
	// characters; its escapes ("\e") are stripped from the values below.
	data, controls := stripControls(data)
	meta, unknown, body, err := splitFrontMatter(data)
	if err != nil {
		return nil, nil, err
	}
	var notes []error
	if controls += meta.stripControls(); controls > 0 {
		notes = append(notes, controlNote(controls))
	}
	if len(unknown) > 0 {
		notes = append(notes, unknownKeysNote(quoteKeys(unknown)))
	}
	// A title given in front matter or in sources.yaml (front matter
	// wins) is the title: Parse takes the first line as the title, so it
	// is given the real one and the lead paragraph stays a passage.
	title := cmp.Or(meta.Title, side.Title)
	if strings.EqualFold(path.Ext(name), ".md") {
		body = []byte(markdownText(body, title != ""))
	}
	if title != "" {
		body = append([]byte(title+"\n\n"), body...)
	}
	id := strings.TrimSuffix(name, path.Ext(name))
	a, err := Parse(id, body)
	if err != nil {
		return nil, nil, errors.Unwrap(err)
	}
	side.apply(a)
	meta.apply(a)
	return a, notes, nil
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
// sentences of its paragraph as context for embedding and for the model,
// or an article's headline.
type Passage struct {
	ID      string // the sentence's ID, or "<doc>#0" for the headline
	Doc     string
	Kind    Kind
	Comment int
	Text    string // the sentence, verbatim
	Before  string // the previous sentence in the same paragraph, or ""
	After   string // the next sentence in the same paragraph, or ""
	// Headline marks the article's headline, which stands alone.
	Headline bool
}

// Passages returns every passage of every article, in article order.
func (c *Corpus) Passages() []Passage {
	var ps []Passage
	for _, a := range c.Articles {
		ps = append(ps, a.Passages()...)
	}
	return ps
}

// Passages returns the article's passages: its headline, then one per
// sentence. People ask what a headline says; it is citable text like any
// sentence, with ID "<doc>#0".
func (a *Article) Passages() []Passage {
	ps := make([]Passage, 0, len(a.Sentences)+1)
	if a.Headline {
		ps = append(ps, Passage{ID: a.ID + "#0", Doc: a.ID, Kind: KindArticle, Text: a.Title, Headline: true})
	}
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
