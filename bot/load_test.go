package bot

import (
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handover/handover/bot/discordtest"
)

// loadCase is one load scenario: questions from distinct users, sent
// evenly over a few seconds, against a fake Discord with the given limits
// and faults.
type loadCase struct {
	name      string
	srvOpts   []discordtest.Option
	opts      Options
	asks      int // /ask interactions
	mentions  int // mentions, spread over channels
	channels  int
	malformed int // interactions discordgo cannot decode
	over      time.Duration
	faults    []discordtest.Fault
	check     func(t *testing.T, r *loadResult)
}

// question is what became of one question.
type question struct {
	sent     time.Time
	token    string
	acked    time.Duration // -1 until acknowledged
	answered time.Time     // zero unless answered
	// answeredSeq is the answer's place among the requests the bot made,
	// for checking order without measuring time.
	answeredSeq int
	told        bool // an apology, busy notice or refusal reached the asker
}

type loadResult struct {
	asks, mentions map[string]*question // by interaction or message ID
	byToken        map[string]*question
	limited        *question // the /ask whose edit was rate limited, if any
	replies        map[string]int
	seq            int // requests seen
}

func (r *loadResult) all() []*question {
	var qs []*question
	for _, m := range []map[string]*question{r.asks, r.mentions} {
		for _, q := range m {
			qs = append(qs, q)
		}
	}
	return qs
}

func (r *loadResult) counts() (answered, told, lost int) {
	for _, q := range r.all() {
		switch {
		case !q.answered.IsZero():
			answered++
		case q.told:
			told++
		default:
			lost++
		}
	}
	return answered, told, lost
}

func (r *loadResult) ackP99() time.Duration {
	var acks []time.Duration
	for _, q := range r.asks {
		if q.acked >= 0 {
			acks = append(acks, q.acked)
		}
	}
	if len(acks) == 0 {
		return 0
	}
	slices.Sort(acks)
	return acks[min(len(acks)-1, len(acks)*99/100)]
}

// see updates the result with one request the bot made.
func (r *loadResult) see(req discordtest.Request) {
	r.seq++
	body := decodeBody(req)
	ok := req.Status/100 == 2
	answer := strings.Contains(content(body), "[1]")
	switch req.Route {
	case discordtest.RouteInteractionCallback:
		q := r.asks[req.Params["interaction"]]
		// A 500 injected with Apply took effect: the interaction is
		// acknowledged, and the retry is refused with 40060.
		if q == nil || req.Status == http.StatusTooManyRequests || req.Status == http.StatusNotFound {
			return
		}
		if q.acked < 0 {
			q.acked = req.At.Sub(q.sent)
		}
		if !ok {
			return
		}
		if typ, _ := body["type"].(float64); typ == 4 {
			q.told = true
		}
	case discordtest.RouteEditOriginal, discordtest.RouteCreateFollowup:
		q := r.byToken[req.Params["token"]]
		if q == nil || !ok {
			return
		}
		if answer && req.Route == discordtest.RouteEditOriginal {
			if q.answered.IsZero() {
				q.answered, q.answeredSeq = req.At, r.seq
			}
		} else {
			q.told = true
		}
	case discordtest.RouteCreateMessage:
		ref, _ := body["message_reference"].(map[string]any)
		id, _ := ref["message_id"].(string)
		q := r.mentions[id]
		if q == nil || !ok {
			return
		}
		r.replies[id]++
		if answer && q.answered.IsZero() {
			q.answered, q.answeredSeq = req.At, r.seq
		} else if !answer {
			q.told = true
		}
	case discordtest.RouteAddReaction:
		if q := r.mentions[req.Params["message"]]; q != nil && ok {
			q.told = true
		}
	}
}

func (r *loadResult) resolved() bool {
	for _, q := range r.all() {
		if q.answered.IsZero() && !q.told {
			return false
		}
	}
	return true
}

// loadFull runs TestLoad at full size against Discord's real 3-second
// acknowledgement deadline. Without it the cases are small and the fake
// Discord waits a minute for acknowledgements, so that a slow machine
// cannot turn a late acknowledgement into a lost question.
var loadFull = flag.Bool("load", false, "TestLoad: full-size cases with Discord's 3 s acknowledgement deadline")

// TestLoad runs the bot under Discord's limits and faults and logs, for
// each case, how many questions were answered, told (an apology or busy
// notice reached the asker) and lost, with the acknowledgements' p99 and
// the 429s. It asserts only what does not depend on the machine's speed:
// nothing lost, every question answered or told, and the order of events.
// Timings are figures to read, not checks. Print the table with
//
//	go test ./bot/ -run Load -v -load
//
// Long waits are scaled down with the fake's TimeScale: the case names say
// what the scaled times stand for.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	n := func(k int) int {
		switch {
		case !*loadFull:
			return max(1, k/10)
		case raceEnabled:
			// Under the race detector the bot is several times slower;
			// a quarter of the questions keeps the figures about the
			// bot, not the detector.
			return max(1, k/4)
		}
		return k
	}
	var ackOpts []discordtest.Option
	if !*loadFull {
		ackOpts = append(ackOpts, discordtest.WithAckDeadline(time.Minute))
	}
	const discordScale = 1.0 / 50 // Discord's 1 s and 5 s windows become 20 ms and 100 ms
	limits := discordtest.Limits{Global: 50, ChannelMessages: 5, ChannelWindow: 5 * time.Second,
		PerRoute: 5, RouteWindow: time.Second, TimeScale: discordScale}
	cases := []loadCase{
		{name: "no limits: 1000 /ask in 3 s", asks: n(1000), over: 3 * time.Second},
		{name: "Discord's limits (50/s global, 5 msgs/5 s/channel; time ×1/50): 200 /ask + 300 mentions over 3 channels in 3 s",
			srvOpts: []discordtest.Option{discordtest.WithLimits(limits)},
			opts:    Options{GlobalRateLimit: int(50 / discordScale)},
			asks:    n(200), mentions: n(300), channels: 3, over: 3 * time.Second},
		{name: "global 429 on 2% of REST calls, retry_after 4 s (×1/20), max_concurrent 64: 500 /ask in 3 s",
			srvOpts: []discordtest.Option{discordtest.WithLimits(discordtest.Limits{TimeScale: 1.0 / 20})},
			opts:    Options{MaxConcurrent: 64},
			asks:    n(500), over: 3 * time.Second,
			faults: []discordtest.Fault{{Rate: 0.02, Global: true, RetryAfter: 4 * time.Second}}},
		// The limited edit waits 6 s: other interactions' edits are other
		// routes, and must all be delivered before it.
		{name: "one 429 with retry_after 60 s (×1/10) on one interaction edit: 50 /ask",
			srvOpts: []discordtest.Option{discordtest.WithLimits(discordtest.Limits{TimeScale: 1.0 / 10})},
			asks:    50, over: 500 * time.Millisecond,
			faults: []discordtest.Fault{{Method: http.MethodPatch, Path: "/webhooks/*/*/messages/@original", RetryAfter: time.Minute}},
			check: func(t *testing.T, r *loadResult) {
				if r.limited == nil {
					t.Fatal("no edit was rate limited")
				}
				if r.limited.answered.IsZero() {
					t.Fatal("the rate-limited edit was never delivered")
				}
				for id, q := range r.asks {
					if q != r.limited && (q.answered.IsZero() || q.answeredSeq > r.limited.answeredSeq) {
						t.Errorf("interaction %s was not answered before the rate-limited edit was delivered: it waited behind another route's 429", id)
					}
				}
			}},
		// The fake applies no rate limit here, and the bot's limit is
		// raised to match; the mentions go to ten channels, since the bot
		// turns a channel's messages away as busy past maxChannelBacklog
		// (100 a second in one channel is a hundred times what Discord
		// lets a bot post there).
		{name: "10% of REST calls answer 500 (after taking effect): 100 /ask + 100 mentions over 10 channels",
			opts: Options{GlobalRateLimit: 1000},
			asks: n(100), mentions: n(100), channels: 10, over: time.Second,
			faults: []discordtest.Fault{{Rate: 0.1, Status: http.StatusInternalServerError, Message: "500: Internal Server Error", Apply: true}},
			check: func(t *testing.T, r *loadResult) {
				for id, n := range r.replies {
					if n > 1 {
						t.Errorf("mention %s answered %d times: a retried send posted twice", id, n)
					}
				}
			}},
		{name: "malformed interactions: 50 undecodable + 50 /ask",
			asks: 50, malformed: 50, over: time.Second},
	}
	if !*loadFull {
		t.Log("a tenth of each case's questions, sent as fast; -load runs them whole")
	}
	t.Logf("%-120s %8s %5s %4s %9s %10s %6s", "case", "answered", "told", "lost", "ack p99", "acks > 3 s", "429s")
	for _, c := range cases {
		c.srvOpts = append(c.srvOpts, ackOpts...)
		if !*loadFull {
			c.over /= 10 // as many questions a second, a tenth of them
		}
		t.Run(c.name, func(t *testing.T) {
			runLoad(t, c)
		})
	}
}

func runLoad(t *testing.T, c loadCase) {
	srv := discordtest.NewServer(t, append([]discordtest.Option{discordtest.WithToken(testToken), discordtest.WithSeed(10)}, c.srvOpts...)...)
	logs := newLogSink()
	logs.level = slog.LevelInfo
	c.opts.RespondToMentions = true
	c.opts.GuildID = discordtest.DefaultGuildID
	h := startBotOn(t, srv, c.opts, nil, nil, logs)
	for _, f := range c.faults {
		srv.Inject(f)
	}
	r := &loadResult{asks: map[string]*question{}, mentions: map[string]*question{}, byToken: map[string]*question{}, replies: map[string]int{}}
	total := c.asks + c.mentions + c.malformed
	tick := time.NewTicker(c.over / time.Duration(total))
	defer tick.Stop()
	// Questions are interleaved: every kind arrives throughout.
	var kinds []int
	for i := range total {
		switch {
		case i < c.asks:
			kinds = append(kinds, 0)
		case i < c.asks+c.mentions:
			kinds = append(kinds, 1)
		default:
			kinds = append(kinds, 2)
		}
	}
	for i := range kinds {
		j := (i * 7919) % len(kinds) // a fixed shuffle
		kinds[i], kinds[j] = kinds[j], kinds[i]
	}
	start := time.Now()
	for i, kind := range kinds {
		u := discordtest.User{ID: user(i)}
		var sent discordtest.Sent
		var err error
		switch kind {
		case 0:
			sent, err = srv.SendInteraction(discordtest.Interaction{Name: cmdAsk, User: u,
				Options: []discordtest.CommandOption{{Name: optQuestion, Value: "Who took over?"}}})
		case 1:
			sent, err = srv.SendMessage(discordtest.Message{Author: u, ChannelID: fmt.Sprintf("12300000000000010%02d", i%c.channels),
				Content: "<@" + discordtest.DefaultBotID + "> who took over?"})
		case 2:
			sent, err = srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionMessageComponent, CustomID: "sources:x", User: u,
				Malform: func(p map[string]any) { p["data"].(map[string]any)["custom_id"] = i }})
		}
		if err != nil {
			t.Fatal(err)
		}
		q := &question{sent: sent.At, token: sent.Token, acked: -1}
		if kind == 1 {
			r.mentions[sent.ID] = q
		} else {
			r.asks[sent.ID] = q
			r.byToken[sent.Token] = q
		}
		<-tick.C
	}
	sending := time.Since(start)
	_, err := srv.WaitRequest(testContext(t), func(req discordtest.Request) bool {
		r.see(req)
		if req.Status == http.StatusTooManyRequests && req.Route == discordtest.RouteEditOriginal && r.limited == nil {
			r.limited = r.byToken[req.Params["token"]]
		}
		return r.resolved()
	})
	answered, told, lost := r.counts()
	st := srv.Stats()
	late := 0
	for _, q := range r.asks {
		if q.acked > discordtest.DefaultAckDeadline {
			late++
		}
	}
	t.Logf("%-120s %8d %5d %4d %9s %10d %6d", c.name, answered, told, lost, r.ackP99().Round(time.Millisecond), late, countFaults(srv, http.StatusTooManyRequests))
	t.Logf("sent %d questions in %v; resolved %v after the first; requests %d, rate limited %d, faulted %d, callbacks during a global 429 %d",
		total, sending.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), st.Requests, st.RateLimited, st.Faulted, st.CallbacksWhileGlobal)
	if err != nil || lost > 0 {
		t.Errorf("%d of %d questions lost (never answered, never told): %v", lost, total, err)
	}
	for _, q := range r.asks {
		if q.acked < 0 && !q.told {
			t.Errorf("an interaction was never acknowledged")
			break
		}
	}
	if c.malformed == 0 && answered != total {
		t.Errorf("answered %d of %d", answered, total)
	}
	if n := h.metrics.panics.Load(); n != 0 {
		t.Errorf("%d panics", n)
	}
	if c.check != nil {
		c.check(t, r)
	}
	srv.ClearFaults()
}

func countFaults(srv *discordtest.Server, status int) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Status == status {
			n++
		}
	}
	return n
}
