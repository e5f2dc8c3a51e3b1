package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestRouteKey(t *testing.T) {
	tests := []struct{ method, path, want string }{
		{"POST", "/api/v10/channels/11/messages", "POST /channels/11/messages"},
		{"PATCH", "/api/v10/channels/11/messages/22", "PATCH /channels/11/messages/{id}"},
		{"PUT", "/api/v10/channels/11/messages/22/reactions/%E2%8F%B3/@me", "PUT /channels/11/messages/{id}/reactions/{emoji}/@me"},
		{"PATCH", "/api/v10/webhooks/7/tok-a/messages/@original", "PATCH /webhooks/7/tok-a/messages/{id}"},
		{"POST", "/api/v10/webhooks/7/tok-a", "POST /webhooks/7/tok-a"},
		{"POST", "/api/v10/interactions/33/tok-b/callback", "POST /interactions/33/tok-b/callback"},
		{"PUT", "/api/v10/applications/7/guilds/8/commands", "PUT /applications/{id}/guilds/8/commands"},
	}
	for _, tt := range tests {
		if got := routeKey(tt.method, tt.path); got != tt.want {
			t.Errorf("routeKey(%s %s) = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

// scriptedDiscord answers each request with the next status scripted for
// its path (200 once the script runs out) and announces every request.
type scriptedDiscord struct {
	mu     sync.Mutex
	script map[string][]scripted
	seen   chan string // "METHOD path status"
}

type scripted struct {
	status int
	body   string
	header map[string]string
}

func (d *scriptedDiscord) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
	}
	d.mu.Lock()
	next := scripted{status: 200, body: `{}`}
	if s := d.script[r.URL.Path]; len(s) > 0 {
		next, d.script[r.URL.Path] = s[0], s[1:]
	}
	d.mu.Unlock()
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range next.header {
		h.Set(k, v)
	}
	d.seen <- r.Method + " " + r.URL.Path + " " + http.StatusText(next.status)
	return &http.Response{StatusCode: next.status, Status: http.StatusText(next.status), Header: h, Body: io.NopCloser(strings.NewReader(next.body)), Request: r}, nil
}

func newScripted(script map[string][]scripted) *scriptedDiscord {
	return &scriptedDiscord{script: script, seen: make(chan string, 100)}
}

func tooMany(after string, global bool) scripted {
	g := "false"
	if global {
		g = "true"
	}
	return scripted{status: 429, body: `{"message":"You are being rate limited.","retry_after":` + after + `,"global":` + g + `}`,
		header: map[string]string{"Retry-After": after, "X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": after}}
}

func do(ctx context.Context, c *http.Client, method, path, body string) (int, http.Header, error) {
	req, _ := http.NewRequestWithContext(ctx, method, "https://discord.com"+path, strings.NewReader(body))
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header, nil
}

func TestLimiterRetries(t *testing.T) {
	const edit, send = "/api/v10/webhooks/7/tok/messages/@original", "/api/v10/channels/1/messages"
	tests := []struct {
		name         string
		method, path string
		body         string
		script       []scripted
		wantStatus   int
		wantAttempts int
	}{
		{"429 is waited out", "PATCH", edit, `{}`, []scripted{tooMany("0.01", false)}, 200, 2},
		{"global 429 is waited out", "PATCH", edit, `{}`, []scripted{tooMany("0.01", true)}, 200, 2},
		{"edit retried after 500", "PATCH", edit, `{}`, []scripted{{status: 500}, {status: 503}}, 200, 3},
		{"new message without nonce not retried", "POST", send, `{"content":"x"}`, []scripted{{status: 500}}, 500, 1},
		{"new message with enforced nonce retried", "POST", send, `{"content":"x","nonce":"1","enforce_nonce":true}`, []scripted{{status: 500}}, 200, 2},
		{"callback retried", "POST", "/api/v10/interactions/1/tok/callback", `{"type":5}`, []scripted{{status: 502}}, 200, 2},
		{"gives up after five retries", "PATCH", edit, `{}`, []scripted{{status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 500}}, 500, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newScripted(map[string][]scripted{tt.path: tt.script})
			l := newLimiter(d, slog.New(slog.DiscardHandler), 0)
			l.retryBase = time.Millisecond
			c := &http.Client{Transport: l}
			status, h, err := do(testContext(t), c, tt.method, tt.path, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if status != tt.wantStatus || len(d.seen) != tt.wantAttempts {
				t.Errorf("status %d after %d attempts, want %d after %d", status, len(d.seen), tt.wantStatus, tt.wantAttempts)
			}
			for k := range h {
				if strings.HasPrefix(k, "X-Ratelimit") || k == "Retry-After" {
					t.Errorf("header %s reached discordgo, whose limiter would sleep on it", k)
				}
			}
		})
	}
}

// TestLimiterWaitsPerRouteAndHonoursContext: a long 429 on one interaction's
// edit holds that interaction only; the global limit never holds callbacks;
// and every wait ends with its context. It runs in a synctest bubble, so
// that each request is known to be waiting (synctest.Wait) before its
// context is cancelled: cancelled earlier, it would fail for the context
// alone and prove nothing.
func TestLimiterWaitsPerRouteAndHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const editA, editB = "/api/v10/webhooks/7/tok-a/messages/@original", "/api/v10/webhooks/7/tok-b/messages/@original"
		const callback, typing = "/api/v10/interactions/9/tok-c/callback", "/api/v10/channels/1/typing"
		d := newScripted(map[string][]scripted{editA: {tooMany("60", false)}, typing: {tooMany("60", true)}})
		c := &http.Client{Transport: newLimiter(d, slog.New(slog.DiscardHandler), 0)}
		ctx := t.Context()

		waitA, cancelA := context.WithCancel(ctx)
		errA := make(chan error, 1)
		go func() { _, _, err := do(waitA, c, "PATCH", editA, `{}`); errA <- err }()
		if got := <-d.seen; !strings.Contains(got, "Too Many") {
			t.Fatalf("first request %q, want a 429", got)
		}
		if status, _, err := do(ctx, c, "PATCH", editB, `{}`); err != nil || status != 200 {
			t.Errorf("another interaction's edit waited behind a 429: %d %v", status, err)
		}
		<-d.seen

		// A global 429 holds everything but interaction callbacks.
		held, cancelHeld := context.WithCancel(ctx)
		errTyping, errEdit := make(chan error, 1), make(chan error, 1)
		go func() { _, _, err := do(held, c, "POST", typing, ``); errTyping <- err }()
		if got := <-d.seen; !strings.Contains(got, "Too Many") {
			t.Fatalf("typing %q, want a global 429", got)
		}
		if status, _, err := do(ctx, c, "POST", callback, `{"type":5}`); err != nil || status != 200 {
			t.Errorf("callback held by the global limit: %d %v", status, err)
		}
		<-d.seen
		// The typing request's goroutine reads the 429 after the server
		// has sent it: wait until it is blocked in its retry, the global
		// limit recorded, before the edit is sent (sent sooner, under
		// load it passed before the limit was set).
		synctest.Wait()
		go func() { _, _, err := do(held, c, "PATCH", editB, `{}`); errEdit <- err }()

		// Every request is now blocked in the limiter, and the bubble's
		// clock stands still until they are: none of the 60 s has passed.
		synctest.Wait()
		for name, ch := range map[string]chan error{"429 wait": errA, "global wait (retry)": errTyping, "global wait": errEdit} {
			select {
			case err := <-ch:
				t.Fatalf("%s ended before its context did: %v", name, err)
			default:
			}
		}
		cancelA()
		cancelHeld()
		for name, ch := range map[string]chan error{"429 wait": errA, "global wait (retry)": errTyping, "global wait": errEdit} {
			if err := <-ch; !errors.Is(err, context.Canceled) {
				t.Errorf("%s ended with %v, want context.Canceled", name, err)
			}
		}
		if len(d.seen) != 0 {
			t.Errorf("requests sent while limited: %q", <-d.seen)
		}
	})
}
