package retrieval

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestFeatures checks single features on a small corpus: each case names
// a question, a sentence and the feature that must (or must not) fire.
func TestFeatures(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\n" +
			"The Portuguese mayor Ana Costa opened the bridge on Monday. Costa thanked the engineers.\n\n" +
			"The bridge has four lanes and a cycle path.\n",
	})
	tests := []struct {
		name     string
		q        string
		sentence string
		feature  int
		want     bool
	}{
		{"a name asked about and absent is missing", "what did Costa open?", "four lanes", fNameMiss, true},
		{"a name asked about and present is not missing", "what did Costa open?", "Costa thanked", fNameMiss, false},
		{"a first name is present where the surname stands for the person", "what did Ana Costa thank?", "Costa thanked", fNameMiss, false},
		{"a first name of someone else is missing", "what did Ana Lopes thank?", "Costa thanked", fNameMiss, true},
		{"a when-question on a sentence without a date misses its type", "when did costa thank the engineers?", "four lanes", fTypeMiss, true},
		{"a when-question on a sentence with a date has its type", "when was the bridge opened?", "opened the bridge", fTypeMiss, false},
		{"a date in the sentence itself is not beside it", "when was the bridge opened?", "opened the bridge", fTypeBeside, false},
		{"a date in the sentence before is beside it", "when did costa thank the engineers?", "Costa thanked", fTypeBeside, true},
		{"beside is not missing", "when did costa thank the engineers?", "Costa thanked", fTypeMiss, false},
		{"a how-many question on a number of what it counts has its type", "how many lanes does the bridge have?", "four lanes", fTypeMiss, false},
		{"a how-many question on a number of something else misses its type", "how many engineers did costa thank?", "four lanes", fTypeMiss, true},
		{"a number of something else is not a number beside either", "how many engineers did costa thank?", "four lanes", fTypeBeside, false},
		{"asked who someone is, a sentence saying who introduces", "who is costa?", "mayor Ana Costa", fIntro, true},
		{"asked who someone is, a sentence only naming does not", "who is costa?", "Costa thanked", fIntro, false},
		{"a question not asking who someone is never fires", "what did costa open?", "mayor Ana Costa", fIntro, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ix.analyse(tt.q)
			x := ix.features(q, indexAlts(q.terms), posOf(t, ix, tt.sentence))
			if got := x[tt.feature] > 0; got != tt.want {
				t.Errorf("%s for %q on %q = %.2f, want fired %v", featureNames[tt.feature], tt.q, tt.sentence, x[tt.feature], tt.want)
			}
		})
	}
	// The words themselves, and a description written before a name
	// (standing for the name), are the whole of soft and content
	// coverage; words of another sentence are not.
	for _, tt := range []struct {
		name, q, sentence string
		want              bool
	}{
		{"the words themselves", "who opened the bridge?", "opened the bridge", true},
		{"a description of the name the sentence holds", "what did the portuguese mayor thank?", "Costa thanked", true},
		{"another sentence's words", "who opened the bridge?", "four lanes", false},
	} {
		q := ix.analyse(tt.q)
		x := ix.features(q, indexAlts(q.terms), posOf(t, ix, tt.sentence))
		if got := x[fSoftCov] >= 0.999 && x[fCovContent] >= 0.999; got != tt.want {
			t.Errorf("%s: soft coverage %.3f, content coverage %.3f, want both 1: %v", tt.name, x[fSoftCov], x[fCovContent], tt.want)
		}
	}
}

// TestCounts checks when a sentence gives a number of what a how-many
// question counts.
func TestCounts(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Council news\n\nThe council met the two leaders on Monday.\n\n" +
			"Votes cast: 40 in favour.\n\nThe city has four different cycle lanes.\n\n" +
			"Its budget has doubled since the vote.\n\nThe term was extended twice.\n",
	})
	tests := []struct {
		name     string
		q        string
		sentence string
		want     bool
	}{
		{"a number of something else", "how many votes did the council hold?", "two leaders", false},
		{"the number after the noun", "how many votes were cast?", "Votes cast", true},
		{"three words before the noun", "how many lanes does the city have?", "four different", true},
		{"a WordNet stand-in for the noun", "how many ballots were cast?", "Votes cast", true},
		{"a multiple counts no noun beside it", "how many budgets have doubled?", "budget has doubled", false},
		{"a multiple far from the noun", "how many terms were extended?", "extended twice", false},
		{"a multiple answers how many times", "how many times was the term extended?", "extended twice", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ix.analyse(tt.q)
			if q.counted < 0 {
				t.Fatalf("no counted noun in %q", tt.q)
			}
			pos := posOf(t, ix, tt.sentence)
			if got := ix.counts(pos, q.terms[q.counted]); got != tt.want {
				t.Errorf("counts(%q, %q) = %v, want %v", tt.sentence, q.terms[q.counted].word, got, tt.want)
			}
			if got := ix.features(q, indexAlts(q.terms), pos)[fTypeMiss] == 0; got != tt.want {
				t.Errorf("%q on %q has its type: %v, want %v", tt.q, tt.sentence, got, tt.want)
			}
		})
	}
}

// TestStrictTypesGate checks that a when-question never ranks a sentence
// that holds no date, in it or beside it.
func TestStrictTypesGate(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\nThe bridge opened on Monday.\n\nThe mayor thanked the engineers for the bridge.\n",
	})
	q := ix.analyse("when did the mayor thank the engineers?")
	ranked, gated := ix.score(q, []int{posOf(t, ix, "opened"), posOf(t, ix, "thanked")})
	if len(ranked) != 1 || len(gated) != 1 || gated[0].pos != posOf(t, ix, "thanked") {
		t.Errorf("ranked %v, gated %v: want the sentence with a date ranked and the other gated", ranked, gated)
	}
	for _, c := range ranked {
		if !ix.facts.has(c.pos, typeWhen) && !ix.neighbourHas(c.pos, typeWhen) {
			t.Errorf("ranked %q, which holds no date", ix.passages[c.pos].Text)
		}
	}
}

// TestOpinionAboutSomeone checks that asked what readers say about someone
// the comments name, handover shows those comments, labelled as opinions,
// however alike they score; about someone the articles never name, it
// abstains.
func TestOpinionAboutSomeone(t *testing.T) {
	e := shippedEngine(t)
	tests := []struct {
		q           string
		wantAnswers bool
	}{
		{"what do the comments say about rutte", true},
		{"what do viewers think of stoltenberg?", true},
		{"what do the comments say about Scholz", false},
	}
	for _, tt := range tests {
		a, err := e.Answer(context.Background(), Request{Question: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Abstained == tt.wantAnswers {
			t.Errorf("%q: abstained %v, want %v (%q)", tt.q, a.Abstained, !tt.wantAnswers, a.Text)
			continue
		}
		if tt.wantAnswers && !strings.HasPrefix(a.Text, opinionLabel) {
			t.Errorf("%q: %q, want comments under the opinion label", tt.q, a.Text)
		}
	}
}

// TestDenseFeature checks that the dense feature is the cosine of the
// question's and the sentence's embeddings: higher for the sentence the
// question is about, 0 when the question has no embedding.
func TestDenseFeature(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\nThe Portuguese mayor Ana Costa opened the bridge on Monday.\n\n" +
			"The bridge has four lanes and a cycle path.\n",
	})
	q := ix.analyse("how many lanes does the bridge have?")
	ai := indexAlts(q.terms)
	lanes, mayor := posOf(t, ix, "four lanes"), posOf(t, ix, "mayor")
	if x := ix.features(q, ai, lanes); x[fDense] != 0 {
		t.Errorf("no question embedding: dense %.3f, want 0", x[fDense])
	}
	q.vec = ix.lookup.EmbedTokens(q.toks)
	a, b := ix.features(q, ai, lanes)[fDense], ix.features(q, ai, mayor)[fDense]
	if want := float64(ix.lookup.Similarity(q.vec, lanes)); math.Abs(a-want) > 1e-9 || a <= b || a > 1 {
		t.Errorf("dense: %.3f for the sentence asked about (cosine %.3f), %.3f for the other; want the cosine, the higher, at most 1", a, want, b)
	}
}

// sayerArticle quotes two people, one of them described by a title.
const sayerArticle = "Bridge news\n\nOutgoing mayor Ana Costa opened the bridge with minister Rui Lopes on Monday.\n\n" +
	"“The bridge is a gift to the city,” Costa said.\n\n“The lanes are too narrow,” Lopes said.\n"

// sayers returns the words of the terms marked as the speaker asked about.
func sayers(terms []term) []string {
	var out []string
	for _, t := range terms {
		if t.sayer {
			out = append(out, t.word)
		}
	}
	return out
}

// TestSayerRetold checks that a quote another article retells in other
// words ("enhance", "enhancing") counts as its speaker's there too: the
// sentence that retells it is not missing the sayer.
func TestSayerRetold(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{
		"a.txt": "Bridge news\n\nMayor Ana Costa opened the bridge on Monday.\n\nCosta said the towns must “enhance cooperation with our neighbours”.\n",
		"b.txt": "Bridge day\n\nMayor Ana Costa opened the bridge.\n\nCosta also stressed the importance of “enhancing cooperation with our neighbours,” pointing to the river.\n",
	})
	q := ix.analyse("what did Costa say about cooperation")
	for _, sentence := range []string{"must “enhance", "“enhancing"} {
		if x := ix.features(q, indexAlts(q.terms), posOf(t, ix, sentence)); x[fSayerMiss] != 0 {
			t.Errorf("sayer missing fired on the sentence holding %q", sentence)
		}
	}
}

// TestSayer checks which name a question asks as the speaker, and that the
// sayer-missing feature fires on sentences that do not quote them.
func TestSayer(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{"a.txt": sayerArticle})
	tests := []struct {
		name  string
		q     string
		sayer string // the sayer's word, "" for none
		// quoted and unquoted are sentences the feature must not and
		// must fire on.
		quoted, unquoted string
	}{
		{"the name before the speech word", "what did Costa say about the bridge", "costa", "a gift", "too narrow"},
		{"a name after the speech word is what was said about", "what did Lopes say about Costa", "lopes", "too narrow", "a gift"},
		{"the last of two names before it", "what did Ana Costa say", "costa", "a gift", "too narrow"},
		{"a description standing for the name", "what did the outgoing mayor say about the lanes", "costa", "a gift", "too narrow"},
		{"no name asked as the speaker", "what did people say about Costa", "", "", ""},
		{"a possessive is no speaker", "what did Costa's minister say", "", "", ""},
		{"a name no one is quoted by is no speaker", "what did Bridge News say about Costa", "", "", ""},
		{"no speech word", "where did Costa open the bridge", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ix.analyse(tt.q)
			got := sayers(q.terms)
			if want := strings.Fields(tt.sayer); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("sayer of %q = %v, want %v", tt.q, got, want)
			}
			if tt.sayer == "" {
				for pos := range ix.passages {
					if x := ix.features(q, indexAlts(q.terms), pos); x[fSayerMiss] != 0 {
						t.Errorf("sayer missing fired on %q with no sayer asked", ix.passages[pos].Text)
					}
				}
				return
			}
			for sentence, want := range map[string]bool{tt.quoted: false, tt.unquoted: true} {
				x := ix.features(q, indexAlts(q.terms), posOf(t, ix, sentence))
				if got := x[fSayerMiss] > 0; got != want {
					t.Errorf("sayer missing on %q = %v, want %v", sentence, got, want)
				}
			}
		})
	}
}

// TestSayerFollowUp checks that a follow-up borrows the speaker asked
// about before only when it too asks what someone said, naming no one.
func TestSayerFollowUp(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{"a.txt": sayerArticle})
	prev := ix.analyse("what did Costa say about the bridge").terms
	tests := []struct {
		name, q string
		want    string // the sayers after merging, space-separated
	}{
		{"not a speech question", "when did he open it", ""},
		{"what else did he say", "what else did he say", "costa"},
		{"a speaker of its own", "what did Lopes say about him", "lopes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sayers(mergeTerms(ix.analyse(tt.q), prev))
			if strings.Join(got, " ") != tt.want {
				t.Errorf("sayers %v, want %q", got, tt.want)
			}
		})
	}
}

// TestEchoes checks the echo feature: a sentence that names what a "which"
// or "what" question asks for and says nothing more of it.
func TestEchoes(t *testing.T) {
	ix := fixtureIndex(t, map[string]string{"a.txt": "Bridge news\n\n" +
		"Mayor Ana Costa said the city must move forward in the face of new threats.\n\n" +
		"Costa named two threats, floods and traffic, at the opening.\n\n" +
		"Costa warned of threats to the bridge.\n\n" +
		"The bridge opened on Monday after years of delay.\n"})
	tests := []struct {
		name, q, sentence string
		want              bool
	}{
		{"the noun at the end of the sentence", "Which new threats did Costa mean?", "in the face of new threats", true},
		{"the noun followed by what it is", "Which new threats did Costa mean?", "named two threats, floods", false},
		{"followed only by the question's words", "What threats to the bridge did Costa see?", "warned of threats to the bridge", true},
		{"a new word within the window", "What threats did Costa see?", "warned of threats to the bridge", false},
		{"a sentence without the noun", "Which new threats did Costa mean?", "opened on Monday", false},
		{"read past is the", "What is the threat Costa meant?", "in the face of new threats", true},
		{"no noun asked for", "Did Costa mention threats?", "in the face of new threats", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ix.analyse(tt.q)
			x := ix.features(q, indexAlts(q.terms), posOf(t, ix, tt.sentence))
			if got := x[fEcho] == 1; got != tt.want {
				t.Errorf("echo of %q on %q = %v, want %v (asked stems %v)", tt.q, tt.sentence, got, tt.want, q.asked)
			}
		})
	}
}

// TestAnswerFeatures checks that the answerability features read the best
// candidate, not the others, and what an empty pool lacks.
func TestAnswerFeatures(t *testing.T) {
	var best, other featureVec
	best[fTypeMiss], best[fFocusMiss], best[fEcho] = 1, 1, 1
	other[fNameMiss] = 1
	q := analysis{unmatched: 0.25, opinion: true, identity: true}
	got := answerFeatures(q, []candidate{{doc: "a", x: best, score: 3}, {doc: "b", x: other, score: 3}})
	var want answerVec
	want[aBias], want[aTopScore], want[aShare] = 1, 3, 0.5
	want[aTypeMiss], want[aFocusMiss], want[aEcho], want[aUnmatched], want[aOpinion], want[aIdentity] = 1, 1, 1, 0.25, 1, 1
	if got != want {
		t.Errorf("two candidates level: got %v, want %v", got, want)
	}
	// The share counts each article's best candidate only: the same
	// article saying it again is no rival.
	for _, tt := range []struct {
		name string
		cs   []candidate
		want float64
	}{
		{"one article twice", []candidate{{doc: "a", score: 3}, {doc: "a", score: 3}}, 1},
		{"a third article", []candidate{{doc: "a", score: 3}, {doc: "a", score: 3}, {doc: "b", score: 3}, {doc: "c", score: 3}}, 1.0 / 3},
		{"a rival far below", []candidate{{doc: "a", score: 3}, {doc: "b", score: 3 - math.Log(3)}}, 0.75},
	} {
		if got := answerFeatures(analysis{}, tt.cs)[aShare]; math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: share %v, want %v", tt.name, got, tt.want)
		}
	}
	got = answerFeatures(analysis{}, nil)
	want = answerVec{}
	want[aBias], want[aTypeMiss], want[aNameMiss] = 1, 1, 1
	if got != want {
		t.Errorf("no candidates: got %v, want %v", got, want)
	}
	// "No reason near the top": a why-question, and none of the best
	// reasonsOf candidates holds a reason (one further down does not
	// count).
	var noReason, reason featureVec
	noReason[fTypeMiss] = 1
	cands := func(xs ...featureVec) []candidate {
		var out []candidate
		for i, x := range xs {
			out = append(out, candidate{x: x, score: float64(10 - i)})
		}
		return out
	}
	why := analysis{atype: typeWhy}
	for _, tt := range []struct {
		name string
		q    analysis
		cs   []candidate
		want float64
	}{
		{"no reason in the best three", why, cands(noReason, noReason, noReason, reason), 1},
		{"a reason third", why, cands(noReason, noReason, reason), 0},
		{"fewer candidates than three", why, cands(noReason), 1},
		{"not a why-question", analysis{atype: typeWhen}, cands(noReason, noReason, noReason), 0},
	} {
		if got := answerFeatures(tt.q, tt.cs)[aNoReason]; got != tt.want {
			t.Errorf("%s: no reason near the top = %v, want %v", tt.name, got, tt.want)
		}
	}
	// "Named speaker": asked what a person it names said, and the best
	// sentence quotes them.
	var quotes, quotesNot featureVec
	quotesNot[fSayerMiss] = 1
	asks := analysis{terms: []term{{word: "stoltenberg", sayer: true}}}
	for _, tt := range []struct {
		name string
		q    analysis
		cs   []candidate
		want float64
	}{
		{"the best quotes the speaker asked", asks, cands(quotes, quotesNot), 1},
		{"the best does not quote them", asks, cands(quotesNot, quotes), 0},
		{"no speaker asked", analysis{terms: []term{{word: "stoltenberg"}}}, cands(quotes), 0},
	} {
		if got := answerFeatures(tt.q, tt.cs)[aSayer]; got != tt.want {
			t.Errorf("%s: named speaker = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestLoadModel checks that model.json loads and that a model fitted for
// other features is refused with a clear error.
func TestLoadModel(t *testing.T) {
	if _, err := loadModel(modelJSON); err != nil {
		t.Fatalf("shipped model: %v", err)
	}
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(modelJSON, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	tests := []struct {
		name, data, want string
	}{
		{"not JSON", "{", "load model"},
		{"a ranking weight missing", string(edit(func(m map[string]any) { delete(m["rank"].(map[string]any), "dense") })), `no ranking weight for feature "dense"`},
		{"an answerability weight missing", string(edit(func(m map[string]any) { delete(m["answer"].(map[string]any), "top share") })), `no answerability weight for feature "top share"`},
		{"a ranking weight for no feature", string(edit(func(m map[string]any) { m["rank"].(map[string]any)["coverage exact"] = 1.0 })), `ranking weight for unknown feature "coverage exact"`},
		{"an answerability weight for no feature", string(edit(func(m map[string]any) { m["answer"].(map[string]any)["gone"] = 1.0 })), `answerability weight for unknown feature "gone"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadModel([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}
