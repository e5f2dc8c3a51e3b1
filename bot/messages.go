package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/handover/handover/retrieval"
)

// Why a message is a question, the kind in logs.
const (
	kindMention = "mention"
	kindReply   = "reply"   // a reply to one of handover's answers: a follow-up
	kindChannel = "channel" // a listed channel, where every message is a question
	kindDM      = "dm"
)

// onMessage answers messages that are questions: mentions, replies to the
// bot, direct messages and messages in listed channels. It ignores bots
// (itself included, so two bots can never talk each other into a loop) and
// messages it has already seen.
func (b *Bot) onMessage(s *discordgo.Session, ev *discordgo.MessageCreate) {
	defer b.recoverEvent("message") // see onInteraction
	received := time.Now()
	if ev == nil || ev.Message == nil || ev.ID == "" || ev.ChannelID == "" || ev.Author == nil {
		// Discord always sends these; discordgo leaves them empty when
		// the event did not decode.
		b.logger.Warn("malformed message dropped: discordgo could not decode it")
		return
	}
	m := ev.Message
	if m.Author.Bot || m.WebhookID != "" || m.Author.System {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return // joins, pins, thread starts and other system messages
	}
	botID, _ := selfIDs(s)
	if botID == "" || m.Author.ID == botID {
		return
	}
	kind := b.classify(s, m, botID)
	if kind == "" {
		return
	}
	if !b.seen.add(m.ID, struct{}{}) {
		return // delivered twice, e.g. replayed after a resume
	}
	log := b.logger.With("message_id", m.ID, "user_id", m.Author.ID, "guild_id", m.GuildID, "channel_id", m.ChannelID, "kind", kind)
	// chatter is a message in a listed channel that asks nothing ("lol
	// nice"): it is answered only when the articles have something to
	// say, and never refused aloud (too fast, too long, busy, restarting).
	chatter := kind == kindChannel && !looksLikeQuestion(stripMention(m.Content))
	ctx, ok := b.begin()
	if !ok {
		if chatter {
			log.Info("message refused", "reason", errClosing)
			return
		}
		ctx, cancel := sendContext(ctx)
		defer cancel()
		if err := b.replyText(ctx, s, m, userMessage(errClosing)); err != nil {
			log.Warn("refuse message while shutting down", "err", err)
		}
		return
	}
	defer b.end()
	work := ctx
	ctx, cancel := context.WithTimeout(ctx, b.handlerTimeout())
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			b.metrics.panics.Add(1)
			log.Error("panic in message handler", "panic", r, "stack", string(debug.Stack()))
			fctx, cancel := sendContext(ctx)
			defer cancel()
			if err := b.replyText(fctx, s, m, userMessage(errPanic)); err != nil {
				log.Warn("apologise for panic", "err", err)
			}
		}
	}()
	err := b.handleMessage(ctx, work, s, m, kind, chatter, botID, received, log)
	latency := time.Since(received)
	var quiet errQuiet
	if chatter && err != nil && !errors.As(err, &quiet) {
		err = errQuiet{err: err, chatter: true}
	}
	switch {
	case err == nil:
	case errors.As(err, &quiet) && isUserError(err):
		log.Info("message refused", "reason", err, "latency", latency)
	case errors.As(err, &quiet):
		log.Error("answer message", "err", err, "latency", latency)
	default:
		if errors.Is(err, errUnreadable) {
			log.Warn("message refused", "reason", err, "latency", latency)
		} else if isUserError(err) {
			log.Info("message refused", "reason", err, "latency", latency)
		} else {
			log.Error("answer message", "err", err, "latency", latency, "hint", permissionHint(err))
		}
		fctx, cancel := sendContext(ctx)
		defer cancel()
		rerr := b.tell(fctx, s, m, err)
		b.countTold(err, rerr)
		if rerr != nil {
			log.Warn("tell user about failure", "err", rerr, "hint", permissionHint(rerr))
		}
	}
}

// classify says why m is a question, or "" when it is not one. A mention
// in a listed channel is a mention, whether or not mentions are answered
// elsewhere: it is addressed to the bot, so it is never chatter and is
// answered (an abstention or a hint included) as a mention is. Listed
// channels count only while the session reads every message's text: when
// Discord refused the Message Content intent, the bot carries on as if
// none were listed.
func (b *Bot) classify(s *discordgo.Session, m *discordgo.Message, botID string) string {
	if ref := m.ReferencedMessage; ref != nil && ref.Author != nil && ref.Author.ID == botID {
		return kindReply
	}
	if m.GuildID == "" {
		return kindDM
	}
	listed := b.channels[m.ChannelID] && canRead(s)
	switch {
	case mentions(m, botID) && (b.opts.RespondToMentions || listed):
		return kindMention
	case listed:
		return kindChannel
	}
	return ""
}

// userOrRoleMentionRE matches <@id>, <@!id> and <@&id>.
var userOrRoleMentionRE = regexp.MustCompile(`<@[!&]?[0-9]+>`)

// stripMention removes user and role mentions, the bot's among them, from
// a question: they say who is asked or told, not what, and would only
// confuse the search.
func stripMention(content string) string {
	return strings.TrimSpace(userOrRoleMentionRE.ReplaceAllString(content, " "))
}

// checkQuestion cleans and checks a question's text: mentions go, and text
// holding a NUL or another control character, which no keyboard types, is
// refused as unreadable rather than failing deep in the answerer.
func checkQuestion(raw string) (string, error) {
	q, err := retrieval.CheckQuestion(stripMention(raw))
	if errors.Is(err, retrieval.ErrInvalidQuestion) {
		return "", errUnreadable
	}
	return q, err
}

// mentionHint answers a bare mention.
const mentionHint = "Ask me about the NATO handover from Stoltenberg to Rutte — mention me with a question, for example “@handover when did Rutte take office?”, or use `/ask`. `/help` lists everything I can do."

// unreadReplyHint answers a reply whose text Discord withheld: without the
// Message Content intent, a reply reaches the bot empty unless it mentions
// the bot, and a reply with its ping turned off does not.
const unreadReplyHint = "I can't read replies that don't mention me in this server. Turn the reply's **@ mention** on, mention me with your question, or use `/ask`."

func (b *Bot) handleMessage(ctx, work context.Context, s *discordgo.Session, m *discordgo.Message, kind string, chatter bool, botID string, received time.Time, log *slog.Logger) (err error) {
	q, err := checkQuestion(m.Content)
	if errors.Is(err, retrieval.ErrEmptyQuestion) {
		if kind == kindChannel {
			return nil // an image or sticker in a listed channel is not a question
		}
		// Hints are public: one per user per interval, however often they
		// mention the bot. They do not touch the question cooldown, so the
		// question the hint asks for is answered at once.
		if ok, wait := b.hints.allow(m.Author.ID); !ok {
			return errQuiet{err: cooldownError{wait}}
		}
		hint := mentionHint
		if kind == kindReply && m.GuildID != "" && !canRead(s) && !mentions(m, botID) {
			hint = unreadReplyHint // the reply may well have had text
		}
		return b.replyText(ctx, s, m, hint)
	}
	out := &channelOutput{s: s, channelID: m.ChannelID, replyTo: m.SoftReference()}
	settle := func() {}
	switch {
	case err == nil && chatter:
		err = b.admitChatter(m.Author.ID, m.ChannelID)
		if err == nil {
			// Settled once answered, or however else the handler ends, a
			// panic included: chatter that went out starts the cooldown,
			// any other leaves none.
			settle = sync.OnceFunc(func() { b.cooldown.settle(m.Author.ID, out.delivered) })
			defer settle()
		}
	case err == nil:
		err = b.admit(m.Author.ID, m.ChannelID, false)
	}
	// Chatter turned away (too long, too soon, busy) is passed over in
	// silence: chatter ignored, not a question refused.
	refused := func(err error) error {
		if chatter {
			b.metrics.question("", outcomeChatterIgnored)
		} else {
			b.countRefusal(err)
		}
		return err
	}
	if err != nil {
		return refused(err)
	}
	leave := sync.OnceFunc(b.gate.leave)
	defer leave()
	// The gate is left once the answer is computed; the channel's place
	// is held until the answer is delivered or given up on (an error, a
	// panic), however long the channel's message budget makes it wait.
	defer b.backlog.leave(m.ChannelID)

	if err := b.waitTurn(ctx); err != nil {
		return refused(err)
	}
	release := sync.OnceFunc(b.gate.release)
	defer release()
	// Typing shows from the question's turn, not while it waits for one:
	// a queue of questions typing every 8 s would spend the global rate
	// limit their answers need. Chatter shows none: whether it is
	// answered at all is known only once the answer is computed, and then
	// it goes out at once; "typing…" before chatter the bot then passes
	// over reads as a reply withheld.
	if !chatter {
		stopTyping := b.typing.start(work, s, m.ChannelID)
		defer stopTyping()
		out.beforeSend = stopTyping
	}

	var history []retrieval.Turn
	if kind == kindReply {
		history = b.history(ctx, s, m.ReferencedMessage, botID, log)
	}
	defer func() {
		// A panic while a streamed preview shows turns the preview into
		// the apology, as an error does below; after the answer went
		// out, it is only logged; otherwise the caller tells the user.
		r := recover()
		if r == nil {
			return
		}
		b.metrics.panics.Add(1)
		log.Error("panic in message handler", "panic", r, "stack", string(debug.Stack()))
		if out.delivered {
			err = errQuiet{err: errPanic}
			return
		}
		err = b.tellWhereAnswered(ctx, s, m, out, errPanic)
	}()
	dctx, cancel := deliveryContext(work, received, messageReplyWorth)
	defer cancel()
	ids, a, err := b.answer(ctx, dctx, out, q, history, m.ID, chatter, func() { release(); leave() })
	settle()
	latency := time.Since(received)
	if err != nil {
		b.metrics.question(a.Mode, outcomeOf(err))
		return b.tellWhereAnswered(ctx, s, m, out, err)
	}
	if chatter && a.Abstained {
		// Not a question, and not answered: no answer latency to count.
		b.metrics.question(a.Mode, outcomeChatterIgnored)
		log.Info("chatter ignored", "question_len", len(q), "mode", a.Mode, "latency", latency)
		return nil
	}
	b.metrics.question(a.Mode, outcome(a))
	b.metrics.answered(latency)
	log.Info("answered", "question_len", len(q), "history_turns", len(history), "mode", a.Mode, "abstained", a.Abstained,
		"citations", len(a.Citations), "messages", len(ids), "latency", latency)
	log.Debug("question", "text", q)
	return nil
}

// tellWhereAnswered tells the asker of m about err where the answer went,
// if any of it went out: when its first part was delivered, that stays and
// a reply says the rest is missing; when a streamed preview shows, the
// preview becomes the apology rather than a draft left forever beside a
// second reply. Told so, it returns err made quiet; otherwise err, for the
// caller to tell.
func (b *Bot) tellWhereAnswered(ctx context.Context, s *discordgo.Session, m *discordgo.Message, out *channelOutput, err error) error {
	fctx, cancel := sendContext(ctx)
	defer cancel()
	var told error
	switch {
	case out.delivered:
		told = b.replyText(fctx, s, m, partLost+userMessage(err))
	case out.sentID != "":
		told = out.edit(fctx, out.sentID, Message{Content: userMessage(err)})
	default:
		return err
	}
	if told != nil {
		return err
	}
	return errQuiet{err: err}
}

// questionWords open a question without a question mark ("who took over",
// "tell me about the ceremony").
var questionWords = map[string]bool{
	"who": true, "whom": true, "whose": true, "what": true, "when": true, "where": true, "why": true, "how": true,
	"which": true, "is": true, "are": true, "was": true, "were": true, "do": true, "does": true, "did": true,
	"can": true, "could": true, "will": true, "would": true, "should": true, "has": true, "have": true, "had": true,
	"tell": true, "explain": true, "describe": true, "list": true, "name": true, "summarize": true, "summarise": true,
}

// looksLikeQuestion reports whether a message in a listed channel asks
// something: it has a question mark or opens with a question word. Other
// messages ("hi everyone", "lol") are answered only when the articles
// have something to say.
func looksLikeQuestion(s string) bool {
	if strings.ContainsAny(s, "?？¿") {
		return true
	}
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	return len(words) > 0 && questionWords[words[0]]
}

// mentions reports whether m mentions the bot, which makes Discord send
// its text even without the Message Content intent.
func mentions(m *discordgo.Message, botID string) bool {
	for _, u := range m.Mentions {
		if u != nil && u.ID == botID {
			return true
		}
	}
	return false
}

// canRead reports whether the session receives every message's text: it
// asked for the Message Content intent and Discord did not refuse it.
func canRead(s *discordgo.Session) bool {
	return s.Identify.Intents&discordgo.IntentsMessageContent != 0
}

// history is the conversation an answer ended, for a follow-up replying to
// it: from memory, or else rebuilt from Discord (the answer's text and the
// question it replied to), as after a restart.
func (b *Bot) history(ctx context.Context, s *discordgo.Session, answer *discordgo.Message, botID string, log *slog.Logger) []retrieval.Turn {
	if turns, ok := b.convos.get(answer.ID); ok {
		return turns
	}
	turn := retrieval.Turn{Answer: answer.Content}
	if ref := answer.MessageReference; ref != nil && ref.MessageID != "" {
		channel := ref.ChannelID
		if channel == "" {
			channel = answer.ChannelID
		}
		qm, err := s.ChannelMessage(channel, ref.MessageID, discordgo.WithContext(ctx))
		if err != nil {
			log.Debug("fetch the question an earlier answer replied to", "err", err)
		} else {
			turn.Question = stripMention(qm.Content)
		}
	}
	if turn.Question == "" && strings.TrimSpace(turn.Answer) == "" {
		return nil
	}
	return []retrieval.Turn{turn}
}

// busyReaction tells an asker the bot is too busy: a reaction, because a
// reply would spend the channel's message budget (5 per 5 s) that queued
// answers are waiting for.
const busyReaction = "⏳"

// tell tells the asker of m why their question failed.
func (b *Bot) tell(ctx context.Context, s *discordgo.Session, m *discordgo.Message, err error) error {
	if errors.Is(err, errBusy) {
		rerr := react(ctx, s, m.ChannelID, m.ID, busyReaction)
		if rerr == nil {
			return nil
		}
		if !isRESTCode(rerr, discordgo.ErrCodeMissingPermissions) && !isRESTCode(rerr, discordgo.ErrCodeMissingAccess) {
			return fmt.Errorf("react to message %s: %w", m.ID, rerr)
		}
		// Without Add Reactions, a reply it is: the asker hears back.
	}
	return b.replyText(ctx, s, m, userMessage(err))
}

// replyText replies to m with plain text.
func (b *Bot) replyText(ctx context.Context, s *discordgo.Session, m *discordgo.Message, text string) error {
	out := &channelOutput{s: s, channelID: m.ChannelID, replyTo: m.SoftReference()}
	_, err := out.final(ctx, []Message{{Content: text}})
	return err
}

// typists shows "handover is typing…" in a channel while questions are
// answered there: one indicator per channel, however many questions it
// answers at once, since each posts every typingInterval and every post
// counts against the global rate limit that answers need too.
type typists struct {
	logger *slog.Logger
	clock  Clock

	mu    sync.Mutex
	loops map[string]*typingLoop // by channel ID
}

type typingLoop struct {
	users  int // questions answered in the channel that show it
	cancel context.CancelFunc
}

func newTypists(logger *slog.Logger, clock Clock) *typists {
	return &typists{logger: logger, clock: clock, loops: map[string]*typingLoop{}}
}

// start shows typing in channelID, now and every typingInterval, until ctx
// ends or every question that started it has called its stop. stop is
// safe to call more than once, and never waits: it cancels a typing
// request still waiting for its turn (behind the route's bucket or a 429,
// which once held an answer back by its retry_after) rather than hold the
// answer behind it. A request already on its way may then land just after
// the answer, and show typing for a few seconds more: better than a late
// answer.
func (t *typists) start(ctx context.Context, s *discordgo.Session, channelID string) (stop func()) {
	if ctx.Err() != nil {
		return func() {}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.loops[channelID]
	if l == nil {
		lctx, cancel := context.WithCancel(ctx)
		l = &typingLoop{cancel: cancel}
		t.loops[channelID] = l
		ticks, stopTicker := t.clock.Ticker(typingInterval)
		go t.loop(lctx, s, channelID, ticks, stopTicker)
	}
	l.users++
	return sync.OnceFunc(func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		if l.users--; l.users == 0 {
			l.cancel()
			delete(t.loops, channelID)
		}
	})
}

func (t *typists) loop(ctx context.Context, s *discordgo.Session, channelID string, ticks <-chan time.Time, stopTicker func()) {
	defer stopTicker()
	for {
		if err := sendTyping(ctx, s, channelID); err != nil && ctx.Err() == nil {
			t.logger.Debug("typing indicator", "channel_id", channelID, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
	}
}
