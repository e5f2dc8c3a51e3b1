package retrieval

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/handover/handover/retrieval/lexicon"
	"github.com/handover/handover/retrieval/search"
)

// answerType is what kind of thing a question asks for.
type answerType int

const (
	typeOther answerType = iota
	typeWhen
	typeNumber
	typeWho
	typeWhere
	typeAge
	typeMoney
	typeDuration
	typeTime
	typeOrdinal // "what number chief was he": the 13th
	typeWhy
	typeCount // not a type: the number of them
)

// The English of questions and of the sentences that answer them. These
// are general patterns of the language, not words of any article.
var (
	ageRe      = mustPattern(`(?i)\bhow old\b|\bwhat age\b|\bage of\b`)
	moneyRe    = mustPattern(`(?i)\b(how much (money|does|did|is|was|will)|salary|paid|earns?|costs?|worth)\b`)
	durationRe = mustPattern(`(?i)\bhow long\b|\bfor how many (years|months|days)\b`)
	// "When" asks for a date only at the head of a question: in "what was
	// going on when he stepped in" it starts a clause.
	whenRe    = mustPattern(`(?i)^\W*((and|so|but)\s+)?when\b|\b(what (date|day|year|month)s?|which (date|day|year|month)s?|since when|how long ago|in what years?|in which years?)\b`)
	timeRe    = mustPattern(`(?i)\b(what|which) time\b|\bat what hour\b`)
	ordinalRe = mustPattern(`(?i)\b(what|which)\s+number\b(\s+(of)\b)?`)
	numberRe  = mustPattern(`(?i)\b(how (many|much|big|large)|what (number|percentage|share|size))\b`)
	whoRe     = mustPattern(`(?i)^\W*(who|whom|whose)\b|\b(who|which person)\b`)
	whereRe   = mustPattern(`(?i)^\W*where\b|\b(what (city|country|place)|in which (city|country|place)|which (city|country|place))\b`)
	whyRe     = mustPattern(`(?i)^\W*((and|so|but)\s+)?(why|how come)\b|\b(what (for|reason)|the reason)\b`)
	opinionRe = regexp.MustCompile(`(?i)\b(viewers?|readers?|comments?|commenters?|commentators?|opinions?|public think|people (think|say|saying|said|feel|online))\b`)

	dateLikeRe     = mustPattern(`\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Oct\.|Nov\.|Dec\.|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|tomorrow|yesterday|today|last week|next month|(19|20)\d\d)\b`)
	numberLikeRe   = mustPattern(`(?i)\b(\d[\d,.]*(st|nd|rd|th)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty|thirty|dozens?|decade|hundreds?|thousands?|millions?|billions?|doubled|tripled|halved|twice)\b`)
	ordinalLikeRe  = mustPattern(`(?i)\b(\d+(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|twentieth)\b`)
	clockLikeRe    = mustPattern(`(?i)\b\d{1,2}(:\d\d)?\s?(a\.?m\.?|p\.?m\.?)|\bo'clock\b|\b(noon|midnight|morning|afternoon|evening)\b`)
	placeRe        = mustPattern(`\b(in|at|from|to|near) (the )?[A-Z][a-z]+`)
	ageLikeRe      = mustPattern(`(?i)\b\d+[- ]years?[- ]old\b|\baged? \d+|\bborn in\b`)
	moneyLikeRe    = mustPattern(`(?i)[$€£]\s?\d|\b\d[\d,.]* (million|billion|trillion|euros?|dollars?|pounds?)\b|\bpercent\b|%`)
	durationLikeRe = mustPattern(`(?i)\b(\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|twenty)[- ](years?|months?|weeks?|days?|hours?)\b|\bdecades?\b|\bsince (19|20)\d\d\b|\b(first|second|third|fourth|fifth) (year|month|week)\b|\bfor (many|several) (years|months|weeks)\b`)
	nameRe         = mustPattern(`\b[A-Z][a-z]+ [A-Z][a-z]+\b`)
	reasonLikeRe   = mustPattern(`(?i)\b(because|since|as a result|due to|so that|in order to|to ensure|reason|aims? to|aimed|meant to|given|amid|after)\b`)
	quoteMarkRe    = regexp.MustCompile(`["“”]`)
)

// typePatterns find in a sentence the kind of thing each answer type asks
// for: a date for when, a number for how many, a name for who.
var typePatterns = [typeCount]pattern{
	typeWhen: dateLikeRe, typeNumber: numberLikeRe, typeWhere: placeRe, typeWho: nameRe,
	typeDuration: durationLikeRe, typeAge: ageLikeRe, typeMoney: moneyLikeRe, typeTime: clockLikeRe,
	typeOrdinal: ordinalLikeRe, typeWhy: reasonLikeRe,
}

// typesOf is the set of the kinds of answer text holds, bit t for type t.
func typesOf(text string) uint16 {
	folded := fold(text)
	var out uint16
	for t, p := range typePatterns {
		if p.re != nil && p.match(text, folded) {
			out |= 1 << t
		}
	}
	return out
}

// channel is how a question word was found in a sentence. A GloVe
// neighbour (vector) and a word found only beside the sentence (context)
// have coverage columns of their own, so the fitted model, not a
// constant, says what they are worth; the others (exact, WordNet,
// broader, part, typo, described) count in content and soft coverage
// (a WordNet or typo stand-in, when a sentence beside holds another
// stand-in, counts as context too: see features). The columns of exact
// and described words were deleted in session 21: without them the
// cross-validated figure rose.
type channel int

const (
	chExact     channel = iota // the word, its lemma or its other spelling
	chWordNet                  // a WordNet synonym, derivation or pertainym
	chBroader                  // a WordNet hypernym or hyponym
	chPart                     // a WordNet whole or part ("lebanon" is in the "middle east")
	chTypo                     // a corpus word within a small edit distance
	chDescribed                // a word of a title the articles give a person the sentence names ("the norwegian")
	chVector                   // a corpus word near in GloVe space
	chCount
)

// alt is a corpus stem that stands for a question word.
type alt struct {
	id  uint32
	ch  channel
	sim float64 // credit within the channel: 1, or the vector similarity
}

// term is one content word of a question.
type term struct {
	word   string
	vec    []float32 // unit GloVe vector, nil if the word has none
	row    int32     // vec's row in the search index's matrix, -1 if none
	weight float64   // IDF in the corpus, of the word or of its best stand-in
	alts   []alt     // best first; empty when the corpus has nothing for it
	name   bool      // written capitalised by the asker, or a name in the corpus
	// borrowed marks a word of the question before, added to a
	// follow-up (mergeTerms).
	borrowed bool
	// implied marks the name of a person the question only describes
	// ("the outgoing chief"), added by describedPerson.
	implied bool
	// sayer marks the name a question asks as the speaker (markSayer).
	sayer bool
}

// analysis is a question taken apart for searching and scoring.
type analysis struct {
	text    string         // the question with chat abbreviations written out
	toks    []search.Token // text's words
	terms   []term
	atype   answerType
	opinion bool // asks what readers or viewers think
	speech  bool // asks what someone said
	// unmatched is the IDF share of the question's words the corpus has
	// nothing for, in any channel but word vectors.
	unmatched float64
	// unknownName is set when the asker capitalised a word that neither
	// the corpus, its publishers nor WordNet know: a name the articles do
	// not mention. Such a question is not answered (confidenceOf).
	unknownName bool
	// unknownTopic is set when the question has words other than names
	// and the corpus has nothing for any of them but GloVe neighbours
	// ("what did rutte say about climate change?"): whatever the best
	// sentence, it is not about what is asked. Not for questions about
	// readers' opinions, whose words say where to look. Such a question
	// is not answered (confidenceOf).
	unknownTopic bool
	// identity is set when the question asks who someone is or what they
	// do: names, and no other words but identityWords.
	identity bool
	// instances are the corpus stems of the names WordNet files under the
	// noun a "which …" or "what …" question asks for ("which city":
	// "brussels"), sorted; the question's own words are not among them.
	instances []uint32
	// counted is the index in terms of the noun a "how many" question
	// counts ("how many countries"), -1 when none.
	counted int
	// asked are the corpus stems that stand for the noun a "which …" or
	// "what …" question asks for (askedHead), by any channel but word
	// vectors.
	asked []uint32
	// vec is the question's offline embedding, set by the engine before
	// scoring; nil, the dense feature is 0.
	vec []float32
}

// analyse takes a question apart.
func (ix *Index) analyse(question string) analysis {
	text := lexicon.OpenerTypo(lexicon.Expand(question), ix.isWord)
	q := analysis{text: text, atype: questionType(text), opinion: opinionRe.MatchString(text)}
	capital := capitalised(text)
	seen := map[string]bool{}
	var total, unmatched, content, contentUnmatched float64
	toks := search.Tokenize(text)
	q.toks = toks
	inColloc := ix.collocated(toks)
	for _, t := range toks {
		q.speech = q.speech || speechWords[t.Word] // "say" is a stop word too
		if search.IsStop(t.Word) || seen[t.Word] || frameWords[t.Word] || q.opinion && opinionWords[t.Word] {
			continue
		}
		seen[t.Word] = true
		vec := ix.lookup.Unit(t.Word)
		qt := term{word: t.Word, alts: ix.cachedAlts(t, vec), vec: vec, row: ix.lookup.Row(t.Word)}
		qt.weight = ix.lookup.IDF(t.Stem)
		if len(qt.alts) > 0 {
			qt.weight = ix.lookup.IDF(ix.lookup.StemOf(qt.alts[0].id))
			qt.name = (qt.alts[0].ch == chExact || qt.alts[0].ch == chTypo && !ix.lex.Has(t.Word)) && ix.facts.proper[qt.alts[0].id]
		}
		if capital[t.Word] {
			qt.name = true
		}
		total += qt.weight
		strong := false
		for _, a := range qt.alts {
			strong = strong || a.ch != chVector
		}
		if !qt.name {
			content += qt.weight
			if !strong || slices.Contains(inColloc, t.Word) && !literalMatch(qt.alts) {
				contentUnmatched += qt.weight
			}
		}
		if !strong {
			unmatched += qt.weight
			if capital[t.Word] && !ix.lex.Has(t.Word) && !ix.publishers[t.Word] {
				// A capitalised word that neither the articles, their
				// publishers nor WordNet know ("Scholz"): someone the
				// articles never mention. Known words ("Kremlin",
				// "Beijing") are names for things the articles call
				// otherwise.
				q.unknownName = true
			}
		}
		q.terms = append(q.terms, qt)
	}
	if total > 0 {
		q.unmatched = unmatched / total
	}
	// Added in session 24: CV at 20 repeats 1.344/1.343/1.343/1.343/
	// 1.344/1.332 → 1.349/1.348/1.348/1.348/1.348/1.336 (ranking
	// penalties 0.01 … 3), higher at every penalty, the model's weights
	// unchanged. Without the collocations it was level (1.345 at the
	// best penalty); with them also taken from the ranking's stand-ins,
	// 1.349 but the refit's threshold rose and "Who is the new NATO
	// secretary-general?" abstained.
	q.unknownTopic = !q.opinion && content > 0 && contentUnmatched == content
	if id, ok := ix.describedPerson(q); ok {
		// The question asks about them as if it named them. (Weighting
		// the name at half or twice its IDF left the cross-validated
		// figure level.)
		q.terms = append(q.terms, term{word: ix.lookup.StemOf(id), alts: []alt{{id: id, ch: chExact, sim: 1}},
			weight: ix.lookup.IDF(ix.lookup.StemOf(id)), name: true, row: -1, implied: true})
	}
	head, pastCopula := ix.askedHead(toks)
	if !pastCopula {
		q.instances = ix.askedInstances(head, toks)
	}
	q.asked = askedStems(q.terms, head)
	q.identity = isIdentity(q)
	ix.markSayer(&q)
	q.counted = ix.countedNoun(q)
	return q
}

// collocated returns the question words that make up, two by two, a
// WordNet collocation ("climate change", "prime minister", "news agency"):
// the pair means what neither word means alone, so that a WordNet
// relative of one of them says nothing of whether the articles know the
// pair ("change" stands for "increase", "climate change" does not; see
// literalMatch). Stop words are in none ("take over" is read as before).
func (ix *Index) collocated(toks []search.Token) []string {
	var words []string
	for i := 0; i+1 < len(toks); i++ {
		a, b := toks[i].Word, toks[i+1].Word
		if !search.IsStop(a) && !search.IsStop(b) && ix.lex.Has(a+" "+b) {
			words = append(words, a, b)
		}
	}
	return words
}

// literalMatch reports whether one of alts is the word itself, a near
// spelling or a description: a stand-in other than a WordNet relative or
// a GloVe neighbour.
func literalMatch(alts []alt) bool {
	return slices.ContainsFunc(alts, func(a alt) bool {
		return a.ch != chWordNet && a.ch != chBroader && a.ch != chPart && a.ch != chVector
	})
}

// countedNoun returns the index in q.terms of the noun a "how many"
// question counts, or -1: the first plural noun of the three words after
// "many" ("countries" in "how many countries joined", "governments" in "how
// many coalition governments"). After "many" a counted noun is plural, so
// "nato", "opened" or "met" is none. An irregular plural ("people") is
// not read: the question is then typed as before, any number will do.
func (ix *Index) countedNoun(q analysis) int {
	if q.atype != typeNumber {
		return -1
	}
	for i := 0; i+2 < len(q.toks); i++ {
		if q.toks[i].Word != "how" || q.toks[i+1].Word != "many" {
			continue
		}
		for j := i + 2; j < min(i+5, len(q.toks)); j++ {
			w := q.toks[j].Word
			k := slices.IndexFunc(q.terms, func(t term) bool { return t.word == w })
			if k < 0 {
				return -1 // a function word: the noun phrase has ended
			}
			if ix.plural(w) {
				return k
			}
		}
		return -1
	}
	return -1
}

// plural reports whether w is a regular English plural of a WordNet noun:
// "countries", "lanes", "boxes".
func (ix *Index) plural(w string) bool {
	var stems []string
	switch {
	case strings.HasSuffix(w, "ies"):
		stems = []string{strings.TrimSuffix(w, "ies") + "y"}
	case strings.HasSuffix(w, "es"):
		stems = []string{strings.TrimSuffix(w, "es"), strings.TrimSuffix(w, "s")}
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		stems = []string{strings.TrimSuffix(w, "s")}
	}
	return slices.ContainsFunc(stems, func(l string) bool { return len(l) > 1 && ix.lex.Noun(l) && slices.Contains(ix.lex.Lemmas(w), l) })
}

// markSayer marks the name a speech question has for the subject of its
// speech word ("what did the mayor say about …"): the last name before it
// that the articles quote someone by and that is not a possessive ("what
// did the mayor's deputy say"), else the person the question describes
// ("what did the outgoing mayor say"). As a ranking feature (sayer
// missing) it raised the cross-validated figure from 1.295 to 1.306 at 20
// repeats, higher at every penalty (on the dev split before
// families_basics.jsonl); as an answerability feature too, it lowered it.
func (ix *Index) markSayer(q *analysis) {
	if !q.speech {
		return
	}
	possessive := map[string]bool{}
	for _, f := range strings.Fields(strings.ToLower(q.text)) {
		if w, ok := possessor(trimTrailing(f)); ok {
			possessive[w] = true
		}
	}
	sayer := -1
	for _, t := range q.toks {
		if speechWords[t.Word] {
			break
		}
		i := slices.IndexFunc(q.terms, func(qt term) bool { return qt.word == t.Word && qt.name })
		if i >= 0 && !possessive[t.Word] && ix.speaks(q.terms[i]) {
			sayer = i
		}
	}
	if sayer < 0 {
		sayer = slices.IndexFunc(q.terms, func(qt term) bool { return qt.implied })
	}
	if sayer >= 0 {
		q.terms[sayer].sayer = true
	}
}

// speaks reports whether the articles quote someone t names.
func (ix *Index) speaks(t term) bool {
	return slices.ContainsFunc(t.alts, func(a alt) bool { return a.ch != chVector && ix.facts.speaks[a.id] })
}

// isIdentity reports whether q asks who someone is or what they do.
func isIdentity(q analysis) bool {
	if q.speech || q.atype != typeWho && q.atype != typeOther && q.atype != typeWhere {
		return false
	}
	if q.atype == typeWhere && !slices.ContainsFunc(q.toks, func(t search.Token) bool { return t.Word == "from" }) {
		// "Where is he from" asks who he is; "where will he work" does
		// not.
		return false
	}
	names := 0
	for _, t := range q.terms {
		switch {
		case t.name:
			names++
		case !identityWords[t.word]:
			return false
		}
	}
	return names > 0
}

// frameWords shape a question without naming its subject: "how long",
// "how many", "according to the article".
var frameWords = wordSet(`much many long old mean means meaning according article articles story report
	reported coverage mentioned mention`)

// identityWords are the words a question uses to ask who someone is or
// what they do, beside the person's name: "what was Ben Wallace's job",
// "what country is he from".
var identityWords = wordSet(`job jobs role position post title occupation profession career work nationality
	country nation background person guy man woman know`)

// speechWords ask what someone said: "what did he say", "how did she
// describe", "what did they warn".
var speechWords = wordSet(`say said says saying quote quoted words remark remarks statement tell told think thinks thought
	describe described urge urged warn warned call called promise promised vow vowed pledge
	pledged stress stressed view views stance`)

// opinionWords name whose opinion a question asks for; in a question about
// readers' comments they say where to look, not what about.
var opinionWords = wordSet(`viewer viewers reader readers comment comments commenter commenters
	commentator commentators people opinion opinions think thinks feel say saying said online public`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// questionType reads what a question asks for from its wh-words.
func questionType(text string) answerType {
	folded := fold(text)
	for _, r := range typeRules {
		if r.p.match(text, folded) && (r.also == nil || r.also(text)) {
			return r.t
		}
	}
	return typeOther
}

// typeRule finds one kind of answer a question asks for: its pattern
// matches, and also, when set, says yes too.
type typeRule struct {
	t    answerType
	p    pattern
	also func(string) bool
}

// typeRules are tried in order: "why" before "when" ("why ... when ..."),
// "how long" before "how many".
var typeRules = []typeRule{
	{typeWhy, whyRe, nil},
	{typeAge, ageRe, nil},
	{typeTime, timeRe, nil},
	{typeMoney, moneyRe, nil},
	{typeDuration, durationRe, nil},
	{typeWhen, whenRe, nil},
	{typeOrdinal, ordinalRe, isOrdinal},
	{typeNumber, numberRe, nil},
	{typeWhere, whereRe, nil},
	{typeWho, whoRe, nil},
}

// isOrdinal reports whether a question ordinalRe matches asks for a place
// in a row ("what number chief was he"), not for a count ("what number of
// troops").
func isOrdinal(text string) bool {
	m := ordinalRe.re.FindStringSubmatch(text)
	return m != nil && m[3] == ""
}

// capitalised returns the words written with a capital letter after the
// first word of s: names the asker took care to capitalise.
func capitalised(s string) map[string]bool {
	out := map[string]bool{}
	for i, f := range strings.Fields(s) {
		if i == 0 || !startsUpper(f) {
			continue
		}
		for _, t := range search.Tokenize(f) {
			out[t.Word] = true
		}
	}
	return out
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

// lexicalAlts finds the corpus stems that stand for question word t, best
// channel first: the word itself (or its lemma, or its other spelling),
// WordNet relations, a near spelling of a corpus word (a typo), and the
// nearest words in GloVe space. qv is the word's unit vector, nil if none.
func (ix *Index) lexicalAlts(t search.Token, qv []float32) []alt {
	var out []alt
	have := map[uint32]bool{}
	// known returns the stem ID of a word the passages use and that no
	// earlier alt stands for.
	known := func(st string) (uint32, bool) {
		id, ok := ix.lookup.StemID(st)
		if !ok || have[id] {
			return 0, false
		}
		return id, true
	}
	add := func(word string, ch channel, sim float64) {
		if id, ok := known(search.Stem(word)); ok {
			have[id] = true
			out = append(out, alt{id: id, ch: ch, sim: sim})
		}
	}
	add(t.Word, chExact, 1)
	for _, l := range ix.lex.Lemmas(t.Word) {
		add(l, chExact, 1)
	}
	for _, v := range lexicon.SpellingVariants(t.Word) {
		add(v, chExact, 1)
	}
	for _, r := range ix.lex.Related(t.Word) {
		ch := chWordNet
		switch r.Kind {
		case lexicon.Hypernym, lexicon.Hyponym:
			ch = chBroader
		case lexicon.PartOf, lexicon.HasPart:
			ch = chPart
		}
		checked := false
		for _, w := range strings.Fields(r.Word) {
			if search.IsStop(w) {
				continue
			}
			// Most related words are not in the articles: the checks
			// that cost more come after that one.
			id, ok := known(ix.lexStem(w))
			if !ok {
				continue
			}
			if ch == chBroader && !checked {
				// A famous general is an instance of "general", not a
				// word for one.
				if ix.lex.Proper(r.Word) && !ix.lex.Proper(t.Word) {
					break
				}
				checked = true
			}
			have[id] = true
			out = append(out, alt{id: id, ch: ch, sim: ix.relatedness(qv, w)})
		}
	}
	if len(out) == 0 && len([]rune(t.Word)) >= 4 {
		for _, w := range ix.typos(t.Word) {
			add(w, chTypo, 1)
		}
	}
	if len(out) > 0 && out[0].ch == chExact {
		// The articles use the word itself: its vector neighbours add
		// little, and at scale finding them costs more than the rest of
		// the analysis.
		return out
	}
	for _, nb := range ix.lookup.Similar(t.Word, 3, minVectorSim) {
		add(nb.Word, chVector, float64(nb.Sim))
	}
	return out
}

// maxCachedWords (an Index's altCap) bounds the question words whose stand-ins an index
// remembers: askers' vocabulary is Zipfian, so a few thousand words cover
// nearly every question, while a flood of made-up words cannot grow the
// cache past about 16k entries of a few hundred bytes.
const maxCachedWords = 1 << 14

// cachedAlts returns lexicalAlts(t, qv), remembered per word: they depend
// on the word alone (qv is its vector), and finding them is most of a
// question's analysis. The slice is shared: read it only.
func (ix *Index) cachedAlts(t search.Token, qv []float32) []alt {
	if a, ok := ix.altCache.Load(t.Word); ok {
		return a.([]alt)
	}
	a := ix.lexicalAlts(t, qv)
	if ix.altCached.Load() < ix.altCap {
		if _, had := ix.altCache.LoadOrStore(t.Word, a); !had {
			ix.altCached.Add(1)
		}
	}
	return a
}

// lexStem stems a word of the lexicon, remembering the stem: WordNet's
// related words recur from question to question, and stemming them costs
// more than the rest of the analysis. The cache is bounded by the
// lexicon's vocabulary: question words themselves are never cached.
func (ix *Index) lexStem(w string) string {
	if st, ok := ix.stemCache.Load(w); ok {
		return st.(string)
	}
	st := search.Stem(w)
	ix.stemCache.Store(w, st)
	return st
}

// relatedness is the credit a WordNet relation earns: the GloVe cosine of
// the two words, so that the sense the articles use counts more than a
// rare one ("succeed" → "follow" over "succeed" → "win"), floored so that
// no relation counts for nothing, and a fixed half when either word has
// no vector.
func (ix *Index) relatedness(qv []float32, w string) float64 {
	wv := ix.lookup.Unit(w)
	if qv == nil || wv == nil {
		return 0.5
	}
	return math.Max(0.2, float64(search.Dot(qv, wv)))
}

// minVectorSim is the least GloVe cosine for a corpus word to stand in for
// a question word at all; the fitted model weighs the rest.
const minVectorSim = 0.5

// isWord reports whether word (lowercase) is a word of English or of the
// articles: a stop word, a WordNet word or an inflection of one, or a
// corpus word.
func (ix *Index) isWord(word string) bool {
	if search.IsStop(word) || ix.lex.Has(word) || len(ix.lex.Lemmas(word)) > 0 {
		return true
	}
	_, ok := ix.lookup.StemID(search.Stem(word))
	return ok
}

// typos returns the corpus words a word not in the corpus is most likely a
// misspelling of: one edit away for words up to seven letters, two for
// longer ones, closest first.
func (ix *Index) typos(word string) []string {
	out := lexicon.Closest(word, ix.lookup.Words())
	if len(out) > 3 {
		return nil // too many near spellings to tell which was meant
	}
	return out
}

// Bounds on the WordNet walk below a question's head noun.
const (
	instanceDepth = 2
	instanceLimit = 3000
)

// askedInstances returns the corpus stems of the names WordNet files under
// head, the noun the question toks asks for (askedHead). Only names count
// (instances such as "Brussels", "Tuesday"), and only those the articles always write capitalised, so
// "US" is not the pronoun "us": the common words under a broad noun made
// the feature fire nearly everywhere (CV 1.299 against 1.305). The
// question's own words are left out. With the feature the cross-validated
// figure is higher at every penalty (at 20 repeats, 1.285 against 1.282 on
// the dev split grown by families_users.jsonl).
func (ix *Index) askedInstances(head string, toks []search.Token) []uint32 {
	if head == "" {
		return nil
	}
	names := ix.cachedInstances(head)
	if len(names) == 0 {
		return nil
	}
	own := map[uint32]bool{}
	for _, t := range toks {
		if id, ok := ix.lookup.StemID(t.Stem); ok {
			own[id] = true
		}
	}
	var out []uint32
	for _, id := range names {
		if !own[id] {
			out = append(out, id)
		}
	}
	return out
}

// askedStems returns the corpus stems that stand for head, the noun a
// question asks for: those of its stand-ins that are no word vector's
// (the word, its WordNet synonyms, derivations, broader and narrower
// words, wholes and parts, close spellings), less the question's other
// words ("which leader met the president": not "president"). The broad
// relatives are what the echo feature's figure rests on: with the word
// and its synonyms alone it was 1.328 at 20 repeats (1.327 without the
// feature), with broader and narrower words 1.337, with all but vectors
// 1.340. Leaving out the question's other words was level.
func askedStems(terms []term, head string) []uint32 {
	if head == "" {
		return nil
	}
	own := map[uint32]bool{}
	for _, t := range terms {
		for _, a := range t.alts {
			if a.ch == chExact && t.word != head {
				own[a.id] = true
			}
		}
	}
	var out []uint32
	for _, t := range terms {
		if t.word != head {
			continue
		}
		for _, a := range t.alts {
			if a.ch != chVector && !own[a.id] {
				out = append(out, a.id)
			}
		}
	}
	return out
}

// askedHead returns the noun a "which …" or "what …" question asks for, or
// "": among the three words after "which" or "what" ("which British
// minister", "what kind of city"), before any stop word, the first noun
// that is not also an adjective ("British" is both), else the first
// noun. It reads past "is the" too ("what is the situation in …"), and
// pastCopula says so: the echo feature reads such a head (CV 1.337 →
// 1.340 at 20 repeats, higher at every penalty), the instances feature
// does not (its figure was level with it, and "what is the capital of
// peru" then found a capital in every sentence naming the city where the
// handover took place, and abstained unsure).
func (ix *Index) askedHead(toks []search.Token) (head string, pastCopula bool) {
	for i, t := range toks {
		if t.Word != "which" && t.Word != "what" {
			continue
		}
		j := i + 1
		if j+1 < len(toks) && slices.Contains([]string{"is", "are", "was", "were"}, toks[j].Word) && (toks[j+1].Word == "the" || toks[j+1].Word == "a") {
			j, pastCopula = j+2, true
		}
		if j+1 < len(toks) && (toks[j].Word == "kind" || toks[j].Word == "sort" || toks[j].Word == "type") && toks[j+1].Word == "of" {
			j += 2
		}
		for k := j; k < len(toks) && k < j+3 && !search.IsStop(toks[k].Word); k++ {
			if w := toks[k].Word; ix.lex.Noun(w) {
				if head == "" {
					head = w
				}
				if !ix.lex.Adjective(w) {
					head = w
					break
				}
			}
		}
		break
	}
	return head, pastCopula
}

// cachedInstances returns the corpus stems of the one-word names WordNet
// files under noun that the articles write as names, sorted, remembered
// per noun.
func (ix *Index) cachedInstances(noun string) []uint32 {
	if k, ok := ix.instanceCache.Load(noun); ok {
		return k.([]uint32)
	}
	var out []uint32
	for _, w := range ix.lex.Hyponyms(noun, instanceDepth, instanceLimit) {
		if strings.Contains(w, " ") || !ix.lex.Proper(w) {
			continue
		}
		if id, ok := ix.lookup.StemID(ix.lexStem(w)); ok && ix.facts.proper[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	ix.instanceCache.Store(noun, out)
	return out
}

// describedPerson finds the one person a question names only by
// description: "what did the portuguese minister say" asks about whoever
// the articles call "Portuguese minister Rui Lopes". A description is a
// phrase after "the" (descriptions); its head is its last word that ends a
// title the articles give someone ("minister" in "former Portuguese
// minister") or is a noun for a person ("the outgoing guy"), never a name
// ("the UN summit"). The title words before the head, at least one of them,
// narrow the people it could be to those each describes (an office alone,
// "the minister", may be any holder of it), and when one is left, it is
// them. Not when the question names a person, nor when it asks who: there
// the description is what is asked.
func (ix *Index) describedPerson(q analysis) (uint32, bool) {
	if q.atype == typeWho || q.opinion {
		return 0, false
	}
	for _, t := range q.terms {
		if t.name && len(t.alts) > 0 && ix.facts.people[t.alts[0].id] {
			return 0, false
		}
	}
	phrases := descriptions(q.text)
	if len(phrases) == 0 {
		return 0, false
	}
	byWord := make(map[string]term, len(q.terms))
	for _, t := range q.terms {
		byWord[t.word] = t
	}
	var found []uint32
	for _, words := range phrases {
		if n, ok := ix.describedBy(words, byWord); ok {
			found = appendNew(found, []uint32{n})
		}
	}
	if len(found) != 1 {
		return 0, false
	}
	return found[0], true
}

// describedBy returns the one person the words of a description can be,
// given the question's terms by word.
func (ix *Index) describedBy(words []string, byWord map[string]term) (uint32, bool) {
	// who lists the people the word stands for in a title of theirs
	// (from: described) or at its end (from: titleHead).
	who := func(word string, from map[uint32][]uint32) []uint32 {
		var out []uint32
		for _, a := range byWord[word].alts {
			if a.ch <= chWordNet {
				out = appendNew(out, from[a.id])
			}
		}
		return out
	}
	// The head: the last word ending a title, else the last noun for a
	// person ("the italian diplomat watch" is headed by "diplomat", though
	// WordNet has a person sense of "watch").
	head, left := -1, []uint32(nil)
	for j := len(words) - 1; j >= 0 && head < 0; j-- {
		if l := who(words[j], ix.facts.titleHead); len(l) > 0 && !byWord[words[j]].name {
			head, left = j, l
		}
	}
	for j := len(words) - 1; j >= 0 && head < 0; j-- {
		if !byWord[words[j]].name && ix.personNoun(words[j]) {
			head = j
		}
	}
	narrowed, titled := false, len(left) > 0
	for _, w := range words[:max(head, 0)] {
		// A name modifies only as an adjective, and only a title ("the
		// Portuguese minister"): "the UN envoy" is any envoy of the UN,
		// and in "the Russian threat" WordNet's person sense of "threat"
		// is not the one meant.
		proper := byWord[w].name || ix.lex.Proper(w)
		if proper && (!titled || !ix.lex.Adjective(w)) {
			continue
		}
		d := who(w, ix.facts.described)
		switch {
		case len(d) == 0:
		case !narrowed && len(left) == 0:
			left, narrowed = d, true
		default:
			left, narrowed = slices.DeleteFunc(left, func(n uint32) bool { return !slices.Contains(d, n) }), true
		}
	}
	if head < 0 || !narrowed || len(left) != 1 {
		return 0, false
	}
	return left[0], true
}

// descriptions returns the phrases after "the" in text, lower case: up to
// four words, ending at a function word or punctuation. A possessive ends
// one and may start another: "the alliance's outgoing chief" holds
// "alliance" and "outgoing chief".
func descriptions(text string) [][]string {
	var out [][]string
	fields := strings.Fields(strings.ToLower(text))
	for i, f := range fields {
		if strings.TrimLeft(f, openers) != "the" {
			continue
		}
		var words []string
	phrase:
		for _, g := range fields[i+1 : min(len(fields), i+5)] {
			ws := search.Words(g) // "attorney-general" is two
			if len(ws) == 0 {
				break
			}
			for _, w := range ws {
				if search.IsStop(w) {
					break phrase
				}
				words = append(words, w)
			}
			trimmed := trimTrailing(g)
			if _, ok := possessor(trimmed); ok {
				out = append(out, words)
				words = nil
			}
			if trimmed != g {
				break // "the portuguese?"
			}
		}
		if len(words) > 0 {
			out = append(out, words)
		}
	}
	return out
}

// trimTrailing strips the punctuation that may follow a word.
func trimTrailing(field string) string { return strings.TrimRight(field, ",.;:?!\"”’')") }

// possessor returns the word of a possessive ("mayor's", "mayor’s").
func possessor(word string) (string, bool) {
	if w, ok := strings.CutSuffix(word, "'s"); ok {
		return w, true
	}
	return strings.CutSuffix(word, "’s")
}

// personNoun reports whether WordNet files the noun word under "person",
// two levels down at most: "guy", "woman", "politician".
func (ix *Index) personNoun(word string) bool {
	ix.personOnce.Do(func() {
		ix.persons = map[string]bool{}
		for _, w := range ix.lex.Hyponyms("person", 2, 1<<14) {
			ix.persons[w] = true
		}
	})
	return ix.persons[word] || slices.ContainsFunc(ix.lex.Lemmas(word), func(l string) bool { return ix.persons[l] })
}
