package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/handover/handover/bot/discordtest"
	"github.com/handover/handover/retrieval"
)

// The end-to-end tests run the Bot, with a real discordgo.Session, against
// the fake Discord in discordtest, reached through Options.APIBaseURL as
// discord.api_base_url would in production.

const testToken = "test-token"

// harness is a running bot and the fake Discord it talks to.
type harness struct {
	t       *testing.T
	srv     *discordtest.Server
	bot     *Bot
	ans     *fakeAnswerer
	lib     *fakeLibrary
	clock   *fakeClock
	logs    *logSink
	metrics *Metrics
	cancel  context.CancelFunc

	stopOnce sync.Once
	done     chan error
	runErr   error
}

// startBot runs a bot with opts against a new fake Discord and waits until
// it has registered its commands. proxy, if set, fronts the fake and
// returns the base URL to give the bot.
func startBot(t *testing.T, opts Options, lib *fakeLibrary, proxy func(*discordtest.Server) string) *harness {
	t.Helper()
	srv := discordtest.NewServer(t, discordtest.WithToken(testToken))
	return startBotOn(t, srv, opts, lib, proxy, newLogSink())
}

// startBotOn is startBot against a fake of the test's making, logging to
// logs.
func startBotOn(t *testing.T, srv *discordtest.Server, opts Options, lib *fakeLibrary, proxy func(*discordtest.Server) string, logs *logSink) *harness {
	t.Helper()
	if lib == nil {
		lib = &fakeLibrary{}
	}
	h := &harness{t: t, srv: srv, ans: newFakeAnswerer(), lib: lib, clock: newFakeClock(), logs: logs, metrics: NewMetrics(), done: make(chan error, 1)}
	opts.Token = testToken
	opts.APIBaseURL = srv.URL()
	if proxy != nil {
		opts.APIBaseURL = proxy(srv)
	}
	opts.Clock, opts.Metrics = h.clock, h.metrics
	b, err := New(h.logs.logger(), opts, h.ans, h.lib)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- b.Run(ctx) }()
	// Registered after NewServer, so it runs first: the bot must be gone
	// before the fake closes, or discordgo keeps redialling.
	t.Cleanup(func() {
		if err := h.stop(); err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
		checkRequests(t, srv)
		if t.Failed() {
			t.Logf("bot log:\n%s", h.logs.String())
		}
	})
	if _, err := srv.WaitRequest(testContext(t), isRoute(discordtest.RoutePutCommands, discordtest.RoutePutGuildCommands)); err != nil {
		t.Fatalf("commands never registered: %v\nlog:\n%s", err, h.logs.String())
	}
	if _, err := srv.WaitReady(testContext(t)); err != nil {
		t.Fatal(err)
	}
	return h
}

// stop cancels Run's context and returns what Run returned.
func (h *harness) stop() error {
	h.stopOnce.Do(func() {
		h.cancel()
		select {
		case h.runErr = <-h.done:
		case <-time.After(30 * time.Second): // a deadline, not a wait: Run must return well before
			h.runErr = fmt.Errorf("Run did not return within 30s of cancel")
		}
	})
	return h.runErr
}

func isRoute(routes ...string) func(discordtest.Request) bool {
	return func(r discordtest.Request) bool { return slices.Contains(routes, r.Route) }
}

func (h *harness) interact(in discordtest.Interaction) discordtest.Sent {
	h.t.Helper()
	sent, err := h.srv.SendInteraction(in)
	if err != nil {
		h.t.Fatal(err)
	}
	return sent
}

func (h *harness) ask(user, question string) discordtest.Sent {
	h.t.Helper()
	return h.interact(discordtest.Interaction{Name: cmdAsk, User: discordtest.User{ID: user},
		Options: []discordtest.CommandOption{{Name: optQuestion, Value: question}}})
}

// callback waits for the interaction's acknowledgement.
func (h *harness) callback(sent discordtest.Sent) (discordtest.Request, discordgo.InteractionResponse) {
	h.t.Helper()
	r, err := h.srv.WaitCallback(testContext(h.t), sent)
	if err != nil {
		h.t.Fatalf("no callback for interaction %s: %v\nlog:\n%s", sent.ID, err, h.logs.String())
	}
	var resp discordgo.InteractionResponse
	if err := r.Decode(&resp); err != nil {
		h.t.Fatal(err)
	}
	return r, resp
}

// webhook waits for a request on the interaction's webhook routes that
// match accepts.
func (h *harness) webhook(sent discordtest.Sent, route string, match func(body map[string]any) bool) (discordtest.Request, map[string]any) {
	h.t.Helper()
	var body map[string]any
	r, err := h.srv.WaitRequest(testContext(h.t), func(r discordtest.Request) bool {
		if r.Route != route || r.Params["token"] != sent.Token {
			return false
		}
		body = decodeBody(r)
		return match == nil || match(body)
	})
	if err != nil {
		h.t.Fatalf("no %s for interaction %s: %v\nlog:\n%s", route, sent.ID, err, h.logs.String())
	}
	return r, body
}

func (h *harness) message(m discordtest.Message) discordtest.Sent {
	h.t.Helper()
	sent, err := h.srv.SendMessage(m)
	if err != nil {
		h.t.Fatal(err)
	}
	return sent
}

func (h *harness) mention(user, text string) discordtest.Sent {
	h.t.Helper()
	return h.message(discordtest.Message{Author: discordtest.User{ID: user}, Content: "<@" + discordtest.DefaultBotID + "> " + text})
}

// reply waits for the bot's message replying to messageID.
func (h *harness) reply(messageID string) (discordtest.Request, map[string]any) {
	h.t.Helper()
	var body map[string]any
	r, err := h.srv.WaitRequest(testContext(h.t), func(r discordtest.Request) bool {
		if r.Route != discordtest.RouteCreateMessage || r.Status != http.StatusOK {
			return false
		}
		body = decodeBody(r)
		ref, _ := body["message_reference"].(map[string]any)
		return ref["message_id"] == messageID
	})
	if err != nil {
		for _, r := range h.srv.Requests() {
			h.t.Logf("%s %s -> %d %s", r.Method, r.Path, r.Status, r.Response)
		}
		h.t.Fatalf("no reply to message %s: %v\nlog:\n%s", messageID, err, h.logs.String())
	}
	return r, body
}

// busyReaction waits for the bot's busy reaction on messageID: a busy
// notice in a channel spends no message.
func (h *harness) busyReaction(messageID string) {
	h.t.Helper()
	_, err := h.srv.WaitRequest(testContext(h.t), func(r discordtest.Request) bool {
		return r.Route == discordtest.RouteAddReaction && r.Params["message"] == messageID && r.Params["emoji"] == busyReaction && r.Status == http.StatusNoContent
	})
	if err != nil {
		h.t.Fatalf("no busy reaction on message %s: %v\nlog:\n%s", messageID, err, h.logs.String())
	}
	if n := h.replies(messageID); n != 0 {
		h.t.Errorf("%d replies to a message turned away as busy, want a reaction only", n)
	}
}

// answered waits until the bot has logged the answer to the message or
// interaction id: by then it has remembered the conversation.
func (h *harness) answered(id string) {
	h.t.Helper()
	h.logs.wait(h.t, "msg=answered message_id="+id)
}

// replies counts the bot's replies to messageID so far.
func (h *harness) replies(messageID string) int {
	n := 0
	for _, r := range h.srv.Requests() {
		if r.Route != discordtest.RouteCreateMessage || r.Status != http.StatusOK {
			continue
		}
		ref, _ := decodeBody(r)["message_reference"].(map[string]any)
		if ref["message_id"] == messageID {
			n++
		}
	}
	return n
}

func decodeBody(r discordtest.Request) map[string]any {
	var m map[string]any
	if len(r.Body) > 0 {
		_ = json.Unmarshal(r.Body, &m) // the fake checked it is JSON
	}
	return m
}

func responseID(t *testing.T, r discordtest.Request) string {
	t.Helper()
	var m struct{ ID string }
	if err := json.Unmarshal(r.Response, &m); err != nil || m.ID == "" {
		t.Fatalf("%s %s answered %s: no message ID", r.Method, r.Path, r.Response)
	}
	return m.ID
}

func content(body map[string]any) string {
	s, _ := body["content"].(string)
	return s
}

// embedText is every embed title and description in body, joined.
func embedText(body map[string]any) string {
	var b strings.Builder
	embeds, _ := body["embeds"].([]any)
	for _, e := range embeds {
		em, _ := e.(map[string]any)
		fmt.Fprintf(&b, "%v\n%v\n", em["title"], em["description"])
	}
	return b.String()
}

// customIDs lists the custom IDs of body's buttons.
func customIDs(body map[string]any) []string {
	var ids []string
	rows, _ := body["components"].([]any)
	for _, r := range rows {
		row, _ := r.(map[string]any)
		cs, _ := row["components"].([]any)
		for _, c := range cs {
			cm, _ := c.(map[string]any)
			if id, ok := cm["custom_id"].(string); ok {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

func isEphemeral(data map[string]any) bool {
	f, _ := data["flags"].(float64)
	return int(f)&int(discordgo.MessageFlagsEphemeral) != 0
}

var rawMention = regexp.MustCompile(`@everyone|@here|<@[!&]?[0-9]`)

// checkRequests asserts what every test must hold: the fake rejected
// nothing for breaking a limit, and every message the bot sent or edited
// carried empty allowed mentions and no live mention in its text.
func checkRequests(t *testing.T, srv *discordtest.Server) {
	t.Helper()
	for _, v := range srv.Violations() {
		t.Errorf("Discord would reject: %v", v)
	}
	for _, r := range srv.Requests() {
		body := decodeBody(r)
		switch r.Route {
		case discordtest.RouteCreateMessage, discordtest.RouteEditMessage, discordtest.RouteEditOriginal,
			discordtest.RouteCreateFollowup, discordtest.RouteEditFollowup:
		case discordtest.RouteInteractionCallback:
			if typ, _ := body["type"].(float64); typ != 4 && typ != 7 {
				continue // deferrals and autocomplete carry no message
			}
			body, _ = body["data"].(map[string]any)
		default:
			continue
		}
		am, ok := body["allowed_mentions"].(map[string]any)
		parse, isList := am["parse"].([]any)
		if !ok || !isList || len(parse) != 0 || am["replied_user"] == true || am["users"] != nil || am["roles"] != nil {
			t.Errorf("%s %s: allowed_mentions = %v, want {parse: []}", r.Method, r.Path, body["allowed_mentions"])
		}
		if text := content(body) + embedText(body); rawMention.MatchString(text) {
			t.Errorf("%s %s: live mention in %q", r.Method, r.Path, text)
		}
	}
}

// User IDs, one per scenario, so cooldowns never cross scenarios.
func user(n int) string { return fmt.Sprintf("45600000000000%05d", n) }

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{GuildID: discordtest.DefaultGuildID, RespondToMentions: true, Cooldown: 30 * time.Second, MaxConcurrent: 4}, nil, nil)
	srv := h.srv

	t.Run("registers commands", func(t *testing.T) {
		got := srv.Commands(discordtest.DefaultGuildID)
		var names []string
		for _, c := range got {
			names = append(names, c.Name)
		}
		if want := []string{"ask", "quote", "dates", "sources", "help"}; !slices.Equal(names, want) {
			t.Errorf("guild commands = %v, want %v", names, want)
		}
		if global := srv.Commands(""); len(global) != 0 {
			t.Errorf("registered %d global commands with guild_id set", len(global))
		}
		id := srv.Gateway().Identifies[0]
		want := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
		if id.Intents != want {
			t.Errorf("intents = %b, want %b (no message content without listed channels)", id.Intents, want)
		}
	})

	var askSent discordtest.Sent
	var askBody map[string]any
	t.Run("ask", func(t *testing.T) {
		askSent = h.ask(user(1), "Who took over from Stoltenberg?")
		cb, resp := h.callback(askSent)
		if resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
			t.Fatalf("callback type = %v, want deferred (5)", resp.Type)
		}
		edit, body := h.webhook(askSent, discordtest.RouteEditOriginal, nil)
		askBody = body
		t.Logf("/ask: acknowledged %v after dispatch, answered %v after dispatch", cb.At.Sub(askSent.At), edit.At.Sub(askSent.At))
		if c := content(body); !strings.Contains(c, "Mark Rutte took over") || !strings.Contains(c, "[1]") {
			t.Errorf("answer content = %q, want the answer with its [1] marker", c)
		}
		sources := embedText(body)
		for _, want := range []string{"Sources", "**[1]** Rutte takes over as NATO chief — Reuters, 2024-10-01", "**[2]**", "viewer comment, not reporting"} {
			if !strings.Contains(sources, want) {
				t.Errorf("sources embed lacks %q:\n%s", want, sources)
			}
		}
		ids := customIDs(body)
		want := []string{sourcesPrefix + askSent.ID, votePrefixUp + askSent.ID, votePrefixDown + askSent.ID}
		if !slices.Equal(ids, want) {
			t.Errorf("buttons = %v, want %v", ids, want)
		}
	})

	t.Run("ask rejects a blank question", func(t *testing.T) {
		sent := h.ask(user(2), "   ")
		_, resp := h.callback(sent)
		if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 ||
			!strings.Contains(resp.Data.Content, "include a question") {
			t.Errorf("blank question got %v %+v, want an ephemeral explanation", resp.Type, resp.Data)
		}
	})

	t.Run("show sources", func(t *testing.T) {
		if askBody == nil {
			t.Skip("ask failed")
		}
		sent := h.interact(discordtest.Interaction{Type: discordgo.InteractionMessageComponent, CustomID: sourcesPrefix + askSent.ID, User: discordtest.User{ID: user(3)}})
		_, resp := h.callback(sent)
		if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Fatalf("Show sources answered %v flags %v, want an ephemeral message", resp.Type, resp.Data.Flags)
		}
		text := resp.Data.Embeds[0].Description
		for _, want := range []string{"“Mark Rutte took over as NATO secretary-general on 1 October 2024.”", "A viewer comment, not reporting: “About time"} {
			if !strings.Contains(text, want) {
				t.Errorf("cited passages lack %q:\n%s", want, text)
			}
		}
	})

	t.Run("votes", func(t *testing.T) {
		for _, id := range []string{votePrefixUp + askSent.ID, votePrefixDown + askSent.ID} {
			sent := h.interact(discordtest.Interaction{Type: discordgo.InteractionMessageComponent, CustomID: id, User: discordtest.User{ID: user(4)}})
			_, resp := h.callback(sent)
			if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "Thanks") {
				t.Errorf("vote %s answered %+v, want an ephemeral thanks", id, resp.Data)
			}
		}
		h.logs.wait(t, "vote=down")
	})

	t.Run("button on a forgotten answer", func(t *testing.T) {
		sent := h.interact(discordtest.Interaction{Type: discordgo.InteractionMessageComponent, CustomID: sourcesPrefix + "999", User: discordtest.User{ID: user(5)}})
		_, resp := h.callback(sent)
		if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "no longer have that answer") {
			t.Errorf("got %+v, want an ephemeral 'no longer in memory'", resp.Data)
		}
	})

	t.Run("quote", func(t *testing.T) {
		sent := h.interact(discordtest.Interaction{Name: cmdQuote, User: discordtest.User{ID: user(6)},
			Options: []discordtest.CommandOption{{Name: optSpeaker, Value: "Mark Rutte"}, {Name: optTopic, Value: "Ukraine"}}})
		cb, resp := h.callback(sent)
		t.Logf("/quote: acknowledged %v after dispatch", cb.At.Sub(sent.At))
		if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
			t.Fatalf("quote answered %v %+v, want a public message", resp.Type, resp.Data)
		}
		e := resp.Data.Embeds[0]
		if e.Title != "Quotes from Mark Rutte about “Ukraine”" || !strings.Contains(e.Description, "“Ukraine's place is in NATO”") ||
			!strings.Contains(e.Description, "*(part of a sentence)*") || !strings.Contains(e.Description, "viewer comment, not reporting") {
			t.Errorf("quote embed = %q\n%s", e.Title, e.Description)
		}
	})

	t.Run("quote with no quotes", func(t *testing.T) {
		sent := h.interact(discordtest.Interaction{Name: cmdQuote, User: discordtest.User{ID: user(6)},
			Options: []discordtest.CommandOption{{Name: optSpeaker, Value: "Nobody"}}})
		_, resp := h.callback(sent)
		if !strings.Contains(resp.Data.Content, "I found no quotes from Nobody") {
			t.Errorf("got %q", resp.Data.Content)
		}
	})

	t.Run("speaker autocomplete", func(t *testing.T) {
		sent := h.interact(discordtest.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: cmdQuote, User: discordtest.User{ID: user(7)},
			Options: []discordtest.CommandOption{{Name: optSpeaker, Value: "rut", Focused: true}}})
		cb, resp := h.callback(sent)
		t.Logf("autocomplete: acknowledged %v after dispatch", cb.At.Sub(sent.At))
		if resp.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
			t.Fatalf("autocomplete answered type %v", resp.Type)
		}
		var names []string
		for _, c := range resp.Data.Choices {
			names = append(names, c.Name)
		}
		if !slices.Equal(names, []string{"Mark Rutte"}) {
			t.Errorf("choices for %q = %v, want [Mark Rutte]", "rut", names)
		}
	})

	t.Run("dates", func(t *testing.T) {
		sent := h.interact(discordtest.Interaction{Name: cmdDates, User: discordtest.User{ID: user(8)}})
		_, resp := h.callback(sent)
		d := resp.Data.Embeds[0].Description
		if !strings.Contains(d, "**2024-06-26** — NATO allies chose Mark Rutte") || strings.Contains(d, "viewer comment") {
			t.Errorf("timeline without comments:\n%s", d)
		}
		sent = h.interact(discordtest.Interaction{Name: cmdDates, User: discordtest.User{ID: user(8)},
			Options: []discordtest.CommandOption{{Name: optComments, Value: true}}})
		_, resp = h.callback(sent)
		d = resp.Data.Embeds[0].Description
		for _, want := range []string{"**2024-06-26** — NATO allies chose Mark Rutte", "**2024-10** — *a viewer comment, not reporting:* @\u200beveryone"} {
			if !strings.Contains(d, want) {
				t.Errorf("timeline with comments lacks %q:\n%s", want, d)
			}
		}
		// A topic only a reader comment dates says so, and how to see it.
		sent = h.interact(discordtest.Interaction{Name: cmdDates, User: discordtest.User{ID: user(8)},
			Options: []discordtest.CommandOption{{Name: optTopic, Value: "worst"}}})
		_, resp = h.callback(sent)
		if want := "I found no dated events about “worst” in the articles' reporting; reader comments give 1 (set `comments` to include them)."; resp.Data.Content != want {
			t.Errorf("a topic only a comment dates: %q, want %q", resp.Data.Content, want)
		}
	})

	t.Run("sources", func(t *testing.T) {
		sent := h.interact(discordtest.Interaction{Name: cmdSources, User: discordtest.User{ID: user(9)}})
		_, resp := h.callback(sent)
		d := resp.Data.Embeds[0].Description
		if !strings.Contains(d, "**Stoltenberg hands over to Rutte** — BBC, 2024-10-01") || strings.Contains(d, "unknown") || !strings.Contains(d, "**Who is Mark Rutte?**\n30 passages") {
			t.Errorf("sources = %s", d)
		}
	})

	t.Run("help", func(t *testing.T) {
		sent := h.interact(discordtest.Interaction{Name: cmdHelp, User: discordtest.User{ID: user(10)}})
		_, resp := h.callback(sent)
		if resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "/ask") {
			t.Errorf("help = %+v", resp.Data)
		}
	})

	var mentionAnswerID string
	t.Run("mention", func(t *testing.T) {
		sent := h.mention(user(11), "who took over from Stoltenberg?")
		r, body := h.reply(sent.ID)
		mentionAnswerID = responseID(t, r)
		h.answered(sent.ID)
		t.Logf("mention: answered %v after dispatch", r.At.Sub(sent.At))
		if !strings.Contains(content(body), "[1]") || !strings.Contains(embedText(body), "Sources") {
			t.Errorf("reply = %q / %q", content(body), embedText(body))
		}
		req, _ := h.ans.lastRequest("who took over from Stoltenberg?")
		if req.Question == "" {
			t.Errorf("the answerer never got the question with the mention stripped")
		}
	})

	t.Run("reply chain", func(t *testing.T) {
		if mentionAnswerID == "" {
			t.Skip("mention failed")
		}
		sent := h.message(discordtest.Message{Author: discordtest.User{ID: user(12)}, ReplyTo: mentionAnswerID, Content: "and when was that?"})
		r, _ := h.reply(sent.ID)
		h.answered(sent.ID)
		req, _ := h.ans.lastRequest("and when was that?")
		want := []retrieval.Turn{{Question: "who took over from Stoltenberg?", Answer: cannedAnswerText}}
		if !slices.Equal(req.History, want) {
			t.Errorf("follow-up history = %+v, want %+v", req.History, want)
		}
		// A second follow-up carries both earlier turns.
		second := h.message(discordtest.Message{Author: discordtest.User{ID: user(13)}, ReplyTo: responseID(t, r), Content: "why then?"})
		h.reply(second.ID)
		req, _ = h.ans.lastRequest("why then?")
		if len(req.History) != 2 || req.History[1].Question != "and when was that?" {
			t.Errorf("second follow-up history = %+v", req.History)
		}
	})

	t.Run("reply to an answer from before a restart", func(t *testing.T) {
		// An answer the bot sent but no longer remembers: the follow-up's
		// history is rebuilt from Discord.
		q := h.mention(user(14), "who leads NATO now?")
		h.reply(q.ID)
		old := postAsBot(t, srv, q.ID, "Mark Rutte leads NATO [1].")
		sent := h.message(discordtest.Message{Author: discordtest.User{ID: user(15)}, ReplyTo: old, Content: "since when?"})
		h.reply(sent.ID)
		req, _ := h.ans.lastRequest("since when?")
		want := []retrieval.Turn{{Question: "who leads NATO now?", Answer: "Mark Rutte leads NATO [1]."}}
		if !slices.Equal(req.History, want) {
			t.Errorf("history = %+v, want %+v", req.History, want)
		}
	})

	t.Run("direct message", func(t *testing.T) {
		sent := h.message(discordtest.Message{DM: true, Author: discordtest.User{ID: user(16)}, Content: "who took over?"})
		_, body := h.reply(sent.ID)
		if !strings.Contains(content(body), "[1]") {
			t.Errorf("DM reply = %q", content(body))
		}
	})

	t.Run("bare mention gets a hint", func(t *testing.T) {
		sent := h.mention(user(17), "")
		_, body := h.reply(sent.ID)
		if !strings.Contains(content(body), "/ask") {
			t.Errorf("hint = %q", content(body))
		}
	})

	t.Run("bots and strangers are ignored", func(t *testing.T) {
		fromBot := h.message(discordtest.Message{Author: discordtest.User{ID: user(18), Username: "otherbot", Bot: true},
			Content: "<@" + discordtest.DefaultBotID + "> who took over?"})
		chatter := h.message(discordtest.Message{Author: discordtest.User{ID: user(19)}, Content: "who took over?"}) // no mention, unlisted channel
		control := h.mention(user(20), "who took over from Stoltenberg?")
		h.reply(control.ID)
		if n := h.replies(fromBot.ID) + h.replies(chatter.ID); n != 0 {
			t.Errorf("answered %d messages from a bot or without a mention", n)
		}
		// The fake echoes every bot message back; none may be answered.
		for _, r := range srv.Requests() {
			if r.Route == discordtest.RouteCreateMessage {
				ref, _ := decodeBody(r)["message_reference"].(map[string]any)
				if id, _ := ref["message_id"].(string); id != "" && isBotMessage(t, srv, id) {
					t.Errorf("the bot replied to its own message %s", id)
				}
			}
		}
	})

	t.Run("duplicate delivery answered once", func(t *testing.T) {
		sent := h.mention(user(21), "who took over from Stoltenberg?")
		h.reply(sent.ID)
		var raw map[string]any
		if err := json.Unmarshal(messageTemplate(t), &raw); err != nil {
			t.Fatal(err)
		}
		raw["id"], raw["content"] = sent.ID, "<@"+discordtest.DefaultBotID+"> who took over from Stoltenberg?"
		raw["author"] = map[string]any{"id": user(21), "username": "dup", "discriminator": "0"}
		if err := srv.Dispatch("MESSAGE_CREATE", raw); err != nil {
			t.Fatal(err)
		}
		control := h.mention(user(22), "who took over from Stoltenberg?")
		h.reply(control.ID)
		if n := h.replies(sent.ID); n != 1 {
			t.Errorf("answered a message delivered twice %d times", n)
		}
	})

	t.Run("mentions are never pinged", func(t *testing.T) {
		sent := h.mention(user(23), "echo @everyone @here <@"+user(99)+"> <@&1230000000000000777> who leads NATO?")
		_, body := h.reply(sent.ID)
		c := content(body)
		for _, want := range []string{"@\u200beveryone", "@\u200bhere"} {
			if !strings.Contains(c, want) {
				t.Errorf("reply %q lacks neutralised %q", c, want)
			}
		}
		// User and role mentions are removed from the question itself.
		if strings.Contains(c, user(99)) || strings.Contains(c, "1230000000000000777") {
			t.Errorf("reply %q echoes a user or role mention", c)
		}
		isent := h.ask(user(24), "echo @everyone who leads NATO?")
		_, ibody := h.webhook(isent, discordtest.RouteEditOriginal, nil)
		if !strings.Contains(content(ibody), "@\u200beveryone") {
			t.Errorf("/ask answer %q does not neutralise @everyone", content(ibody))
		}
		// checkRequests, at cleanup, asserts allowed_mentions on every request.
	})

	t.Run("long answers are split within limits", func(t *testing.T) {
		sent := h.ask(user(25), "huge question")
		h.callback(sent)
		_, body := h.webhook(sent, discordtest.RouteEditOriginal, nil)
		_, last := h.webhook(sent, discordtest.RouteCreateFollowup, func(b map[string]any) bool { return len(customIDs(b)) > 0 })
		if !strings.HasPrefix(content(body), "Sentence 0") || len(customIDs(last)) != 3 {
			t.Errorf("first part %q…, buttons on last part %v", content(body)[:40], customIDs(last))
		}
		msent := h.mention(user(26), "huge question")
		h.reply(msent.ID)
		if _, err := srv.WaitRequest(testContext(t), func(r discordtest.Request) bool {
			return r.Route == discordtest.RouteCreateMessage && len(customIDs(decodeBody(r))) > 0 && strings.Contains(string(r.Body), votePrefixUp+msent.ID)
		}); err != nil {
			t.Fatal(err)
		}
		// Violations and sizes are checked for every request at cleanup.
	})

	t.Run("a failed followup keeps the part delivered", func(t *testing.T) {
		// The first part is edited into "thinking…"; the followup that
		// carries the rest meets a 500, which is not retried (a retry
		// could post it twice). The user is told privately, and the part
		// already in the channel stays.
		srv.Inject(discordtest.Fault{Method: http.MethodPost, Path: "/webhooks/*/*", Status: http.StatusInternalServerError, Message: "500: Internal Server Error"})
		sent := h.ask(user(33), "huge question")
		h.callback(sent)
		_, body := h.webhook(sent, discordtest.RouteEditOriginal, nil)
		if !strings.HasPrefix(content(body), "Sentence 0") {
			t.Fatalf("first part %q, want the answer", content(body))
		}
		_, note := h.webhook(sent, discordtest.RouteCreateFollowup, func(b map[string]any) bool { return isEphemeral(b) })
		if !strings.Contains(content(note), "The rest of this answer could not be sent") {
			t.Errorf("the user was told %q", content(note))
		}
		ctx, cancel := context.WithTimeout(testContext(t), time.Second)
		defer cancel()
		if del, err := srv.WaitRequest(ctx, func(r discordtest.Request) bool {
			return r.Route == discordtest.RouteDeleteOriginal && r.Params["token"] == sent.Token
		}); err == nil {
			t.Errorf("the answer already delivered was deleted: %s %s", del.Method, del.Path)
		}
	})

	t.Run("cooldown", func(t *testing.T) {
		u := user(27)
		first := h.ask(u, "Who took over from Stoltenberg?")
		h.webhook(first, discordtest.RouteEditOriginal, nil)
		again := h.ask(u, "And when?")
		_, resp := h.callback(again)
		if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 ||
			!strings.Contains(resp.Data.Content, "please wait 30 seconds") {
			t.Errorf("second /ask within the cooldown got %v %+v, want an ephemeral 'please wait'", resp.Type, resp.Data)
		}
		// By message: told once, then ignored until the cooldown ends.
		m1 := h.mention(u, "who took over?")
		_, body := h.reply(m1.ID)
		if !strings.Contains(content(body), "please wait") {
			t.Errorf("mention within the cooldown got %q", content(body))
		}
		m2 := h.mention(u, "who took over now?")
		h.logs.wait(t, `msg="message refused" message_id=`+m2.ID)
		h.clock.advance(31 * time.Second)
		m3 := h.mention(u, "who took over from Stoltenberg?")
		_, body = h.reply(m3.ID)
		if !strings.Contains(content(body), "[1]") {
			t.Errorf("after the cooldown got %q, want an answer", content(body))
		}
		if n := h.replies(m2.ID); n != 0 {
			t.Errorf("a repeated message within the cooldown got %d replies, want none", n)
		}
	})

	t.Run("panics are recovered", func(t *testing.T) {
		sent := h.ask(user(28), "please panic")
		h.callback(sent)
		_, body := h.webhook(sent, discordtest.RouteCreateFollowup, nil)
		if !isEphemeral(body) || !strings.Contains(content(body), "something went wrong on my side") {
			t.Errorf("after a panic the user got %v", body)
		}
		if _, err := srv.WaitRequest(testContext(t), func(r discordtest.Request) bool {
			return r.Route == discordtest.RouteDeleteOriginal && r.Params["token"] == sent.Token
		}); err != nil {
			t.Errorf("the public 'thinking…' was not removed: %v", err)
		}
		m := h.mention(user(29), "please panic")
		_, mbody := h.reply(m.ID)
		if !strings.Contains(content(mbody), "something went wrong on my side") {
			t.Errorf("after a panic the mention got %q", content(mbody))
		}
		q := h.interact(discordtest.Interaction{Name: cmdQuote, User: discordtest.User{ID: user(30)},
			Options: []discordtest.CommandOption{{Name: optSpeaker, Value: "Boom"}}})
		_, resp := h.callback(q)
		if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "something went wrong") {
			t.Errorf("after a library panic /quote got %+v", resp.Data)
		}
		h.logs.wait(t, "fake answerer: asked to panic")
		// And the bot still answers.
		ok := h.ask(user(31), "Who took over from Stoltenberg?")
		h.webhook(ok, discordtest.RouteEditOriginal, nil)
	})

	t.Run("rate limits are retried", func(t *testing.T) {
		srv.Inject(discordtest.Fault{Method: http.MethodPost, Path: "/channels/" + discordtest.DefaultChannelID + "/messages", Times: 1, RetryAfter: 20 * time.Millisecond})
		sent := h.mention(user(32), "who took over from Stoltenberg?")
		h.reply(sent.ID)
		limited := 0
		for _, r := range srv.Requests() {
			if r.Route == discordtest.RouteCreateMessage && r.Status == http.StatusTooManyRequests {
				limited++
			}
		}
		if limited != 1 {
			t.Errorf("saw %d rate-limited sends, want 1 (then retried by discordgo)", limited)
		}
	})

	t.Run("unknown interaction is dropped", func(t *testing.T) {
		srv.Inject(discordtest.Fault{Path: "/interactions/*/*/callback", Status: http.StatusNotFound, Code: 10062, Message: "Unknown interaction"})
		sent := h.ask(user(33), "Who took over from Stoltenberg?")
		h.logs.wait(t, "interaction expired")
		next := h.ask(user(34), "Who took over from Stoltenberg?")
		h.webhook(next, discordtest.RouteEditOriginal, nil)
		for _, r := range srv.Requests() {
			if r.Params["interaction"] == sent.ID && r.Status != http.StatusNotFound ||
				r.Route != discordtest.RouteInteractionCallback && r.Params["token"] == sent.Token {
				t.Errorf("after 10062 the bot still sent %s %s", r.Method, r.Path)
			}
		}
		calls := 0
		for _, r := range srv.Requests() {
			if r.Params["interaction"] == sent.ID {
				calls++
			}
		}
		if calls != 1 {
			t.Errorf("%d callbacks for the expired interaction, want 1 (no retry)", calls)
		}
	})

	t.Run("metrics", func(t *testing.T) {
		var b strings.Builder
		h.metrics.WriteTo(&b)
		for _, want := range []string{
			`handover_questions_total{mode="extractive",outcome="answered"}`,
			`handover_questions_total{mode="none",outcome="cooldown"}`,
			`handover_questions_total{mode="none",outcome="rejected"}`,
			`handover_feedback_total{vote="down"} 1`,
			`handover_interaction_ack_seconds_count`,
			`handover_handler_panics_total 3`,
			`handover_gateway_connected 1`,
		} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("metrics lack %q:\n%s", want, b.String())
			}
		}
	})
}

const cannedAnswerText = "Mark Rutte took over from Jens Stoltenberg on 1 October 2024 [1]. One viewer thought it overdue [2]."

// postAsBot creates a message as the bot, replying to replyTo, the way an
// earlier run of the bot would have.
func postAsBot(t *testing.T, srv *discordtest.Server, replyTo, text string) string {
	t.Helper()
	body := fmt.Sprintf(`{"content":%q,"message_reference":{"message_id":%q},"allowed_mentions":{"parse":[]}}`, text, replyTo)
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/api/v10/channels/"+discordtest.DefaultChannelID+"/messages", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || m.ID == "" {
		t.Fatalf("post as bot: status %d, %v", resp.StatusCode, err)
	}
	return m.ID
}

func isBotMessage(t *testing.T, srv *discordtest.Server, id string) bool {
	for _, r := range srv.Requests() {
		if (r.Route == discordtest.RouteCreateMessage || r.Route == discordtest.RouteCreateFollowup) && r.Status == http.StatusOK {
			var m struct{ ID string }
			if json.Unmarshal(r.Response, &m) == nil && m.ID == id {
				return true
			}
		}
	}
	return false
}

func messageTemplate(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/message_create_duplicate.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestListedChannel(t *testing.T) {
	t.Parallel()
	const listed = "1230000000000000301"
	h := startBot(t, Options{Channels: []string{listed}, RespondToMentions: true, Cooldown: 30 * time.Second}, nil, nil)
	id := h.srv.Gateway().Identifies[0]
	if id.Intents&discordgo.IntentMessageContent == 0 {
		t.Errorf("intents %b lack message content with channels listed", id.Intents)
	}
	if got := h.srv.Commands(""); len(got) != 5 {
		t.Errorf("registered %d global commands, want 5", len(got))
	}
	sent := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(1)}, Content: "Who took over from Stoltenberg?"})
	_, body := h.reply(sent.ID)
	if !strings.Contains(content(body), "[1]") {
		t.Errorf("listed channel reply = %q", content(body))
	}
	elsewhere := h.message(discordtest.Message{Author: discordtest.User{ID: user(2)}, Content: "Who took over from Stoltenberg?"})
	control := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(3)}, Content: "Who took over?"})
	h.reply(control.ID)
	if n := h.replies(elsewhere.ID); n != 0 {
		t.Errorf("answered an unlisted channel without a mention")
	}

	// A mention is addressed to the bot, in a listed channel too: it is
	// never chatter, so its abstention is public even without a question
	// mark, and a bare mention gets the hint.
	mentioned := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(10)}, Content: "<@" + discordtest.DefaultBotID + "> nothing about Rutte"})
	if _, body := h.reply(mentioned.ID); !strings.Contains(content(body), "don't say") {
		t.Errorf("a mention without a question mark in a listed channel got %q, want the abstention", content(body))
	}
	bare := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(11)}, Content: "<@" + discordtest.DefaultBotID + ">"})
	if _, body := h.reply(bare.ID); content(body) != mentionHint {
		t.Errorf("a bare mention in a listed channel got %q, want the hint", content(body))
	}

	// Chatter that is not a question gets no public abstention; a
	// question the articles cannot answer still does.
	chatter := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(4)}, Content: "nothing much, hi everyone"})
	asked := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(5)}, Content: "what about nothing?"})
	_, body = h.reply(asked.ID)
	if !strings.Contains(content(body), "don't say") {
		t.Errorf("a question's abstention = %q", content(body))
	}
	control = h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(6)}, Content: "Who took over?"})
	h.reply(control.ID)
	if n := h.replies(chatter.ID); n != 0 {
		t.Errorf("replied %d times to chatter in a listed channel", n)
	}

	// Nor is chatter refused aloud: not within the cooldown, not for its
	// length. And chatter that got no answer starts no cooldown: the
	// question after it is answered.
	asker := user(7)
	_, body = h.reply(h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: asker}, Content: "Who took over?"}).ID)
	if !strings.Contains(content(body), "[1]") {
		t.Fatalf("question before the chatter got %q", content(body))
	}
	fast := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: asker}, Content: "lol nice"})
	long := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(8)}, Content: strings.Repeat("la ", 900)})
	talker := user(9)
	said := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: talker}, Content: "nothing much, hi everyone"})
	h.logs.wait(t, `msg="chatter ignored" message_id=`+said.ID)
	_, body = h.reply(h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: talker}, Content: "Who took over?"}).ID)
	if !strings.Contains(content(body), "[1]") {
		t.Errorf("the question after unanswered chatter got %q", content(body))
	}
	for _, id := range []string{fast.ID, long.ID} {
		h.logs.wait(t, `msg="message refused" message_id=`+id) // the handler is done
	}
	for what, id := range map[string]string{"chatter within the cooldown": fast.ID, "chatter too long to ask": long.ID} {
		if n := h.replies(id); n != 0 {
			t.Errorf("replied %d times to %s", n, what)
		}
	}
}

// TestListedChannelBareMention checks that a bare mention in a listed
// channel gets the hint when the bot does not answer mentions elsewhere:
// addressed to it, it is no image or sticker passed over.
func TestListedChannelBareMention(t *testing.T) {
	t.Parallel()
	const listed = "1230000000000000302"
	h := startBot(t, Options{Channels: []string{listed}}, nil, nil)
	bare := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(1)}, Content: "<@" + discordtest.DefaultBotID + ">"})
	if _, body := h.reply(bare.ID); content(body) != mentionHint {
		t.Errorf("a bare mention in a listed channel got %q, want the hint", content(body))
	}
}

// TestChatterCooldown checks that chatter in a listed channel neither
// spends the one "please wait" a cooldown gives nor, when it goes
// unanswered, moves the cooldown a question started.
func TestChatterCooldown(t *testing.T) {
	t.Parallel()
	const listed = "1230000000000000301"
	h := startBot(t, Options{Channels: []string{listed}, Cooldown: 30 * time.Second, AnswerTimeout: time.Second}, nil, nil)
	say := func(u, text string) discordtest.Sent {
		return h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: u}, Content: text})
	}

	// Chatter within the cooldown is refused in silence; the question
	// after it is still told to wait.
	u := user(1)
	if _, body := h.reply(say(u, "Who took over?").ID); !strings.Contains(content(body), "[1]") {
		t.Fatalf("first question got %q", content(body))
	}
	chat := say(u, "lol nice")
	h.logs.wait(t, `msg="message refused" message_id=`+chat.ID)
	if _, body := h.reply(say(u, "When did it happen?").ID); !strings.Contains(content(body), "please wait") {
		t.Errorf("a question within the cooldown, after chatter, got %q; want told to wait", content(body))
	}
	if n := h.replies(chat.ID); n != 0 {
		t.Errorf("%d replies to chatter within the cooldown", n)
	}

	// Chatter that times out unanswered, while a question is answered,
	// leaves that question's cooldown as it was.
	v := user(2)
	slow := say(v, "block lol")
	<-h.ans.entered
	if _, body := h.reply(say(v, "Who took over?").ID); !strings.Contains(content(body), "[1]") {
		t.Fatalf("question beside slow chatter got %q", content(body))
	}
	h.logs.wait(t, `msg="answer message" message_id=`+slow.ID) // the chatter's answer timed out
	if _, body := h.reply(say(v, "When did it happen?").ID); !strings.Contains(content(body), "please wait") {
		t.Errorf("a question right after the last got %q; want told to wait", content(body))
	}
}

// TestChatterPending checks that chatter holds its user while it is
// answered: more chatter from them meanwhile is refused in silence, as it
// is once the cooldown an answer starts is running. Chatter that gets no
// answer, or whose handler panics, lets the user go.
func TestChatterPending(t *testing.T) {
	t.Parallel()
	const listed = "1230000000000000301"
	h := startBot(t, Options{Channels: []string{listed}, Cooldown: 30 * time.Second}, nil, nil)
	say := func(u, text string) discordtest.Sent {
		return h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: u}, Content: text})
	}

	u := user(1)
	first := say(u, "block lol")
	<-h.ans.entered
	second := say(u, "lol block that")
	h.logs.wait(t, `msg="message refused" message_id=`+second.ID)
	h.ans.release <- struct{}{}
	if _, body := h.reply(first.ID); !strings.Contains(content(body), "[1]") {
		t.Fatalf("chatter the articles answer got %q", content(body))
	}
	h.answered(first.ID)
	third := say(u, "lol nice")
	h.logs.wait(t, `msg="message refused" message_id=`+third.ID)
	for what, id := range map[string]string{"chatter while earlier chatter was answered": second.ID, "chatter in the cooldown it started": third.ID} {
		if n := h.replies(id); n != 0 {
			t.Errorf("%d replies to %s", n, what)
		}
	}

	v := user(2)
	quiet := say(v, "nothing much")
	h.logs.wait(t, `msg="chatter ignored" message_id=`+quiet.ID)
	crash := say(v, "panic lol")
	h.logs.wait(t, `msg="answer message" message_id=`+crash.ID)
	if _, body := h.reply(say(v, "lol Rutte took over").ID); !strings.Contains(content(body), "[1]") {
		t.Errorf("chatter after unanswered and crashed chatter got %q, want an answer", content(body))
	}
}

// Chatter shows no typing indicator, answered or not, and chatter the
// articles do not answer is counted as ignored, not as a question
// abstained on, with no answer latency.
func TestChatterIgnored(t *testing.T) {
	t.Parallel()
	const listed = "1230000000000000301"
	h := startBot(t, Options{Channels: []string{listed}, Cooldown: 30 * time.Second}, nil, nil)
	ignored := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(1)}, Content: "nothing much, hi everyone"})
	h.logs.wait(t, `msg="chatter ignored" message_id=`+ignored.ID)
	metrics := func() string {
		var b strings.Builder
		if _, err := h.metrics.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	got := metrics()
	for _, want := range []string{`handover_questions_total{mode="extractive",outcome="chatter_ignored"} 1`, "handover_answer_seconds_count 0"} {
		if !strings.Contains(got, want) {
			t.Errorf("after chatter passed over, metrics lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, `outcome="abstained"`) {
		t.Errorf("chatter passed over counted as an abstention:\n%s", got)
	}

	answered := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(2)}, Content: "lol Rutte took over"})
	if _, body := h.reply(answered.ID); !strings.Contains(content(body), "[1]") {
		t.Fatalf("chatter the articles answer got %q", content(body))
	}
	h.answered(answered.ID)
	if got := metrics(); !strings.Contains(got, `handover_questions_total{mode="extractive",outcome="answered"} 1`) || !strings.Contains(got, "handover_answer_seconds_count 1") {
		t.Errorf("answered chatter is not counted as answered:\n%s", got)
	}
	for _, r := range h.srv.Requests() {
		if r.Route == discordtest.RouteTyping {
			t.Errorf("typing indicator for chatter: %s %s", r.Method, r.Path)
		}
	}
	// Chatter within the cooldown its answer started is passed over too:
	// chatter ignored, not a question refused for the cooldown.
	again := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(2)}, Content: "lol Rutte again"})
	h.logs.wait(t, `msg="message refused" message_id=`+again.ID)
	got = metrics()
	if !strings.Contains(got, `handover_questions_total{mode="none",outcome="chatter_ignored"} 1`) || strings.Contains(got, `outcome="cooldown"`) {
		t.Errorf("chatter within a cooldown is not counted as chatter ignored:\n%s", got)
	}
}

func TestLooksLikeQuestion(t *testing.T) {
	for q, want := range map[string]bool{
		"who took over?": true, "When did Rutte start": true, "tell me about the ceremony": true,
		"¿Quién es?": true, "hi everyone": false, "lol": false, "Rutte is great": false, "nothing much": false,
	} {
		if got := looksLikeQuestion(q); got != want {
			t.Errorf("looksLikeQuestion(%q) = %v, want %v", q, got, want)
		}
	}
}

// refuseIntents fronts srv as Discord fronts an application whose
// privileged intents are not enabled in the developer portal: an IDENTIFY
// asking for any of refused is answered with close code 4014. Everything
// else passes through. It returns the base URL to use.
func refuseIntents(t *testing.T, refused discordgo.Intent) func(*discordtest.Server) string {
	return func(srv *discordtest.Server) string {
		target, err := url.Parse(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		rest := httputil.NewSingleHostReverseProxy(target)
		var up websocket.Upgrader
		var hs *httptest.Server
		hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case websocket.IsWebSocketUpgrade(r):
				proxyGateway(w, r, &up, srv.GatewayURL(), refused)
			case strings.HasSuffix(r.URL.Path, "/gateway"):
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"url": "ws://%s"}`, hs.Listener.Addr())
			default:
				rest.ServeHTTP(w, r)
			}
		}))
		t.Cleanup(hs.Close)
		return hs.URL
	}
}

func proxyGateway(w http.ResponseWriter, r *http.Request, up *websocket.Upgrader, upstreamURL string, refused discordgo.Intent) {
	client, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer client.Close()
	upstream, _, err := websocket.DefaultDialer.Dial(upstreamURL+"/?"+r.URL.RawQuery, nil)
	if err != nil {
		return
	}
	defer upstream.Close()
	closeWith := func(c *websocket.Conn, err error) {
		code := websocket.CloseNormalClosure
		if ce, ok := err.(*websocket.CloseError); ok {
			code = ce.Code
		}
		c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	}
	go func() {
		for {
			mt, data, err := upstream.ReadMessage()
			if err != nil {
				closeWith(client, err)
				client.Close()
				return
			}
			if client.WriteMessage(mt, data) != nil {
				return
			}
		}
	}()
	for {
		mt, data, err := client.ReadMessage()
		if err != nil {
			closeWith(upstream, err)
			return
		}
		var f struct {
			Op int `json:"op"`
			D  struct {
				Intents discordgo.Intent `json:"intents"`
			} `json:"d"`
		}
		if json.Unmarshal(data, &f) == nil && f.Op == 2 && f.D.Intents&refused != 0 {
			client.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4014, "Disallowed intent(s)."), time.Now().Add(time.Second))
			return
		}
		if upstream.WriteMessage(mt, data) != nil {
			return
		}
	}
}

func TestDisallowedIntents(t *testing.T) {
	t.Parallel()
	const listed = "1230000000000000301"
	h := startBot(t, Options{Channels: []string{listed}, RespondToMentions: true}, nil, refuseIntents(t, discordgo.IntentMessageContent))
	h.logs.wait(t, "MESSAGE CONTENT INTENT")
	ids := h.srv.Gateway().Identifies
	if len(ids) != 1 || ids[0].Intents&discordgo.IntentMessageContent != 0 {
		t.Errorf("identifies reaching Discord = %+v, want one without message content", ids)
	}
	// Mentions in the listed channel still work, as anywhere: answered
	// whether or not they end in a question mark, the articles' "don't
	// say" included, and a bare mention gets the hint.
	for i, tt := range []struct{ name, text, want string }{
		{"question", "who took over?", "[1]"},
		{"no question mark, abstained", "nothing about Rutte", "don't say"},
		{"bare mention", "", "/ask"},
	} {
		sent := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(10 + i)}, Content: "<@" + discordtest.DefaultBotID + "> " + tt.text})
		if _, body := h.reply(sent.ID); !strings.Contains(content(body), tt.want) {
			t.Errorf("%s: mention %q in the listed channel got %q, want it to contain %q", tt.name, tt.text, content(body), tt.want)
		}
	}
	// A listed channel's plain messages arrive empty and are not answered.
	plain := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(2)}, Content: "who took over?"})
	control := h.mention(user(3), "who took over?")
	h.reply(control.ID)
	if h.replies(plain.ID) != 0 {
		t.Errorf("answered a message whose content Discord withheld")
	}
}

// When Discord refuses the Message Content intent the bot carries on as if
// no channel were listed: with respond_to_mentions off, a mention in a
// listed channel is then not answered, where it would be with the intent.
func TestDisallowedIntentsDropsChannels(t *testing.T) {
	t.Parallel()
	const listed = "1230000000000000301"
	h := startBot(t, Options{Channels: []string{listed}}, nil, refuseIntents(t, discordgo.IntentMessageContent))
	h.logs.wait(t, "MESSAGE CONTENT INTENT")
	mentioned := h.message(discordtest.Message{ChannelID: listed, Author: discordtest.User{ID: user(1)}, Content: "<@" + discordtest.DefaultBotID + "> who took over?"})
	control := h.message(discordtest.Message{DM: true, Author: discordtest.User{ID: user(2)}, Content: "who took over?"})
	if _, body := h.reply(control.ID); !strings.Contains(content(body), "[1]") {
		t.Fatalf("direct message got %q, want an answer", content(body))
	}
	if n := h.replies(mentioned.ID); n != 0 {
		t.Errorf("%d replies in a listed channel after Discord refused Message Content, want none (respond_to_mentions is off)", n)
	}
	if strings.Contains(h.logs.String(), "message_id="+mentioned.ID) {
		t.Errorf("the message in the dropped listed channel was handled:\n%s", h.logs.String())
	}
}

func TestStreaming(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{LLM: true, RespondToMentions: true}, nil, nil)
	sent := h.ask(user(1), "stream an answer")
	h.callback(sent)
	<-h.ans.streamed
	// Three partials arrived before this tick: one edit shows the latest.
	h.clock.tick(time.Second)
	_, preview := h.webhook(sent, discordtest.RouteEditOriginal, nil)
	// The preview is a labelled draft without its unchecked [n] markers.
	if c := content(preview); !strings.HasPrefix(c, "Mark Rutte took over from Jens Stoltenberg.") || !strings.Contains(c, "writing") ||
		!strings.Contains(c, "draft") || markerRE.MatchString(c) {
		t.Errorf("preview = %q, want the text without markers, labelled a draft", c)
	}
	h.clock.tick(time.Second) // nothing new: no edit
	h.ans.release <- struct{}{}
	final, body := h.webhook(sent, discordtest.RouteEditOriginal, func(b map[string]any) bool { return len(customIDs(b)) > 0 })
	t.Logf("streamed /ask: final answer %v after dispatch", final.At.Sub(sent.At))
	if c := content(body); strings.Contains(c, "writing") || !strings.Contains(c, "It happened on 1 October 2024 [1].") || !strings.Contains(embedText(body), "Sources") {
		t.Errorf("final = %q / %q", c, embedText(body))
	}
	edits := 0
	for _, r := range h.srv.Requests() {
		if r.Route == discordtest.RouteEditOriginal && r.Params["token"] == sent.Token {
			edits++
		}
	}
	if edits != 2 {
		t.Errorf("%d edits, want 2 (one preview per tick with new text, one final)", edits)
	}

	// By mention: the preview is the reply, then edited into the answer.
	m := h.mention(user(2), "stream again")
	<-h.ans.streamed
	h.clock.tick(time.Second)
	r, _ := h.reply(m.ID)
	h.ans.release <- struct{}{}
	id := responseID(t, r)
	_, err := h.srv.WaitRequest(testContext(t), func(r discordtest.Request) bool {
		return r.Route == discordtest.RouteEditMessage && r.Params["message"] == id && len(customIDs(decodeBody(r))) > 0
	})
	if err != nil {
		t.Fatal(err)
	}
	// A stream that fails, or panics, turns its preview into the apology:
	// no "… writing" left behind, no second reply.
	for _, tt := range []struct {
		user                      int
		question, apology, logged string
	}{
		{4, "stream then fail", "went wrong", "the model fell over"},
		{5, "stream then crash", "went wrong on my side", "crashed mid-stream"},
	} {
		m := h.mention(user(tt.user), tt.question)
		<-h.ans.streamed
		h.clock.tick(time.Second)
		r, _ := h.reply(m.ID)
		h.ans.release <- struct{}{}
		rid := responseID(t, r)
		if _, err := h.srv.WaitRequest(testContext(t), func(r discordtest.Request) bool {
			return r.Route == discordtest.RouteEditMessage && r.Params["message"] == rid && strings.Contains(content(decodeBody(r)), tt.apology)
		}); err != nil {
			t.Fatalf("%q: %v", tt.question, err)
		}
		h.logs.wait(t, tt.logged)
		h.logs.wait(t, `msg="answer message" message_id=`+m.ID) // the handler is done
		if n := h.replies(m.ID); n != 1 {
			t.Errorf("%q: %d replies, want 1 (the preview, edited)", tt.question, n)
		}
	}
	// A long answer edited into the preview whose next part cannot be
	// sent: the part delivered stays, and a reply says the rest is lost.
	g := h.mention(user(6), "stream a huge answer")
	<-h.ans.streamed
	h.clock.tick(time.Second)
	gr, _ := h.reply(g.ID)
	gid := responseID(t, gr)
	h.srv.Inject(discordtest.Fault{Method: http.MethodPost, Path: "/channels/*/messages", Status: http.StatusForbidden, Code: discordgo.ErrCodeMissingPermissions, Message: "Missing Permissions"})
	h.ans.release <- struct{}{}
	if _, err := h.srv.WaitRequest(testContext(t), func(r discordtest.Request) bool {
		ref, _ := decodeBody(r)["message_reference"].(map[string]any)
		return r.Route == discordtest.RouteCreateMessage && r.Status == http.StatusOK && ref["message_id"] == g.ID &&
			strings.Contains(content(decodeBody(r)), "The rest of this answer could not be sent")
	}); err != nil {
		t.Fatalf("no note that the rest of the answer was lost: %v", err)
	}
	for _, r := range h.srv.Requests() {
		if r.Route == discordtest.RouteEditMessage && r.Params["message"] == gid && strings.Contains(content(decodeBody(r)), "went wrong") {
			t.Errorf("the part delivered was replaced by %q", content(decodeBody(r)))
		}
	}

	if h.metrics.modelErrors.Load() != 0 {
		t.Errorf("model errors = %d, want 0 for llm answers", h.metrics.modelErrors.Load())
	}
	// An extractive answer while a model is configured is a model error.
	plain := h.ask(user(3), "Who took over from Stoltenberg?")
	h.webhook(plain, discordtest.RouteEditOriginal, nil)
	if h.metrics.modelErrors.Load() != 1 {
		t.Errorf("model errors = %d, want 1", h.metrics.modelErrors.Load())
	}
}

func TestQueue(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{MaxConcurrent: 1, QueueSize: 1, RespondToMentions: true}, nil, nil)
	running := h.ask(user(1), "block one")
	h.callback(running)
	<-h.ans.entered
	queued := h.ask(user(2), "block two")
	h.callback(queued) // deferred: it holds the one queue place
	turnedAway := h.ask(user(3), "Who took over?")
	_, resp := h.callback(turnedAway)
	if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "a lot of questions") {
		t.Errorf("with the queue full got %+v, want an ephemeral 'busy'", resp.Data)
	}
	m := h.mention(user(4), "who took over?")
	h.busyReaction(m.ID)
	h.ans.release <- struct{}{}
	<-h.ans.entered // the queued question got its turn
	h.ans.release <- struct{}{}
	h.webhook(running, discordtest.RouteEditOriginal, nil)
	h.webhook(queued, discordtest.RouteEditOriginal, nil)
}

// TestChannelBacklog checks that answers waiting for their channel's
// message budget count against that channel: past maxChannelBacklog
// messages admitted and not yet answered in one channel, the next is
// turned away as busy, though the queue has room, while other channels
// are answered; and that the places come back once the answers are
// delivered, or their handlers panic.
func TestChannelBacklog(t *testing.T) {
	t.Parallel()
	const busyChannel = "1230000000000000310"
	proxy, deliver := holdRequests(t, func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/channels/"+busyChannel+"/messages")
	})
	h := startBot(t, Options{RespondToMentions: true, MaxConcurrent: 2}, nil, proxy)
	t.Cleanup(deliver) // before the bot stops
	say := func(u int, channel, text string) discordtest.Sent {
		return h.message(discordtest.Message{ChannelID: channel, Author: discordtest.User{ID: user(u)}, Content: "<@" + discordtest.DefaultBotID + "> " + text})
	}

	var waiting []discordtest.Sent
	for i := range maxChannelBacklog {
		waiting = append(waiting, say(i, busyChannel, "who took over?"))
	}
	// Each answer is computed at once, and waits for Discord to take it.
	for ctx := testContext(t); h.bot.backlog.waiting(busyChannel) < maxChannelBacklog || h.bot.gate.running()+h.bot.gate.queued() > 0; {
		select {
		case <-ctx.Done():
			t.Fatalf("%d messages admitted in the channel, %d computing or queued; want %d, all computed", h.bot.backlog.waiting(busyChannel), h.bot.gate.running()+h.bot.gate.queued(), maxChannelBacklog)
		case <-time.After(time.Millisecond):
		}
	}
	turnedAway := say(100, busyChannel, "who took over?")
	h.busyReaction(turnedAway.ID)
	elsewhere := say(101, discordtest.DefaultChannelID, "who took over?")
	if _, body := h.reply(elsewhere.ID); !strings.Contains(content(body), "[1]") {
		t.Errorf("a question in another channel got %q, want an answer", content(body))
	}

	deliver()
	for _, m := range waiting {
		h.reply(m.ID)
		h.answered(m.ID)
	}
	// Handlers that panic give their places back too: were they kept, the
	// question after them would be turned away.
	var crashed []discordtest.Sent
	for i := range maxChannelBacklog {
		crashed = append(crashed, say(200+i, busyChannel, "panic"))
	}
	for _, m := range crashed {
		if _, body := h.reply(m.ID); !strings.Contains(content(body), "went wrong on my side") {
			t.Errorf("a question whose answer panicked got %q", content(body))
		}
	}
	again := say(300, busyChannel, "who took over?")
	if _, body := h.reply(again.ID); !strings.Contains(content(body), "[1]") {
		t.Errorf("a question after the channel's answers went out got %q, want an answer", content(body))
	}
}

// waiting is how many messages in channel are admitted and not yet done
// with.
func (q *backlog) waiting(channel string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n[channel]
}

func TestSlowLibraryDefers(t *testing.T) {
	t.Parallel()
	lib := &fakeLibrary{entered: make(chan struct{}, 1), gate: make(chan struct{})}
	h := startBot(t, Options{DeferAfter: 10 * time.Millisecond}, lib, nil)
	sent := h.interact(discordtest.Interaction{Name: cmdQuote, Options: []discordtest.CommandOption{{Name: optSpeaker, Value: "Mark Rutte"}}})
	<-lib.entered
	_, resp := h.callback(sent) // the library is still busy
	if resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("slow /quote acknowledged with %v, want deferred", resp.Type)
	}
	close(lib.gate)
	_, body := h.webhook(sent, discordtest.RouteEditOriginal, nil)
	if !strings.Contains(embedText(body), "Ukraine's place is in NATO") {
		t.Errorf("edit = %v", body)
	}
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{RespondToMentions: true, ShutdownTimeout: time.Minute}, nil, nil)
	health := httptest.NewServer(h.metrics.Handler())
	defer health.Close()
	h.metrics.SetIndexLoaded(true)
	// Connected is set by discordgo's Connect handler, which runs in a
	// goroutine of its own, perhaps just after the commands registered.
	if code := waitStatus(t, health.URL+"/healthz", http.StatusOK); code != http.StatusOK {
		t.Errorf("healthz while connected = %d, want 200", code)
	}

	inflight := h.ask(user(1), "block until shutdown")
	h.callback(inflight)
	<-h.ans.entered
	h.cancel()
	h.logs.wait(t, "shutting down")

	late := h.ask(user(2), "Who took over?")
	_, resp := h.callback(late)
	if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "restarting") {
		t.Errorf("a question during shutdown got %+v, want an ephemeral 'restarting'", resp.Data)
	}
	select {
	case err := <-h.done:
		t.Fatalf("Run returned %v with a question in flight", err)
	default:
	}
	h.ans.release <- struct{}{}
	h.webhook(inflight, discordtest.RouteEditOriginal, nil)
	if err := h.stop(); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if _, err := h.srv.WaitGateway(testContext(t), func(g discordtest.GatewayState) bool { return g.Live == 0 }); err != nil {
		t.Errorf("gateway still connected after Run returned: %v", err)
	}
	if code := getStatus(t, health.URL+"/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("healthz after shutdown = %d, want 503", code)
	}
}

func TestShutdownGivesUp(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{ShutdownTimeout: 20 * time.Millisecond}, nil, nil)
	inflight := h.ask(user(1), "block forever")
	h.callback(inflight)
	<-h.ans.entered
	if err := h.stop(); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	// The abandoned question's asker has been told, privately, by the
	// time Run returns (the process exits then).
	told := false
	for _, r := range h.srv.Requests() {
		if r.Route == discordtest.RouteCreateFollowup && r.Params["token"] == inflight.Token {
			body := decodeBody(r)
			told = isEphemeral(body) && strings.Contains(content(body), "restarting")
		}
	}
	if !told {
		t.Error("Run returned before the abandoned question's asker was told")
	}
}

// TestShutdownTellsQueued checks that every asker whose question is
// abandoned at shutdown, queued ones included, has been told by the time
// Run returns, though Discord's channel limit (5 messages per 5 s) holds
// the apologies back.
func TestShutdownTellsQueued(t *testing.T) {
	t.Parallel()
	lim := discordtest.Limits{ChannelMessages: 5, ChannelWindow: 5 * time.Second}
	srv := discordtest.NewServer(t, discordtest.WithToken(testToken), discordtest.WithLimits(lim))
	h := startBotOn(t, srv, Options{RespondToMentions: true, MaxConcurrent: 1, ShutdownTimeout: 20 * time.Millisecond}, nil, nil, newLogSink())
	askers := []discordtest.Sent{h.mention(user(0), "block one")}
	<-h.ans.entered
	for i := 1; i < 8; i++ {
		askers = append(askers, h.mention(user(i), "who took over?"))
	}
	for ctx := testContext(t); h.bot.gate.queued() < len(askers)-1; {
		select {
		case <-ctx.Done():
			t.Fatalf("%d questions queued, want %d", h.bot.gate.queued(), len(askers)-1)
		case <-time.After(time.Millisecond):
		}
	}
	if err := h.stop(); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	told := map[string]bool{}
	for _, r := range srv.Requests() {
		body := decodeBody(r)
		if r.Route == discordtest.RouteCreateMessage && r.Status == http.StatusOK && strings.Contains(content(body), "restarting") {
			if ref, ok := body["message_reference"].(map[string]any); ok {
				told[fmt.Sprint(ref["message_id"])] = true
			}
		}
	}
	for _, m := range askers {
		if !told[m.ID] {
			t.Errorf("asker of message %s was not told before Run returned (%d of %d told)", m.ID, len(told), len(askers))
		}
	}
}

// waitStatus polls u until it answers want or the test's time runs out,
// and returns the last status.
func waitStatus(t *testing.T, u string, want int) int {
	t.Helper()
	ctx := testContext(t)
	for {
		code := getStatus(t, u)
		if code == want {
			return code
		}
		select {
		case <-ctx.Done():
			return code
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func getStatus(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestReconnect(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{RespondToMentions: true}, nil, nil)
	h.srv.DropConnections()
	h.logs.wait(t, "reconnected to the discord gateway")
	if n := h.metrics.reconnects.Load(); n != 1 {
		t.Errorf("reconnects = %d, want 1", n)
	}
	// Events sent while the bot was away are replayed on RESUME, or the
	// bot re-identifies; either way a new question is answered.
	sent := h.mention(user(1), "who took over?")
	h.reply(sent.ID)
}

// An answer returned as the answer deadline runs out, as the engine's
// extractive fallback is when the model times out, still reaches the user.
func TestAnswerAtDeadlineIsDelivered(t *testing.T) {
	t.Parallel()
	// The fake answers when its context is done: a short deadline, not a
	// sleep, is what the test waits for.
	h := startBot(t, Options{RespondToMentions: true, AnswerTimeout: 20 * time.Millisecond}, nil, nil)

	sent := h.ask(user(1), "deadline: who took over?")
	h.callback(sent)
	_, body := h.webhook(sent, discordtest.RouteEditOriginal, nil)
	if c := content(body); !strings.Contains(c, "Mark Rutte took over") || !strings.Contains(c, fallbackNote) || !strings.Contains(embedText(body), "Sources") {
		t.Errorf("/ask at the deadline got %q / %q, want the fallback answer with its note and sources", c, embedText(body))
	}
	h.logs.wait(t, "msg=answered interaction_id="+sent.ID)

	m := h.mention(user(2), "deadline: who took over?")
	_, mbody := h.reply(m.ID)
	if c := content(mbody); !strings.Contains(c, "Mark Rutte took over") || !strings.Contains(c, fallbackNote) {
		t.Errorf("mention at the deadline got %q, want the fallback answer", c)
	}
	h.answered(m.ID)

	for _, r := range h.srv.Requests() {
		if strings.Contains(content(decodeBody(r)), userMessage(context.DeadlineExceeded)) {
			t.Errorf("%s %s told the user the answer took too long", r.Method, r.Path)
		}
	}
}

// Waiting in the queue does not eat into a question's answer time: its
// deadline starts when it gets its turn.
func TestQueueWaitIsNotAnswerTime(t *testing.T) {
	t.Parallel()
	const answerTimeout = time.Minute
	h := startBot(t, Options{MaxConcurrent: 1, AnswerTimeout: answerTimeout}, nil, nil)
	first := h.ask(user(1), "block one")
	h.callback(first)
	<-h.ans.entered
	second := h.ask(user(2), "block two")
	h.callback(second) // the second is in; it cannot have its turn yet
	released := time.Now()
	h.ans.release <- struct{}{}
	<-h.ans.entered
	dl, ok := h.ans.deadline("block two")
	if !ok {
		t.Fatal("the queued question was answered without a deadline")
	}
	if want := released.Add(answerTimeout); dl.Before(want) {
		t.Errorf("queued question's deadline = %v, want at least %v (its turn came after %v)", dl, want, released)
	}
	h.ans.release <- struct{}{}
	h.webhook(first, discordtest.RouteEditOriginal, nil)
	h.webhook(second, discordtest.RouteEditOriginal, nil)
}

// dropRequests fronts srv with a proxy that cuts the connection of every
// REST request for which drop, set with the returned function, reports
// true: the bot's HTTP client then fails with a *url.Error quoting the
// whole URL. It returns the proxy for startBot and the setter.
func dropRequests(t *testing.T) (func(*discordtest.Server) string, func(drop func(*http.Request) bool)) {
	var mu sync.Mutex
	drop := func(*http.Request) bool { return false }
	set := func(d func(*http.Request) bool) {
		mu.Lock()
		defer mu.Unlock()
		drop = d
	}
	proxy := func(srv *discordtest.Server) string {
		target, err := url.Parse(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		rest := httputil.NewSingleHostReverseProxy(target)
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			d := drop
			mu.Unlock()
			if d(r) {
				panic(http.ErrAbortHandler) // closes the connection, unlogged
			}
			rest.ServeHTTP(w, r)
		}))
		t.Cleanup(hs.Close)
		return hs.URL
	}
	return proxy, set
}

// holdRequests fronts srv with a proxy that holds every REST request for
// which hold reports true until release is called, as Discord holds a bot
// whose channel's message budget is spent. It returns the proxy for
// startBot, and release, which may be called more than once.
func holdRequests(t *testing.T, hold func(*http.Request) bool) (func(*discordtest.Server) string, func()) {
	released := make(chan struct{})
	release := sync.OnceFunc(func() { close(released) })
	proxy := func(srv *discordtest.Server) string {
		target, err := url.Parse(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		rest := httputil.NewSingleHostReverseProxy(target)
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hold(r) {
				select {
				case <-released:
				case <-r.Context().Done():
					return
				}
			}
			rest.ServeHTTP(w, r)
		}))
		t.Cleanup(hs.Close)
		return hs.URL
	}
	return proxy, release
}

// Interaction tokens are credentials: errors that quote a webhook or
// callback URL are logged with the token hidden.
func TestTokensNeverLogged(t *testing.T) {
	t.Parallel()
	proxy, drop := dropRequests(t)
	h := startBot(t, Options{}, nil, proxy)
	tests := []struct {
		name string
		path string // requests whose path contains it fail
	}{
		{"answer edit and apology fail", "/webhooks/"},
		{"acknowledgement fails", "/interactions/"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			drop(func(r *http.Request) bool { return strings.Contains(r.URL.Path, tt.path) })
			defer drop(func(*http.Request) bool { return false })
			sent := h.ask(user(i+1), "Who took over from Stoltenberg?")
			h.logs.wait(t, `msg="tell user about failure" interaction_id=`+sent.ID)
			logs := h.logs.String()
			if strings.Contains(logs, sent.Token) {
				t.Errorf("the log holds interaction %s's token:\n%s", sent.ID, logs)
			}
			if !strings.Contains(logs, tt.path) || !strings.Contains(logs, "/<token>/") {
				t.Errorf("the log lacks the failed URL with its token hidden:\n%s", logs)
			}
		})
	}
}

// A question turned away because the queue is full does not count
// against the asker's cooldown.
func TestBusyIsNotACooldown(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{MaxConcurrent: 1, QueueSize: 1, RespondToMentions: true, Cooldown: time.Hour}, nil, nil)
	running := h.ask(user(1), "block one")
	h.callback(running)
	<-h.ans.entered
	queued := h.ask(user(2), "block two")
	h.callback(queued)

	busy := h.ask(user(3), "Who took over?")
	if _, resp := h.callback(busy); resp.Data == nil || !strings.Contains(resp.Data.Content, "a lot of questions") {
		t.Fatalf("with the queue full got %+v, want 'busy'", resp.Data)
	}
	m := h.mention(user(4), "who took over?")
	h.busyReaction(m.ID)
	h.ans.release <- struct{}{}
	<-h.ans.entered
	h.ans.release <- struct{}{}
	h.webhook(running, discordtest.RouteEditOriginal, nil)
	h.webhook(queued, discordtest.RouteEditOriginal, nil)

	// The clock has not moved: with an hour's cooldown, only a busy
	// refusal that did not count lets them in.
	again := h.ask(user(3), "Who took over?")
	_, body := h.webhook(again, discordtest.RouteEditOriginal, nil)
	if !strings.Contains(content(body), "[1]") {
		t.Errorf("/ask after a busy refusal got %q, want an answer", content(body))
	}
	m2 := h.mention(user(4), "who took over?")
	if _, body := h.reply(m2.ID); !strings.Contains(content(body), "[1]") {
		t.Errorf("mention after a busy refusal got %q, want an answer", content(body))
	}

	// Without Add Reactions, the busy notice is a reply.
	running = h.ask(user(5), "block three")
	h.callback(running)
	<-h.ans.entered
	queued = h.ask(user(6), "block four")
	h.callback(queued)
	h.srv.Inject(discordtest.Fault{Method: http.MethodPut, Path: "/channels/*/messages/*/reactions/*/*", Status: http.StatusForbidden, Code: discordgo.ErrCodeMissingPermissions, Message: "Missing Permissions"})
	m3 := h.mention(user(7), "who took over?")
	if _, body := h.reply(m3.ID); !strings.Contains(content(body), "a lot of questions") {
		t.Errorf("busy without Add Reactions got %q, want a 'busy' reply", content(body))
	}
	h.ans.release <- struct{}{}
	<-h.ans.entered
	h.ans.release <- struct{}{}
	h.webhook(running, discordtest.RouteEditOriginal, nil)
	h.webhook(queued, discordtest.RouteEditOriginal, nil)
}

// Hints to bare mentions are rate limited per user, without holding up
// the question the hint asks for.
func TestHintRateLimit(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{RespondToMentions: true, Cooldown: 5 * time.Second}, nil, nil)
	u := user(1)
	first := h.mention(u, "")
	if _, body := h.reply(first.ID); !strings.Contains(content(body), "/ask") {
		t.Errorf("hint = %q", content(body))
	}
	second := h.mention(u, "")
	h.logs.wait(t, `msg="message refused" message_id=`+second.ID)
	// Another user still gets a hint.
	other := h.mention(user(2), "")
	h.reply(other.ID)
	// The question the hint asked for is answered at once.
	q := h.mention(u, "who took over from Stoltenberg?")
	if _, body := h.reply(q.ID); !strings.Contains(content(body), "[1]") {
		t.Errorf("question after a hint got %q, want an answer", content(body))
	}
	h.clock.advance(minHintInterval)
	third := h.mention(u, "")
	h.reply(third.ID)
	if n := h.replies(second.ID); n != 0 {
		t.Errorf("a second bare mention within %v got %d replies, want none", minHintInterval, n)
	}
}

// Without the Message Content intent a reply that does not ping the bot
// arrives empty: the bot says why, rather than the generic hint.
func TestSilentReply(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{RespondToMentions: true}, nil, nil)
	q := h.mention(user(1), "who took over from Stoltenberg?")
	r, _ := h.reply(q.ID)
	answer := responseID(t, r)
	h.answered(q.ID)

	silent := h.message(discordtest.Message{Author: discordtest.User{ID: user(2)}, ReplyTo: answer, SilentReply: true, Content: "and when was that?"})
	if _, body := h.reply(silent.ID); content(body) != unreadReplyHint {
		t.Errorf("silent reply got %q, want %q", content(body), unreadReplyHint)
	}
	pinged := h.message(discordtest.Message{Author: discordtest.User{ID: user(3)}, ReplyTo: answer, Content: "and when was that?"})
	if _, body := h.reply(pinged.ID); !strings.Contains(content(body), "[1]") {
		t.Errorf("reply with its ping got %q, want an answer", content(body))
	}
}

// With the Message Content intent, a reply without its ping is read and
// answered as a follow-up.
func TestSilentReplyWithMessageContent(t *testing.T) {
	t.Parallel()
	const listed = "1230000000000000301"
	h := startBot(t, Options{Channels: []string{listed}, RespondToMentions: true, Cooldown: 30 * time.Second}, nil, nil)
	q := h.mention(user(1), "who took over from Stoltenberg?")
	r, _ := h.reply(q.ID)
	answer := responseID(t, r)
	h.answered(q.ID)
	silent := h.message(discordtest.Message{Author: discordtest.User{ID: user(2)}, ReplyTo: answer, SilentReply: true, Content: "and when was that?"})
	if _, body := h.reply(silent.ID); !strings.Contains(content(body), "[1]") {
		t.Errorf("silent reply with message content got %q, want an answer", content(body))
	}
}
