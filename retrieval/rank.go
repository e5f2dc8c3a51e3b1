package retrieval

import (
	"context"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/handover/handover/corpus"
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
	typeCount   // not a type: the number of them
)

// strictTypes are the answer types a passage must hold to answer at all:
// a sentence that names the event but no date does not say when it was.
// Who and where are not strict: "the Dutchman" answers who without a name.
var strictTypes = map[answerType]bool{
	typeWhen: true, typeNumber: true, typeAge: true, typeMoney: true, typeDuration: true, typeTime: true,
	typeOrdinal: true,
}

// query is an analysed question.
type query struct {
	text string
	// named is text with the people it describes named ("the norwegian"
	// → "Stoltenberg"), for the vector search; "" if it names no one.
	named   string
	terms   []qterm
	atype   answerType
	opinion bool // asks what readers or viewers think
	future  bool // asks what will happen
	past    bool // asks what happened
	speech  bool // asks what someone said
	modal   bool // asks what could or might be
	focus   int  // index in terms of the word the question hangs on, or -1
	unknown bool // names something capitalised that the articles never mention
	// role is set for "who <verb>ed X": X must be the one the verb is
	// done to, not the one doing it.
	role *roleQuery
	// agent is set for "when did X <verb>": X must do the verb.
	agent *agentQuery
	// order is set for "who was ... before X" (or after X): the sentence
	// must say who came before (or after) X.
	order *orderQuery
	// compare is set for "<verb> longer than X": what is compared and
	// with whom.
	compare *compareQuery
}

// compareQuery is "...<cmp> than <arg>", both indexes into query.terms.
type compareQuery struct {
	cmp, arg int
}

var compareQRe = regexp.MustCompile(`(?i)\b([\pL]+er|more\s+[\pL]+|less\s+[\pL]+)\s+than\s+(the\s+)?([\pL'’.-]+)`)

// compareOf finds "longer than X" with X a name the articles use.
func compareOf(text string, terms []qterm) *compareQuery {
	m := compareQRe.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	words := strings.Fields(m[1])
	cw := tokenize(words[len(words)-1])
	aw := tokenize(m[3])
	if len(cw) != 1 || len(aw) != 1 {
		return nil
	}
	c := &compareQuery{cmp: -1, arg: -1}
	for i, t := range terms {
		switch {
		case t.stem == cw[0].stem:
			c.cmp = i
		case t.proper && t.stem == aw[0].stem:
			c.arg = i
		}
	}
	if c.cmp < 0 || c.arg < 0 || len(terms[c.cmp].syn) == 0 && !terms[c.cmp].known {
		return nil
	}
	return c
}

// roleQuery is "who <verb> <patient>": the verb's stem and the named
// patient's stem ID.
type roleQuery struct {
	verb    string
	patient uint32
}

// agentQuery is "when (where, how, why) did X <verb>": the question is
// about something X did, so a sentence where X is on the receiving end of
// that verb ("Rutte will take office, replacing Stoltenberg") does not
// answer "when did Stoltenberg take office?".
type agentQuery struct {
	verb  string
	agent uint32
	// passive is "when was X annexed": X is what the verb is done to.
	passive bool
}

var whWords = map[string]bool{"when": true, "where": true, "how": true, "why": true}

// agentOf finds "when did X <verb>" with X a name the articles use.
func agentOf(text string, terms []qterm) *agentQuery {
	toks := tokenize(text)
	if len(toks) < 4 || !whWords[toks[0].word] || !copulas[toks[1].word] && !auxiliaries[toks[1].word] {
		return nil
	}
	proper := map[string]uint32{}
	for _, t := range terms {
		if t.proper && t.known {
			proper[t.stem] = t.id
		}
	}
	var agent uint32
	found := false
	i := 2
	for ; i < len(toks); i++ {
		id, ok := proper[toks[i].stem]
		if !ok {
			break
		}
		agent, found = id, true
	}
	if !found || i >= len(toks) || isStop(toks[i].word) || copulas[toks[i].word] {
		return nil
	}
	return &agentQuery{verb: toks[i].stem, agent: agent, passive: beWords[toks[1].word]}
}

// agentActs reports whether the passage at pos has the question's verb
// done by its X (or, for a passive question, to it).
func (ix *Index) agentActs(a *agentQuery, pos int) bool {
	for i, t := range ix.feat.toks[pos] {
		if t.stem != a.verb {
			continue
		}
		for _, id := range append([]uint32{a.agent}, ix.feat.extends[a.agent]...) {
			if agent, patient := ix.roles(pos, i, id); a.passive && patient || !a.passive && agent {
				return true
			}
		}
	}
	return false
}

// agentFits reports whether the passage at pos can answer a question
// about what X did: a sentence without the verb may (it is judged by
// coverage), but one with it must have X doing it.
func (ix *Index) agentFits(a *agentQuery, pos int) bool {
	found := false
	for i, t := range ix.feat.toks[pos] {
		if t.stem != a.verb {
			continue
		}
		found = true
		var agent, patient bool
		for _, id := range append([]uint32{a.agent}, ix.feat.extends[a.agent]...) {
			ag, pa := ix.roles(pos, i, id)
			agent, patient = agent || ag, patient || pa
		}
		// X named only in a neighbouring sentence is judged elsewhere.
		if a.passive && patient || !a.passive && agent || !agent && !patient {
			return true
		}
	}
	return !found
}

// orderQuery is "who ... before|after <arg>".
type orderQuery struct {
	before bool
	arg    uint32
}

type qterm struct {
	word   string
	stem   string
	weight float64
	id     uint32
	known  bool // the passages use this stem
	alts   []alt
	syn    []uint32  // stem IDs of the word's everyday synonyms in the articles
	vec    []float32 // unit word vector, nil if the word has none
	proper bool      // the articles write it as a name
}

// alt is a corpus word close in meaning to a question word.
type alt struct {
	stem string
	id   uint32
	sim  float64
}

var (
	ageRe      = regexp.MustCompile(`(?i)\bhow old\b|\bwhat age\b|\bage of\b`)
	moneyRe    = regexp.MustCompile(`(?i)\b(how much (money|does|did|is|was|will)|salary|paid|earns?|costs?|budget|worth)\b`)
	durationRe = regexp.MustCompile(`(?i)\bhow long\b|\bfor how many (years|months|days)\b`)
	// "When" asks for a date only at the head of the question: in "what
	// was going on when he stepped in" it starts a clause.
	whenRe = regexp.MustCompile(`(?i)^\W*((and|so|but)\s+)?when\b|\b(what (date|day|year|month)|which (date|day|year|month)|since when|how long ago|in what year|in which year)\b`)
	timeRe = regexp.MustCompile(`(?i)\b(what|which) time\b|\bat what hour\b`)
	// "What number chief" asks for a place in a row; "what number of
	// troops" asks how many.
	ordinalRe = regexp.MustCompile(`(?i)\b(what|which)\s+number\b(\s+(of)\b)?`)
	numberRe  = regexp.MustCompile(`(?i)\b(how (many|much|long|old)|what (number|percentage|share))\b`)
	whoRe     = regexp.MustCompile(`(?i)^\W*(who|whom|whose)\b|\b(who|which person)\b`)
	whereRe   = regexp.MustCompile(`(?i)^\W*where\b|\b(what (city|country|place)|in which (city|country|place))\b`)
	whyRe     = regexp.MustCompile(`(?i)^\W*why\b`)
	opinionRe = regexp.MustCompile(`(?i)\b(viewers?|readers?|comments?|commenters?|commentators?|opinions?|public think|people (think|say|saying|said|feel))\b`)
	futureQRe = regexp.MustCompile(`(?i)\b(will|shall|going to|gonna|next|future|plans? to)\b`)
	pastQRe   = regexp.MustCompile(`(?i)\b(did|was|were|had|won|lost|became)\b`)
	speechQRe = regexp.MustCompile(`(?i)\b(say|said|says|quote|words|remarks?)\b`)
	modalQRe  = regexp.MustCompile(`(?i)\b(can|could|would|might|may|if|whoever|whatever)\b`)

	dateLikeRe     = regexp.MustCompile(`\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Oct\.|Nov\.|Dec\.|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|tomorrow|yesterday|today|last week|next month|(19|20)\d\d)\b`)
	numberLikeRe   = regexp.MustCompile(`\b(\d[\d,.]*(st|nd|rd|th)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|dozen|decade|hundred|thousand|doubled|tripled|halved|twice)\b`)
	ordinalLikeRe  = regexp.MustCompile(`(?i)\b(\d+(st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|twentieth)\b`)
	clockLikeRe    = regexp.MustCompile(`(?i)\b\d{1,2}(:\d\d)?\s?(a\.?m\.?|p\.?m\.?)|\bo'clock\b|\b(noon|midnight|morning|afternoon|evening)\b`)
	placeRe        = regexp.MustCompile(`\b(in|at|from|to) (the )?[A-Z][a-z]+`)
	ageLikeRe      = regexp.MustCompile(`(?i)\b\d+[- ]years?[- ]old\b|\baged? \d+|\bborn in\b`)
	moneyLikeRe    = regexp.MustCompile(`(?i)[$€£]\s?\d|\b\d[\d,.]* (million|billion|trillion|euros?|dollars?)\b|\bpercent\b|%`)
	durationLikeRe = regexp.MustCompile(`(?i)\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen)[- ](years?|months?|weeks?|days?)\b|\bdecades?\b|\bsince (19|20)\d\d\b|\b(\d|,)+-day\b|\b(first|second|third|fourth|fifth) (year|month|week)\b`)
	nameRe         = regexp.MustCompile(`\b[A-Z][a-z]+ [A-Z][a-z]+\b`)
)

func (ix *Index) analyse(text string) query {
	q := query{text: text, opinion: opinionRe.MatchString(text), focus: -1,
		future: futureQRe.MatchString(text), past: pastQRe.MatchString(text),
		speech: speechQRe.MatchString(text), modal: modalQRe.MatchString(text)}
	switch {
	case whyRe.MatchString(text):
		// A reason is not a date or an amount, whatever words follow.
	case ageRe.MatchString(text):
		q.atype = typeAge
	case timeRe.MatchString(text):
		q.atype = typeTime
	case moneyRe.MatchString(text):
		q.atype = typeMoney
	case durationRe.MatchString(text):
		q.atype = typeDuration
	case whenRe.MatchString(text):
		q.atype = typeWhen
	case isOrdinal(text):
		q.atype = typeOrdinal
	case numberRe.MatchString(text):
		q.atype = typeNumber
	case whereRe.MatchString(text):
		q.atype = typeWhere
	case whoRe.MatchString(text):
		q.atype = typeWho
	}
	norm := normaliseQuestion(text)
	// "outside Europe and North America" names what the answer is not:
	// those names are not required of it.
	norm = ix.dropExcluded(norm)
	// "the norwegian guy" is Stoltenberg, named.
	if named := ix.feat.resolvePeople(ix, norm); named != norm {
		norm, q.named = named, named
	}
	capital := capitalised(norm)
	place := placeNames(norm)
	seen := map[string]bool{}
	for _, t := range tokenize(norm) {
		if isStop(t.word) || questionWords[t.word] || seen[t.stem] || q.atype == typeOrdinal && t.word == "number" {
			continue
		}
		seen[t.stem] = true
		qt := qterm{word: t.word, stem: t.stem, weight: ix.stats.idf(t.stem)}
		qt.id, qt.known = ix.vocab[t.stem]
		qt.vec = ix.expand.unit(t.word)
		if !qt.known || ix.stats.df[t.stem] == 0 {
			qt.known = false
			for _, nb := range ix.expand.similar(t.word, 3, float32(ix.tune.minSim)) {
				st := stem(nb.word)
				if id, ok := ix.vocab[st]; ok && st != t.stem {
					qt.alts = append(qt.alts, alt{stem: st, id: id, sim: float64(nb.sim)})
				}
			}
		}
		for _, w := range synonyms[t.word] {
			st := stem(w)
			if id, ok := ix.vocab[st]; ok && ix.stats.df[st] > 0 && st != t.stem {
				qt.syn = append(qt.syn, id)
				qt.alts = append([]alt{{stem: st, id: id, sim: synCredit}}, qt.alts...)
			}
		}
		if !qt.known {
			// "small" finds "smaller": the comparative of the word.
			for _, suf := range []string{"er", "r", "est"} {
				st := stem(t.word + suf)
				if id, ok := ix.vocab[st]; ok && ix.stats.df[st] > 0 {
					qt.syn = append(qt.syn, id)
					qt.alts = append([]alt{{stem: st, id: id, sim: synCredit}}, qt.alts...)
					break
				}
			}
		}
		if !qt.known {
			// A word the articles never use weighs what its closest word
			// in them weighs: "boss" counts like "chief". With no close
			// word it keeps the highest weight, and a question that hangs
			// on it ("salary", "climate") will not be covered.
			if len(qt.alts) > 0 {
				qt.weight = ix.stats.idf(qt.alts[0].stem)
			}
			// A name the articles never mention ("Macron") cannot be
			// answered about, however close its vector.
			if (capital[t.word] || place[t.word]) && len(qt.syn) == 0 {
				q.unknown = true
			}
		}
		qt.proper = qt.known && ix.feat.proper[qt.id]
		if lightWords[t.word] {
			qt.weight *= 0.25
		}
		q.terms = append(q.terms, qt)
	}
	q.focus = focusOf(norm, q.terms)
	q.compare = compareOf(norm, q.terms)
	q.agent = agentOf(norm, q.terms)
	if q.atype == typeWho {
		q.role = roleOf(norm, q.terms)
		q.order = orderOf(norm, q.terms)
	}
	return q
}

// isOrdinal reports whether a question asks for a place in a row ("what
// number chief was he"), not for a count ("what number of troops").
func isOrdinal(text string) bool {
	m := ordinalRe.FindStringSubmatch(text)
	return m != nil && m[3] == ""
}

// auxiliaries are the verbs that only carry tense or voice: "who has
// replaced X" asks about "replaced".
var auxiliaries = map[string]bool{"has": true, "have": true, "had": true}

// copulas and do-support start questions whose subject is not "who":
// "who is X", "who did X back".
var copulas = map[string]bool{"is": true, "was": true, "are": true, "were": true, "will": true,
	"would": true, "did": true, "does": true, "do": true, "can": true, "could": true,
	"should": true, "may": true, "might": true, "be": true, "s": true}

// roleOf finds "who <verb> <name>": the question asks for the verb's
// subject, with the name its object.
func roleOf(text string, terms []qterm) *roleQuery {
	toks := tokenize(text)
	if len(toks) < 3 || toks[0].word != "who" {
		return nil
	}
	i := 1
	if auxiliaries[toks[i].word] {
		i++
	}
	if i+1 >= len(toks) || copulas[toks[i].word] || isStop(toks[i].word) {
		return nil
	}
	for _, t := range terms {
		if t.proper && t.stem == toks[i+1].stem {
			return &roleQuery{verb: toks[i].stem, patient: t.id}
		}
	}
	return nil
}

// exclusionRe finds where a question sets names aside ("outside Europe
// and North America", "besides Ukraine").
var exclusionRe = regexp.MustCompile(`(?i)\b(outside( of)?|except( for)?|apart from|other than|besides|beyond)\s+`)

// dropExcluded blanks the names a question sets aside, with the word that
// sets them aside: the run of names (and "and", "or", "the") after it.
func (ix *Index) dropExcluded(s string) string {
	locs := exclusionRe.FindAllStringIndex(s, -1)
	for k := len(locs) - 1; k >= 0; k-- {
		start, end := locs[k][0], locs[k][1]
		if cut := ix.nameRun(s[end:]); cut > 0 {
			s = s[:start] + " " + s[end+cut:]
		}
	}
	return s
}

// nameRun returns the length of the list of names that starts s ("Europe
// and North America"), or 0 if it starts with no name.
func (ix *Index) nameRun(s string) int {
	cut, names := 0, 0
	for _, f := range strings.Fields(s) {
		w := strings.TrimRight(f, ",?.!")
		toks := tokenize(w)
		if len(toks) != 1 {
			break
		}
		id, ok := ix.vocab[toks[0].stem]
		switch word := toks[0].word; {
		case word == "and" || word == "or" || word == "the":
		case ok && ix.feat.proper[id]:
			names++
		default:
			return cut * min(names, 1)
		}
		cut = strings.Index(s[cut:], f) + cut + len(f)
		if w != f {
			break // a comma or question mark ends the list
		}
	}
	return cut * min(names, 1)
}

var orderQRe = regexp.MustCompile(`(?i)\b(before|after|preceding|succeeding)\s+([\pL'’.-]+)`)

// orderOf finds "before X" or "after X" in a who question, X a name.
func orderOf(text string, terms []qterm) *orderQuery {
	m := orderQRe.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	toks := tokenize(m[2])
	if len(toks) != 1 {
		return nil
	}
	for _, t := range terms {
		if t.proper && t.stem == toks[0].stem {
			w := strings.ToLower(m[1])
			return &orderQuery{before: w == "before" || w == "preceding", arg: t.id}
		}
	}
	return nil
}

// timeClauseRe finds a clause of time after the start of a question.
var timeClauseRe = regexp.MustCompile(`(?i)^\W*\pL.*?\s(when|while|once)\s+(.+)$`)

// focusOf picks the word a question hangs on: the noun right after a
// leading "which" or "what" ("which candidate ..."), else the weightiest
// word the articles use that is not a name (names are checked on their
// own, and "when will Ukraine join" hangs on "join"), else the weightiest
// word. It returns -1 for a question with no content words.
func focusOf(text string, terms []qterm) int {
	toks := tokenize(text)
	if len(toks) > 1 && (toks[0].word == "which" || toks[0].word == "what") {
		head := toks[1]
		if numberLikeRe.MatchString(head.word) && len(toks) > 2 {
			head = toks[2] // "which two countries"
		}
		for i, t := range terms {
			if t.stem == head.stem && !t.proper && (t.known || len(t.syn) > 0) {
				return i
			}
		}
	}
	// "What was going on with the war when he stepped in" asks about the
	// war: a clause of time only says which moment.
	timed := map[string]bool{}
	if m := timeClauseRe.FindStringSubmatch(text); m != nil {
		for _, t := range tokenize(m[2]) {
			timed[t.stem] = true
		}
	}
	focus := -1
	for _, known := range []bool{true, false} {
		for i, t := range terms {
			if t.proper || lightWords[t.word] || (known && !t.known && len(t.syn) == 0) || timed[t.stem] {
				continue
			}
			if focus < 0 || t.weight > terms[focus].weight {
				focus = i
			}
		}
		if focus >= 0 {
			return focus
		}
	}
	return focus
}

// placeNames returns the words right after "in", "at" or "from": in a
// question like "how many troops are in Poland" an unknown one is a place
// the articles do not cover.
func placeNames(s string) map[string]bool {
	out := map[string]bool{}
	toks := tokenize(s)
	for i := 1; i < len(toks); i++ {
		switch toks[i-1].word {
		case "in", "at", "from":
			if !isStop(toks[i].word) {
				out[toks[i].word] = true
			}
		}
	}
	return out
}

// synCredit is what a synonym from synonymGroups earns: nearly the word
// itself.
const synCredit = 0.9

// capitalised returns the words written with a capital letter after the
// first word of s: names the asker took care to capitalise.
func capitalised(s string) map[string]bool {
	out := map[string]bool{}
	for i, f := range strings.Fields(s) {
		if i == 0 || !startsUpper(f) {
			continue
		}
		for _, t := range tokenize(f) {
			out[t.word] = true
		}
	}
	return out
}

// questionWords are words that shape a question but are not its content.
var questionWords = map[string]bool{
	"happen": true, "happened": true, "think": false, "much": true, "many": true,
	"long": true, "old": true, "date": true, "day": true, "year": false, "person": true,
	"place": true, "city": true, "mean": true, "meant": true, "talk": true, "talked": true,
	"mention": true, "mentioned": true, "article": true, "articles": true,
	"according": true, "news": true, "report": true, "reported": true, "did": true,
	"viewers": true, "viewer": true, "readers": true, "reader": true, "comments": true,
	"comment": true, "commenters": true, "people": true, "thoughts": true, "thought": true,
	"opinion": true, "opinions": true, "reaction": true, "reactions": true, "saying": true,
}

func normaliseQuestion(s string) string {
	return strings.NewReplacer("U.S.", "US", "u.s.", "us").Replace(s)
}

// tuning holds the ranking weights and abstention thresholds, calibrated
// on testdata/eval.jsonl (searchTuning in tune_test.go searches them).
type tuning struct {
	wCov, wCos, wBM float64 // weights of coverage, cosine and BM25 in the score
	bonus           float64 // added when the answer type matches
	minSim          float64 // least word-vector similarity for a close word
	altPow          float64 // a close word counts sim^altPow
	ctxCredit       float64 // credit for a word only in a neighbouring sentence
	minCoverage     float64 // abstain below this coverage...
	minScore        float64 // ...or below this score
	vecCap          float64 // most credit a word-vector neighbour earns
	focusMin        float64 // least credit for the word the question hangs on
	speech          float64 // added for quoted or reported speech when asked what someone said
}

var defaultTuning = tuning{
	wCov: 0.5, wCos: 0.45, wBM: 0.15, bonus: 0.12, minSim: 0.45, altPow: 1,
	ctxCredit: 0.5, minCoverage: 0.6, minScore: 0.5, vecCap: 0.8, focusMin: 0.6, speech: 0.05,
}

// candidate is a passage being considered for an answer.
type candidate struct {
	pos      int
	cos      float64
	bm25     float64
	coverage float64
	bonus    float64
	score    float64
	fit      bool // the passage can answer the question at all (see fits)
}

// Candidate pool sizes for the two first stages.
const (
	vectorK  = 40
	lexicalK = 40
)

// rank returns the candidates for q, best first. Comments are left out
// unless the question asks for opinions.
func (ix *Index) rank(ctx context.Context, q query, extra string) ([]candidate, error) {
	terms := map[string]float64{}
	for _, t := range q.terms {
		terms[t.stem] = 1
		for _, a := range t.alts {
			if a.sim > terms[a.stem] {
				terms[a.stem] = a.sim
			}
		}
	}
	text := q.text
	if q.named != "" {
		text = q.named
	}
	qtoks := tokenize(normaliseQuestion(text + " " + extra))
	qvec := ix.local.embedTokens(qtoks)
	vhits, err := ix.vectorSearch(ctx, qvec, vectorK)
	if err != nil {
		return nil, err
	}
	vhits = append(vhits, ix.remoteHits(ctx, q.text, vectorK)...)
	lhits := ix.bm25.search(terms, lexicalK)
	byPos := map[int]*candidate{}
	var cands []*candidate
	get := func(pos int) *candidate {
		c := byPos[pos]
		if c == nil {
			c = &candidate{pos: pos, cos: float64(dot(qvec, ix.vecs[pos]))}
			byPos[pos] = c
			cands = append(cands, c)
		}
		return c
	}
	for _, h := range vhits {
		get(h.doc)
	}
	if len(q.terms) == 0 && q.opinion {
		// "What are people saying?" names nothing to search by: every
		// comment is a candidate, and the thread is shown from its start.
		for pos, p := range ix.passages {
			if p.Kind == corpus.KindComment {
				get(pos)
			}
		}
	}
	maxBM := 0.0
	for _, h := range lhits {
		get(h.doc).bm25 = h.score
		if h.score > maxBM {
			maxBM = h.score
		}
	}
	out := make([]candidate, 0, len(cands))
	for _, c := range cands {
		p := ix.passages[c.pos]
		if (p.Kind == corpus.KindComment) != q.opinion {
			continue
		}
		c.coverage = ix.coverage(q, c.pos)
		if ix.feat.has(c.pos, q.atype) {
			// Precomputed typeBonus: regexps per candidate cost more
			// than the rest of ranking.
			c.bonus = ix.tune.bonus
			if q.atype == typeWho {
				c.bonus /= 2
			}
		}
		if q.speech && ix.feat.speech[c.pos] {
			c.bonus += ix.tune.speech
			if ix.quotesNamed(q, c.pos) {
				// Asked what Stoltenberg said, his own words beat a
				// sentence that merely names him.
				c.bonus += ix.tune.bonus
			}
		}
		if q.atype == typeDuration && ix.durationOf(q, c.pos) {
			c.bonus += ix.tune.bonus
		}
		c.fit = ix.fits(q, c.pos)
		bm := 0.0
		if maxBM > 0 {
			bm = c.bm25 / maxBM
		}
		c.score = ix.tune.wCov*c.coverage + ix.tune.wCos*c.cos + ix.tune.wBM*bm + c.bonus
		out = append(out, *c)
	}
	if len(q.terms) == 0 && q.opinion {
		for i := range out {
			out[i].score = ix.tune.wCov
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].fit != out[j].fit {
			return out[i].fit
		}
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].pos < out[j].pos
	})
	return out, nil
}

// coverage is the IDF-weighted share of the question's content words that
// the passage holds: 1 for the word itself, a little less for an everyday
// synonym, its similarity for a word close in vector space, and
// ctxCredit for a word only in the neighbouring sentences.
func (ix *Index) coverage(q query, pos int) float64 {
	var got, total float64
	p := ix.passages[pos]
	compared := ix.compared(q, pos)
	for i, t := range q.terms {
		total += t.weight
		m := ix.credit(t, pos)
		if compared {
			// "His time in office is only surpassed by Luns" compares
			// what "served longer than Stoltenberg as secretary general"
			// asks about in its own words: the comparison stands for
			// them, and "his" is the Stoltenberg named nearby.
			switch {
			case i == q.compare.arg:
				m = 1
			case !t.proper:
				m = max(m, ix.tune.ctxCredit)
			}
		}
		if m < ix.tune.ctxCredit && t.known {
			if (p.Before != "" && hasID(ix.stems[pos-1], t.id)) || (p.After != "" && hasID(ix.stems[pos+1], t.id)) {
				m = ix.tune.ctxCredit
			}
		}
		got += t.weight * m
	}
	if total == 0 {
		// "What are people saying?" names nothing: any comment answers it.
		if q.opinion {
			return 1
		}
		return 0
	}
	return got / total
}

// compared reports whether the passage at pos makes the comparison q
// asks about: it holds the comparing word ("longer", or "surpassed" for
// it) with the one compared with named nearby.
func (ix *Index) compared(q query, pos int) bool {
	return q.compare != nil && ix.credit(q.terms[q.compare.cmp], pos) >= synCredit &&
		ix.nearby(pos, q.terms[q.compare.arg].id)
}

// credit is how well the sentence at pos itself holds the question word t.
func (ix *Index) credit(t qterm, pos int) float64 {
	if t.known && hasID(ix.stems[pos], t.id) {
		return 1
	}
	m := 0.0
	for _, id := range t.syn {
		if hasID(ix.stems[pos], id) {
			m = synCredit
			break
		}
	}
	if m < synCredit && t.vec != nil {
		// The closest word of the passage in meaning: "boss" finds
		// "chief", "pact" finds "alliance". A close word is weaker
		// evidence than the word itself.
		sim := float64(ix.expand.best(t.vec, ix.rows[pos]))
		if c := softCredit(sim, ix.tune.minSim, ix.tune.altPow) * ix.tune.vecCap; c > m {
			m = c
		}
	}
	return m
}

// fits reports whether the passage at pos can answer q at all, whatever
// its score: it must hold the word the question hangs on, mention nearby
// every name the question names, hold the kind of answer asked for (in it
// or a neighbouring sentence), and speak of the future if asked about it.
func (ix *Index) fits(q query, pos int) bool {
	if q.unknown {
		return false
	}
	for i, t := range q.terms {
		if t.proper && !ix.nearby(pos, t.id) && ix.credit(t, pos) < ix.tune.focusMin &&
			!(q.speech && hasAny(ix.feat.speakers[pos], t.id)) {
			return false
		}
		// "Held the top post longer than Stoltenberg" is answered by "his
		// time in office is only surpassed by Luns": the comparison stands
		// for the words it is made in.
		// "When did Stoltenberg take office" is answered by "Stoltenberg
		// took over in 2014": the person doing the verb asked about stands
		// for the rest of the phrase.
		if i == q.focus && t.weight > 0 && ix.credit(t, pos) < ix.tune.focusMin && !ix.compared(q, pos) &&
			!(q.agent != nil && ix.agentActs(q.agent, pos)) {
			return false
		}
	}
	if strictTypes[q.atype] && !ix.feat.has(pos, q.atype) {
		// A date may sit in the sentence before or after: "He took over in
		// 2014 ... Moscow annexed Crimea."
		if q.atype != typeWhen || ix.typedNeighbour(q, pos) < 0 {
			return false
		}
	}
	if q.future && !q.opinion && !ix.feat.future[pos] {
		return false
	}
	if q.role != nil && !ix.roleFits(q.role, pos) {
		return false
	}
	if q.agent != nil && !ix.agentFits(q.agent, pos) {
		return false
	}
	if q.order != nil && !ix.orderFits(q.order, pos) {
		return false
	}
	// "Who won?" is not answered by "if Trump wins" or "a potential win".
	if q.atype == typeWho && q.past && !q.modal && ix.feat.hypo[pos] {
		return false
	}
	return true
}

// quotesNamed reports whether the passage at pos quotes someone the
// question names.
func (ix *Index) quotesNamed(q query, pos int) bool {
	for _, t := range q.terms {
		if t.proper && hasAny(ix.feat.speakers[pos], t.id) {
			return true
		}
	}
	return false
}

// durationOf reports whether a duration in the passage at pos stands next
// to a word of the question that is not a name: "served as prime minister
// for 14 years" and "14-year tenure as prime minister" say how long he was
// prime minister; "prime minister for a long time, ... its 1,000-day mark"
// does not.
func (ix *Index) durationOf(q query, pos int) bool {
	near := ix.feat.durNear[pos]
	for _, t := range q.terms {
		if t.proper || lightWords[t.word] {
			continue
		}
		if t.known && hasAny(near, t.id) {
			return true
		}
		for _, id := range t.syn {
			if hasAny(near, id) {
				return true
			}
		}
	}
	return false
}

// roleFits reports whether the passage at pos can answer "who <verb> X":
// a sentence without the verb may (it is judged by coverage), but one
// with it must have X where the verb is done to it: after an active verb
// ("replacing X"), not after "by", or before a passive one ("X was
// replaced"). "X will take office, replacing Y" does not say who
// replaced X.
func (ix *Index) roleFits(r *roleQuery, pos int) bool {
	found := false
	for i, t := range ix.feat.toks[pos] {
		if t.stem != r.verb {
			continue
		}
		found = true
		if agent, patient := ix.roles(pos, i, r.patient); patient && !agent {
			return true
		}
	}
	return !found
}

// roles reports where the stem id stands to the verb at index i of the
// passage at pos: as its agent (before an active verb, or after "by"),
// as its patient (after an active verb, or before a passive one).
func (ix *Index) roles(pos, i int, id uint32) (agent, patient bool) {
	toks := ix.feat.toks[pos]
	passive := i > 0 && beWords[toks[i-1].word] || i > 1 && beWords[toks[i-2].word]
	for j, t := range toks {
		if j == i || ix.vocab[t.stem] != id || isStop(t.word) {
			continue
		}
		switch {
		case j > i && toks[j-1].word == "by":
			agent = true
		case j > i:
			patient = true
		case passive:
			patient = true
		default:
			agent = true
		}
	}
	return agent, patient
}

var beWords = map[string]bool{"is": true, "was": true, "are": true, "were": true, "be": true,
	"been": true, "being": true, "get": true, "got": true}

// Cues of order in a succession. "X succeeded Y" puts Y before X.
var (
	predecessorCues = map[string]bool{"predecessor": true, "preced": true, "before": true,
		"previous": true, "prior": true}
	successorCues  = map[string]bool{"successor": true, "after": true}
	successionVerb = map[string]bool{"succeed": true, "replac": true}
)

// orderFits reports whether the passage at pos says who came before (or
// after) the question's X: it names X with a word of that order, or has
// X succeeding someone (for before) or being succeeded (for after).
// "Rutte ..., succeeding Stoltenberg" says who came after Stoltenberg, not
// before.
func (ix *Index) orderFits(o *orderQuery, pos int) bool {
	if !hasID(ix.stems[pos], o.arg) {
		return false
	}
	cues := successorCues
	if o.before {
		cues = predecessorCues
	}
	for i, t := range ix.feat.toks[pos] {
		if cues[t.stem] || cues[t.word] {
			return true
		}
		if successionVerb[t.word] {
			agent, patient := ix.roles(pos, i, o.arg)
			if o.before && agent && !patient || !o.before && patient && !agent {
				return true
			}
		}
	}
	return false
}

// nearby reports whether the stem id is in the sentence at pos or the one
// before or after it in the same article: "He" in the next sentence is
// still the person named.
func (ix *Index) nearby(pos int, id uint32) bool {
	doc := ix.passages[pos].Doc
	for i := pos - 1; i <= pos+1; i++ {
		if i < 0 || i >= len(ix.passages) || ix.passages[i].Doc != doc {
			continue
		}
		if hasID(ix.stems[i], id) {
			return true
		}
		for _, x := range ix.feat.extends[id] {
			if hasID(ix.stems[i], x) {
				return true
			}
		}
	}
	return false
}

// typedNeighbour returns the position of the sentence just before or after
// pos in the same paragraph that holds q's answer type, or -1.
func (ix *Index) typedNeighbour(q query, pos int) int {
	p := ix.passages[pos]
	if p.Before != "" && ix.feat.has(pos-1, q.atype) {
		return pos - 1
	}
	if p.After != "" && ix.feat.has(pos+1, q.atype) {
		return pos + 1
	}
	return -1
}

// softCredit maps a word-vector similarity to match credit: nothing at or
// below lo, rising to 1 at a similarity of 1, shaped by pow.
func softCredit(sim, lo, pow float64) float64 {
	if sim <= lo {
		return 0
	}
	return math.Pow((sim-lo)/(1-lo), pow)
}

// typeBonus is 1 when the text holds the kind of thing the question asks
// for (a date for "when", a number for "how many"), else 0.
func typeBonus(t answerType, text string) float64 {
	const b = 1
	switch t {
	case typeWhen:
		if dateLikeRe.MatchString(text) {
			return b
		}
	case typeNumber:
		if numberLikeRe.MatchString(text) {
			return b
		}
	case typeWhere:
		if placeRe.MatchString(text) {
			return b
		}
	case typeWho:
		if nameRe.MatchString(text) {
			return b / 2
		}
	case typeDuration:
		if durationLikeRe.MatchString(text) {
			return b
		}
	case typeAge:
		if ageLikeRe.MatchString(text) {
			return b
		}
	case typeMoney:
		if moneyLikeRe.MatchString(text) {
			return b
		}
	case typeTime:
		if clockLikeRe.MatchString(text) {
			return b
		}
	case typeOrdinal:
		if ordinalLikeRe.MatchString(text) {
			return b
		}
	}
	return 0
}

func hasAny(ids []uint32, id uint32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}
