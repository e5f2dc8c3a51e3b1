package corpus

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func mustLoad(tb testing.TB) *Corpus {
	tb.Helper()
	c, err := Load(slog.New(slog.NewTextHandler(io.Discard, nil)), Default())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestShippedMetadata(t *testing.T) {
	type meta struct{ Title, Publisher, Date, DateSource string }
	want := map[string]meta{
		"000_ce59d00dae42433e": {"New NATO chief Rutte: Putin must realize alliance won’t ‘give in’ over Ukraine", "DW News", "", ""},
		"001_a56fb7e19c437d8f": {"Mark Rutte Becomes NATO Secretary-General, Succeeding Jens Stoltenberg", "", "", ""},
		"002_776516f0a915677a": {"Mark Rutte, New NATO Leader Vows Support for Ukraine Amid Global Challenges", "", "", ""},
		"003_2f614e97bf582ec3": {"Rutte will become new NATO Secretary General tomorrow: His main mission revealed", "RBC-Ukraine", "2024-09-30", "inferred"},
		"004_28a6fb4aff1795b7": {"NATO's new leader, Mark Rutte took over the leadership of the military alliance from outgoing NATO chief Jens Stoltenberg", "", "2024-10-01", "metadata"},
	}
	got := map[string]meta{}
	for _, a := range mustLoad(t).Articles {
		got[a.ID] = meta{a.Title, a.Publisher, a.Date, a.DateSource}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("article metadata mismatch (-want +got):\n%s", diff)
	}
}

func TestShippedCleaning(t *testing.T) {
	c := mustLoad(t)
	for _, a := range c.Articles {
		for _, junk := range []string{"Total Views", "Zoom In", "Read Later", "Join our Channel", " date 2024-10-01", "Tuesday, October 01, 2024 -"} {
			if strings.Contains(a.Text, junk) {
				t.Errorf("%s: cleaned text still holds %q", a.ID, junk)
			}
		}
		for _, s := range a.Sentences {
			if a.Text[s.Start:s.End] != s.Text {
				t.Errorf("%s: offsets %d:%d do not give %q", s.ID, s.Start, s.End, s.Text)
			}
		}
	}
	comments := 0
	for _, s := range c.Article("000_ce59d00dae42433e").Sentences {
		if s.Kind == KindComment {
			comments++
			if s.Comment < 1 || s.Comment > 8 {
				t.Errorf("%s: comment number %d", s.ID, s.Comment)
			}
		}
	}
	if comments == 0 {
		t.Error("article 000: no reader comments found")
	}
	for _, a := range c.Articles[1:] {
		for _, s := range a.Sentences {
			if s.Kind == KindComment {
				t.Errorf("%s: reporting marked as a comment: %q", s.ID, s.Text)
			}
		}
	}
}

// TestShippedGolden pins every parsed sentence of the shipped articles.
// go test ./corpus -run TestShippedGolden -update rewrites it.
func TestShippedGolden(t *testing.T) {
	var b bytes.Buffer
	for _, a := range mustLoad(t).Articles {
		fmt.Fprintf(&b, "== %s\ntitle: %s\npublisher: %s\ndate: %s (%s)\n", a.ID, a.Title, a.Publisher, a.Date, a.DateSource)
		for _, p := range a.Paragraphs {
			if p.Heading {
				fmt.Fprintf(&b, "heading: %s\n", a.Text[p.Start:p.End])
			}
		}
		for _, s := range a.Sentences {
			fmt.Fprintf(&b, "%s [%s", s.ID, s.Kind)
			if s.Comment > 0 {
				fmt.Fprintf(&b, " %d", s.Comment)
			}
			fmt.Fprintf(&b, "] %s\n", s.Text)
		}
	}
	golden := filepath.Join("testdata", "shipped.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("parsed articles differ from %s (-want +got):\n%s", golden, diff)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in                         string
		title, publisher, date, firstSen string
	}{
		{"title with publisher", "Big news | Example Times\n\nIt happened. Really.", "Big news", "Example Times", "", "It happened."},
		{"metadata date and lead title", " date 2024-10-01 \n\nRutte took over at a ceremony in Brussels.", "Rutte took over", "", "2024-10-01", "Rutte took over at a ceremony in Brussels."},
		{"dateline", "Title\nMonday, March 03, 2025 - Leaders met in Oslo.", "Title", "", "2025-03-03", "Leaders met in Oslo."},
		{"markdown title", "# A title\n\nBody text here.", "A title", "", "", "Body text here."},
		{"hard-wrapped paragraph", "Title\n\nThe minister said that\nthe plan works.", "Title", "", "", "The minister said that the plan works."},
		{"furniture", "Title\nTotal Views : 14\nZoom In Zoom Out Read Later Print\nBody.\nJoin our Channel...", "Title", "", "", "Body."},
		{"crlf", "Title\r\n\r\nBody one. Body two.\r\n", "Title", "", "", "Body one."},
		{"tomorrow without anchor year", "Title\nOn Tuesday, October 1, he takes office tomorrow.", "Title", "", "", "On Tuesday, October 1, he takes office tomorrow."},
		{"tomorrow with a year", "He starts tomorrow\nOn Tuesday, October 1, he takes office. He came in 2024.", "He starts tomorrow", "", "2024-09-30", "On Tuesday, October 1, he takes office."},
		{"invalid metadata date is not a title", " date 2024-13-45 \nBody.", "Body", "", "", "Body."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse("x", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			first := ""
			if len(a.Sentences) > 0 {
				first = a.Sentences[0].Text
			}
			got := []string{a.Title, a.Publisher, a.Date, first}
			want := []string{tt.title, tt.publisher, tt.date, tt.firstSen}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(%q) [title publisher date first] mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestHeadlinePassage checks that a headline the file gives is a passage
// of its own, ahead of the sentences, and a title made from the lead
// sentence is not (it would repeat that sentence).
func TestHeadlinePassage(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // passage ID: text
	}{
		{"headline", "Big news | Example Times\n\nIt happened. Really.", []string{"x#0: Big news", "x#1: It happened.", "x#2: Really."}},
		{"lead title", " date 2024-10-01 \n\nRutte took over at a ceremony.", []string{"x#1: Rutte took over at a ceremony."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse("x", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range a.Passages() {
				got = append(got, p.ID+": "+p.Text)
				if p.Headline && (p.Before != "" || p.After != "" || p.Kind != KindArticle) {
					t.Errorf("headline passage %+v: want an article passage standing alone", p)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("passages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", []byte("  \n\n "), ErrEmpty},
		{"not utf-8", []byte{0xff, 0xfe, 'a'}, ErrNotText},
		{"binary", []byte("abc\x00def"), ErrNotText},
		{"too large", bytes.Repeat([]byte("a"), MaxFileSize+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x", tt.in)
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse(%s) = %v, want %v", tt.name, err, tt.want)
			}
		})
	}
}

func TestLoadSkipsBadFiles(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	fsys := fstest.MapFS{
		"good.txt":   {Data: []byte("Good title\n\nRutte took over. It went well.")},
		"notes.md":   {Data: []byte("# Markdown title\n\nStoltenberg left.")},
		"binary.txt": {Data: []byte("\x00\x01\x02")},
		"latin1.txt": {Data: []byte("caf\xe9")},
		"empty.txt":  {Data: nil},
		"image.png":  {Data: []byte("not an article")},
	}
	c, err := Load(logger, fsys)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range c.Articles {
		ids = append(ids, a.ID)
	}
	if diff := cmp.Diff([]string{"good", "notes"}, ids); diff != "" {
		t.Errorf("loaded articles (-want +got):\n%s", diff)
	}
	for _, name := range []string{"binary.txt", "latin1.txt", "empty.txt"} {
		if !strings.Contains(logs.String(), name) {
			t.Errorf("no warning names %s; log:\n%s", name, logs.String())
		}
	}
	if strings.Contains(logs.String(), "image.png") {
		t.Errorf("non-article file warned about: %s", logs.String())
	}
}

func TestLoadDuplicateID(t *testing.T) {
	var logs bytes.Buffer
	c, err := Load(slog.New(slog.NewTextHandler(&logs, nil)), Default(), fstest.MapFS{
		"000_ce59d00dae42433e.txt": {Data: []byte("Other\n\nText.")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Articles) != 5 || !strings.Contains(logs.String(), "already loaded") {
		t.Errorf("got %d articles, log %q; want the duplicate skipped with a warning", len(c.Articles), logs.String())
	}
}

func FuzzParse(f *testing.F) {
	for _, a := range mustLoad(f).Articles {
		data, err := readShipped(a.ID)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(" date 2024-10-01 \n\nTuesday, October 01, 2024 - X.\n\n  1. a\n  2. b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		if !utf8.ValidString(a.Text) || !utf8.ValidString(a.Title) {
			t.Fatal("invalid UTF-8 out of valid input")
		}
		for i, s := range a.Sentences {
			if s.Start < 0 || s.End > len(a.Text) || s.Start >= s.End || a.Text[s.Start:s.End] != s.Text {
				t.Fatalf("sentence %d offsets %d:%d wrong for %q", i, s.Start, s.End, s.Text)
			}
			if s.Index != i || s.Para < 0 || s.Para >= len(a.Paragraphs) {
				t.Fatalf("sentence %d index/para wrong: %+v", i, s)
			}
		}
		if a.Date != "" && !validDate(a.Date) {
			t.Fatalf("invalid date %q", a.Date)
		}
	})
}

func readShipped(id string) ([]byte, error) {
	return os.ReadFile(filepath.Join("articles", id+".txt"))
}

// mentionsOf returns the mentions of one article, x, given as text.
func mentionsOf(t *testing.T, text string) []Mention {
	t.Helper()
	a, err := Parse("x", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	_, mentions := (&Corpus{Articles: []*Article{a}}).QuotesAndMentions()
	return mentions
}

// TestMentions checks the people model's reading of who a sentence names
// and the title it gives them: a title before the name, a possessive, an
// apposition after it, and a surname alone later.
func TestMentions(t *testing.T) {
	var got []string
	for _, m := range mentionsOf(t, "Bridge news\n\n"+
		"The Portuguese mayor Ana Costa opened the bridge on Monday.\n\n"+
		"Costa thanked the engineers. Lisbon's Rui Duarte, the deputy mayor, said it was done. Duarte smiled.\n") {
		got = append(got, m.Sentence+" "+m.Name+" ["+strings.Join(m.Title, " ")+"]")
	}
	want := []string{"x#1 Ana Costa [portuguese mayor]", "x#2 Ana Costa []", "x#3 Rui Duarte [lisbon deputy mayor]", "x#4 Rui Duarte []"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("QuotesAndMentions() mentions mismatch (-want +got):\n%s", diff)
	}
}

// TestPronounMentions checks that a sentence opening with a pronoun for
// someone it does not name mentions them as such, resolved to the most
// recent subject of the same gender, when the sentence before names them
// (or opens with a pronoun for them, or quotes them: “…,” she said. She
// thanked …); one that names them, or whose pronoun
// does not open it, does not, and neither does one after a sentence about
// someone unnamed ("The pilot landed").
func TestPronounMentions(t *testing.T) {
	got := pronounsOf(t, "Bridge news\n\n"+
		"Mayor Ana Costa opened the bridge on Monday.\n\n"+
		"She thanked the engineers. Deputy mayor Rui Duarte spoke next.\n\n"+
		"He said it was done. He smiled. The pilot landed. He said it was fast.\n\n"+
		"Then she left. Her car was waiting for Ana Costa.\n\n"+
		"Minister Rui Lopes came too.\n\n“Rui Lopes must pay for it,” Ana Costa said. She added a word.\n\n"+
		"Rui Lopes spoke at last. He sat down.\n\n“The bridge is strong,” she said. She thanked the crews.\n")
	want := []string{"x#2 Ana Costa", "x#4 Rui Duarte", "x#5 Rui Duarte", "x#12 Ana Costa", "x#14 Rui Lopes", "x#16 Ana Costa"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pronoun mentions mismatch (-want +got):\n%s", diff)
	}
}

// TestPronounMentionsOwnQuotes checks that a sentence quotes someone, for
// the pronoun after it, only as its own article attributes the quotation:
// another article's copy of the same words, merged into one quotation,
// says nothing of who speaks in this one.
func TestPronounMentionsOwnQuotes(t *testing.T) {
	a := "Rutte speaks in Brussels\n\nMark Rutte spoke in Brussels on Monday.\n\nRutte said unity was “vital for peace and security in Europe.”\n"
	b := "Officials meet in Kyiv\n\nMark Rutte arrived in Kyiv on Tuesday.\n\nA senior official told reporters that unity was “vital for peace and security in Europe.”\n\nHe declined to be named.\n"
	c, err := LoadWith(LoadOptions{}, fstest.MapFS{"a.txt": {Data: []byte(a)}, "b.txt": {Data: []byte(b)}})
	if err != nil {
		t.Fatal(err)
	}
	quotes, mentions := c.QuotesAndMentions()
	if len(quotes) != 1 || len(quotes[0].Retold) == 0 {
		t.Fatalf("quotes = %+v, want the two copies merged into one", quotes)
	}
	for _, m := range mentions {
		if m.Pronoun {
			t.Errorf("%s: pronoun read as %s, from another article's quotation", m.Sentence, m.Name)
		}
	}
}

// TestQuotedOpener checks that a pronoun opening a quotation stands for
// the one person the sentence before names, quotes or names in its own
// quotation, never for the speaker (who says "I") nor for someone of the
// other gender.
func TestQuotedOpener(t *testing.T) {
	got := pronounsOf(t, "Bridge news\n\n"+
		"Mayor Ana Costa opened the bridge on Monday. She thanked the crews.\n\n"+
		"Minister Rui Lopes praised the work.\n\n"+
		"“Ana has the perfect background for it,” Lopes said.\n\n"+
		"“She has built four bridges before,” Lopes said.\n\n"+
		"“He is proud of her,” Lopes said.\n\n"+
		"“She deserves it,” Costa and Lopes said.\n")
	// x#2 is the plain opener; x#5 the quoted one; x#6 ("He") has no one
	// left but the speaker and a woman; x#7 has only its two speakers.
	want := []string{"x#2 Ana Costa", "x#5 Ana Costa"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pronoun mentions mismatch (-want +got):\n%s", diff)
	}
}

// pronounsOf lists, as "<sentence> <name>", the mentions of text that are
// pronouns read as the people they stand for.
func pronounsOf(t *testing.T, text string) []string {
	t.Helper()
	var got []string
	for _, m := range mentionsOf(t, text) {
		if m.Pronoun {
			got = append(got, m.Sentence+" "+m.Name)
		}
	}
	return got
}
