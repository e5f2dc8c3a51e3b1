package corpus

import (
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Shipped article IDs.
const (
	doc0 = "000_ce59d00dae42433e" // DW: ends with reader comments
	doc1 = "001_a56fb7e19c437d8f"
	doc2 = "002_776516f0a915677a"
	doc3 = "003_2f614e97bf582ec3" // no quote marks at all
	doc4 = "004_28a6fb4aff1795b7"
)

// loadForExtract loads the shipped corpus.
func loadForExtract(tb testing.TB) *Corpus {
	tb.Helper()
	c, err := Load(slog.New(slog.NewTextHandler(io.Discard, nil)), Default())
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	if len(c.Articles) != 5 {
		tb.Fatalf("Load: got %d articles, want 5", len(c.Articles))
	}
	return c
}

// parseForExtract parses a synthetic article: a title line, then text.
func parseForExtract(tb testing.TB, text string) *Article {
	tb.Helper()
	a, err := Parse("t", []byte("Synthetic title\n\n"+text))
	if err != nil {
		tb.Fatalf("Parse(%q): %v", text, err)
	}
	return a
}

type quoteRow struct {
	Speaker   string
	Text      string
	Partial   bool
	Docs      []string
	Sentences []string
}

func quoteRows(qs []Quote) []quoteRow {
	rows := make([]quoteRow, 0, len(qs))
	for _, q := range qs {
		rows = append(rows, quoteRow{q.Speaker, q.Text, q.Partial, q.Docs, q.Sentences})
	}
	return rows
}

func TestQuotesShipped(t *testing.T) {
	const (
		rutte       = "Mark Rutte"
		stoltenberg = "Jens Stoltenberg"
	)
	want := []quoteRow{
		{rutte, "significantly increase defense spending", true, []string{doc0, doc1}, []string{doc0 + "#6"}},
		{rutte, "is vital for peace and security in Europe", true, []string{doc0, doc1}, []string{doc0 + "#7"}},
		{rutte, "enhance cooperation with our Indo-Pacific partners", true, []string{doc0, doc1}, []string{doc0 + "#8"}},
		// "The outgoing secretary-general ..., stating that": the article
		// says Stoltenberg passed leadership to Rutte.
		{stoltenberg, "safe hands", true, []string{doc1}, []string{doc1 + "#6"}},
		// "he remarked": Rutte is the previous sentence's subject.
		{rutte, "It is a big job, and I have big shoes to fill", false, []string{doc1}, []string{doc1 + "#8"}},
		{rutte, "on top of our list", true, []string{doc1}, []string{doc1 + "#16"}},
		{rutte, "I'm not worried. I know both candidates very well. I worked for four years with Donald Trump", false,
			[]string{doc1}, []string{doc1 + "#19", doc1 + "#20", doc1 + "#21"}},
		{rutte, "I know both candidates very well", false, []string{doc2, doc4}, []string{doc2 + "#4"}},
		{stoltenberg, "Mark has the perfect background to become a great secretary-general", false, []string{doc2, doc4}, []string{doc2 + "#8"}},
		{stoltenberg, "He has served as prime minister for 14 years and led four different coalition governments, so therefore he knows how to make compromises, create consensus, and these are skills which are very much valued here at NATO", false,
			[]string{doc4}, []string{doc4 + "#6"}},
		{rutte, "cannot wait to get to work.", true, []string{doc4}, []string{doc4 + "#7"}},
		// "He also hailed ... and described her as": He is Rutte, her Harris.
		{rutte, "fantastic record", true, []string{doc4}, []string{doc4 + "#13"}},
		{rutte, "a highly respected leader.", true, []string{doc4}, []string{doc4 + "#13"}},
		{rutte, "I will be able to work with both. Whatever is the outcome of the election", false,
			[]string{doc4}, []string{doc4 + "#14", doc4 + "#15"}},
		// Scare quotes: nobody's speech.
		{"", "little green men", true, []string{doc4}, []string{doc4 + "#16"}},
	}
	c := loadForExtract(t)
	got := quoteRows(c.Quotes())
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Quotes() mismatch (-want +got):\n%s", diff)
	}
	// A quote merged from another article, or told again in other words
	// ("enhance" and "enhancing"), keeps the sentences that retell it.
	wantRetold := map[string][]string{
		"significantly increase defense spending":                             {doc1 + "#11"},
		"is vital for peace and security in Europe":                           {doc1 + "#12"},
		"enhance cooperation with our Indo-Pacific partners":                  {doc1 + "#13"},
		"I know both candidates very well":                                    {doc4 + "#11"},
		"Mark has the perfect background to become a great secretary-general": {doc4 + "#5"},
	}
	gotRetold := map[string][]string{}
	for _, q := range c.Quotes() {
		if q.Retold != nil {
			gotRetold[q.Text] = q.Retold
		}
	}
	if diff := cmp.Diff(wantRetold, gotRetold); diff != "" {
		t.Errorf("retold sentences mismatch (-want +got):\n%s", diff)
	}
	for _, q := range c.Quotes() {
		if !strings.Contains(q.Context, q.Text) {
			t.Errorf("quote %q: context %q does not contain it", q.Text, q.Context)
		}
		var ctx []string
		for _, id := range q.Sentences {
			s, ok := c.Sentence(id)
			if !ok {
				t.Fatalf("quote %q: sentence %s not found", q.Text, id)
			}
			if s.Kind != KindArticle {
				t.Errorf("quote %q comes from %s sentence %s", q.Text, s.Kind, id)
			}
			ctx = append(ctx, s.Text)
		}
		if got, want := q.Context, strings.Join(ctx, " "); got != want {
			t.Errorf("quote %q: context\n got %q\nwant %q", q.Text, got, want)
		}
		if q.Doc != q.Docs[0] {
			t.Errorf("quote %q: Doc %s, Docs %v", q.Text, q.Doc, q.Docs)
		}
		for _, id := range q.Retold {
			s, ok := c.Sentence(id)
			doc, _, _ := strings.Cut(id, "#")
			if !ok || s.Kind != KindArticle || !slices.Contains(q.Docs, doc) || slices.Contains(q.Sentences, id) {
				t.Errorf("quote %q: retold in %s, not an article sentence of %v apart from its own", q.Text, id, q.Docs)
			}
		}
	}
}

// TestExtractQuotesAlone checks that each article resolves its own
// speakers without help from the others.
func TestExtractQuotesAlone(t *testing.T) {
	c := loadForExtract(t)
	tests := []struct {
		name, doc, text, speaker string
	}{
		{"pronoun after quote", doc0, "is vital for peace and security in Europe", "Mark Rutte"},
		{"outgoing secretary-general", doc1, "safe hands", "Jens Stoltenberg"},
		{"he remarked", doc1, "It is a big job, and I have big shoes to fill", "Mark Rutte"},
		{"inflected twin kept apart within one article", doc1, "enhancing cooperation with our Indo-Pacific partners", "Mark Rutte"},
		{"said after quote", doc2, "Mark has the perfect background to become a great secretary-general", "Jens Stoltenberg"},
		{"mixed quote marks", doc4, "Mark has the perfect background to become a great secretary general", "Jens Stoltenberg"},
		{"colon form", doc4, "I know both candidates very well.", "Mark Rutte"},
		{"scare quotes", doc4, "little green men", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := c.Article(tt.doc)
			var found []string
			for _, q := range ExtractQuotes(a) {
				if q.Text == tt.text {
					found = append(found, q.Speaker)
				}
			}
			if diff := cmp.Diff([]string{tt.speaker}, found); diff != "" {
				t.Errorf("ExtractQuotes(%s) speakers of %q (-want +got):\n%s", tt.doc, tt.text, diff)
			}
		})
	}
	if qs := ExtractQuotes(c.Article(doc3)); len(qs) != 0 {
		t.Errorf("ExtractQuotes(%s): indirect speech is not a quote, got %+v", doc3, qs)
	}
}

func TestQuotesNeverFromComments(t *testing.T) {
	c := loadForExtract(t)
	a := c.Article(doc0)
	for _, q := range ExtractQuotes(a) {
		for _, id := range q.Sentences {
			if s, _ := c.Sentence(id); s.Kind == KindComment {
				t.Errorf("quote %q from comment sentence %s", q.Text, id)
			}
		}
	}
	// A comment that quotes someone is still not a public figure's quote.
	b := parseForExtract(t, "Mark Rutte took office.\n\n1. Rutte said “we will win” and nobody believed him.\n2. Another comment.")
	if qs := ExtractQuotes(b); len(qs) != 0 {
		t.Errorf("ExtractQuotes on a comment quote: got %+v, want none", qs)
	}
}

func TestRegistryShipped(t *testing.T) {
	c := loadForExtract(t)
	reg := newRegistry(c.Articles...)
	var got []string
	for _, p := range reg.people {
		got = append(got, p.name)
	}
	want := []string{"Jens Stoltenberg", "Mark Rutte", "Vladimir Putin", "Joseph Luns", "Donald Trump",
		"Kamala Harris", "Peter Bator", "Oana Lungescu", "Ben Wallace", "Volodymyr Zelenskyy"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("registry people (-want +got):\n%s", diff)
	}
	roles := map[string]string{}
	for side, p := range reg.roles {
		roles[side] = p.name
	}
	if diff := cmp.Diff(map[string]string{"outgoing": "Jens Stoltenberg", "incoming": "Mark Rutte"}, roles); diff != "" {
		t.Errorf("registry roles (-want +got):\n%s", diff)
	}
}

// TestDescriptions resolves role descriptions against the shipped corpus's
// registry.
func TestDescriptions(t *testing.T) {
	c := loadForExtract(t)
	rs := newResolver(newRegistry(c.Articles...))
	tests := []struct {
		name, text, want string
	}{
		{"outgoing", "The outgoing secretary-general spoke.", "Jens Stoltenberg"},
		{"new leader", "NATO's new leader spoke.", "Mark Rutte"},
		{"new secretary-general", "The new secretary-general spoke.", "Mark Rutte"},
		{"former Dutch prime minister", "The former Dutch prime minister spoke.", "Mark Rutte"},
		{"Russian president", "The Russian president spoke.", "Vladimir Putin"},
		{"office alone is anyone", "The NATO Secretary General spoke.", ""},
		{"the one former president", "The former president spoke.", "Donald Trump"},
		{"role alone", "The president spoke.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks := tokenize(tt.text, 0, len(tt.text), nil)
			ms := findMentions(toks, rs.reg, nil)
			got := ""
			if len(ms) > 0 {
				got, _ = rs.resolve(toks, ms, 0)
			}
			if got != tt.want {
				t.Errorf("resolve(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestExtractQuotesSynthetic(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []quoteRow
	}{
		{
			name: "said after, straight quotes",
			text: `Mark Rutte spoke in Brussels. "We stand together," Rutte said.`,
			want: []quoteRow{{"Mark Rutte", "We stand together", false, []string{"t"}, []string{"t#2"}}},
		},
		{
			name: "verb before speaker",
			text: `Mark Rutte spoke in Brussels. “We stand together,” said Rutte.`,
			want: []quoteRow{{"Mark Rutte", "We stand together", false, []string{"t"}, []string{"t#2"}}},
		},
		{
			name: "name and colon",
			text: `Jens Stoltenberg spoke. Stoltenberg: “The alliance is strong.”`,
			want: []quoteRow{{"Jens Stoltenberg", "The alliance is strong.", false, []string{"t"}, []string{"t#2"}}},
		},
		{
			name: "according to",
			text: `According to Mark Rutte, the alliance is “ready for anything”.`,
			want: []quoteRow{{"Mark Rutte", "ready for anything", true, []string{"t"}, []string{"t#1"}}},
		},
		{
			name: "she resolves past a man",
			text: "Vice President Kamala Harris said she trusts him. Dutch Prime Minister Mark Rutte thanked her. He said: “We trust each other.” “We are friends,” she said.",
			want: []quoteRow{
				{"Mark Rutte", "We trust each other.", false, []string{"t"}, []string{"t#3"}},
				{"Kamala Harris", "We are friends", false, []string{"t"}, []string{"t#4"}},
			},
		},
		{
			name: "honorific gender refuses a wrong pronoun",
			text: "Mr. John Smith met Ms. Jane Doe. “Hello,” she said. Later Mr. Smith said: “Goodbye.”",
			want: []quoteRow{
				{"", "Hello", false, []string{"t"}, []string{"t#2"}},
				{"John Smith", "Goodbye.", false, []string{"t"}, []string{"t#3"}},
			},
		},
		{
			name: "pronoun with nobody before it",
			text: `"We will see," he said.`,
			want: []quoteRow{{"", "We will see", false, []string{"t"}, []string{"t#1"}}},
		},
		{
			name: "scare quotes",
			text: `Russia sent “little green men” into Crimea in 2014.`,
			want: []quoteRow{{"", "little green men", true, []string{"t"}, []string{"t#1"}}},
		},
		{
			name: "single curly quotes and apostrophes",
			text: `Mark Rutte said NATO won’t ‘give in’ over Ukraine's future.`,
			want: []quoteRow{{"Mark Rutte", "give in", true, []string{"t"}, []string{"t#1"}}},
		},
		{
			name: "nested single quotes stay inside",
			text: `Mark Rutte said: "They call it 'peace', we call it war."`,
			want: []quoteRow{{"Mark Rutte", "They call it 'peace', we call it war.", false, []string{"t"}, []string{"t#1"}}},
		},
		{
			name: "continuation quote",
			text: "“We are ready,” Mark Rutte said. “And we will stay ready.”",
			want: []quoteRow{
				{"Mark Rutte", "We are ready", false, []string{"t"}, []string{"t#1"}},
				{"Mark Rutte", "And we will stay ready.", false, []string{"t"}, []string{"t#2"}},
			},
		},
		{
			name: "speaker the registry does not know",
			text: `"Talks continue," Reuters reported.`,
			want: []quoteRow{{"Reuters", "Talks continue", false, []string{"t"}, []string{"t#1"}}},
		},
		{
			name: "unknown name said",
			text: `"Talks continue," Smith said.`,
			want: []quoteRow{{"Smith", "Talks continue", false, []string{"t"}, []string{"t#1"}}},
		},
		{
			name: "unclosed quote runs to paragraph end",
			text: `Mark Rutte said: "We are ready. We will stay ready.`,
			want: []quoteRow{{"Mark Rutte", "We are ready. We will stay ready.", false, []string{"t"}, []string{"t#1", "t#2"}}},
		},
		{
			name: "same quote twice in one article",
			text: "Mark Rutte said “we are ready”.\n\nLater Rutte said “We are ready!”",
			want: []quoteRow{{"Mark Rutte", "we are ready", true, []string{"t"}, []string{"t#1"}}},
		},
		{
			name: "title before the name after the quote",
			text: `Mark Rutte arrived. “We are ready,” NATO chief Mark Rutte told reporters.`,
			want: []quoteRow{{"Mark Rutte", "We are ready", false, []string{"t"}, []string{"t#2"}}},
		},
		{
			name: "apposition between speaker and verb",
			text: `Jens Stoltenberg left. “It was an honour,” Stoltenberg, the outgoing chief, said.`,
			want: []quoteRow{{"Jens Stoltenberg", "It was an honour", false, []string{"t"}, []string{"t#2"}}},
		},
		{
			name: "description as speaker",
			text: `NATO chief Jens Stoltenberg passed leadership to former prime minister Mark Rutte. “Good luck,” said the outgoing secretary-general.`,
			want: []quoteRow{{"Jens Stoltenberg", "Good luck", false, []string{"t"}, []string{"t#2"}}},
		},
		{
			name: "description fitting two people",
			text: "Former President Donald Trump spoke. Former President Barack Obama spoke. The former president said: “Vote.”",
			want: []quoteRow{{"", "Vote.", false, []string{"t"}, []string{"t#3"}}},
		},
		{
			name: "clause break stops the search",
			text: `Mark Rutte spoke; the plan was called “bold” by critics.`,
			want: []quoteRow{{"", "bold", true, []string{"t"}, []string{"t#1"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := parseForExtract(t, tt.text)
			got := quoteRows(ExtractQuotes(a))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ExtractQuotes(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestSameQuote(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"quote style and case", "“Mark has the perfect background”", `"mark has the perfect background,"`, true},
		{"hyphen", "a great secretary-general", "a great secretary general", true},
		{"one word dropped", "is vital for peace and security in Europe", "vital for peace and security in Europe", true},
		{"numbers are not inflections", "in 1990 and 1991 they met", "in 1990 and 1992 they met", false},
		{"inflection", "enhance cooperation with our Indo-Pacific partners", "enhancing cooperation with our Indo-Pacific partners", true},
		{"different word", "I know both candidates very well", "I know both candidates very badly", false},
		{"too short to loosen", "safe hands", "safe", false},
		{"contained in a longer quote", "I know both candidates very well", "I'm not worried. I know both candidates very well. I worked for four years", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameQuote(quoteWords(tt.a), quoteWords(tt.b)); got != tt.want {
				t.Errorf("sameQuote(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestSpeakers(t *testing.T) {
	c := loadForExtract(t)
	want := []Speaker{{Name: "Jens Stoltenberg"}, {Name: "Mark Rutte"}}
	if diff := cmp.Diff(want, c.SpeakersOf(c.Quotes())); diff != "" {
		t.Errorf("SpeakersOf(Quotes()) mismatch (-want +got):\n%s", diff)
	}
	if got := c.SpeakersOf(nil); len(got) != 0 {
		t.Errorf("SpeakersOf(nil) = %v, want none", got)
	}
}

func TestMatchSpeaker(t *testing.T) {
	tests := []struct {
		name, speaker, query string
		want                 bool
	}{
		{"surname lower case", "Mark Rutte", "rutte", true},
		{"full name", "Mark Rutte", "Mark Rutte", true},
		{"full name odd spacing", "Mark Rutte", "  mark   RUTTE ", true},
		{"possessive", "Mark Rutte", "Rutte’s", true},
		{"honorific", "Mark Rutte", "Mr. Rutte", true},
		{"other surname", "Jens Stoltenberg", "stoltenberg", true},
		{"wrong person", "Jens Stoltenberg", "rutte", false},
		{"first name alone", "Mark Rutte", "mark", false},
		{"prefix is not a match", "Mark Rutte", "rut", false},
		{"empty query", "Mark Rutte", "", false},
		{"empty speaker", "", "rutte", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchSpeaker(tt.speaker, tt.query); got != tt.want {
				t.Errorf("MatchSpeaker(%q, %q) = %v, want %v", tt.speaker, tt.query, got, tt.want)
			}
		})
	}
}

// normQuotes folds quote marks to straight ones.
func normQuotes(s string) string {
	return strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'").Replace(s)
}

// shippedSeeds returns the shipped article files, for fuzz seeds.
func shippedSeeds(f *testing.F) [][]byte {
	f.Helper()
	var seeds [][]byte
	err := fs.WalkDir(Default(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(Default(), p)
		seeds = append(seeds, data)
		return err
	})
	if err != nil {
		f.Fatalf("read shipped articles: %v", err)
	}
	return seeds
}

func FuzzExtractQuotes(f *testing.F) {
	for _, s := range shippedSeeds(f) {
		f.Add(s)
	}
	for _, s := range []string{
		`T` + "\n\n" + `"a," he said. “b" ‘c’ 'd' “e`,
		"T\n\nRutte: “x”\n\n1. Rutte said “y”",
		"T\n\n\"\"\"“”‘’''\n\n“ ” \" ' ‘",
		"T\n\nThe outgoing chief, stating that “x”, passed leadership to the new leader, Mark Rutte.",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse("f", data)
		if err != nil {
			return
		}
		text := normQuotes(a.Text)
		for _, q := range ExtractQuotes(a) {
			if q.Text == "" || !strings.Contains(text, normQuotes(q.Text)) {
				t.Fatalf("quote %q is not in the article text %q", q.Text, a.Text)
			}
			if !strings.Contains(q.Context, q.Text) || !strings.Contains(a.Text, q.Context) {
				t.Fatalf("quote %q: context %q not verbatim or not containing it", q.Text, q.Context)
			}
			if len(q.Sentences) == 0 || q.Doc != "f" || len(q.Docs) != 1 {
				t.Fatalf("quote %q: sentences %v, doc %q, docs %v", q.Text, q.Sentences, q.Doc, q.Docs)
			}
			for _, id := range q.Sentences {
				found := false
				for _, s := range a.Sentences {
					if s.ID == id {
						found = true
						if s.Kind != KindArticle {
							t.Fatalf("quote %q from a %s sentence %s", q.Text, s.Kind, id)
						}
					}
				}
				if !found {
					t.Fatalf("quote %q: no sentence %s", q.Text, id)
				}
			}
			if q.Speaker != "" && !MatchSpeaker(q.Speaker, q.Speaker) {
				t.Fatalf("speaker %q does not match itself", q.Speaker)
			}
		}
		// The people each sentence names, pronouns read as names
		// included, are people of a sentence of the article.
		_, mentions := (&Corpus{Articles: []*Article{a}}).QuotesAndMentions()
		for _, m := range mentions {
			if m.Name == "" || !slices.ContainsFunc(a.Sentences, func(s Sentence) bool { return s.ID == m.Sentence }) {
				t.Fatalf("mention %+v: no name or no such sentence", m)
			}
		}
	})
}

// BenchmarkExtractQuotesCrowded is one sentence of 5,000 different
// quotes: extraction and merging must stay linear.
func BenchmarkExtractQuotesCrowded(b *testing.B) {
	var text strings.Builder
	text.WriteString("T\n\nMark Rutte said ")
	for i := range 5000 {
		fmt.Fprintf(&text, `"w%d x y z" and he said `, i)
	}
	a, err := Parse("crowded", []byte(text.String()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ExtractQuotes(a)
	}
}

func BenchmarkQuotes(b *testing.B) {
	c := loadForExtract(b)
	b.ReportAllocs()
	for b.Loop() {
		c.Quotes()
	}
}
