package corpus

// Mention is a person an article sentence names, as the corpus's people
// registry (the one that attributes quotes) reads it.
type Mention struct {
	Sentence string // the sentence's ID
	Name     string // the full name: "Mark Rutte"
	Surname  string // "Rutte"
	// Title holds the words, lower case, of the title or apposition the
	// sentence gives with the name, which say who the person is: "former
	// dutch prime minister", "the former prime minister of the
	// netherlands". Empty when the sentence only names them.
	Title []string
}

// QuotesAndMentions returns Quotes and the people each article sentence
// names, in article and reading order, reading the people registry once
// for both (at 100k passages it costs about a second). People named in full
// in any article are recognised by surname in all of them.
func (c *Corpus) QuotesAndMentions() ([]Quote, []Mention) {
	reg := newRegistry(c.Articles...)
	return c.quotes(reg), mentions(c.Articles, reg)
}

func mentions(articles []*Article, reg *registry) []Mention {
	var out []Mention
	for _, a := range articles {
		last := map[string]*person{}
		for si, s := range a.Sentences {
			if s.Kind != KindArticle {
				continue
			}
			for _, m := range findMentions(tokenizeSentences(a, si, si, nil), reg, last) {
				if m.kind != mName || m.p == nil {
					continue
				}
				out = append(out, Mention{Sentence: s.ID, Name: m.p.name, Surname: m.p.surname,
					Title: append([]string(nil), m.titled...)})
			}
		}
	}
	return out
}
