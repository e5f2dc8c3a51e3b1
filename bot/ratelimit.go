package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Discord's REST limits, as the limiter applies them before Discord has
// to say so.
const (
	// DefaultGlobalRateLimit is Discord's global limit per bot, in requests
	// per second. Interaction callbacks are exempt.
	DefaultGlobalRateLimit = 50
	// attemptTimeout bounds one HTTP attempt; discordgo's own client
	// timeout. Waiting for a rate limit is not part of it.
	attemptTimeout = 20 * time.Second
	// maxAttempts bounds the tries of one request (429s and 5xx together),
	// a backstop behind the request's own context.
	maxAttempts = 32
	// maxServerRetries is how often a 5xx or a lost connection is retried.
	maxServerRetries = 5
	retryBase        = 100 * time.Millisecond
	retryCap         = 3 * time.Second
	// maxBuckets is how many per-route buckets are kept before those idle
	// are forgotten: every interaction token is a route of its own.
	maxBuckets = 4096
)

// limiter is an http.RoundTripper that keeps a bot within Discord's rate
// limits, in place of discordgo's own limiter, which sleeps without a
// context, holds interaction callbacks behind the global limit (Discord
// exempts them), files every interaction edit under one bucket, and
// retries only 502. Requests on one route go one at a time, as with
// discordgo, but a context can abandon the queue.
//
// It waits before a request when the route's bucket or the global limit
// is spent, and after a 429 for as long as Discord says; every wait ends
// with the request's context. It retries 5xx and lost connections with
// backoff when a retry cannot post twice: reads, edits and deletes,
// interaction callbacks (a second one is refused with 40060, which the bot
// takes as done) and new messages carrying enforce_nonce. It strips the
// rate-limit headers from what it hands back, so discordgo's limiter never
// sleeps.
type limiter struct {
	next   http.RoundTripper
	logger *slog.Logger
	global int // requests per second
	now    func() time.Time
	// retryBase is the first wait before retrying a 5xx; tests shorten it.
	retryBase time.Duration

	mu sync.Mutex
	// base ends every request, waits and retries included, when it ends,
	// whatever the request's own context: discordgo sends some requests
	// without one (the gateway discovery in Session.Open), and a shutdown
	// must not wait minutes for them.
	base        context.Context
	globalUntil time.Time // a global 429 holds everything but callbacks
	window      time.Time // start of the current global second
	windowUsed  int
	buckets     map[string]*bucket
}

// bucket is one route's rate limit, as Discord last reported it. Requests
// on a route go one at a time: lock is a semaphore that a context can
// abandon.
type bucket struct {
	lock      chan struct{}
	remaining int // -1 until Discord says
	reset     time.Time
}

func newLimiter(next http.RoundTripper, logger *slog.Logger, global int) *limiter {
	if global <= 0 {
		global = DefaultGlobalRateLimit
	}
	return &limiter{next: next, logger: logger, global: global, now: time.Now, retryBase: retryBase, buckets: map[string]*bucket{}}
}

var apiPrefixRE = regexp.MustCompile(`^/api/v\d+`)

// routeKey names the rate-limit bucket of a request: its method and path,
// with IDs other than the major parameters (channel, guild, webhook and
// its token, interaction and its token) replaced, as Discord buckets them.
func routeKey(method, p string) string {
	p = apiPrefixRE.ReplaceAllString(p, "")
	segs := strings.Split(strings.Trim(p, "/"), "/")
	keep := 0
	for i, s := range segs {
		switch {
		case keep > 0:
			keep--
		case s == "channels" || s == "guilds":
			keep = 1
		case s == "webhooks" || s == "interactions":
			keep = 2
		case i > 0 && segs[i-1] == "reactions":
			segs[i] = "{emoji}"
		case s != "" && (s[0] >= '0' && s[0] <= '9' || s == "@original"):
			segs[i] = "{id}"
		}
	}
	return method + " /" + strings.Join(segs, "/")
}

// globalExemption is how far a request is exempt from the global limit.
type globalExemption int

const (
	notExempt globalExemption = iota
	// uncounted requests do not count towards the 50 per second, but wait
	// out a global 429: interaction edits and followups, which
	// authenticate with the interaction's token, not the bot's, and which
	// Discord lists among the interaction endpoints outside the global
	// limit.
	uncounted
	// exempt requests never wait for the global limit: interaction
	// callbacks, which must beat Discord's 3 seconds.
	exempt
)

func exemption(method, p string) globalExemption {
	p = apiPrefixRE.ReplaceAllString(p, "")
	switch {
	case method == http.MethodPost && strings.HasPrefix(p, "/interactions/") && strings.HasSuffix(p, "/callback"):
		return exempt
	case strings.HasPrefix(p, "/webhooks/") && strings.Count(p, "/") >= 3:
		return uncounted
	}
	return notExempt
}

// bind makes ctx the base context of every request until unbind.
func (l *limiter) bind(ctx context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.base = ctx
}

// unbind leaves each request to its own context again.
func (l *limiter) unbind() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.base = nil
}

// requestContext is ctx, also cancelled when the base context ends.
func (l *limiter) requestContext(ctx context.Context) (context.Context, context.CancelFunc) {
	l.mu.Lock()
	base := l.base
	l.mu.Unlock()
	ctx, cancel := context.WithCancelCause(ctx)
	if base == nil {
		return ctx, func() { cancel(nil) }
	}
	stop := context.AfterFunc(base, func() { cancel(context.Cause(base)) })
	return ctx, func() {
		stop()
		cancel(nil)
	}
}

func (l *limiter) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx, cancel := l.requestContext(r.Context())
	defer cancel() // the response body is read in full before this
	r = r.WithContext(ctx)
	key := routeKey(r.Method, r.URL.Path)
	logKey := tokenPathRE.ReplaceAllString(key, "${1}<token>") // tokens never reach a log
	ex := exemption(r.Method, r.URL.Path)
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	retrySafe := r.Method != http.MethodPost || ex == exempt || bytes.Contains(body, []byte(`"enforce_nonce":true`))

	b := l.bucket(key)
	select {
	case b.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-b.lock }()

	serverRetries := 0
	for attempt := 1; ; attempt++ {
		if err := l.waitTurn(ctx, b, ex); err != nil {
			return nil, err
		}
		resp, data, err := l.attempt(r, body)
		if err == nil {
			l.learn(b, resp.Header)
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, err
		case attempt >= maxAttempts:
		case err != nil || resp.StatusCode >= 500:
			if !retrySafe || serverRetries >= maxServerRetries {
				break
			}
			serverRetries++
			status := "no response"
			if err == nil {
				status = resp.Status
			}
			l.logger.Debug("discord request failed; retrying", "route", logKey, "status", status, "err", err, "retry", serverRetries)
			if err := sleep(ctx, backoff(l.retryBase, serverRetries)); err != nil {
				return nil, err
			}
			continue
		case resp.StatusCode == http.StatusTooManyRequests:
			after, global := l.limited(b, resp, data)
			l.logger.Debug("discord rate limit", "route", logKey, "retry_after", after, "global", global)
			continue
		}
		if err != nil {
			return nil, err
		}
		stripRateLimit(resp.Header)
		resp.Body = io.NopCloser(bytes.NewReader(data))
		resp.ContentLength = int64(len(data))
		return resp, nil
	}
}

// attempt sends one try and reads the whole answer, so that a per-attempt
// timeout never outlives the request it bounds.
func (l *limiter) attempt(r *http.Request, body []byte) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(r.Context(), attemptTimeout)
	defer cancel()
	r2 := r.Clone(ctx)
	if body != nil {
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r2.ContentLength = int64(len(body))
	}
	resp, err := l.next.RoundTrip(r2)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("read response: %w", err)
	}
	return resp, data, nil
}

func (l *limiter) bucket(key string) *bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			now := l.now()
			for k, old := range l.buckets {
				if len(old.lock) == 0 && !now.Before(old.reset) {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{lock: make(chan struct{}, 1), remaining: -1}
		l.buckets[key] = b
	}
	return b
}

// waitTurn waits until the route's bucket, and the global limit as far as
// the request is subject to it, allow one more request, and takes it.
func (l *limiter) waitTurn(ctx context.Context, b *bucket, ex globalExemption) error {
	for {
		l.mu.Lock()
		now := l.now()
		var wait time.Duration
		switch {
		case b.remaining == 0 && now.Before(b.reset):
			wait = b.reset.Sub(now)
		case ex == exempt:
		case now.Before(l.globalUntil):
			wait = l.globalUntil.Sub(now)
		case ex == uncounted:
		default:
			if now.Sub(l.window) >= time.Second {
				l.window, l.windowUsed = now, 0
			}
			if l.windowUsed >= l.global {
				wait = l.window.Add(time.Second).Sub(now)
			} else {
				l.windowUsed++
			}
		}
		if wait <= 0 && b.remaining > 0 {
			b.remaining--
		}
		l.mu.Unlock()
		if wait <= 0 {
			return nil
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// learn records the bucket's state from Discord's headers.
func (l *limiter) learn(b *bucket, h http.Header) {
	rem, err1 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	after, err2 := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	if err1 != nil || err2 != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b.remaining = rem
	b.reset = l.now().Add(seconds(after))
}

// limited records a 429 and returns how long it asks to wait.
func (l *limiter) limited(b *bucket, resp *http.Response, data []byte) (time.Duration, bool) {
	var body struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	_ = json.Unmarshal(data, &body) // the headers say it too
	after := seconds(body.RetryAfter)
	if after <= 0 {
		if s, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil {
			after = seconds(s)
		}
	}
	if after <= 0 {
		after = time.Second
	}
	global := body.Global || resp.Header.Get("X-RateLimit-Global") == "true" || resp.Header.Get("X-RateLimit-Scope") == "global"
	l.mu.Lock()
	defer l.mu.Unlock()
	until := l.now().Add(after)
	if global {
		if until.After(l.globalUntil) {
			l.globalUntil = until
		}
	} else {
		b.remaining, b.reset = 0, until
	}
	return after, global
}

func stripRateLimit(h http.Header) {
	for k := range h {
		if strings.HasPrefix(k, "X-Ratelimit-") || k == "Retry-After" {
			h.Del(k)
		}
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// backoff is the wait before the nth retry of a failed request: doubling,
// capped, with jitter so that retries after one outage do not arrive
// together.
func backoff(base time.Duration, n int) time.Duration {
	d := base << (n - 1)
	if d > retryCap || d <= 0 {
		d = retryCap
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
