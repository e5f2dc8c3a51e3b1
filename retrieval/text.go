package retrieval

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// token is one word of a text: its lower-case surface form (possessive
// removed) and its Snowball stem.
type token struct {
	word string
	stem string
}

// tokenize splits text into words: runs of letters and digits, with inner
// apostrophes, hyphens and dots kept only long enough to drop possessives
// ("NATO’s" → "nato") and split compounds ("secretary-general" →
// "secretary", "general").
func tokenize(text string) []token {
	var toks []token
	// "U.S." would split into "u" and "s"; it is the word "US".
	text = strings.ReplaceAll(text, "U.S.", "US")
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		f = strings.ToLower(strings.Trim(f, "'’"))
		f = strings.TrimSuffix(strings.TrimSuffix(f, "'s"), "’s")
		f = strings.ReplaceAll(strings.ReplaceAll(f, "'", ""), "’", "")
		if f == "" {
			continue
		}
		toks = append(toks, token{word: f, stem: stem(f)})
	}
	return toks
}

func stem(w string) string {
	if s, ok := stemExceptions[w]; ok {
		return s
	}
	return english.Stem(w, true)
}

// stemExceptions fixes stems Snowball leaves apart that mean the same here.
var stemExceptions = map[string]string{
	"u.s": "us", "usa": "us", "american": "us", "america": "us",
	"dutch": "netherland", "netherlands": "netherland", "holland": "netherland",
	"norwegian": "norway", "russian": "russia", "ukrainian": "ukrain",
	"secretary-general": "secretari",
	// Irregular past forms Snowball leaves alone.
	"led": "lead", "won": "win", "held": "hold", "took": "take", "became": "becom",
	"spent": "spend", "left": "leav", "chose": "choos", "chosen": "choos", "began": "begin",
	"begun": "begin", "met": "meet", "said": "say", "told": "tell", "sought": "seek",
}

// isStop reports whether a word carries no content for matching: function
// words and the words of asking itself ("what", "tell", "say").
func isStop(w string) bool { return stopwords[w] }

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are as at be because
	been before being below between both but by can could did do does doing down during each few for from
	further had has have having he her here hers herself him himself his how i if in into is it its itself
	just me more most my myself no nor not now of off on once only or other our ours ourselves out over own
	same she should so some such than that the their theirs them themselves then there these they this those
	through to too under until up very was we were what when where which while who whom why will with would
	you your yours yourself yourselves also ever whose whats s t don
	tell say said says saying know let please does explain describe give happen happened anything something
	one like get got guy guys lately days currently even exactly really actually just might must`) {
		m[w] = true
	}
	return m
}()

// synonymGroups are everyday English words for the same thing, so that a
// question in other words than the articles' still finds them ("boss" →
// "chief", "pact" → "alliance", "premier" → "prime minister"). Each group
// maps its first word to the rest: the question word on the left, the
// words a news report is likely to use on the right. Word vectors alone
// cannot do this: they rate "poland" as close to "ukraine" as "boss" is to
// "chief", so they only earn partial credit.
var synonymGroups = [][]string{
	// The head of an international organisation is its secretary-general.
	{"boss", "chief", "leader", "head", "secretary-general"},
	{"head", "chief", "leader", "secretary-general"},
	{"chief", "leader", "head", "secretary-general"},
	{"leader", "chief", "head", "secretary-general"},
	{"pact", "alliance", "bloc"},
	{"bloc", "alliance"},
	{"premier", "prime", "minister"},
	{"dutchman", "dutch"},
	{"british", "uk", "britain"},
	{"briton", "uk", "britain"},
	{"hq", "headquarters"},
	{"nordic", "finland", "sweden", "norway", "denmark", "iceland"},
	{"scandinavian", "sweden", "norway", "denmark"},
	{"aboard", "join", "addition", "member"},
	{"join", "addition", "membership"},
	{"lately", "recent"},
	{"recently", "recent"},
	{"nation", "country"},
	{"nations", "countries"},
	{"belong", "member", "comprise"},
	{"incoming", "new", "successor"},
	{"previous", "former", "outgoing"},
	{"prior", "former", "outgoing"},
	{"preceding", "former", "outgoing"},
	{"leaving", "outgoing", "successor"},
	{"comeback", "return", "victory", "win"},
	{"react", "respond", "reaction"},
	{"ritual", "ceremony", "symbolic"},
	{"change", "handover", "transition"},
	{"bigger", "double", "grow", "increase"},
	{"larger", "double", "grow", "increase"},
	{"presence", "troop", "force"},
	{"longer", "surpass", "exceed"},
	{"team", "cooperation", "partner", "partnership"},
	{"cooperate", "cooperation", "partner", "partnership"},
	{"post", "position", "role", "job", "office"},
	{"job", "position", "role", "post", "office"},
	{"role", "position", "job", "post"},
	{"spokeswoman", "spokesperson"},
	{"spokesman", "spokesperson"},
	{"minister", "secretary"},
	{"invade", "invasion"},
	{"invaded", "invasion"},
	{"wins", "outcome"},
	{"win", "outcome"},
	{"budget", "spending"},
	{"budgets", "spending"},
	{"military", "defense"},
	{"defence", "defense"},
	{"realize", "understand", "accept"},
	{"worry", "concern", "fear"},
	{"afraid", "fear", "worry", "concern"},
	{"scared", "fear", "worry"},
	{"rank", "top", "list", "priority"},
	{"ranks", "top", "list", "priority"},
	{"founded", "established", "foundation"},
	{"salary", "pay"},
	{"share", "percent", "percentage", "proportion"},
	{"charge", "lead", "helm"},
}

// lightWords are verbs and fillers that shape a question rather than
// name its subject ("what does he want", "what is going on"): they count
// for a quarter of their weight.
var lightWords = map[string]bool{
	"think": true, "want": true, "wants": true, "wanted": true, "going": true, "go": true,
	"goes": true, "make": true, "made": true, "take": true, "even": true, "guy": true,
	"whoever": true, "whatever": true, "back": true, "home": true, "perform": true,
	"kind": true, "sort": true, "thing": true, "things": true, "stuff": true, "way": true,
	"regarding": true, "besides": true, "took": true, "takes": true, "taken": true,
	"makes": true, "gets": true, "part": true, // "take part"
}

// synonyms is synonymGroups as a lookup from the question word.
var synonyms = func() map[string][]string {
	m := map[string][]string{}
	for _, g := range synonymGroups {
		m[g[0]] = append(m[g[0]], g[1:]...)
	}
	return m
}()
