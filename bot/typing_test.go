package bot

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/handover/handover/bot/discordtest"
)

// showing is how many channels show the typing indicator.
func (t *typists) showing() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.loops)
}

// typingIn counts the typing indicators posted to channelID so far.
func typingIn(srv *discordtest.Server, channelID string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Route == discordtest.RouteTyping && r.Params["channel"] == channelID {
			n++
		}
	}
	return n
}

// A typing indicator held up by Discord's rate limit never holds up the
// answer: stopping it abandons the request rather than wait for it.
func TestTypingNeverDelaysAnswer(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{RespondToMentions: true}, nil, nil)
	// A minute is far past the test's deadline for the reply.
	h.srv.Inject(discordtest.Fault{Method: http.MethodPost, Path: "/channels/*/typing", RetryAfter: time.Minute})
	first := h.mention(user(1), "block: who took over?")
	<-h.ans.entered
	if _, err := h.srv.WaitRequest(testContext(t), func(r discordtest.Request) bool {
		return r.Route == discordtest.RouteTyping && r.Status == http.StatusTooManyRequests
	}); err != nil {
		t.Fatalf("the typing indicator was never rate limited: %v", err)
	}
	h.ans.release <- struct{}{}
	if _, body := h.reply(first.ID); !strings.Contains(content(body), "[1]") {
		t.Errorf("reply = %q, want the answer", content(body))
	}
	// The route's bucket is now spent for a minute: the next indicator
	// waits in the bot's own limiter, and is abandoned too.
	second := h.mention(user(2), "block: who took over then?")
	<-h.ans.entered
	h.ans.release <- struct{}{}
	if _, body := h.reply(second.ID); !strings.Contains(content(body), "[1]") {
		t.Errorf("second reply = %q, want the answer", content(body))
	}
	h.answered(second.ID)
	if n := h.bot.typing.showing(); n != 0 {
		t.Errorf("%d channels still show typing after every answer went out", n)
	}
}

// Questions answered at once in one channel share one typing indicator,
// shown while they are answered, which stops when the last of them is.
// (An answer quicker than the indicator's request may go out with none.)
func TestTypingOnePerChannel(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{RespondToMentions: true, MaxConcurrent: 2}, nil, nil)
	first, second := h.mention(user(1), "block one"), h.mention(user(2), "block two")
	<-h.ans.entered
	<-h.ans.entered // both have their turn, and show typing
	if _, err := h.srv.WaitRequest(testContext(t), func(r discordtest.Request) bool {
		return r.Route == discordtest.RouteTyping
	}); err != nil {
		t.Fatalf("no typing indicator while the questions were answered: %v", err)
	}
	h.ans.release <- struct{}{}
	h.ans.release <- struct{}{}
	h.reply(first.ID)
	h.reply(second.ID)
	h.answered(first.ID)
	h.answered(second.ID)
	// The fake clock never ticked: one indicator posts once.
	if n := typingIn(h.srv, discordtest.DefaultChannelID); n != 1 {
		t.Errorf("%d typing indicators for two questions answered at once in one channel, want 1", n)
	}
	if n := h.bot.typing.showing(); n != 0 {
		t.Errorf("%d channels still show typing after both answers went out", n)
	}
}

// A question waiting for its turn shows no typing: a queue of them would
// spend the global rate limit on indicators.
func TestTypingNotWhileQueued(t *testing.T) {
	t.Parallel()
	h := startBot(t, Options{RespondToMentions: true, MaxConcurrent: 1, ShutdownTimeout: 20 * time.Millisecond}, nil, nil)
	running := h.ask(user(1), "block until shutdown")
	h.callback(running)
	<-h.ans.entered
	queued := h.mention(user(2), "who took over?")
	for ctx := testContext(t); h.bot.gate.queued() < 1; {
		select {
		case <-ctx.Done():
			t.Fatal("the mention never queued")
		case <-time.After(time.Millisecond):
		}
	}
	// Shutdown gives up on both: the queued question never has its turn.
	if err := h.stop(); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if n := h.replies(queued.ID); n != 1 {
		t.Errorf("%d replies to the queued question, want 1 (told the bot is restarting)", n)
	}
	if n := typingIn(h.srv, discordtest.DefaultChannelID); n != 0 {
		t.Errorf("%d typing indicators for a question that only waited for its turn, want none", n)
	}
}
