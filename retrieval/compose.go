package retrieval

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/handover/handover/corpus"
)

// maxSentences is the most an extractive answer quotes: a chat message,
// not an essay.
const maxSentences = 3

// maxShown is the most sentences an answer shows when its picks are
// quotations that run over several.
const maxShown = 6

// commentShown is how many sentences of a reader's comment an answer opens
// with: the one picked and those after it (and the one before, when it
// opens with a pronoun), leaving room for other readers'.
const commentShown = 3

// dontSay is the answer when the articles do not cover a question.
const dontSay = "The articles don't say."

// dontSayClosest is the answer when handover abstains but shows the
// sentence that came closest (closestFrom): two blind trials read a flat
// "The articles don't say." above a closest sentence that answered as the
// bot contradicting itself.
const dontSayClosest = "The articles don't say, as far as I can tell."

// dontSayForSure is the answer when handover abstains near the threshold
// (Answer.Unsure): still no answer, but not a claim that there is none.
const dontSayForSure = "I'm not sure the articles answer that."

// opinionLabel opens every answer made of reader comments.
const opinionLabel = "Viewer comments (opinions of anonymous readers, not facts):"

// evidence is a chosen answer sentence and every passage that tells the
// same fact.
type evidence struct {
	pos     int
	sources []int // positions, the chosen one first
}

// choose picks the sentences of an answer: the best, which must clear the
// threshold, then up to two more that nearly match it and tell something
// else, in order of relevance, save that the picks from one reader's
// comment stand together in its order (groupComments). A quotation is
// shown whole, never cut between sentences, and counts as one pick; the
// answer shows at most maxShown sentences, so a longer quotation is cut to
// the maxShown around the sentence picked. q is the question. It returns
// nil to abstain.
func (ix *Index) choose(ranked []candidate, confidence float64, q analysis) []evidence {
	if len(ranked) == 0 || confidence < ix.model.Threshold {
		return nil
	}
	top := ranked[0].score
	var picked []int
	picks := 0
	for _, c := range ranked {
		if picks == maxSentences || c.score < top-ix.model.SupportGap {
			break
		}
		if slices.Contains(picked, c.pos) || ix.duplicateOfAny(c.pos, picked) || ix.retellsAny(c.pos, picked) {
			continue
		}
		run := ix.quoteRun(c.pos)
		switch {
		case ix.isCommentRun(c.pos):
			// The first pick shows what the comment goes on to say,
			// later ones the sentence alone, so that several readers
			// fit. (Showing one window per comment, skipping later
			// picks from a comment already shown, lost four dev
			// questions whose answer was that later pick.)
			n := 1
			if len(picked) == 0 {
				n = commentShown
			}
			run = ix.commentWindow(c.pos, n)
		case len(run) > maxShown:
			// A quotation longer than an answer shows: the sentences
			// around the one picked.
			i := max(0, min(slices.Index(run, c.pos)-maxShown/2, len(run)-maxShown))
			run = run[i : i+maxShown]
		}
		if first := run[0]; len(picked) == 0 && ix.passages[first].Kind == corpus.KindArticle && startsWithPronoun(ix.passages[first].Text) && first > 0 && ix.facts.opener[first] == "" &&
			!ix.namesAll(q, first) &&
			ix.passages[first-1].Doc == ix.passages[first].Doc && ix.passages[first-1].Kind == ix.passages[first].Kind &&
			!ix.passages[first-1].Headline {
			// "He succeeds ..." is shown after the sentence before it,
			// which says who "he" is (with the rest of its quotation),
			// when the answer has room for it and the corpus cannot tell
			// who "he" is (when it can, nameOpener says so in brackets,
			// and the answer opens with the sentence that answers). Not
			// when the question names people and the sentence names them
			// all: "who is Joseph Luns?" is answered by "His time in
			// office is only surpassed by Dutch diplomat Joseph Luns",
			// whoever "his" is.
			if before := ix.quoteRun(first - 1); len(before)+len(run) <= maxShown {
				run = append(slices.Clone(before), run...)
			}
		}
		if len(picked)+len(run) > maxShown {
			continue
		}
		picks++
		for _, pos := range run {
			if !slices.Contains(picked, pos) {
				picked = append(picked, pos)
			}
		}
	}
	picked = ix.groupComments(picked)
	out := make([]evidence, len(picked))
	for i, pos := range picked {
		out[i] = evidence{pos: pos, sources: ix.sameFact(pos, ranked)}
	}
	return out
}

// groupComments brings the picked sentences of one reader's comment
// together, in the comment's order, where the first of them was picked:
// a later pick from a comment already shown ("… should be taken to a
// tribunal", then "Mark Rutte really ffed this country") reads as one
// reader's words, not as two comments under one number. A comment is
// told by its article and number, so one that holds a quotation (and so
// is no comment run, see commentRuns) is grouped too.
func (ix *Index) groupComments(picked []int) []int {
	out := make([]int, 0, len(picked))
	for i, pos := range picked {
		switch {
		case ix.passages[pos].Kind != corpus.KindComment:
			out = append(out, pos)
		case !slices.ContainsFunc(picked[:i], func(p int) bool { return ix.sameReader(p, pos) }):
			// The comment's first pick: all its picks, in its order.
			var same []int
			for _, p := range picked {
				if ix.sameReader(p, pos) {
					same = append(same, p)
				}
			}
			slices.Sort(same)
			out = append(out, same...)
		}
	}
	return out
}

// sameReader reports whether the passages at a and b are sentences of one
// reader's comment: its article and number.
func (ix *Index) sameReader(a, b int) bool {
	pa, pb := ix.passages[a], ix.passages[b]
	return pa.Kind == corpus.KindComment && pb.Kind == corpus.KindComment && pa.Doc == pb.Doc && pa.Comment == pb.Comment
}

// sameComment reports whether the passages at a and b are sentences of
// one reader's comment that runs over several.
func (ix *Index) sameComment(a, b int) bool {
	run := ix.facts.comment[a]
	return run != nil && slices.Contains(run, b)
}

// isCommentRun reports whether the passage at pos is a sentence of a
// reader's comment that runs over several (commentRuns).
func (ix *Index) isCommentRun(pos int) bool { return ix.facts.comment[pos] != nil }

// commentWindow returns the sentences of a reader's comment an answer
// shows for the one at pos: it and up to n-1 that follow, starting a
// sentence earlier when it opens with a pronoun ("He laughs every problem
// away" after the sentence that names him).
func (ix *Index) commentWindow(pos, n int) []int {
	run := ix.facts.comment[pos]
	i := slices.Index(run, pos)
	if i > 0 && startsWithPronoun(ix.passages[pos].Text) {
		i--
		n++
	}
	return run[i:min(len(run), i+n)]
}

// quoteRun returns pos with the other sentences of a quotation or reader's
// comment it is part of, in order: a quotation is never shown cut between
// sentences.
func (ix *Index) quoteRun(pos int) []int {
	if run := ix.runOf(pos); run != nil {
		return run
	}
	return []int{pos}
}

// runOf returns the sentences of the quotation or reader's comment that
// runs over several and that the passage at pos is part of; nil for none.
func (ix *Index) runOf(pos int) []int {
	if run := ix.facts.comment[pos]; run != nil {
		return run
	}
	return ix.facts.quoted[pos]
}

// nearDuplicate reports whether two passages tell the same fact in much the
// same words: 60% of the stems of the smaller are in the other, half of
// all their stems are shared, and their embeddings' cosine is 0.6 or more.
func (ix *Index) nearDuplicate(a, b int) bool {
	sa, sb := ix.lookup.Stems(a), ix.lookup.Stems(b)
	if len(sa) == 0 || len(sb) == 0 {
		return false
	}
	if len(sa) > len(sb) {
		sa, sb = sb, sa
	}
	common := 0
	for _, id := range sa {
		if _, ok := slices.BinarySearch(sb, id); ok {
			common++
		}
	}
	union := len(sa) + len(sb) - common
	return float64(common)/float64(len(sa)) >= 0.6 && float64(common)/float64(union) >= 0.5 &&
		ix.lookup.Cosine(a, b) >= 0.6
}

func (ix *Index) duplicateOfAny(pos int, picked []int) bool {
	for _, p := range picked {
		if ix.nearDuplicate(pos, p) {
			return true
		}
	}
	return false
}

// retellsAny reports whether the passage at pos carries a quotation one
// of picked carries too (sameQuotation): an answer shows it once.
func (ix *Index) retellsAny(pos int, picked []int) bool {
	return slices.ContainsFunc(picked, func(p int) bool { return ix.sameQuotation(pos, p) })
}

// sameQuotation reports whether two passages carry one quotation, as the
// corpus quote index merges it across articles (“… a great
// secretary-general,” and “… a great secretary general,"): the words
// were said once, however differently the reports go on. Only the
// extractive answer reads this; the model's passages keep both reports,
// since the rest of each may tell something else.
func (ix *Index) sameQuotation(a, b int) bool {
	for _, q := range ix.facts.quotations[a] {
		if slices.Contains(ix.facts.quotations[b], q) {
			return true
		}
	}
	return false
}

// tellsAgain reports whether most of what the smaller of two passages
// says, its words weighted by IDF, the other says too. Two sentences can
// share most of their words and still tell two facts when the shared ones
// are the names and titles every sentence repeats: "Mayor Ana Costa of
// Lisbon, the new mayor of Lisbon, opened the bridge" and "…, was chosen"
// (TestSameFact). Since the offline embedding weighs words more than
// word vectors, no two shipped sentences are near duplicates this way.
func (ix *Index) tellsAgain(a, b int) bool {
	sa, sb := ix.lookup.Stems(a), ix.lookup.Stems(b)
	if len(sa) > len(sb) {
		sa, sb = sb, sa
	}
	var common, all float64
	for _, id := range sa {
		w := ix.lookup.IDF(ix.lookup.StemOf(id))
		all += w
		if _, ok := slices.BinarySearch(sb, id); ok {
			common += w
		}
	}
	return all > 0 && common/all >= 0.6
}

// sameFact returns pos and the candidates from other articles that are near
// duplicates of it and tell its fact again, or carry its quotation, at
// most one per article: the sources cited with it. (Only citing uses
// tellsAgain: as a test of near duplicates everywhere it lowered the
// cross-validated figure from 1.281 to 1.245.)
func (ix *Index) sameFact(pos int, ranked []candidate) []int {
	out := []int{pos}
	docs := map[string]bool{ix.passages[pos].Doc: true}
	for _, c := range ranked {
		p := ix.passages[c.pos]
		same := ix.sameQuotation(pos, c.pos) || ix.nearDuplicate(pos, c.pos) && ix.tellsAgain(pos, c.pos)
		if docs[p.Doc] || p.Kind != ix.passages[pos].Kind || !same {
			continue
		}
		docs[p.Doc] = true
		out = append(out, c.pos)
	}
	return out
}

// compose writes the answer from the chosen evidence: each sentence
// verbatim followed by its citation markers, save that in the first an
// opening "He" or "She", or one that attributes a quotation, is followed
// by whom it stands for in brackets (nameOpener, nameSayer).
// Citation numbers are per article: two sentences of one article share its
// number.
func (ix *Index) compose(question string, opinion bool, ev []evidence) Answer {
	a := Answer{Question: question, Mode: ModeExtractive, Citations: []Citation{}}
	if len(ev) == 0 {
		a.Text, a.Abstained = dontSay, true
		return a
	}
	var b strings.Builder
	if opinion {
		b.WriteString(opinionLabel + "\n")
	}
	byDoc := map[string]int{}
	cited := map[int]bool{}
	var marks []int
	for i, e := range ev {
		p := ix.passages[e.pos]
		text, run := p.Text, ix.runOf(e.pos)
		// Each reader comment shown opens a line of its own under its
		// number in the article ("Comment 2:"), so that two readers
		// cited under one article's [n] do not read as one; a sentence
		// that follows the one before in the same comment, as a
		// comment's window or a quotation inside it does, goes on its
		// line.
		continues := i > 0 && (ev[i-1].pos == e.pos-1 && ix.sameReader(e.pos-1, e.pos) || ix.sameComment(ev[i-1].pos, e.pos))
		// nextSame: the next sentence shown is of this comment too, and
		// goes on this line; with sentences left out between, an
		// ellipsis stands for them.
		nextSame := i+1 < len(ev) && ix.sameComment(e.pos, ev[i+1].pos)
		opensComment := opinion && p.Kind == corpus.KindComment && !continues
		switch {
		case opensComment:
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString("Comment " + strconv.Itoa(p.Comment) + ": ")
		case i > 0:
			b.WriteString(" ")
		}
		switch {
		case p.Headline:
			// A headline has no full stop and would run into the next
			// sentence.
			text = "Headline: “" + text + "”"
		case opinion && run == nil && !strings.ContainsAny(text, "“”\""):
			text = "“" + text + "”"
		case opinion && ix.isCommentRun(e.pos):
			// A comment's sentences shown together: one pair of marks
			// around them, an ellipsis where the comment goes on.
			first, last := e.pos == run[0], e.pos == run[len(run)-1]
			if !continues {
				if !first {
					text = "… " + text
				}
				text = "“" + text
			}
			switch {
			case nextSame && ev[i+1].pos != e.pos+1:
				text += " …"
			case nextSame:
			case last:
				text += "”"
			default:
				text += " …”"
			}
		}
		if i == 0 {
			text = ix.nameSayer(e.pos, ix.nameOpener(e.pos, text))
		}
		b.WriteString(text)
		for _, src := range e.sources {
			doc := ix.passages[src].Doc
			n, ok := byDoc[doc]
			if !ok {
				n = len(byDoc) + 1
				byDoc[doc] = n
			}
			if !cited[src] {
				cited[src] = true
				a.Citations = append(a.Citations, ix.citation(n, src))
			}
			if !slices.Contains(marks, n) {
				marks = append(marks, n)
			}
		}
		if run != nil && i+1 < len(ev) && ev[i+1].pos == e.pos+1 && e.pos != run[len(run)-1] || nextSame {
			// The citation marks of a quotation follow its last
			// sentence, not each one inside the quote marks.
			continue
		}
		b.WriteString(" ")
		slices.Sort(marks) // "[1][2]", whichever article the sentence came from
		for _, n := range marks {
			b.WriteString("[" + strconv.Itoa(n) + "]")
		}
		marks = nil
	}
	a.Text = b.String()
	return a
}

func (ix *Index) citation(n, pos int) Citation {
	p := ix.passages[pos]
	m := ix.docs[p.Doc]
	kind := string(corpus.KindArticle)
	if p.Kind == corpus.KindComment {
		kind = string(corpus.KindComment)
	}
	return Citation{N: n, Doc: p.Doc, Title: m.title, Publisher: m.publisher, Date: m.date, URL: m.url, Kind: kind, Text: p.Text, Passage: p.ID, Headline: p.Headline}
}

// closest is the citation of the passage at pos shown when abstaining,
// with the rest of a quotation it is part of.
func (ix *Index) closest(pos int) Citation {
	c := ix.citation(0, pos)
	run := ix.quoteRun(pos)
	if ix.isCommentRun(pos) {
		run = ix.commentWindow(pos, commentShown)
	}
	if len(run) > 1 {
		texts := make([]string, len(run))
		for i, q := range run {
			texts[i] = ix.passages[q].Text
		}
		c.Text = strings.Join(texts, " ")
	}
	return c
}

// namesAll reports whether q names people the articles mention and the
// passage at pos names them all itself (by the name, or a surname for a
// first name), not only in a sentence beside it. Places, organisations
// and words the asker merely capitalised do not count.
func (ix *Index) namesAll(q analysis, pos int) bool {
	person := func(a alt) bool { return a.ch == chExact && ix.facts.people[a.id] }
	named := false
	for _, t := range q.terms {
		if !t.name || t.borrowed {
			continue
		}
		if !slices.ContainsFunc(t.alts, person) {
			continue
		}
		named = true
		if !slices.ContainsFunc(t.alts, func(a alt) bool {
			return person(a) && (ix.lookup.HasStem(pos, a.id) || ix.bySurname(pos, a.id))
		}) {
			return false
		}
	}
	return named
}

// nameOpener says, in brackets after it, whom the pronoun that opens the
// answer's first sentence stands for, when the corpus's resolver knows:
// "She [Ana Costa] thanked the crews". Further sentences follow the first,
// which names them. The citation keeps the sentence as written.
func (ix *Index) nameOpener(pos int, text string) string {
	name := ix.facts.opener[pos]
	if name == "" || !startsWithPronoun(text) {
		return text
	}
	lead := len(text) - len(strings.TrimLeft(text, openers+" "))
	end := strings.IndexFunc(text[lead:], func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		return text
	}
	end += lead
	return text[:end] + " [" + name + "]" + text[end:]
}

// sayerRe finds a pronoun that says who spoke the quotation before it:
// "“It is a big job,” he remarked", "“… to fill”, she said", "“…” He
// added". The pronoun is its first group; what follows it is no
// apostrophe ("he’s").
var sayerRe = regexp.MustCompile(`(?:[,.!?…]["”’']|["”’'][,.!?…]?)[\s\x{00A0}]+(he|she|He|She)(?:[^\p{L}’']|$)`)

// nameSayer says, in brackets after it, whom the pronoun that attributes
// a quotation stands for, when the corpus's quote index knows and the
// sentence does not name them: "“I have big shoes to fill,” he [Mark
// Rutte] remarked". Asked "who said …", the answer names the speaker. A
// sentence with two such pronouns is left as it is: which is whose is not
// known.
func (ix *Index) nameSayer(pos int, text string) string {
	name := ix.facts.sayer[pos]
	if name == "" || namesWord(text, name[strings.LastIndexByte(name, ' ')+1:]) {
		return text
	}
	m := sayerRe.FindAllStringSubmatchIndex(text, 2)
	if len(m) != 1 {
		return text
	}
	end := m[0][3]
	return text[:end] + " [" + name + "]" + text[end:]
}

// bracketedName is a name an extractive answer puts in brackets after a
// pronoun (nameOpener, nameSayer); a citation mark is a number in
// brackets.
var bracketedName = regexp.MustCompile(` \[[^\]0-9][^\]]*\]`)

// WithoutNames is an answer's text as its citations quote the articles:
// without the names put in brackets after pronouns.
func WithoutNames(text string) string { return bracketedName.ReplaceAllString(text, "") }

// namesWord reports whether text holds word as a whole word.
func namesWord(text, word string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		j += i
		before, _ := utf8.DecodeLastRuneInString(text[:j])
		after, _ := utf8.DecodeRuneInString(text[j+len(word):])
		if !unicode.IsLetter(before) && !unicode.IsLetter(after) {
			return true
		}
		i = j + len(word)
	}
}

// openers are the marks that may stand before a sentence's or a phrase's
// first word.
const openers = "\"“‘'("

// startsWithPronoun reports whether a sentence opens with a personal
// pronoun, whose person it does not name.
func startsWithPronoun(s string) bool {
	s = strings.TrimLeft(s, openers+" ")
	w, _, _ := strings.Cut(s, " ")
	switch strings.TrimRight(w, ",;:") {
	case "He", "She", "They", "His", "Her", "Their", "Him", "Them":
		return true
	}
	return false
}
