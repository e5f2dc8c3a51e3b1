package corpus

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote is one quoted span of an article: words set in quote marks
// (straight, curly or mixed, double or single), with the person who said
// them when the text says so.
//
// A quote needs quote marks. Indirect speech ("According to former NATO
// spokesperson Oana Lungescu, Rutte’s main goal will be ...") is not a
// quote: its words are the reporter's, and passing them off as the
// speaker's would put words in someone's mouth. Titles are not sentences
// and are not searched. Reader comments are never searched either: a reader
// quoting someone is hearsay, not a public figure's words.
type Quote struct {
	// Speaker is the canonical full name of the person quoted ("Mark
	// Rutte"), "" when the text attributes the words to no one: a term set
	// in scare quotes such as “little green men”, or a quote whose speaker
	// cannot be resolved.
	Speaker string
	// Text is the quoted words, verbatim, without the quote marks and
	// without a trailing comma (which stands in for the full stop the
	// speaker ended on). A quote spanning several sentences is joined as in
	// the article text.
	Text string
	// Context is the sentence or sentences containing the quote, verbatim.
	Context string
	// Partial marks a fragment woven into reported speech (Rutte urged
	// allies to "significantly increase defense spending") rather than a
	// full statement.
	Partial bool
	// Doc is the first source article's ID.
	Doc string
	// Docs is every article carrying this quote. Quotes are merged when
	// their words match after folding case, punctuation and quote style, or
	// differ by one word added or dropped ("is vital for ..." and "vital
	// for ...") or one inflected word ("enhance" and "enhancing"), and
	// their speakers agree (or one is unattributed).
	Docs []string
	// Sentences are the IDs of Context's sentences in the first source.
	Sentences []string
	// Retold are the IDs of the sentences that carry the quote again,
	// merged into it: in the other articles, or again in the first.
	Retold []string
}

// Speaker is a person quoted in the corpus, for autocomplete.
type Speaker struct {
	Name string // canonical full name
}

// Quotes returns every quote in the corpus, merged across articles, in
// article order and then reading order of each quote's first source.
// People named in any article help resolve speakers in all of them.
func (c *Corpus) Quotes() []Quote {
	return c.quotes(newRegistry(c.Articles...))
}

func (c *Corpus) quotes(reg *registry) []Quote { return mergeQuotes(c.ownQuotes(reg)) }

// ownQuotes returns each article's quotes as that article attributes
// them, before quotes are merged across articles.
func (c *Corpus) ownQuotes(reg *registry) []Quote {
	var all []Quote
	for _, a := range c.Articles {
		all = append(all, extractQuotes(a, reg)...)
	}
	return all
}

// ExtractQuotes returns one article's quotes in reading order, resolving
// speakers with the people that article names.
func ExtractQuotes(a *Article) []Quote {
	if a == nil {
		return nil
	}
	return mergeQuotes(extractQuotes(a, newRegistry(a)))
}

// SpeakersOf returns the people with at least one attributed quote among
// quotes, c's quote index (Quotes), sorted by name.
func (c *Corpus) SpeakersOf(quotes []Quote) []Speaker {
	seen := map[string]bool{}
	var out []Speaker
	for _, q := range quotes {
		if q.Speaker == "" || seen[q.Speaker] {
			continue
		}
		seen[q.Speaker] = true
		out = append(out, Speaker{Name: q.Speaker})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// MatchSpeaker reports whether a user's query names the speaker name: the
// full name or the surname, ignoring case, extra spaces, a possessive ’s
// and an honorific ("Mr. Rutte"). A first name alone does not match: it is
// too often shared.
func MatchSpeaker(name, query string) bool {
	n := strings.Fields(normName(name))
	q := strings.Fields(normName(query))
	if len(q) > 1 {
		if _, ok := honorifics[strings.TrimSuffix(q[0], ".")]; ok {
			q = q[1:]
		}
	}
	if len(n) == 0 || len(q) == 0 {
		return false
	}
	return slices.Equal(n, q) || (len(q) == 1 && q[0] == n[len(n)-1])
}

func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("’", "'", "‘", "'").Replace(s)
	s = strings.TrimSuffix(s, "'s")
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// qspan is one quoted span, in byte offsets into Article.Text.
type qspan struct {
	open, close int // from the opening mark's start to the closing mark's end
	start, end  int // the quoted words
}

// findQuoteSpans finds the quoted spans of one paragraph, text, which
// starts at base in the article text. Double quotes may mix styles (“...")
// as copy-edited news often does. A single quote opens only at the start of
// a word and closes only at the end of one, so apostrophes (Putin's, won’t)
// are not quotes, and single quotes inside double ones are part of the
// quote. A double quote left open at the end of the paragraph runs to its
// end, the convention for a quote that continues in the next paragraph; a
// single one left open was an apostrophe and is dropped.
func findQuoteSpans(text string, base int) []qspan {
	const (
		outside = iota
		inDouble
		inSingle
	)
	var spans []qspan
	state, open, openSize := outside, 0, 0
	prev := ' '
	add := func(closeStart, closeEnd int) {
		// A trailing comma stands in for the speaker's full stop.
		s, e := trimSpanFunc(text, open+openSize, closeStart, func(r rune) bool { return unicode.IsSpace(r) || r == ',' })
		if strings.IndexFunc(text[s:e], func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			return
		}
		spans = append(spans, qspan{open: base + open, close: base + closeEnd, start: base + s, end: base + e})
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		next := ' '
		if i+size < len(text) {
			next, _ = utf8.DecodeRuneInString(text[i+size:])
		}
		opensDouble := r == '“' || (r == '"' && !isWordRune(prev) && !unicode.IsSpace(next))
		switch state {
		case outside:
			switch {
			case opensDouble:
				state, open, openSize = inDouble, i, size
			case (r == '‘' || r == '\'') && !isWordRune(prev) && isWordRune(next):
				state, open, openSize = inSingle, i, size
			}
		case inDouble:
			switch r {
			case '”', '"':
				add(i, i+size)
				state = outside
			case '“':
				open, openSize = i, size // the earlier mark was never closed
			}
		case inSingle:
			switch {
			case opensDouble:
				state, open, openSize = inDouble, i, size
			case (r == '’' || r == '\'') && !unicode.IsSpace(prev) && !isWordRune(next):
				add(i, i+size)
				state = outside
			}
		}
		prev = r
		i += size
	}
	if state == inDouble {
		add(len(text), len(text))
	}
	return spans
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Tokens.

type tokKind uint8

const (
	tWord tokKind = iota
	tPunct
	tQuote // a whole quoted span, which no rule looks inside
)

type token struct {
	kind    tokKind
	text    string // the word without a possessive ’s
	lower   string
	start   int // byte offset into the tokenized text
	poss    bool
	cap     bool // starts with an upper-case letter
	acronym bool // NATO, US, U.S
	quote   int  // index of the quoted span, for tQuote
	sent    int  // index into Article.Sentences
	initial bool // the first word of its sentence
}

// tokenize cuts text[from:to] into words and punctuation, each quoted span
// in spans becoming one tQuote token.
func tokenize(text string, from, to int, spans []qspan) []token {
	var toks []token
	// Spans are in text order: start at the first that ends after from,
	// so a long article is not rescanned from its first quote per sentence.
	qi := sort.Search(len(spans), func(k int) bool { return spans[k].close > from })
	for i := from; i < to; {
		for qi < len(spans) && spans[qi].close <= i {
			qi++
		}
		if qi < len(spans) && spans[qi].open <= i {
			toks = append(toks, token{kind: tQuote, start: i, quote: qi})
			i = max(spans[qi].close, i+1)
			qi++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:to])
		switch {
		case unicode.IsSpace(r):
			i += size
		case isWordRune(r):
			j := i + size
			for j < to {
				r2, s2 := utf8.DecodeRuneInString(text[j:to])
				if isWordRune(r2) {
					j += s2
					continue
				}
				if r2 == '-' || r2 == '\'' || r2 == '’' || r2 == '.' {
					r3, _ := utf8.DecodeRuneInString(text[j+s2 : to])
					if j+s2 < to && isWordRune(r3) && !(qi < len(spans) && spans[qi].open == j) {
						j += s2
						continue
					}
				}
				break
			}
			toks = append(toks, newWord(text[i:j], i))
			i = j
		default:
			toks = append(toks, token{kind: tPunct, text: text[i : i+size], lower: text[i : i+size], start: i})
			i += size
		}
	}
	return toks
}

func newWord(w string, start int) token {
	t := token{kind: tWord, start: start}
	for _, suf := range []string{"'s", "’s", "'S", "’S"} {
		if len(w) > len(suf) && strings.HasSuffix(w, suf) {
			w, t.poss = w[:len(w)-len(suf)], true
			break
		}
	}
	t.text, t.lower = w, strings.ToLower(w)
	first, _ := utf8.DecodeRuneInString(w)
	t.cap = unicode.IsUpper(first)
	letters, upper := 0, 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	t.acronym = letters >= 2 && upper == letters
	return t
}

// tokenizeSentences tokenizes a range of sentences, marking each token's
// sentence and the first word of each.
func tokenizeSentences(a *Article, first, last int, spans []qspan) []token {
	var toks []token
	for si := first; si <= last; si++ {
		s := a.Sentences[si]
		from := len(toks)
		toks = append(toks, tokenize(a.Text, s.Start, s.End, spans)...)
		for k := from; k < len(toks); k++ {
			toks[k].sent = si
		}
		for k := from; k < len(toks); k++ {
			if toks[k].kind == tWord {
				toks[k].initial = true
				break
			}
			if toks[k].kind == tQuote {
				break
			}
		}
	}
	return toks
}

// Word tables. They hold English grammar and the vocabulary of titles, not
// the articles' text.
var (
	// speechVerbs introduce or follow someone's words.
	speechVerbs = wordSet(`say says said saying remark remarks remarked remarking state states stated stating
		urge urges urged urging add adds added adding tell tells told telling note notes noted noting
		stress stresses stressed stressing emphasize emphasizes emphasized emphasizing emphasise emphasises
		emphasised emphasising highlight highlights highlighted highlighting underline underlines underlined
		underlining call calls called calling describe describes described describing hail hails hailed hailing
		praise praises praised praising warn warns warned warning insist insists insisted insisting argue argues
		argued arguing declare declares declared declaring explain explains explained explaining announce
		announces announced announcing pledge pledges pledged pledging vow vows vowed vowing promise promises
		promised promising ask asks asked asking reply replies replied replying write writes wrote writing
		tweet tweets tweeted tweeting comment comments commented commenting acknowledge acknowledges
		acknowledged acknowledging claim claims claimed claiming admit admits admitted admitting concede
		concedes conceded conceding recall recalls recalled recalling reiterate reiterates reiterated
		reiterating affirm affirms affirmed affirming assert asserts asserted asserting quip quips quipped
		joke jokes joked respond responds responded answer answers answered continue continues continued
		conclude concludes concluded observe observes observed dismiss dismisses dismissed predict predicts
		predicted repeat repeats repeated report reports reported`)
	// adverbs and auxiliaries that may sit between a speaker and the verb.
	speechFillers = wordSet(`also later then repeatedly once previously recently separately again further has
		had have would will reportedly publicly officially simply himself herself itself however has had
		earlier first`)
	// roleNouns head a description of a person ("the outgoing
	// secretary-general") or a title before a name.
	roleNouns = wordSet(`secretary-general secretary general leader chief head minister premier president
		chancellor ambassador diplomat spokesperson spokesman spokeswoman envoy official successor predecessor
		boss commander director chair chairman chairwoman senator governor mayor king queen prime`)
	// outgoingMods and incomingMods mark the two sides of a handover: the
	// role phrase table the brief allows. "the outgoing secretary-general"
	// is whoever the text says hands over; "NATO's new leader" whoever
	// takes over.
	outgoingMods = wordSet(`outgoing departing retiring predecessor`)
	incomingMods = wordSet(`incoming new successor`)
	// titleWords may stand before a name as part of its title.
	titleWords = union(roleNouns, outgoingMods, incomingMods, wordSet(`vice mr mrs ms dr sir lord lady
		defense defence foreign deputy acting interim former longtime veteran current designate`))
	// honorifics, with the gender they tell a pronoun.
	honorifics = map[string]string{"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "dr": ""}
	// nonNameWords are capitalized words that are never part of a person's
	// name: places, institutions, calendars.
	nonNameWords = wordSet(`january february march april may june july august september october november
		december monday tuesday wednesday thursday friday saturday sunday north south east west eastern
		western northern southern middle central upper lower council union states nations pact peninsula party
		ministry alliance organization organisation treaty forces army navy government house office agency
		commission parliament court bank news times post group committee assembly summit congress senate
		department institute university company corporation fund press media channel report world war
		republic kingdom federation federal national international global pacific ocean sea
		city county street square airport headquarters focus future god`)
	// functionWords are capitalized only at the start of a sentence.
	functionWords = wordSet(`the a an in on at of for with by from to as after before following among
		according and but or if while when since during under over this that these those his her their its
		our my your it he she they we i you nonetheless however meanwhile additionally ultimately known being
		what who why how where there here some any all both either neither another also despite although
		though because yet so then now today yesterday tomorrow last next instead including unlike like
		whether once about against into through within without across toward towards per via upon than
		later earlier still again finally separately recently afterwards eventually nevertheless thus
		therefore indeed moreover furthermore besides otherwise`)
	prepositions = wordSet(`from to with by for of about against on in at as under than over into like
		between toward towards including among after before behind besides via without upon unlike`)
	subordinators = wordSet(`if that whether because although though unless while when whereas whom whose
		which where`)
	pronounGender = map[string]string{"he": "m", "she": "f"}
	clauseBreaks  = wordSet(`but while whereas although though`)
	beVerbs       = wordSet(`is are was were be been being`)
)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func union(sets ...map[string]bool) map[string]bool {
	m := map[string]bool{}
	for _, s := range sets {
		for w := range s {
			m[w] = true
		}
	}
	return m
}

// The person registry.

type person struct {
	name    string // "Mark Rutte"
	words   []string
	surname string
	gender  string          // "m", "f" or "" from an honorific
	links   map[string]bool // words of titles and descriptions given with the name
}

// registry holds the people an article set names in full, found in the
// text itself: two or three capitalized words, not titles, places or
// institutions, with evidence that they name a person (a title or role
// before them, ", who" after them, a speech verb after them, or the
// surname used alone elsewhere).
type registry struct {
	people    []*person
	byKey     map[string]*person   // lower-case full name
	byFirst   map[string][]*person // first word of the full name
	bySurname map[string][]*person
	roles     map[string]*person // "outgoing" and "incoming", from titles such as "outgoing NATO chief"
}

type nameCandidate struct {
	words   []string
	cued    bool
	initial bool // the first word began a sentence, so its capital says nothing
}

func newRegistry(articles ...*Article) *registry {
	r := &registry{byKey: map[string]*person{}, byFirst: map[string][]*person{}, bySurname: map[string][]*person{}, roles: map[string]*person{}}
	lowerVocab := map[string]bool{}
	standalone := map[string]int{} // capitalized words outside any longer run
	var cands []nameCandidate
	var sentToks [][]token
	for _, a := range articles {
		if a == nil {
			continue
		}
		for si, s := range a.Sentences {
			if s.Kind != KindArticle {
				continue
			}
			toks := tokenizeSentences(a, si, si, nil)
			sentToks = append(sentToks, toks)
			for _, t := range toks {
				if t.kind == tWord && !t.cap {
					lowerVocab[t.lower] = true
				}
			}
		}
	}
	for _, toks := range sentToks {
		cands = append(cands, nameRuns(toks, standalone, lowerVocab)...)
	}
	// A name seen only at the start of a sentence may be a common word
	// and a surname ("Among Rutte", "Later Rutte").
	confirmed, surnames := map[string]bool{}, map[string]bool{}
	for _, c := range cands {
		if !c.initial {
			confirmed[strings.ToLower(strings.Join(c.words, " "))] = true
			surnames[c.words[len(c.words)-1]] = true
		}
	}
	for _, c := range cands {
		key := strings.ToLower(strings.Join(c.words, " "))
		if c.initial && !confirmed[key] && (lowerVocab[strings.ToLower(c.words[0])] || surnames[c.words[len(c.words)-1]]) {
			continue
		}
		surname := c.words[len(c.words)-1]
		if !c.cued && standalone[surname] == 0 {
			continue
		}
		if r.byKey[key] != nil {
			continue
		}
		p := &person{name: strings.Join(c.words, " "), surname: surname, links: map[string]bool{}}
		for _, w := range c.words {
			p.words = append(p.words, strings.ToLower(w))
		}
		r.people = append(r.people, p)
		r.byKey[key] = p
		r.byFirst[p.words[0]] = append(r.byFirst[p.words[0]], p)
		r.bySurname[strings.ToLower(surname)] = append(r.bySurname[strings.ToLower(surname)], p)
	}
	// Titles and descriptions given with each name, and who the text
	// calls outgoing and incoming.
	votes := map[string]map[*person]int{"outgoing": {}, "incoming": {}}
	for _, toks := range sentToks {
		for _, m := range findMentions(toks, r, nil) {
			if m.kind != mName {
				continue
			}
			for _, w := range m.titled {
				m.p.links[w] = true
				if g := honorifics[w]; g != "" {
					m.p.gender = g
				}
			}
			if side := succession(m.titled); side != "" {
				votes[side][m.p]++
			}
		}
	}
	for side, v := range votes {
		best, bestN := (*person)(nil), 0
		for _, p := range r.people { // registry order keeps ties deterministic
			if v[p] > bestN {
				best, bestN = p, v[p]
			}
		}
		if best != nil {
			r.roles[side] = best
		}
	}
	return r
}

// nameRuns finds full-name candidates in one sentence: the words of a run
// of capitalized words after its last title, place or function word.
func nameRuns(toks []token, standalone map[string]int, lowerVocab map[string]bool) []nameCandidate {
	var out []nameCandidate
	for i := 0; i < len(toks); {
		if toks[i].kind != tWord || !toks[i].cap || toks[i].acronym {
			i++
			continue
		}
		j := i
		for j < len(toks) && toks[j].kind == tWord && toks[j].cap && !toks[j].acronym {
			j++
			if toks[j-1].poss {
				break
			}
		}
		run := toks[i:j]
		cut := 0
		for k, t := range run {
			if titleWords[t.lower] || nonNameWords[t.lower] || functionWords[t.lower] || !isNameWord(t.text) {
				cut = k + 1
			}
		}
		name := run[cut:]
		if len(run) == 1 && (!toks[i].initial || !lowerVocab[toks[i].lower]) {
			standalone[toks[i].text]++
		}
		if len(name) >= 2 && len(name) <= 3 {
			c := nameCandidate{initial: name[0].initial}
			for _, t := range name {
				c.words = append(c.words, t.text)
			}
			c.cued = cut > 0 && hasTitle(run[:cut]) || titledBefore(toks, i) || relativeAfter(toks, j) ||
				(j < len(toks) && speechVerbs[toks[j].lower]) ||
				(i >= 2 && toks[i-2].lower == "according" && toks[i-1].lower == "to")
			out = append(out, c)
		}
		i = j
	}
	return out
}

func isNameWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' && r != '’' {
			return false
		}
	}
	return true
}

func hasTitle(toks []token) bool {
	for _, t := range toks {
		if titleWords[t.lower] {
			return true
		}
	}
	return false
}

// titledBefore reports whether a title or role word stands within three
// tokens before toks[i] ("Ambassador to NATO Peter Bator", "spokesperson
// Oana Lungescu").
func titledBefore(toks []token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if toks[k].text == "." {
			continue // "Mr."
		}
		if toks[k].kind != tWord {
			return false
		}
		if titleWords[toks[k].lower] || roleNouns[toks[k].lower] {
			return true
		}
	}
	return false
}

func relativeAfter(toks []token, j int) bool {
	return j+1 < len(toks) && toks[j].text == "," && (toks[j+1].lower == "who" || toks[j+1].lower == "whose")
}

func succession(words []string) string {
	for _, w := range words {
		if outgoingMods[w] {
			return "outgoing"
		}
		if incomingMods[w] {
			return "incoming"
		}
	}
	return ""
}

// Mentions.

type mentionKind uint8

const (
	mName mentionKind = iota
	mPronoun
	mDesc
)

// mention is a reference to a person in a token list: a registry name, a
// subject pronoun or a description ("the outgoing secretary-general").
type mention struct {
	kind   mentionKind
	i, j   int // the name, pronoun or description: toks[i:j]
	pre    int // i, or the start of a title or apposition given with it
	p      *person
	pron   string
	desc   []string // a description's words, lower case, hyphens split
	titled []string // words of a title or apposition given with a name
	poss   bool
}

// findMentions finds the people mentioned in toks. last remembers which
// person a shared surname last referred to; it may be nil.
func findMentions(toks []token, r *registry, last map[string]*person) []mention {
	var ms []mention
	covered := make([]bool, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tWord {
			continue
		}
		var best *person
		for _, p := range r.byFirst[t.lower] {
			if len(p.words) > 1 && matchWords(toks, i, p.words) && (best == nil || len(p.words) > len(best.words)) {
				best = p
			}
		}
		n := 0
		if best != nil {
			n = len(best.words)
		} else if ps := r.bySurname[t.lower]; t.cap && len(ps) > 0 {
			best, n = ps[0], 1
			if last != nil && last[t.lower] != nil {
				best = last[t.lower]
			}
		}
		if best != nil {
			m := mention{kind: mName, i: i, j: i + n, pre: i, p: best, poss: toks[i+n-1].poss}
			if n > 1 && last != nil {
				last[strings.ToLower(best.surname)] = best
			}
			m.pre, m.titled = titlePrefix(toks, i)
			for k := m.i; k < m.j; k++ {
				covered[k] = true
			}
			ms = append(ms, m)
			i += n - 1
			continue
		}
		if g := pronounGender[t.lower]; g != "" {
			ms = append(ms, mention{kind: mPronoun, i: i, j: i + 1, pre: i, pron: t.lower})
		}
	}
	// Appositions after a name: "Rutte, the former Prime Minister of the
	// Netherlands, will".
	for k := range ms {
		m := &ms[k]
		if m.kind != mName || m.poss || m.j+2 >= len(toks) || toks[m.j].text != "," {
			continue
		}
		var words []string
		role := false
		for x := m.j + 1; x < len(toks) && x < m.j+10; x++ {
			if toks[x].kind != tWord || covered[x] {
				if toks[x].text == "," && role {
					m.titled = append(m.titled, words...)
				}
				break
			}
			role = role || roleNouns[toks[x].lower]
			if toks[x].lower != "the" && toks[x].lower != "of" {
				words = append(words, splitHyphens(toks[x].lower)...)
			}
		}
	}
	// Descriptions, and appositions before a name ("NATO's new leader,
	// Mark Rutte").
	names := len(ms) // ms[:names] is sorted by position
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tWord || covered[i] || !roleNouns[toks[i].lower] || toks[i].lower == "prime" {
			continue
		}
		if i+1 < len(toks) && toks[i+1].kind == tWord && roleNouns[toks[i+1].lower] {
			continue // "prime minister", "secretary general": the head comes next
		}
		det := -1
		for k := i - 1; k >= 0 && k >= i-5; k-- {
			t := toks[k]
			if t.kind != tWord || covered[k] {
				break
			}
			if t.lower == "the" || (t.poss && (t.cap || t.lower == "alliance")) {
				det = k
				break
			}
			if !(t.cap || t.acronym || outgoingMods[t.lower] || incomingMods[t.lower] || titleWords[t.lower]) {
				break
			}
		}
		if det < 0 {
			continue
		}
		// words are the description's own words; an organisation's
		// acronym or possessive ("NATO's") says nothing about who.
		var words []string
		for k := det + 1; k <= i; k++ {
			if !toks[k].acronym {
				words = append(words, splitHyphens(toks[k].lower)...)
			}
		}
		next := i + 1
		if next < len(toks) && toks[next].text == "," {
			next++
		}
		if k := mentionAt(ms[:names], next); k >= 0 && ms[k].kind == mName {
			// A title or apposition for the name that follows.
			if next > i+1 {
				ms[k].titled = append(ms[k].titled, words...)
			}
			ms[k].pre = min(ms[k].pre, det)
			continue
		}
		ms = append(ms, mention{kind: mDesc, i: det, j: i + 1, pre: det, desc: words, poss: toks[i].poss})
	}
	sort.SliceStable(ms, func(a, b int) bool { return ms[a].i < ms[b].i })
	return ms
}

// maxPrefix bounds how far a mention's title and apposition reach back
// from its name: six title words, a comma and a six-word description.
const maxPrefix = 14

// mentionAt returns the index of the mention in ms (sorted by position)
// that starts at token i, title included, or -1.
func mentionAt(ms []mention, i int) int {
	for k := sort.Search(len(ms), func(k int) bool { return ms[k].i >= i }); k < len(ms) && ms[k].i <= i+maxPrefix; k++ {
		if ms[k].pre == i || ms[k].i == i {
			return k
		}
	}
	return -1
}

// mentionsBefore returns the indices of the mentions in ms (sorted by
// position) that end at or before token end and start at or after token
// from, nearest first.
func mentionsBefore(ms []mention, from, end int) []int {
	var out []int
	for k := sort.Search(len(ms), func(k int) bool { return ms[k].i >= end }) - 1; k >= 0 && ms[k].i >= from; k-- {
		if ms[k].j <= end && ms[k].pre >= from {
			out = append(out, k)
		}
	}
	return out
}

func matchWords(toks []token, i int, words []string) bool {
	if i+len(words) > len(toks) {
		return false
	}
	for k, w := range words {
		t := toks[i+k]
		if t.kind != tWord || t.lower != w || (t.poss && k < len(words)-1) {
			return false
		}
	}
	return true
}

// titlePrefix walks back from a name over the title given with it
// ("Former Dutch Prime Minister", "outgoing NATO chief") and returns where
// it starts and its words.
func titlePrefix(toks []token, i int) (int, []string) {
	pre := i
	var words []string
	for k := i - 1; k >= 0 && k >= i-6; k-- {
		t := toks[k]
		if t.text == "." && k > 0 {
			if _, ok := honorifics[toks[k-1].lower]; ok {
				continue // "Mr." is two tokens
			}
		}
		if t.kind != tWord {
			break
		}
		ok := titleWords[t.lower] || t.acronym || (t.cap && !functionWords[t.lower])
		if !ok {
			break
		}
		pre = k
		words = append(splitHyphens(t.lower), words...)
		if t.poss {
			break
		}
	}
	return pre, words
}

func splitHyphens(w string) []string {
	return strings.FieldsFunc(w, func(r rune) bool { return r == '-' })
}

// eligible reports whether a mention can be a clause's subject: not a
// possessive, not the object of a preposition, not inside a subordinate
// clause.
func eligible(toks []token, m mention) bool {
	if m.poss {
		return false
	}
	k := m.pre - 1
	for k >= 0 && toks[k].kind == tWord && (toks[k].lower == "the" || toks[k].lower == "a" || toks[k].lower == "an") {
		k--
	}
	if k < 0 || toks[k].kind != tWord {
		return true
	}
	return !prepositions[toks[k].lower] && !subordinators[toks[k].lower]
}

// The resolver carries one article's state from sentence to sentence.

type resolver struct {
	reg    *registry
	focus  []string // people recently named as subjects, most recent first
	gender map[string]string
	roles  map[string]string // "outgoing", "incoming": from this article
	last   map[string]*person
}

func newResolver(reg *registry) *resolver {
	rs := &resolver{reg: reg, gender: map[string]string{}, roles: map[string]string{}, last: map[string]*person{}}
	for _, p := range reg.people {
		if p.gender != "" {
			rs.gender[p.name] = p.gender
		}
	}
	return rs
}

// resolve returns the person a mention refers to. A pronoun refers to the
// most recent subject of the same gender so far as the article shows it
// (a subject named earlier in the same sentence first, then the previous
// sentences'). A description with a handover modifier refers to the side of
// the handover this article (or else the corpus) names; any other
// description to the one person whose titles include all its words, when it
// has a word beyond the role itself.
func (rs *resolver) resolve(toks []token, ms []mention, k int) (string, bool) {
	m := ms[k]
	switch m.kind {
	case mName:
		return m.p.name, true
	case mPronoun:
		g := pronounGender[m.pron]
		// The sentence's subject, when it comes first: the first eligible
		// mention of the sentence within reach.
		subj := -1
		for x := k - 1; x >= 0 && ms[x].i >= m.i-window && toks[ms[x].i].sent == toks[m.i].sent; x-- {
			if eligible(toks, ms[x]) {
				subj = x
			}
		}
		if subj >= 0 && ms[subj].kind != mPronoun {
			if name, ok := rs.resolve(toks, ms, subj); ok && rs.gender[name] != opposite(g) {
				return name, true
			}
		}
		for _, name := range rs.focus {
			if rs.gender[name] != opposite(g) {
				if rs.gender[name] == "" {
					rs.gender[name] = g
				}
				return name, true
			}
		}
		return "", false
	default:
		return rs.resolveDesc(m.desc)
	}
}

func opposite(g string) string {
	switch g {
	case "m":
		return "f"
	case "f":
		return "m"
	}
	return "x"
}

func (rs *resolver) resolveDesc(words []string) (string, bool) {
	if side := succession(words); side != "" {
		if name := rs.roles[side]; name != "" {
			return name, true
		}
		if p := rs.reg.roles[side]; p != nil {
			return p.name, true
		}
		return "", false
	}
	distinct := false
	for _, w := range words {
		if !roleNouns[w] {
			distinct = true
		}
	}
	if !distinct {
		return "", false // "the NATO chief": any holder of the office
	}
	var found *person
	for _, p := range rs.reg.people {
		all := true
		for _, w := range words {
			if !p.links[w] {
				all = false
				break
			}
		}
		if all {
			if found != nil {
				return "", false
			}
			found = p
		}
	}
	if found == nil {
		return "", false
	}
	return found.name, true
}

func (rs *resolver) setFocus(name string) {
	rs.focus = slices.DeleteFunc(rs.focus, func(n string) bool { return n == name })
	rs.focus = slices.Insert(rs.focus, 0, name)
	if len(rs.focus) > 8 {
		rs.focus = rs.focus[:8]
	}
}

// subject returns the sentence subject among ms: the first mention that
// is not a possessive, an object of a preposition or inside a subordinate
// clause.
func (rs *resolver) subject(toks []token, ms []mention) (string, bool) {
	for k, m := range ms {
		if !eligible(toks, m) {
			continue
		}
		if name, ok := rs.resolve(toks, ms, k); ok {
			return name, true
		}
		if m.kind == mPronoun {
			return "", false
		}
	}
	return "", false
}

var (
	succeedVerbs = wordSet(`succeed succeeds succeeded succeeding replace replaces replaced replacing`)
	handVerbs    = wordSet(`pass passes passed passing hand hands handed handing`)
	takeVerbs    = wordSet(`take takes took taking taken`)
)

// learnHandover records who hands over and who takes over from sentences
// such as "Rutte ... succeeding Jens Stoltenberg", "Stoltenberg has passed
// leadership to ... Rutte", "Rutte took over ... from Stoltenberg", and
// from titles given with a name ("outgoing NATO chief Jens Stoltenberg").
func (rs *resolver) learnHandover(toks []token, ms []mention) {
	if rs.roles["outgoing"] != "" && rs.roles["incoming"] != "" {
		return
	}
	for _, m := range ms {
		if m.kind == mName {
			if side := succession(m.titled); side != "" && rs.roles[side] == "" {
				rs.roles[side] = m.p.name
			}
		}
	}
	after := func(v, window int, from string) (string, bool) {
		start := v + 1
		if from != "" {
			start = -1
			for x := v + 1; x < len(toks) && x <= v+window; x++ {
				if toks[x].lower == from {
					start = x + 1
					break
				}
			}
			if start < 0 {
				return "", false
			}
		}
		for k := sort.Search(len(ms), func(k int) bool { return ms[k].i >= start }); k < len(ms) && ms[k].i <= start+6+maxPrefix; k++ {
			if m := ms[k]; m.pre >= start && m.pre <= start+6 && m.kind != mPronoun {
				return rs.resolve(toks, ms, k)
			}
		}
		return "", false
	}
	before := func(v int) (string, bool) {
		for _, k := range mentionsBefore(ms, v-window, v) {
			if eligible(toks, ms[k]) {
				if name, ok := rs.resolve(toks, ms, k); ok {
					return name, true
				}
			}
		}
		return "", false
	}
	set := func(out, in string) {
		if out != "" && in != "" && out != in {
			if rs.roles["outgoing"] == "" {
				rs.roles["outgoing"] = out
			}
			if rs.roles["incoming"] == "" {
				rs.roles["incoming"] = in
			}
		}
	}
	for v, t := range toks {
		if t.kind != tWord {
			continue
		}
		switch {
		case succeedVerbs[t.lower]:
			in, ok1 := before(v)
			out, ok2 := after(v, 0, "")
			if ok1 && ok2 {
				set(out, in)
			}
		case handVerbs[t.lower]:
			out, ok1 := before(v)
			in, ok2 := after(v, 8, "to")
			if ok1 && ok2 {
				set(out, in)
			}
		case takeVerbs[t.lower] && v+1 < len(toks) && toks[v+1].lower == "over":
			in, ok1 := before(v)
			out, ok2 := after(v, 14, "from")
			if ok1 && ok2 {
				set(out, in)
			}
		}
	}
}

// paragraphQuotes returns the quoted spans of paragraph pi of a, false
// when its offsets do not lie in the text.
func paragraphQuotes(a *Article, pi int) ([]qspan, bool) {
	if pi < 0 || pi >= len(a.Paragraphs) {
		return nil, false
	}
	p := a.Paragraphs[pi]
	if p.Start < 0 || p.End > len(a.Text) || p.Start > p.End {
		return nil, false
	}
	return findQuoteSpans(a.Text[p.Start:p.End], p.Start), true
}

// extractQuotes finds one article's quotes, unmerged.
func extractQuotes(a *Article, reg *registry) []Quote {
	rs := newResolver(reg)
	var out []Quote
	contSpeaker, contSent := "", -2 // a full quote's speaker, for an unattributed one that follows it
	type sentRange struct{ first, last int }
	paras := make([]sentRange, len(a.Paragraphs))
	for i := range paras {
		paras[i] = sentRange{-1, -1}
	}
	for si, s := range a.Sentences {
		if s.Para < 0 || s.Para >= len(paras) {
			continue
		}
		if paras[s.Para].first < 0 {
			paras[s.Para].first = si
		}
		paras[s.Para].last = si
	}
	for pi, p := range a.Paragraphs {
		first, last := paras[pi].first, paras[pi].last
		if p.Kind != KindArticle || p.Heading || first < 0 {
			continue
		}
		spans, ok := paragraphQuotes(a, pi)
		if !ok {
			continue
		}
		next := 0 // spans before next are done
		var ctx quoteContext
		for si := first; si <= last; si++ {
			stoks := tokenizeSentences(a, si, si, spans)
			sms := findMentions(stoks, reg, rs.last)
			rs.learnHandover(stoks, sms)
			quoted := ""
			for ; next < len(spans) && spans[next].open < a.Sentences[si].End; next++ {
				qi, q := next, spans[next]
				s0, s1 := si, si
				for s1 < last && q.close > a.Sentences[s1].End {
					s1++
				}
				if ctx.s0 != s0 || ctx.s1 != s1 || ctx.toks == nil {
					ctx.s0, ctx.s1 = s0, s1
					ctx.toks = tokenizeSentences(a, s0, s1, spans)
					ctx.ms = findMentions(ctx.toks, reg, rs.last)
				}
				quote := rs.quote(a, spans, qi, &ctx)
				if quote.Speaker == "" && !quote.Partial && q.open <= a.Sentences[s0].Start+1 && contSent == s0-1 {
					quote.Speaker = contSpeaker
				}
				if quote.Speaker != "" && !quote.Partial {
					contSpeaker, contSent = quote.Speaker, s1
				}
				if quote.Speaker != "" {
					quoted = quote.Speaker
				}
				out = append(out, quote)
			}
			if name, ok := rs.subject(stoks, sms); ok {
				rs.setFocus(name)
			} else if quoted != "" {
				rs.setFocus(quoted)
			}
			if n := len(stoks); n > 0 && stoks[n-1].text == ":" {
				if name, ok := rs.speechSubject(stoks, sms, n-1); ok {
					contSpeaker, contSent = name, si
				}
			}
		}
	}
	return out
}

// quoteContext is the tokens and mentions of sentences s0..s1, shared by
// the quotes they hold.
type quoteContext struct {
	s0, s1 int
	toks   []token
	ms     []mention
}

// quote builds the Quote for spans[qi] in its context.
func (rs *resolver) quote(a *Article, spans []qspan, qi int, ctx *quoteContext) Quote {
	q, s0, s1 := spans[qi], ctx.s0, ctx.s1
	sent0 := a.Sentences[s0]
	quote := Quote{
		Text:    a.Text[q.start:q.end],
		Context: a.Text[sent0.Start:a.Sentences[s1].End],
		Doc:     a.ID,
		Docs:    []string{a.ID},
	}
	for s := s0; s <= s1; s++ {
		quote.Sentences = append(quote.Sentences, a.Sentences[s].ID)
	}
	firstRune, _ := utf8.DecodeRuneInString(quote.Text)
	before := strings.TrimRightFunc(a.Text[sent0.Start:max(sent0.Start, q.open)], unicode.IsSpace)
	lastBefore, _ := utf8.DecodeLastRuneInString(before)
	quote.Partial = !unicode.IsUpper(firstRune) || (before != "" && lastBefore != ':' && lastBefore != ',')

	toks, ms := ctx.toks, ctx.ms
	// The quote is one token where it opens, and one more at the start of
	// each later sentence it runs into.
	find := func(start int) int {
		k := sort.Search(len(toks), func(k int) bool { return toks[k].start >= start })
		if k < len(toks) && toks[k].kind == tQuote && toks[k].quote == qi {
			return k
		}
		return -1
	}
	at := find(q.open)
	atEnd := at
	if s1 > s0 {
		atEnd = find(a.Sentences[s1].Start)
	}
	if at < 0 || atEnd < 0 {
		return quote
	}
	if name, ok := rs.attribute(toks, ms, at, atEnd); ok {
		quote.Speaker = name
	}
	return quote
}

// attribute finds who said the quote at toks[at]: a speech verb with its
// subject right after the quote ("…,” he said; "…,” said Rutte), a name and
// colon before it (Rutte: “…”), or a speech verb before it in the same
// clause with its subject (Rutte urged allies to “…”; the outgoing
// secretary-general ..., stating that ... “…”), or "according to" a name.
// A quote with none of these is nobody's speech: a scare-quoted term.
func (rs *resolver) attribute(toks []token, ms []mention, at, atEnd int) (string, bool) {
	// After the quote.
	k := atEnd + 1
	for k < len(toks) && toks[k].kind == tPunct && strings.Contains(",.!?—–-", toks[k].text) {
		k++
	}
	if k < len(toks) && toks[k].kind == tWord {
		if speechVerbs[toks[k].lower] {
			if x := mentionAt(ms, k+1); x >= 0 {
				return rs.resolve(toks, ms, x)
			}
			if name, ok := rs.unknown(toks, k+1); ok {
				return name, true
			}
		}
		if x := mentionAt(ms, k); x >= 0 {
			if skipToVerb(toks, ms[x].j) >= 0 {
				return rs.resolve(toks, ms, x)
			}
		} else if name, ok := rs.unknown(toks, k); ok && skipToVerb(toks, k+1) >= 0 {
			return name, true
		}
		if toks[k].lower == "according" && k+1 < len(toks) && toks[k+1].lower == "to" {
			if x := mentionAt(ms, k+2); x >= 0 {
				return rs.resolve(toks, ms, x)
			}
		}
	}
	// A name and a colon before it.
	if at >= 2 && toks[at-1].text == ":" {
		if xs := mentionsBefore(ms, at-1-window, at-1); len(xs) > 0 && ms[xs[0]].j == at-1 {
			return rs.resolve(toks, ms, xs[0])
		}
		if name, ok := rs.unknown(toks, at-2); ok {
			return name, true
		}
	}
	// "according to" a name earlier in the sentence.
	for v := at - 1; v >= 1 && v >= at-window; v-- {
		if toks[v].lower == "to" && toks[v-1].lower == "according" {
			if x := mentionAt(ms, v+1); x >= 0 {
				return rs.resolve(toks, ms, x)
			}
		}
	}
	return rs.speechSubject(toks, ms, at)
}

// window is how many tokens before a quote or a verb the attribution rules
// look: a long sentence's far end is another clause.
const window = 60

// speechSubject finds a speech verb before toks[at] in the same clause and
// returns its subject. A passive verb ("was called") has no speaker for
// its subject.
func (rs *resolver) speechSubject(toks []token, ms []mention, at int) (string, bool) {
	clause := max(0, at-window)
	for v := at - 1; v > clause; v-- {
		t := toks[v]
		if t.text == ";" || (t.kind == tWord && clauseBreaks[t.lower] && toks[v-1].text == ",") {
			clause = v + 1
			break
		}
	}
	for v := at - 1; v >= clause; v-- {
		t := toks[v]
		if t.kind != tWord || !speechVerbs[t.lower] || (v > 0 && beVerbs[toks[v-1].lower]) {
			continue
		}
		for _, x := range mentionsBefore(ms, clause, v) {
			if !eligible(toks, ms[x]) {
				continue
			}
			if name, ok := rs.resolve(toks, ms, x); ok {
				return name, true
			}
			if ms[x].kind == mPronoun {
				return "", false
			}
		}
		u := v - 1
		for u >= 0 && toks[u].kind == tWord && (speechFillers[toks[u].lower] || strings.HasSuffix(toks[u].lower, "ly")) {
			u--
		}
		if u < clause {
			continue
		}
		if name, ok := rs.unknown(toks, u); ok {
			return name, true
		}
	}
	return "", false
}

// skipToVerb skips adverbs, auxiliaries and a comma-delimited apposition
// after a speaker and returns the index of the speech verb that follows,
// or -1.
func skipToVerb(toks []token, j int) int {
	if j < len(toks) && toks[j].text == "," {
		for x := j + 1; x < len(toks) && x < j+12; x++ {
			if toks[x].kind == tQuote {
				break
			}
			if toks[x].text == "," {
				j = x + 1
				break
			}
		}
	}
	for j < len(toks) && toks[j].kind == tWord && !speechVerbs[toks[j].lower] &&
		(speechFillers[toks[j].lower] || strings.HasSuffix(toks[j].lower, "ly")) {
		j++
	}
	if j < len(toks) && toks[j].kind == tWord && speechVerbs[toks[j].lower] {
		return j
	}
	return -1
}

// unknown returns a speaker the registry does not know: a capitalized
// word that is not a title, place or function word ("Reuters said"). A
// first name that belongs to exactly one registered person is that person.
func (rs *resolver) unknown(toks []token, k int) (string, bool) {
	if k < 0 || k >= len(toks) || toks[k].kind != tWord || !toks[k].cap || toks[k].poss {
		return "", false
	}
	t := toks[k]
	if functionWords[t.lower] || titleWords[t.lower] || nonNameWords[t.lower] || pronounGender[t.lower] != "" || !isNameWord(t.text) {
		return "", false
	}
	if ps := rs.reg.byFirst[t.lower]; len(ps) == 1 {
		return ps[0].name, true
	}
	return t.text, true
}

// Merging.

// quoteWords folds a quote to its words for comparison: lower case, no
// punctuation or quote marks, hyphens as spaces.
func quoteWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
}

// sameQuote reports whether two quotes' words are near-identical: equal,
// one word added or dropped, or one word inflected differently (a shared
// stem of at least four letters), when the shorter has four words or more.
func sameQuote(a, b []string) bool {
	if slices.Equal(a, b) {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 4 || len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return stemVariant(a[i], b[i]) && slices.Equal(a[i+1:], b[i+1:])
	}
	return slices.Equal(a[i:], b[i+1:])
}

func stemVariant(a, b string) bool {
	for _, r := range a + b {
		if !unicode.IsLetter(r) {
			return false // numbers differ in meaning, not inflection
		}
	}
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	return n >= 4 && 2*n >= min(len(ra), len(rb))
}

// maxFuzzyWords bounds the quotes merged on near-identity: a longer
// quote merges only with an identical one, which keeps merging linear.
const maxFuzzyWords = 64

func mergeQuotes(qs []Quote) []Quote {
	var out []Quote
	// Indexes into out: by all words; by all words but one (any position,
	// for a word added or dropped); by all words but the one at a position
	// and that word's stem (for an inflected word).
	exact, dropped, at := map[string][]int{}, map[string][]int{}, map[string][]int{}
	var words [][]string
	for _, q := range qs {
		w := quoteWords(q.Text)
		key := strings.Join(w, " ")
		var near []int
		near = append(near, exact[key]...)
		fuzzy := len(w) <= maxFuzzyWords
		if fuzzy {
			near = append(near, dropped[key]...)
			for i := range w {
				d := dropWord(w, i)
				near = append(near, exact[d]...)
				if stem, ok := stemKey(w[i]); ok {
					near = append(near, at[strconv.Itoa(i)+"|"+stem+"|"+d]...)
				}
			}
		}
		slices.Sort(near)
		merged := false
		for _, k := range slices.Compact(near) {
			e := &out[k]
			if (e.Speaker == q.Speaker || e.Speaker == "" || q.Speaker == "") && sameQuote(words[k], w) {
				if e.Speaker == "" {
					e.Speaker = q.Speaker
				}
				if !slices.Contains(e.Docs, q.Doc) {
					e.Docs = append(e.Docs, q.Doc)
				}
				for _, id := range q.Sentences {
					if !slices.Contains(e.Sentences, id) && !slices.Contains(e.Retold, id) {
						e.Retold = append(e.Retold, id)
					}
				}
				merged = true
				break
			}
		}
		if merged {
			continue
		}
		k := len(out)
		out = append(out, q)
		words = append(words, w)
		exact[key] = append(exact[key], k)
		if fuzzy {
			for i := range w {
				d := dropWord(w, i)
				dropped[d] = append(dropped[d], k)
				if stem, ok := stemKey(w[i]); ok {
					sk := strconv.Itoa(i) + "|" + stem + "|" + d
					at[sk] = append(at[sk], k)
				}
			}
		}
	}
	return out
}

// stemKey is the first four letters of a word, which two inflections of
// it share (see stemVariant).
func stemKey(w string) (string, bool) {
	r := []rune(w)
	if len(r) < 4 {
		return "", false
	}
	for _, c := range r {
		if !unicode.IsLetter(c) {
			return "", false
		}
	}
	return string(r[:4]), true
}

func dropWord(w []string, i int) string {
	return strings.Join(slices.Concat(w[:i], w[i+1:]), " ")
}
