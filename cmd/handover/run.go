package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval"
)

const usage = `handover answers questions about the NATO handover articles.

Usage:
  handover ask [--json] [--no-llm] "question"   answer one question (--json with no
                                                question reads one per line from stdin)
  handover sources                              list the loaded articles
  handover quotes [--speaker NAME] [--topic WORDS] [--json]
  handover dates [--topic WORDS] [--json]
  handover serve                                run the Discord bot (token from DISCORD_TOKEN)

Every command takes --config PATH (YAML, see config.example.yaml) and
--corpus DIR (a folder of extra .txt and .md articles).
`

// usageError is a mistake in how the program was called: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// exitCode reports err on stderr and chooses the exit status: 0 for
// success, 2 for usage errors and bad questions, 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "handover:", err)
	var ue usageError
	if errors.As(err, &ue) || retrieval.IsBadQuestion(err) {
		return 2
	}
	return 1
}

// env is what every command gets: the program's surroundings.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// run is the whole program, with its surroundings passed in so tests can
// drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "ask":
		return e.ask(ctx, rest)
	case "sources":
		return e.sources(ctx, rest)
	case "quotes":
		return e.quotes(ctx, rest)
	case "dates":
		return e.dates(ctx, rest)
	case "serve":
		return e.serve(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usagef("unknown command %q", cmd)
	}
}

// common holds the flags every command takes.
type common struct {
	config string
	corpus string
}

func newFlagSet(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.config, "config", "", "YAML configuration file")
	fs.StringVar(&c.corpus, "corpus", "", "folder of extra .txt and .md articles")
	return fs
}

// parseFlags parses flags wherever they stand among the arguments, so
// `ask "question" --json` works as well as `ask --json "question"`.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{fmt.Errorf("%s: %w", fs.Name(), err)}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// setup loads the configuration, the articles and the index: what every
// command needs.
type setup struct {
	cfg    config
	logger *slog.Logger
	corpus *corpus.Corpus
	engine *retrieval.Engine
}

func (e env) load(ctx context.Context, c common, level slog.Level) (*setup, error) {
	cfg, err := loadConfig(c.config)
	if err != nil {
		return nil, usageError{err}
	}
	if c.corpus != "" {
		cfg.Corpus.Dir = c.corpus
	}
	logger := newLogger(e.stderr, cfg.Log, level)
	fsyss := []fs.FS{corpus.Default()}
	if cfg.Corpus.Dir != "" {
		info, err := os.Stat(cfg.Corpus.Dir)
		if err != nil || !info.IsDir() {
			return nil, usagef("corpus folder %q: not a readable folder", cfg.Corpus.Dir)
		}
		fsyss = append(fsyss, os.DirFS(cfg.Corpus.Dir))
	}
	corp, err := corpus.Load(logger, fsyss...)
	if err != nil {
		return nil, err
	}
	vecs, err := retrieval.DefaultVectors()
	if err != nil {
		return nil, fmt.Errorf("load word vectors: %w", err)
	}
	ix, err := retrieval.BuildIndex(ctx, corp, vecs)
	if err != nil {
		return nil, err
	}
	if cfg.Embeddings.BaseURL != "" {
		err := ix.AttachRemote(ctx, logger, retrieval.RemoteConfig{
			BaseURL: cfg.Embeddings.BaseURL,
			Model:   cfg.Embeddings.Model,
			APIKey:  e.getenv("OPENAI_API_KEY"),
			Timeout: cfg.Embeddings.Timeout,
			Path:    cfg.Index.Path,
		})
		if err != nil {
			logger.Warn("embeddings API unavailable; answering with the local embedder", "err", err)
		}
	}
	opts := retrieval.Options{}
	if cfg.LLM.BaseURL != "" {
		llm, err := retrieval.NewLLM(logger, retrieval.LLMConfig{
			BaseURL:     cfg.LLM.BaseURL,
			Model:       cfg.LLM.Model,
			APIKey:      e.getenv("OPENAI_API_KEY"),
			Timeout:     cfg.LLM.Timeout,
			MaxTokens:   cfg.LLM.MaxTokens,
			Temperature: cfg.LLM.Temperature,
			MaxRetries:  cfg.LLM.MaxRetries,
		})
		if err != nil {
			return nil, err
		}
		opts.LLM = llm
	}
	return &setup{cfg: cfg, logger: logger, corpus: corp, engine: retrieval.New(logger, corp, ix, opts)}, nil
}

func newLogger(w io.Writer, cfg logConfig, min slog.Level) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(cfg.Level))); err != nil {
		level = slog.LevelInfo
	}
	if min > level {
		level = min
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
