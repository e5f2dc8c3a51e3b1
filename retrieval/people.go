package retrieval

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/handover/handover/corpus"
)

// People the articles name, and the words they describe them with, so
// that a question may call them what the articles call them: "the
// Norwegian" is "Norway's Jens Stoltenberg", "the outgoing chief" is
// "outgoing NATO chief Jens Stoltenberg", "the new guy" is "NATO's new
// leader, Mark Rutte". Everything here is learned from the articles'
// own appositions when the index is built; a question only looks it up.

// person is someone the articles name in full.
type person struct {
	surname  string          // as written: "Stoltenberg"
	first    string          // lower case: "jens"
	mentions int             // how often the articles name them, in full or by surname
	descs    [][]string      // the stems of each description given with a name
	context  map[uint32]bool // stem IDs of the sentences that name them
}

// pword is a word of an article sentence with what finding
// descriptions needs: its case, a possessive, and the punctuation after it.
type pword struct {
	text  string // without possessive or punctuation: "NATO", "secretary-general"
	lower string
	cap   bool // starts with a capital
	poss  bool // "Norway's"
	comma bool // a comma follows
	end   bool // a full stop, colon, dash or quote mark follows: no apposition spans it
}

var pwordTrim = "\"“”‘'()[]"

// pwords splits a sentence into words for finding names and descriptions.
func pwords(text string) []pword {
	var out []pword
	for _, f := range strings.Fields(text) {
		if f == "-" || f == "–" || f == "—" {
			if n := len(out); n > 0 {
				out[n-1].end = true
			}
			continue
		}
		w := strings.TrimLeft(f, pwordTrim)
		core := strings.TrimRightFunc(w, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		tail := w[len(core):]
		pw := pword{}
		for _, suf := range []string{"'s", "’s"} {
			if strings.HasSuffix(core, suf) {
				core, pw.poss = strings.TrimSuffix(core, suf), true
			}
		}
		if core == "" {
			continue
		}
		pw.text, pw.lower, pw.cap = core, strings.ToLower(core), startsUpper(core)
		pw.comma = strings.Contains(tail, ",")
		pw.end = strings.ContainsAny(tail, ".;:!?\"“”") || strings.ContainsAny(f[:len(f)-len(strings.TrimLeft(f, pwordTrim))], "\"“")
		out = append(out, pw)
	}
	return out
}

// titleWords stand before a name as part of a title, never as a name;
// calendar words are capitalised but name no one.
var titleWords = wordSet(`prime minister president vice secretary-general secretary general chancellor
	king queen prince mr mrs ms dr sir lord lady foreign defense defence deputy former
	january february march april may june july august september october november december
	monday tuesday wednesday thursday friday saturday sunday`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// nameWord reports whether w can be part of a person's name: capitalised,
// not all capitals (NATO), no digits, not a title or calendar word.
func nameWord(w pword) bool {
	if !w.cap || titleWords[w.lower] || roleHeads[w.lower] || isStop(w.lower) {
		return false
	}
	lower := 0
	for _, r := range w.text {
		if unicode.IsDigit(r) {
			return false
		}
		if unicode.IsLower(r) {
			lower++
		}
	}
	return lower > 0
}

// mentionSpan is where a sentence names a person: words [i, j).
type mentionSpan struct {
	p    *person
	i, j int
}

// learnPeople finds the people the articles name and the descriptions
// they give with the names.
func learnPeople(ix *Index) []*person {
	passages := ix.passages
	sents := make([][]pword, len(passages))
	bySurname := map[string]*person{}
	var people []*person
	// A word that starts a sentence is capitalised whatever it is:
	// "Since Russia" is no one's name if "since" is written elsewhere.
	lowerSeen := map[string]bool{}
	for k, p := range passages {
		if p.Kind != corpus.KindArticle {
			continue
		}
		sents[k] = pwords(p.Text)
		for _, w := range sents[k] {
			if !w.cap {
				lowerSeen[w.lower] = true
			}
		}
	}
	for _, ws := range sents {
		i := 0
		if len(ws) > 0 && lowerSeen[ws[0].lower] {
			i = 1
		}
		for i < len(ws) {
			j := i
			for j < len(ws) && nameWord(ws[j]) {
				j++
				if ws[j-1].poss || ws[j-1].comma || ws[j-1].end {
					break
				}
			}
			if n := j - i; n == 2 || n == 3 {
				sur := ws[j-1].text
				if bySurname[strings.ToLower(sur)] == nil {
					pp := &person{surname: sur, first: ws[i].lower, context: map[uint32]bool{}}
					bySurname[strings.ToLower(sur)] = pp
					people = append(people, pp)
				}
			}
			i = max(j, i+1)
		}
	}
	for k, ws := range sents {
		for _, m := range findMentions(ws, bySurname) {
			m.p.mentions++
			for _, id := range ix.stems[k] {
				m.p.context[id] = true
			}
			if d := describe(ws, m); len(d) > 0 {
				m.p.descs = append(m.p.descs, d)
			}
		}
	}
	return people
}

// findMentions finds the people of bySurname that a sentence names, by
// full name or by surname alone.
func findMentions(ws []pword, bySurname map[string]*person) []mentionSpan {
	var out []mentionSpan
	for j, w := range ws {
		p := bySurname[w.lower]
		if p == nil || !w.cap {
			continue
		}
		i := j
		if j > 0 && ws[j-1].lower == p.first && !ws[j-1].comma && !ws[j-1].poss {
			i = j - 1
		} else if j > 1 && nameWord(ws[j-1]) && ws[j-2].lower == p.first {
			i = j - 2 // a middle name
		}
		out = append(out, mentionSpan{p: p, i: i, j: j + 1})
	}
	return out
}

// Words that cannot stand in a description: verbs of speech and the
// like that often come right before a name ("said Mark Rutte").
var notDescWords = wordSet(`said says told asked thanked praised replacing succeeding named
	called urged warned added according including includes like such besides against during`)

// whoIsRe finds a description given in a relative clause: "Rutte, who
// served as Dutch prime minister for a long time".
var whoIsRe = regexp.MustCompile(`^(who|which)$`)

// describe returns the stems of the description given with mention m, if
// any: the words before the name up to a function word ("outgoing NATO
// chief Jens Stoltenberg", "Norway's Jens Stoltenberg"), a noun phrase
// set off by a comma before it ("NATO's new leader, Mark Rutte") or after
// it ("Stoltenberg, NATO's 13th secretary-general,"), or "who served as"
// after it.
func describe(ws []pword, m mentionSpan) []string {
	var words []pword
	// Before the name, up to a function word.
	for k := m.i - 1; k >= 0 && k >= m.i-4; k-- {
		w := ws[k]
		if w.comma || w.end || isStop(w.lower) || notDescWords[w.lower] || !descWord(w.lower) {
			break
		}
		// Next to the name stands a title ("NATO Secretary-General", "Dutch
		// diplomat") or a possessive ("Norway's"), not a verb ("officials
		// expect Rutte") or a word that starts the sentence ("Among Rutte's").
		if k == m.i-1 && !w.poss && !roleHeads[w.lower] && !titleWords[w.lower] && (!w.cap || k == 0) {
			break
		}
		words = append(words, w)
		if w.poss {
			break
		}
	}
	// "NATO's new leader, Mark Rutte": a noun phrase that starts with a
	// possessive or an article, its last word a common noun.
	if k := m.i - 1; len(words) == 0 && k >= 0 && ws[k].comma && !ws[k].end && !ws[k].cap && descWord(ws[k].lower) {
		var np []pword
		for ; k >= 0 && k >= m.i-5; k-- {
			w := ws[k]
			if k < m.i-1 && (w.comma || w.end) {
				break
			}
			if w.lower == "the" || w.lower == "a" || w.lower == "an" {
				words = append(words, np...)
				break
			}
			if isStop(w.lower) || !descWord(w.lower) {
				break
			}
			np = append(np, w)
			if w.poss {
				words = append(words, np...)
				break
			}
		}
	}
	// "Stoltenberg, NATO's 13th secretary-general, took over".
	if m.j < len(ws) && ws[m.j-1].comma {
		k := m.j
		if k < len(ws) && whoIsRe.MatchString(ws[k].lower) {
			words = append(words, relative(ws, k+1)...)
		} else {
			words = append(words, appositive(ws, k)...)
		}
	}
	var out []string
	for _, w := range words {
		for _, t := range tokenize(w.text) {
			if !isStop(t.word) {
				out = append(out, t.stem)
			}
		}
	}
	return out
}

// appositive returns the noun phrase starting at ws[k] if it is set off
// by a comma or ends the sentence and starts with an article or a
// possessive: "the former Dutch prime minister," "NATO's 13th
// secretary-general,".
func appositive(ws []pword, k int) []pword {
	if k >= len(ws) {
		return nil
	}
	start := k
	if ws[k].lower == "the" || ws[k].lower == "a" || ws[k].lower == "an" {
		start = k + 1
	} else if !ws[k].poss {
		return nil
	}
	for e := start; e < len(ws) && e < start+5; e++ {
		w := ws[e]
		if isStop(w.lower) && w.lower != "of" || !descWord(w.lower) || notDescWords[w.lower] {
			return nil
		}
		if e > start && !w.cap && (strings.HasSuffix(w.lower, "ing") || strings.HasSuffix(w.lower, "ed")) {
			return nil
		}
		if w.comma || w.end || e == len(ws)-1 {
			return ws[start : e+1]
		}
	}
	return nil
}

// relative returns the description in "who served as X" or "who is the
// X": the words after "as" or the article, up to a function word.
func relative(ws []pword, k int) []pword {
	for n := 0; k < len(ws) && n < 3; n++ {
		switch ws[k].lower {
		case "is", "was", "served", "serves", "has", "had", "been", "as", "the", "a", "an":
			k++
			continue
		}
		break
	}
	if k == 0 || k >= len(ws) {
		return nil
	}
	if p := ws[k-1].lower; p != "as" && p != "the" && p != "a" && p != "an" {
		return nil
	}
	start := k
	for ; k < len(ws) && k < start+4; k++ {
		w := ws[k]
		if isStop(w.lower) || !descWord(w.lower) || notDescWords[w.lower] {
			break
		}
		if w.comma || w.end {
			k++
			break
		}
	}
	return ws[start:k]
}

// descWord reports whether a word can be part of a description: letters,
// digits and hyphens only ("13th", "secretary-general").
func descWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
			return false
		}
	}
	return w != ""
}

// personHeads end a description of a person in a question without naming
// what they do: "the norwegian guy".
var personHeads = wordSet(`guy man woman person fellow chap bloke lady gentleman one dude`)

// roleHeads end a description with what the person does: "the outgoing
// chief".
var roleHeads = wordSet(`chief boss leader head secretary-general secretary general minister premier
	president diplomat spokesperson spokeswoman spokesman official ambassador commander envoy`)

// qword is a word of a question with its place in the text.
type qword struct {
	lower      string
	start, end int  // byte offsets of the word, possessive included
	poss       bool // "the new guy's"
}

var qwordRe = regexp.MustCompile(`[\pL\pN][\pL\pN'’-]*`)

func qwords(s string) []qword {
	var out []qword
	for _, loc := range qwordRe.FindAllStringIndex(s, -1) {
		w := strings.ToLower(strings.TrimRight(s[loc[0]:loc[1]], "'’"))
		q := qword{start: loc[0], end: loc[1]}
		for _, suf := range []string{"'s", "’s"} {
			if strings.HasSuffix(w, suf) {
				w, q.poss = strings.TrimSuffix(w, suf), true
			}
		}
		q.lower = w
		out = append(out, q)
	}
	return out
}

// resolvePeople rewrites the descriptions of people in a question as
// their surnames ("how long had the norwegian been in charge" → "how long
// had Stoltenberg been in charge"), when the description fits one person
// the articles describe so, or the question's other words settle which.
// A description right after "who is" is what is asked, and stays.
func (f *features) resolvePeople(ix *Index, text string) string {
	if len(f.people) == 0 {
		return text
	}
	ws := qwords(text)
	var b strings.Builder
	last := 0
	for i := 0; i < len(ws); i++ {
		if ws[i].lower != "the" && ws[i].lower != "this" && ws[i].lower != "that" {
			continue
		}
		end, desc := ix.descriptionAt(ws, i+1)
		if end < 0 || asked(ws, i) {
			continue
		}
		p := f.resolve(ix, desc, ws, i, end)
		if p == nil {
			continue
		}
		b.WriteString(text[last:ws[i].start])
		b.WriteString(p.surname)
		if ws[end].poss {
			b.WriteString("'s")
		}
		last = ws[end].end
		i = end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// asked reports whether the description starting at ws[i] is what a
// "who is" question asks for.
func asked(ws []qword, i int) bool {
	if i == 0 {
		return false
	}
	prev := ws[i-1].lower
	if prev == "who" && ws[i-1].poss || prev == "who's" || prev == "whos" {
		return true
	}
	if i < 2 || ws[i-2].lower != "who" && ws[i-2].lower != "whom" {
		return false
	}
	switch prev {
	case "is", "was", "are", "were", "be", "s":
		return true
	}
	return false
}

// descriptionAt finds a description of a person starting at ws[i] (after
// "the"): up to three modifiers and a head noun, or a demonym standing
// alone ("the norwegian", "the dutchman"). It returns the index of its
// last word and the words that must match, or -1.
func (ix *Index) descriptionAt(ws []qword, i int) (int, [][]string) {
	var desc [][]string
	for k := i; k < len(ws) && k < i+4; k++ {
		w := ws[k].lower
		if isStop(w) && !personHeads[w] {
			return -1, nil
		}
		switch {
		case personHeads[w]:
			return k, desc
		case roleHeads[w]:
			return k, append(desc, ix.descStems(w))
		case ix.demonym(w) != "":
			d := append(desc, []string{ix.demonym(w)})
			if strings.HasSuffix(w, "man") || strings.HasSuffix(w, "woman") {
				return k, d
			}
			// "the norwegian" alone, not "the norwegian election".
			next := ""
			if k+1 < len(ws) {
				next = ws[k+1].lower
			}
			if !personHeads[next] && !roleHeads[next] && (next == "" || isStop(next) || ws[k].poss) {
				return k, d
			}
			desc = d
		default:
			if ws[k].poss {
				return -1, nil
			}
			desc = append(desc, ix.descStems(w))
		}
		if ws[k].poss {
			return -1, nil
		}
	}
	return -1, nil
}

// descStems are the stems a question word of a description matches: its
// own and its everyday synonyms'.
func (ix *Index) descStems(w string) []string {
	out := []string{stem(w)}
	for _, s := range synonyms[w] {
		out = append(out, stem(s))
	}
	return out
}

// demonym returns the stem of the place a word such as "norwegian" or
// "dutchman" names, if the articles write that place as a name and never
// use the word itself, or "".
func (ix *Index) demonym(w string) string {
	for _, suf := range []string{"woman", "man", "men", "women"} {
		if base, ok := strings.CutSuffix(w, suf); ok && len(base) > 2 {
			w = base
			break
		}
	}
	st := stem(w)
	if st == w && stemExceptions[w] == "" {
		return "" // not a derived word
	}
	id, ok := ix.vocab[st]
	if !ok || !ix.feat.proper[id] {
		return ""
	}
	return st
}

// resolve returns the one person whose descriptions fit desc, or nil.
// Several may fit ("the dutchman": Rutte and Luns): the one the
// question's other words are said about wins, then one named at least
// three times as often as any other.
func (f *features) resolve(ix *Index, desc [][]string, ws []qword, from, to int) *person {
	if len(desc) == 0 {
		return nil
	}
	type fit struct {
		p        *person
		ctx, hit int
	}
	var fits []fit
	for _, p := range f.people {
		hit := 0
		for _, d := range p.descs {
			if covers(d, desc) {
				hit++
			}
		}
		if hit == 0 {
			continue
		}
		ctx := 0
		for k, w := range ws {
			if k >= from && k <= to || isStop(w.lower) || questionWords[w.lower] || lightWords[w.lower] {
				continue
			}
			if id, ok := ix.vocab[stem(w.lower)]; ok && p.context[id] {
				ctx++
			}
		}
		fits = append(fits, fit{p: p, ctx: ctx, hit: hit})
	}
	switch len(fits) {
	case 0:
		return nil
	case 1:
		return fits[0].p
	}
	best := 0
	for k, x := range fits {
		if x.ctx > fits[best].ctx || x.ctx == fits[best].ctx && x.p.mentions > fits[best].p.mentions {
			best = k
		}
	}
	for k, x := range fits {
		if k == best {
			continue
		}
		if x.ctx == fits[best].ctx && fits[best].p.mentions < 3*x.p.mentions {
			return nil
		}
	}
	return fits[best].p
}

// covers reports whether one description holds a stem of every word of
// the question's.
func covers(d []string, desc [][]string) bool {
	for _, alts := range desc {
		ok := false
		for _, a := range alts {
			for _, s := range d {
				if s == a {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
