package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/handover/handover/bot"
	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval"
	"github.com/handover/handover/retrieval/search"
)

// version is stamped at link time (-ldflags "-X main.version=v1.2.3"); the
// linker is its only writer. Empty means: ask the build info.
var version string

// versionString is what --version prints: the stamped version, else the
// module version and VCS revision the go command recorded.
func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// usageError is a mistake in how the program was called: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// commandError is an error a subcommand returned, as opposed to one cobra
// found in the arguments, which is a usage error.
type commandError struct{ err error }

func (e commandError) Error() string { return e.err.Error() }
func (e commandError) Unwrap() error { return e.err }

// exitCode reports err on stderr and chooses the exit status: 0 for
// success, 2 for usage errors and bad questions, 1 otherwise. Credentials
// in URLs are redacted from the message.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "handover:", bot.RedactURLs(err.Error()))
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

// common holds the flags every command takes.
type common struct {
	config string
	corpus string
}

// run is the whole program, with its surroundings passed in so tests can
// drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	root := e.rootCommand()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return nil
	}
	var ce commandError
	if errors.As(err, &ce) {
		return ce.err
	}
	var ue usageError
	if errors.As(err, &ue) {
		return err // the root command's own, already with its hint
	}
	// Cobra's own errors: an unknown command or flag, a missing value.
	return usageError{fmt.Errorf("%w (see handover --help)", err)}
}

// rootCommand builds the command tree anew for each run: no flag or
// command state outlives it.
func (e env) rootCommand() *cobra.Command {
	var c common
	root := &cobra.Command{
		Use:   "handover",
		Short: "Answer questions about the NATO handover articles",
		Long: `handover answers questions about a set of news articles, citing the articles
each answer comes from, on the command line and as a Discord bot.`,
		Example: `  handover ask "Who succeeded Jens Stoltenberg?"
  echo "When did Rutte take office?" | handover ask
  handover quotes --speaker rutte --topic trump
  handover dates --topic crimea
  DISCORD_TOKEN=... handover serve --config config.yaml`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// No subcommand: print the help, and fail so scripts notice.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q (see handover --help)", args[0])
			}
			cmd.SetOut(e.stderr)
			_ = cmd.Help()
			return commandError{usagef("no command given")}
		},
		Args: cobra.ArbitraryArgs,
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetVersionTemplate("handover {{.Version}}\n")
	root.PersistentFlags().StringVar(&c.config, "config", "", "YAML configuration file (see config.example.yaml)")
	root.PersistentFlags().StringVar(&c.corpus, "corpus", "", "folder of extra .txt and .md articles, subfolders included")
	root.AddCommand(
		e.askCommand(&c),
		e.sourcesCommand(&c),
		e.quotesCommand(&c),
		e.datesCommand(&c),
		e.serveCommand(&c),
		e.healthcheckCommand(&c),
	)
	completionShells(root)
	return root
}

// completionShells makes cobra's completion command fail, as a usage
// error, without a shell or with one it cannot write for: having no Run of
// its own, it printed its help and exited 0, which a script installing
// "handover completion tcsh" would take for success.
func completionShells(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, cmd := range root.Commands() {
		if cmd.Name() != "completion" {
			continue
		}
		var shells []string
		for _, sub := range cmd.Commands() {
			shells = append(shells, sub.Name())
		}
		list := strings.Join(shells, ", ")
		cmd.Use = "completion SHELL"
		cmd.Args = cobra.ArbitraryArgs
		cmd.RunE = func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("completion needs a shell: handover completion SHELL, one of %s", list)
			}
			return usagef("completion: no script for shell %q; the shells are %s", args[0], list)
		}
	}
}

// runE adapts a subcommand's function so that its errors are told apart
// from cobra's (which are usage errors).
func runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := f(cmd, args); err != nil {
			return commandError{err}
		}
		return nil
	}
}

// setup is the configuration, the articles and the engine over their
// index: what answering needs (the library commands need only the
// articles, see loadLibrary).
type setup struct {
	cfg    config
	logger *slog.Logger
	corpus *corpus.Corpus
	engine *retrieval.Engine
}

// loadCorpus loads the configuration and the articles, which is all the
// quote and date commands and completion need.
func (e env) loadCorpus(c common, level slog.Level) (config, *slog.Logger, *corpus.Corpus, error) {
	cfg, err := loadConfig(c.config, e.getenv)
	if err != nil {
		return cfg, nil, nil, usageError{err}
	}
	if c.corpus != "" {
		cfg.Corpus.Dir = c.corpus
	}
	logger := newLogger(e.stderr, cfg.Log, level)
	fsyss := []fs.FS{corpus.Default()}
	if cfg.Corpus.Dir != "" {
		info, err := os.Stat(cfg.Corpus.Dir)
		if err != nil || !info.IsDir() {
			return cfg, nil, nil, usagef("corpus folder %q: not a readable folder", cfg.Corpus.Dir)
		}
		root, err := os.OpenRoot(cfg.Corpus.Dir)
		if err != nil {
			return cfg, nil, nil, usagef("corpus folder %q: %v", cfg.Corpus.Dir, err)
		}
		defer root.Close()
		fsyss = append(fsyss, root.FS())
	}
	// Warnings are for a person at a terminal unless logs are JSON, where
	// a collector expects one object a line.
	warn := func(file string, err error) {
		if file == "." {
			fmt.Fprintf(e.stderr, "warning: %s: %v\n", cfg.Corpus.Dir, err)
			return
		}
		fmt.Fprintf(e.stderr, "warning: %s skipped: %v\n", filepath.ToSlash(filepath.Join(cfg.Corpus.Dir, file)), err)
	}
	// A file loaded with something left out (metadata keys not read,
	// control characters) is named without "skipped": it is there.
	note := func(file string, err error) {
		fmt.Fprintf(e.stderr, "warning: %s: %v\n", filepath.ToSlash(filepath.Join(cfg.Corpus.Dir, file)), err)
	}
	if cfg.Log.Format == "json" {
		warn = func(file string, err error) {
			logger.Warn("article skipped", "file", filepath.ToSlash(filepath.Join(cfg.Corpus.Dir, file)), "err", err)
		}
		note = func(file string, err error) {
			logger.Warn("article loaded with changes", "file", filepath.ToSlash(filepath.Join(cfg.Corpus.Dir, file)), "err", err)
		}
	}
	corp, err := corpus.LoadWith(corpus.LoadOptions{Warn: warn, Note: note}, fsyss...)
	if err != nil {
		return cfg, nil, nil, err
	}
	return cfg, logger, corp, nil
}

// loadLibrary loads the articles for the source, quote and date commands,
// which need no search index.
func (e env) loadLibrary(c common, level slog.Level) (*retrieval.Library, error) {
	_, _, corp, err := e.loadCorpus(c, level)
	if err != nil {
		return nil, err
	}
	return retrieval.NewLibrary(corp, nil), nil
}

func (e env) load(ctx context.Context, c common, level slog.Level) (*setup, error) {
	cfg, logger, corp, err := e.loadCorpus(c, level)
	if err != nil {
		return nil, err
	}
	vecs, err := search.DefaultVectors()
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
			// NewLLM checks only the configuration, so its error is a
			// config error: exit 2, as validate's are.
			return nil, usageError{err}
		}
		opts.LLM = llm
	}
	return &setup{cfg: cfg, logger: logger, corpus: corp, engine: retrieval.New(corp, ix, opts)}, nil
}

func newLogger(w io.Writer, cfg logConfig, min slog.Level) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(cfg.Level))); err != nil {
		level = slog.LevelInfo
	}
	if min > level {
		level = min
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
