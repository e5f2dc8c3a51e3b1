package retrieval

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/handover/handover/retrieval/search"
)

func TestQuestionType(t *testing.T) {
	tests := []struct {
		q    string
		want answerType
	}{
		{"When did the bridge open?", typeWhen},
		{"and when was that?", typeWhen},
		{"what was going on when he arrived", typeOther},
		{"What year did it open?", typeWhen},
		{"In which years was she mayor?", typeWhen},
		{"what months did the works take", typeWhen},
		{"How long did the works last?", typeDuration},
		{"How many lanes does it have?", typeNumber},
		{"how big is the city", typeNumber},
		{"How old is the mayor?", typeAge},
		{"How much did it cost?", typeMoney},
		{"Which number bridge is this?", typeOrdinal},
		{"what number of cars cross it", typeNumber},
		{"Where is the bridge?", typeWhere},
		{"In which city is it?", typeWhere},
		{"Who built the bridge?", typeWho},
		{"why was it late?", typeWhy},
		{"how come it was late", typeWhy},
		{"What did the mayor say?", typeOther},
	}
	for _, tt := range tests {
		if got := questionType(tt.q); got != tt.want {
			t.Errorf("questionType(%q) = %d, want %d", tt.q, got, tt.want)
		}
	}
}

func TestTypesOf(t *testing.T) {
	tests := []struct {
		name string
		t    answerType
		text string
		want bool
	}{
		{"date", typeWhen, "It opened on Monday, 3 May.", true},
		{"year", typeWhen, "It opened in 1998.", true},
		{"no date", typeWhen, "It opened to traffic.", false},
		{"duration", typeDuration, "The works took 14 years.", true},
		{"a long time is no duration", typeDuration, "The works took a long time.", false},
		{"number", typeNumber, "It has four lanes.", true},
		{"money", typeMoney, "It cost €2 million.", true},
		{"age", typeAge, "The 54-year-old mayor spoke.", true},
		{"place", typeWhere, "The ceremony was held in Lisbon.", true},
		{"person", typeWho, "Mayor Ana Costa spoke.", true},
		{"reason", typeWhy, "It was late because of rain.", true},
		{"ordinal", typeOrdinal, "It is the city's 13th bridge.", true},
	}
	for _, tt := range tests {
		if got := typesOf(tt.text)&(1<<tt.t) != 0; got != tt.want {
			t.Errorf("%s: typesOf(%q) has type %d: %v, want %v", tt.name, tt.text, tt.t, got, tt.want)
		}
	}
}

func TestAnalyse(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\nMayor Ana Costa opened the bridge in Lisbon on Monday.\n\nThe bridge took fourteen years to build.\n",
	})
	tests := []struct {
		name        string
		q           string
		word        string // a term of the question
		wantAlt     string // a corpus stem standing for it
		wantCh      channel
		unknownName bool
	}{
		{"the word itself", "who opened the bridge?", "bridge", "bridg", chExact, false},
		{"an inflected form by its lemma", "who opens bridges?", "bridges", "bridg", chExact, false},
		{"a misspelt name", "when did costta open it?", "costta", "costa", chTypo, false},
		{"a chat abbreviation expanded", "when was the bridge opened w/ the mayor", "mayor", "mayor", chExact, false},
		{"a capitalised name the corpus never uses", "What did Smithers say?", "smithers", "", chCount, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ix.analyse(tt.q)
			if q.unknownName != tt.unknownName {
				t.Errorf("unknownName = %v, want %v", q.unknownName, tt.unknownName)
			}
			for _, term := range q.terms {
				if term.word != tt.word {
					continue
				}
				if tt.wantAlt == "" {
					if len(term.alts) > 0 && term.alts[0].ch != chVector {
						t.Errorf("term %q has alts %v, want none", term.word, term.alts)
					}
					return
				}
				for _, a := range term.alts {
					if ix.lookup.StemOf(a.id) == tt.wantAlt && a.ch == tt.wantCh {
						return
					}
				}
				t.Errorf("term %q: no alt %q by channel %d in %+v", term.word, tt.wantAlt, tt.wantCh, term.alts)
				return
			}
			t.Errorf("no term %q in %q", tt.word, tt.q)
		})
	}
}

// TestMisspeltNameIsName checks that a question word standing for a name
// of the articles by its spelling alone is a name all the same: a sentence
// without the person is then missing a name asked about.
func TestMisspeltNameIsName(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\nMayor Ana Costa opened the bridge in Lisbon on Monday.\n\nThe bridge took fourteen years to build.\n",
	})
	for _, q := range []string{"when did costta open the bridge", "when did Costa open the bridge"} {
		for _, term := range ix.analyse(q).terms {
			if strings.HasPrefix(term.word, "cost") && !term.name {
				t.Errorf("%q: %q is not taken for a name", q, term.word)
			}
			if term.word == "bridge" && term.name {
				t.Errorf("%q: %q is taken for a name", q, term.word)
			}
		}
	}
}

// TestDescribedPerson checks which person a question that names nobody
// asks about by description alone, as the articles title them.
func TestDescribedPerson(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\nOutgoing mayor Ana Costa handed the keys to former Portuguese minister Rui Lopes on Monday.\n\n" +
			"Italian diplomat Marco Bianchi watched, and Portuguese diplomat Rita Sousa spoke.\n\nLisbon's Pedro Alves waved.\n",
	})
	tests := []struct {
		name string
		q    string
		want string // the stem of the surname, "" for nobody
	}{
		{"a modifier and a title", "what did the outgoing mayor say about the bridge", "costa"},
		{"an office alone may be any holder of it", "what did the mayor say about the bridge", ""},
		{"a nationality narrows a shared head", "what did the italian diplomat watch", "bianchi"},
		{"a nationality alone is no head", "what did the portuguese do", ""},
		{"a person noun with a modifier that tells", "what did the outgoing guy hand over", "costa"},
		{"a person noun alone tells nothing", "what did the guy hand over", ""},
		{"a nationality before a person noun tells nothing", "what is the italian threat", ""},
		{"modifiers that clash", "what did the outgoing diplomat do", ""},
		{"a phrase that describes no one", "what did the bridge keys weigh", ""},
		{"a possessive before the description", "what did the town's outgoing mayor hand over", "costa"},
		{"a possessive that is the description", "what was the outgoing mayor's last act", "costa"},
		{"a place is no head", "what did the Lisbon crowd see", ""},
		{"in quotation marks", "what did “the outgoing mayor” hand over", "costa"},
		{"a named person is asked about as named", "what did Costa tell the diplomat", ""},
		{"a who question asks for the person", "who is the italian diplomat", ""},
		{"two people described", "what did the outgoing mayor hand the former minister", ""},
		{"no article before it", "what did outgoing mayor hand over", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, term := range ix.analyse(tt.q).terms {
				if term.implied {
					got = append(got, term.word)
					if !term.name || len(term.alts) != 1 || ix.lookup.StemOf(term.alts[0].id) != term.word {
						t.Errorf("implied term %+v is not the person's name", term)
					}
				}
			}
			var want []string
			if tt.want != "" {
				want = []string{tt.want}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q implies %v, want %v", tt.q, got, want)
			}
		})
	}
}

// TestAskedInstances checks which corpus words a "which …" question asks for:
// those WordNet files under its head noun, not the question's own.
func TestAskedInstances(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\nMayor Ana Costa opened the bridge in Lisbon on Monday.\n\nThe bridge took fourteen years to build.\n\nThe US sent engineers to help us.\n",
	})
	tests := []struct {
		name string
		q    string
		want []string // stems
	}{
		{"a city by an instance", "which city got a new bridge?", []string{"lisbon"}},
		{"a day by its class", "What weekday did the bridge open", []string{"monday"}},
		{"kind of", "what kind of city got the bridge", []string{"lisbon"}},
		{"a casual head in the plural", "which cities r in the story", []string{"lisbon"}},
		{"the question's own word is no answer", "which city is lisbon", nil},
		{"no which or what", "who opened the bridge?", nil},
		{"a head with nothing under it in the corpus", "which bridge opened?", nil},
		// "Portuguese" is a noun too (the language), but here it says
		// which city.
		{"an adjective before the head", "which Portuguese city got a bridge", []string{"lisbon"}},
		// WordNet's "US" is a country, but the articles also write "us"
		// in lower case, the pronoun: a stem that is no name.
		{"a name that is also a common word", "which country sent engineers", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, id := range ix.analyse(tt.q).instances {
				got = append(got, ix.lookup.StemOf(id))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("instances of %q = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
	q := ix.analyse("which city got a new bridge?")
	var fired []string
	for pos, p := range ix.passages {
		if ix.features(q, indexAlts(q.terms), pos)[fInstance] == 1 {
			fired = append(fired, p.Text)
		}
	}
	if len(fired) != 1 || !strings.Contains(fired[0], "Lisbon") {
		t.Errorf("the instance feature fired on %q, want the Lisbon sentence alone", fired)
	}
}

// TestCountedNoun checks which word a how-many question counts.
func TestCountedNoun(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\nMayor Ana Costa opened the bridge in Lisbon on Monday.\n\nThe bridge has four lanes and a cycle path.\n",
	})
	tests := []struct {
		name string
		q    string
		want string // "" for none
	}{
		{"the noun after how many", "how many lanes does the bridge have?", "lanes"},
		{"the plural of a compound", "how many cycle paths are there", "paths"},
		{"the noun, not the verb after it", "how many engineers thanked costa", "engineers"},
		{"the noun, not a name after it", "how many lanes costa opened", "lanes"},
		{"casual", "how many lanes r there rn", "lanes"},
		{"no noun before the verb", "how many did costa open?", ""},
		{"a singular word is no counted noun", "how many bridge opened", ""},
		{"not a how-many question", "how much did the bridge cost?", ""},
		{"a count asked otherwise", "what number of lanes does it have", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ix.analyse(tt.q)
			got := ""
			if q.counted >= 0 {
				got = q.terms[q.counted].word
			}
			if got != tt.want {
				t.Errorf("counted noun of %q = %q, want %q", tt.q, got, tt.want)
			}
		})
	}
}

// TestAltCache checks that a question word's stand-ins are remembered, the
// same as worked out afresh, shared safely between questions asked at once,
// and that the cache stops growing at its bound.
func TestAltCache(t *testing.T) {
	_, ix := shippedIndex(t)
	ix.altCap = 3
	words := []string{"handover", "chief", "stoltenburg", "alliance", "ceremony", "invasion"}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, w := range words {
				ix.analyse("what about the " + w)
			}
		}()
	}
	wg.Wait()
	stored := 0
	ix.altCache.Range(func(k, v any) bool {
		stored++
		tok := search.Tokenize(k.(string))[0]
		if fresh := ix.lexicalAlts(tok, ix.lookup.Unit(tok.Word)); !slices.Equal(fresh, v.([]alt)) {
			t.Errorf("cached stand-ins of %q = %v, afresh %v", k, v, fresh)
		}
		return true
	})
	if stored == 0 || stored > 3 {
		t.Errorf("cache holds %d words, want 1..3 (its bound)", stored)
	}
	if got := ix.analyse("what about the stoltenburg"); len(got.terms) != 1 || len(got.terms[0].alts) == 0 {
		t.Errorf("a misspelt name past the cache's bound still needs its stand-ins: %+v", got.terms)
	}
}

// TestTypeRuleNeeds checks that a type rule's needs (read off its
// pattern) hold for every question the pattern matches, over a probe of
// each of its alternatives and every question of the eval, and that they
// turn away something: a rule whose needs are nil runs its regexp on every
// question.
func TestTypeRuleNeeds(t *testing.T) {
	// One probe for each alternative of each pattern, then every
	// question of the eval.
	questions := []string{
		"Why?", "so why did he go", "how come he left", "what for", "what was the reason",
		"how old is he", "what age is she", "the age of the mayor",
		"what time is it", "which time", "at what hour",
		"how much money", "how much does it cost", "his salary", "was he paid", "does she earn",
		"what are the costs", "what is it worth",
		"how long did it last", "for how many years",
		"when?", "and when", "what date", "which day", "what years", "which months", "since when",
		"how long ago", "in what year", "in which years",
		"what number chief", "which number",
		"how many", "how much", "how big", "how large", "what percentage", "what share", "what size",
		"where?", "what city", "in which country", "which place",
		"who?", "whom did he meet", "whose idea", "which person",
	}
	for _, c := range loadEval(t) {
		questions = append(questions, c.Question)
	}
	matched := make([]int, len(typeRules))
	for _, q := range questions {
		for i, r := range typeRules {
			if r.p.re.MatchString(q) {
				matched[i]++
				if !r.p.match(q, fold(q)) {
					t.Errorf("%q matches the pattern of type %d but holds none of %q", q, r.t, r.p.needs)
				}
			}
		}
	}
	for i, r := range typeRules {
		if matched[i] == 0 {
			t.Errorf("no eval question matches the pattern of type %d: the check above checked nothing", r.t)
		}
		if r.p.needs == nil {
			t.Errorf("the pattern of type %d has no needs: its regexp runs on every question", r.t)
		}
	}
}

// TestOpinionAsked checks that a question is read as asking what readers
// think only when it asks so, not when the asker gives an opinion of their
// own ("imo", which Expand drops rather than writing out "in my opinion").
func TestOpinionAsked(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{"a.txt": "Bridge news\n\nMayor Ana Costa opened the bridge on Monday.\n"})
	for q, want := range map[string]bool{
		"what do readers think of costa":    true,
		"what are people saying about her":  true,
		"is costa any good imo":             false,
		"tbh what did costa say, imho":      false,
		"when did costa open the bridge rn": false,
	} {
		if got := ix.analyse(q).opinion; got != want {
			t.Errorf("analyse(%q).opinion = %v, want %v", q, got, want)
		}
	}
}

// TestOpenerTypoTyped checks that analyse reads a misspelt question word
// at the head as the question word, not as a content word of the
// question: "wher" asks where, and is no term the articles lack.
func TestOpenerTypoTyped(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\nMayor Ana Costa opened the bridge in Lisbon on Monday.\n",
	})
	for q, want := range map[string]answerType{
		"wher was the bridge opened": typeWhere,
		"waht was opened in lisbon":  typeOther,
		"whn was the bridge opened":  typeWhen, // Expand's chat spelling
	} {
		a := ix.analyse(q)
		if a.atype != want {
			t.Errorf("%q: type %v, want %v", q, a.atype, want)
		}
		for _, term := range a.terms {
			if strings.HasPrefix(term.word, "wh") || term.word == "waht" {
				t.Errorf("%q: %q is read as a content word", q, term.word)
			}
		}
	}
	// As near to "how" as to "who", "hwo" is left as typed.
	if a := ix.analyse("hwo did he open the bridge"); !strings.HasPrefix(a.text, "hwo ") {
		t.Errorf("%q read as %q", "hwo did he open the bridge", a.text)
	}
}

// TestUnknownTopic checks that a question none of whose words but names
// the articles have anything for (GloVe neighbours aside) is off their
// topics and not answered, and that a word of a WordNet collocation counts
// as known only through itself: "change" stands for "increase", "climate
// change" does not.
func TestUnknownTopic(t *testing.T) {
	files := map[string]string{
		"a.txt": "Council news\n\nMayor Ana Costa said the council would increase spending on the bridge.\n\nThe bridge took fourteen years to build.\n",
	}
	ix := fixtureIndex(t, files)
	tests := []struct {
		name string
		q    string
		want bool
	}{
		{"a collocation the articles never mention", "what did Costa say about climate change?", true},
		{"the same word alone, through WordNet", "did Costa say spending would change?", false},
		{"a word only GloVe relates", "what did Costa say about tennis?", true},
		{"a topic they mention", "what did Costa say about the bridge?", false},
		{"names only", "who is Ana Costa?", false},
		{"what readers think", "do the comments like the mayor?", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ix.analyse(tt.q).unknownTopic; got != tt.want {
				t.Errorf("unknownTopic = %v, want %v", got, tt.want)
			}
		})
	}
	e := fixtureEngine(t, files)
	a, err := e.Answer(context.Background(), Request{Question: "What did Costa say about climate change?"})
	if err != nil {
		t.Fatal(err)
	}
	// Confidence 0: no closest sentence is offered either.
	if !a.Abstained || a.Closest != nil {
		t.Errorf("off-topic question answered or given a closest sentence: %+v", a)
	}
}
