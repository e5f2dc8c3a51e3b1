package bot

import (
	"context"
	"sync"
	"time"
)

// Clock is the bot's time source: cooldowns read it and streamed edits are
// paced by its tickers. Tests pass a fake to control both without sleeping.
type Clock interface {
	Now() time.Time
	// Ticker ticks every d until stop is called.
	Ticker(d time.Duration) (ticks <-chan time.Time, stop func())
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Ticker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

var _ Clock = systemClock{}

// cooldown spaces one user's questions at least d apart.
type cooldown struct {
	d     time.Duration
	clock Clock

	mu     sync.Mutex
	last   map[string]time.Time // when each user's last question was accepted
	warned map[string]bool      // told to wait during the current cooldown
	// pending marks users whose chatter is being answered: whether it
	// starts a cooldown is known only once it is (settle).
	pending map[string]bool
}

func newCooldown(d time.Duration, clock Clock) *cooldown {
	return &cooldown{d: d, clock: clock, last: map[string]time.Time{}, warned: map[string]bool{}, pending: map[string]bool{}}
}

// allow reports whether user may ask now, and records the question if so;
// when not, wait is how long is left.
func (c *cooldown) allow(user string) (ok bool, wait time.Duration) {
	if c.d <= 0 {
		return true, 0
	}
	now := c.clock.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if left := c.left(user, now); left > 0 {
		return false, left
	}
	c.record(user, now)
	return true, 0
}

// left is how long user's cooldown has to run at now, 0 or less when it
// has run out. c.mu is held.
func (c *cooldown) left(user string, now time.Time) time.Duration {
	last, seen := c.last[user]
	if !seen {
		return 0
	}
	return c.d - now.Sub(last)
}

// record starts user's cooldown at now. c.mu is held.
func (c *cooldown) record(user string, now time.Time) {
	c.last[user] = now
	delete(c.warned, user)
	if len(c.last) > 10000 {
		// Forget users whose cooldown is over, so the map stays small.
		for u, t := range c.last {
			if now.Sub(t) >= c.d {
				delete(c.last, u)
				delete(c.warned, u)
			}
		}
	}
}

// refund forgets the question allow last accepted from user, which was
// then not taken after all. The cooldown before it had run out, so
// forgetting it leaves the user as if it had never been asked.
func (c *cooldown) refund(user string) {
	if c.d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.last, user)
}

// hold admits chatter from user, whose cooldown starts only once it is
// answered: it is refused while user is within a cooldown, or has earlier
// chatter still being answered (which may yet start one: wait is then the
// whole cooldown). Admitted, user is pending until settle, which the
// caller must always call.
func (c *cooldown) hold(user string) (ok bool, wait time.Duration) {
	if c.d <= 0 {
		return true, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if left := c.left(user, c.clock.Now()); left > 0 {
		return false, left
	}
	if c.pending[user] {
		return false, c.d
	}
	c.pending[user] = true
	return true, 0
}

// settle ends the pending chatter hold admitted: answered, it starts the
// user's cooldown now, as a question does; unanswered, it leaves none.
func (c *cooldown) settle(user string, answered bool) {
	if c.d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, user)
	if answered {
		c.record(user, c.clock.Now())
	}
}

// warn reports whether a user refused by allow should be told, true only
// once per cooldown: in a channel, a user who keeps trying gets one notice,
// not one per message.
func (c *cooldown) warn(user string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.warned[user] {
		return false
	}
	c.warned[user] = true
	return true
}

// gate caps how many questions are answered at once and how many may wait
// for a turn. Past both, a question is turned away at once rather than
// left hanging.
type gate struct {
	places chan struct{} // running plus waiting
	slots  chan struct{} // running
}

func newGate(running, waiting int) *gate {
	return &gate{places: make(chan struct{}, running+waiting), slots: make(chan struct{}, running)}
}

// enter takes a place in the queue without waiting; false means the queue
// is full. Every successful enter must be followed by leave.
func (g *gate) enter() bool {
	select {
	case g.places <- struct{}{}:
		return true
	default:
		return false
	}
}

// acquire waits for a slot to answer in. On success the caller must
// release; on error (ctx done) it must still leave.
func (g *gate) acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gate) release() { <-g.slots }

func (g *gate) leave() { <-g.places }

// running is how many questions hold a slot.
func (g *gate) running() int { return len(g.slots) }

// queued is how many questions are waiting for a slot.
func (g *gate) queued() int { return max(0, len(g.places)-len(g.slots)) }

// backlog caps, per channel, the messages admitted and not yet done with:
// waiting for a turn, being answered, or waiting for the channel's message
// budget to deliver the answer. The gate cannot: an answer computed gives
// its slot and place back, so that delivering never holds up other
// channels' answers, and then waits on Discord for as long as its channel
// needs.
type backlog struct {
	limit int

	mu sync.Mutex
	n  map[string]int // by channel ID; absent at 0
}

func newBacklog(limit int) *backlog {
	return &backlog{limit: limit, n: map[string]int{}}
}

// enter takes a place in channel's backlog without waiting; false means it
// is full. Every successful enter must be followed by leave.
func (q *backlog) enter(channel string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n[channel] >= q.limit {
		return false
	}
	q.n[channel]++
	return true
}

func (q *backlog) leave(channel string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n[channel]--; q.n[channel] <= 0 {
		delete(q.n, channel)
	}
}
