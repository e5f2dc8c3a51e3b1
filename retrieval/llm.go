package retrieval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// DefaultLLMTimeout is the whole-answer deadline when LLMConfig.Timeout is
// zero.
const DefaultLLMTimeout = 30 * time.Second

// Retry backoff when the server does not say how long to wait.
const (
	retryBase = 500 * time.Millisecond
	retryMax  = 8 * time.Second
)

// Notes shown under an answer when the model's answer could not be used.
const (
	noteUnavailable = "The language model was unavailable, so this answer quotes the articles directly."
	noteUnverified  = "The model cited none of the passages it was given: this answer is unchecked, and the sources below are the retrieved evidence."
	noteUncited     = "The model's answer cited none of the passages, and nothing else supports it, so it is not shown."
	noteTruncated   = "The model's answer was cut short at its length limit; what it said before that is shown."
	noteMisquoted   = "The model's answer quoted words the articles do not contain, so this answer quotes the articles directly."
)

// LLMConfig configures the model.
type LLMConfig struct {
	// BaseURL is an OpenAI-compatible API base including /v1: OpenAI,
	// Ollama at http://localhost:11434/v1, llama.cpp's server, vLLM.
	BaseURL string
	Model   string
	// APIKey is sent as a bearer token. It comes from OPENAI_API_KEY only
	// and may be empty: local servers need none.
	APIKey string
	// Timeout bounds a whole answer, retries included; zero means
	// DefaultLLMTimeout.
	Timeout time.Duration
	// MaxTokens bounds the answer's length; zero means the server default.
	MaxTokens int
	// Temperature is sent as given, 0 included; nil leaves it to the
	// server. Reasoning models (OpenAI's o-series, gpt-5) take only 1.
	Temperature *float32
	// MaxRetries is how many times a 429, a 5xx or a failed connection is
	// retried within Timeout.
	MaxRetries int
	// HTTPClient is used when set, for tests; otherwise a new client.
	HTTPClient *http.Client
}

// String describes the configuration without its API key, so printing it
// cannot leak the key.
func (c LLMConfig) String() string {
	temp := "server default"
	if c.Temperature != nil {
		temp = strconv.FormatFloat(float64(*c.Temperature), 'g', -1, 32)
	}
	return fmt.Sprintf("llm{base_url: %s, model: %s, api_key: %s, timeout: %s, max_tokens: %d, temperature: %s, max_retries: %d}",
		redactURL(c.BaseURL), c.Model, keyState(c.APIKey), c.Timeout, c.MaxTokens, temp, c.MaxRetries)
}

// LogValue logs the configuration without its API key.
func (c LLMConfig) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("base_url", redactURL(c.BaseURL)),
		slog.String("model", c.Model),
		slog.String("api_key", keyState(c.APIKey)),
		slog.Duration("timeout", c.Timeout),
		slog.Int("max_tokens", c.MaxTokens),
		slog.Int("max_retries", c.MaxRetries),
	}
	if c.Temperature != nil {
		attrs = append(attrs, slog.Float64("temperature", float64(*c.Temperature)))
	}
	return slog.GroupValue(attrs...)
}

func keyState(key string) string {
	if key == "" {
		return "unset"
	}
	return "set"
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		// Unparsable, perhaps because of what the password holds ("%t",
		// "{"): everything between the scheme and the last "@" may be a
		// credential.
		at := strings.LastIndex(s, "@")
		if at < 0 {
			return s
		}
		start := 0
		if i := strings.Index(s, "://"); i >= 0 && i < at {
			start = i + len("://")
		}
		return s[:start] + "xxxxx" + s[at:]
	}
	if u.User == nil {
		return s
	}
	return u.Redacted()
}

// LLM is a chat model behind an OpenAI-compatible API. It is safe for
// concurrent use.
type LLM struct {
	logger      *slog.Logger
	client      *openai.Client
	model       string
	timeout     time.Duration
	maxTokens   int
	temperature *float32
	maxRetries  int
	secret      string // only to scrub it from error text
	// sleep waits between attempts; tests replace it to record the waits
	// instead of taking them.
	sleep func(ctx context.Context, d time.Duration) error
	// bareThink is set once a reply of this model has opened with its
	// reasoning and no "<think>" (see visibleText): from then on its
	// streamed previews wait for the "</think>" (see stream).
	bareThink atomic.Bool
}

// NewLLM returns a client for the model cfg describes. It checks the
// configuration, reporting every problem at once, and makes no request.
func NewLLM(logger *slog.Logger, cfg LLMConfig) (*LLM, error) {
	var errs []error
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base URL %q is not an http or https URL", redactURL(cfg.BaseURL)))
	}
	if strings.TrimSpace(cfg.Model) == "" {
		errs = append(errs, errors.New("model is empty"))
	}
	if cfg.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %s is negative", cfg.Timeout))
	}
	if cfg.MaxTokens < 0 {
		errs = append(errs, fmt.Errorf("max tokens %d is negative", cfg.MaxTokens))
	}
	if cfg.MaxRetries < 0 {
		errs = append(errs, fmt.Errorf("max retries %d is negative", cfg.MaxRetries))
	}
	if t := cfg.Temperature; t != nil && (*t < 0 || *t > 2) {
		errs = append(errs, fmt.Errorf("temperature %g is outside 0..2", *t))
	}
	// OpenAI rejects every request to a reasoning model that sets another
	// temperature; better to hear it at start than on every question.
	badReasoningTemp := cfg.Temperature != nil && *cfg.Temperature != 1 && reasoningModel(cfg.Model)
	if badReasoningTemp {
		errs = append(errs, fmt.Errorf("temperature %g: model %s is a reasoning model, which takes only the default temperature 1; leave temperature unset", *cfg.Temperature, cfg.Model))
	}
	l := &LLM{
		logger:      logger,
		model:       cfg.Model,
		timeout:     cfg.Timeout,
		maxTokens:   cfg.MaxTokens,
		temperature: cfg.Temperature,
		maxRetries:  cfg.MaxRetries,
		secret:      cfg.APIKey,
		sleep:       sleepContext,
	}
	if l.timeout == 0 {
		l.timeout = DefaultLLMTimeout
	}
	// go-openai rejects some parameters for its reasoning models before
	// sending anything; better to hear it now than on every question.
	check := l.request(prompt{})
	if badReasoningTemp {
		check.Temperature = 0 // reported above, more plainly
	}
	if err := openai.NewReasoningValidator().Validate(check); err != nil {
		errs = append(errs, fmt.Errorf("model %s: %w", cfg.Model, err))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("llm config: %w", errors.Join(errs...))
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	// A reasoning model never gets "temperature": 0, whatever slipped past
	// the checks above: the API rejects it.
	zero := cfg.Temperature != nil && *cfg.Temperature == 0 && !reasoningModel(cfg.Model)
	oc.HTTPClient = llmDoer{client: hc, zeroTemperature: zero}
	l.client = openai.NewClientWithConfig(oc)
	return l, nil
}

// reasoningModel reports whether go-openai treats model as a reasoning
// model, which takes max_completion_tokens instead of max_tokens.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// request is the chat request for p. Temperature 0 is left to llmDoer:
// go-openai's omitempty would drop it here.
func (l *LLM) request(p prompt) openai.ChatCompletionRequest {
	r := openai.ChatCompletionRequest{
		Model: l.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: p.system},
			{Role: openai.ChatMessageRoleUser, Content: p.user},
		},
	}
	if reasoningModel(l.model) {
		r.MaxCompletionTokens = l.maxTokens
	} else {
		r.MaxTokens = l.maxTokens
	}
	if l.temperature != nil {
		r.Temperature = *l.temperature
	}
	return r
}

// llmDoer is the HTTP client go-openai sends through. It puts a configured
// temperature of 0 into the request body, where go-openai's omitempty
// leaves it out (and the server would use its default, 0.8 or 1, instead),
// and it keeps each response's Retry-After header, which go-openai's
// errors do not carry, for the retry loop.
type llmDoer struct {
	client          *http.Client
	zeroTemperature bool
}

// attemptKey is the context key for the *attemptInfo of one request.
type attemptKey struct{}

// attemptInfo is what llmDoer saw of one response.
type attemptInfo struct {
	retryAfter string
}

func (d llmDoer) Do(req *http.Request) (*http.Response, error) {
	if d.zeroTemperature && req.Body != nil && req.Method == http.MethodPost {
		r, err := withZeroTemperature(req)
		if err != nil {
			return nil, err
		}
		req = r
	}
	resp, err := d.client.Do(req)
	if info, ok := req.Context().Value(attemptKey{}).(*attemptInfo); ok && resp != nil {
		info.retryAfter = resp.Header.Get("Retry-After")
		if info.retryAfter == "" {
			if ms, err := strconv.Atoi(resp.Header.Get("Retry-After-Ms")); err == nil && ms >= 0 {
				info.retryAfter = strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64)
			}
		}
	}
	return resp, err
}

// withZeroTemperature returns a copy of req whose JSON body has
// "temperature": 0.
func withZeroTemperature(req *http.Request) (*http.Request, error) {
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, fmt.Errorf("set temperature 0: %w", err)
	}
	if _, ok := fields["temperature"]; !ok {
		fields["temperature"] = json.RawMessage("0")
		if body, err = json.Marshal(fields); err != nil {
			return nil, fmt.Errorf("set temperature 0: %w", err)
		}
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return r, nil
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// thinkHold is how much of a streamed reply with no "</think>" is held
// back before previews start, once the model has shown that it reasons
// without an opening tag: the reasoning of R1-style models runs to
// thousands of characters, and a reply that has not ended it within this
// much is taken for an answer.
const thinkHold = 2048

// completion is a model's whole answer.
type completion struct {
	text             string
	finish           string
	attempts         int
	promptTokens     int
	completionTokens int
}

// Errors of a reply that cannot be used.
var (
	errNoChoices    = errors.New("the reply has no choices")
	errEmptyAnswer  = errors.New("the reply is empty")
	errStreamBroken = errors.New("the stream broke off")
)

// complete asks the model, retrying a 429, a 5xx or a failed connection
// until ctx's deadline or maxRetries. A stream that has started is never
// retried: the reader has seen part of it. onPartial, when set, streams
// the answer.
func (l *LLM) complete(ctx context.Context, p prompt, onPartial func(string)) (completion, error) {
	req := l.request(p)
	for attempt := 0; ; attempt++ {
		info := &attemptInfo{}
		actx := context.WithValue(ctx, attemptKey{}, info)
		var c completion
		var err error
		if onPartial != nil {
			c, err = l.stream(actx, req, onPartial)
		} else {
			c, err = l.once(actx, req)
		}
		c.attempts = attempt + 1
		if bareThink(c.text) {
			l.bareThink.Store(true)
		}
		if err == nil {
			return c, nil
		}
		if attempt >= l.maxRetries || !retryable(ctx, err) {
			return c, err
		}
		d := retryDelay(attempt, info.retryAfter, time.Now())
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return c, fmt.Errorf("%w (a retry in %s would miss the deadline)", err, d.Round(time.Millisecond))
		}
		if err := l.sleep(ctx, d); err != nil {
			return c, fmt.Errorf("wait to retry: %w", err)
		}
	}
}

// once asks for the answer in one reply.
func (l *LLM) once(ctx context.Context, req openai.ChatCompletionRequest) (completion, error) {
	resp, err := l.client.CreateChatCompletion(ctx, req)
	if err != nil {
		return completion{}, fmt.Errorf("chat completion: %w", err)
	}
	c := completion{promptTokens: resp.Usage.PromptTokens, completionTokens: resp.Usage.CompletionTokens}
	if len(resp.Choices) == 0 {
		return c, fmt.Errorf("chat completion: %w", errNoChoices)
	}
	c.text = resp.Choices[0].Message.Content
	c.finish = string(resp.Choices[0].FinishReason)
	return c, usable(c)
}

// stream asks for the answer as a stream, calling onPartial with the text
// so far as it grows.
func (l *LLM) stream(ctx context.Context, req openai.ChatCompletionRequest, onPartial func(string)) (completion, error) {
	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	s, err := l.client.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return completion{}, fmt.Errorf("chat completion stream: %w", err)
	}
	defer s.Close()
	var c completion
	var b strings.Builder
	shown := ""
	// A reply may be reasoning with no opening tag (see visibleText), and
	// nothing shows that but a "</think>" to come. A model is taken not to
	// reason so until one of its replies does: then that reply's previews
	// stop (the reader saw reasoning; the answer replaces it), and the
	// model's later replies are previewed only after their "</think>", or
	// after thinkHold bytes without one. Holding every reply back would
	// show most answers, which are short, only when done.
	hold := l.bareThink.Load()
	stopped := false
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return c, fmt.Errorf("chat completion stream: %w: %w", errStreamBroken, err)
		}
		if chunk.Usage != nil {
			c.promptTokens, c.completionTokens = chunk.Usage.PromptTokens, chunk.Usage.CompletionTokens
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			b.WriteString(ch.Delta.Content)
			if ch.FinishReason != "" {
				c.finish = string(ch.FinishReason)
			}
		}
		raw := b.String()
		if stopped || hold && len(raw) < thinkHold && !strings.Contains(raw, "</think>") {
			continue
		}
		if !hold && bareThink(raw) {
			l.bareThink.Store(true)
			stopped = true
			continue
		}
		if v := visibleText(raw); v != shown && v != "" {
			shown = v
			onPartial(v)
		}
	}
	c.text = b.String()
	// go-openai reports a stream that stops without [DONE] as a clean end,
	// so only a finish reason shows the model finished.
	if c.finish == "" {
		return c, fmt.Errorf("chat completion stream: %w: it ended without a finish reason", errStreamBroken)
	}
	return c, usable(c)
}

// usable checks a finished reply.
func usable(c completion) error {
	switch {
	case c.finish == string(openai.FinishReasonContentFilter):
		return errors.New("the reply was withheld by the server's content filter")
	case visibleText(c.text) == "":
		// The finish reason says why: "length" when a reasoning model
		// spent every token on its reasoning.
		return fmt.Errorf("%w (finish reason %q)", errEmptyAnswer, c.finish)
	}
	return nil
}

// retryable reports whether another attempt may succeed: the server was
// busy, failed, or could not be reached, and the caller still waits.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, errStreamBroken) {
		return false
	}
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		// OpenAI sends 429 insufficient_quota when billing is exhausted:
		// no wait clears it.
		if apiErr.Type == "insufficient_quota" || apiErr.Code == "insufficient_quota" {
			return false
		}
		return apiErr.HTTPStatusCode == http.StatusTooManyRequests || apiErr.HTTPStatusCode >= 500
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode == http.StatusTooManyRequests || reqErr.HTTPStatusCode >= 500
	}
	var urlErr *url.Error
	return errors.As(err, &urlErr)
}

// retryDelay is how long to wait before attempt+1: what the server's
// Retry-After asks (seconds or an HTTP date), else exponential backoff.
func retryDelay(attempt int, retryAfter string, now time.Time) time.Duration {
	if s := strings.TrimSpace(retryAfter); s != "" {
		if secs, err := strconv.ParseFloat(s, 64); err == nil && secs >= 0 && secs < 1e6 {
			return time.Duration(secs * float64(time.Second))
		}
		if t, err := http.ParseTime(s); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	d := retryBase << min(attempt, 10)
	return min(d, retryMax)
}

// secretRe matches bearer tokens and OpenAI-style keys, which a server may
// echo in an error.
var secretRe = regexp.MustCompile(`(?i)bearer\s+\S+|\bsk-[A-Za-z0-9_\-]{8,}`)

// redact removes key, bearer tokens and OpenAI-style keys from s: a
// server may echo the request's headers in its error body.
func redact(s, key string) string {
	if key != "" {
		s = strings.ReplaceAll(s, key, "[redacted]")
	}
	return secretRe.ReplaceAllString(s, "[redacted]")
}

// scrub makes error text safe to log: go-openai's errors include the
// server's reply, which may echo the request or the key.
func (l *LLM) scrub(err error) string {
	s := redact(err.Error(), l.secret)
	const maxLen = 300
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// answerLLM asks the model to answer from the best passages and checks its
// citations. Whatever goes wrong, the reader gets an answer: fallback, the
// extractive one, with a note.
func (e *Engine) answerLLM(ctx context.Context, req Request, positions []int, fallback Answer) Answer {
	l := e.opts.LLM
	start := time.Now()
	if len(positions) == 0 {
		// Nothing to ground an answer on: the extractive answer abstains.
		l.logger.Info("llm skipped", "model", l.model, "outcome", "no passages")
		return fallback
	}
	p, err := e.index.buildPrompt(fallback.Question, req.History, positions)
	if err != nil {
		l.logger.Warn("llm unavailable", "model", l.model, "outcome", "failed", "err", l.scrub(err))
		return unavailable(fallback)
	}
	l.logger.Debug("llm prompt", "model", l.model, "passages", len(positions),
		"prompt_chars", len(p.system)+len(p.user), "question_chars", len(fallback.Question))

	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	c, err := l.complete(ctx, p, req.OnPartial)
	attrs := []any{"model", l.model, "latency", time.Since(start).Round(time.Millisecond), "attempts", c.attempts}
	if c.promptTokens > 0 || c.completionTokens > 0 {
		attrs = append(attrs, "prompt_tokens", c.promptTokens, "completion_tokens", c.completionTokens)
	}
	if err != nil {
		l.logger.Warn("llm unavailable", append(attrs, "outcome", "failed", "err", l.scrub(err))...)
		return unavailable(fallback)
	}
	text := visibleText(c.text)
	truncated := c.finish == string(openai.FinishReasonLength)
	if truncated {
		// Cut off at max_tokens: its last sentence is unfinished, and may
		// say the opposite of what it was going to.
		text = completeSentences(normaliseMarkers(text))
		if text == "" {
			err := errors.New(`the reply was cut at the length limit (finish reason "length") before its first sentence ended`)
			l.logger.Warn("llm unavailable", append(attrs, "outcome", "failed", "err", err)...)
			return unavailable(fallback)
		}
	}
	a, outcome := e.index.checkAnswer(text, p.passages, fallback)
	if truncated {
		outcome += ", truncated"
		if a.Mode == ModeLLM && !a.Abstained {
			a.Note = strings.TrimSpace(a.Note + " " + noteTruncated)
		}
	}
	l.logger.Info("llm answer", append(attrs, "outcome", outcome)...)
	return a
}

// sentenceClosers may follow a sentence's final mark and belong to it.
const sentenceClosers = `"')’”»`

// completeSentences is text up to the end of its last complete sentence,
// "" when it has none. A sentence is complete at a full stop, question or
// exclamation mark or ellipsis, with any closing quotes and the citation
// markers after it, followed by a blank or the end; or at a line break,
// which ends list items and paragraphs written without a full stop.
func completeSentences(text string) string {
	cut := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == '\n' {
			cut = i - size
			continue
		}
		if !strings.ContainsRune(".!?…", r) {
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !strings.ContainsRune(sentenceClosers, r) {
				break
			}
			j += size
		}
		for {
			k := j
			for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
				k++
			}
			if k == len(text) || text[k] != '[' {
				break
			}
			_, end, ok := scanMarker(text, k)
			if !ok {
				break
			}
			j = end
		}
		if r == '.' && abbreviation(text[:i-size], text[j:]) || quotationOpen(text[:j]) {
			// "The U.S. government", "on Oct. 1": no sentence ends
			// there; nor inside a quotation, whose closing mark a cut
			// would drop and leave unchecked (see quotations).
			continue
		}
		if j == len(text) {
			cut = j
			break
		}
		if r, _ := utf8.DecodeRuneInString(text[j:]); unicode.IsSpace(r) {
			cut = j
		}
	}
	return strings.TrimSpace(text[:cut])
}

// abbreviations end with a full stop that ends no sentence: titles and
// months as English writes them short.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "jr": true, "sr": true,
	"gen": true, "gov": true, "sen": true, "rep": true, "vs": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// abbreviation reports whether a full stop between before and after
// ends an abbreviation rather than a sentence: after a single letter
// ("U.S.", an initial) or a word of abbreviations, or before a word in
// lower case or a number.
func abbreviation(before, after string) bool {
	k := len(before)
	for k > 0 {
		r, size := utf8.DecodeLastRuneInString(before[:k])
		if !unicode.IsLetter(r) {
			break
		}
		k -= size
	}
	word := before[k:]
	if utf8.RuneCountInString(word) == 1 || abbreviations[strings.ToLower(word)] {
		return true
	}
	rest := strings.TrimLeft(after, " \t")
	r, _ := utf8.DecodeRuneInString(rest)
	return rest != "" && (unicode.IsLower(r) || unicode.IsDigit(r))
}

// quotationOpen reports whether a model's text leaves a quotation open:
// an odd number of double quote marks, of whatever kind (see quotations).
func quotationOpen(text string) bool {
	n := 0
	for _, r := range text {
		if strings.ContainsRune(quoteMarks, r) {
			n++
		}
	}
	return n%2 == 1
}

// unavailable is the extractive fallback, noted as such.
func unavailable(fallback Answer) Answer {
	a := fallback
	a.Mode = ModeExtractive
	a.Note = strings.TrimSpace(a.Note + " " + noteUnavailable)
	return a
}

// checkAnswer turns a model's visible text into an Answer: an abstention,
// a cited answer whose sources are exactly the passages it cites, or an
// uncited one flagged Unverified with the extractive evidence as its
// sources; or, when it quotes words the passages do not hold, the
// extractive answer. passages are the positions numbered [1]..[n] in the
// prompt.
func (ix *Index) checkAnswer(text string, passages []int, fallback Answer) (Answer, string) {
	abstain := Answer{Question: fallback.Question, Text: dontSay, Abstained: true, Mode: ModeLLM, Citations: []Citation{}}
	if isDontSay(text, false) {
		return abstain, "abstained"
	}
	out, cited := checkCitations(text, len(passages))
	out = strings.TrimSpace(out)
	if len(cited) == 0 {
		switch {
		case isDontSay(text, true):
			return abstain, "abstained"
		case fallback.Abstained:
			a := fallback
			a.Note = noteUncited
			return a, "uncited, abstained"
		}
		if !ix.quotesFound(out, passages) {
			return misquoted(fallback), "unverified, misquoted"
		}
		return Answer{
			Question:   fallback.Question,
			Text:       out,
			Mode:       ModeLLM,
			Citations:  fallback.Citations,
			Note:       noteUnverified,
			Unverified: true,
		}, "unverified"
	}
	if !ix.quotesFound(out, passages) {
		return misquoted(fallback), "misquoted"
	}
	a := Answer{Question: fallback.Question, Text: out, Mode: ModeLLM, Citations: make([]Citation, 0, len(cited))}
	for i, n := range cited {
		a.Citations = append(a.Citations, ix.citation(i+1, passages[n-1]))
	}
	return a, "answered"
}

// misquoted is the extractive fallback for a model answer that quoted
// words the passages do not hold: a made-up quotation is the claim a
// reader is most likely to repeat as fact.
func misquoted(fallback Answer) Answer {
	a := fallback
	a.Mode = ModeExtractive
	a.Note = strings.TrimSpace(a.Note + " " + noteMisquoted)
	return a
}

// minQuoteWords is the shortest quotation checked: shorter ones are as
// often a term in scare quotes ("the "grey zone"") as words put in
// someone's mouth.
const minQuoteWords = 4

var (
	// quoteMarks are the double quote marks a model may open or close a
	// quotation with, in any pairing ("„…“", "“…\"", "«…»").
	quoteMarks = "\"“”„«»"
	// ellipsisRe matches where a quotation leaves words out.
	ellipsisRe = regexp.MustCompile(`\[(?:…|\.\.\.)\]|…|\.\.\.|\. \. \.`)
)

// quotations returns the quotations of text: the words between a double
// quote mark and the next, of whatever kind; a quotation left open runs
// to the end of its paragraph.
func quotations(text string) []string {
	var out []string
	start := -1
	for i, r := range text {
		switch {
		case strings.ContainsRune(quoteMarks, r) && start < 0:
			start = i + utf8.RuneLen(r)
		case strings.ContainsRune(quoteMarks, r):
			out = append(out, text[start:i])
			start = -1
		case r == '\n' && start >= 0 && strings.HasPrefix(text[i:], "\n\n"):
			out = append(out, text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, text[start:])
	}
	return out
}

// quoteWords is s as quotations are compared: its words (letters,
// digits and apostrophes, which are made one kind), lower case, one space
// apart, framed by spaces. Punctuation, dashes of every length and quote
// marks are word breaks, so a quotation running over two sentences, or
// written with another dash, is found all the same.
func quoteWords(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	word := false
	for _, r := range strings.ToLower(s) {
		switch {
		case strings.ContainsRune("'’‘‛`´", r):
			r = '\''
			fallthrough
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			word = true
		case word:
			b.WriteByte(' ')
			word = false
		}
	}
	if word {
		b.WriteByte(' ')
	}
	return b.String()
}

// quotesFound reports whether every quotation of minQuoteWords words or
// more in text appears in the passages the model was given, or in their
// articles' titles, which the prompt shows too. The passages are searched
// together, in prompt order, so a quotation over consecutive sentences
// is found; a quotation is not matched to the passages its sentence
// cites, which would miss one cited a sentence later. An ellipsis splits
// a quotation into parts, each of which must be found.
func (ix *Index) quotesFound(text string, passages []int) bool {
	var hay strings.Builder
	var docs []string
	for _, pos := range passages {
		p := ix.passages[pos]
		hay.WriteString(p.Text)
		hay.WriteString(" ")
		if !slices.Contains(docs, p.Doc) {
			docs = append(docs, p.Doc)
		}
	}
	// The titles apart from the passages and one another, so that no
	// quotation is found across two of them.
	h := quoteWords(hay.String())
	for _, doc := range docs {
		h += "|" + quoteWords(ix.docs[doc].title)
	}
	for _, q := range quotations(text) {
		q = StripMarkers(q)
		if len(strings.Fields(q)) < minQuoteWords {
			continue
		}
		for _, part := range ellipsisRe.Split(q, -1) {
			if part = quoteWords(part); strings.TrimSpace(part) != "" && !strings.Contains(h, part) {
				return false
			}
		}
	}
	return true
}
