package corpus

import (
	"slices"
	"strings"
)

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
	// Pronoun is set when the sentence opens with a pronoun for them and
	// does not name them ("He said his priorities …"), as the resolver
	// that attributes quotes resolves a pronoun (the most recent subject of
	// the same gender, quotations read as one token), and the sentence
	// before names them, opens with a pronoun for them or quotes them
	// ("“…,” he said. He also called for …"). Title is then empty.
	Pronoun bool
}

// QuotesAndMentions returns Quotes and the people each article sentence
// names, in article and reading order, reading the people registry once
// for both (at 100k passages it costs about a second). People named in full
// in any article are recognised by surname in all of them.
func (c *Corpus) QuotesAndMentions() ([]Quote, []Mention) {
	reg := newRegistry(c.Articles...)
	own := c.ownQuotes(reg)
	// quoting holds the people each sentence quotes, as its own article
	// attributes them: a quotation merged across articles may be another
	// article's unattributed or otherwise attributed copy of the words.
	quoting := map[string][]string{}
	for _, q := range own {
		if q.Speaker == "" {
			continue
		}
		for _, id := range q.Sentences {
			quoting[id] = append(quoting[id], q.Speaker)
		}
	}
	return mergeQuotes(own), mentions(c.Articles, reg, quoting)
}

func mentions(articles []*Article, reg *registry, quoting map[string][]string) []Mention {
	var out []Mention
	for _, a := range articles {
		rs := newResolver(reg)
		var before map[string]bool          // the people the sentence before names
		prev, prevSpans := -1, []qspan(nil) // that sentence, and its paragraph's quotations
		spans, para := []qspan(nil), -1     // the quotations of the paragraph para
		for si, s := range a.Sentences {
			if s.Kind != KindArticle {
				before, prev = nil, -1
				continue
			}
			if s.Para != para {
				// A quotation is one token, as the quote resolver reads
				// it: a name inside it is no subject of the sentence.
				spans, _ = paragraphQuotes(a, s.Para)
				para = s.Para
			}
			toks := tokenizeSentences(a, si, si, spans)
			ms := findMentions(toks, reg, rs.last)
			named := map[string]bool{}
			for _, m := range ms {
				if m.kind != mName || m.p == nil {
					continue
				}
				named[m.p.name] = true
				out = append(out, Mention{Sentence: s.ID, Name: m.p.name, Surname: m.p.surname,
					Title: append([]string(nil), m.titled...)})
			}
			if k := slices.IndexFunc(ms, func(m mention) bool { return m.kind == mPronoun && toks[m.i].initial }); k >= 0 {
				// Only someone the sentence before names: after "The
				// pilot landed.", "He" is no one named.
				name, ok := rs.resolve(toks, ms, k)
				if p := reg.byKey[strings.ToLower(name)]; ok && p != nil && !named[name] && before[name] {
					named[name] = true
					out = append(out, Mention{Sentence: s.ID, Name: p.name, Surname: p.surname, Pronoun: true})
				}
			}
			if name, ok := quotedOpener(a, si, rs, before, quoted{prev, prevSpans}, quoting[s.ID]); ok && !named[name] {
				p := reg.byKey[strings.ToLower(name)]
				named[name] = true
				out = append(out, Mention{Sentence: s.ID, Name: p.name, Surname: p.surname, Pronoun: true})
			}
			before = named
			for _, name := range quoting[s.ID] {
				before[name] = true
			}
			prev, prevSpans = si, spans
			if name, ok := rs.subject(toks, ms); ok {
				rs.setFocus(name)
			}
		}
	}
	return out
}

// quotedOpener returns the person a pronoun that opens a quotation opening
// the sentence at si stands for: “He has served as prime minister for 14
// years …,” Stoltenberg said. Whoever speaks says "I" of himself, so it is
// someone the sentence before names, quotes or names in a quotation
// (“Mark has the perfect background …,” Stoltenberg said), other than the
// speakers quoted here and anyone the article shows to be of the other
// gender, when that leaves exactly one.
func quotedOpener(a *Article, si int, rs *resolver, before map[string]bool, prev quoted, speakers []string) (string, bool) {
	text := a.Sentences[si].Text
	rest := strings.TrimLeft(text, "\"“‘'")
	if len(rest) == len(text) || len(speakers) == 0 {
		return "", false
	}
	word, _, _ := strings.Cut(rest, " ")
	g := pronounGender[strings.ToLower(word)]
	if g == "" || word[0] < 'A' || word[0] > 'Z' {
		return "", false
	}
	var cands []string
	for name := range before {
		cands = append(cands, name)
	}
	if prev.sentence >= 0 {
		cands = append(cands, quotedNames(a, prev.sentence, rs.reg, prev.spans)...)
	}
	slices.Sort(cands)
	cands = slices.DeleteFunc(slices.Compact(cands), func(n string) bool {
		return slices.Contains(speakers, n) || rs.reg.byKey[strings.ToLower(n)] == nil || rs.gender[n] == opposite(g)
	})
	if len(cands) != 1 {
		return "", false
	}
	return cands[0], true
}

// quoted is a sentence of an article and its paragraph's quotations,
// whose names quotedNames reads only when a quotation after it opens with
// a pronoun.
type quoted struct {
	sentence int // -1 for none
	spans    []qspan
}

// quotedNames returns the registered people the quotations (spans) of the
// sentence at si name: by full name or surname, or by a first name that
// belongs to exactly one person ("Mark has the perfect background").
func quotedNames(a *Article, si int, reg *registry, spans []qspan) []string {
	s := a.Sentences[si]
	if !slices.ContainsFunc(spans, func(q qspan) bool { return q.start < s.End && s.Start < q.end }) {
		return nil // no quotation: the common case, at no cost
	}
	var out []string
	for _, t := range tokenizeSentences(a, si, si, nil) {
		if t.kind != tWord || !t.cap || !slices.ContainsFunc(spans, func(q qspan) bool { return q.start <= t.start && t.start < q.end }) {
			continue
		}
		ps := reg.byFirst[t.lower]
		if len(ps) != 1 {
			ps = reg.bySurname[t.lower]
		}
		if len(ps) == 1 {
			out = append(out, ps[0].name)
		}
	}
	return out
}
