package main

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	"github.com/handover/handover/retrieval/lexicon"
)

// sensesKept is how many senses per part of speech contribute relations.
// Index files list senses most frequent first; beyond the third they are
// mostly rare ("boss" as a raised ornament) and only add noise.
const sensesKept = 3

// The flags of a word's first payload byte, as retrieval/lexicon/format.go
// documents them: 1 << part of speech (noun 0, verb 1, adj 2, adv 3), and
// flagProper when every occurrence of the word in the data files is
// capitalised ("Norway", "NATO"; not "union", which is also "Union").
const flagProper = 1 << 4

type rel struct {
	target int
	kind   lexicon.Kind
}

// lexiconData is the generator's view of the file it writes.
type lexiconData struct {
	words []string // sorted bytewise
	pos   []byte   // per word: noun 1, verb 2, adj 4, adv 8, proper 16
	rels  [][]rel
	forms []string // sorted bytewise
	bases [][]int  // per form: word indices
}

func (lx *lexiconData) nRels() int {
	n := 0
	for _, r := range lx.rels {
		n += len(r)
	}
	return n
}

// kindOf maps a WordNet pointer symbol of a synset of part of speech p to a
// relation kind, or 0 for pointers the lexicon does not keep.
func kindOf(symbol string, p int) lexicon.Kind {
	switch symbol {
	case "@", "@i":
		return lexicon.Hypernym
	case "~", "~i":
		return lexicon.Hyponym
	case "#p", "#m":
		return lexicon.PartOf
	case "%p", "%m":
		return lexicon.HasPart
	case "+":
		return lexicon.Derived
	case `\`:
		if p == 3 { // an adverb's "\" points at the adjective it derives from
			return lexicon.Derived
		}
		return lexicon.Pertainym
	}
	return 0
}

// build keeps the WordNet lemmas a user could type and their relations.
func build(wn *dict, vocab map[string]bool) *lexiconData {
	typable := func(lemma string) bool {
		parts := strings.Split(lemma, " ")
		if len(parts) > 3 {
			return false
		}
		for _, p := range parts {
			if !vocab[p] {
				return false
			}
		}
		return true
	}
	flags := make(map[string]byte)
	for p := range posNames {
		for lemma := range wn.index[p] {
			if typable(lemma) {
				flags[lemma] |= 1 << p
			}
		}
	}
	lx := &lexiconData{}
	for w := range flags {
		lx.words = append(lx.words, w)
	}
	sort.Strings(lx.words)
	index := make(map[string]int, len(lx.words))
	for i, w := range lx.words {
		index[w] = i
		f := flags[w]
		if wn.proper[w] {
			f |= flagProper
		}
		lx.pos = append(lx.pos, f)
	}

	forward := make([][]rel, len(lx.words))
	reverse := make([][]rel, len(lx.words))
	for i, w := range lx.words {
		add := func(word string, k lexicon.Kind) {
			j, ok := index[word]
			if !ok || j == i {
				return
			}
			forward[i] = append(forward[i], rel{j, k})
			if k == lexicon.Derived || k == lexicon.Pertainym {
				reverse[j] = append(reverse[j], rel{i, k})
			}
		}
		for p := range posNames {
			offs := wn.index[p][w]
			if len(offs) > sensesKept {
				offs = offs[:sensesKept]
			}
			for _, off := range offs {
				s := wn.synsets[synsetKey{p, off}]
				if s == nil {
					continue
				}
				self := slices.Index(s.words, w) + 1 // 1-based, as pointers count
				for _, other := range s.words {
					add(other, lexicon.Synonym)
				}
				for _, ptr := range s.ptrs {
					k := kindOf(ptr.symbol, p)
					if k == 0 || (ptr.src != 0 && ptr.src != self) {
						continue
					}
					t := wn.synsets[ptr.target]
					switch {
					case t == nil:
					case ptr.dst == 0:
						for _, tw := range t.words {
							add(tw, k)
						}
					case ptr.dst <= len(t.words):
						add(t.words[ptr.dst-1], k)
					}
				}
			}
		}
	}
	lx.rels = make([][]rel, len(lx.words))
	for i := range lx.words {
		all := append(forward[i], reverse[i]...)
		slices.SortStableFunc(all, func(a, b rel) int { return cmp.Compare(a.kind, b.kind) })
		seen := make(map[int]bool, len(all))
		for _, r := range all {
			if !seen[r.target] {
				seen[r.target] = true
				lx.rels[i] = append(lx.rels[i], r)
			}
		}
	}

	bases := make(map[string][]int)
	for p := range posNames {
		for _, line := range wn.exc[p] {
			form := normalise(line[0])
			if !typable(form) {
				continue
			}
			for _, b := range line[1:] {
				if j, ok := index[normalise(b)]; ok && !slices.Contains(bases[form], j) {
					bases[form] = append(bases[form], j)
				}
			}
		}
	}
	for f := range bases {
		lx.forms = append(lx.forms, f)
	}
	sort.Strings(lx.forms)
	for _, f := range lx.forms {
		lx.bases = append(lx.bases, bases[f])
	}
	return lx
}
