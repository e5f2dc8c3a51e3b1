package bot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Outcomes of a question, the outcome label of handover_questions_total.
const (
	outcomeAnswered  = "answered"  // an answer with citations
	outcomeAbstained = "abstained" // the articles do not say
	outcomeRejected  = "rejected"  // empty or too long
	outcomeCooldown  = "cooldown"  // the user asked again too soon
	outcomeBusy      = "busy"      // the queue was full, and the asker was told
	// undelivered: an answer or a busy notice Discord never took, at the
	// end of every retry and rate-limit wait.
	outcomeUndelivered = "undelivered"
	outcomeError       = "error" // anything else, panics included
)

// Metrics counts what the bot does and knows whether it is healthy. Its
// Handler serves /healthz and /metrics (Prometheus text format, written by
// hand to avoid a dependency for a dozen lines of output). It is safe for
// concurrent use; the zero value is not, use NewMetrics.
type Metrics struct {
	connected   atomic.Bool
	indexLoaded atomic.Bool
	everUp      atomic.Bool

	reconnects  atomic.Int64
	modelErrors atomic.Int64
	panics      atomic.Int64

	mu        sync.Mutex
	questions map[[2]string]int64 // {mode, outcome}
	votes     map[string]int64
	answer    *histogram
	ack       *histogram
}

// NewMetrics returns empty metrics, unhealthy until the index is loaded and
// the gateway is connected.
func NewMetrics() *Metrics {
	return &Metrics{
		questions: map[[2]string]int64{},
		votes:     map[string]int64{},
		// Answers take from milliseconds (extractive) to tens of seconds
		// (a slow model).
		answer: newHistogram(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60),
		// Acknowledgements must beat Discord's 3 s; the interesting part is
		// how close they come.
		ack: newHistogram(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3),
	}
}

// SetIndexLoaded records that the articles are indexed and questions can be
// answered.
func (m *Metrics) SetIndexLoaded(ok bool) { m.indexLoaded.Store(ok) }

// setConnected records the gateway's state and reports whether a
// connection is a reconnect.
func (m *Metrics) setConnected(ok bool) (reconnected bool) {
	if ok && m.everUp.Swap(true) && !m.connected.Load() {
		m.reconnects.Add(1)
		reconnected = true
	}
	m.connected.Store(ok)
	return reconnected
}

// Healthy reports whether the gateway is connected and the index loaded.
func (m *Metrics) Healthy() bool { return m.connected.Load() && m.indexLoaded.Load() }

func (m *Metrics) question(mode, outcome string) {
	if mode == "" {
		mode = "none"
	}
	m.mu.Lock()
	m.questions[[2]string{mode, outcome}]++
	m.mu.Unlock()
}

func (m *Metrics) vote(v string) {
	m.mu.Lock()
	m.votes[v]++
	m.mu.Unlock()
}

func (m *Metrics) answered(d time.Duration) { m.answer.observe(d.Seconds()) }

func (m *Metrics) acked(d time.Duration) { m.ack.observe(d.Seconds()) }

// Handler serves GET /healthz and GET /metrics.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", m.serveHealth)
	mux.HandleFunc("GET /metrics", m.serveMetrics)
	return mux
}

func (m *Metrics) serveHealth(w http.ResponseWriter, _ *http.Request) {
	body := struct {
		Status      string `json:"status"`
		Gateway     bool   `json:"gateway_connected"`
		IndexLoaded bool   `json:"index_loaded"`
	}{"ok", m.connected.Load(), m.indexLoaded.Load()}
	status := http.StatusOK
	if !body.Gateway || !body.IndexLoaded {
		body.Status, status = "unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body) // the client went away; nothing to do
}

func (m *Metrics) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.WriteTo(w)
}

// WriteTo writes every metric in the Prometheus text exposition format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	m.mu.Lock()
	keys := make([][2]string, 0, len(m.questions))
	for k := range m.questions {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	b.WriteString("# HELP handover_questions_total Questions received, by answer mode and outcome.\n")
	b.WriteString("# TYPE handover_questions_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "handover_questions_total{mode=%q,outcome=%q} %d\n", k[0], k[1], m.questions[k])
	}
	votes := make([]string, 0, len(m.votes))
	for v := range m.votes {
		votes = append(votes, v)
	}
	sort.Strings(votes)
	b.WriteString("# HELP handover_feedback_total Thumbs up and down on answers.\n")
	b.WriteString("# TYPE handover_feedback_total counter\n")
	for _, v := range votes {
		fmt.Fprintf(&b, "handover_feedback_total{vote=%q} %d\n", v, m.votes[v])
	}
	m.mu.Unlock()

	m.answer.write(&b, "handover_answer_seconds", "Time from accepting a question to its final message.")
	m.ack.write(&b, "handover_interaction_ack_seconds", "Time from receiving an interaction to acknowledging it.")
	counter := func(name, help string, v int64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	gauge := func(name, help string, v bool) {
		n := 0
		if v {
			n = 1
		}
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, n)
	}
	counter("handover_model_errors_total", "Answers that fell back to extractive because the model failed.", m.modelErrors.Load())
	counter("handover_gateway_reconnects_total", "Times the gateway connection was re-established.", m.reconnects.Load())
	counter("handover_handler_panics_total", "Panics recovered in handlers.", m.panics.Load())
	gauge("handover_gateway_connected", "Whether the gateway is connected.", m.connected.Load())
	gauge("handover_index_loaded", "Whether the articles are indexed.", m.indexLoaded.Load())
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// histogram is a Prometheus histogram with fixed buckets, in seconds.
type histogram struct {
	mu     sync.Mutex
	bounds []float64
	counts []int64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      int64
}

func newHistogram(bounds ...float64) *histogram {
	return &histogram{bounds: bounds, counts: make([]int64, len(bounds)+1)}
}

func (h *histogram) observe(v float64) {
	i := sort.SearchFloat64s(h.bounds, v) // first bound >= v: le is inclusive
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.n++
	h.mu.Unlock()
}

func (h *histogram) write(b *strings.Builder, name, help string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	var cum int64
	for i, le := range h.bounds {
		cum += h.counts[i]
		fmt.Fprintf(b, "%s_bucket{le=%q} %d\n", name, strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	cum += h.counts[len(h.bounds)]
	fmt.Fprintf(b, "%s_bucket{le=\"+Inf\"} %d\n", name, cum)
	fmt.Fprintf(b, "%s_sum %s\n", name, strconv.FormatFloat(h.sum, 'g', -1, 64))
	fmt.Fprintf(b, "%s_count %d\n", name, h.n)
}
