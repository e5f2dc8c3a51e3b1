package retrieval

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval/lexicon"
	"github.com/handover/handover/retrieval/search"
)

// Quote is a verbatim quote with its speaker and every article carrying it.
type Quote struct {
	Speaker string `json:"speaker"` // canonical full name; "" when unattributed
	Text    string `json:"text"`    // the quoted words
	Context string `json:"context"` // the sentence(s) around them
	Partial bool   `json:"partial"` // a fragment woven into reported speech
	// Sources cite the quote's sentence in each article, numbered from 1.
	Sources []Citation `json:"sources"`
}

// Event is one entry of the timeline.
type Event struct {
	Date      string `json:"date"`      // ISO: 2024-10-01, 2024-11 or 2014
	Precision string `json:"precision"` // day, month or year
	Text      string `json:"text"`      // the event sentence, verbatim
	Comment   bool   `json:"comment"`   // from a reader comment, not reporting
	// Also lists the other dates the same sentence gives.
	Also    []string   `json:"also,omitempty"`
	Sources []Citation `json:"sources"`
}

// Library answers the source, quote and date commands from the corpus
// alone: they need no search index, so a command that only lists them
// starts without building one. Its quote, speaker and date indexes are
// built on first use: most runs of the CLI ask one question and never need
// them. It is safe for concurrent use.
type Library struct {
	corpus   *corpus.Corpus
	once     sync.Once
	quotes   []corpus.Quote // given by NewLibrary or built by lib
	speakers []corpus.Speaker
	timeline []corpus.DateEntry
	// words are the content words of the quotes' and the timeline's
	// sentences, which a topic is matched against (by stem, in stems):
	// what a misspelt topic word may stand for. Built on the first topic
	// word of four letters or more.
	wordsOnce sync.Once
	words     []string
	stems     map[string]bool
}

// NewLibrary returns the library of c. quotes is c's quote index when the
// caller has built it already (BuildIndex has); nil, it is built on first
// use.
func NewLibrary(c *corpus.Corpus, quotes []corpus.Quote) *Library {
	return &Library{corpus: c, quotes: quotes}
}

// lib builds the indexes once and returns l: every read of quotes,
// speakers and timeline goes through it.
func (l *Library) lib() *Library {
	l.once.Do(func() {
		if l.quotes == nil {
			l.quotes = l.corpus.Quotes()
		}
		l.speakers = l.corpus.SpeakersOf(l.quotes)
		l.timeline = l.corpus.Timeline()
	})
	return l
}

// Sources lists the loaded articles.
func (l *Library) Sources() []Source {
	var out []Source
	for _, a := range l.corpus.Articles {
		s := Source{Doc: a.ID, Title: a.Title, Publisher: a.Publisher, Date: a.Date, URL: a.URL}
		if a.Headline {
			s.Passages++ // the headline is searched and cited like a sentence
		}
		for _, sn := range a.Sentences {
			if sn.Kind == corpus.KindComment {
				s.Comments++
			} else {
				s.Passages++
			}
		}
		out = append(out, s)
	}
	return out
}

// Speakers lists the canonical names of everyone quoted, for autocomplete.
func (l *Library) Speakers() []string {
	var out []string
	for _, s := range l.lib().speakers {
		out = append(out, s.Name)
	}
	return out
}

// MatchSpeakers returns the speakers among names that a typed query means,
// best first: the one matcher for the command line and autocomplete (see
// corpus.FindSpeakers). When nothing matches so, a misspelt name does
// ("stoltenbreg", "mark rute"), as in questions: each word of four letters
// or more within lexicon.TypoDistance edits of a word of the name, and
// shorter words as written. Of the names so matched, the one fewest edits
// away; two as near ("burg" for Berg and Borg) match neither.
func MatchSpeakers(names []string, query string) []string {
	if found := corpus.FindSpeakers(names, query); len(found) > 0 {
		return found
	}
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return nil
	}
	best, bestD, tied := "", 0, false
	for _, n := range names {
		parts := strings.Fields(strings.ToLower(n))
		if len(words) > len(parts) {
			continue
		}
		d := 0
		for _, w := range words {
			wd := -1
			for _, p := range parts {
				if e, ok := misspelling(w, p); ok && (wd < 0 || e < wd) {
					wd = e
				}
			}
			if wd < 0 {
				d = -1
				break
			}
			d += wd
		}
		switch {
		case d < 0:
		case best == "" || d < bestD:
			best, bestD, tied = n, d, false
		case d == bestD:
			tied = true
		}
	}
	if best == "" || tied {
		return nil
	}
	return []string{best}
}

// misspelling reports whether a typed word w stands for the word of a
// name p, and how many edits away: the same, or for a word of four
// letters or more, a misspelling of it.
func misspelling(w, p string) (int, bool) {
	if w == p {
		return 0, true
	}
	if utf8.RuneCountInString(w) < 4 {
		return 0, false
	}
	limit := lexicon.TypoDistance(w)
	d := lexicon.Distance(w, p, limit)
	return d, d <= limit
}

// Quotes returns the quotes of the speakers speaker means (MatchSpeakers:
// a full name, a surname, the start of a name; "" for everyone) about topic (words that must all
// appear in the quote's sentence; "" for any topic).
func (l *Library) Quotes(speaker, topic string) []Quote {
	var out []Quote
	topic = l.spellTopic(topic)
	want := topicStems(topic)
	person := l.personNamed(topic)
	who := map[string]bool{}
	for _, name := range MatchSpeakers(l.Speakers(), speaker) {
		who[name] = true
	}
	for _, q := range l.lib().quotes {
		if speaker != "" && (q.Speaker == "" || !who[q.Speaker]) {
			continue
		}
		if !hasAllStems(q.Context, want) && !hasAnyStem(q.Context, person) {
			continue
		}
		out = append(out, Quote{Speaker: q.Speaker, Text: q.Text, Context: q.Context, Partial: q.Partial,
			Sources: l.sourcesOf(q.Docs, q.Context, q.Text)})
	}
	return out
}

// Timeline returns the dated events about topic ("" for all), in date
// order, one per event (corpus.Events), reader comments included and
// marked.
func (l *Library) Timeline(topic string) []Event {
	var out []Event
	want := topicStems(l.spellTopic(topic))
	for _, d := range corpus.Events(l.lib().timeline) {
		if !hasAllStems(d.Text, want) {
			continue
		}
		out = append(out, Event{Date: d.Date, Precision: d.Precision, Text: d.Text, Comment: d.Kind == corpus.KindComment, Also: d.Also,
			Sources: l.sourcesOf(d.Docs, d.Text, d.Text)})
	}
	return out
}

// spellTopic returns topic with each word of four letters or more that
// no quote or dated sentence holds written as the one word they hold
// within lexicon.TypoDistance edits of it ("crimia" → "crimea"), as
// questions read misspellings; a word with no such word, or with several
// equally near, stays as typed.
func (l *Library) spellTopic(topic string) string {
	var b strings.Builder
	for _, t := range search.Tokenize(topic) {
		w := t.Word
		if search.IsStop(w) || utf8.RuneCountInString(w) < 4 {
			b.WriteString(w + " ")
			continue
		}
		words, stems := l.topicWords()
		if !stems[t.Stem] {
			// Two or more as near: which was meant is not known.
			if near := lexicon.Closest(w, words); len(near) == 1 {
				w = near[0]
			}
		}
		b.WriteString(w + " ")
	}
	return strings.TrimSpace(b.String())
}

// topicWords returns the content words of the quotes' and the
// timeline's sentences, sorted, and their stems: a stop word is no topic,
// so no misspelling stands for one ("ally" is not "all").
func (l *Library) topicWords() ([]string, map[string]bool) {
	l.wordsOnce.Do(func() {
		lib := l.lib()
		l.stems = map[string]bool{}
		add := func(text string) {
			for _, t := range search.Tokenize(text) {
				if !search.IsStop(t.Word) {
					l.stems[t.Stem] = true
					l.words = append(l.words, t.Word)
				}
			}
		}
		for _, q := range lib.quotes {
			add(q.Context)
		}
		for _, d := range lib.timeline {
			add(d.Text)
		}
		slices.Sort(l.words)
		l.words = slices.Compact(l.words)
	})
	return l.words, l.stems
}

// sourcesOf cites each of docs, numbered from 1: the first with text, the
// others with their own sentence that best matches words.
func (l *Library) sourcesOf(docs []string, text, words string) []Citation {
	out := make([]Citation, 0, len(docs))
	for i, doc := range docs {
		t := text
		if i > 0 {
			t = l.sentenceWith(doc, words, text)
		}
		out = append(out, l.sourceCitation(i+1, doc, t))
	}
	return out
}

func (l *Library) sourceCitation(n int, doc, text string) Citation {
	c := Citation{N: n, Doc: doc, Kind: string(corpus.KindArticle), Text: text}
	if a := l.corpus.Article(doc); a != nil {
		c.Title, c.Publisher, c.Date, c.URL = a.Title, a.Publisher, a.Date, a.URL
		for _, s := range a.Sentences {
			if strings.Contains(text, s.Text) || strings.Contains(s.Text, text) {
				c.Passage = s.ID
				if s.Kind == corpus.KindComment {
					c.Kind = string(corpus.KindComment)
				}
				break
			}
		}
	}
	return c
}

// sentenceWith finds the sentence of doc that tells the same thing as
// text: the one sharing the most content words with it.
func (l *Library) sentenceWith(doc, quote, fallback string) string {
	a := l.corpus.Article(doc)
	if a == nil {
		return fallback
	}
	want := topicStems(quote)
	best, bestN := fallback, 0
	for _, s := range a.Sentences {
		if s.Kind != corpus.KindArticle {
			continue
		}
		n := 0
		have := stemSet(s.Text)
		for st := range want {
			if have[st] {
				n++
			}
		}
		if n > bestN {
			best, bestN = s.Text, n
		}
	}
	return best
}

func topicStems(topic string) map[string]bool {
	out := map[string]bool{}
	for _, t := range search.Tokenize(topic) {
		if !search.IsStop(t.Word) {
			out[t.Stem] = true
		}
	}
	return out
}

func stemSet(text string) map[string]bool {
	out := map[string]bool{}
	for _, t := range search.Tokenize(text) {
		st := t.Stem
		if search.IsStop(t.Word) {
			// A topic's word may be one that asking makes a stop word
			// ("happened"): it is matched by its stem all the same.
			st = search.Stem(t.Word)
		}
		out[st] = true
	}
	return out
}

// personNamed returns the stems of the full name of the quoted person the
// topic names ("rutte" → mark, rutte), so a topic about a person also
// finds "Mark has the perfect background"; nil when the topic is no one.
func (l *Library) personNamed(topic string) map[string]bool {
	if strings.TrimSpace(topic) == "" {
		return nil
	}
	for _, s := range l.lib().speakers {
		if corpus.MatchSpeaker(s.Name, topic) {
			return topicStems(s.Name)
		}
	}
	return nil
}

func hasAnyStem(text string, want map[string]bool) bool {
	if len(want) == 0 {
		return false
	}
	have := stemSet(text)
	for st := range want {
		if have[st] {
			return true
		}
	}
	return false
}

func hasAllStems(text string, want map[string]bool) bool {
	if len(want) == 0 {
		return true
	}
	have := stemSet(text)
	for st := range want {
		if !have[st] {
			return false
		}
	}
	return true
}

// resolveDates adds to a when-question's answer what its relative dates
// mean, from the date index: "the same year" in a sentence about 2014, or
// "Tuesday" in an article dated 30 September 2024. Dates written out in
// full need no note.
func (e *Engine) resolveDates(a *Answer) {
	if a.Abstained {
		return
	}
	var notes []string
	seen := map[string]bool{}
	for _, c := range a.Citations {
		if !strings.Contains(a.Text, c.Text) {
			continue // a source telling the same fact in other words
		}
		for _, d := range e.library.lib().timeline {
			if !slices.Contains(d.Sentences, c.Passage) || fullDateRe.MatchString(d.Expression) {
				continue
			}
			verb := " is "
			if d.Precision != corpus.PrecisionDay {
				verb = " falls in "
			}
			note := "“" + d.Expression + "”" + verb + d.Date
			if !seen[note] {
				seen[note] = true
				notes = append(notes, note)
			}
		}
	}
	if len(notes) == 0 {
		return
	}
	note := "By the articles' dates: " + strings.Join(notes, "; ") + "."
	if a.Note != "" {
		note = a.Note + " " + note // the model's absence is said first
	}
	a.Note = note
}

// fullDateRe finds an expression that already states its year.
var fullDateRe = regexp.MustCompile(`\b(1[89]|20)\d\d\b`)
