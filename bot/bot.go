package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/handover/handover/retrieval"
)

// Answerer answers a question: (*retrieval.Engine) in production, an
// in-memory fake in tests.
type Answerer interface {
	Answer(ctx context.Context, req retrieval.Request) (retrieval.Answer, error)
}

// Library is what the bot lists and looks up without a question: the
// articles, the quote index and the timeline. (*retrieval.Library) in
// production, an in-memory fake in tests.
type Library interface {
	Sources() []retrieval.Source
	Quotes(speaker, topic string) []retrieval.Quote
	// Speakers are canonical speaker names, for autocomplete.
	Speakers() []string
	Timeline(topic string) []retrieval.Event
}

// Options configure a Bot. Zero values take the defaults noted.
type Options struct {
	// Token is the bot token, with or without its "Bot " prefix.
	Token string
	// APIBaseURL receives every REST call and the gateway discovery;
	// "" is https://discord.com.
	APIBaseURL string
	// GuildID registers the slash commands to one guild (instant); ""
	// registers them globally.
	GuildID string
	// Channels are channel IDs where every message is a question. They
	// need the privileged Message Content intent.
	Channels []string
	// RespondToMentions answers messages that mention the bot.
	RespondToMentions bool
	// Cooldown is how long one user waits between questions; 0 disables it.
	Cooldown time.Duration
	// MaxConcurrent questions are answered at once (default: the CPUs
	// Go may use, at least 2); up to QueueSize more wait (default 64 per
	// MaxConcurrent), then new ones are turned away. A slot is held while
	// an answer is computed, not while Discord delivers it; messages are
	// also turned away past 10 in one channel admitted and not yet
	// delivered (maxChannelBacklog).
	MaxConcurrent int
	QueueSize     int
	// GlobalRateLimit is the REST requests per second the bot allows
	// itself beside interaction callbacks (default DefaultGlobalRateLimit,
	// Discord's limit). Tests against a faster fake raise it.
	GlobalRateLimit int
	// ShardID and ShardCount (default 1) shard the gateway connection.
	ShardID, ShardCount int
	// LLM says a model is configured: answers stream, and extractive
	// answers count as model errors.
	LLM bool
	// LLMTimeout is the longest the answerer may take before it gives up
	// on the model and answers extractively: llm.timeout, plus
	// embeddings.timeout when the question's embedding comes first. 0 is
	// retrieval.DefaultLLMTimeout when LLM is set. AnswerTimeout is raised
	// to exceed it by answerMargin, so the fallback answer is delivered
	// rather than lost to the bot's own deadline.
	LLMTimeout time.Duration
	// AnswerTimeout bounds answering one question once it has its turn
	// (default 2m): the wait in the queue does not count. At most 9m, so
	// that queueing, answering and delivering fit in the 15 minutes an
	// interaction's token lives.
	AnswerTimeout time.Duration
	// ShutdownTimeout is how long questions in flight may take to finish
	// once Run's context is cancelled (default 10s).
	ShutdownTimeout time.Duration
	// DeferAfter is how long a quick command (/quote, /dates, /sources) may
	// compute before the bot defers its reply (default 1s), well inside
	// Discord's 3 seconds.
	DeferAfter time.Duration
	// StreamInterval spaces the edits of a streamed answer (default 1s).
	StreamInterval time.Duration
	// Metrics receives counters and health; nil keeps them private.
	Metrics *Metrics
	// Clock is the time source for cooldowns and streaming; nil is the
	// system clock.
	Clock Clock
}

// Limits on what the bot remembers. Beyond them the oldest entries go: a
// button on a very old answer then says the answer is gone.
const (
	seenMessages    = 4096 // message IDs already handled, against duplicate events
	storedAnswers   = 2048 // answers behind Show sources and 👍/👎
	storedConvos    = 4096 // bot message ID to the conversation it ended
	maxHistoryTurns = 3
	typingInterval  = 8 * time.Second // Discord shows typing for 10 s
)

// Time budgets of one question. An interaction's token lives 15 minutes:
// waiting for a turn, answering and delivering must all fit in it.
const (
	interactionTokenLife = 15 * time.Minute
	// maxQueueWait bounds waiting for a turn; past it the asker is told
	// the bot is busy.
	maxQueueWait = 5 * time.Minute
	// handlerSlack covers acknowledging, fetching history and delivering.
	handlerSlack     = time.Minute
	maxAnswerTimeout = interactionTokenLife - maxQueueWait - handlerSlack
	// answerMargin is what an answer needs besides the model: embedding the
	// question, searching, and the extractive fallback.
	answerMargin = 30 * time.Second
	// sendTimeout bounds sending what is already decided, an answer or an
	// apology, once the question's own deadline may have passed.
	sendTimeout = 10 * time.Second
	// messageReplyWorth is how long after a message a reply to it is still
	// worth delivering, however long Discord's limits make it wait.
	messageReplyWorth = 10 * time.Minute
	// interactionReplyWorth leaves a margin before an interaction's token
	// dies.
	interactionReplyWorth = interactionTokenLife - 30*time.Second
	// maxChannelBacklog bounds the messages in one channel that are
	// admitted and not yet answered: queued, being answered, or waiting
	// for the channel's message budget to deliver the answer (Discord: 5
	// messages per 5 s per channel). At 10, the last answer of a burst
	// goes out about 5 s after it is computed; past it, a message there is
	// turned away as busy (⏳), as when the queue is full. Without it the
	// queue (64 per slot) let hundreds of computed answers wait on one
	// channel's budget, each later than the last, the last apologising
	// after messageReplyWorth. Slash commands answer outside the channel's
	// budget (edits of their own response), so only messages count.
	maxChannelBacklog = 10
	// minHintInterval spaces the "how to ask me" hints to one user.
	minHintInterval = 30 * time.Second
)

// Bot is handover on Discord. Create it with New and start it with Run.
type Bot struct {
	logger   *slog.Logger
	opts     Options
	answerer Answerer
	library  Library
	metrics  *Metrics
	clock    Clock
	client   *http.Client
	limiter  *limiter
	channels map[string]bool
	intents  discordgo.Intent

	cooldown *cooldown
	hints    *cooldown // spaces hints to bare mentions, apart from questions
	gate     *gate
	backlog  *backlog // messages per channel, admitted and not yet done with
	typing   *typists
	seen     *lru[string, struct{}]
	answers  *lru[string, storedAnswer]
	convos   *lru[string, []retrieval.Turn]
	votes    *lru[string, struct{}]

	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
	work     context.Context // parent of every handler's context
}

// storedAnswer is what the buttons under an answer need.
type storedAnswer struct {
	citations   []retrieval.Citation
	mode        string
	questionLen int
}

// New checks opts and returns a Bot that answers with answerer and looks
// things up in library.
func New(logger *slog.Logger, opts Options, answerer Answerer, library Library) (*Bot, error) {
	if strings.TrimSpace(strings.TrimPrefix(opts.Token, "Bot ")) == "" {
		return nil, errors.New("new bot: no token")
	}
	if answerer == nil || library == nil {
		return nil, errors.New("new bot: an answerer and a library are required")
	}
	client, err := NewHTTPClient(opts.APIBaseURL)
	if err != nil {
		return nil, fmt.Errorf("new bot: %w", err)
	}
	// The limiter bounds each attempt itself; a client timeout would also
	// cut short waiting out a rate limit.
	lim := newLimiter(client.Transport, logger, opts.GlobalRateLimit)
	client.Transport = lim
	client.Timeout = 0
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = max(2, runtime.GOMAXPROCS(0))
	}
	if opts.QueueSize <= 0 {
		// A waiting question costs a goroutine; turning it away costs the
		// asker.
		opts.QueueSize = 64 * opts.MaxConcurrent
	}
	if opts.ShardCount <= 0 {
		opts.ShardCount = 1
	}
	if opts.ShardID < 0 || opts.ShardID >= opts.ShardCount {
		return nil, fmt.Errorf("new bot: shard %d of %d", opts.ShardID, opts.ShardCount)
	}
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = 2 * time.Minute
	}
	if opts.LLM {
		if opts.LLMTimeout <= 0 {
			opts.LLMTimeout = retrieval.DefaultLLMTimeout
		}
		// The model gives up at LLMTimeout and the engine then answers
		// extractively; the bot's own deadline must leave time for that.
		opts.AnswerTimeout = max(opts.AnswerTimeout, opts.LLMTimeout+answerMargin)
	}
	if opts.AnswerTimeout > maxAnswerTimeout {
		return nil, fmt.Errorf("new bot: answer timeout %s (llm timeout %s) is over %s: an interaction's token lives %s, queueing included",
			opts.AnswerTimeout, opts.LLMTimeout, maxAnswerTimeout, interactionTokenLife)
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	if opts.DeferAfter <= 0 {
		opts.DeferAfter = time.Second
	}
	if opts.StreamInterval <= 0 {
		opts.StreamInterval = time.Second
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics()
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	b := &Bot{
		logger:   logger,
		opts:     opts,
		answerer: answerer,
		library:  library,
		metrics:  opts.Metrics,
		clock:    opts.Clock,
		client:   client,
		limiter:  lim,
		channels: map[string]bool{},
		cooldown: newCooldown(opts.Cooldown, opts.Clock),
		hints:    newCooldown(max(opts.Cooldown, minHintInterval), opts.Clock),
		gate:     newGate(opts.MaxConcurrent, opts.QueueSize),
		backlog:  newBacklog(maxChannelBacklog),
		typing:   newTypists(logger, opts.Clock),
		seen:     newLRU[string, struct{}](seenMessages),
		answers:  newLRU[string, storedAnswer](storedAnswers),
		convos:   newLRU[string, []retrieval.Turn](storedConvos),
		votes:    newLRU[string, struct{}](storedAnswers),
		work:     context.Background(),
	}
	for _, c := range opts.Channels {
		b.channels[c] = true
	}
	// Guild messages bring mentions and replies; direct messages bring DMs.
	// Message content is privileged: ask for it only when listed channels
	// need every message's text. Mentions and DMs carry their content
	// without it, and so do replies to the bot that keep the reply ping (a
	// mention); a reply with the ping turned off arrives empty.
	b.intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if len(opts.Channels) > 0 {
		b.intents |= discordgo.IntentsMessageContent
	}
	return b, nil
}

// Gateway close codes handover acts on.
const (
	closeAuthenticationFailed = 4004
	closeInvalidShard         = 4010
	closeShardingRequired     = 4011
	closeInvalidIntents       = 4013
	closeDisallowedIntents    = 4014
)

// Run connects to Discord, registers the slash commands and answers until
// ctx is cancelled. Then it stops taking questions, gives those in flight
// up to ShutdownTimeout to finish, closes the connection and returns nil.
// It returns an error only when it cannot connect at all.
func (b *Bot) Run(ctx context.Context) error {
	s, err := discordgo.New(b.token())
	if err != nil {
		return fmt.Errorf("discord session: %w", err)
	}
	s.Client = b.client
	// The client's limiter waits out 429s and retries what is safe to
	// retry; discordgo's own retries would only repeat it.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.StateEnabled = false // handover needs no guild cache
	s.ShardID, s.ShardCount = b.opts.ShardID, b.opts.ShardCount
	s.Identify.Intents = b.intents

	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	b.mu.Lock()
	b.work, b.closing = work, false
	b.mu.Unlock()

	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Connect) {
		if b.metrics.setConnected(true) {
			b.logger.Info("reconnected to the discord gateway")
		}
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) { b.metrics.setConnected(false) })
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)

	// Until connected, every REST call ends with ctx: a signal must not
	// wait out Discord's silence. After that each ends with its own
	// context: answers and apologies are still sent during shutdown.
	b.limiter.bind(ctx)
	connected, err := b.connect(ctx, s)
	if err != nil {
		return err
	}
	if !connected {
		b.logger.Info("shut down before connecting to discord")
		return nil
	}
	b.limiter.unbind()
	botID, appID := selfIDs(s)
	b.logger.Info("connected to discord", "bot_id", botID, "shard", b.opts.ShardID, "shards", b.opts.ShardCount,
		"message_content", s.Identify.Intents&discordgo.IntentsMessageContent != 0)

	// One shard registers for all; the others would only repeat it.
	if b.opts.ShardID == 0 && ctx.Err() == nil {
		b.register(ctx, s, appID)
	}

	<-ctx.Done()
	b.shutdown(s, cancelWork)
	return nil
}

// Waits between attempts to reach an unreachable Discord.
const (
	connectRetryBase = time.Second
	connectRetryCap  = 30 * time.Second
)

// connect opens the gateway connection, retrying with backoff while
// Discord (or the configured api_base_url) cannot be reached: a restart
// during a network outage should wait for the network, not exit. Refusals
// (a bad token, intents, shards) are final. It returns false, nil without
// connecting when ctx ends first.
func (b *Bot) connect(ctx context.Context, s *discordgo.Session) (bool, error) {
	for attempt := 1; ; attempt++ {
		err := b.openWithin(ctx, s)
		switch {
		case err == nil:
			return true, nil
		case ctx.Err() != nil:
			return false, nil
		case !unreachable(err):
			return false, err
		}
		wait := min(connectRetryCap, connectRetryBase<<min(attempt-1, 5))
		b.logger.Warn("cannot reach discord; retrying", "api_base_url", b.baseURL(), "attempt", attempt, "retry_in", wait, "err", err)
		if sleep(ctx, wait) != nil {
			return false, nil
		}
	}
}

// unreachable reports a connection failure worth retrying: no answer, or a
// server error, rather than a refusal.
func unreachable(err error) bool {
	if closeCode(err) != 0 {
		return false
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode >= 500 || re.Response.StatusCode == http.StatusTooManyRequests
	}
	return true
}

// baseURL is the configured api_base_url for messages, any password in it
// hidden.
func (b *Bot) baseURL() string {
	return RedactURL(cmp.Or(b.opts.APIBaseURL, "https://"+discordHost))
}

// openWithin is open, abandoned when ctx ends first: discordgo's Open
// takes no context, and the gateway's websocket can stay silent however
// long. An abandoned connection that opens after all is closed.
func (b *Bot) openWithin(ctx context.Context, s *discordgo.Session) error {
	done := make(chan error, 1)
	go func() { done <- b.open(s) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		go func() {
			if <-done == nil {
				s.Close()
			}
		}()
		return ctx.Err()
	}
}

// open connects to the gateway. If Discord refuses the Message Content
// intent (close code 4014), it says what to enable and connects without it:
// mentions, replies, DMs and slash commands still work, and the listed
// channels are dropped (classify reads the intents the session has).
func (b *Bot) open(s *discordgo.Session) error {
	err := s.Open()
	if code := closeCode(err); code == closeDisallowedIntents && s.Identify.Intents&discordgo.IntentsMessageContent != 0 {
		b.logger.Error("Discord refused the Message Content intent (gateway close code 4014). "+
			"To answer every message in discord.channels, open https://discord.com/developers/applications, "+
			"choose this application, go to Bot → Privileged Gateway Intents and turn on MESSAGE CONTENT INTENT, then restart. "+
			"Carrying on without it and without discord.channels: mentions, replies that mention the bot, DMs and slash commands still work.",
			"channels", len(b.opts.Channels))
		s.Identify.Intents &^= discordgo.IntentsMessageContent
		err = s.Open()
	}
	if err == nil {
		return nil
	}
	switch closeCode(err) {
	case closeAuthenticationFailed:
		return fmt.Errorf("connect to discord: the bot token was rejected (gateway close code 4004): %w", err)
	case closeDisallowedIntents, closeInvalidIntents:
		return fmt.Errorf("connect to discord: intents refused: %w", err)
	case closeInvalidShard, closeShardingRequired:
		return fmt.Errorf("connect to discord: check discord.shard_id and discord.shard_count: %w", err)
	}
	return fmt.Errorf("connect to discord at %s (api_base_url): %w", b.baseURL(), err)
}

// selfIDs are the bot's user ID and its application's ID, from READY.
// discordgo stores READY before it dispatches any later event, so every
// handler sees them.
func selfIDs(s *discordgo.Session) (botID, appID string) {
	s.State.RLock()
	defer s.State.RUnlock()
	if s.State.User != nil {
		botID = s.State.User.ID
	}
	appID = botID
	if app := s.State.Application; app != nil && app.ID != "" {
		appID = app.ID
	}
	return botID, appID
}

func closeCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}

// register bulk-overwrites the slash commands. A failure is logged, not
// fatal: mentions and replies work without commands.
func (b *Bot) register(ctx context.Context, s *discordgo.Session, appID string) {
	cmds, err := s.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, Commands(), discordgo.WithContext(ctx))
	if err != nil {
		b.logger.Error("register slash commands; invite the bot with the applications.commands scope", "guild_id", b.opts.GuildID, "err", err)
		return
	}
	scope := "global (may take up to an hour to appear)"
	if b.opts.GuildID != "" {
		scope = "guild " + b.opts.GuildID
	}
	b.logger.Info("registered slash commands", "count", len(cmds), "scope", scope)
}

// shutdown stops taking work, waits for what is in flight, then closes the
// gateway connection.
func (b *Bot) shutdown(s *discordgo.Session, cancelWork context.CancelFunc) {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() {
		b.inflight.Wait()
		close(done)
	}()
	b.logger.Info("shutting down: finishing questions in flight", "running", b.gate.running(), "queued", b.gate.queued(), "timeout", b.opts.ShutdownTimeout)
	grace := time.NewTimer(b.opts.ShutdownTimeout)
	defer grace.Stop()
	select {
	case <-done:
	case <-grace.C:
		b.logger.Warn("shutdown: questions still in flight after the grace period; cancelling them")
		cancelWork()
		// Cancelled handlers return at their next REST call or answer
		// step, and tell their askers (each within sendTimeout) before
		// they count as done: the process exits once Run returns, so Run
		// waits for those apologies, queued behind Discord's rate limits
		// as they may be.
		last := time.NewTimer(sendTimeout)
		defer last.Stop()
		select {
		case <-done:
		case <-last.C:
			b.logger.Warn("shutdown: some askers could not be told before exiting")
		}
	}
	if err := s.Close(); err != nil {
		b.logger.Warn("close discord session", "err", err)
	}
	b.metrics.setConnected(false)
	b.logger.Info("disconnected from discord")
}

// begin registers a handler as in flight; false means the bot is shutting
// down and the handler should only say so.
func (b *Bot) begin() (context.Context, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return b.work, false
	}
	b.inflight.Add(1)
	return b.work, true
}

func (b *Bot) end() { b.inflight.Done() }

// handlerTimeout bounds a whole handler: a backstop, since its steps have
// their own limits (the queue maxQueueWait, the answer AnswerTimeout).
func (b *Bot) handlerTimeout() time.Duration {
	return maxQueueWait + b.opts.AnswerTimeout + handlerSlack
}

// sendContext is for sending what is already decided, an answer or an
// apology, when ctx may have run out: it keeps ctx's values but not its
// deadline or cancellation, and allows sendTimeout.
func sendContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
}

func (b *Bot) token() string {
	if strings.HasPrefix(b.opts.Token, "Bot ") {
		return b.opts.Token
	}
	return "Bot " + b.opts.Token
}

// answer puts q to the answerer and delivers the result through out,
// streaming previews while a model writes. It returns the IDs of the
// messages that hold the answer. The caller holds a slot: the answer's
// time, AnswerTimeout, starts now. Once the answer is computed, answer
// calls computed, which gives the slot back: delivering may wait on
// Discord's rate limits, and must not hold up other questions' answers.
// Delivery runs under dctx, which lasts as long as the answer is worth
// delivering.
//
// With quiet set, an abstention is not delivered (no message, no IDs): a
// message in a listed channel that is not a question ("hi everyone")
// should not get a public "The articles don't say.". Nothing is streamed
// then, since the preview could be that abstention.
func (b *Bot) answer(ctx, dctx context.Context, out output, q string, history []retrieval.Turn, key string, quiet bool, computed func()) ([]string, retrieval.Answer, error) {
	actx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	defer cancel()
	req := retrieval.Request{Question: q, History: history}
	stopStream := func() {}
	if b.opts.LLM && !quiet {
		st := newStreamer(actx, b.logger, out, b.clock, b.opts.StreamInterval)
		req.OnPartial = st.update
		// Stopped however the answerer returns, a panic included: the
		// caller's recover then reads what the previews sent.
		stopStream = sync.OnceFunc(st.stop)
		defer stopStream()
	}
	a, err := b.answerer.Answer(actx, req)
	stopStream()
	computed()
	if err != nil {
		return nil, a, fmt.Errorf("answer: %w", err)
	}
	if b.modelFailed(a) {
		b.metrics.modelErrors.Add(1)
	}
	if quiet && a.Abstained {
		return nil, a, nil
	}
	b.answers.put(key, storedAnswer{citations: a.Citations, mode: a.Mode, questionLen: len(q)})
	// An answer in hand is delivered even if the answer's deadline has
	// just passed: the engine returns its fallback answer exactly then.
	ids, err := out.final(dctx, FormatAnswer(a, key))
	if err != nil {
		return ids, a, fmt.Errorf("send answer: %w: %w", errUndelivered, err)
	}
	turns := append(append([]retrieval.Turn(nil), history...), retrieval.Turn{Question: q, Answer: a.Text})
	if len(turns) > maxHistoryTurns {
		turns = turns[len(turns)-maxHistoryTurns:]
	}
	for _, id := range ids {
		b.convos.put(id, turns)
	}
	return ids, a, nil
}

// deliveryContext is for delivering an answer to a question received at
// received: it ends when the answer is no longer worth delivering, or when
// shutdown gives up on work in flight, but not with the handler's own
// deadline. Waiting for a channel's rate limit can take minutes.
func deliveryContext(work context.Context, received time.Time, worth time.Duration) (context.Context, context.CancelFunc) {
	return context.WithDeadline(work, received.Add(worth))
}

// modelFailed reports an answer that should have come from the model but
// did not: the note says the model was unavailable, or a model is
// configured and the answer is extractive anyway.
func (b *Bot) modelFailed(a retrieval.Answer) bool {
	if strings.Contains(strings.ToLower(a.Note), "unavailable") {
		return true
	}
	return b.opts.LLM && a.Mode == retrieval.ModeExtractive && !a.Abstained
}

// outcome is the metrics outcome of a delivered answer.
func outcome(a retrieval.Answer) string {
	if a.Abstained {
		return outcomeAbstained
	}
	return outcomeAnswered
}
