// Package discordtest owns a local fake of Discord's REST API and websocket
// gateway, in the spirit of net/http/httptest. A real *discordgo.Session
// connects to it over loopback: its REST calls go through Server.Client,
// which rewrites https://discord.com to the fake, and Session.Open discovers
// the fake's gateway through GET /gateway.
//
// The fake records every request, enforces Discord's message and interaction
// limits (answering 400 like Discord does), applies Discord's rate limits
// when asked (WithLimits: a global bucket that exempts interaction
// callbacks, per-route buckets with X-RateLimit-* headers, 5 messages per 5 s
// per channel, all on a configurable time scale), injects 429s, 5xx and
// malformed events on demand, honours enforce_nonce, and dispatches realistic gateway events built from the payloads in
// testdata. It is used by the bot's tests and by tests that run the real
// handover binary; production code must never import it. It imports discordgo
// only for a few constants and result types, and nothing from handover.
//
// A test typically does:
//
//	srv := discordtest.NewServer(t)
//	s, _ := discordgo.New("Bot token")
//	s.Client = srv.Client()
//	s.Identify.Intents = discordgo.IntentsGuildMessages
//	// register handlers, then:
//	if err := s.Open(); err != nil { t.Fatal(err) }
//	t.Cleanup(func() { s.Close() }) // after NewServer, so it runs first
//	srv.WaitReady(ctx)
//	sent, _ := srv.SendInteraction(discordtest.Interaction{Name: "ask"})
//	cb, _ := srv.WaitCallback(ctx, sent) // cb.At.Sub(sent.At) is the ack latency
//
// and finally checks that srv.Violations() is empty.
package discordtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Identifiers the fake uses when a test does not choose its own. They look
// like real snowflakes so that code parsing them behaves as in production.
const (
	DefaultBotID         = "1230000000000000001" // bot user and application ID
	DefaultBotUsername   = "handover"
	DefaultGuildID       = "1230000000000000200"
	DefaultChannelID     = "1230000000000000300"
	DefaultDMChannelID   = "1230000000000000400"
	DefaultUserID        = "1230000000000000500" // the human who talks to the bot
	DefaultUsername      = "reader"
	defaultHeartbeatMsec = 41250
)

// DefaultAckDeadline is how long Discord gives a bot to acknowledge an
// interaction.
const DefaultAckDeadline = 3 * time.Second

// ErrClosed is returned by waits and dispatches after Server.Close.
var ErrClosed = errors.New("discordtest: server closed")

// ErrNoSession is returned by dispatches when no gateway session has been
// identified, so the event would reach nobody.
var ErrNoSession = errors.New("discordtest: no gateway session")

// discordEpoch is the first millisecond of 2015, the zero of Discord snowflakes.
const discordEpoch = 1420070400000

// User is a Discord user as the fake puts it in events.
type User struct {
	ID       string
	Username string
	Bot      bool
}

// Option configures a Server.
type Option func(*config)

type config struct {
	bot               User
	appID             string // "" means the bot's ID
	token             string
	heartbeatInterval int
	ackDeadline       time.Duration
	limits            Limits
	seed              uint64
}

// WithBot sets the bot user's ID and username. The application ID follows the
// bot ID, as it does for applications created on Discord today, unless
// WithApplicationID is also given.
func WithBot(id, username string) Option {
	return func(c *config) { c.bot.ID, c.bot.Username = id, username }
}

// WithApplicationID sets the application ID, which appears in READY, in
// interactions and in the command and webhook routes.
func WithApplicationID(id string) Option {
	return func(c *config) { c.appID = id }
}

// WithToken makes the fake check credentials: REST calls that need a bot
// token must carry "Authorization: Bot <token>" (else 401) and IDENTIFY and
// RESUME must carry token, with or without the "Bot " prefix (else close code
// 4004). Without it any token is accepted.
func WithToken(token string) Option {
	return func(c *config) { c.token = token }
}

// WithHeartbeatInterval sets the interval the gateway asks for in HELLO.
// discordgo heartbeats once at connect and then at that interval, and
// reconnects after five intervals without an ACK. The default is Discord's
// 41.25s: discordgo's Close sleeps a second while its heartbeat goroutine
// can still tick, and a tick then makes it reconnect after Close, so an
// interval near a second makes closed sessions come back.
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeatInterval = int(d / time.Millisecond) }
}

// WithAckDeadline sets how long after its dispatch an interaction may be
// acknowledged; later callbacks fail with 10062 Unknown interaction and are
// recorded as violations, as on Discord. The default is Discord's three
// seconds; zero disables the check.
func WithAckDeadline(d time.Duration) Option {
	return func(c *config) { c.ackDeadline = d }
}

// Server is a fake Discord. Create it with NewServer; it is safe for
// concurrent use.
type Server struct {
	cfg      config
	hs       *httptest.Server
	base     *url.URL
	upgrader websocket.Upgrader
	lastID   atomic.Int64
	wg       sync.WaitGroup // gateway connections

	mu             sync.Mutex
	closed         bool
	changed        chan struct{} // closed and replaced on every recorded change
	requests       []Request
	violations     []Violation
	faults         []*Fault
	commands       map[string][]map[string]any // by guild ID, "" for global
	messages       map[string]map[string]any   // by message ID
	channels       map[string]string           // channel ID to guild ID ("" for DMs)
	interactions   map[string]*interactionState
	sessions       []*gwSession
	conns          map[*gwConn]bool
	gw             GatewayState
	rejectIdentify int

	// Rate limits and faults.
	rng         *mrand.Rand
	stats       Stats
	global      window
	globalUntil time.Time // a global 429 is in force
	buckets     map[string]*window
	nonces      map[string]string // channel/nonce to message ID, for enforce_nonce
	lastFault   *Fault            // the fault matched for the request being served
}

// NewServer starts a fake Discord on a loopback port and closes it when the
// test ends. Close any discordgo.Session using it first (register the
// session's cleanup after calling NewServer): discordgo keeps redialling a
// gateway that went away.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{
		bot:               User{ID: DefaultBotID, Username: DefaultBotUsername, Bot: true},
		heartbeatInterval: defaultHeartbeatMsec,
		ackDeadline:       DefaultAckDeadline,
	}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.bot.Bot = true
	if cfg.appID == "" {
		cfg.appID = cfg.bot.ID
	}
	s := &Server{
		cfg:          cfg,
		changed:      make(chan struct{}),
		commands:     map[string][]map[string]any{},
		messages:     map[string]map[string]any{},
		channels:     map[string]string{DefaultChannelID: DefaultGuildID, DefaultDMChannelID: ""},
		interactions: map[string]*interactionState{},
		conns:        map[*gwConn]bool{},
		rng:          mrand.New(mrand.NewPCG(cfg.seed, 1)),
		buckets:      map[string]*window{},
		nonces:       map[string]string{},
	}
	s.hs = httptest.NewServer(s.routes())
	u, err := url.Parse(s.hs.URL)
	if err != nil {
		s.hs.Close()
		tb.Fatalf("discordtest: parse server URL: %v", err)
	}
	s.base = u
	tb.Cleanup(s.Close)
	return s
}

// Close disconnects every gateway connection and shuts the server down. It is
// safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.changed)
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
	s.wg.Wait()
	s.hs.Close()
}

// URL is the fake's base URL, http://127.0.0.1:PORT. Production code that
// rewrites https://discord.com to a configured base URL should be given this.
func (s *Server) URL() string { return s.hs.URL }

// GatewayURL is the websocket URL returned by GET /gateway.
func (s *Server) GatewayURL() string { return "ws://" + s.base.Host }

// Client returns an HTTP client that sends every request, whatever its
// scheme and host, to the fake. Assign it to discordgo.Session.Client.
func (s *Server) Client() *http.Client {
	return &http.Client{
		Transport: rewriteTransport{base: s.base, next: s.hs.Client().Transport},
		Timeout:   20 * time.Second, // discordgo's own default
	}
}

// BotUser is the bot's user as it appears in READY and on its messages.
func (s *Server) BotUser() User { return s.cfg.bot }

// ApplicationID is the application the fake serves.
func (s *Server) ApplicationID() string { return s.cfg.appID }

type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = t.base.Scheme
	r2.URL.Host = t.base.Host
	r2.Host = ""
	return t.next.RoundTrip(r2)
}

// notify wakes every waiter. s.mu must be held.
func (s *Server) notify() {
	if s.closed {
		return
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// wait blocks until ready returns true. ready runs with s.mu held.
func (s *Server) wait(ctx context.Context, ready func() bool) error {
	for {
		s.mu.Lock()
		if ready() {
			s.mu.Unlock()
			return nil
		}
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// snowflake returns a fresh ID, increasing and shaped like Discord's.
func (s *Server) snowflake() string {
	for {
		last := s.lastID.Load()
		id := (time.Now().UnixMilli()-discordEpoch)<<22 | 1<<17
		if id <= last {
			id = last + 1
		}
		if s.lastID.CompareAndSwap(last, id) {
			return strconv.FormatInt(id, 10)
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// interactionToken mimics Discord's tokens, which are base64 of
// "interaction:<id>:<secret>".
func interactionToken(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("interaction:" + id + ":" + rand.Text()))
}

func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000-07:00")
}

func userJSON(u User) map[string]any {
	m := map[string]any{
		"id":                     u.ID,
		"username":               u.Username,
		"global_name":            nil,
		"discriminator":          "0",
		"avatar":                 nil,
		"public_flags":           0,
		"avatar_decoration_data": nil,
		"clan":                   nil,
	}
	if u.Bot {
		m["bot"] = true
	} else {
		m["global_name"] = strings.ToUpper(u.Username[:1]) + u.Username[1:]
	}
	return m
}

func (u User) orDefault() User {
	if u.ID == "" {
		u.ID = DefaultUserID
	}
	if u.Username == "" {
		if u.ID == DefaultUserID {
			u.Username = DefaultUsername
		} else {
			u.Username = "user" + u.ID[max(0, len(u.ID)-4):]
		}
	}
	return u
}

func errorf(format string, args ...any) error {
	return fmt.Errorf("discordtest: "+format, args...)
}
