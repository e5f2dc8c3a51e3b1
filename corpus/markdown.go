package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"
)

// Meta is what a file's YAML front matter, or a folder's sources.yaml,
// says about an article. Every field is optional; a field given here wins
// over what the parser finds in the text.
type Meta struct {
	Title     string `yaml:"title"`
	Date      string `yaml:"date"` // YYYY-MM-DD, or an RFC 3339 time
	Publisher string `yaml:"publisher"`
	URL       string `yaml:"url"`
}

// ErrFrontMatter is returned for front matter (or a sources.yaml entry)
// that is not valid YAML, not key: value pairs, or gives a known key a
// value it cannot take.
var ErrFrontMatter = errors.New("bad front matter")

// ErrUnknownKeys is noted for metadata keys Meta does not read: they are
// ignored, and the article keeps the rest.
var ErrUnknownKeys = errors.New("unknown metadata keys ignored")

// metaKeys lists the keys Meta reads, in its order.
func metaKeys() []string {
	t := reflect.TypeFor[Meta]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		keys = append(keys, k)
	}
	return keys
}

// unknownKeysNote is the note for keys that were ignored, each entry
// already quoted.
func unknownKeysNote(keys string) error {
	return fmt.Errorf("%w: %s (the keys read are %s)", ErrUnknownKeys, keys, strings.Join(metaKeys(), ", "))
}

// quoteKeys quotes keys for a note: "author", "tags".
func quoteKeys(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = strconv.Quote(k)
	}
	return strings.Join(q, ", ")
}

// splitFrontMatter cuts a leading "---" YAML block from data, and returns
// its keys that Meta does not read.
func splitFrontMatter(data []byte) (Meta, []string, []byte, error) {
	var m Meta
	body := bytes.TrimPrefix(data, []byte("\ufeff"))
	if !bytes.HasPrefix(body, []byte("---\n")) && !bytes.HasPrefix(body, []byte("---\r\n")) {
		return m, nil, data, nil
	}
	rest := body[bytes.IndexByte(body, '\n')+1:]
	end := -1
	for off := 0; off < len(rest); {
		line := rest[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if s := string(bytes.TrimRight(line, " \t\r")); s == "---" || s == "..." {
			end = off
			break
		}
		off += len(line) + 1
	}
	if end < 0 {
		return m, nil, data, nil // a thematic break, not front matter
	}
	unknown, err := decodeMeta(rest[:end], &m)
	if err != nil {
		return m, nil, nil, err
	}
	after := rest[end:]
	if i := bytes.IndexByte(after, '\n'); i >= 0 {
		after = after[i+1:]
	} else {
		after = nil
	}
	return m, unknown, after, nil
}

// decodeMeta decodes front matter into m, and returns the keys it holds
// that Meta does not read.
func decodeMeta(data []byte, m *Meta) ([]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFrontMatter, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, nil // empty front matter is no metadata
	}
	return decodeMetaNode(doc.Content[0], m)
}

// decodeMetaNode decodes a mapping of metadata keys into m. Keys Meta does
// not read (author, tags: what other tools write) are returned, not
// errors: one of them must not cost the article, or the other keys.
func decodeMetaNode(n *yaml.Node, m *Meta) ([]string, error) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: line %d: must be key: value pairs (%s)", ErrFrontMatter, n.Line, strings.Join(metaKeys(), ", "))
	}
	known := metaKeys()
	var unknown []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if err := n.Decode(m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFrontMatter, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if m.Date != "" {
		d, ok := metaDate(m.Date)
		if !ok {
			return nil, fmt.Errorf("%w: date %q is not YYYY-MM-DD", ErrFrontMatter, m.Date)
		}
		m.Date = d
	}
	if m.URL != "" && !webURL(m.URL) {
		// Shown as a link to readers (in Discord and the CLI): only a web
		// address may be, never javascript: or file:. The article keeps
		// its other metadata.
		m.URL = ""
	}
	return unknown, nil
}

// webURL reports an absolute http or https URL with a host.
func webURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func metaDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, time.RFC3339, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// stripControls removes control characters from m's values, where YAML
// escapes ("\e[31m") put them past the file's own check, and returns how
// many places changed.
func (m *Meta) stripControls() int {
	total := 0
	for _, f := range []*string{&m.Title, &m.Date, &m.Publisher, &m.URL} {
		if clean, n := stripControls([]byte(*f)); n > 0 {
			*f, total = strings.TrimSpace(string(clean)), total+n
		}
	}
	return total
}

// apply sets the article's fields that m gives.
func (m Meta) apply(a *Article) {
	if m.Title != "" {
		a.Title, a.Headline = m.Title, true
	}
	if m.Publisher != "" {
		a.Publisher = m.Publisher
	}
	if m.Date != "" {
		a.Date, a.DateSource = m.Date, "metadata"
	}
	if m.URL != "" {
		a.URL = m.URL
	}
}

// markdownText turns Markdown into the plain text Parse reads: one
// paragraph per heading, paragraph and list item, separated by blank
// lines, with the words of emphasis, links, images (their alt text) and
// code spans kept and their syntax dropped. Code blocks, raw HTML,
// thematic breaks, struck-out words and footnote numbers are not prose
// and are left out; a footnote's text is a paragraph.
//
// Without a title from front matter, a first heading is the title and
// keeps its words as they are.
func markdownText(src []byte, titled bool) string {
	doc := goldmark.New(goldmark.WithExtensions(extension.Strikethrough, extension.Footnote)).Parser().Parse(text.NewReader(src))
	var out strings.Builder
	var para strings.Builder
	// Headings and list items are passages too. The plain-text parser
	// takes a short line without closing punctuation for a sub-heading and
	// keeps it out of the passages, so such a block gets a full stop.
	standalone := false
	flush := func() {
		if s := strings.Join(strings.Fields(para.String()), " "); s != "" {
			if last, _ := utf8.DecodeLastRuneInString(s); standalone && (titled || out.Len() > 0) && !strings.ContainsRune(".!?…:;\"”’)", last) {
				s += "."
			}
			if out.Len() > 0 {
				out.WriteString("\n\n")
			}
			out.WriteString(s)
		}
		para.Reset()
		standalone = false
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Heading, *ast.Paragraph, *ast.TextBlock:
			if entering {
				_, standalone = n.(*ast.Heading)
				if p, ok := n.Parent().(*ast.ListItem); ok && p.FirstChild() == n {
					standalone = true
				}
			} else {
				flush()
			}
		case *ast.ListItem:
			flush() // text before a nested list is its own passage
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock, *ast.RawHTML, *ast.ThematicBreak:
			return ast.WalkSkipChildren, nil
		case *east.Strikethrough, *east.FootnoteLink, *east.FootnoteBacklink:
			// Struck-out words are words taken back, and a footnote's
			// number is no prose; the footnote's own text is a paragraph
			// like any other.
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if entering {
				para.Write(n.Segment.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					para.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				para.Write(n.Value)
			}
		case *ast.AutoLink:
			if entering {
				para.Write(n.Label(src))
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	flush()
	return out.String()
}
