package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/handover/handover/retrieval"
)

func TestCooldown(t *testing.T) {
	clock := newFakeClock()
	c := newCooldown(10*time.Second, clock)
	type step struct {
		advance  time.Duration
		user     string
		wantOK   bool
		wantWait time.Duration
		wantWarn bool // checked only when refused
	}
	steps := []step{
		{0, "ann", true, 0, false},
		{3 * time.Second, "ann", false, 7 * time.Second, true},
		{0, "ann", false, 7 * time.Second, false}, // told once per cooldown
		{0, "bob", true, 0, false},                // users are independent
		{7 * time.Second, "ann", true, 0, false},  // cooldown over
		{time.Second, "ann", false, 9 * time.Second, true},
	}
	for i, s := range steps {
		clock.advance(s.advance)
		ok, wait := c.allow(s.user)
		if ok != s.wantOK || wait != s.wantWait {
			t.Errorf("step %d: allow(%q) = %v, %v; want %v, %v", i, s.user, ok, wait, s.wantOK, s.wantWait)
		}
		if !ok {
			if warn := c.warn(s.user); warn != s.wantWarn {
				t.Errorf("step %d: warn(%q) = %v, want %v", i, s.user, warn, s.wantWarn)
			}
		}
	}
	off := newCooldown(0, clock)
	for range 3 {
		if ok, _ := off.allow("ann"); !ok {
			t.Fatal("a zero cooldown refused a question")
		}
	}
}

// Chatter holds its user while it is answered, and settles into a
// cooldown only when answered.
func TestCooldownHold(t *testing.T) {
	clock := newFakeClock()
	c := newCooldown(10*time.Second, clock)
	type step struct {
		name     string
		do       func() (bool, time.Duration)
		wantOK   bool
		wantWait time.Duration
	}
	hold := func() (bool, time.Duration) { return c.hold("ann") }
	settle := func(answered bool) func() (bool, time.Duration) {
		return func() (bool, time.Duration) { c.settle("ann", answered); return true, 0 }
	}
	steps := []step{
		{"first chatter", hold, true, 0},
		{"chatter while the first is answered", hold, false, 10 * time.Second},
		{"a question meanwhile", func() (bool, time.Duration) { return c.allow("ann") }, true, 0},
		{"question's cooldown runs out", func() (bool, time.Duration) { clock.advance(10 * time.Second); return true, 0 }, true, 0},
		{"chatter still held", hold, false, 10 * time.Second},
		{"first chatter not answered", settle(false), true, 0},
		{"no cooldown from it", hold, true, 0},
		{"that chatter answered", settle(true), true, 0},
		{"cooldown from it", func() (bool, time.Duration) { clock.advance(4 * time.Second); return c.hold("ann") }, false, 6 * time.Second},
		{"and for questions", func() (bool, time.Duration) { return c.allow("ann") }, false, 6 * time.Second},
		{"other users are free", func() (bool, time.Duration) { return c.hold("bob") }, true, 0},
	}
	for _, s := range steps {
		if ok, wait := s.do(); ok != s.wantOK || wait != s.wantWait {
			t.Errorf("%s: got %v, %v; want %v, %v", s.name, ok, wait, s.wantOK, s.wantWait)
		}
	}
	off := newCooldown(0, clock)
	for range 3 {
		if ok, _ := off.hold("ann"); !ok {
			t.Fatal("a zero cooldown held chatter back")
		}
	}
}

func TestCooldownForgets(t *testing.T) {
	clock := newFakeClock()
	c := newCooldown(time.Second, clock)
	for i := range 10001 {
		c.allow(fmt.Sprint(i))
	}
	clock.advance(2 * time.Second)
	c.allow("one more")
	if n := len(c.last); n != 1 {
		t.Errorf("after the cooldown, %d users remembered, want 1", n)
	}
}

func TestGate(t *testing.T) {
	g := newGate(1, 1)
	ctx := context.Background()
	if !g.enter() || g.acquire(ctx) != nil {
		t.Fatal("first question not admitted")
	}
	if !g.enter() {
		t.Fatal("second question not queued")
	}
	if g.enter() {
		t.Fatal("third question admitted past a full queue")
	}
	if g.running() != 1 || g.queued() != 1 {
		t.Errorf("running %d queued %d, want 1 and 1", g.running(), g.queued())
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.acquire(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("acquire with a full slot and a cancelled context = %v", err)
	}
	got := make(chan error)
	go func() { got <- g.acquire(ctx) }()
	g.release()
	g.leave()
	if err := <-got; err != nil {
		t.Fatalf("queued question never got its turn: %v", err)
	}
	g.release()
	g.leave()
	if g.running() != 0 || g.queued() != 0 {
		t.Errorf("running %d queued %d after all left", g.running(), g.queued())
	}
}

func TestLRU(t *testing.T) {
	c := newLRU[string, int](2)
	c.put("a", 1)
	c.put("b", 2)
	c.get("a") // a is now the most recent
	c.put("c", 3)
	if _, ok := c.get("b"); ok {
		t.Error("b survived, want it forgotten as least recently used")
	}
	if v, ok := c.get("a"); !ok || v != 1 {
		t.Errorf("get(a) = %v, %v", v, ok)
	}
	if c.add("a", 9) {
		t.Error("add of a present key reported new")
	}
	if !c.add("d", 4) || c.len() != 2 {
		t.Errorf("add of a new key: len %d", c.len())
	}
}

func TestRewriteTransport(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.RequestURI())
	}))
	defer srv.Close()
	tests := []struct {
		name, base, url, want string
	}{
		{"rest", srv.URL, "https://discord.com/api/v9/channels/1/messages?limit=1", "GET /api/v9/channels/1/messages?limit=1"},
		{"gateway discovery", srv.URL, "https://discord.com/api/v9/gateway", "GET /api/v9/gateway"},
		{"path prefix", srv.URL + "/proxy/", "https://discord.com/api/v9/users/@me", "GET /proxy/api/v9/users/@me"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			c, err := NewHTTPClient(tt.base)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("server saw %v, want %q", got, tt.want)
			}
		})
	}
	c, err := NewHTTPClient("https://discord.com")
	if err != nil || c.Transport != http.DefaultTransport {
		t.Errorf("the default base URL rewrites: %v %T", err, c.Transport)
	}
	for _, bad := range []string{"ftp://x", "discord.com", "http://"} {
		if _, err := NewHTTPClient(bad); err == nil {
			t.Errorf("NewHTTPClient(%q) accepted", bad)
		}
	}
}

func TestRewriteLeavesOtherHosts(t *testing.T) {
	var hosts []string
	rt := rewriteTransport{base: mustParse(t, "http://127.0.0.1:1"), next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Host)
		return nil, errors.New("stop")
	})}
	for _, u := range []string{"https://cdn.discordapp.com/a.png", "https://DISCORD.com/api/v9/x"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		rt.RoundTrip(req)
		if req.URL.Host == "127.0.0.1:1" {
			t.Errorf("RoundTrip modified its request %s", u)
		}
	}
	if diff := cmp.Diff([]string{"cdn.discordapp.com", "127.0.0.1:1"}, hosts); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestUserMessage(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{cooldownError{4200 * time.Millisecond}, "please wait 5 seconds"},
		{cooldownError{time.Second}, "please wait 1 second "},
		{errQuiet{err: cooldownError{time.Second}}, "please wait 1 second "},
		{retrieval.ErrEmptyQuestion, "include a question"},
		{fmt.Errorf("answer: %w", retrieval.ErrQuestionTooLong), "under 2000 characters"},
		{errBusy, "a lot of questions"},
		{errClosing, "restarting"},
		{fmt.Errorf("answer: %w", context.Canceled), "restarting"},
		{fmt.Errorf("answer: %w", context.DeadlineExceeded), "took too long"},
		{errPanic, "on my side"},
		{errAnswerGone, "no longer have that answer"},
		{errors.New("HTTP 500"), "something went wrong"},
	}
	for _, tt := range tests {
		if got := userMessage(tt.err); !strings.Contains(got, tt.want) {
			t.Errorf("userMessage(%v) = %q, want it to contain %q", tt.err, got, tt.want)
		}
	}
}

func TestMetricsGolden(t *testing.T) {
	m := NewMetrics()
	m.question(retrieval.ModeExtractive, outcomeAnswered)
	m.question(retrieval.ModeExtractive, outcomeAnswered)
	m.question(retrieval.ModeLLM, outcomeAbstained)
	m.question("", outcomeCooldown)
	m.vote("up")
	m.answered(30 * time.Millisecond)
	m.answered(4 * time.Second)
	m.acked(3 * time.Millisecond)
	m.modelErrors.Add(1)
	m.setConnected(true)
	m.setConnected(false)
	m.setConnected(true) // one reconnect
	m.SetIndexLoaded(true)
	var all strings.Builder
	if _, err := m.WriteTo(&all); err != nil {
		t.Fatal(err)
	}
	// The runtime's and the process's metrics vary run to run: the
	// golden file holds the bot's own, and the others need only be there.
	var b strings.Builder
	for _, line := range strings.SplitAfter(all.String(), "\n") {
		name := strings.TrimPrefix(strings.TrimPrefix(line, "# HELP "), "# TYPE ")
		if strings.HasPrefix(name, "handover_") {
			b.WriteString(line)
		}
	}
	for _, want := range []string{"go_goroutines ", "go_memstats_heap_alloc_bytes ", "go_gc_duration_seconds", "process_resident_memory_bytes "} {
		if !strings.Contains(all.String(), "\n"+want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	path := filepath.Join("testdata", "metrics.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("metrics mismatch (-want +got):\n%s", diff)
	}
}

func TestHealth(t *testing.T) {
	m := NewMetrics()
	h := m.Handler()
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	tests := []struct {
		name            string
		connected, load bool
		want            int
		body            string
	}{
		{"starting", false, false, 503, `{"status":"unavailable","gateway_connected":false,"index_loaded":false}`},
		{"index loading", true, false, 503, `{"status":"unavailable","gateway_connected":true,"index_loaded":false}`},
		{"gateway down", false, true, 503, `{"status":"unavailable","gateway_connected":false,"index_loaded":true}`},
		{"healthy", true, true, 200, `{"status":"ok","gateway_connected":true,"index_loaded":true}`},
	}
	for _, tt := range tests {
		m.connected.Store(tt.connected)
		m.SetIndexLoaded(tt.load)
		rec := get("/healthz")
		if rec.Code != tt.want || strings.TrimSpace(rec.Body.String()) != tt.body {
			t.Errorf("%s: /healthz = %d %s, want %d %s", tt.name, rec.Code, rec.Body, tt.want, tt.body)
		}
	}
	rec := get("/metrics")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Errorf("/metrics = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := get("/nope"); rec.Code != http.StatusNotFound {
		t.Errorf("/nope = %d", rec.Code)
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCooldownRefund(t *testing.T) {
	clock := newFakeClock()
	c := newCooldown(time.Minute, clock)
	if ok, _ := c.allow("a"); !ok {
		t.Fatal("first question refused")
	}
	c.refund("a")
	if ok, wait := c.allow("a"); !ok {
		t.Errorf("after a refund the question was refused, wait %v", wait)
	}
	if ok, _ := c.allow("a"); ok {
		t.Errorf("a question accepted and not refunded did not start the cooldown")
	}
}

// The answer budget leaves room for the model's timeout and the fallback
// after it, and fits in an interaction token's life.
func TestAnswerBudget(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		want    time.Duration
		wantErr bool
	}{
		{"default", Options{}, 2 * time.Minute, false},
		{"no model ignores the llm timeout", Options{AnswerTimeout: time.Second, LLMTimeout: time.Hour}, time.Second, false},
		{"default llm timeout", Options{LLM: true, AnswerTimeout: time.Second}, retrieval.DefaultLLMTimeout + answerMargin, false},
		{"long llm timeout", Options{LLM: true, LLMTimeout: 3 * time.Minute}, 3*time.Minute + answerMargin, false},
		{"answer timeout already enough", Options{LLM: true, LLMTimeout: time.Minute, AnswerTimeout: 5 * time.Minute}, 5 * time.Minute, false},
		{"answer timeout past the token's life", Options{AnswerTimeout: 10 * time.Minute}, 0, true},
		{"llm timeout past the token's life", Options{LLM: true, LLMTimeout: 9 * time.Minute}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Token = "t"
			b, err := New(slog.New(slog.DiscardHandler), tt.opts, newFakeAnswerer(), &fakeLibrary{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("New(%+v) error = %v, want error %v", tt.opts, err, tt.wantErr)
			}
			if err == nil && b.opts.AnswerTimeout != tt.want {
				t.Errorf("New(%+v): answer timeout %v, want %v", tt.opts, b.opts.AnswerTimeout, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	const token = "aW50ZXJhY3Rpb246MTIzOnNlY3JldA"
	tests := []struct{ in, want string }{
		{`Patch "https://discord.com/api/v10/webhooks/123/` + token + `/messages/@original": context deadline exceeded`,
			`Patch "https://discord.com/api/v10/webhooks/123/<token>/messages/@original": context deadline exceeded`},
		{`Post "https://discord.com/api/v10/interactions/456/` + token + `/callback": EOF`,
			`Post "https://discord.com/api/v10/interactions/456/<token>/callback": EOF`},
		{`Post "https://discord.com/api/v10/webhooks/123/` + token + `?wait=true": EOF`,
			`Post "https://discord.com/api/v10/webhooks/123/<token>?wait=true": EOF`},
		{"Rate limit exceeded on https://discord.com/api/v10/webhooks/123/" + token + ", retry after 1s",
			"Rate limit exceeded on https://discord.com/api/v10/webhooks/123/<token>, retry after 1s"},
		{`Post "https://discord.com/api/v10/channels/1/messages": EOF`, `Post "https://discord.com/api/v10/channels/1/messages": EOF`},
	}
	for _, tt := range tests {
		inner := &url.Error{Op: "x", URL: "u", Err: context.DeadlineExceeded}
		err := redact(fmt.Errorf("%s: %w", tt.in, inner))
		if got, want := err.Error(), tt.want+": x \"u\": context deadline exceeded"; got != want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, want)
		}
		var ue *url.Error
		if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ue) {
			t.Errorf("redact(%q) lost the error chain", tt.in)
		}
	}
	if redact(nil) != nil {
		t.Errorf("redact(nil) != nil")
	}
}
