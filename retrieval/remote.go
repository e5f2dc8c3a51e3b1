package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval/search"
	chromem "github.com/philippgille/chromem-go"
	openai "github.com/sashabaranov/go-openai"
)

// RemoteConfig configures embeddings from an OpenAI-compatible API.
type RemoteConfig struct {
	BaseURL string // including /v1
	Model   string
	APIKey  string // from OPENAI_API_KEY; empty for local servers
	// Timeout bounds every batch, its retries included; go-openai's client
	// has none.
	Timeout time.Duration
	// Path is a folder where the embedded collection is kept between runs,
	// keyed by model and content hash; empty keeps it in memory.
	Path       string
	HTTPClient *http.Client // optional
}

// remoteBatch is how many passages go in one embeddings request.
const remoteBatch = 64

// remoteRetries is how many times a batch is retried after a 429, a 5xx
// or a failed connection, within its timeout: one busy moment at start
// should not leave the process without API embeddings.
const remoteRetries = 3

// remote is a second vector space from an API model. It widens the
// candidate pool; the local embedder still scores, so ranking stays
// calibrated whichever model is configured.
type remote struct {
	logger *slog.Logger
	client *openai.Client
	cfg    RemoteConfig
	coll   *chromem.Collection
	now    func() time.Time

	// After a failure the API is left alone for remoteBackoff, so a dead
	// service does not add its timeout to every question.
	mu        sync.Mutex
	downUntil time.Time
}

// remoteBackoff is how long a failed embeddings API is left alone.
const remoteBackoff = time.Minute

// AttachRemote embeds the index's passages with an API model, or loads
// them from cfg.Path when a previous run embedded the same passages with
// the same model. When the API fails, the index keeps working with the
// local embedder alone and AttachRemote returns the error for the caller
// to log as a warning.
func (ix *Index) AttachRemote(ctx context.Context, logger *slog.Logger, cfg RemoteConfig) error {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	// llmDoer keeps Retry-After for the retry loop, as for chat.
	oc.HTTPClient = llmDoer{client: hc}
	r := &remote{logger: logger, client: openai.NewClientWithConfig(oc), cfg: cfg, now: time.Now}

	var db *chromem.DB
	if cfg.Path != "" {
		var err error
		if db, err = chromem.NewPersistentDB(cfg.Path, true); err != nil {
			return fmt.Errorf("open embeddings store %s: %w", cfg.Path, err)
		}
	} else {
		db = chromem.NewDB()
	}
	name := ix.collectionName(cfg.Model)
	coll, err := db.GetOrCreateCollection(name, map[string]string{"model": cfg.Model}, r.embed)
	if err != nil {
		return fmt.Errorf("open embeddings collection: %w", err)
	}
	if coll.Count() != len(ix.passages) {
		if err := r.fill(ctx, coll, ix); err != nil {
			return err
		}
	} else {
		logger.Info("embeddings loaded from store", "model", cfg.Model, "passages", coll.Count())
	}
	r.coll = coll
	ix.remote = r
	return nil
}

// collectionName keys the stored collection by model and by a hash of
// every passage, so a changed corpus or model is embedded afresh.
func (ix *Index) collectionName(model string) string {
	h := sha256.New()
	h.Write([]byte(model))
	for _, p := range ix.passages {
		h.Write([]byte{0})
		h.Write([]byte(p.ID))
		h.Write([]byte{0})
		h.Write([]byte(p.Text))
	}
	return "passages-" + hex.EncodeToString(h.Sum(nil))[:24]
}

// fill embeds the passages coll does not hold yet: the collection is
// stored batch by batch, so a start after a failed fill sends only what
// is missing.
func (r *remote) fill(ctx context.Context, coll *chromem.Collection, ix *Index) error {
	var missing []corpus.Passage
	for _, p := range ix.passages {
		if _, err := coll.GetByID(ctx, p.ID); err != nil {
			missing = append(missing, p)
		}
	}
	if held := len(ix.passages) - len(missing); held > 0 {
		r.logger.Info("embeddings partly loaded from store", "model", r.cfg.Model, "passages", held, "missing", len(missing))
	}
	for start := 0; start < len(missing); start += remoteBatch {
		end := min(start+remoteBatch, len(missing))
		texts := make([]string, 0, end-start)
		ids := make([]string, 0, end-start)
		for _, p := range missing[start:end] {
			texts = append(texts, p.Text)
			ids = append(ids, p.ID)
		}
		vecs, err := r.embedBatch(ctx, texts)
		if err != nil {
			return err
		}
		if err := coll.Add(ctx, ids, vecs, nil, texts); err != nil {
			return fmt.Errorf("store embeddings: %w", err)
		}
	}
	return nil
}

// embed is the collection's embedding function: one text.
func (r *remote) embed(ctx context.Context, text string) ([]float32, error) {
	vecs, err := r.embedBatch(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vecs[0], nil
}

// embedBatch embeds texts in one request, retried as chat is (see
// retryable and retryDelay) within the timeout.
func (r *remote) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	var resp openai.EmbeddingResponse
	for attempt := 0; ; attempt++ {
		info := &attemptInfo{}
		var err error
		resp, err = r.client.CreateEmbeddings(context.WithValue(ctx, attemptKey{}, info),
			openai.EmbeddingRequest{Input: texts, Model: openai.EmbeddingModel(r.cfg.Model)})
		if err == nil {
			break
		}
		err = fmt.Errorf("embed %d texts with %s: %w", len(texts), r.cfg.Model, scrubKey(err, r.cfg.APIKey))
		if attempt >= remoteRetries || !retryable(ctx, err) {
			return nil, err
		}
		d := retryDelay(attempt, info.retryAfter, time.Now())
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return nil, fmt.Errorf("%w (a retry in %s would miss the timeout)", err, d.Round(time.Millisecond))
		}
		if serr := sleepContext(ctx, d); serr != nil {
			return nil, fmt.Errorf("%w (wait to retry: %w)", err, serr)
		}
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("embed %d texts with %s: got %d embeddings", len(texts), r.cfg.Model, len(resp.Data))
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) || out[d.Index] != nil {
			return nil, fmt.Errorf("embed with %s: bad embedding index %d", r.cfg.Model, d.Index)
		}
		v, err := unit(d.Embedding)
		if err != nil {
			return nil, fmt.Errorf("embed with %s: %w", r.cfg.Model, err)
		}
		out[d.Index] = v
	}
	return out, nil
}

// unit returns v scaled to unit length. chromem-go stores vectors as given
// and an all-zero vector would make every similarity NaN.
func unit(v []float32) ([]float32, error) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if len(v) == 0 || s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return nil, errors.New("empty, zero or non-finite embedding")
	}
	n := float32(math.Sqrt(s))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x / n
	}
	return out, nil
}

// search returns the passages nearest the question in the API model's
// space. Any failure falls back to the local space: the caller logs it.
func (r *remote) search(ctx context.Context, ix *Index, question string, k int) ([]search.Hit, error) {
	q, err := r.embed(ctx, question)
	if err != nil {
		return nil, err
	}
	k = min(k, r.coll.Count())
	if k == 0 {
		return nil, nil
	}
	res, err := r.coll.QueryEmbedding(ctx, q, k, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("remote vector search: %w", err)
	}
	out := make([]search.Hit, 0, len(res))
	for _, h := range res {
		if pos, ok := ix.lookup.Pos(h.ID); ok {
			out = append(out, search.Hit{Pos: pos, Score: float64(h.Similarity)})
		}
	}
	return out, nil
}

// scrubKey removes the API key, and anything else that looks like a key,
// from an error's text (see redact), keeping the error it wraps for
// errors.Is and errors.As.
func scrubKey(err error, key string) error {
	msg := redact(err.Error(), key)
	if msg == err.Error() {
		return err
	}
	return redactedError{msg: msg, err: err}
}

// redactedError is err with its text redacted.
type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

// remoteHits adds the API model's nearest passages to the candidate pool.
// A failing API costs this question its remote hits, not its answer.
func (ix *Index) remoteHits(ctx context.Context, question string, k int) []search.Hit {
	r := ix.remote
	if r == nil {
		return nil
	}
	r.mu.Lock()
	down := r.now().Before(r.downUntil)
	r.mu.Unlock()
	if down {
		return nil
	}
	hits, err := r.search(ctx, ix, question, k)
	if err != nil {
		r.mu.Lock()
		r.downUntil = r.now().Add(remoteBackoff)
		r.mu.Unlock()
		r.logger.Warn("embeddings API failed; using the local embedder alone for a while", "err", err, "retry_in", remoteBackoff)
		return nil
	}
	return hits
}
