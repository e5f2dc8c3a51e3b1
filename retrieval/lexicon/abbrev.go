package lexicon

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations are everyday chat, SMS and news shorthand, compiled by hand
// from general usage of the kind collected in Wiktionary's "Appendix:English
// internet slang" and newsroom style guides' lists of common abbreviations.
// Only unambiguous ones are here: "min" (minister, minute, minimum), "mil"
// (military, million), "sec" alone (second, secretary), "def" (definitely,
// defence), "prob" (probably, problem), "diff" (difference, different),
// "hr" (hour, human resources) and "y" (why, yes; see openerSpellings for
// where it is "why") are left out, and so are proper names ("eu", "un",
// "us"), which callers know better. A single letter stands for its chat
// word only written lowercase and standing alone (not "W." nor "n-word").
// Keys are lowercase tokens; a multiword key's words are separated by one
// space and match words separated by spaces or hyphens.
var abbreviations = map[string]string{
	// Titles and institutions.
	"pm": "prime minister", "sec gen": "secretary general", "secgen": "secretary general",
	"sg": "secretary general", "hq": "headquarters", "govt": "government", "gov": "government",
	"pres": "president", "vp": "vice president", "ceo": "chief executive officer",
	"intl": "international", "natl": "national", "dept": "department",
	// Plurals of the nouns above and below, as "yrs" and "wks".
	"govts": "governments", "depts": "departments", "msgs": "messages", "convos": "conversations",
	// Chat shorthand.
	"w/": "with", "w/o": "without", "u": "you", "ur": "your",
	"bc": "because", "b/c": "because", "becuz": "because", "cuz": "because", "coz": "because", "bcuz": "because",
	"abt": "about", "ppl": "people", "yr": "year", "yrs": "years",
	"idk": "i do not know",
	"pls": "please", "plz": "please", "thx": "thanks", "ty": "thank you",
	"tho": "though", "thru": "through", "b4": "before", "2day": "today",
	"tmrw": "tomorrow", "tmr": "tomorrow", "2moro": "tomorrow", "yday": "yesterday",
	"approx": "approximately", "info": "information", "convo": "conversation", "msg": "message",
	"rly": "really", "esp": "especially", "wat": "what", "wut": "what", "wht": "what",
	"prez": "president", "wk": "week", "wks": "weeks", "bday": "birthday",
	"smth": "something", "sth": "something", "smthg": "something", "some1": "someone", "any1": "anyone", "every1": "everyone",
	"wld": "would", "cld": "could", "shld": "should",
	// Single letters, written lowercase and standing alone (see Expand):
	// "dealing w rn", "r they", "stoltenberg n rutte".
	"w": "with", "r": "are", "n": "and",
	// "right now" would make "right" a question's weightiest word.
	"rn": "now",
	// Spoken contractions and apostrophe-less forms.
	"gonna": "going to", "wanna": "want to", "gotta": "got to", "dunno": "do not know",
	"whos": "who is", "whats": "what is", "wheres": "where is", "hows": "how is", "whens": "when is",
	"didnt": "did not", "doesnt": "does not", "isnt": "is not", "wasnt": "was not",
	"arent": "are not", "werent": "were not", "dont": "do not", "wont": "will not", "cant": "cannot",
	"couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not", "havent": "have not",
	"hasnt": "has not", "hadnt": "had not",
	"hes": "he is", "shes": "she is", "theyre": "they are", "youre": "you are", "im": "i am",
	"ive": "i have", "youve": "you have", "weve": "we have", "theyve": "they have",
	"thats": "that is", "theres": "there is",
	"shouldve": "should have", "couldve": "could have", "wouldve": "would have", "mustve": "must have",
	"shoulda": "should have", "coulda": "could have", "woulda": "would have",
	"outta": "out of", "lemme": "let me", "gimme": "give me",
}

// fillers are chat discourse markers: they say how the asker speaks, not
// what they ask about, so Expand drops them. Written out, "honest" in "to
// be honest" found a reader's comment ("Being honest …"), "in my opinion"
// read as asking what readers think, and "by the way", "never mind" and
// "if I remember correctly" added words to match.
var fillers = map[string]bool{
	"tbh": true, "imo": true, "imho": true, "btw": true, "afaik": true, "iirc": true, "nvm": true,
	"lol": true, "lmao": true, "lmfao": true, "rofl": true, "smh": true, "ngl": true, "tbf": true,
	"fwiw": true, "jk": true, "omg": true,
	// Hedges, which written out would add a content word ("course",
	// "kind"): "ofc he did", "kinda worried".
	"ofc": true, "obv": true, "obvs": true, "kinda": true, "sorta": true,
}

// degreeWords follow "how" in English questions of degree or amount: "how
// old", "how long", "how many". Before one of them "hows" and "how's" are
// a slip for "how" ("hows old is he" asks his age), not "how is", and
// "hw" is "how". Words that also open a noun phrase after "how's" ("how's
// big tech reacting", "how's much changed", "how's early voting going")
// are not among them, and a word joined by a hyphen ("how's long-term
// planning") does not count.
var degreeWords = map[string]bool{
	"old": true, "long": true, "many": true, "far": true, "often": true, "soon": true, "tall": true,
}

// openerSpellings are chat spellings of question words that are words of
// their own elsewhere ("y" the letter): they are read as the question word
// only at the head of a text and before an auxiliary verb, as in "y did
// he resign", "y r they" and "wen does it start". "wen" only written
// lowercase: "Wen" is a surname.
var openerSpellings = map[string]string{"y": "why", "wen": "when", "whn": "when", "hw": "how"}

// auxiliaries are the verbs a question word is followed by in a
// question: "why did", "when is", "how can". Apostrophes are dropped
// before a word is looked up ("didn't" → "didnt").
var auxiliaries = map[string]bool{
	"do": true, "does": true, "did": true, "is": true, "are": true, "was": true, "were": true,
	"will": true, "would": true, "can": true, "could": true, "should": true, "has": true,
	"have": true, "had": true, "must": true, "might": true, "shall": true, "cannot": true,
	"didnt": true, "doesnt": true, "dont": true, "isnt": true, "wasnt": true, "wont": true,
	"cant": true, "arent": true, "werent": true, "hasnt": true, "havent": true, "hadnt": true,
	"wouldnt": true, "couldnt": true, "shouldnt": true,
}

// noApostrophes drops apostrophes, as auxiliaries are looked up
// ("didn't" → "didnt"). A Replacer is safe for concurrent use.
var noApostrophes = strings.NewReplacer("'", "", "’", "")

// headMarks may stand before a question's first word.
const headMarks = " \t\n\"“'‘("

// questionWord returns what toks[i] stands for when it is a slip or chat
// spelling of a question word (degreeWords, openerSpellings); head says
// that nothing but opening marks comes before it. "" when it is not one.
func questionWord(text string, toks []span, i int, head bool) string {
	t := toks[i]
	raw := text[t.start:t.end]
	word := strings.ReplaceAll(strings.ToLower(raw), "’", "'")
	if i+1 >= len(toks) || strings.Trim(text[t.end:toks[i+1].start], " ") != "" {
		return ""
	}
	next := toks[i+1]
	after := strings.ToLower(text[next.start:next.end])
	if (word == "hows" || word == "how's" || word == "hw") && degreeWords[after] && !besideHyphen(text, next) {
		return raw[:1] + "ow" // "How" keeps its capital
	}
	exp := openerSpellings[word]
	if exp == "" || word == "wen" && raw != word || !head {
		return ""
	}
	aux := noApostrophes.Replace(after)
	if e, ok := abbreviations[aux]; ok {
		aux, _, _ = strings.Cut(e, " ")
	}
	if !auxiliaries[aux] {
		return ""
	}
	return exp
}

// afterNumber are abbreviations that mean something else after a number:
// "3 pm" is a time, "500 bc" a year.
var afterNumber = map[string]bool{"pm": true, "bc": true}

// Expand rewrites a text's everyday abbreviations into words ("pm" → "prime
// minister", "sec gen" → "secretary general", "w/o" → "without"), matching
// whole words case-insensitively (a single letter excepted, see below) and
// keeping the rest of the text as it is.
// Multiword abbreviations are matched before single words; a single
// letter only written lowercase and standing alone. A possessive
// "'s" stays on the expansion ("pm's" → "prime minister's"). Expansions are
// lowercase. Dotted abbreviations ("u.s.") are left alone. Fillers
// ("tbh", "imo") are dropped. "hows" and "how's" before a word of degree
// ("hows old") are "how", and so is "hw"; "y", "wen", "whn" and "hw"
// heading a question before an auxiliary ("y did he go") are "why",
// "when" and "how" (questionWord).
func Expand(text string) string {
	toks := tokens(text)
	if len(toks) == 0 {
		return text
	}
	var b strings.Builder
	last := 0 // end of text copied so far
	for i := 0; i < len(toks); i++ {
		// Multiword first: the next token must follow after only spaces or one hyphen.
		if i+1 < len(toks) {
			gap := text[toks[i].end:toks[i+1].start]
			if strings.Trim(gap, " ") == "" || gap == "-" {
				key := strings.ToLower(text[toks[i].start:toks[i].end]) + " " + strings.ToLower(text[toks[i+1].start:toks[i+1].end])
				if exp, ok := abbreviations[key]; ok {
					b.WriteString(text[last:toks[i].start])
					b.WriteString(exp)
					last = toks[i+1].end
					i++
					continue
				}
			}
		}
		t := toks[i]
		word := strings.ToLower(text[t.start:t.end])
		if fillers[word] {
			// The spaces before it go too: "good btw?" → "good?".
			b.WriteString(strings.TrimRight(text[last:t.start], " "))
			last = t.end
			continue
		}
		head := openerSpellings[word] != "" &&
			strings.Trim(b.String(), headMarks) == "" && strings.Trim(text[last:t.start], headMarks) == ""
		if q := questionWord(text, toks, i, head); q != "" {
			b.WriteString(text[last:t.start])
			b.WriteString(q)
			last = t.end
			continue
		}
		suffix := ""
		exp, ok := abbreviations[word]
		if !ok {
			if stem, has := strings.CutSuffix(word, "'s"); has && len(stem) > 1 {
				exp, ok, suffix = abbreviations[stem], abbreviations[stem] != "", "'s"
			}
		}
		if ok && len(word) == 1 && (text[t.start:t.end] != word || besideHyphen(text, t)) {
			// A capital letter is an initial ("George W. Bush"), and a
			// letter joined by a hyphen is part of a word ("n-word").
			ok = false
		}
		if !ok {
			// "w/the": the slash ends the abbreviation.
			if rest, has := strings.CutPrefix(word, "w/"); has && rest != "" && rest != "o" {
				b.WriteString(text[last:t.start])
				b.WriteString("with ")
				last = t.start + 2
				toks[i].start += 2
				i-- // the rest is a word of its own: "w/bc"
			}
			continue
		}
		if afterNumber[word] && i > 0 && isNumber(text[toks[i-1].start:toks[i-1].end]) && strings.Trim(text[toks[i-1].end:t.start], " ") == "" {
			continue
		}
		b.WriteString(text[last:t.start])
		b.WriteString(exp)
		b.WriteString(suffix)
		last = t.end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

type span struct{ start, end int }

// besideHyphen reports whether the token t of text has a hyphen right
// before or after it.
func besideHyphen(text string, t span) bool {
	return t.start > 0 && text[t.start-1] == '-' || t.end < len(text) && text[t.end] == '-'
}

// tokens splits text into words: letters, digits, apostrophes and slashes,
// and dots between letters ("u.s" stays one token, so it is not read as
// "u"). A time like "3:30" is one token too.
func tokens(text string) []span { return appendTokens(nil, text) }

// appendTokens appends the tokens of text (see tokens) to out.
func appendTokens(out []span, text string) []span {
	start := -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == '/'
		if !in && start >= 0 && (r == '.' || r == ':') {
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			in = i+size < len(text) && (unicode.IsLetter(next) || unicode.IsDigit(next))
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = appendToken(out, text, start, i)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		out = appendToken(out, text, start, len(text))
	}
	return out
}

// appendToken appends text[start:end] without quotes around it ('pm').
func appendToken(out []span, text string, start, end int) []span {
	for start < end {
		r, size := utf8.DecodeRuneInString(text[start:end])
		if r != '\'' && r != '’' {
			break
		}
		start += size
	}
	for start < end {
		r, size := utf8.DecodeLastRuneInString(text[start:end])
		if r != '\'' && r != '’' {
			break
		}
		end -= size
	}
	if start < end {
		out = append(out, span{start, end})
	}
	return out
}

// isNumber reports whether s is a number or a clock time: "3", "10:30".
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && r != ':' && r != '.' {
			return false
		}
	}
	return true
}

// questionWords are the words a question opens with that OpenerTypo
// corrects a slip into ("whose" and "whom" are left out: "whos" is "who
// is", and a slip of "who" would often be as near to them).
var questionWords = []string{"who", "what", "when", "where", "which", "why", "how"}

// OpenerTypo reads a misspelt question word that opens text, before
// another word, as that question word: "wher was the ceremony" → "where
// was the ceremony", "waht country is he from". Only a word known reports
// as no word of English, within one edit of the one question word it
// begins, or of exactly one when it begins none ("hwo" is as near to "who"
// as to "how", and "whe" begins "when" and "where": both stay), and only
// at the head of text (after opening marks): "were", "that" and "now" are
// words and stay as typed. The text is returned unchanged otherwise.
func OpenerTypo(text string, known func(word string) bool) string {
	// Only the first two words matter, and a slip of a question word is
	// short: the head of the text is enough, so long as the second word
	// ends within it.
	n := min(len(text), 48)
	for n > 0 && n < len(text) && !utf8.RuneStart(text[n]) {
		n--
	}
	head := text[:n]
	var buf [24]span // a 48-byte head holds no more tokens
	toks := appendTokens(buf[:0], head)
	if len(toks) < 2 || len(head) < len(text) && toks[1].end == len(head) ||
		strings.Trim(text[:toks[0].start], headMarks) != "" ||
		strings.Trim(text[toks[0].end:toks[1].start], " ") != "" {
		return text
	}
	raw := text[toks[0].start:toks[0].end]
	word := strings.ToLower(raw)
	if slices.Contains(questionWords, word) || known(word) {
		return text
	}
	// A word cut short is the likeliest slip: "wher" is as near to "when"
	// as to "where", and only "where" begins with it. A beginning of two
	// ("whe": when, where) stays, whatever is near it.
	var near, cut []string
	for _, q := range questionWords {
		if Distance(word, q, 1) <= 1 {
			near = append(near, q)
		}
		if strings.HasPrefix(q, word) {
			cut = append(cut, q)
		}
	}
	switch {
	case len(cut) > 1:
		return text
	case len(cut) == 1 && slices.Contains(near, cut[0]):
		near = cut
	}
	if len(near) != 1 {
		return text
	}
	q := near[0]
	if r, _ := utf8.DecodeRuneInString(raw); unicode.IsUpper(r) {
		q = strings.ToUpper(q[:1]) + q[1:]
	}
	return text[:toks[0].start] + q + text[toks[0].end:]
}
