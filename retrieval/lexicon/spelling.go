package lexicon

import "strings"

// spellingPair is a British and an American ending or infix. The lists are
// the general rules of British/American spelling (as in Wikipedia's
// "American and British English spelling differences"), not words of any
// article; the caller keeps the candidates its vocabulary knows.
type spellingPair struct{ british, american string }

// suffixPairs apply at the end of a word.
var suffixPairs = [...]spellingPair{
	// -ise/-ize and -yse/-yze with their inflections and derivations.
	{"ise", "ize"}, {"ises", "izes"}, {"ised", "ized"}, {"ising", "izing"},
	{"iser", "izer"}, {"isers", "izers"}, {"isation", "ization"}, {"isations", "izations"},
	{"yse", "yze"}, {"yses", "yzes"}, {"ysed", "yzed"}, {"ysing", "yzing"},
	// -re/-er after b, t and g: centre, fibre, meagre.
	{"tre", "ter"}, {"tres", "ters"}, {"tred", "tered"}, {"tring", "tering"},
	{"bre", "ber"}, {"bres", "bers"}, {"gre", "ger"}, {"gres", "gers"},
	// -ence/-ense: defence, offence, licence, pretence.
	{"ence", "ense"}, {"ences", "enses"}, {"enceless", "enseless"},
	// -ogue/-og: catalogue, dialogue, analogue.
	{"ogue", "og"}, {"ogues", "ogs"},
	// -mme/-m: programme; -dgement/-dgment: judgement.
	{"mme", "m"}, {"mmes", "ms"}, {"dgement", "dgment"}, {"dgements", "dgments"},
}

// ourEndings may follow -our/-or: colour, colours, coloured, favourite,
// honourable, colourful. Not -ous: British "humorous" has no u.
var ourEndings = [...]string{"", "s", "ed", "ing", "ite", "ites", "able", "ably", "ful", "less", "er", "ers", "ism", "ist", "ists", "y", "ise", "ised", "ize", "ized", "ising", "izing"}

// notOur are words in -our that are spelt so on both sides.
var notOur = map[string]bool{
	"tour": true, "contour": true, "detour": true, "devour": true, "flour": true,
	"scour": true, "amour": true, "paramour": true, "velour": true, "dour": true,
	"four": true, "pour": true, "hour": true, "your": true, "sour": true, "our": true,
}

// lEndings follow a single or doubled final l: travelled/traveled.
var lEndings = [...]string{"ed", "ing", "er", "ers"}

// SpellingVariants returns the other spellings of a word between British and
// American English by general rules (-ise/-ize, -isation/-ization,
// -our/-or, -re/-er for "centre", -ence/-ense for "defence", -ogue/-og,
// doubled l "travelled"/"traveled"): candidates only; the caller keeps those
// its vocabulary knows. No word lists of particular articles. word is
// lowercase.
func SpellingVariants(word string) []string {
	var out []string
	add := func(s string) {
		if s != word && s != "" {
			for _, o := range out {
				if o == s {
					return
				}
			}
			out = append(out, s)
		}
	}
	for _, v := range variants1(word) {
		add(v)
	}
	// Two rules may apply at once ("colourised"): one more pass.
	for _, v := range out {
		for _, w := range variants1(v) {
			add(w)
		}
	}
	return out
}

// variants1 applies each rule once.
func variants1(word string) []string {
	var out []string
	if len(word) < 4 {
		return nil
	}
	for _, p := range suffixPairs {
		if stem, ok := strings.CutSuffix(word, p.british); ok && len(stem) >= 2 {
			out = append(out, stem+p.american)
		}
		if stem, ok := strings.CutSuffix(word, p.american); ok && len(stem) >= 2 {
			out = append(out, stem+p.british)
		}
	}
	for _, e := range ourEndings {
		base, ok := strings.CutSuffix(word, e)
		if !ok {
			continue
		}
		if stem, ok := strings.CutSuffix(base, "our"); ok && len(stem) >= 2 && !notOur[base] {
			out = append(out, stem+"or"+e)
		} else if stem, ok := strings.CutSuffix(base, "or"); ok && len(stem) >= 2 && !strings.HasSuffix(stem, "o") {
			out = append(out, stem+"our"+e)
		}
	}
	for _, e := range lEndings {
		base, ok := strings.CutSuffix(word, e)
		if !ok || len(base) < 4 {
			continue
		}
		n := len(base)
		// consonant, vowel, l (travel) ↔ consonant, vowel, ll (travell).
		if base[n-1] == 'l' && base[n-2] == 'l' && isVowel(base[n-3]) && !isVowel(base[n-4]) {
			out = append(out, base[:n-1]+e)
		} else if base[n-1] == 'l' && isVowel(base[n-2]) && !isVowel(base[n-3]) {
			out = append(out, base+"l"+e)
		}
	}
	return out
}
