package retrieval

import (
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/handover/handover/corpus"
)

// features are facts about the passages that ranking checks for every
// candidate, worked out once when the index is built so that a question
// costs only lookups.
type features struct {
	// proper holds the stems the articles write capitalised inside a
	// sentence (names of people, places, organisations). A question that
	// names one is about that entity, and a passage that never mentions it
	// nearby does not answer it.
	proper map[uint32]bool
	// extends maps a proper stem to the stems that begin with it
	// ("crimea" → "crimean"): the adjective names the same place.
	extends map[uint32][]uint32
	types   []uint16 // per passage, a bit per answer type the text holds
	future  []bool   // the passage speaks of what will happen
	hypo    []bool   // the passage speaks of what could or might happen
	speech  []bool   // the passage quotes or reports speech
	// toks holds each passage's words in order: who did what to whom
	// depends on where the words stand, which a bag of stems loses.
	toks [][]token
	// durNear holds, per passage, the stems within durWindow words of a
	// duration: "prime minister for 14 years" ties the years to the
	// office, "a long time ... its 1,000-day mark" does not.
	durNear [][]uint32
	// speakers holds, per passage, the stems of the names of the people
	// it quotes, as the corpus quote index resolves them: "The outgoing
	// secretary-general ... stating" is Stoltenberg speaking.
	speakers [][]uint32
	// people are the people the articles name, with the descriptions
	// they give them, for reading "the norwegian" in a question.
	people []*person
}

// durWindow is how many words either side of a duration count as what
// the duration is of.
const durWindow = 4

var (
	futureRe = regexp.MustCompile(`(?i)\b(will|shall|going to|upcoming|next|plans? to|expected to|future)\b`)
	hypoRe   = regexp.MustCompile(`(?i)\b(if|could|would|might|potential(ly)?|possible)\b`)
	speechRe = regexp.MustCompile(`(?i)["“”]|\b(said|says|say|stating|stated|remarked|told|emphasi[sz]ed|urged|called|added|adding|described|hailed|praised|pledged|underlined|highlighted|outlined|expressed)\b`)
)

func newFeatures(ix *Index, quotes []corpus.Quote) *features {
	f := &features{
		proper:   map[uint32]bool{},
		extends:  map[uint32][]uint32{},
		types:    make([]uint16, len(ix.passages)),
		future:   make([]bool, len(ix.passages)),
		hypo:     make([]bool, len(ix.passages)),
		speech:   make([]bool, len(ix.passages)),
		toks:     make([][]token, len(ix.passages)),
		durNear:  make([][]uint32, len(ix.passages)),
		speakers: make([][]uint32, len(ix.passages)),
	}
	f.addSpeakers(ix, quotes)
	f.people = learnPeople(ix)
	// Per-passage features are independent: each worker counts the
	// capitalisation of words in its own maps, merged afterwards.
	workers := max(1, min(runtime.GOMAXPROCS(0), len(ix.passages)))
	uppers := make([]map[uint32]int, workers)
	lowers := make([]map[uint32]int, workers)
	inParallel(workers, func(w int) {
		upper, lower := map[uint32]int{}, map[uint32]int{}
		uppers[w], lowers[w] = upper, lower
		lo, hi := w*len(ix.passages)/workers, (w+1)*len(ix.passages)/workers
		for i := lo; i < hi; i++ {
			f.passageFeatures(ix, i, upper, lower)
		}
	})
	upper, lower := map[uint32]int{}, map[uint32]int{}
	for w := range uppers {
		for id, n := range uppers[w] {
			upper[id] += n
		}
		for id, n := range lowers[w] {
			lower[id] += n
		}
	}
	for id, n := range upper {
		if n >= 1 && lower[id] == 0 {
			f.proper[id] = true
		}
	}
	// A proper noun's longer forms ("crimea" → "crimean"): sorted stems put
	// every extension right after its prefix.
	stems := make([]string, 0, len(ix.vocab))
	for st := range ix.vocab {
		stems = append(stems, st)
	}
	sort.Strings(stems)
	for _, st := range stems {
		id := ix.vocab[st]
		if !f.proper[id] || len(st) < 4 {
			continue
		}
		for j := sort.SearchStrings(stems, st) + 1; j < len(stems) && strings.HasPrefix(stems[j], st); j++ {
			f.extends[id] = append(f.extends[id], ix.vocab[stems[j]])
		}
	}
	return f
}

// passageFeatures fills passage i's features and counts how its words are
// capitalised into upper and lower.
func (f *features) passageFeatures(ix *Index, i int, upper, lower map[uint32]int) {
	p := ix.passages[i]
	for t := typeOther + 1; t < typeCount; t++ {
		if typeBonus(t, p.Text) > 0 {
			f.types[i] |= 1 << t
		}
	}
	f.future[i] = futureRe.MatchString(p.Text)
	f.hypo[i] = hypoRe.MatchString(p.Text)
	f.speech[i] = speechRe.MatchString(p.Text)
	f.toks[i] = tokenize(p.Text)
	f.durNear[i] = ix.durationContext(p.Text)
	// The first word of a sentence is capitalised whatever it is.
	for j, w := range strings.FieldsFunc(p.Text, func(r rune) bool {
		return unicode.IsSpace(r) || r == '-' || r == '/' || r == '"' || r == '“' || r == '(' || r == '–'
	}) {
		toks := tokenize(w)
		if j == 0 || len(toks) != 1 || isStop(toks[0].word) {
			continue
		}
		id, ok := ix.vocab[toks[0].stem]
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

// has reports whether the passage at pos holds answer type t.
func (f *features) has(pos int, t answerType) bool { return f.types[pos]&(1<<t) != 0 }

// durationContext returns the stem IDs of the words within durWindow of
// each duration in text.
func (ix *Index) durationContext(text string) []uint32 {
	var out []uint32
	for _, m := range durationLikeRe.FindAllStringIndex(text, -1) {
		before := tokenize(text[:m[0]])
		after := tokenize(text[m[1]:])
		window := before[max(0, len(before)-durWindow):]
		window = append(window[:len(window):len(window)], after[:min(durWindow, len(after))]...)
		for _, t := range window {
			if id, ok := ix.vocab[t.stem]; ok && !isStop(t.word) && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// addSpeakers records who each passage quotes. A merged quote names the
// sentences of its first source; in the other articles carrying it the
// sentence is the one holding its words.
func (f *features) addSpeakers(ix *Index, quotes []corpus.Quote) {
	for _, q := range quotes {
		if q.Speaker == "" {
			continue
		}
		var ids []uint32
		for _, t := range tokenize(q.Speaker) {
			if id, ok := ix.vocab[t.stem]; ok {
				ids = append(ids, id)
			}
		}
		for _, sid := range q.Sentences {
			if pos, ok := ix.pos[sid]; ok {
				f.speakers[pos] = appendNew(f.speakers[pos], ids)
			}
		}
		words := strings.Fields(q.Text)
		if len(words) < 2 || len(q.Docs) < 2 {
			continue
		}
		head := strings.Join(words[:min(len(words), 4)], " ")
		for pos, p := range ix.passages {
			if slices.Contains(q.Docs[1:], p.Doc) && strings.Contains(p.Text, head) {
				f.speakers[pos] = appendNew(f.speakers[pos], ids)
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
