package bot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
)

// Outcomes of a question, the outcome label of handover_questions_total.
const (
	outcomeAnswered  = "answered"  // an answer with citations
	outcomeAbstained = "abstained" // the articles do not say
	// chatter_ignored: a message in a listed channel that asked nothing,
	// passed over in silence: the articles do not answer it, or it came
	// too soon, too long, unreadable or while the bot was busy.
	outcomeChatterIgnored = "chatter_ignored"
	outcomeRejected       = "rejected" // empty or too long
	outcomeCooldown       = "cooldown" // the user asked again too soon
	outcomeBusy           = "busy"     // the queue was full, and the asker was told
	// undelivered: an answer or a busy notice Discord never took, at the
	// end of every retry and rate-limit wait.
	outcomeUndelivered = "undelivered"
	outcomeError       = "error" // anything else, panics included
)

// Metrics counts what the bot does and knows whether it is healthy. Its
// Handler serves /healthz and /metrics: the bot's own metrics beside the
// Go runtime's (goroutines, memory, GC) and the process's (CPU, RSS, open
// files), exposed by prometheus/client_golang from a registry of its own.
// It is safe for concurrent use; the zero value is not, use NewMetrics.
type Metrics struct {
	connected   atomic.Bool
	indexLoaded atomic.Bool
	everUp      atomic.Bool

	reconnects  atomic.Int64
	modelErrors atomic.Int64
	panics      atomic.Int64

	registry  *prometheus.Registry
	questions *prometheus.CounterVec
	votes     *prometheus.CounterVec
	answer    prometheus.Histogram
	ack       prometheus.Histogram
}

// NewMetrics returns empty metrics, unhealthy until the index is loaded and
// the gateway is connected.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "handover_questions_total", Help: "Questions received, by answer mode and outcome.",
		}, []string{"mode", "outcome"}),
		votes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "handover_feedback_total", Help: "Thumbs up and down on answers.",
		}, []string{"vote"}),
		// Answers take from milliseconds (extractive) to tens of seconds
		// (a slow model).
		answer: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "handover_answer_seconds", Help: "Time from accepting a question to its final message.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60},
		}),
		// Acknowledgements must beat Discord's 3 s; the interesting part is
		// how close they come.
		ack: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "handover_interaction_ack_seconds", Help: "Time from receiving an interaction to acknowledging it.",
			Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3},
		}),
	}
	counter := func(name, help string, v *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(v.Load()) })
	}
	gauge := func(name, help string, v *atomic.Bool) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			if v.Load() {
				return 1
			}
			return 0
		})
	}
	m.registry.MustRegister(
		m.questions, m.votes, m.answer, m.ack,
		counter("handover_model_errors_total", "Answers that fell back to extractive because the model failed.", &m.modelErrors),
		counter("handover_gateway_reconnects_total", "Times the gateway connection was re-established.", &m.reconnects),
		counter("handover_handler_panics_total", "Panics recovered in handlers.", &m.panics),
		gauge("handover_gateway_connected", "Whether the gateway is connected.", &m.connected),
		gauge("handover_index_loaded", "Whether the articles are indexed.", &m.indexLoaded),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
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
	m.questions.WithLabelValues(mode, outcome).Inc()
}

func (m *Metrics) vote(v string) { m.votes.WithLabelValues(v).Inc() }

func (m *Metrics) answered(d time.Duration) { m.answer.Observe(d.Seconds()) }

func (m *Metrics) acked(d time.Duration) { m.ack.Observe(d.Seconds()) }

// Handler serves GET /healthz and GET /metrics.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", m.serveHealth)
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
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

// WriteTo writes every metric in the Prometheus text exposition format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	families, err := m.registry.Gather()
	if err != nil {
		return 0, fmt.Errorf("gather metrics: %w", err)
	}
	cw := &countingWriter{w: w}
	enc := expfmt.NewEncoder(cw, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			return cw.n, fmt.Errorf("write metrics: %w", err)
		}
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
