package retrieval

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval/search"
)

// TestLibraryQuotes checks the quote library built from the corpus alone,
// as the CLI's quote command builds it, without a search index.
func TestLibraryQuotes(t *testing.T) {
	e := shippedLibrary(t)
	tests := []struct {
		name, speaker, topic string
		want                 string // a quote that must be found
		not                  string // a speaker that must not appear
	}{
		{"surname, any case", "rutte", "", "big shoes to fill", "Jens Stoltenberg"},
		{"full name", "Jens Stoltenberg", "", "safe hands", "Mark Rutte"},
		{"topic", "Mark Rutte", "candidates", "I know both candidates very well", "Jens Stoltenberg"},
		{"topic naming a person by surname finds the first name", "stoltenberg", "rutte", "Mark has the perfect background", "Mark Rutte"},
		{"misspelt surname", "stoltenbreg", "", "safe hands", "Mark Rutte"},
		{"misspelt topic", "rutte", "candidtes", "I know both candidates very well", "Jens Stoltenberg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs := e.Quotes(tt.speaker, tt.topic)
			found := false
			for _, q := range qs {
				if strings.Contains(q.Text, tt.want) {
					found = true
				}
				if q.Speaker == tt.not || q.Speaker == "" {
					t.Errorf("Quotes(%q, %q) has %q by %q", tt.speaker, tt.topic, q.Text, q.Speaker)
				}
				if len(q.Sources) == 0 || q.Sources[0].N != 1 || q.Sources[0].Title == "" {
					t.Errorf("quote %q has sources %+v", q.Text, q.Sources)
				}
			}
			if !found {
				t.Errorf("Quotes(%q, %q) lacks %q: %+v", tt.speaker, tt.topic, tt.want, qs)
			}
		})
	}
	if qs := e.Quotes("Vladimir Putin", ""); len(qs) != 0 {
		t.Errorf("Putin is quoted nowhere, got %+v", qs)
	}
	for _, name := range e.Speakers() {
		if name == "" {
			t.Error("an empty speaker name for autocomplete")
		}
	}
}

// TestMatchSpeakers checks the matcher the command line and autocomplete
// share: as corpus.FindSpeakers first, then a misspelt name, word by word.
func TestMatchSpeakers(t *testing.T) {
	names := []string{"Ana Silva", "Anders Berg", "Tom Berg", "Jens Stoltenberg"}
	tests := []struct {
		name, query string
		want        []string
	}{
		{"surname as written", "berg", []string{"Anders Berg", "Tom Berg"}},
		{"prefix before any typo", "stolt", []string{"Jens Stoltenberg"}},
		{"two letters swapped", "stoltenbreg", []string{"Jens Stoltenberg"}},
		{"a letter dropped", "silv", []string{"Ana Silva"}},
		{"a letter wrong, short name", "silvo", []string{"Ana Silva"}},
		{"two edits in a long name", "stoltenbrg x", nil},
		{"full name, one word misspelt", "jens stoltenbrg", []string{"Jens Stoltenberg"}},
		{"short words as written only", "tim berg", nil},
		{"two edits in a short name", "solvo", nil},
		{"as near to two names", "burg", nil},
		{"nearer to one of two", "berj tom", []string{"Tom Berg"}},
		{"more words than the name", "ana silva costa", nil},
		{"nothing near", "xyzzy", nil},
		{"empty", "", names},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchSpeakers(names, tt.query); !cmp.Equal(got, tt.want) {
				t.Errorf("MatchSpeakers(%q) = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestLibraryTimeline(t *testing.T) {
	e := shippedLibrary(t)
	all := e.Timeline("")
	for i := 1; i < len(all); i++ {
		if all[i-1].Date > all[i].Date {
			t.Errorf("timeline out of order: %s before %s", all[i-1].Date, all[i].Date)
		}
	}
	crimea := e.Timeline("crimea")
	if len(crimea) == 0 {
		t.Fatal("no Crimea events")
	}
	for _, ev := range crimea {
		if ev.Date != "2014" || !strings.Contains(strings.ToLower(ev.Text), "crimea") {
			t.Errorf("Crimea event %+v", ev)
		}
	}
	if got := e.Timeline("crimia"); !cmp.Equal(got, crimea) {
		t.Errorf("Timeline(%q) = %+v, want Crimea's %+v", "crimia", got, crimea)
	}
	if got := e.Timeline("zzzzzz"); len(got) != 0 {
		t.Errorf("Timeline(%q) = %+v, want nothing", "zzzzzz", got)
	}
	// A topic word found by its stem ("ally", "allies") is no misspelling,
	// and no misspelling stands for a stop word ("all"), which would drop
	// the filter.
	for _, topic := range []string{"ally", "whch"} {
		if got := e.Timeline(topic); len(got) == len(all) {
			t.Errorf("Timeline(%q) lists every event: the topic filtered nothing", topic)
		}
		if got, every := e.Quotes("", topic), e.Quotes("", ""); len(got) == len(every) {
			t.Errorf("Quotes(\"\", %q) lists every quote: the topic filtered nothing", topic)
		}
	}
	for _, ev := range all {
		if ev.Comment && !strings.Contains(ev.Sources[0].Kind, "comment") {
			t.Errorf("a reader comment's date is cited as %q: %+v", ev.Sources[0].Kind, ev)
		}
	}
}

// shippedLibrary is the library of the shipped articles, built from the
// corpus alone, as the CLI's library commands build it.
func shippedLibrary(t testing.TB) *Library {
	t.Helper()
	c, err := corpus.Load(slog.New(slog.NewTextHandler(io.Discard, nil)), corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	return NewLibrary(c, nil)
}

// TestEngineLibrary checks that the engine's library, which reuses the
// quote index the search index built, lists what a library built from the
// corpus alone lists.
func TestEngineLibrary(t *testing.T) {
	alone, e := shippedLibrary(t), shippedEngine(t)
	if diff := cmp.Diff(alone.Quotes("", ""), e.Library().Quotes("", "")); diff != "" {
		t.Errorf("quotes differ (-corpus alone +engine):\n%s", diff)
	}
	if diff := cmp.Diff(alone.Speakers(), e.Library().Speakers()); diff != "" {
		t.Errorf("speakers differ (-corpus alone +engine):\n%s", diff)
	}
	if len(alone.Quotes("", "")) == 0 || len(alone.Speakers()) == 0 {
		t.Error("the library of the shipped articles holds no quotes or no speakers")
	}
}

// TestLibraryConcurrent asks one library from many goroutines at once, as
// the bot's handlers do, the first calls racing to build its indexes (run
// with -race).
func TestLibraryConcurrent(t *testing.T) {
	lib := shippedLibrary(t)
	want := len(NewLibrary(lib.corpus, nil).Quotes("rutte", ""))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 4 {
			case 0:
				if got := len(lib.Quotes("rutte", "")); got != want {
					t.Errorf("%d quotes by Rutte, want %d", got, want)
				}
			case 1:
				lib.Speakers()
			case 2:
				lib.Timeline("")
			case 3:
				lib.Sources()
			}
		}()
	}
	wg.Wait()
}

// TestWhenAnswersResolveDates checks that ask uses the date index: a
// relative date in the answer is resolved in its note.
func TestWhenAnswersResolveDates(t *testing.T) {
	e := shippedEngine(t)
	tests := []struct{ q, note string }{
		{"When did Rutte take office?", "“Tuesday, October 1” is 2024-10-01"},
		{"When did Trump suggest Zelenskyy should have made concessions?", "“last week” falls in 2024-09"},
	}
	for _, tt := range tests {
		a, err := e.Answer(context.Background(), Request{Question: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(a.Note, tt.note) {
			t.Errorf("Answer(%q).Note = %q, want it to hold %q (answer %q)", tt.q, a.Note, tt.note, a.Text)
		}
	}
	a, err := e.Answer(context.Background(), Request{Question: "Who succeeded Stoltenberg?"})
	if err != nil || a.Note != "" {
		t.Errorf("a who-question got a date note %q (%v)", a.Note, err)
	}
}

// TestSpellTopic checks which topic words are read as misspellings of the
// library's words.
func TestSpellTopic(t *testing.T) {
	l := &Library{words: []string{"allies", "crimea", "crimean", "trump", "ukraine", "vital"}, stems: map[string]bool{}}
	for _, w := range l.words {
		l.stems[search.Stem(w)] = true
	}
	l.wordsOnce.Do(func() {}) // the words above are the whole index
	tests := []struct{ topic, want string }{
		{"crimia", "crimea"},       // one letter wrong
		{"Ukriane", "ukraine"},     // two swapped, any case
		{"crimeaa", "crimeaa"},     // crimea and crimean one edit away each: as typed
		{"trum", "trump"},          // four letters: corrected
		{"tru", "tru"},             // three: as typed
		{"the vitel", "the vital"}, // a stop word stays
		{"xyzzy", "xyzzy"},         // nothing near
		{"ally", "ally"},           // "allies" by stem: as typed
		{"whch", "whch"},           // no stop word stands in ("which")
		{"", ""},
	}
	for _, tt := range tests {
		if got := l.spellTopic(tt.topic); got != tt.want {
			t.Errorf("spellTopic(%q) = %q, want %q", tt.topic, got, tt.want)
		}
	}
}

// FuzzLibraryQueries asks the quote and date library whatever a user may
// type as a speaker or a topic: no panic, and every quote found for a
// speaker is by someone the speaker matcher says was meant.
func FuzzLibraryQueries(f *testing.F) {
	l := shippedLibrary(f)
	for _, s := range []string{"rutte", "stoltenbreg", "Mr. Rutte’s", "", "crimia", "x\x00y", "la la la"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, speaker, topic string) {
		who := map[string]bool{}
		for _, n := range MatchSpeakers(l.Speakers(), speaker) {
			who[n] = true
		}
		for _, q := range l.Quotes(speaker, topic) {
			if speaker != "" && !who[q.Speaker] {
				t.Fatalf("Quotes(%q, %q) holds a quote by %q, whom the speaker does not match", speaker, topic, q.Speaker)
			}
		}
		_ = l.Timeline(topic)
	})
}
