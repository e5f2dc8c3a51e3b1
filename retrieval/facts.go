package retrieval

import (
	"slices"
	"strings"
	"unicode"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval/search"
)

// passageFacts are what scoring asks of every candidate, worked out once
// when the index is built so that a question costs only lookups.
type passageFacts struct {
	// proper holds the stems the articles write capitalised inside a
	// sentence and never in lower case: names.
	proper map[uint32]bool
	types  []uint16 // per passage, a bit per answer type the text holds
	quote  []bool   // the passage holds quotation marks
	// counted holds, per passage, the stems of the words a number stands
	// next to, sorted: up to three words after the number ("four different
	// coalition governments") or two before it ("votes: 40"). A how-many
	// question needs its noun among them.
	counted [][]uint32
	// multiple says the passage gives a multiple ("doubled", "twice"):
	// what "how many times" asks for.
	multiple []bool
	// names holds, per passage, the proper stems it uses.
	names [][]uint32
	// described maps a stem to the surnames it is a title of somewhere in
	// the articles (corpus.Mention): "Norway's Jens Stoltenberg", "Dutch
	// diplomat Joseph Luns". A question that asks about "the Norwegian"
	// then finds a sentence that only names him.
	described map[uint32][]uint32
	// titleHead maps the last word of such a title that is no name
	// ("minister", "mayor") to the surnames it is given with: the noun a
	// description ends in, where "finance" in "finance minister" only
	// modifies.
	titleHead map[uint32][]uint32
	// speakers holds, per passage, the stems of the names of the people it
	// quotes, as the corpus quote index attributes them.
	speakers [][]uint32
	// speaks holds the stems of the names of everyone the articles
	// quote: who a question may ask what they said.
	speaks map[uint32]bool
	// surnameOf maps the stem of a person's first name to the stems of
	// the surnames it goes with ("jens" → "stoltenberg"): the articles
	// name a person by surname alone once they have named them in full.
	surnameOf map[uint32][]uint32
	// intro holds, per passage, the surnames of the people it gives a
	// title with ("Dutch diplomat Joseph Luns"): it says who they are.
	intro [][]uint32
	// opener holds, per passage, the full name of the person the pronoun
	// it opens with stands for ("He said …"), as the corpus's resolver
	// reads it; "" when it opens otherwise or the resolver cannot tell.
	opener []string
	// sayer maps a passage that carries a quotation to the full name of
	// the person quoted, as the corpus quote index attributes it: who the
	// "he" of "“…,” he remarked" is. "" when its quotations have
	// different speakers.
	sayer map[int]string
	// people holds the stems of the names of the people the articles
	// mention (first names and surnames): names of persons, not of
	// places or organisations.
	people map[uint32]bool
	// quoted holds, per passage, the sentences of a quotation it is part
	// of, in order (quotationRuns); nil for a sentence that is no part of
	// one that runs over several. Answers show a quotation whole.
	// (Counting a name in the other sentences of its quotation as near,
	// like a neighbour's, left the cross-validated figure level.)
	quoted [][]int
	// comment holds, per passage, the sentences of the reader's comment
	// it is part of, in order (commentRuns); nil for a sentence of no
	// comment that runs over several.
	comment [][]int
	// quotations holds, per passage, the quotations of minQuotedWords
	// words or more it carries, as indices into the corpus quote index,
	// which merges one quotation across the articles that report it.
	quotations [][]int
	// contentStems holds, per passage, the stems of its content words in order
	// (noStem for a word the index does not keep).
	contentStems [][]uint32
}

const noStem = ^uint32(0)

func newPassageFacts(ix *Index, quotes []corpus.Quote, mentions []corpus.Mention) *passageFacts {
	n := len(ix.passages)
	f := &passageFacts{
		proper:       map[uint32]bool{},
		types:        make([]uint16, n),
		quote:        make([]bool, n),
		counted:      make([][]uint32, n),
		multiple:     make([]bool, n),
		speakers:     make([][]uint32, n),
		quotations:   make([][]int, n),
		names:        make([][]uint32, n),
		intro:        make([][]uint32, n),
		opener:       make([]string, n),
		quoted:       make([][]int, n),
		comment:      make([][]int, n),
		contentStems: make([][]uint32, n),
		described:    map[uint32][]uint32{},
		titleHead:    map[uint32][]uint32{},
		surnameOf:    map[uint32][]uint32{},
		people:       map[uint32]bool{},
		speaks:       map[uint32]bool{},
		sayer:        map[int]string{},
	}
	toks := make([][]search.Token, n) // each passage's words, tokenised once
	search.Parallel(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			text := ix.passages[i].Text
			toks[i] = search.Tokenize(text)
			f.types[i] = typesOf(text)
			f.quote[i] = quoteMarkRe.MatchString(text)
			f.counted[i], f.multiple[i] = countedStems(ix, toks[i])
			for _, t := range toks[i] {
				if search.IsStop(t.Word) {
					continue
				}
				id, ok := ix.lookup.StemID(t.Stem)
				if !ok {
					id = noStem
				}
				f.contentStems[i] = append(f.contentStems[i], id)
			}
		}
	})
	for _, run := range quotationRuns(ix.passages) {
		for _, pos := range run {
			f.quoted[pos] = run
		}
	}
	for _, run := range commentRuns(ix.passages) {
		for _, pos := range run {
			f.comment[pos] = run
		}
	}
	upper, lower := map[uint32]int{}, map[uint32]int{}
	words := map[string][]search.Token{} // each written word tokenised once
	for _, p := range ix.passages {
		if p.Headline {
			continue // headlines capitalise every word
		}
		// The first word of a sentence is capitalised whatever it is.
		for j, w := range strings.FieldsFunc(p.Text, func(r rune) bool {
			return unicode.IsSpace(r) || r == '-' || r == '/' || r == '"' || r == '“' || r == '(' || r == '–'
		}) {
			ts, ok := words[w]
			if !ok {
				ts = search.Tokenize(w)
				words[w] = ts
			}
			if j == 0 || len(ts) != 1 || search.IsStop(ts[0].Word) {
				continue
			}
			id, ok := ix.lookup.StemID(ts[0].Stem)
			if !ok {
				continue
			}
			if startsUpper(w) {
				upper[id]++
			} else {
				lower[id]++
			}
		}
	}
	for id := range upper {
		if lower[id] == 0 {
			f.proper[id] = true
		}
	}
	for pos, ts := range toks {
		for _, t := range ts {
			if id, ok := ix.lookup.StemID(t.Stem); ok && f.proper[id] {
				f.names[pos] = appendNew(f.names[pos], []uint32{id})
			}
		}
	}
	f.addPeople(ix, mentions)
	f.addSpeakers(ix, quotes)
	f.addQuotations(ix, quotes)
	return f
}

// countedStems returns the stems of the words of toks a number stands
// next to (up to two words before, three after), sorted, and whether toks
// give a multiple.
func countedStems(ix *Index, toks []search.Token) ([]uint32, bool) {
	var out []uint32
	multiple := false
	for i, t := range toks {
		if multipleWords[t.Word] {
			// "have doubled, but eastern countries …": a multiple
			// counts no noun beside it.
			multiple = true
			continue
		}
		if !numberLikeRe.match(t.Word, fold(t.Word)) {
			continue
		}
		for j := max(0, i-2); j < min(len(toks), i+4); j++ {
			if j == i || search.IsStop(toks[j].Word) {
				continue
			}
			if id, ok := ix.lookup.StemID(toks[j].Stem); ok {
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), multiple
}

// multipleWords give a count as a multiple: "twice" says how many times.
var multipleWords = wordSet(`twice thrice doubled tripled quadrupled halved double triple`)

// addPeople fills described and intro from the corpus's people: the
// words of every title given with a name describe that name ("the
// norwegian" asks about whoever is "Norway's Jens Stoltenberg"), and a
// sentence that gives a title introduces the person.
func (f *passageFacts) addPeople(ix *Index, mentions []corpus.Mention) {
	// stems are the index's stems of a name or title, tokenised as the
	// passages are ("O’Brien" → "obrien", "Smith-Jones" → two words).
	stems := func(s string) []uint32 {
		var ids []uint32
		for _, t := range search.Tokenize(s) {
			if id, ok := ix.lookup.StemID(t.Stem); ok && !search.IsStop(t.Word) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	for _, m := range mentions {
		last := stems(m.Surname)
		if len(last) == 0 {
			continue
		}
		surname := last[len(last)-1]
		f.people[surname] = true
		for _, first := range stems(m.Name) {
			f.people[first] = true
			if first != surname {
				f.surnameOf[first] = appendNew(f.surnameOf[first], []uint32{surname})
			}
		}
		if m.Pronoun {
			if pos, ok := ix.lookup.Pos(m.Sentence); ok {
				f.opener[pos] = m.Name
			}
			continue
		}
		title := stems(strings.Join(m.Title, " "))
		for _, d := range title {
			if d != surname {
				f.described[d] = appendNew(f.described[d], []uint32{surname})
			}
		}
		// The head is the title's last word that is no name: "minister"
		// in "former prime minister of Portugal", none in "UN's".
		for k := len(title) - 1; k >= 0; k-- {
			if d := title[k]; d != surname && !f.proper[d] {
				f.titleHead[d] = appendNew(f.titleHead[d], []uint32{surname})
				break
			}
		}
		if pos, ok := ix.lookup.Pos(m.Sentence); ok && len(m.Title) > 0 {
			f.intro[pos] = appendNew(f.intro[pos], []uint32{surname})
		}
	}
}

// describes reports whether stem d describes a name the passage at pos
// holds.
func (f *passageFacts) describes(pos int, d uint32) bool {
	for _, n := range f.described[d] {
		if slices.Contains(f.names[pos], n) {
			return true
		}
	}
	return false
}

// has reports whether the passage at pos holds answer type t.
func (f *passageFacts) has(pos int, t answerType) bool { return f.types[pos]&(1<<t) != 0 }

// minQuotedWords is the fewest words a quotation needs for two passages
// carrying it to count as one statement (sameQuotation): "I'm not worried"
// may well be said twice.
const minQuotedWords = 6

// addQuotations records which passages carry each full quotation of
// minQuotedWords words or more: a fragment woven into reported speech
// ("urged allies to …") is the reporter's sentence, not the speaker's.
func (f *passageFacts) addQuotations(ix *Index, quotes []corpus.Quote) {
	for i, q := range quotes {
		if q.Partial || len(strings.Fields(q.Text)) < minQuotedWords {
			continue
		}
		for _, sid := range slices.Concat(q.Sentences, q.Retold) {
			if pos, ok := ix.lookup.Pos(sid); ok && !slices.Contains(f.quotations[pos], i) {
				f.quotations[pos] = append(f.quotations[pos], i)
			}
		}
	}
}

// addSpeakers records who each passage quotes: the sentences of a quote,
// and those that carry it again, in the same words or in others
// ("enhance" and "enhancing").
func (f *passageFacts) addSpeakers(ix *Index, quotes []corpus.Quote) {
	for _, q := range quotes {
		if q.Speaker == "" {
			continue
		}
		var ids []uint32
		for _, t := range search.Tokenize(q.Speaker) {
			if id, ok := ix.lookup.StemID(t.Stem); ok {
				ids = append(ids, id)
				f.speaks[id] = true
			}
		}
		for _, sid := range slices.Concat(q.Sentences, q.Retold) {
			if pos, ok := ix.lookup.Pos(sid); ok {
				f.speakers[pos] = appendNew(f.speakers[pos], ids)
				if prev, ok := f.sayer[pos]; ok && prev != q.Speaker {
					f.sayer[pos] = ""
				} else {
					f.sayer[pos] = q.Speaker
				}
			}
		}
	}
}

func appendNew(ids, add []uint32) []uint32 {
	for _, id := range add {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// quotationRuns returns the quotations that run over several sentences of
// a paragraph, each as the positions of its sentences: from the one that
// opens it to the one that closes it. "I'm not worried. I know both
// candidates very well. I worked for four years with Donald Trump," is one
// statement split in three. A sentence that closes one quotation and opens
// another joins them. A quotation still open when its paragraph ends is
// kept if it is no longer than an answer may show (maxShown): longer, its
// closing mark is more likely missing than the quotation that long.
func quotationRuns(passages []corpus.Passage) [][]int {
	var runs [][]int
	var cur []int
	depth := 0
	end := func(closed bool) {
		if len(cur) > 1 && (closed || len(cur) <= maxShown) {
			runs = append(runs, cur)
		}
		cur, depth = nil, 0
	}
	for pos, p := range passages {
		if p.Before == "" {
			end(false) // a new paragraph
		}
		open := depth > 0
		depth = quoteDepth(p.Text, depth)
		switch {
		case open:
			cur = append(cur, pos)
		case depth > 0:
			cur = []int{pos}
		}
		if depth == 0 && cur != nil {
			end(true)
		}
	}
	end(false)
	return runs
}

// commentRuns returns the sentences of each reader comment that runs over
// several, in order: a comment is its reader's words, shown like a
// quotation ("Being honest and I am from the Netherlands." says nothing
// without the rest). A comment that holds quotation marks is left to
// quotationRuns: a window of it could cut a quotation.
func commentRuns(passages []corpus.Passage) [][]int {
	var runs [][]int
	for pos := 0; pos < len(passages); {
		p := passages[pos]
		end := pos + 1
		for p.Kind == corpus.KindComment && end < len(passages) && passages[end].Kind == corpus.KindComment &&
			passages[end].Doc == p.Doc && passages[end].Comment == p.Comment {
			end++
		}
		if end-pos > 1 && !slices.ContainsFunc(passages[pos:end], func(p corpus.Passage) bool { return quoteMarkRe.MatchString(p.Text) }) {
			runs = append(runs, seq(pos, end))
		}
		pos = end
	}
	return runs
}

// seq returns lo, lo+1, …, hi-1.
func seq(lo, hi int) []int {
	out := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}

// quoteDepth returns how many quotations are open after s, given depth
// open before it: a curly opening mark opens one, a closing mark closes
// one, and a straight mark closes one if one is open and opens one if
// not. Single marks are left alone: most are apostrophes.
func quoteDepth(s string, depth int) int {
	for _, r := range s {
		switch {
		case r == '“':
			depth++
		case r == '”' && depth > 0, r == '"' && depth > 0:
			depth--
		case r == '"':
			depth++
		}
	}
	return depth
}
