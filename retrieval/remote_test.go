package retrieval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeEmbeddings is an OpenAI-compatible /v1/embeddings server that gives
// each text a deterministic vector of hashed words. mode switches it to
// failing behaviours.
type fakeEmbeddings struct {
	calls atomic.Int32
	mu    sync.Mutex
	mode  string // "", "500", "hang", "zero"
	auth  string
}

func (f *fakeEmbeddings) setMode(m string) { f.mu.Lock(); f.mode = m; f.mu.Unlock() }

func (f *fakeEmbeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	f.mu.Lock()
	mode := f.mode
	f.auth = r.Header.Get("Authorization")
	f.mu.Unlock()
	if r.URL.Path != "/v1/embeddings" {
		http.NotFound(w, r)
		return
	}
	switch mode {
	case "500":
		http.Error(w, `{"error":{"message":"overloaded","type":"server_error"}}`, http.StatusInternalServerError)
		return
	case "hang":
		// The server notices a client that gave up only once the body is
		// read.
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
		return
	}
	var req struct {
		Input []string `json:"input"`
		Model string   `json:"model"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	type emb struct {
		Object    string    `json:"object"`
		Embedding []float32 `json:"embedding"`
		Index     int       `json:"index"`
	}
	var data []emb
	for i, text := range req.Input {
		v := make([]float32, 32)
		if mode != "zero" {
			for _, w := range strings.Fields(strings.ToLower(text)) {
				h := fnv.New32a()
				h.Write([]byte(w))
				v[h.Sum32()%32]++
			}
			v[0] += 0.01
		}
		data = append(data, emb{Object: "embedding", Embedding: v, Index: i})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model})
}

func TestRemoteEmbeddingsPersist(t *testing.T) {
	fake := &fakeEmbeddings{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	cfg := RemoteConfig{BaseURL: srv.URL + "/v1", Model: "fake-embed", APIKey: "sk-secret", Timeout: 5 * time.Second, Path: dir}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	_, ix := shippedIndex(t)
	if err := ix.AttachRemote(context.Background(), logger, cfg); err != nil {
		t.Fatalf("AttachRemote: %v", err)
	}
	first := fake.calls.Load()
	if want := int32((len(ix.passages) + remoteBatch - 1) / remoteBatch); first != want {
		t.Errorf("first run made %d calls, want %d batches", first, want)
	}
	if fake.auth != "Bearer sk-secret" {
		t.Errorf("Authorization = %q", fake.auth)
	}

	// A restart over the same passages and model re-embeds nothing.
	_, ix2 := shippedIndex(t)
	if err := ix2.AttachRemote(context.Background(), logger, cfg); err != nil {
		t.Fatalf("AttachRemote again: %v", err)
	}
	if got := fake.calls.Load(); got != first {
		t.Errorf("restart made %d more embedding calls, want 0", got-first)
	}

	// Another model is a different collection.
	cfg.Model = "other-model"
	_, ix3 := shippedIndex(t)
	if err := ix3.AttachRemote(context.Background(), logger, cfg); err != nil {
		t.Fatal(err)
	}
	if fake.calls.Load() == first {
		t.Error("a new model reused the old model's vectors")
	}
}

func TestRemoteEmbeddingsFailures(t *testing.T) {
	for _, mode := range []string{"500", "hang", "zero"} {
		t.Run(mode, func(t *testing.T) {
			fake := &fakeEmbeddings{mode: mode}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			c, ix := shippedIndex(t)
			cfg := RemoteConfig{BaseURL: srv.URL + "/v1", Model: "m", APIKey: "sk-secret", Timeout: 200 * time.Millisecond}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := ix.AttachRemote(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
			if err == nil {
				t.Fatal("AttachRemote succeeded against a failing API")
			}
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Fatal("AttachRemote outlived the test deadline: the per-call timeout did not hold")
			}
			if strings.Contains(err.Error(), "sk-secret") {
				t.Errorf("error text leaks the API key: %v", err)
			}
			// The index still answers with the local embedder.
			e := New(c, ix, Options{})
			a, err := e.Answer(context.Background(), Request{Question: "When did Mark Rutte take over NATO?"})
			if err != nil || a.Abstained || len(a.Citations) == 0 {
				t.Errorf("answer after failed API: %+v, %v", a, err)
			}
		})
	}
}

func TestRemoteEmbeddingsQueryFailureFallsBack(t *testing.T) {
	fake := &fakeEmbeddings{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	c, ix := shippedIndex(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	cfg := RemoteConfig{BaseURL: srv.URL + "/v1", Model: "m", Timeout: 200 * time.Millisecond}
	if err := ix.AttachRemote(context.Background(), logger, cfg); err != nil {
		t.Fatal(err)
	}
	e := New(c, ix, Options{})
	want, err := e.Answer(context.Background(), Request{Question: "Where was the handover ceremony?"})
	if err != nil || want.Abstained {
		t.Fatalf("answer with API up: %+v, %v", want, err)
	}
	fake.setMode("hang")
	got, err := e.Answer(context.Background(), Request{Question: "Where was the handover ceremony?"})
	if err != nil || got.Abstained || !strings.Contains(got.Text, "Brussels") {
		t.Errorf("answer with API hanging: %+v, %v", got, err)
	}
	if !strings.Contains(logs.String(), "embeddings API failed") {
		t.Errorf("no warning logged; logs:\n%s", logs.String())
	}
	// A failed API is left alone for a while: the next question does not
	// wait for it again.
	before := fake.calls.Load()
	if _, err := e.Answer(context.Background(), Request{Question: "Who succeeded Stoltenberg?"}); err != nil {
		t.Fatal(err)
	}
	if got := fake.calls.Load(); got != before {
		t.Errorf("the API was called %d more times while backing off", got-before)
	}
	// After the back-off it is tried again.
	now := time.Now().Add(2 * remoteBackoff)
	ix.remote.now = func() time.Time { return now }
	fake.setMode("")
	if _, err := e.Answer(context.Background(), Request{Question: "Who succeeded Stoltenberg?"}); err != nil {
		t.Fatal(err)
	}
	if fake.calls.Load() == before {
		t.Error("the API was not tried again after the back-off")
	}
}

// TestScrubKey checks that an embedding error loses the key, and anything
// shaped like one, but keeps the error it wraps.
func TestScrubKey(t *testing.T) {
	base := fmt.Errorf("status 401: key s3cr3t-key-123 rejected, Authorization: Bearer abc.def: %w", context.DeadlineExceeded)
	got := scrubKey(base, "s3cr3t-key-123")
	if strings.Contains(got.Error(), "s3cr3t") || strings.Contains(got.Error(), "abc.def") || !strings.Contains(got.Error(), "[redacted]") {
		t.Errorf("scrubKey = %q, want the key and the bearer token redacted", got)
	}
	if !errors.Is(got, context.DeadlineExceeded) {
		t.Errorf("scrubKey lost the wrapped error: %v", got)
	}
	plain := errors.New("connection refused")
	if got := scrubKey(plain, "s3cr3t-key-123"); got != plain {
		t.Errorf("scrubKey changed an error without secrets: %v", got)
	}
	if got := scrubKey(errors.New("bad key sk-abcdefghijklmnop"), ""); strings.Contains(got.Error(), "sk-abcdefgh") {
		t.Errorf("scrubKey kept an OpenAI-style key: %q", got)
	}
}

// TestRemoteEmbeddingsRetry checks that a 429 while filling is retried as
// chat's are, honouring Retry-After, so one busy moment at start does not
// leave the process without API embeddings.
func TestRemoteEmbeddingsRetry(t *testing.T) {
	fake := &fakeEmbeddings{}
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"error":{"message":"Rate limit reached","type":"requests"}}`, http.StatusTooManyRequests)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	_, ix := shippedIndex(t)
	cfg := RemoteConfig{BaseURL: srv.URL + "/v1", Model: "fake-embed", Timeout: 5 * time.Second}
	if err := ix.AttachRemote(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), cfg); err != nil {
		t.Fatalf("AttachRemote after one 429 with Retry-After: 0: %v", err)
	}
	batches := int32((len(ix.passages) + remoteBatch - 1) / remoteBatch)
	if got := calls.Load(); got != batches+1 {
		t.Errorf("made %d calls, want %d batches and one retry", got, batches)
	}
	if ix.remote == nil || ix.remote.coll.Count() != len(ix.passages) {
		t.Errorf("remote embeddings not attached in full")
	}
}

// TestRemoteEmbeddingsResumeFill checks that a start after a fill that
// failed part-way embeds only the passages the store lacks.
func TestRemoteEmbeddingsResumeFill(t *testing.T) {
	fake := &fakeEmbeddings{}
	var calls atomic.Int32
	failSecond := atomic.Bool{}
	failSecond.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 2 && failSecond.Load() {
			// A 400 is not retried: the first fill stops after one batch.
			http.Error(w, `{"error":{"message":"bad batch","type":"invalid_request_error"}}`, http.StatusBadRequest)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cfg := RemoteConfig{BaseURL: srv.URL + "/v1", Model: "fake-embed", Timeout: 5 * time.Second, Path: t.TempDir()}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, ix := shippedIndex(t)
	batches := int32((len(ix.passages) + remoteBatch - 1) / remoteBatch)
	if batches < 2 {
		t.Fatalf("the shipped corpus fills in %d batch; the test needs two", batches)
	}
	if err := ix.AttachRemote(context.Background(), logger, cfg); err == nil {
		t.Fatal("AttachRemote succeeded though a batch failed")
	}
	failSecond.Store(false)
	before := calls.Load()
	_, ix2 := shippedIndex(t)
	if err := ix2.AttachRemote(context.Background(), logger, cfg); err != nil {
		t.Fatalf("AttachRemote again: %v", err)
	}
	if got := calls.Load() - before; got != batches-1 {
		t.Errorf("second start made %d calls, want %d: the first batch was stored", got, batches-1)
	}
	if n := ix2.remote.coll.Count(); n != len(ix2.passages) {
		t.Errorf("collection holds %d passages, want %d", n, len(ix2.passages))
	}
}
