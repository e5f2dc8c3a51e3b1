package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// output is where an answer goes: a reply in a channel, or the response to
// a slash command.
type output interface {
	// preview shows a streamed answer so far, replacing the last preview.
	preview(ctx context.Context, m Message) error
	// final delivers the answer, replacing any preview, and returns the IDs
	// of the messages that hold it.
	final(ctx context.Context, msgs []Message) ([]string, error)
}

// channelOutput replies to a message in its channel.
type channelOutput struct {
	s         *discordgo.Session
	channelID string
	replyTo   *discordgo.MessageReference
	sentID    string // the preview message, once sent
	// delivered is set once the answer's first message is out (sent, or
	// edited into the preview): from then on a failure must not replace
	// it.
	delivered bool
	// beforeSend, if set, runs before the first message goes out: it
	// stops the typing indicator.
	beforeSend func()
}

func (o *channelOutput) sending() {
	if o.beforeSend != nil {
		o.beforeSend()
		o.beforeSend = nil
	}
}

func (o *channelOutput) preview(ctx context.Context, m Message) error {
	if o.sentID == "" {
		msg, err := o.send(ctx, m, o.replyTo)
		if err != nil {
			return err
		}
		o.sentID = msg.ID
		return nil
	}
	return o.edit(ctx, o.sentID, m)
}

func (o *channelOutput) final(ctx context.Context, msgs []Message) ([]string, error) {
	var ids []string
	for i, m := range msgs {
		switch {
		case i == 0 && o.sentID != "":
			if err := o.edit(ctx, o.sentID, m); err != nil {
				return ids, err
			}
			o.delivered = true
			ids = append(ids, o.sentID)
		default:
			ref := o.replyTo
			if i > 0 {
				ref = nil // the rest follow the first; one reply arrow is enough
			}
			msg, err := o.send(ctx, m, ref)
			if err != nil {
				return ids, err
			}
			o.delivered = true
			ids = append(ids, msg.ID)
		}
	}
	return ids, nil
}

func (o *channelOutput) send(ctx context.Context, m Message, ref *discordgo.MessageReference) (*discordgo.Message, error) {
	o.sending()
	msg, err := sendMessage(ctx, o.s, o.channelID, &discordgo.MessageSend{
		Content:         m.Content,
		Embeds:          m.Embeds,
		Components:      m.Components,
		Reference:       ref,
		AllowedMentions: noMentions(),
	})
	if err != nil {
		return nil, fmt.Errorf("send message to channel %s: %w", o.channelID, err)
	}
	return msg, nil
}

func (o *channelOutput) edit(ctx context.Context, id string, m Message) error {
	o.sending()
	embeds, components := nonNilEmbeds(m.Embeds), nonNilComponents(m.Components)
	err := editMessage(ctx, o.s, o.channelID, id, &discordgo.WebhookEdit{
		Content:         &m.Content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	})
	if err != nil {
		return fmt.Errorf("edit message %s: %w", id, err)
	}
	return nil
}

// interactionOutput answers a deferred slash command: it edits the
// "thinking…" response and adds followups for what does not fit.
type interactionOutput struct {
	ic *interaction
}

func (o *interactionOutput) preview(ctx context.Context, m Message) error {
	_, err := o.ic.editOriginal(ctx, m)
	return err
}

func (o *interactionOutput) final(ctx context.Context, msgs []Message) ([]string, error) {
	return o.ic.deliver(ctx, msgs, false)
}

func nonNilEmbeds(e []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if e == nil {
		return []*discordgo.MessageEmbed{}
	}
	return e
}

func nonNilComponents(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}

// streamer shows a model's answer as it is written, editing at most once
// per tick however fast text arrives: Discord rate-limits edits, and a
// reader gains nothing from more.
type streamer struct {
	logger *slog.Logger
	out    output

	mu     sync.Mutex
	latest string

	quit chan struct{}
	done chan struct{}
}

func newStreamer(ctx context.Context, logger *slog.Logger, out output, clock Clock, every time.Duration) *streamer {
	st := &streamer{logger: logger, out: out, quit: make(chan struct{}), done: make(chan struct{})}
	ticks, stop := clock.Ticker(every)
	go st.loop(ctx, ticks, stop)
	return st
}

// update receives the whole answer so far; it never blocks the model.
func (st *streamer) update(text string) {
	st.mu.Lock()
	st.latest = text
	st.mu.Unlock()
}

func (st *streamer) loop(ctx context.Context, ticks <-chan time.Time, stopTicker func()) {
	defer close(st.done)
	defer stopTicker()
	sent := ""
	for {
		select {
		case <-st.quit:
			return
		case <-ctx.Done():
			return
		case <-ticks:
		}
		st.mu.Lock()
		text := st.latest
		st.mu.Unlock()
		if text == "" || text == sent {
			continue
		}
		if err := st.out.preview(ctx, FormatPartial(text)); err != nil {
			// The final message still goes out; a lost preview is cosmetic.
			st.logger.Warn("stream preview", "err", err)
			continue
		}
		sent = text
	}
}

// stop ends the previews and waits for one in progress, so the final
// message is never overwritten by a late preview.
func (st *streamer) stop() {
	close(st.quit)
	<-st.done
}
