package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Routes the fake implements, written as the method and the path after
// /api/v{N} with Discord's parameters in braces. Request.Route holds one of
// them, or "" for a request no route matched (answered 404). The parameter
// names are the keys of Request.Params.
const (
	RouteGateway             = "GET /gateway"
	RouteGatewayBot          = "GET /gateway/bot"
	RouteCurrentUser         = "GET /users/@me"
	RoutePutCommands         = "PUT /applications/{application}/commands"
	RouteGetCommands         = "GET /applications/{application}/commands"
	RoutePutGuildCommands    = "PUT /applications/{application}/guilds/{guild}/commands"
	RouteGetGuildCommands    = "GET /applications/{application}/guilds/{guild}/commands"
	RouteInteractionCallback = "POST /interactions/{interaction}/{token}/callback"
	RouteGetOriginal         = "GET /webhooks/{application}/{token}/messages/@original"
	RouteEditOriginal        = "PATCH /webhooks/{application}/{token}/messages/@original"
	RouteDeleteOriginal      = "DELETE /webhooks/{application}/{token}/messages/@original"
	RouteCreateFollowup      = "POST /webhooks/{application}/{token}"
	RouteEditFollowup        = "PATCH /webhooks/{application}/{token}/messages/{message}"
	RouteCreateMessage       = "POST /channels/{channel}/messages"
	RouteGetMessage          = "GET /channels/{channel}/messages/{message}"
	RouteEditMessage         = "PATCH /channels/{channel}/messages/{message}"
	RouteDeleteMessage       = "DELETE /channels/{channel}/messages/{message}"
	RouteTyping              = "POST /channels/{channel}/typing"
	RouteAddReaction         = "PUT /channels/{channel}/messages/{message}/reactions/{emoji}/@me"
)

// Request is one REST request the fake received, with its answer. Its maps
// and slices are shared between snapshots; treat them as read-only.
type Request struct {
	Method string
	Path   string            // after /api/v{N}, e.g. /channels/1/messages
	Route  string            // one of the Route constants, or ""
	Params map[string]string // path parameters named in Route
	Query  url.Values
	Header http.Header
	// Body is the JSON body, or the payload_json part of a multipart body.
	Body  json.RawMessage
	Files []File // the file parts of a multipart body
	At    time.Time

	Status   int             // the status the fake answered
	Response json.RawMessage // the body the fake answered, if any
}

// Decode unmarshals the request's JSON body into v, for example a
// *discordgo.InteractionResponse for a callback.
func (r Request) Decode(v any) error {
	if len(r.Body) == 0 {
		return errorf("%s %s: empty body", r.Method, r.Path)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return errorf("decode %s %s body: %w", r.Method, r.Path, err)
	}
	return nil
}

// File is an uploaded file from a multipart request.
type File struct {
	Field       string // form field, e.g. files[0]
	Name        string
	ContentType string
	Data        []byte
}

// Violation is a request the fake rejected because it broke one of Discord's
// limits; a bot that respects the limits produces none.
type Violation struct {
	Method, Path, Route string
	Field               string // dotted path into the body, e.g. embeds.0.description
	Code                string // Discord's error code, e.g. BASE_TYPE_MAX_LENGTH
	Message             string
	At                  time.Time
}

// String describes the violation for test failure messages.
func (v Violation) String() string {
	return fmt.Sprintf("%s %s: %s: %s (%s)", v.Method, v.Path, v.Field, v.Message, v.Code)
}

// Fault replaces the fake's answer to the next Times requests that match
// Method and Path, or to a random share of them (Rate).
type Fault struct {
	Method string // "" matches every method
	// Path is a path.Match pattern for Request.Path, e.g.
	// "/channels/*/messages" or "/interactions/*/*/callback"; "" matches
	// every path.
	Path string
	// Times is how many requests to fault; 0 means 1, or every matching
	// request when Rate is set.
	Times int
	// Rate, if set, faults each matching request with this probability,
	// drawn from the seed of WithSeed.
	Rate float64
	// Status is the HTTP status; 0 means 429, which is answered like
	// Discord's rate limiter with RetryAfter. Any other status is answered
	// with a JSON error carrying Code and Message, e.g. 404 with 10062
	// "Unknown interaction".
	Status     int
	Code       int
	Message    string
	RetryAfter time.Duration // 0 means 50ms; scaled by Limits.TimeScale
	// Global makes a 429 global: every request but interaction callbacks
	// then waits RetryAfter. A global fault never matches a callback,
	// which Discord exempts from the global limit.
	Global bool
	// Apply makes the request take effect before the fault replaces its
	// answer, like a 500 after the write: a bot that retries a new message
	// without enforce_nonce then posts it twice.
	Apply bool
}

// Inject arranges for f to answer the next matching requests.
func (s *Server) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
		if f.Rate > 0 {
			f.Times = math.MaxInt
		}
	}
	if f.Status == 0 {
		f.Status = http.StatusTooManyRequests
	}
	if f.RetryAfter <= 0 {
		f.RetryAfter = 50 * time.Millisecond
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Requests returns every REST request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Violations returns every limit violation recorded so far.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// WaitRequest returns the earliest recorded request, including ones recorded
// before the call, for which match returns true. It waits for one until ctx
// is done or the server is closed.
func (s *Server) WaitRequest(ctx context.Context, match func(Request) bool) (Request, error) {
	next := 0
	var found *Request
	err := s.wait(ctx, func() bool {
		for ; next < len(s.requests); next++ {
			if r := s.requests[next]; match(r) {
				found = &r
				return true
			}
		}
		return false
	})
	if err != nil {
		return Request{}, fmt.Errorf("wait for request: %w", err)
	}
	return *found, nil
}

// WaitCallback waits for the callback (acknowledgement) of the interaction
// sent as in. The acknowledgement latency is the returned request's At minus
// in.At.
func (s *Server) WaitCallback(ctx context.Context, in Sent) (Request, error) {
	return s.WaitRequest(ctx, func(r Request) bool {
		return r.Route == RouteInteractionCallback && r.Params["interaction"] == in.ID
	})
}

// Commands returns the application commands registered for guildID, or the
// global ones when guildID is "".
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	b, err := json.Marshal(s.commands[guildID])
	s.mu.Unlock()
	var cmds []*discordgo.ApplicationCommand
	if err == nil {
		err = json.Unmarshal(b, &cmds)
	}
	if err != nil {
		panic("discordtest: stored commands do not round-trip: " + err.Error()) // our own JSON
	}
	return cmds
}

// call is a request being served; handlers run with s.mu held.
type call struct {
	req  *Request
	body map[string]any // the body when it is a JSON object
}

type handlerFunc func(s *Server, c *call) (status int, resp any)

type route struct {
	pattern  string
	needAuth bool
	h        handlerFunc
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range []route{
		{RouteGateway, false, (*Server).getGateway},
		{RouteGatewayBot, true, (*Server).getGatewayBot},
		{RouteCurrentUser, true, (*Server).getCurrentUser},
		{RoutePutCommands, true, (*Server).putCommands},
		{RouteGetCommands, true, (*Server).getCommands},
		{RoutePutGuildCommands, true, (*Server).putCommands},
		{RouteGetGuildCommands, true, (*Server).getCommands},
		{RouteInteractionCallback, false, (*Server).interactionCallback},
		{RouteGetOriginal, false, (*Server).original},
		{RouteEditOriginal, false, (*Server).original},
		{RouteDeleteOriginal, false, (*Server).original},
		{RouteCreateFollowup, false, (*Server).createFollowup},
		{RouteEditFollowup, false, (*Server).editFollowup},
		{RouteCreateMessage, true, (*Server).createMessage},
		{RouteGetMessage, true, (*Server).channelMessage},
		{RouteEditMessage, true, (*Server).channelMessage},
		{RouteDeleteMessage, true, (*Server).channelMessage},
		{RouteTyping, true, (*Server).typing},
		{RouteAddReaction, true, (*Server).addReaction},
	} {
		method, p, _ := strings.Cut(rt.pattern, " ")
		mux.HandleFunc(method+" /api/{version}"+p, func(w http.ResponseWriter, r *http.Request) {
			s.serveREST(w, r, rt)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if websocket.IsWebSocketUpgrade(r) {
			s.serveGateway(w, r)
			return
		}
		s.serveREST(w, r, route{h: func(*Server, *call) (int, any) {
			return apiError(http.StatusNotFound, 0, "404: Not Found")
		}})
	})
	return mux
}

var (
	paramRE     = regexp.MustCompile(`\{(\w+)\}`)
	apiPrefixRE = regexp.MustCompile(`^/api/v\d+`)
)

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request, rt route) {
	req := &Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Route:  rt.pattern,
		Params: map[string]string{},
		Query:  r.URL.Query(),
		Header: r.Header.Clone(),
		At:     time.Now(),
	}
	if loc := apiPrefixRE.FindStringIndex(req.Path); loc != nil {
		req.Path = req.Path[loc[1]:]
	}
	for _, m := range paramRE.FindAllStringSubmatch(rt.pattern, -1) {
		req.Params[m[1]] = r.PathValue(m[1])
	}
	c := &call{req: req}
	status, resp := 0, any(nil)
	var err error
	req.Body, req.Files, err = readBody(r)
	if err != nil {
		status, resp = apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	} else if len(req.Body) > 0 && req.Body[0] == '{' {
		c.body, err = decodeObject(req.Body)
		if err != nil {
			status, resp = apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		}
	}

	s.mu.Lock()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	var f *Fault
	switch {
	case status != 0:
	case s.limit(req, h, &status, &resp):
	case s.matchFault(req) != nil && !s.lastFault.Apply:
		f = s.lastFault
	case rt.needAuth && s.cfg.token != "" && r.Header.Get("Authorization") != "Bot "+s.cfg.token:
		status, resp = apiError(http.StatusUnauthorized, 0, "401: Unauthorized")
	default:
		status, resp = rt.h(s, c)
		if s.lastFault != nil {
			f = s.lastFault // applied, then answered as the fault says
		}
	}
	if f != nil {
		s.stats.Faulted++
		s.answerFault(f, req, h, &status, &resp)
	}
	s.lastFault = nil
	var out []byte
	if resp != nil {
		out, err = json.Marshal(resp)
		if err != nil {
			status, out = http.StatusInternalServerError, []byte(`{"message": "500: Internal Server Error", "code": 0}`)
		}
	}
	req.Status, req.Response = status, out
	s.requests = append(s.requests, *req)
	s.notify()
	s.mu.Unlock()

	// Recorded before answering, so a caller that got its answer always
	// finds its request in Requests.
	if out == nil {
		h.Del("Content-Type")
	}
	w.WriteHeader(status)
	w.Write(out)
}

// matchFault finds the first injected fault for req, uses one of its
// Times, and leaves it in s.lastFault. s.mu must be held.
func (s *Server) matchFault(req *Request) *Fault {
	s.lastFault = nil
	for i, f := range s.faults {
		if f.Method != "" && f.Method != req.Method {
			continue
		}
		if ok, _ := path.Match(f.Path, req.Path); f.Path != "" && !ok {
			continue
		}
		if f.Global && f.Status == http.StatusTooManyRequests && isCallbackRoute(req.Route) {
			continue
		}
		if f.Rate > 0 && s.rng.Float64() >= f.Rate {
			continue
		}
		if f.Times--; f.Times <= 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		s.lastFault = f
		return f
	}
	return nil
}

// answerFault answers req as f says. s.mu must be held.
func (s *Server) answerFault(f *Fault, req *Request, h http.Header, status *int, resp *any) {
	if f.Status != http.StatusTooManyRequests {
		*status, *resp = apiError(f.Status, f.Code, f.Message)
		return
	}
	s.tooMany(h, status, resp, s.cfg.scale(f.RetryAfter), f.Global, "")
	if !f.Global {
		h.Set("X-RateLimit-Limit", "5")
	}
}

func readBody(r *http.Request) (json.RawMessage, []File, error) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, nil, err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, nil, nil
		}
		if !json.Valid(b) {
			return b, nil, errorf("invalid JSON body")
		}
		return b, nil, nil
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var body json.RawMessage
	var files []File
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, err
		}
		if p.FormName() == "payload_json" {
			if !json.Valid(b) {
				return b, nil, errorf("invalid payload_json")
			}
			body = b
			continue
		}
		files = append(files, File{Field: p.FormName(), Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: b})
	}
	return body, files, nil
}

func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// apiError is Discord's JSON error body.
func apiError(status, code int, message string) (int, any) {
	return status, map[string]any{"message": message, "code": code}
}

// reject answers 400 Invalid Form Body and records the violations.
func (s *Server) reject(c *call, errs []fieldError) (int, any) {
	for _, e := range errs {
		s.violations = append(s.violations, Violation{
			Method: c.req.Method, Path: c.req.Path, Route: c.req.Route,
			Field: strings.Join(e.path, "."), Code: e.code, Message: e.message, At: c.req.At,
		})
	}
	return http.StatusBadRequest, formError(errs)
}

func (s *Server) rejectEmpty(c *call) (int, any) {
	s.violations = append(s.violations, Violation{
		Method: c.req.Method, Path: c.req.Path, Route: c.req.Route,
		Code: "50006", Message: "Cannot send an empty message", At: c.req.At,
	})
	return apiError(http.StatusBadRequest, 50006, "Cannot send an empty message")
}

func (s *Server) getGateway(*call) (int, any) {
	return http.StatusOK, map[string]any{"url": s.GatewayURL()}
}

func (s *Server) getGatewayBot(*call) (int, any) {
	return http.StatusOK, map[string]any{
		"url":    s.GatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	}
}

func (s *Server) getCurrentUser(*call) (int, any) {
	u := userJSON(s.cfg.bot)
	u["verified"], u["mfa_enabled"], u["flags"], u["email"] = true, false, 0, nil
	return http.StatusOK, u
}

func (s *Server) checkApp(c *call) (int, any, bool) {
	if c.req.Params["application"] != s.cfg.appID {
		st, r := apiError(http.StatusForbidden, 50001, "Missing Access")
		return st, r, false
	}
	return 0, nil, true
}

func (s *Server) getCommands(c *call) (int, any) {
	if st, r, ok := s.checkApp(c); !ok {
		return st, r
	}
	cmds := s.commands[c.req.Params["guild"]]
	if cmds == nil {
		cmds = []map[string]any{}
	}
	return http.StatusOK, cmds
}

// putCommands is the bulk overwrite: the given list replaces the stored one.
// Like Discord, a command keeps its ID when one of the same name and type
// already exists.
func (s *Server) putCommands(c *call) (int, any) {
	if st, r, ok := s.checkApp(c); !ok {
		return st, r
	}
	var in []map[string]any
	d := json.NewDecoder(bytes.NewReader(c.req.Body))
	d.UseNumber()
	if err := d.Decode(&in); err != nil {
		return apiError(http.StatusBadRequest, 50035, "Invalid Form Body")
	}
	if errs := checkCommands(in); len(errs) > 0 {
		return s.reject(c, errs)
	}
	guild := c.req.Params["guild"]
	old := map[string]string{}
	for _, cmd := range s.commands[guild] {
		old[fmt.Sprint(cmd["type"], "/", cmd["name"])] = cmd["id"].(string)
	}
	out := make([]map[string]any, 0, len(in))
	for _, cmd := range in {
		if cmd["type"] == nil {
			cmd["type"] = json.Number("1")
		}
		id, ok := old[fmt.Sprint(cmd["type"], "/", cmd["name"])]
		if !ok {
			id = s.snowflake()
		}
		cmd["id"] = id
		cmd["application_id"] = s.cfg.appID
		cmd["version"] = s.snowflake()
		if guild != "" {
			cmd["guild_id"] = guild
		}
		for k, v := range map[string]any{
			"default_member_permissions": nil, "nsfw": false, "description": "",
			"integration_types": []int{0}, "contexts": nil,
		} {
			if _, ok := cmd[k]; !ok {
				cmd[k] = v
			}
		}
		out = append(out, cmd)
	}
	s.commands[guild] = out
	return http.StatusOK, out
}
