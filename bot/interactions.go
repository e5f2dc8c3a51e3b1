package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handover/handover/retrieval"
)

// ackState is how far an interaction's response has got.
type ackState int

const (
	notAcked  ackState = iota
	deferred           // "thinking…" shown; the answer is edited in
	responded          // a message was sent as the response
	edited             // the deferred response was edited into the answer (or its first part)
)

// interaction is one interaction being handled, with what has been sent for
// it so far: Discord allows exactly one callback, then edits and followups.
type interaction struct {
	s        *discordgo.Session
	i        *discordgo.Interaction
	metrics  *Metrics
	received time.Time
	work     context.Context // the bot's work: deliveries end with it

	mu        sync.Mutex
	state     ackState
	ephemeral bool // the deferred response is visible to the user only
}

func (ic *interaction) userID() string {
	if ic.i.Member != nil && ic.i.Member.User != nil {
		return ic.i.Member.User.ID
	}
	if ic.i.User != nil {
		return ic.i.User.ID
	}
	return ""
}

// callback sends the interaction's one acknowledgement. A 10062 becomes
// errExpired.
func (ic *interaction) callback(ctx context.Context, resp *discordgo.InteractionResponse, next ackState) error {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	if ic.state != notAcked {
		return fmt.Errorf("interaction %s: already acknowledged", ic.i.ID)
	}
	err := redact(interactionCallback(ctx, ic.s, ic.i, resp))
	if isUnknownInteraction(err) {
		return errExpired
	}
	if isRESTCode(err, discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged) {
		// Only a retried callback whose first try got through, unseen,
		// meets this: the bot sends one callback per interaction.
		err = nil
	}
	if err != nil {
		return fmt.Errorf("acknowledge interaction %s: %w", ic.i.ID, err)
	}
	ic.metrics.acked(time.Since(ic.received))
	ic.state = next
	ic.ephemeral = resp.Data != nil && resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0
	return nil
}

// deferReply acknowledges now and promises an edit: the 3-second rule is
// met however long the answer takes.
func (ic *interaction) deferReply(ctx context.Context) error {
	return ic.callback(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}, deferred)
}

// deliver sends msgs as the response: as the callback if not yet
// acknowledged, else as an edit of the deferred response; followups carry
// the rest. It returns the message IDs it learns.
func (ic *interaction) deliver(ctx context.Context, msgs []Message, ephemeral bool) ([]string, error) {
	if len(msgs) == 0 {
		msgs = []Message{{Content: "(nothing to show)"}}
	}
	ic.mu.Lock()
	state := ic.state
	ic.mu.Unlock()
	var ids []string
	switch state {
	case notAcked:
		data := &discordgo.InteractionResponseData{
			Content:         msgs[0].Content,
			Embeds:          msgs[0].Embeds,
			Components:      msgs[0].Components,
			AllowedMentions: noMentions(),
		}
		if ephemeral {
			data.Flags = discordgo.MessageFlagsEphemeral
		}
		if err := ic.callback(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}, responded); err != nil {
			return nil, err
		}
	case deferred:
		msg, err := ic.editOriginal(ctx, msgs[0])
		if err != nil {
			return nil, err
		}
		// From here the original holds the answer: a followup that fails
		// must not take it down with the "thinking…" it replaced.
		ic.mu.Lock()
		ic.state = edited
		ic.mu.Unlock()
		ids = append(ids, msg.ID)
	default:
		msgs = append([]Message{{}}, msgs...) // everything goes as followups
	}
	for _, m := range msgs[1:] {
		msg, err := ic.followup(ctx, m, ephemeral)
		if err != nil {
			return ids, err
		}
		ids = append(ids, msg.ID)
	}
	return ids, nil
}

func (ic *interaction) editOriginal(ctx context.Context, m Message) (*discordgo.Message, error) {
	embeds, components := nonNilEmbeds(m.Embeds), nonNilComponents(m.Components)
	msg, err := interactionEdit(ctx, ic.s, ic.i, &discordgo.WebhookEdit{
		Content:         &m.Content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	})
	err = redact(err)
	if isUnknownInteraction(err) {
		return nil, errExpired
	}
	if err != nil {
		return nil, fmt.Errorf("edit response to interaction %s: %w", ic.i.ID, err)
	}
	return msg, nil
}

func (ic *interaction) followup(ctx context.Context, m Message, ephemeral bool) (*discordgo.Message, error) {
	p := &discordgo.WebhookParams{
		Content:         m.Content,
		Embeds:          m.Embeds,
		Components:      nonNilComponents(m.Components),
		AllowedMentions: noMentions(),
	}
	if ephemeral {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	msg, err := interactionFollowup(ctx, ic.s, ic.i, p)
	err = redact(err)
	if isUnknownInteraction(err) {
		return nil, errExpired
	}
	if err != nil {
		return nil, fmt.Errorf("followup to interaction %s: %w", ic.i.ID, err)
	}
	return msg, nil
}

// fail tells the user what went wrong, visible to them only. A public
// "thinking…" response (or a model's draft in it) is replaced by an
// ephemeral followup, so a failure never lingers in the channel; a
// response already edited into the answer stays, and the note says the
// rest could not be sent.
func (ic *interaction) fail(ctx context.Context, err error) error {
	if errors.Is(err, errExpired) || ic.i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return nil // nothing can be sent; autocomplete has no message
	}
	text := userMessage(err)
	ic.mu.Lock()
	state, eph := ic.state, ic.ephemeral
	ic.mu.Unlock()
	switch {
	case state == notAcked:
		_, err := ic.deliver(ctx, []Message{{Content: text}}, true)
		return err
	case state == deferred && eph:
		_, err := ic.editOriginal(ctx, Message{Content: text})
		return err
	case state == deferred:
		// The private note goes first: the "thinking…" message is removed
		// only once its replacement is delivered.
		if _, err := ic.followup(ctx, Message{Content: text}, true); err != nil {
			if errors.Is(err, errExpired) {
				return nil
			}
			// Better a plain public note than a "thinking…" that never ends.
			_, err := ic.editOriginal(ctx, Message{Content: text})
			return err
		}
		if err := redact(interactionDelete(ctx, ic.s, ic.i)); err != nil && !isUnknownInteraction(err) {
			return fmt.Errorf("delete deferred response to interaction %s: %w", ic.i.ID, err)
		}
		return nil
	case state == edited:
		_, err := ic.followup(ctx, Message{Content: partLost + text}, true)
		return err
	default:
		_, err := ic.followup(ctx, Message{Content: text}, true)
		return err
	}
}

// onInteraction handles every interaction: it recovers panics, logs once
// with IDs and latency, and makes sure the user hears back.
func (b *Bot) onInteraction(s *discordgo.Session, ev *discordgo.InteractionCreate) {
	// discordgo runs each handler in its own goroutine with no recover: a
	// panic anywhere here, before the handler's own recover below included,
	// would end the process.
	defer b.recoverEvent("interaction")
	received := time.Now()
	if ev == nil || ev.Interaction == nil || ev.ID == "" || ev.Token == "" {
		b.logger.Warn("interaction without an ID or token dropped: discordgo could not decode it")
		return
	}
	ic := &interaction{s: s, i: ev.Interaction, metrics: b.metrics, received: received}
	if reason := malformed(ev.Interaction); reason != "" {
		b.refuseMalformed(ic, reason)
		return
	}
	log := b.logger.With("interaction_id", ic.i.ID, "user_id", ic.userID(), "guild_id", ic.i.GuildID, "channel_id", ic.i.ChannelID, "kind", interactionKind(ic.i))
	ctx, ok := b.begin()
	if !ok {
		ctx, cancel := sendContext(ctx)
		defer cancel()
		if err := ic.fail(ctx, errClosing); err != nil {
			log.Warn("refuse interaction while shutting down", "err", redact(err))
		}
		return
	}
	defer b.end()
	ic.work = ctx
	ctx, cancel := context.WithTimeout(ctx, b.handlerTimeout())
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			b.metrics.panics.Add(1)
			log.Error("panic in interaction handler", "panic", r, "stack", string(debug.Stack()))
			fctx, cancel := sendContext(ctx)
			defer cancel()
			if err := ic.fail(fctx, errPanic); err != nil {
				log.Warn("apologise for panic", "err", redact(err))
			}
		}
	}()
	err := redact(b.handleInteraction(ctx, ic, log))
	latency := time.Since(ic.received)
	switch {
	case err == nil:
	case errors.Is(err, errExpired) && !errors.Is(err, errUndelivered):
		log.Warn("interaction expired before handover could respond; dropped", "latency", latency)
	default:
		if errors.Is(err, errUnreadable) {
			log.Warn("interaction refused", "reason", err, "latency", latency)
		} else if isUserError(err) {
			log.Info("interaction refused", "reason", err, "latency", latency)
		} else {
			log.Error("interaction failed", "err", err, "latency", latency)
		}
		// Telling the user must work even when the failure was the
		// handler's deadline.
		fctx, cancel := sendContext(ctx)
		defer cancel()
		ferr := ic.fail(fctx, err)
		b.countTold(err, ferr)
		if ferr != nil && !errors.Is(ferr, errExpired) {
			log.Warn("tell user about failure", "err", redact(ferr))
		}
	}
}

// recoverEvent is the first defer of every event handler: the last line of
// defence, behind each handler's own recover that tells the user.
func (b *Bot) recoverEvent(event string) {
	if r := recover(); r != nil {
		b.metrics.panics.Add(1)
		b.logger.Error("panic in event handler", "event", event, "panic", r, "stack", string(debug.Stack()))
	}
}

// malformed says why discordgo could not decode an interaction's data, or
// "" when it could. discordgo dispatches an event even when decoding failed
// (a custom_id that is a number, options that are not a list), leaving
// Data nil; its ApplicationCommandData and MessageComponentData then panic.
func malformed(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		if _, ok := i.Data.(discordgo.ApplicationCommandInteractionData); !ok {
			return "command data did not decode"
		}
	case discordgo.InteractionMessageComponent:
		if _, ok := i.Data.(discordgo.MessageComponentInteractionData); !ok {
			return "component data did not decode"
		}
	}
	return ""
}

// refuseMalformed logs an interaction that did not decode, once at Warn,
// and tells its user privately when it can carry a message.
func (b *Bot) refuseMalformed(ic *interaction, reason string) {
	log := b.logger.With("interaction_id", ic.i.ID, "type", int(ic.i.Type), "user_id", ic.userID(), "channel_id", ic.i.ChannelID)
	if ic.i.Type != discordgo.InteractionApplicationCommand && ic.i.Type != discordgo.InteractionMessageComponent {
		log.Warn("malformed interaction dropped", "reason", reason)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	err := ic.fail(ctx, errMalformed)
	log.Warn("malformed interaction refused", "reason", reason, "told", err == nil, "err", redact(err))
}

// isUserError reports errors that are the user's doing or expected load,
// logged at Info rather than Error.
func isUserError(err error) bool {
	var cd cooldownError
	return errors.As(err, &cd) || errors.Is(err, retrieval.ErrEmptyQuestion) || errors.Is(err, retrieval.ErrQuestionTooLong) ||
		errors.Is(err, errBusy) || errors.Is(err, errClosing) || errors.Is(err, errAnswerGone)
}

func interactionKind(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return "command:" + i.ApplicationCommandData().Name
	case discordgo.InteractionApplicationCommandAutocomplete:
		return "autocomplete:" + i.ApplicationCommandData().Name
	case discordgo.InteractionMessageComponent:
		id := i.MessageComponentData().CustomID
		if j := strings.LastIndexByte(id, ':'); j >= 0 {
			id = id[:j]
		}
		return "button:" + id
	}
	return "other"
}

func (b *Bot) handleInteraction(ctx context.Context, ic *interaction, log *slog.Logger) error {
	switch ic.i.Type {
	case discordgo.InteractionApplicationCommand:
		data := ic.i.ApplicationCommandData()
		switch data.Name {
		case cmdAsk:
			return b.handleAsk(ctx, ic, log, stringOption(data.Options, optQuestion))
		case cmdQuote:
			speaker, topic := strings.TrimSpace(stringOption(data.Options, optSpeaker)), strings.TrimSpace(stringOption(data.Options, optTopic))
			return b.respondQuick(ctx, ic, func() []Message {
				return FormatQuotes(speaker, topic, b.library.Quotes(speaker, topic))
			})
		case cmdDates:
			topic := strings.TrimSpace(stringOption(data.Options, optTopic))
			comments := boolOption(data.Options, optComments)
			return b.respondQuick(ctx, ic, func() []Message {
				evs, left := withoutComments(b.library.Timeline(topic), comments)
				return FormatTimeline(topic, evs, left)
			})
		case cmdSources:
			return b.respondQuick(ctx, ic, func() []Message { return FormatSources(b.library.Sources()) })
		case cmdHelp:
			_, err := ic.deliver(ctx, FormatHelp(), true)
			return err
		}
		return fmt.Errorf("command %q: %w", data.Name, errUnknownInput)
	case discordgo.InteractionApplicationCommandAutocomplete:
		return b.handleAutocomplete(ctx, ic)
	case discordgo.InteractionMessageComponent:
		return b.handleButton(ctx, ic, log)
	}
	return nil // pings and modals: handover sends neither
}

func stringOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o.Name == name {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

// boolOption returns a boolean option's value, false when absent.
func boolOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) bool {
	for _, o := range opts {
		if o.Name == name {
			v, _ := o.Value.(bool)
			return v
		}
	}
	return false
}

// withoutComments drops reader comments' dates unless they were asked
// for: they are opinions, and a timeline opens with them otherwise. It
// also returns how many it dropped.
func withoutComments(evs []retrieval.Event, keep bool) ([]retrieval.Event, int) {
	if keep {
		return evs, 0
	}
	var out []retrieval.Event
	for _, e := range evs {
		if !e.Comment {
			out = append(out, e)
		}
	}
	return out, len(evs) - len(out)
}

// handleAsk answers /ask. The question is checked and the cooldown and queue
// consulted before acknowledging, so a refusal can be ephemeral; then the
// response is deferred at once, because an answer can take longer than the
// 3 seconds Discord allows.
func (b *Bot) handleAsk(ctx context.Context, ic *interaction, log *slog.Logger, question string) error {
	q, err := checkQuestion(question)
	if err == nil {
		err = b.admit(ic.userID(), "", true)
	}
	if err != nil {
		b.countRefusal(err)
		return err
	}
	leave := sync.OnceFunc(b.gate.leave)
	defer leave()
	if err := ic.deferReply(ctx); err != nil {
		b.metrics.question("", outcomeError)
		return err
	}
	if err := b.waitTurn(ctx); err != nil {
		b.countRefusal(err)
		return err
	}
	release := sync.OnceFunc(b.gate.release)
	defer release()
	dctx, cancel := deliveryContext(ic.work, ic.received, interactionReplyWorth)
	defer cancel()
	_, a, err := b.answer(ctx, dctx, &interactionOutput{ic: ic}, q, nil, ic.i.ID, false, func() { release(); leave() })
	latency := time.Since(ic.received)
	if err != nil {
		b.metrics.question(a.Mode, outcomeOf(err))
		return err
	}
	b.metrics.question(a.Mode, outcome(a))
	b.metrics.answered(latency)
	log.Info("answered", "question_len", len(q), "mode", a.Mode, "abstained", a.Abstained, "citations", len(a.Citations), "latency", latency)
	log.Debug("question", "text", q)
	return nil
}

// countRefusal counts a question refused before it was answered. A busy
// refusal is counted by the handler once the notice has reached the asker
// (tellBusy), so that "busy" never counts a notice nobody saw.
func (b *Bot) countRefusal(err error) {
	if !errors.Is(err, errBusy) {
		b.metrics.question("", outcomeOf(err))
	}
}

// countTold counts a busy refusal once telling the asker has succeeded or
// failed.
func (b *Bot) countTold(err, tellErr error) {
	if !errors.Is(err, errBusy) {
		return
	}
	if tellErr != nil {
		b.metrics.question("", outcomeUndelivered)
		return
	}
	b.metrics.question("", outcomeBusy)
}

// admit applies the cooldown and takes a place in the queue and, for a
// message, one in its channel's backlog (channel is "" for an
// interaction). On success the caller must leave the gate and the
// backlog. Interactions always tell the user (the reply is private);
// messages tell once per cooldown (the reply is public).
func (b *Bot) admit(user, channel string, tellAlways bool) error {
	if ok, wait := b.cooldown.allow(user); !ok {
		if !tellAlways && !b.cooldown.warn(user) {
			return errQuiet{err: cooldownError{wait}}
		}
		return cooldownError{wait}
	}
	if !b.enter(channel) {
		// Turned away for load, the question does not count: the user may
		// try again as soon as there is room, not a cooldown later.
		b.cooldown.refund(user)
		return errBusy
	}
	return nil
}

// enter takes a place in the queue and, unless channel is "", one in the
// channel's backlog: both or neither.
func (b *Bot) enter(channel string) bool {
	if !b.gate.enter() {
		return false
	}
	if channel != "" && !b.backlog.enter(channel) {
		b.gate.leave()
		return false
	}
	return true
}

// admitChatter admits chatter in a listed channel as admit does a
// question, but quietly and without starting the user's cooldown: that
// starts only if the chatter is answered, so chatter the bot passes over
// in silence neither holds back the user's next message nor spends the one
// "please wait" a cooldown gives. Until then the user's further chatter is
// refused, as it would be once the cooldown starts. On success the caller
// must leave the gate and the backlog, and settle the user's cooldown.
func (b *Bot) admitChatter(user, channel string) error {
	if ok, wait := b.cooldown.hold(user); !ok {
		return errQuiet{err: cooldownError{wait}, chatter: true}
	}
	if !b.enter(channel) {
		b.cooldown.settle(user, false)
		return errQuiet{err: errBusy, chatter: true}
	}
	return nil
}

// waitTurn waits for a slot to answer in, at most maxQueueWait: a question
// that waits longer is turned away as busy rather than answered too late.
// On success the caller must release the gate.
func (b *Bot) waitTurn(ctx context.Context) error {
	wctx, cancel := context.WithTimeout(ctx, maxQueueWait)
	defer cancel()
	err := b.gate.acquire(wctx)
	switch {
	case err == nil:
		return nil
	case ctx.Err() == nil:
		return fmt.Errorf("wait for a turn for %s: %w", maxQueueWait, errBusy)
	}
	return fmt.Errorf("wait for a turn: %w", err)
}

// errQuiet wraps an error the user has already been told about.
type errQuiet struct {
	err     error
	chatter bool // never told: chatter in a listed channel
}

func (e errQuiet) Error() string {
	if e.chatter {
		return e.err.Error() + " (chatter in a listed channel, not told)"
	}
	return e.err.Error() + " (user already told)"
}
func (e errQuiet) Unwrap() error { return e.err }

// respondQuick answers a command computed in memory. It replies directly
// when build is fast, and defers first when it is not, so even a slow
// library never breaks the 3-second rule.
func (b *Bot) respondQuick(ctx context.Context, ic *interaction, build func() []Message) error {
	type result struct {
		msgs []Message
		err  error
	}
	res := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				b.metrics.panics.Add(1)
				b.logger.Error("panic building a reply", "interaction_id", ic.i.ID, "panic", r, "stack", string(debug.Stack()))
				res <- result{err: errPanic}
			}
		}()
		res <- result{msgs: build()}
	}()
	timer := time.NewTimer(b.opts.DeferAfter)
	defer timer.Stop()
	var r result
	select {
	case r = <-res:
	case <-timer.C:
		if err := ic.deferReply(ctx); err != nil {
			return err
		}
		select {
		case r = <-res:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if r.err != nil {
		return r.err
	}
	_, err := ic.deliver(ctx, r.msgs, false)
	return err
}

// handleAutocomplete suggests speakers for /quote as the user types.
func (b *Bot) handleAutocomplete(ctx context.Context, ic *interaction) error {
	data := ic.i.ApplicationCommandData()
	typed := ""
	for _, o := range data.Options {
		if o.Focused {
			typed, _ = o.Value.(string)
		}
	}
	var list []*discordgo.ApplicationCommandOptionChoice
	if data.Name == cmdQuote {
		list = choices(b.library.Speakers(), typed)
		if len(list) == 0 && strings.TrimSpace(typed) != "" {
			// No known speaker matches: offer what was typed, so the
			// search still runs (and says plainly if nothing is found).
			t := truncate(strings.TrimSpace(typed), maxChoiceLen)
			list = []*discordgo.ApplicationCommandOptionChoice{{Name: t, Value: t}}
		}
	}
	return ic.callback(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: list},
	}, responded)
}

// handleButton shows an answer's cited passages to the clicker only, or
// records a 👍/👎.
func (b *Bot) handleButton(ctx context.Context, ic *interaction, log *slog.Logger) error {
	id := ic.i.MessageComponentData().CustomID
	switch {
	case strings.HasPrefix(id, sourcesPrefix):
		a, ok := b.answers.get(strings.TrimPrefix(id, sourcesPrefix))
		if !ok {
			return errAnswerGone
		}
		_, err := ic.deliver(ctx, FormatCitations(a.citations), true)
		return err
	case strings.HasPrefix(id, votePrefixUp), strings.HasPrefix(id, votePrefixDown):
		vote, key := "up", strings.TrimPrefix(id, votePrefixUp)
		if strings.HasPrefix(id, votePrefixDown) {
			vote, key = "down", strings.TrimPrefix(id, votePrefixDown)
		}
		a, known := b.answers.get(key)
		// One vote of each kind per user and answer counts; repeated clicks
		// are thanked but not counted again.
		if b.votes.add(key+"/"+ic.userID()+"/"+vote, struct{}{}) {
			b.metrics.vote(vote)
			log.Info("feedback", "vote", vote, "answer", key, "known", known, "mode", a.mode, "question_len", a.questionLen)
		}
		thanks := "Thanks for the feedback 👍"
		if vote == "down" {
			thanks = "Thanks — noted. Feedback like this helps improve the answers."
		}
		_, err := ic.deliver(ctx, []Message{{Content: thanks}}, true)
		return err
	}
	return fmt.Errorf("button %q: %w", id, errUnknownInput)
}
