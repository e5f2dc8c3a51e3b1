package retrieval

import (
	"strings"
	"unicode"

	"github.com/handover/handover/retrieval/search"
)

// introductions returns the stems of the names text introduces, that is
// names it says who they are: "Dutch diplomat Joseph Luns", "UK Defense
// Secretary Ben Wallace", "Norway's Jens Stoltenberg", "Rutte, the former
// Prime Minister of the Netherlands,", "Stoltenberg, NATO's 13th
// secretary-general,". These are the general shapes of English that
// describe a person (a title or noun before the name, a possessive before
// it, an appositive after it); a question asking who someone is, or what
// their job is, is answered by such a sentence. A name is keyed by its
// last word, the surname.
func introductions(text string, isNoun func(string) bool) []string {
	fields := strings.Fields(text)
	type word struct {
		lower       string // the word, lowercased, without its punctuation
		upper       bool   // written with a capital
		poss, pause bool   // a possessive; followed by a comma or stop
	}
	ws := make([]word, len(fields))
	for i, f := range fields {
		bare := strings.TrimRight(f, ",.;:!?)\"”’")
		toks := search.Tokenize(bare)
		if len(toks) == 0 {
			continue
		}
		ws[i] = word{
			lower: toks[len(toks)-1].Word,
			upper: startsUpper(strings.TrimLeft(bare, "(\"“‘")),
			poss:  strings.HasSuffix(bare, "'s") || strings.HasSuffix(bare, "’s"),
			pause: bare != f && !strings.HasSuffix(f, ")"),
		}
	}
	var out []string
	for i := 0; i < len(ws); i++ {
		if !ws[i].upper {
			continue
		}
		start := i
		for i+1 < len(ws) && ws[i+1].upper && !ws[i].pause && !ws[i].poss {
			i++
		}
		if ws[i].poss {
			continue // "Norway's": the possessive describes the next run
		}
		introduced := i-start+1 > 2 // "Vice President Kamala Harris"
		if start > 0 && !ws[start-1].pause {
			prev := ws[start-1]
			introduced = introduced || prev.poss && prev.upper ||
				!prev.upper && !search.IsStop(prev.lower) && isNoun(prev.lower)
		}
		if ws[i].pause && strings.HasSuffix(strings.TrimRight(fields[i], ")\"”’"), ",") && i+1 < len(ws) {
			next := ws[i+1]
			introduced = introduced || next.poss || appositiveOpeners[next.lower]
		}
		if introduced && ws[i].lower != "" && unicode.IsLetter([]rune(ws[i].lower)[0]) {
			out = append(out, ws[i].lower)
		}
	}
	return out
}

// appositiveOpeners start a phrase after a name and a comma that says who
// the person is: "Rutte, the former prime minister,", "Luns, who led".
var appositiveOpeners = wordSet(`the a an who former then`)

// identityWords are the words a question uses to ask who someone is or
// what they do, beside the person's name: "what was Ben Wallace's job",
// "what country is he from".
var identityWords = wordSet(`job jobs role position post title occupation profession career work nationality
	country nation background person guy man woman tell know`)
