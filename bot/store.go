package bot

import (
	"container/list"
	"sync"
)

// lru is a bounded map that forgets its least recently used entries. The
// bot keeps everything it remembers in these (seen message IDs, answers
// behind buttons, conversations), so a long-running bot's memory stays flat.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front is most recent; values are *lruEntry
	items map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key K
	val V
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), items: make(map[K]*list.Element)}
}

// get returns the value for k and marks it recently used.
func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[K, V]).val, true
}

// put stores v under k, forgetting the oldest entry when full.
func (c *lru[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		el.Value.(*lruEntry[K, V]).val = v
		c.order.MoveToFront(el)
		return
	}
	c.insert(k, v)
}

// add stores k and reports whether it was new: the dedup check and the
// mark in one step, so two deliveries of one event cannot both pass.
func (c *lru[K, V]) add(k K, v V) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		return false
	}
	c.insert(k, v)
	return true
}

// insert adds a new key. c.mu must be held.
func (c *lru[K, V]) insert(k K, v V) {
	c.items[k] = c.order.PushFront(&lruEntry[K, V]{key: k, val: v})
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*lruEntry[K, V]).key)
	}
}

func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
