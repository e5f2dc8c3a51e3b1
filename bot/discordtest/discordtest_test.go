package discordtest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"github.com/handover/handover/bot/discordtest"
)

const token = "test-token"

// events collects what a session's handlers receive.
type events struct {
	ready        chan *discordgo.Ready
	messages     chan *discordgo.MessageCreate
	interactions chan *discordgo.InteractionCreate
	resumed      chan *discordgo.Resumed
}

// newSession returns a real discordgo session pointed at srv, not yet open.
func newSession(t *testing.T, srv *discordtest.Server, intents discordgo.Intent) (*discordgo.Session, *events) {
	t.Helper()
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = srv.Client()
	s.Identify.Intents = intents
	ev := &events{
		ready:        make(chan *discordgo.Ready, 4),
		messages:     make(chan *discordgo.MessageCreate, 64),
		interactions: make(chan *discordgo.InteractionCreate, 64),
		resumed:      make(chan *discordgo.Resumed, 4),
	}
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ev.ready <- r })
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { ev.messages <- m })
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { ev.interactions <- i })
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Resumed) { ev.resumed <- r })
	return s, ev
}

// openSession opens a session and closes it when the test ends, before the
// server (cleanups run last-registered first).
func openSession(t *testing.T, srv *discordtest.Server, intents discordgo.Intent) (*discordgo.Session, *events) {
	t.Helper()
	s, ev := newSession(t, srv, intents)
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	recv(t, ev.ready)
	if _, err := srv.WaitReady(testContext(t)); err != nil {
		t.Fatal(err)
	}
	return s, ev
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	return recvMatch(t, ch, func(T) bool { return true })
}

func recvMatch[T any](t *testing.T, ch <-chan T, match func(T) bool) T {
	t.Helper()
	ctx := testContext(t)
	for {
		select {
		case v := <-ch:
			if match(v) {
				return v
			}
		case <-ctx.Done():
			var zero T
			t.Fatalf("waiting for %T: %v", zero, ctx.Err())
		}
	}
}

func fromUser(m *discordgo.MessageCreate) bool { return m.Author != nil && !m.Author.Bot }

func noViolations(t *testing.T, srv *discordtest.Server) {
	t.Helper()
	for _, v := range srv.Violations() {
		t.Errorf("violation: %v", v)
	}
}

func restCode(t *testing.T, err error) (status, code int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *discordgo.RESTError", err, err)
	}
	if re.Message != nil {
		code = re.Message.Code
	}
	return re.Response.StatusCode, code
}

func TestSession(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.WithToken(token))
	intents := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages | discordgo.IntentMessageContent
	s, ev := newSession(t, srv, intents)
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := testContext(t)

	t.Run("ready", func(t *testing.T) {
		r := recv(t, ev.ready)
		if r.User.ID != discordtest.DefaultBotID || !r.User.Bot || r.SessionID == "" || r.Application.ID != srv.ApplicationID() {
			t.Errorf("READY = user %+v session %q application %+v", r.User, r.SessionID, r.Application)
		}
		id, err := srv.WaitReady(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if id.Intents != intents || id.Token != "Bot "+token || id.Shard != [2]int{0, 1} {
			t.Errorf("IDENTIFY = %+v, want intents %d, token %q", id, intents, "Bot "+token)
		}
	})

	var question *discordgo.Message
	t.Run("message create", func(t *testing.T) {
		content := "<@" + discordtest.DefaultBotID + "> what happened to the tram line?"
		sent, err := srv.SendMessage(discordtest.Message{Content: content})
		if err != nil {
			t.Fatal(err)
		}
		m := recvMatch(t, ev.messages, fromUser)
		question = m.Message
		if m.ID != sent.ID || m.Content != content || m.GuildID != discordtest.DefaultGuildID || m.ChannelID != discordtest.DefaultChannelID {
			t.Errorf("MESSAGE_CREATE = id %s content %q guild %s channel %s", m.ID, m.Content, m.GuildID, m.ChannelID)
		}
		if len(m.Mentions) != 1 || m.Mentions[0].ID != discordtest.DefaultBotID || m.Member == nil || m.Timestamp.IsZero() {
			t.Errorf("MESSAGE_CREATE mentions %+v member %+v timestamp %v", m.Mentions, m.Member, m.Timestamp)
		}
	})

	t.Run("channel message", func(t *testing.T) {
		msg, err := s.ChannelMessageSendComplex(question.ChannelID, &discordgo.MessageSend{
			Content:         "The council approved it.",
			Embeds:          []*discordgo.MessageEmbed{{Title: "Sources", Description: "1. Daily Bugle"}},
			Reference:       question.Reference(),
			AllowedMentions: &discordgo.MessageAllowedMentions{},
			Files:           []*discordgo.File{{Name: "sources.txt", ContentType: "text/plain", Reader: strings.NewReader("bugle")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if msg.Author.ID != discordtest.DefaultBotID || msg.ReferencedMessage == nil || msg.ReferencedMessage.ID != question.ID ||
			msg.Type != discordgo.MessageTypeReply || len(msg.Attachments) != 1 || msg.Embeds[0].Type != discordgo.EmbedTypeRich {
			t.Errorf("sent message = %+v", msg)
		}
		r, err := srv.WaitRequest(ctx, func(r discordtest.Request) bool { return r.Route == discordtest.RouteCreateMessage })
		if err != nil {
			t.Fatal(err)
		}
		var body discordgo.MessageSend
		if err := r.Decode(&body); err != nil {
			t.Fatal(err)
		}
		if body.Content != "The council approved it." || len(r.Files) != 1 || !bytes.Equal(r.Files[0].Data, []byte("bugle")) ||
			r.Header.Get("Authorization") != "Bot "+token || r.Params["channel"] != question.ChannelID {
			t.Errorf("recorded %+v with body %+v", r, body)
		}
		// Discord echoes the bot's own message back through the gateway.
		echo := recvMatch(t, ev.messages, func(m *discordgo.MessageCreate) bool { return m.ID == msg.ID })
		if !echo.Author.Bot || echo.GuildID != discordtest.DefaultGuildID {
			t.Errorf("echo = %+v", echo.Message)
		}
		if err := s.ChannelTyping(question.ChannelID); err != nil {
			t.Errorf("ChannelTyping: %v", err)
		}
		edited, err := s.ChannelMessageEdit(msg.ChannelID, msg.ID, "Edited.")
		if err != nil || edited.Content != "Edited." || edited.EditedTimestamp == nil {
			t.Errorf("ChannelMessageEdit = %+v, %v", edited, err)
		}
		if _, err := s.ChannelMessageEdit(question.ChannelID, question.ID, "not mine"); err == nil {
			t.Error("editing a user's message succeeded")
		}
	})

	t.Run("commands", func(t *testing.T) {
		want := []*discordgo.ApplicationCommand{{
			Name: "ask", Description: "Ask about the news",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question",
				Required: true, Autocomplete: true,
			}, {
				Type: discordgo.ApplicationCommandOptionInteger, Name: "sources", Description: "How many sources",
			}},
		}}
		got, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", want)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID == "" || got[0].ApplicationID != srv.ApplicationID() || got[0].Version == "" {
			t.Fatalf("overwrite returned %+v", got)
		}
		again, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), "", want)
		if err != nil || again[0].ID != got[0].ID {
			t.Errorf("second overwrite = %+v, %v; want the same ID %s", again, err, got[0].ID)
		}
		listed, err := s.ApplicationCommands(srv.ApplicationID(), "")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(again, listed); diff != "" {
			t.Errorf("ApplicationCommands differs from overwrite (-overwrite +list):\n%s", diff)
		}
		if diff := cmp.Diff(again, srv.Commands("")); diff != "" {
			t.Errorf("Commands differs from overwrite (-overwrite +stored):\n%s", diff)
		}
	})

	t.Run("slash command", func(t *testing.T) {
		sent, err := srv.SendInteraction(discordtest.Interaction{
			Name:    "ask",
			Options: []discordtest.CommandOption{{Name: "question", Value: "tram?"}, {Name: "sources", Value: 3}},
		})
		if err != nil {
			t.Fatal(err)
		}
		i := recv(t, ev.interactions)
		data := i.ApplicationCommandData()
		if i.ID != sent.ID || i.Token != sent.Token || data.Name != "ask" || data.ID != srv.Commands("")[0].ID ||
			data.Options[0].StringValue() != "tram?" || data.Options[1].IntValue() != 3 || i.Member == nil || i.Member.User.ID != discordtest.DefaultUserID {
			t.Fatalf("INTERACTION_CREATE = %+v data %+v", i.Interaction, data)
		}
		deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
		if err := s.InteractionRespond(i.Interaction, deferred); err != nil {
			t.Fatal(err)
		}
		cb, err := srv.WaitCallback(ctx, sent)
		if err != nil {
			t.Fatal(err)
		}
		var resp discordgo.InteractionResponse
		if err := cb.Decode(&resp); err != nil || resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || cb.Status != http.StatusNoContent {
			t.Errorf("callback = %+v (%v), status %d", resp, err, cb.Status)
		}
		t.Logf("acknowledged %v after dispatch", cb.At.Sub(sent.At))
		if err := s.InteractionRespond(i.Interaction, deferred); err == nil {
			t.Error("second acknowledgement accepted")
		} else if _, code := restCode(t, err); code != 40060 {
			t.Errorf("second acknowledgement: code %d, want 40060", code)
		}
		answer := "The council approved the extension."
		msg, err := s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: &answer})
		if err != nil {
			t.Fatal(err)
		}
		if msg.Content != answer || msg.Flags&discordgo.MessageFlagsLoading != 0 {
			t.Errorf("edited original = %+v", msg)
		}
		f, err := s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "More later."})
		if err != nil || f.Content != "More later." {
			t.Errorf("FollowupMessageCreate = %+v, %v", f, err)
		}
		if _, err := s.FollowupMessageEdit(i.Interaction, f.ID, &discordgo.WebhookEdit{Content: &answer}); err != nil {
			t.Errorf("FollowupMessageEdit: %v", err)
		}
		if got, err := s.InteractionResponse(i.Interaction); err != nil || got.Content != answer {
			t.Errorf("InteractionResponse = %+v, %v", got, err)
		}
	})

	t.Run("autocomplete", func(t *testing.T) {
		sent, err := srv.SendInteraction(discordtest.Interaction{
			Type:    discordgo.InteractionApplicationCommandAutocomplete,
			Name:    "ask",
			Options: []discordtest.CommandOption{{Name: "question", Value: "tra", Focused: true}},
		})
		if err != nil {
			t.Fatal(err)
		}
		i := recv(t, ev.interactions)
		opt := i.ApplicationCommandData().Options[0]
		if i.Type != discordgo.InteractionApplicationCommandAutocomplete || !opt.Focused || opt.StringValue() != "tra" {
			t.Fatalf("autocomplete = %+v option %+v", i.Interaction, opt)
		}
		err = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "tram line", Value: "tram line"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitCallback(ctx, sent); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("component", func(t *testing.T) {
		sent, err := srv.SendInteraction(discordtest.Interaction{Type: discordgo.InteractionMessageComponent, CustomID: "more:1"})
		if err != nil {
			t.Fatal(err)
		}
		i := recv(t, ev.interactions)
		if i.MessageComponentData().CustomID != "more:1" || i.Message == nil || i.Message.Author.ID != discordtest.DefaultBotID {
			t.Fatalf("component = %+v", i.Interaction)
		}
		err = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "More sources: ..."},
		})
		if err != nil {
			t.Fatal(err)
		}
		if cb, err := srv.WaitCallback(ctx, sent); err != nil || cb.Status != http.StatusNoContent {
			t.Fatalf("callback %+v, %v", cb, err)
		}
		if got, err := s.InteractionResponse(i.Interaction); err != nil || got.ID != i.Message.ID || got.Content != "More sources: ..." {
			t.Errorf("updated message = %+v, %v", got, err)
		}
	})

	t.Run("reply to the bot", func(t *testing.T) {
		answer, err := s.ChannelMessageSend(discordtest.DefaultChannelID, "An answer.")
		if err != nil {
			t.Fatal(err)
		}
		sent, err := srv.SendMessage(discordtest.Message{Content: "and then?", ReplyTo: answer.ID})
		if err != nil {
			t.Fatal(err)
		}
		m := recvMatch(t, ev.messages, func(m *discordgo.MessageCreate) bool { return m.ID == sent.ID })
		if m.Type != discordgo.MessageTypeReply || m.ReferencedMessage == nil || m.ReferencedMessage.ID != answer.ID ||
			m.MessageReference == nil || len(m.Mentions) != 1 || m.Mentions[0].ID != discordtest.DefaultBotID {
			t.Errorf("reply = %+v", m.Message)
		}
	})

	t.Run("dm interaction", func(t *testing.T) {
		sent, err := srv.SendInteraction(discordtest.Interaction{Name: "ask", DM: true, Options: []discordtest.CommandOption{{Name: "question", Value: "hi"}}})
		if err != nil {
			t.Fatal(err)
		}
		i := recv(t, ev.interactions)
		if i.GuildID != "" || i.Member != nil || i.User == nil || i.User.ID != discordtest.DefaultUserID || i.ChannelID != discordtest.DefaultDMChannelID {
			t.Fatalf("DM interaction = %+v", i.Interaction)
		}
		err = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "Hello.", Flags: discordgo.MessageFlagsEphemeral},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitCallback(ctx, sent); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("rate limit is retried", func(t *testing.T) {
		srv.Inject(discordtest.Fault{Method: http.MethodPost, Path: "/channels/*/messages", Times: 2})
		before := len(srv.Requests())
		if _, err := s.ChannelMessageSend(discordtest.DefaultChannelID, "after the rate limit"); err != nil {
			t.Fatalf("ChannelMessageSend: %v", err)
		}
		var statuses []int
		for _, r := range srv.Requests()[before:] {
			if r.Route == discordtest.RouteCreateMessage {
				statuses = append(statuses, r.Status)
			}
		}
		if diff := cmp.Diff([]int{429, 429, 200}, statuses); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
	})

	t.Run("injected unknown interaction", func(t *testing.T) {
		srv.Inject(discordtest.Fault{Path: "/interactions/*/*/callback", Status: http.StatusNotFound, Code: 10062, Message: "Unknown interaction"})
		if _, err := srv.SendInteraction(discordtest.Interaction{Name: "ask"}); err != nil {
			t.Fatal(err)
		}
		i := recv(t, ev.interactions)
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		if status, code := restCode(t, err); status != http.StatusNotFound || code != 10062 {
			t.Errorf("got HTTP %d code %d, want 404 10062", status, code)
		}
	})

	t.Run("unknown route", func(t *testing.T) {
		_, err := s.Guild("1")
		if status, _ := restCode(t, err); status != http.StatusNotFound {
			t.Errorf("GET guild: HTTP %d, want 404", status)
		}
		r, err := srv.WaitRequest(ctx, func(r discordtest.Request) bool { return r.Path == "/guilds/1" })
		if err != nil || r.Route != "" || r.Status != http.StatusNotFound {
			t.Errorf("recorded %+v, %v", r, err)
		}
	})

	noViolations(t, srv)
}

func TestLimits(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	// REST alone needs no gateway connection.
	s, _ := newSession(t, srv, 0)
	embeds := func(n int, e discordgo.MessageEmbed) []*discordgo.MessageEmbed {
		out := make([]*discordgo.MessageEmbed, n)
		for i := range out {
			out[i] = &e
		}
		return out
	}
	field := &discordgo.MessageEmbedField{Name: "n", Value: "v"}
	tests := []struct {
		name      string
		msg       discordgo.MessageSend
		wantCode  int
		wantField string
	}{
		{"ok", discordgo.MessageSend{Content: strings.Repeat("é", 2000)}, 0, ""},
		{"content", discordgo.MessageSend{Content: strings.Repeat("a", 2001)}, 50035, "content"},
		{"description", discordgo.MessageSend{Embeds: embeds(1, discordgo.MessageEmbed{Description: strings.Repeat("a", 4097)})}, 50035, "embeds.0.description"},
		{"embed total", discordgo.MessageSend{Embeds: embeds(2, discordgo.MessageEmbed{Description: strings.Repeat("a", 3001)})}, 50035, "embeds"},
		{"too many embeds", discordgo.MessageSend{Embeds: embeds(11, discordgo.MessageEmbed{Title: "t"})}, 50035, "embeds"},
		{"too many fields", discordgo.MessageSend{Embeds: embeds(1, discordgo.MessageEmbed{Fields: make([]*discordgo.MessageEmbedField, 26)})}, 50035, "embeds.0.fields"},
		{"empty", discordgo.MessageSend{}, 50006, ""},
	}
	for i := range 26 {
		tests[5].msg.Embeds[0].Fields[i] = field
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Violations())
			_, err := s.ChannelMessageSendComplex(discordtest.DefaultChannelID, &tt.msg)
			if tt.wantCode == 0 {
				if err != nil {
					t.Fatalf("send: %v", err)
				}
				return
			}
			if status, code := restCode(t, err); status != http.StatusBadRequest || code != tt.wantCode {
				t.Errorf("got HTTP %d code %d, want 400 %d", status, code, tt.wantCode)
			}
			v := srv.Violations()[before:]
			if len(v) == 0 || v[0].Field != tt.wantField {
				t.Errorf("violations %v, want one on %q", v, tt.wantField)
			}
		})
	}
}

func TestCommandLimits(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	s, _ := newSession(t, srv, 0)
	opt := func(name string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: "d", Required: required}
	}
	tests := []struct {
		name      string
		cmd       discordgo.ApplicationCommand
		wantField string
	}{
		{"ok", discordgo.ApplicationCommand{Name: "ask", Description: "Ask", Options: []*discordgo.ApplicationCommandOption{opt("q", true), opt("k", false)}}, ""},
		{"uppercase", discordgo.ApplicationCommand{Name: "Ask", Description: "Ask"}, "0.name"},
		{"no description", discordgo.ApplicationCommand{Name: "ask"}, "0.description"},
		{"long description", discordgo.ApplicationCommand{Name: "ask", Description: strings.Repeat("a", 101)}, "0.description"},
		{"required after optional", discordgo.ApplicationCommand{Name: "ask", Description: "Ask", Options: []*discordgo.ApplicationCommandOption{opt("k", false), opt("q", true)}}, "0.options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Violations())
			_, err := s.ApplicationCommandBulkOverwrite(srv.ApplicationID(), discordtest.DefaultGuildID, []*discordgo.ApplicationCommand{&tt.cmd})
			v := srv.Violations()[before:]
			if tt.wantField == "" {
				if err != nil || len(v) > 0 {
					t.Fatalf("overwrite: %v, violations %v", err, v)
				}
				return
			}
			if status, code := restCode(t, err); status != http.StatusBadRequest || code != 50035 {
				t.Errorf("got HTTP %d code %d, want 400 50035", status, code)
			}
			if len(v) == 0 || v[0].Field != tt.wantField {
				t.Errorf("violations %v, want one on %q", v, tt.wantField)
			}
		})
	}
}

func TestIdentifyRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []discordtest.Option
		reject   int
		token    string
		wantCode int
	}{
		{"disallowed intents", nil, 4014, token, 4014},
		{"wrong token", []discordtest.Option{discordtest.WithToken("other")}, 0, token, 4004},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := discordtest.NewServer(t, tt.opts...)
			srv.RejectIdentify(tt.reject)
			s, _ := newSession(t, srv, discordgo.IntentsGuildMessages|discordgo.IntentMessageContent)
			// discordgo reads READY synchronously in Open, so the close frame
			// becomes Open's error, and Open does not retry.
			err := s.Open()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != tt.wantCode {
				t.Fatalf("Open = %v, want close code %d", err, tt.wantCode)
			}
			g := srv.Gateway()
			if g.Connects != 1 || len(g.Identifies) != 1 || g.Readies != 0 {
				t.Errorf("gateway = %+v", g)
			}
		})
	}
}

func TestResume(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	_, ev := openSession(t, srv, discordgo.IntentsGuildMessages|discordgo.IntentMessageContent)
	ctx := testContext(t)

	first, err := srv.SendMessage(discordtest.Message{Content: "first"})
	if err != nil {
		t.Fatal(err)
	}
	recvMatch(t, ev.messages, func(m *discordgo.MessageCreate) bool { return m.ID == first.ID })

	srv.DropConnections()
	// Sent while the connection is down or going down: the RESUME replays it.
	missed, err := srv.SendMessage(discordtest.Message{Content: "missed"})
	if err != nil {
		t.Fatal(err)
	}
	recv(t, ev.resumed)
	if m := recv(t, ev.messages); m.ID != missed.ID {
		t.Errorf("after resume got message %q, want %q", m.Content, "missed")
	}
	after, err := srv.SendMessage(discordtest.Message{Content: "after"})
	if err != nil {
		t.Fatal(err)
	}
	if m := recv(t, ev.messages); m.ID != after.ID {
		t.Errorf("got message %q, want %q (replayed twice?)", m.Content, "after")
	}
	// Two heartbeats: the resumed connection's goroutines run too, so
	// closing the session cannot make it reconnect.
	g, err := srv.WaitGateway(ctx, func(g discordtest.GatewayState) bool { return g.Resumes == 1 && g.Heartbeats >= 2 })
	if err != nil {
		t.Fatal(err)
	}
	if g.Connects != 2 || len(g.Identifies) != 1 || g.Live != 1 {
		t.Errorf("gateway = %+v, want 2 connects, 1 identify, 1 live", g)
	}
}

func TestMessageContentIntent(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	_, ev := openSession(t, srv, discordgo.IntentsGuildMessages) // no MESSAGE_CONTENT
	tests := []struct {
		name, content, want string
	}{
		{"plain", "hello", ""},
		{"mention", "<@" + discordtest.DefaultBotID + "> hello", "<@" + discordtest.DefaultBotID + "> hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := srv.SendMessage(discordtest.Message{Content: tt.content})
			if err != nil {
				t.Fatal(err)
			}
			m := recvMatch(t, ev.messages, func(m *discordgo.MessageCreate) bool { return m.ID == sent.ID })
			if m.Content != tt.want {
				t.Errorf("content = %q, want %q", m.Content, tt.want)
			}
		})
	}
}

// post sends a raw REST request to the fake, as a bot that ignores rate
// limits would.
func post(t *testing.T, srv *discordtest.Server, method, p, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(testContext(t), method, "https://discord.com/api/v10"+p, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bot "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestRateLimits(t *testing.T) {
	srv := discordtest.NewServer(t, discordtest.WithLimits(discordtest.Limits{
		Global: 3, ChannelMessages: 2, ChannelWindow: time.Hour, PerRoute: 1, RouteWindow: time.Hour,
	}))
	msgs := "/channels/" + discordtest.DefaultChannelID + "/messages"
	type want struct {
		status    int
		remaining string
		global    string
	}
	steps := []struct {
		name         string
		method, path string
		body         string
		want         want
	}{
		{"first message", "POST", msgs, `{"content":"a"}`, want{200, "1", ""}},
		{"second message", "POST", msgs, `{"content":"b"}`, want{200, "0", ""}},
		{"third message over the channel limit", "POST", msgs, `{"content":"c"}`, want{429, "0", ""}},
		{"global limit spent", "POST", "/channels/9/typing", ``, want{429, "0", "true"}},
		{"callbacks exempt from the global limit", "POST", "/interactions/1/x/callback", `{"type":5}`, want{404, "", ""}},
	}
	for _, st := range steps {
		resp := post(t, srv, st.method, st.path, st.body)
		got := want{resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"), resp.Header.Get("X-RateLimit-Global")}
		if got != st.want {
			t.Errorf("%s: got %+v, want %+v", st.name, got, st.want)
		}
		if got.status == 429 && resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s: 429 without Retry-After", st.name)
		}
	}
	if st := srv.Stats(); st.RateLimited != 2 || st.CallbacksWhileGlobal != 1 {
		t.Errorf("stats %+v, want 2 rate limited and 1 callback while global", st)
	}
}

func TestFaultsAndNonces(t *testing.T) {
	srv := discordtest.NewServer(t)
	msgs := "/channels/" + discordtest.DefaultChannelID + "/messages"
	for _, body := range []string{`{"content":"once","nonce":"42","enforce_nonce":true}`, `{"content":"twice"}`} {
		srv.Inject(discordtest.Fault{Method: "POST", Path: "/channels/*/messages", Status: 500, Apply: true})
		if resp := post(t, srv, "POST", msgs, body); resp.StatusCode != 500 {
			t.Fatalf("status %d, want the injected 500", resp.StatusCode)
		}
		if resp := post(t, srv, "POST", msgs, body); resp.StatusCode != 200 {
			t.Fatalf("retry status %d", resp.StatusCode)
		}
	}
	if got, want := srv.Posted(discordtest.DefaultChannelID), []string{"once", "twice", "twice"}; !slices.Equal(got, want) {
		t.Errorf("channel shows %q, want %q: a nonce makes a retry safe, its absence posts twice", got, want)
	}
	var created int
	srv.Inject(discordtest.Fault{Rate: 1, Status: 503})
	for range 3 {
		if post(t, srv, "POST", "/channels/1/typing", ``).StatusCode == 503 {
			created++
		}
	}
	srv.ClearFaults()
	if created != 3 || post(t, srv, "POST", "/channels/1/typing", ``).StatusCode != 204 {
		t.Errorf("rate fault answered %d of 3, and must stop when cleared", created)
	}
	if n := srv.Stats().Faulted; n != 5 {
		t.Errorf("faulted %d, want 5", n)
	}
}
