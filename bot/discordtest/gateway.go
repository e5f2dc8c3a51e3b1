package discordtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identify is an IDENTIFY (op 2) a client sent.
type Identify struct {
	Token          string
	Intents        discordgo.Intent
	Shard          [2]int
	Compress       bool
	LargeThreshold int
	Properties     map[string]string
	At             time.Time
}

// GatewayState counts what happened on the gateway.
type GatewayState struct {
	Connects        int        // websocket connections accepted
	Live            int        // connections open now
	Identifies      []Identify // every IDENTIFY received, accepted or not
	Readies         int        // READY events sent
	Resumes         int        // successful RESUMEs (RESUMED sent)
	InvalidSessions int        // op 9 sent in answer to a RESUME that could not resume
	Heartbeats      int        // op 1 heartbeats received
}

// closeReason is the reason Discord gives with a gateway close code.
func closeReason(code int) string {
	switch code {
	case 4000:
		return "Unknown error."
	case 4001:
		return "Unknown opcode."
	case 4002:
		return "Decode error."
	case 4003:
		return "Not authenticated."
	case 4004:
		return "Authentication failed."
	case 4005:
		return "Already authenticated."
	case 4007:
		return "Invalid seq."
	case 4008:
		return "Rate limited."
	case 4009:
		return "Session timed out."
	case 4010:
		return "Invalid shard."
	case 4011:
		return "Sharding required."
	case 4012:
		return "Invalid API version."
	case 4013:
		return "Invalid intent(s)."
	case 4014:
		return "Disallowed intent(s)."
	}
	return ""
}

type frame struct {
	Op int     `json:"op"`
	D  any     `json:"d"`
	S  *int64  `json:"s"`
	T  *string `json:"t"`
}

type gwConn struct {
	ws      *websocket.Conn
	version string
	wmu     sync.Mutex // one writer at a time, as gorilla/websocket requires
	sess    *gwSession // guarded by Server.mu
}

func (c *gwConn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *gwConn) writeJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.write(b)
}

// closeWith sends a close frame with code and drops the connection, as
// Discord does when it ends a session.
func (c *gwConn) closeWith(code int) {
	msg := websocket.FormatCloseMessage(code, closeReason(code))
	c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	c.ws.Close()
}

// gwSession is a gateway session: it outlives its connection so that a
// client can RESUME it and receive the events it missed.
type gwSession struct {
	id       string
	identify Identify
	seq      int64
	history  [][]byte // every dispatch frame sent; history[i] has seq i+1
	conn     *gwConn  // nil while disconnected
	invalid  bool
	beats    int // heartbeats received from the session's connections
}

// RejectIdentify makes the gateway answer every IDENTIFY by closing the
// connection with code, e.g. 4014 (disallowed intents) or 4004
// (authentication failed). Zero restores normal behaviour.
func (s *Server) RejectIdentify(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectIdentify = code
}

// DropConnections abruptly closes every gateway connection, without a close
// frame, as a network failure would. Sessions stay resumable, and events
// dispatched while a session is disconnected are replayed when it resumes.
//
// Call it only after WaitReady: if discordgo's heartbeat goroutine has not
// yet sent its first heartbeat, it later fails on the dead connection and
// closes the new one with code 1000, which ends the session, so discordgo
// must IDENTIFY again and misses the events in between.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
}

// Gateway returns a snapshot of the gateway's counters.
func (s *Server) Gateway() GatewayState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gatewayLocked()
}

func (s *Server) gatewayLocked() GatewayState {
	g := s.gw
	g.Identifies = append([]Identify(nil), g.Identifies...)
	return g
}

// WaitGateway waits until cond holds for the gateway's state and returns
// that state.
func (s *Server) WaitGateway(ctx context.Context, cond func(GatewayState) bool) (GatewayState, error) {
	var g GatewayState
	err := s.wait(ctx, func() bool {
		g = s.gatewayLocked()
		return cond(g)
	})
	if err != nil {
		return g, fmt.Errorf("wait for gateway: %w", err)
	}
	return g, nil
}

// WaitReady waits until a session has been sent READY and its client has
// sent a heartbeat since, and returns the IDENTIFY of the latest such session.
// For discordgo the heartbeat means Open's goroutines are running: closing
// the session or dropping its connection before then can make discordgo
// reconnect by itself (see DropConnections).
func (s *Server) WaitReady(ctx context.Context) (Identify, error) {
	var id Identify
	err := s.wait(ctx, func() bool {
		ok := false
		for _, sess := range s.sessions {
			if sess.beats > 0 {
				id, ok = sess.identify, true
			}
		}
		return ok
	})
	if err != nil {
		return Identify{}, fmt.Errorf("wait for READY: %w", err)
	}
	return id, nil
}

// Dispatch sends a dispatch event (op 0) of type t with data as its payload
// to every gateway session, numbering it in each session's sequence. data is
// marshalled to JSON; pass json.RawMessage to send exact bytes. A
// MESSAGE_CREATE is also remembered, so replies and edits can refer to it.
func (s *Server) Dispatch(t string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return errorf("dispatch %s: %w", t, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t == "MESSAGE_CREATE" {
		if m, err := decodeObject(raw); err == nil {
			if id, ok := m["id"].(string); ok {
				s.messages[id] = m
			}
			if ch, ok := m["channel_id"].(string); ok {
				g, _ := m["guild_id"].(string)
				s.channels[ch] = g
			}
		}
	}
	if _, err := s.dispatchLocked(t, func(*gwSession) json.RawMessage { return raw }); err != nil {
		return errorf("dispatch %s: %w", t, err)
	}
	return nil
}

// dispatchLocked sends event t to every valid session, with the payload
// payload returns for it; a nil payload skips that session (Discord filters
// events by intents). s.mu must be held.
func (s *Server) dispatchLocked(t string, payload func(*gwSession) json.RawMessage) (time.Time, error) {
	if s.closed {
		return time.Time{}, ErrClosed
	}
	at := time.Now()
	n := 0
	for _, sess := range s.sessions {
		if sess.invalid {
			continue
		}
		n++
		if d := payload(sess); d != nil {
			s.send(sess, t, d)
		}
	}
	if n == 0 {
		return at, ErrNoSession
	}
	return at, nil
}

// send numbers a dispatch, keeps it for RESUME, and writes it if the session
// is connected. s.mu must be held.
func (s *Server) send(sess *gwSession, t string, d any) {
	sess.seq++
	seq := sess.seq
	b, err := json.Marshal(frame{Op: 0, D: d, S: &seq, T: &t})
	if err != nil {
		panic("discordtest: marshal dispatch: " + err.Error()) // d is our own JSON
	}
	sess.history = append(sess.history, b)
	if sess.conn != nil {
		// A failed write means the connection is going away; the event stays
		// in history for the RESUME.
		_ = sess.conn.write(b)
	}
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered with an HTTP error
	}
	c := &gwConn{ws: ws, version: r.URL.Query().Get("v")}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.wg.Add(1)
	s.conns[c] = true
	s.gw.Connects++
	s.gw.Live++
	s.notify()
	s.mu.Unlock()
	defer s.wg.Done()
	defer s.dropConn(c)
	s.readLoop(c)
}

func (s *Server) dropConn(c *gwConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.gw.Live--
	if c.sess != nil && c.sess.conn == c {
		c.sess.conn = nil
	}
	s.notify()
	s.mu.Unlock()
	c.ws.Close()
}

func (s *Server) readLoop(c *gwConn) {
	hello := frame{Op: 10, D: map[string]any{
		"heartbeat_interval": s.cfg.heartbeatInterval,
		"_trace":             []string{`["gateway-prd-fake",{"micros":0.0}]`},
	}}
	if c.writeJSON(hello) != nil {
		return
	}
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			// A client closing with 1000 or 1001 ends its session for good;
			// any other end of the connection leaves it resumable.
			var ce *websocket.CloseError
			if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
				s.mu.Lock()
				if c.sess != nil {
					c.sess.invalid = true
				}
				s.mu.Unlock()
			}
			return
		}
		var f struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if json.Unmarshal(data, &f) != nil {
			c.closeWith(4002)
			return
		}
		switch f.Op {
		case 1:
			s.mu.Lock()
			s.gw.Heartbeats++
			if c.sess != nil {
				c.sess.beats++
			}
			s.notify()
			s.mu.Unlock()
			if c.writeJSON(frame{Op: 11}) != nil {
				return
			}
		case 2:
			if !s.identify(c, f.D) {
				return
			}
		case 6:
			if !s.resume(c, f.D) {
				return
			}
		case 3, 4, 8: // presence, voice state, request guild members: accepted, ignored
			s.mu.Lock()
			ok := c.sess != nil
			s.mu.Unlock()
			if !ok {
				c.closeWith(4003)
				return
			}
		default:
			c.closeWith(4001)
			return
		}
	}
}

func (s *Server) tokenOK(token string) bool {
	return s.cfg.token == "" || strings.TrimPrefix(token, "Bot ") == s.cfg.token
}

func (s *Server) identify(c *gwConn, d json.RawMessage) bool {
	var p struct {
		Token          string            `json:"token"`
		Intents        discordgo.Intent  `json:"intents"`
		Shard          *[2]int           `json:"shard"`
		Compress       bool              `json:"compress"`
		LargeThreshold int               `json:"large_threshold"`
		Properties     map[string]string `json:"properties"`
	}
	if json.Unmarshal(d, &p) != nil {
		c.closeWith(4002)
		return false
	}
	id := Identify{
		Token: p.Token, Intents: p.Intents, Shard: [2]int{0, 1}, Compress: p.Compress,
		LargeThreshold: p.LargeThreshold, Properties: p.Properties, At: time.Now(),
	}
	if p.Shard != nil {
		id.Shard = *p.Shard
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gw.Identifies = append(s.gw.Identifies, id)
	s.notify()
	code := 0
	switch {
	case c.sess != nil:
		code = 4005
	case !s.tokenOK(p.Token):
		code = 4004
	case id.Shard[0] < 0 || id.Shard[0] >= id.Shard[1]:
		code = 4010
	case s.rejectIdentify != 0:
		code = s.rejectIdentify
	}
	if code != 0 {
		c.closeWith(code)
		return false
	}
	sess := &gwSession{id: randomHex(16), identify: id, conn: c}
	c.sess = sess
	s.send(sess, "READY", s.readyPayload(sess, c))
	s.sessions = append(s.sessions, sess)
	s.gw.Readies++
	return true
}

func (s *Server) readyPayload(sess *gwSession, c *gwConn) map[string]any {
	p := loadTemplate("ready.json")
	if v, err := strconv.Atoi(c.version); err == nil {
		p["v"] = v
	}
	u := userJSON(s.cfg.bot)
	u["verified"], u["mfa_enabled"], u["flags"], u["email"] = true, false, 0, nil
	p["user"] = u
	p["session_id"] = sess.id
	p["resume_gateway_url"] = s.GatewayURL()
	p["shard"] = sess.identify.Shard
	app, _ := p["application"].(map[string]any)
	app["id"] = s.cfg.appID
	return p
}

func (s *Server) resume(c *gwConn, d json.RawMessage) bool {
	var p struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if json.Unmarshal(d, &p) != nil {
		c.closeWith(4002)
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sess *gwSession
	for _, x := range s.sessions {
		if x.id == p.SessionID {
			sess = x
		}
	}
	if sess == nil || sess.invalid || c.sess != nil || !s.tokenOK(p.Token) || p.Seq < 0 || p.Seq > sess.seq {
		// Op 9 with d=false: not resumable, the client must IDENTIFY again.
		s.gw.InvalidSessions++
		s.notify()
		return c.writeJSON(frame{Op: 9, D: false}) == nil
	}
	if old := sess.conn; old != nil && old != c {
		old.sess = nil
		old.ws.Close()
	}
	sess.conn, c.sess = c, sess
	for _, b := range sess.history[p.Seq:] {
		if c.write(b) != nil {
			return false
		}
	}
	s.send(sess, "RESUMED", map[string]any{"_trace": []string{`["gateway-prd-fake",{"micros":0.0}]`}})
	s.gw.Resumes++
	s.notify()
	return true
}
