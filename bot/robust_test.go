package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/handover/handover/bot/discordtest"
)

// TestMalformedEvents sends events discordgo cannot decode. None may crash
// the bot; those with an interaction token get a private apology; each is
// logged once at Warn; the bot answers normally afterwards.
func TestMalformedEvents(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{RespondToMentions: true}, nil, nil)
	tests := []struct {
		name     string
		in       discordtest.Interaction
		wantTold bool
	}{
		{"button custom_id is a number", discordtest.Interaction{Type: discordgo.InteractionMessageComponent, CustomID: "sources:1",
			Malform: func(p map[string]any) { p["data"].(map[string]any)["custom_id"] = 12345 }}, true},
		{"options are not a list", discordtest.Interaction{Name: cmdAsk,
			Malform: func(p map[string]any) { p["data"].(map[string]any)["options"] = "who?" }}, true},
		{"autocomplete options are not a list", discordtest.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete, Name: cmdQuote,
			Malform: func(p map[string]any) { p["data"].(map[string]any)["options"] = 7 }}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent := h.interact(tt.in)
			h.logs.wait(t, "interaction_id="+sent.ID)
			if !tt.wantTold {
				return
			}
			_, resp := h.callback(sent)
			if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(resp.Data.Content, "couldn't read") {
				t.Errorf("malformed interaction answered %+v, want a private apology", resp.Data)
			}
		})
	}
	p := map[string]any{"id": "1", "channel_id": discordtest.DefaultChannelID, "content": "hi", "author": "not a user"}
	if err := h.srv.Dispatch("MESSAGE_CREATE", p); err != nil {
		t.Fatal(err)
	}
	h.logs.wait(t, "malformed message dropped")

	sent := h.ask(user(1), "Who took over?")
	h.webhook(sent, discordtest.RouteEditOriginal, nil)
	if n := h.metrics.panics.Load(); n != 0 {
		t.Errorf("%d panics recovered, want none", n)
	}
	for _, line := range strings.Split(h.logs.String(), "\n") {
		if strings.Contains(line, "malformed") && !strings.Contains(line, "level=WARN") {
			t.Errorf("malformed event logged as %q, want Warn", line)
		}
	}
}

// TestQuestionText: a NUL byte is refused as unreadable at Warn; mentions of
// users and roles never reach the answerer.
func TestQuestionText(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{RespondToMentions: true}, nil, nil)
	sent := h.ask(user(1), "who\x00 took over?")
	_, resp := h.callback(sent)
	if resp.Data == nil || !strings.Contains(resp.Data.Content, "characters I can't read") {
		t.Errorf("NUL question answered %+v", resp.Data)
	}
	h.logs.wait(t, "level=WARN msg=\"interaction refused\" interaction_id="+sent.ID)

	m := h.mention(user(2), "<@&777> who took over from <@!888> and <@999>?")
	h.reply(m.ID)
	h.ans.mu.Lock()
	defer h.ans.mu.Unlock()
	found := false
	for _, r := range h.ans.requests {
		if strings.Contains(r.Question, "took over from") {
			found = true
			if strings.Contains(r.Question, "<@") || strings.Contains(r.Question, "888") {
				t.Errorf("question %q still holds a mention", r.Question)
			}
		}
	}
	if !found {
		t.Error("the answerer never saw the question")
	}
}

// TestUnreachableDiscord: a bot that cannot reach Discord retries, names
// the base URL it tries without its password, and stops when told to.
func TestUnreachableDiscord(t *testing.T) {
	t.Parallel()
	logs := newLogSink()
	b, err := New(logs.logger(), Options{Token: testToken, APIBaseURL: "http://user:s3cret@127.0.0.1:1"}, newFakeAnswerer(), &fakeLibrary{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	logs.wait(t, "cannot reach discord; retrying")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v after cancel while retrying, want nil", err)
	}
	if out := logs.String(); strings.Contains(out, "s3cret") || !strings.Contains(out, "127.0.0.1:1") {
		t.Errorf("log hides the base URL or shows its password:\n%s", out)
	}
	if _, err := New(logs.logger(), Options{Token: testToken, APIBaseURL: "ftp://user:s3cret@host"}, newFakeAnswerer(), &fakeLibrary{}); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("bad base URL: %v", err)
	}
}

// TestShutdownWhileDiscordHangs: a signal while Discord accepts
// connections and never answers ends Run promptly, whether Discord hangs
// on the gateway discovery (a REST call discordgo makes without a context)
// or on the gateway's websocket.
func TestShutdownWhileDiscordHangs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		silentOnWS bool
	}{
		{"gateway discovery hangs", false},
		{"gateway websocket silent", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reached := make(chan struct{}, 1)
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case tt.silentOnWS && strings.HasSuffix(r.URL.Path, "/gateway"):
					fmt.Fprintf(w, `{"url":%q}`, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws")
					return
				case tt.silentOnWS:
					up := websocket.Upgrader{}
					c, err := up.Upgrade(w, r, nil)
					if err != nil {
						return
					}
					defer c.Close()
				}
				select {
				case reached <- struct{}{}:
				default:
				}
				<-r.Context().Done() // hangs until the client gives up
			}))
			t.Cleanup(srv.Close)
			b, err := New(slog.New(slog.DiscardHandler), Options{Token: "x", APIBaseURL: srv.URL}, newFakeAnswerer(), &fakeLibrary{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- b.Run(ctx) }()
			<-reached
			cancel()
			// A generous bound, not a measurement: unfixed, Run waits out
			// six 20-second attempts, or the websocket forever.
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v, want nil", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Run still waiting for Discord 10s after its context was cancelled")
			}
		})
	}
}
