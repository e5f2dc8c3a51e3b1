package retrieval

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval/search"
)

// The benchmarks measure the offline engine on the shipped corpus and on
// synthetic archives (synth_test.go) of growing size. README.md's
// Performance section lists the commands and the figures.
//
//	go test ./retrieval -run '^$' -bench . -benchtime 2s

// benchSizes are the archive sizes; 0 means the shipped corpus alone.
var benchSizes = []int{0, 1_000, 10_000, 100_000}

func sizeName(n int) string {
	if n == 0 {
		return "passages=shipped"
	}
	return "passages=" + strconv.Itoa(n)
}

// benchCorpus returns the shipped corpus (n == 0) or a synthetic archive of
// n passages, with its planted facts.
func benchCorpus(b *testing.B, n int) (*corpus.Corpus, []plantedFact) {
	b.Helper()
	if n == 0 {
		c, err := corpus.Load(slog.New(slog.NewTextHandler(io.Discard, nil)), corpus.Default())
		if err != nil {
			b.Fatal(err)
		}
		return c, nil
	}
	return synthCorpus(b, n)
}

func benchEngine(b *testing.B, n int) (*Engine, []plantedFact) {
	b.Helper()
	if n == 0 {
		return shippedEngine(b), nil
	}
	return synthEngine(b, n)
}

// benchQuestions are the eval questions and the planted ones: what a
// benchmark asks, in turn.
func benchQuestions(b *testing.B, facts []plantedFact) []string {
	b.Helper()
	var qs []string
	for _, c := range loadEval(b) {
		qs = append(qs, c.Question)
	}
	for _, f := range facts {
		qs = append(qs, f.Question)
	}
	return qs
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkIndex builds the index: one op is one BuildIndex over a loaded
// corpus. bytes/passage is the heap the index keeps, over the corpus.
func BenchmarkIndex(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			c, _ := benchCorpus(b, n)
			vecs, err := search.DefaultVectors()
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			before := heapInUse()
			ix, err := BuildIndex(ctx, c, vecs)
			if err != nil {
				b.Fatal(err)
			}
			kept := heapInUse() - before
			passages := len(ix.passages)
			runtime.KeepAlive(ix)
			ix = nil
			b.ReportAllocs()
			for b.Loop() {
				if _, err := BuildIndex(ctx, c, vecs); err != nil {
					b.Fatal(err)
				}
			}
			// Metrics reported before the loop would be reset by it.
			b.ReportMetric(float64(kept)/float64(passages), "bytes/passage")
		})
	}
}

// warmUp asks every question once and returns how long that took. What an
// engine builds lazily on first use (the quote and date library) is built
// here, so that the benchmarks time questions in a running bot.
func warmUp(b *testing.B, e *Engine, qs []string) time.Duration {
	b.Helper()
	start := time.Now()
	for _, q := range qs {
		if _, err := e.Answer(context.Background(), Request{Question: q}); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkAsk answers one question per op, offline, cycling through the
// eval and planted questions. p50-ms is the median question; hit@1 is the
// share of planted facts whose first citation is the right article;
// warmup-s is the first pass over all the questions, lazy building
// included.
func BenchmarkAsk(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			e, facts := benchEngine(b, n)
			var r factResult
			if len(facts) > 0 {
				r = askFacts(b, e, facts)
			}
			qs := benchQuestions(b, facts)
			warm := warmUp(b, e, qs)
			ctx := context.Background()
			var took []time.Duration
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				start := time.Now()
				if _, err := e.Answer(ctx, Request{Question: qs[i%len(qs)]}); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
				i++
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Nanoseconds())/1e6, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds())/1e6, "p99-ms")
			if len(facts) > 0 {
				b.ReportMetric(float64(r.hit1)/float64(len(facts)), "hit@1")
			}
			b.ReportMetric(warm.Seconds(), "warmup-s")
		})
	}
}

// BenchmarkAskParallel answers offline questions from every P: the
// throughput a bot gets from one process.
func BenchmarkAskParallel(b *testing.B) {
	for _, n := range []int{0, 100_000} {
		// RunParallel calls the function again as b.N grows; the engine
		// is built on the first call only.
		var e *Engine
		var qs []string
		b.Run(sizeName(n), func(b *testing.B) {
			if e == nil {
				var facts []plantedFact
				e, facts = benchEngine(b, n)
				qs = benchQuestions(b, facts)
				warmUp(b, e, qs)
			}
			ctx := context.Background()
			var next atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					q := qs[int(next.Add(1))%len(qs)]
					if _, err := e.Answer(ctx, Request{Question: q}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "questions/s")
		})
	}
}

// BenchmarkFirstAnswer is the in-process part of a cold start on the
// shipped corpus: load the articles and the word vectors, build the index,
// answer one question. (README.md's Performance section times the whole
// process too.)
func BenchmarkFirstAnswer(b *testing.B) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c, err := corpus.Load(logger, corpus.Default())
		if err != nil {
			b.Fatal(err)
		}
		vecs, err := search.DefaultVectors()
		if err != nil {
			b.Fatal(err)
		}
		ix, err := BuildIndex(ctx, c, vecs)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := New(c, ix, Options{}).Answer(ctx, Request{Question: "When did Mark Rutte take over NATO?"}); err != nil {
			b.Fatal(err)
		}
	}
}

// queryVectors embeds the benchmark questions as trace does.
func queryVectors(b *testing.B, ix *Index, qs []string) [][]float32 {
	b.Helper()
	out := make([][]float32, len(qs))
	for i, q := range qs {
		out[i] = ix.lookup.Embed(q)
	}
	return out
}

// BenchmarkVectorSearch compares chromem-go's exhaustive query with the
// index's own search on the same vectors, k = vectorK, one query per op.
func BenchmarkVectorSearch(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(sizeName(n), func(b *testing.B) {
			e, facts := benchEngine(b, n)
			ix := e.index
			qv := queryVectors(b, ix, benchQuestions(b, facts))
			ctx := context.Background()
			b.Run("chromem", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := ix.lookup.Exhaustive(ctx, qv[i%len(qv)], vectorK); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run("index", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := ix.lookup.Vector(ctx, qv[i%len(qv)], vectorK); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		})
	}
}

// BenchmarkAnswerVsChromem answers questions over a large synthetic archive
// and, in the same run, times chromem-go's exhaustive query over the same
// collection: ratio is the whole answer's median over the query's median.
//
//	go test ./retrieval -run '^$' -bench AnswerVsChromem -benchtime 200x
func BenchmarkAnswerVsChromem(b *testing.B) {
	const n = 100_000
	e, facts := benchEngine(b, n)
	qs := benchQuestions(b, facts)
	qv := queryVectors(b, e.index, qs)
	warmUp(b, e, qs)
	ctx := context.Background()
	var answer, query []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := e.Answer(ctx, Request{Question: qs[i%len(qs)]}); err != nil {
			b.Fatal(err)
		}
		answer = append(answer, time.Since(start))
		start = time.Now()
		if _, err := e.index.lookup.Exhaustive(ctx, qv[i%len(qv)], vectorK); err != nil {
			b.Fatal(err)
		}
		query = append(query, time.Since(start))
		i++
	}
	slices.Sort(answer)
	slices.Sort(query)
	a, q := answer[len(answer)/2], query[len(query)/2]
	b.ReportMetric(float64(a.Nanoseconds())/1e6, "answer-p50-ms")
	b.ReportMetric(float64(q.Nanoseconds())/1e6, "chromem-p50-ms")
	b.ReportMetric(float64(a)/float64(q), "ratio")
}
