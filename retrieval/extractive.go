package retrieval

import (
	"strconv"
	"strings"

	"github.com/handover/handover/corpus"
)

// maxSentences is the most an extractive answer quotes: a chat message,
// not an essay.
const maxSentences = 3

// nearTie is how close to the best score another sentence must come to be
// quoted beside it although it adds no question word.
const nearTie = 0.97

// dontSay is the answer when the articles do not cover a question.
const dontSay = "The articles don't say."

// evidence is a chosen answer sentence and every passage that tells the
// same fact.
type evidence struct {
	pos     int
	sources []int // positions, the chosen one first
}

// answerable reports whether the best candidate clears the abstention
// thresholds.
func (ix *Index) answerable(q query, cands []candidate) bool {
	if len(cands) == 0 || !cands[0].fit || cands[0].coverage < ix.tune.minCoverage || cands[0].score < ix.tune.minScore {
		return false
	}
	// An age or an amount of money is either stated or not: a sentence
	// that merely mentions the person does not answer "how old".
	if q.atype == typeAge || q.atype == typeMoney {
		return typeBonus(q.atype, ix.passages[cands[0].pos].Text) > 0
	}
	return true
}

// choose picks one to three sentences: the best, then others that score
// nearly as well and add a question word the first lacks, then any
// sentence needed to finish a quote the chosen one opens.
func (ix *Index) choose(q query, cands []candidate) []evidence {
	if !ix.answerable(q, cands) {
		return nil
	}
	var picked []evidence
	covered := map[string]bool{}
	addCovered := func(pos int) {
		for _, t := range q.terms {
			if t.known && hasID(ix.stems[pos], t.id) {
				covered[t.stem] = true
			}
		}
	}
	top := cands[0]
	picked = append(picked, evidence{pos: top.pos})
	addCovered(top.pos)
	for _, c := range cands[1:] {
		if len(picked) >= 2 || !c.fit || c.score < 0.9*top.score || c.coverage < ix.tune.minCoverage {
			break
		}
		if ix.duplicateOfAny(c.pos, picked) {
			continue
		}
		// A near tie is shown too: the ranking cannot tell "for a long
		// time" from "for 14 years", and the reader can.
		adds := c.score >= nearTie*top.score
		for _, t := range q.terms {
			if t.known && !covered[t.stem] && hasID(ix.stems[c.pos], t.id) {
				adds = true
			}
		}
		if adds {
			picked = append(picked, evidence{pos: c.pos})
			addCovered(c.pos)
		}
	}
	// A quote that runs on into the next sentence is finished, and a date
	// asked for that sits in the neighbouring sentence is shown with it.
	var out []evidence
	for _, e := range picked {
		if strictTypes[q.atype] && !ix.feat.has(e.pos, q.atype) {
			if n := ix.typedNeighbour(q, e.pos); n >= 0 && n < e.pos {
				out = append(out, evidence{pos: n})
			} else if n > e.pos {
				out = append(out, e)
				e = evidence{pos: n}
			}
		}
		// A sentence that opens with a pronoun ("He succeeds Norway's
		// Jens Stoltenberg") is shown after the sentence before it in the
		// article, which says who "he" is.
		if startsWithPronoun(ix.passages[e.pos].Text) && e.pos > 0 && ix.passages[e.pos-1].Doc == ix.passages[e.pos].Doc &&
			ix.passages[e.pos-1].Kind == ix.passages[e.pos].Kind && !containsPos(out, e.pos-1) {
			out = append(out, evidence{pos: e.pos - 1})
		}
		out = append(out, e)
		pos := e.pos
		for len(out) < maxSentences && openQuote(ix.passages[pos].Text) && ix.passages[pos].After != "" {
			pos++
			out = append(out, evidence{pos: pos})
			if closesQuote(ix.passages[pos].Text) {
				break
			}
		}
	}
	if len(out) > maxSentences {
		out = out[:maxSentences]
	}
	for i := range out {
		out[i].sources = ix.sameFact(out[i].pos, cands)
	}
	return out
}

// openQuote reports whether s opens a quotation it does not close.
func openQuote(s string) bool {
	opens := strings.Count(s, "“")
	closes := strings.Count(s, "”")
	straight := strings.Count(s, `"`)
	return opens > closes && straight%2 == 0 || straight%2 == 1 && opens == closes
}

func closesQuote(s string) bool {
	return strings.Contains(s, "”") || strings.Count(s, `"`)%2 == 1
}

// nearDuplicate reports whether two passages tell the same fact in much the
// same words: most of the smaller one's content stems are in the other.
func (ix *Index) nearDuplicate(a, b int) bool {
	sa, sb := ix.stems[a], ix.stems[b]
	if len(sa) == 0 || len(sb) == 0 {
		return false
	}
	if len(sa) > len(sb) {
		sa, sb = sb, sa
	}
	common := 0
	for _, id := range sa {
		if hasID(sb, id) {
			common++
		}
	}
	union := len(sa) + len(sb) - common
	return float64(common)/float64(len(sa)) >= 0.6 && float64(common)/float64(union) >= 0.5 &&
		dot(ix.vecs[a], ix.vecs[b]) >= 0.6
}

func (ix *Index) duplicateOfAny(pos int, picked []evidence) bool {
	for _, e := range picked {
		if ix.nearDuplicate(pos, e.pos) {
			return true
		}
	}
	return false
}

// sameFact returns pos and the candidates from other articles that are near
// duplicates of it, at most one per article.
func (ix *Index) sameFact(pos int, cands []candidate) []int {
	out := []int{pos}
	docs := map[string]bool{ix.passages[pos].Doc: true}
	for _, c := range cands {
		p := ix.passages[c.pos]
		if docs[p.Doc] || p.Kind != ix.passages[pos].Kind || !ix.nearDuplicate(pos, c.pos) {
			continue
		}
		docs[p.Doc] = true
		out = append(out, c.pos)
	}
	return out
}

// extractive writes the answer from the chosen evidence: each sentence
// verbatim followed by its citation markers.
func (ix *Index) extractive(q query, ev []evidence) Answer {
	a := Answer{Question: q.text, Mode: ModeExtractive, Citations: []Citation{}}
	if len(ev) == 0 {
		a.Text, a.Abstained = dontSay, true
		return a
	}
	var b strings.Builder
	if q.opinion {
		b.WriteString("Viewer comments (opinions of anonymous readers, not facts):\n")
	}
	numbered := map[int]int{}
	for i, e := range ev {
		if i > 0 {
			b.WriteString(" ")
		}
		if q.opinion {
			b.WriteString("“" + ix.passages[e.pos].Text + "”")
		} else {
			b.WriteString(ix.passages[e.pos].Text)
		}
		for _, src := range e.sources {
			n, ok := numbered[src]
			if !ok {
				n = len(a.Citations) + 1
				numbered[src] = n
				a.Citations = append(a.Citations, ix.citation(n, src))
			}
			b.WriteString(" [" + strconv.Itoa(n) + "]")
		}
	}
	a.Text = strings.ReplaceAll(b.String(), "] [", "][")
	return a
}

func (ix *Index) citation(n, pos int) Citation {
	p := ix.passages[pos]
	m := ix.docs[p.Doc]
	kind := string(corpus.KindArticle)
	if p.Kind == corpus.KindComment {
		kind = string(corpus.KindComment)
	}
	return Citation{N: n, Doc: p.Doc, Title: m.title, Publisher: m.publisher, Date: m.date, Kind: kind, Text: p.Text, Passage: p.ID}
}

// startsWithPronoun reports whether a sentence opens with a personal
// pronoun whose person it does not name.
func startsWithPronoun(s string) bool {
	w := firstWordOf(s)
	switch w {
	case "He", "She", "They", "His", "Her", "Their", "Him", "Them":
		return true
	}
	return false
}

func firstWordOf(s string) string {
	s = strings.TrimLeft(s, "\"“‘'( ")
	if i := strings.IndexAny(s, " ,;:"); i >= 0 {
		return s[:i]
	}
	return s
}

func containsPos(evs []evidence, pos int) bool {
	for _, e := range evs {
		if e.pos == pos {
			return true
		}
	}
	return false
}
