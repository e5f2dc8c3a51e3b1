package discordtest

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Limits is Discord's rate-limit model, for WithLimits. A request over a
// limit is answered 429 like Discord's: retry_after and global in the body,
// Retry-After and X-RateLimit-* headers. Requests within a limited route
// carry X-RateLimit-Limit, -Remaining, -Reset, -Reset-After and -Bucket.
type Limits struct {
	// Global is the requests per second one bot may make across all
	// routes; 0 means no global limit. Interaction callbacks are exempt,
	// as on Discord, even from a global 429 in force; interaction edits
	// and followups (webhook routes with the interaction's token, not the
	// bot's) do not count, but are held by a global 429.
	Global int
	// ChannelMessages is the messages a bot may create per channel per
	// ChannelWindow (Discord: 5 per 5 s); 0 means no limit.
	ChannelMessages int
	ChannelWindow   time.Duration
	// PerRoute is the requests per RouteWindow allowed on every other
	// route bucket: a route with its major parameters (channel, guild,
	// webhook and its token), so each interaction's edits have a bucket
	// of their own. 0 means no limit. Callbacks are not limited.
	PerRoute    int
	RouteWindow time.Duration
	// TimeScale multiplies every window, and the retry_after of injected
	// 429s, so that a test covers minutes of Discord's limits in seconds.
	// A bot reading the headers sees the scaled times. 0 means 1.
	TimeScale float64
}

// WithLimits makes the fake enforce Discord's rate limits.
func WithLimits(l Limits) Option {
	return func(c *config) { c.limits = l }
}

// WithSeed seeds the random choice of requests that Fault.Rate faults.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed = seed }
}

// Stats counts what the fake did to a bot's requests.
type Stats struct {
	Requests    int // REST requests received
	RateLimited int // answered 429 because a limit of WithLimits was exceeded
	Faulted     int // answered by an injected Fault
	// CallbacksWhileGlobal counts interaction callbacks received while a
	// global 429 was in force: a bot that holds callbacks behind the
	// global limit sends none.
	CallbacksWhileGlobal int
}

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Requests = len(s.requests)
	return st
}

// window is one fixed rate-limit window of a bucket.
type window struct {
	start time.Time
	used  int
}

func (c config) scale(d time.Duration) time.Duration {
	if c.limits.TimeScale <= 0 {
		return d
	}
	return time.Duration(float64(d) * c.limits.TimeScale)
}

func isCallbackRoute(route string) bool { return route == RouteInteractionCallback }

// bucketKey is the route with its major parameters filled in.
func bucketKey(req *Request) string {
	key := req.Route
	for _, p := range []string{"channel", "guild", "application", "token"} {
		if v, ok := req.Params[p]; ok {
			key = strings.Replace(key, "{"+p+"}", v, 1)
		}
	}
	return key
}

// limit applies the rate-limit model to req, filling headers, and reports
// whether it answered 429. s.mu must be held.
func (s *Server) limit(req *Request, h http.Header, status *int, resp *any) bool {
	l := s.cfg.limits
	now := req.At
	if isCallbackRoute(req.Route) {
		if now.Before(s.globalUntil) {
			s.stats.CallbacksWhileGlobal++
		}
		return false
	}
	if l.Global > 0 {
		if now.Before(s.globalUntil) {
			s.tooMany(h, status, resp, s.globalUntil.Sub(now), true, "")
			s.stats.RateLimited++
			return true
		}
		w := &s.global
		if req.Params["token"] != "" {
			goto route // authenticated by the interaction's token
		}
		if now.Sub(w.start) >= s.cfg.scale(time.Second) {
			*w = window{start: now}
		}
		if w.used >= l.Global {
			wait := w.start.Add(s.cfg.scale(time.Second)).Sub(now)
			s.globalUntil = now.Add(wait)
			s.tooMany(h, status, resp, wait, true, "")
			s.stats.RateLimited++
			return true
		}
		w.used++
	}
route:
	limit, span := l.PerRoute, l.RouteWindow
	if req.Route == RouteCreateMessage && l.ChannelMessages > 0 {
		limit, span = l.ChannelMessages, l.ChannelWindow
	}
	if limit <= 0 || req.Route == "" {
		return false
	}
	if span <= 0 {
		span = 5 * time.Second
	}
	span = s.cfg.scale(span)
	key := bucketKey(req)
	w := s.buckets[key]
	if w == nil || now.Sub(w.start) >= span {
		w = &window{start: now}
		s.buckets[key] = w
	}
	bucket := bucketHash(key)
	resetAfter := w.start.Add(span).Sub(now)
	if w.used >= limit {
		s.tooMany(h, status, resp, resetAfter, false, bucket)
		h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
		s.stats.RateLimited++
		return true
	}
	w.used++
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(limit-w.used))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(now.Add(resetAfter).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(resetAfter.Seconds(), 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", bucket)
	return false
}

// tooMany answers 429 as Discord does. s.mu must be held.
func (s *Server) tooMany(h http.Header, status *int, resp *any, after time.Duration, global bool, bucket string) {
	secs := math.Max(after.Seconds(), 0.001)
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	if global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
		if until := time.Now().Add(after); until.After(s.globalUntil) {
			s.globalUntil = until
		}
	} else {
		h.Set("X-RateLimit-Scope", "user")
		if bucket == "" {
			bucket = "fake" + randomHex(8)
		}
		h.Set("X-RateLimit-Bucket", bucket)
	}
	*status = http.StatusTooManyRequests
	*resp = map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": global}
}

func bucketHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}
