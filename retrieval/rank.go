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
)

// query is an analysed question.
type query struct {
	text    string
	terms   []qterm
	atype   answerType
	opinion bool // asks what readers or viewers think
}

type qterm struct {
	word   string
	stem   string
	weight float64
	id     uint32
	known  bool // the passages use this stem
	alts   []alt
	vec    []float32 // unit word vector, nil if the word has none
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
	whenRe     = regexp.MustCompile(`(?i)\b(when|what (date|day|year|month)|which (date|day|year|month)|since when|how long ago)\b`)
	numberRe   = regexp.MustCompile(`(?i)\b(how (many|much|long|old)|what (number|percentage|share))\b`)
	whoRe      = regexp.MustCompile(`(?i)^\W*(who|whom|whose)\b|\b(who|which person)\b`)
	whereRe    = regexp.MustCompile(`(?i)\b(where|what (city|country|place))\b`)
	opinionRe  = regexp.MustCompile(`(?i)\b(viewers?|readers?|comments?|commenters?|commentators?|reactions?|react(ed)?|opinions?|public think|people (think|say|saying|said|feel))\b`)

	dateLikeRe     = regexp.MustCompile(`\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Oct\.|Nov\.|Dec\.|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|tomorrow|yesterday|today|last week|next month|(19|20)\d\d)\b`)
	numberLikeRe   = regexp.MustCompile(`\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|dozen|decade|hundred|thousand)\b`)
	placeRe        = regexp.MustCompile(`\b(in|at|from|to) (the )?[A-Z][a-z]+`)
	ageLikeRe      = regexp.MustCompile(`(?i)\b\d+[- ]years?[- ]old\b|\baged? \d+|\bborn in\b`)
	moneyLikeRe    = regexp.MustCompile(`(?i)[$€£]\s?\d|\b\d[\d,.]* (million|billion|trillion|euros?|dollars?)\b|\bpercent\b|%`)
	durationLikeRe = regexp.MustCompile(`(?i)\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen)[- ](years?|months?|weeks?|days?)\b|\bdecades?\b|\bsince (19|20)\d\d\b|\b(\d|,)+-day\b`)
	nameRe         = regexp.MustCompile(`\b[A-Z][a-z]+ [A-Z][a-z]+\b`)
)

func (ix *Index) analyse(text string) query {
	q := query{text: text, opinion: opinionRe.MatchString(text)}
	switch {
	case ageRe.MatchString(text):
		q.atype = typeAge
	case moneyRe.MatchString(text):
		q.atype = typeMoney
	case durationRe.MatchString(text):
		q.atype = typeDuration
	case whenRe.MatchString(text):
		q.atype = typeWhen
	case numberRe.MatchString(text):
		q.atype = typeNumber
	case whereRe.MatchString(text):
		q.atype = typeWhere
	case whoRe.MatchString(text):
		q.atype = typeWho
	}
	seen := map[string]bool{}
	for _, t := range tokenize(normaliseQuestion(text)) {
		if isStop(t.word) || questionWords[t.word] || seen[t.stem] {
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
			// A word the articles never use weighs what its closest word
			// in them weighs: "boss" counts like "chief". With no close
			// word it keeps the highest weight, and a question that hangs
			// on it ("salary", "climate") will not be covered.
			if len(qt.alts) > 0 {
				qt.weight = ix.stats.idf(qt.alts[0].stem)
			}
		}
		q.terms = append(q.terms, qt)
	}
	return q
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
// on testdata/eval.jsonl (TestTune searches them).
type tuning struct {
	wCov, wCos, wBM float64 // weights of coverage, cosine and BM25 in the score
	bonus           float64 // added when the answer type matches
	minSim          float64 // least word-vector similarity for a close word
	altPow          float64 // a close word counts sim^altPow
	ctxCredit       float64 // credit for a word only in a neighbouring sentence
	minCoverage     float64 // abstain below this coverage...
	minScore        float64 // ...or below this score
}

var defaultTuning = tuning{
	wCov: 0.5, wCos: 0.45, wBM: 0.15, bonus: 0.12, minSim: 0.45, altPow: 1,
	ctxCredit: 0.5, minCoverage: 0.6, minScore: 0.5,
}

// candidate is a passage being considered for an answer.
type candidate struct {
	pos      int
	cos      float64
	bm25     float64
	coverage float64
	bonus    float64
	score    float64
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
	qtoks := tokenize(normaliseQuestion(q.text + " " + extra))
	qvec := ix.local.embedTokens(qtoks)
	vhits, err := ix.vectorSearch(ctx, qvec, vectorK)
	if err != nil {
		return nil, err
	}
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
		c.bonus = ix.tune.bonus * typeBonus(q.atype, p.Text)
		bm := 0.0
		if maxBM > 0 {
			bm = c.bm25 / maxBM
		}
		c.score = ix.tune.wCov*c.coverage + ix.tune.wCos*c.cos + ix.tune.wBM*bm + c.bonus
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].pos < out[j].pos
	})
	return out, nil
}

// coverage is the IDF-weighted share of the question's content words that
// the passage holds: 1 for the word itself, its similarity for a close
// word, and half for a word only in the neighbouring sentences.
func (ix *Index) coverage(q query, pos int) float64 {
	var got, total float64
	p := ix.passages[pos]
	for _, t := range q.terms {
		total += t.weight
		m := 0.0
		if t.known && hasID(ix.stems[pos], t.id) {
			m = 1
		}
		if m < 1 && t.vec != nil {
			// The closest word of the passage in meaning: "boss" finds
			// "chief", "pact" finds "alliance". A close word is weaker
			// evidence than the word itself.
			sim := float64(ix.expand.best(t.vec, ix.rows[pos]))
			if credit := softCredit(sim, ix.tune.minSim, ix.tune.altPow); credit > m {
				m = credit
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
		return 0
	}
	return got / total
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
	}
	return 0
}

func startsUpper(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}
