package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
	"unicode/utf8"
)

// warnings collects what LoadWith skips, by file.
type warnings map[string]error

func (w warnings) opts() LoadOptions {
	return LoadOptions{Warn: func(file string, err error) { w[file] = err }}
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func ids(c *Corpus) []string {
	var out []string
	for _, a := range c.Articles {
		out = append(out, a.ID)
	}
	return out
}

func allText(a *Article) string {
	var ss []string
	for _, s := range a.Sentences {
		ss = append(ss, s.Text)
	}
	return strings.Join(ss, "\n")
}

func TestLoadSymlinks(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, "secret.txt", "Secret title\n\nThe password is swordfish, the file said.\n")
	dir := t.TempDir()
	write(t, dir, "real.txt", "Real title\n\nThe council met on Monday to discuss the harbour.\n")
	links := map[string]string{
		"abs.txt":       filepath.Join(outside, "secret.txt"),
		"rel.txt":       filepath.Join("..", filepath.Base(outside), "secret.txt"),
		"inside.txt":    "real.txt",
		"sub/up.txt":    filepath.Join("..", "real.txt"),
		"loop.txt":      "loop.txt",
		"dirlink.md":    ".",
		"sub/escape.md": filepath.Join("..", "..", filepath.Base(outside), "secret.txt"),
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Skipf("symlinks unsupported: %v", err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for name, fsys := range map[string]fs.FS{"DirFS": os.DirFS(dir), "Root": root.FS()} {
		t.Run(name, func(t *testing.T) {
			w := warnings{}
			c, err := LoadWith(w.opts(), fsys)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(c)
			// A link inside the folder to an article already loaded is a
			// duplicate ID only when it has the same name; these are
			// new IDs for the same text, which is allowed.
			want := []string{"inside", "real", "sub/up"}
			if !slices.Equal(got, want) {
				t.Errorf("loaded %q, want %q (warnings %v)", got, want, w)
			}
			for _, a := range c.Articles {
				if strings.Contains(allText(a), "swordfish") {
					t.Errorf("%s serves a file outside the folder", a.ID)
				}
			}
			for _, f := range []string{"abs.txt", "rel.txt", "sub/escape.md", "loop.txt"} {
				if w[f] == nil {
					t.Errorf("no warning for %s: %v", f, w)
				}
			}
			if !errors.Is(w["dirlink.md"], ErrLinkedDir) && !errors.Is(w["dirlink.md"], ErrOutside) {
				t.Errorf("dirlink.md warning = %v", w["dirlink.md"])
			}
		})
	}
}

func TestLoadSubfoldersAndWarnings(t *testing.T) {
	fsys := fstest.MapFS{
		"a.txt":          {Data: []byte("Harbour plan\n\nThe council approved the harbour plan on Monday.\n")},
		"2019/b.txt":     {Data: []byte("Bridge opens\n\nThe new bridge opened to traffic in the spring.\n")},
		"2019/deep/c.md": {Data: []byte("# Ferry returns\n\nThe ferry service resumed after a long break.\n")},
		"extra/blob.txt": {Data: []byte("\xff\xfe\x00binary")},
		".hidden/d.txt":  {Data: []byte("Hidden\n\nThis should never load at all.\n")},
		"notes.pdf":      {Data: []byte("%PDF")},
		"empty/.keep":    {Data: nil},
	}
	w := warnings{}
	c, err := LoadWith(w.opts(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(c), []string{"2019/b", "2019/deep/c", "a"}; !slices.Equal(got, want) {
		t.Errorf("loaded %q, want %q", got, want)
	}
	if a := c.Article("2019/deep/c"); a == nil || a.Title != "Ferry returns" {
		t.Errorf("a Markdown file's first heading is its title: %+v", a)
	}
	if !errors.Is(w["extra/blob.txt"], ErrNotText) || len(w) != 1 {
		t.Errorf("warnings = %v, want only extra/blob.txt not UTF-8 text", w)
	}
	w = warnings{}
	if _, err := LoadWith(w.opts(), fstest.MapFS{"readme.pdf": {Data: []byte("x")}}); err != nil || !errors.Is(w["."], ErrNoArticles) {
		t.Errorf("a folder with no article: err %v, warnings %v", err, w)
	}
}

func TestLoadMarkdown(t *testing.T) {
	md := `---
title: Council backs the harbour plan
date: 2031-03-04
publisher: The Harbour Gazette
url: https://example.org/harbour
---
# A heading that is not the title

**PORTSMOUTH** — The council *approved* the [harbour plan](https://example.org/plan) on Monday, officials said.

Residents listed three worries:

- noise from the cranes at night
- traffic on the coast road
- the cost of dredging

` + "```\ncode := notProse()\n```\n" + `
<div>raw html</div>

See <https://example.org/more> for the full plan.

The vote was ~~unanimous~~ close, with a majority of two.[^1]

[^1]: The mayor did not vote.
`
	w := warnings{}
	c, err := LoadWith(w.opts(), fstest.MapFS{"news/harbour.md": {Data: []byte(md)}})
	if err != nil || len(c.Articles) != 1 {
		t.Fatalf("load: %v, %d articles, warnings %v", err, len(c.Articles), w)
	}
	a := c.Articles[0]
	if a.ID != "news/harbour" || a.Title != "Council backs the harbour plan" || a.Date != "2031-03-04" ||
		a.Publisher != "The Harbour Gazette" || a.URL != "https://example.org/harbour" {
		t.Errorf("metadata = id %q title %q date %q publisher %q url %q", a.ID, a.Title, a.Date, a.Publisher, a.URL)
	}
	text := allText(a)
	for _, want := range []string{
		"A heading that is not the title",
		"PORTSMOUTH — The council approved the harbour plan on Monday, officials said.",
		"noise from the cranes at night",
		"traffic on the coast road",
		"See https://example.org/more for the full plan.",
		"The vote was close, with a majority of two.",
		"The mayor did not vote.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("passages lack %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"**", "](", "---", "notProse", "raw html", "<div>", "- noise", "~~", "unanimous", "[^1]"} {
		if strings.Contains(text, bad) || strings.Contains(a.Title, bad) {
			t.Errorf("Markdown syntax %q left in the passages:\n%s", bad, text)
		}
	}
	var items int
	for _, s := range a.Sentences {
		if strings.HasPrefix(s.Text, "noise") || strings.HasPrefix(s.Text, "traffic") || strings.HasPrefix(s.Text, "the cost") {
			items++
		}
	}
	if items != 3 {
		t.Errorf("list items as passages = %d, want 3:\n%s", items, text)
	}
}

func TestLoadFrontMatterAndSidecar(t *testing.T) {
	fsys := fstest.MapFS{
		"plain.txt":    {Data: []byte("---\npublisher: Gazette\nurl: https://example.org/p\n---\nPlain title\n\nThe mayor opened the library on Friday.\n")},
		"side.txt":     {Data: []byte("Side title\n\nThe school reopened after the floods.\n")},
		"bad.md":       {Data: []byte("---\ntitle: [a, b]\n---\nBody text here.\n")},
		"titled.txt":   {Data: []byte("Rutte took over on Tuesday.\n\nHe said it was an honour.\n")},
		"sources.yaml": {Data: []byte("side.txt:\n  url: https://example.org/side\n  date: \"2030-05-06\"\ntitled.txt:\n  title: Handover day\n")},
	}
	w := warnings{}
	c, err := LoadWith(w.opts(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	plain, side := c.Article("plain"), c.Article("side")
	if plain == nil || plain.Title != "Plain title" || plain.Publisher != "Gazette" || plain.URL != "https://example.org/p" {
		t.Errorf("plain = %+v", plain)
	}
	if side == nil || side.URL != "https://example.org/side" || side.Date != "2030-05-06" {
		t.Errorf("side = %+v", side)
	}
	// A title from sources.yaml is the title, and the file's first line
	// stays a passage, as with front matter.
	titled := c.Article("titled")
	if titled == nil || titled.Title != "Handover day" || len(titled.Sentences) != 2 || titled.Sentences[0].Text != "Rutte took over on Tuesday." {
		t.Errorf("titled by sources.yaml = %+v", titled)
	}
	if !errors.Is(w["bad.md"], ErrFrontMatter) {
		t.Errorf("bad front matter warning = %v", w["bad.md"])
	}
}

// notes collects what LoadWith notes about files it loads, by file.
type notes map[string][]error

// opts records skipped files in w and notes in n.
func (n notes) opts(w warnings) LoadOptions {
	return LoadOptions{
		Warn: func(file string, err error) { w[file] = err },
		Note: func(file string, err error) { n[file] = append(n[file], err) },
	}
}

// TestLoadUnknownMetaKeys: a metadata key Meta does not read (what other
// tools write: author, tags) is ignored with one note for the file naming
// the keys and the keys that are read; the article and its other metadata
// load, and no Go type shows in the note.
func TestLoadUnknownMetaKeys(t *testing.T) {
	const read = "(the keys read are title, date, publisher, url)"
	tests := []struct {
		name    string
		files   fstest.MapFS
		id      string // the article checked
		want    Meta   // its metadata
		noted   string // the file noted
		inNote  []string
		notNote []string
	}{
		{
			name:   "front matter author",
			files:  fstest.MapFS{"a.md": {Data: []byte("---\ntitle: Handover day\nauthor: Bob\npublisher: Gazette\n---\nRutte took over on Tuesday.\n")}},
			id:     "a",
			want:   Meta{Title: "Handover day", Publisher: "Gazette"},
			noted:  "a.md",
			inNote: []string{`unknown metadata keys ignored: "author" ` + read},
		},
		{
			name:   "front matter tags and a misspelt key",
			files:  fstest.MapFS{"a.txt": {Data: []byte("---\ntags: [nato, rutte]\ntitel: typo\ndate: 2024-10-01\n---\nHandover day\n\nRutte took over on Tuesday.\n")}},
			id:     "a",
			want:   Meta{Title: "Handover day", Date: "2024-10-01"},
			noted:  "a.txt",
			inNote: []string{`"tags", "titel" ` + read},
		},
		{
			name: "sources.yaml",
			files: fstest.MapFS{
				"a.txt":        {Data: []byte("Handover day\n\nRutte took over on Tuesday.\n")},
				"b.txt":        {Data: []byte("Summit\n\nThe summit was held in Vilnius.\n")},
				"sources.yaml": {Data: []byte("a.txt:\n  author: Bob\n  publisher: Gazette\n  tags: [x]\nb.txt:\n  url: https://example.org/b\n")},
			},
			id:      "a",
			want:    Meta{Title: "Handover day", Publisher: "Gazette"},
			noted:   "sources.yaml",
			inNote:  []string{`a.txt: "author", "tags" ` + read},
			notNote: []string{"b.txt"},
		},
	}
	t.Run("a bad sources.yaml entry", func(t *testing.T) {
		files := fstest.MapFS{
			"a.txt":        {Data: []byte("Handover day\n\nRutte took over on Tuesday.\n")},
			"b.txt":        {Data: []byte("Summit\n\nThe summit was held in Vilnius.\n")},
			"sources.yaml": {Data: []byte("a.txt:\n  date: next week\n  publisher: Gazette\nb.txt:\n  url: https://example.org/b\n")},
		}
		w, n := warnings{}, notes{}
		c, err := LoadWith(n.opts(w), files)
		if err != nil {
			t.Fatal(err)
		}
		if len(w) > 0 {
			t.Errorf("skipped: %v; want every file loaded", w)
		}
		if b := c.Article("b"); b == nil || b.URL != "https://example.org/b" {
			t.Errorf("the good entry lost its url: %+v", b)
		}
		if a := c.Article("a"); a == nil || a.Publisher != "" || a.Date != "" {
			t.Errorf("the bad entry's metadata was read, or its file lost: %+v", a)
		}
		if len(n[sidecarName]) != 1 || !errors.Is(n[sidecarName][0], ErrFrontMatter) || !strings.Contains(n[sidecarName][0].Error(), "a.txt") {
			t.Errorf("notes = %v, want one naming a.txt", n)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, n := warnings{}, notes{}
			c, err := LoadWith(n.opts(w), tt.files)
			if err != nil {
				t.Fatal(err)
			}
			if len(w) > 0 {
				t.Errorf("skipped: %v; want every file loaded", w)
			}
			a := c.Article(tt.id)
			if a == nil {
				t.Fatalf("article %s not loaded; loaded %v", tt.id, ids(c))
			}
			got := Meta{Title: a.Title, Date: a.Date, Publisher: a.Publisher, URL: a.URL}
			if got != tt.want {
				t.Errorf("%s metadata = %+v, want %+v", tt.id, got, tt.want)
			}
			if b := c.Article("b"); b != nil && tt.noted == "sources.yaml" && b.URL != "https://example.org/b" {
				t.Errorf("another entry of sources.yaml lost its url: %+v", b)
			}
			if len(n) != 1 || len(n[tt.noted]) != 1 {
				t.Fatalf("notes = %v, want one, for %s", n, tt.noted)
			}
			note := n[tt.noted][0]
			if !errors.Is(note, ErrUnknownKeys) {
				t.Errorf("note %v is not ErrUnknownKeys", note)
			}
			for _, want := range tt.inNote {
				if !strings.Contains(note.Error(), want) {
					t.Errorf("note %q lacks %q", note, want)
				}
			}
			for _, bad := range append(tt.notNote, "corpus.", "not found in type") {
				if strings.Contains(note.Error(), bad) {
					t.Errorf("note %q holds %q", note, bad)
				}
			}
		})
	}
}

// TestLoadControlChars: control characters in a file (terminal escape
// sequences in its title and text, in its front matter, in sources.yaml)
// are removed with one note per file, and the article loads.
func TestLoadControlChars(t *testing.T) {
	fsys := fstest.MapFS{
		"a.txt":        {Data: []byte("Rutte takes over\x1b]0;pwned\a at NATO\n\nMark Rutte\x1b[2J took over\x07 on Tuesday.\vHe said\x7f it\u0085was an honour\u009b31m.\n")},
		"b.md":         {Data: []byte("---\npublisher: \"Gazette\\e[31m\"\n---\n# Summit\x1b[0m\n\nThe summit was held in Vilnius.\n")},
		"c.txt":        {Data: []byte("Harbour\n\nThe harbour reopened on Friday.\n")},
		"sources.yaml": {Data: []byte("c.txt:\n  title: \"Harbour\\e]8;;https://evil.example\\e\\\\ reopens\"\n")},
	}
	w, n := warnings{}, notes{}
	c, err := LoadWith(n.opts(w), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) > 0 {
		t.Errorf("skipped: %v; want every file loaded", w)
	}
	want := map[string]struct{ title, publisher, text string }{
		"a": {"Rutte takes over at NATO", "", "Mark Rutte took over on Tuesday.\nHe said it was an honour."},
		"b": {"Summit", "Gazette", "The summit was held in Vilnius."},
		"c": {"Harbour reopens", "", "The harbour reopened on Friday."},
	}
	for id, want := range want {
		a := c.Article(id)
		if a == nil {
			t.Errorf("article %s not loaded", id)
			continue
		}
		if a.Title != want.title || a.Publisher != want.publisher || allText(a) != want.text {
			t.Errorf("%s: title %q, publisher %q, text %q; want %q, %q, %q", id, a.Title, a.Publisher, allText(a), want.title, want.publisher, want.text)
		}
	}
	for _, file := range []string{"a.txt", "b.md", "sources.yaml"} {
		if len(n[file]) != 1 || !errors.Is(n[file][0], ErrControlChars) {
			t.Errorf("notes for %s = %v, want one ErrControlChars", file, n[file])
		}
	}
	if len(n["c.txt"]) > 0 {
		t.Errorf("c.txt noted: %v", n["c.txt"])
	}
}

// TestStripControls: escape sequences go whole, whitespace controls become
// a space, other controls go, and text without any is returned as it is.
func TestStripControls(t *testing.T) {
	tests := []struct {
		name, in, want string
		n              int
	}{
		{"clean", "Rutte took over.\n\tIndented\r\n", "Rutte took over.\n\tIndented\r\n", 0},
		{"window title (OSC, BEL)", "a\x1b]0;pwned\ab", "ab", 1},
		{"window title (OSC, ST)", "a\x1b]0;pwned\x1b\\b", "ab", 1},
		{"clear screen (CSI)", "a\x1b[2Jb", "ab", 1},
		{"colour", "\x1b[1;31mred\x1b[0m", "red", 2},
		{"C1 CSI", "a\u009b2Jb", "ab", 1},
		{"charset (ESC ( B)", "a\x1b(Bb", "ab", 1},
		{"reset (ESC c)", "a\x1bcb", "ab", 1},
		{"unterminated OSC ends at the line", "a\x1b]0;x\nnext", "a\nnext", 1},
		{"lone ESC at the end", "a\x1b", "a", 1},
		{"vertical tab, form feed, NEL", "a\vb\fc\u0085d", "a b c d", 3},
		{"bell, backspace, DEL, C1", "a\x07b\x08c\x7fd\u0080e", "abcde", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := stripControls([]byte(tt.in))
			if string(got) != tt.want || n != tt.n {
				t.Errorf("stripControls(%q) = %q, %d; want %q, %d", tt.in, got, n, tt.want, tt.n)
			}
		})
	}
}

func FuzzStripControls(f *testing.F) {
	f.Add([]byte("a\x1b]0;pwned\ab\x1b[2J\u009b1m\v"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !utf8.Valid(b) {
			t.Skip("LoadWith refuses a file that is not UTF-8 before it strips controls")
		}
		got, n := stripControls(b)
		for _, r := range string(got) {
			if unicode.IsControl(r) && !keptControl(r) {
				t.Fatalf("stripControls(%q) = %q keeps %U", b, got, r)
			}
		}
		if n == 0 && string(got) != string(b) {
			t.Fatalf("stripControls(%q) = %q with no change counted", b, got)
		}
		if again, m := stripControls(got); m != 0 || string(again) != string(got) {
			t.Fatalf("stripControls(%q) = %q, and again %q (%d)", b, got, again, m)
		}
	})
}

// TestMetaURL: only an absolute http(s) address is kept as an article's
// url, from front matter or sources.yaml; the rest of the metadata stays.
// Empty front matter is no metadata, not an error.
func TestMetaURL(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"https", "https://example.org/a", "https://example.org/a"},
		{"http", "http://example.org/a", "http://example.org/a"},
		{"javascript", "javascript:alert(1)", ""},
		{"file", "file:///etc/passwd", ""},
		{"no scheme", "example.org/a", ""},
		{"no host", "https:///a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			front := fmt.Sprintf("---\npublisher: Gazette\nurl: %q\n---\nFront title\n\nThe mayor opened the library on Friday.\n", tt.url)
			fsys := fstest.MapFS{
				"front.txt":    {Data: []byte(front)},
				"side.txt":     {Data: []byte("Side title\n\nThe school reopened after the floods.\n")},
				"sources.yaml": {Data: []byte(fmt.Sprintf("side.txt:\n  publisher: Herald\n  url: %q\n", tt.url))},
			}
			w := warnings{}
			c, err := LoadWith(w.opts(), fsys)
			if err != nil {
				t.Fatal(err)
			}
			for name, pub := range map[string]string{"front": "Gazette", "side": "Herald"} {
				a := c.Article(name)
				if a == nil || a.URL != tt.want || a.Publisher != pub {
					t.Errorf("url %q: %s = %+v, want url %q and publisher %q kept", tt.url, name, a, tt.want, pub)
				}
			}
		})
	}
	m, unknown, body, err := splitFrontMatter([]byte("---\n---\nBody.\n"))
	if err != nil || m != (Meta{}) || unknown != nil || string(body) != "Body.\n" {
		t.Errorf("empty front matter: %+v, %q, %v", m, body, err)
	}
}

func FuzzMarkdownText(f *testing.F) {
	f.Add([]byte("# T\n\n- a\n- b\n\n**x** [y](z)"))
	f.Add([]byte("---\ntitle: x\n---\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := markdownText(b, len(b)%2 == 0)
		if strings.Contains(s, "\n\n\n") {
			t.Errorf("markdownText(%q) has an empty paragraph: %q", b, s)
		}
		_, _, _, _ = splitFrontMatter(b)
	})
}

func TestEvents(t *testing.T) {
	in := []DateEntry{
		{Date: "2022", Precision: PrecisionYear, Text: "Kim said last week that the war began in 2022.", Docs: []string{"a"}},
		{Date: "2024-10-01", Precision: PrecisionDay, Text: "On Tuesday, October 1, Ana Silva will take office as chair of the Harbour Board, replacing Tom Berg.", Docs: []string{"b"}},
		{Date: "2024-10-01", Precision: PrecisionDay, Text: "Ana Silva took over the Harbour Board from Tom Berg at a ceremony in Lisbon on Tuesday.", Docs: []string{"c"}},
		{Date: "2024-10-01", Precision: PrecisionDay, Text: "In Oslo, Per Lund opened a bridge on Tuesday.", Docs: []string{"d"}},
		{Date: "2024-09", Precision: PrecisionMonth, Text: "Kim said last week that the war began in 2022.", Docs: []string{"a"}},
		{Date: "2024-10-01", Precision: PrecisionDay, Text: "Ana Silva took over, a reader wrote.", Kind: KindComment, Docs: []string{"e"}},
	}
	got := Events(in)
	type row struct {
		Date string
		Also []string
		Docs []string
	}
	var rows []row
	for _, e := range got {
		rows = append(rows, row{e.Date, e.Also, e.Docs})
	}
	want := []row{
		{"2022", []string{"2024-09"}, []string{"a"}},
		{"2024-10-01", nil, []string{"b", "c"}},
		{"2024-10-01", nil, []string{"d"}},
		{"2024-10-01", nil, []string{"e"}},
	}
	if len(rows) != len(want) {
		t.Fatalf("Events = %+v, want %+v", rows, want)
	}
	for i := range want {
		if rows[i].Date != want[i].Date || !slices.Equal(rows[i].Also, want[i].Also) || !slices.Equal(rows[i].Docs, want[i].Docs) {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	if len(in[1].Docs) != 1 {
		t.Errorf("Events changed its input: %v", in[1].Docs)
	}
}

func TestFindSpeakers(t *testing.T) {
	names := []string{"Ana Silva", "Anders Berg", "José Álvarez", "Tom Berg"}
	tests := []struct {
		query string
		want  []string
	}{
		{"", names},
		{"berg", []string{"Anders Berg", "Tom Berg"}}, // surname: exact
		{"Mr. Silva", []string{"Ana Silva"}},          // honorific
		{"ana", []string{"Ana Silva"}},                // first name: a word prefix
		{"an", []string{"Ana Silva", "Anders Berg"}},  // typing
		{"alvarez", []string{"José Álvarez"}},         // accents
		{"ANDERS  B", []string{"Anders Berg"}},        // whole-name prefix
		{"ilv", []string{"Ana Silva"}},                // inside a word
		{"nobody", nil},
	}
	for _, tt := range tests {
		if got := FindSpeakers(names, tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("FindSpeakers(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
}
