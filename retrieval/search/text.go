package search

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// Token is one word of a text: its lower-case surface form (possessive
// removed) and its Snowball stem (a stop word's is the word itself).
type Token struct {
	Word string
	Stem string
}

// Tokenize splits text into words: runs of letters and digits, with inner
// apostrophes, hyphens and dots kept only long enough to drop possessives
// ("NATO’s" → "nato") and split compounds ("secretary-general" →
// "secretary", "general").
func Tokenize(text string) []Token {
	words := Words(text)
	toks := make([]Token, len(words))
	for i, w := range words {
		st := w
		if !stopwords[w] {
			// The index never looks up a stop word's stem: searching,
			// scoring and embedding all skip stop words.
			st = Stem(w)
		}
		toks[i] = Token{Word: w, Stem: st}
	}
	return toks
}

// Words splits text into lower-case words as Tokenize does, without
// stemming them.
func Words(text string) []string {
	var words []string
	// "U.S." would split into "u" and "s"; it is the word "US".
	text = strings.ReplaceAll(text, "U.S.", "US")
	text = joinThousands(text)
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		f = strings.ToLower(strings.Trim(f, "'’"))
		f = strings.TrimSuffix(strings.TrimSuffix(f, "'s"), "’s")
		f = strings.ReplaceAll(strings.ReplaceAll(f, "'", ""), "’", "")
		if f != "" {
			words = append(words, f)
		}
	}
	return words
}

// Stem is w's Snowball stem: the key the index keeps terms under.
func Stem(w string) string { return english.Stem(w, true) }

// IsStop reports whether a word carries no content for matching: English
// function words and the words of asking itself ("tell", "explain"). Who
// said what is read from the quote index, so "say" is a stop word too.
func IsStop(w string) bool { return stopwords[w] }

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are as at be because
	been before being below between both but by can could did do does doing down during each few for from
	further had has have having he her here hers herself him himself his how i if in into is it its itself
	just me more most my myself no nor not now of off on once only or other our ours ourselves out over own
	same she should so some such than that the their theirs them themselves then there these they this those
	through to too under until up very was we were what when where which while who whom why will with would
	you your yours yourself yourselves also ever whose whats s t don
	tell say said says saying know let please explain describe give happen happened anything something
	like get got even exactly really actually might must`) {
		m[w] = true
	}
	return m
}()

// joinThousands writes numbers without their thousands separators, so
// that "1,000" and "1000" are one word: a run of digit groups joined by
// commas is joined when it reads as one number, one to three digits and
// then groups of exactly three ("1,000", "2,500,000"; not "1,5", a list
// "2014,2015" nor "12345,678").
func joinThousands(text string) string {
	if !strings.Contains(text, ",") {
		return text
	}
	return digitRunRe.ReplaceAllStringFunc(text, func(run string) string {
		groups := strings.Split(run, ",")
		if len(groups[0]) > 3 {
			return run
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return run
			}
		}
		return strings.Join(groups, "")
	})
}

// digitRunRe matches digit groups joined by commas.
var digitRunRe = regexp.MustCompile(`\d+(?:,\d+)+`)
