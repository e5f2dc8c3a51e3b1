package retrieval

import (
	"maps"
	"slices"
	"strings"
	"unicode"
)

// englishOnlyReply is the reply to a question not in English when no model is
// configured: the offline answerer matches English words only.
const englishOnlyReply = "I can only answer questions in English without a language model. Please ask again in English, for example: “Who took over, and when?”"

// functionWords are the commonest function words of English and of the
// languages users most often write in instead. A question's language is
// the one whose words it uses most; they are short, frequent and rarely
// shared, so a handful tells the language of even a short question.
var functionWords = map[string][]string{
	"en": strings.Fields(`the a an is are was were be been of to in on at by for with from and or not what who whom whose
		when where why how which did does do has have had will would can could should about after before than that this
		these those it its he she they his her their there said say says new`),
	"de": strings.Fields(`der die das den dem des ein eine einer eines und oder nicht ist sind war waren wer wie was wann wo warum
		welche welcher hat haben wird wurde nach vor mit von zu im auf für über sich auch noch neue neuer ich du`),
	"fr": strings.Fields(`le la les un une des du de et ou ne pas est sont était qui que quoi quand où pourquoi comment quel quelle
		quels a ont avec pour sur dans par au aux ce cette ces il elle ils nouveau nouvelle je`),
	"es": strings.Fields(`el la los las un una unos y o no es son fue era quién quien qué cuándo dónde por porqué cómo cuál
		con para sobre en del al lo este esta nuevo nueva su sus`),
	"it": strings.Fields(`il lo la gli le un una e o non è sono era chi che cosa quando dove perché come quale con per su nel
		del della di al nuovo nuova`),
	"nl": strings.Fields(`de het een en of niet is zijn was waren wie wat wanneer waar waarom hoe welke heeft hebben met voor
		van op aan door nieuwe`),
	"pt": strings.Fields(`o a os as um uma e ou não é são foi era quem que quando onde porque como qual com para sobre em do da
		dos das no na novo nova`),
}

var functionWordSets = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for lang, ws := range functionWords {
		out[lang] = map[string]bool{}
		for _, w := range ws {
			out[lang][w] = true
		}
	}
	return out
}()

// languageOf guesses the language of a question: "en", another ISO 639-1
// code from the stopword lists, "other" for a question mostly in a
// non-Latin script, or "" when it cannot tell (too few function words, as
// in "Why?"), which callers treat as English. english reports whether a
// word is an English word (WordNet's); each such word that is no function
// word of another language counts for English too, so chat English ("wat
// number sec gen was he", where "wat" and "was" are Dutch) stays English.
// nil counts function words alone.
func languageOf(q string, english func(string) bool) string {
	latin, letters := 0, 0
	for _, r := range q {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	if letters > 0 && 2*latin < letters {
		return "other"
	}
	counts := map[string]int{}
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words {
		foreign := false
		for lang, set := range functionWordSets {
			if set[w] {
				counts[lang]++
				foreign = foreign || lang != "en"
			}
		}
		if !foreign && !functionWordSets["en"][w] && english != nil && english(w) {
			counts["en"]++
		}
	}
	// English wins a tie; between two other languages, the first in
	// alphabetical order, so the same question always gets the same
	// language.
	best, bestN := "", 0
	for _, lang := range slices.Sorted(maps.Keys(counts)) {
		if n := counts[lang]; n > bestN || (n == bestN && lang == "en") {
			best, bestN = lang, n
		}
	}
	switch {
	case best == "" || best == "en":
		return best
	case bestN < 2 || bestN <= counts["en"]:
		return "" // a word or two in common is not enough to refuse
	}
	return best
}

// englishOnly is the answer to a question the offline answerer cannot
// read.
func englishOnly(question, lang string) Answer {
	return Answer{Question: question, Text: englishOnlyReply, Abstained: true, Mode: ModeExtractive, Citations: []Citation{}, Language: lang}
}
