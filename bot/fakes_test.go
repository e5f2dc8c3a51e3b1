package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handover/handover/retrieval"
)

// Compile-time checks that the fakes behave as the real things must.
var (
	_ Answerer = (*fakeAnswerer)(nil)
	_ Library  = (*fakeLibrary)(nil)
	_ Clock    = (*fakeClock)(nil)
)

// fakeAnswerer answers from memory. Special words in a question choose a
// behaviour, so one bot can serve every scenario of a test:
//
//	panic  the answerer panics
//	block  it announces itself on entered and waits for release (or ctx)
//	huge   a very long answer with many long citations
//	echo   the answer repeats the question, mentions and all
//	stream it streams partial text, announces on streamed, and waits for
//	       release before answering (or failing, if the question says fail)
//	nothing it abstains
//	deadline it waits until ctx is done, then answers anyway with a note,
//	       as the engine's extractive fallback does when the model times out
type fakeAnswerer struct {
	entered  chan string   // question, when a blocking answer starts
	streamed chan string   // question, when a streaming answer has streamed
	release  chan struct{} // closed or sent to, to let blocked answers finish

	mu        sync.Mutex
	requests  []retrieval.Request
	deadlines map[string]time.Time // ctx deadline each question was answered under
}

func newFakeAnswerer() *fakeAnswerer {
	return &fakeAnswerer{entered: make(chan string, 16), streamed: make(chan string, 16), release: make(chan struct{}, 16)}
}

// cannedCitations are one article sentence and one viewer comment.
var cannedCitations = []retrieval.Citation{
	{N: 1, Doc: "003_2f614e97bf582ec3", Title: "Rutte takes over as NATO chief", Publisher: "Reuters", Date: "2024-10-01", Kind: "article",
		Text: "Mark Rutte took over as NATO secretary-general on 1 October 2024.", Passage: "003_2f614e97bf582ec3#4"},
	{N: 2, Doc: "003_2f614e97bf582ec3", Title: "Rutte takes over as NATO chief", Publisher: "Reuters", Date: "2024-10-01", Kind: "comment",
		Text: "About time, Stoltenberg stayed far too long.", Passage: "003_2f614e97bf582ec3#31"},
}

func (f *fakeAnswerer) Answer(ctx context.Context, req retrieval.Request) (retrieval.Answer, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	if dl, ok := ctx.Deadline(); ok {
		if f.deadlines == nil {
			f.deadlines = map[string]time.Time{}
		}
		f.deadlines[req.Question] = dl
	}
	f.mu.Unlock()
	q, err := retrieval.CheckQuestion(req.Question)
	if err != nil {
		return retrieval.Answer{}, err
	}
	a := retrieval.Answer{
		Question:  q,
		Text:      "Mark Rutte took over from Jens Stoltenberg on 1 October 2024 [1]. One viewer thought it overdue [2].",
		Mode:      retrieval.ModeExtractive,
		Citations: cannedCitations,
	}
	switch {
	case strings.Contains(q, "panic"):
		panic("fake answerer: asked to panic")
	case strings.Contains(q, "block"):
		f.entered <- q
		select {
		case <-f.release:
		case <-ctx.Done():
			return retrieval.Answer{}, ctx.Err()
		}
	case strings.Contains(q, "stream"):
		a.Mode = retrieval.ModeLLM
		for _, part := range []string{"Mark", "Mark Rutte took over", "Mark Rutte took over from Jens Stoltenberg [1]."} {
			req.OnPartial(part)
		}
		f.streamed <- q
		select {
		case <-f.release:
		case <-ctx.Done():
			return retrieval.Answer{}, ctx.Err()
		}
		if strings.Contains(q, "fail") {
			return retrieval.Answer{}, errors.New("fake answerer: the model fell over")
		}
		if strings.Contains(q, "crash") {
			panic("fake answerer: crashed mid-stream")
		}
		if strings.Contains(q, "huge") {
			a = hugeAnswer(q)
			a.Mode = retrieval.ModeLLM
			break
		}
		a.Text = "Mark Rutte took over from Jens Stoltenberg [1]. It happened on 1 October 2024 [1]."
		a.Citations = cannedCitations[:1]
	case strings.Contains(q, "huge"):
		a = hugeAnswer(q)
	case strings.Contains(q, "echo"):
		a.Text = "You asked: " + q + " [1]"
	case strings.Contains(q, "deadline"):
		<-ctx.Done()
		a.Note = fallbackNote
	case strings.Contains(q, "nothing"):
		a = retrieval.Answer{Question: q, Abstained: true, Mode: retrieval.ModeExtractive,
			Text: "The articles don't say."}
	}
	return a, nil
}

// fallbackNote is the note on the fake's answers given at the deadline.
const fallbackNote = "The model took too long, so this answer quotes the articles directly."

// deadline is the context deadline question was answered under.
func (f *fakeAnswerer) deadline(question string) (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	dl, ok := f.deadlines[question]
	return dl, ok
}

func (f *fakeAnswerer) lastRequest(question string) (retrieval.Request, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.requests) - 1; i >= 0; i-- {
		if f.requests[i].Question == question {
			return f.requests[i], true
		}
	}
	return retrieval.Request{}, false
}

// hugeAnswer breaks every limit Discord has if sent naively: 9000
// characters of text with markers, 40 citations with long titles.
func hugeAnswer(q string) retrieval.Answer {
	var b strings.Builder
	for i := 0; b.Len() < 9000; i++ {
		fmt.Fprintf(&b, "Sentence %d about the handover at NATO headquarters in Brussels, with a citation [%d]. ", i, i%40+1)
		if i%7 == 6 {
			b.WriteString("\n\n")
		}
	}
	a := retrieval.Answer{Question: q, Text: b.String(), Mode: retrieval.ModeExtractive}
	for n := 1; n <= 40; n++ {
		kind := "article"
		if n%5 == 0 {
			kind = "comment"
		}
		a.Citations = append(a.Citations, retrieval.Citation{
			N: n, Doc: fmt.Sprintf("doc%02d", n), Kind: kind,
			Title:     strings.Repeat(fmt.Sprintf("A very long headline number %d about the NATO handover ", n), 4),
			Publisher: "Publisher", Date: "2024-10-01",
			Text: strings.Repeat("A long cited sentence that goes on and on about defence spending and Ukraine. ", 8),
		})
	}
	return a
}

// fakeLibrary is a tiny quote index and timeline. If gate is set, Quotes
// announces itself on entered and waits on gate: a slow library.
type fakeLibrary struct {
	entered chan struct{}
	gate    chan struct{}
}

func (l *fakeLibrary) Sources() []retrieval.Source {
	return []retrieval.Source{
		{Doc: "000_ce59d00dae42433e", Title: "Stoltenberg hands over to Rutte", Publisher: "BBC", Date: "2024-10-01", Passages: 41, Comments: 12},
		{Doc: "001_a56fb7e19c437d8f", Title: "Who is Mark Rutte?", Publisher: "", Date: "", Passages: 30},
	}
}

func (l *fakeLibrary) Quotes(speaker, topic string) []retrieval.Quote {
	if l.gate != nil {
		l.entered <- struct{}{}
		<-l.gate
	}
	if speaker == "Boom" {
		panic("fake library: asked to panic")
	}
	if !strings.EqualFold(speaker, "Mark Rutte") {
		return nil
	}
	return []retrieval.Quote{
		{Speaker: "Mark Rutte", Text: "Ukraine's place is in NATO", Context: "Rutte said: “Ukraine's place is in NATO.”",
			Sources: []retrieval.Citation{cannedCitations[0]}},
		{Speaker: "Mark Rutte", Text: "the best-prepared secretary-general", Partial: true,
			Sources: []retrieval.Citation{cannedCitations[1]}},
	}
}

func (l *fakeLibrary) Speakers() []string {
	return []string{"Jens Stoltenberg", "Mark Rutte", "Volodymyr Zelensky", "Donald Trump"}
}

// Timeline gives the events whose text holds topic (any case).
func (l *fakeLibrary) Timeline(topic string) []retrieval.Event {
	return slices.DeleteFunc([]retrieval.Event{
		{Date: "2024-06-26", Precision: "day", Text: "NATO allies chose Mark Rutte as the next secretary-general.", Sources: []retrieval.Citation{cannedCitations[0]}},
		{Date: "2024-10-01", Precision: "day", Text: "Rutte took office.", Sources: []retrieval.Citation{cannedCitations[0]}},
		{Date: "2024-10", Precision: "month", Text: "@everyone this was the worst handover ever", Comment: true, Sources: []retrieval.Citation{cannedCitations[1]}},
	}, func(e retrieval.Event) bool {
		return !strings.Contains(strings.ToLower(e.Text), strings.ToLower(topic))
	})
}

// fakeClock is a clock the test moves by hand. Its tickers tick only when
// the test calls tick.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	tickers map[chan time.Time]time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 10, 1, 9, 0, 0, 0, time.UTC), tickers: map[chan time.Time]time.Duration{}}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Ticker(d time.Duration) (<-chan time.Time, func()) {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	c.tickers[ch] = d
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.tickers, ch)
		c.mu.Unlock()
	}
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// tick ticks every ticker of period d once; a ticker that has not taken
// its last tick drops this one, as time.Ticker does.
func (c *fakeClock) tick(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch, p := range c.tickers {
		if p == d {
			select {
			case ch <- c.now:
			default:
			}
		}
	}
}

// logSink collects log output and lets a test wait for a line.
type logSink struct {
	level   slog.Level // the least level kept; Debug unless set
	mu      sync.Mutex
	buf     strings.Builder
	changed chan struct{}
}

func newLogSink() *logSink { return &logSink{level: slog.LevelDebug, changed: make(chan struct{})} }

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	close(l.changed)
	l.changed = make(chan struct{})
	return len(p), nil
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// wait blocks until the log contains s.
func (l *logSink) wait(t *testing.T, s string) {
	t.Helper()
	ctx := testContext(t)
	for {
		l.mu.Lock()
		ok, ch := strings.Contains(l.buf.String(), s), l.changed
		l.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("log never contained %q; log:\n%s", s, l.String())
		}
	}
}

func (l *logSink) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: l.level}))
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}
