package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/handover/handover/bot"
	"github.com/handover/handover/retrieval"
)

// The engine is what the bot answers with; its library is what it looks
// things up in.
var (
	_ bot.Answerer = (*retrieval.Engine)(nil)
	_ bot.Library  = (*retrieval.Library)(nil)
)

// tokenEnv names the only place the bot token may come from.
const tokenEnv = "DISCORD_TOKEN"

func (e env) serveCommand(c *common) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the Discord bot (token from DISCORD_TOKEN)",
		Long: `serve connects to Discord as a bot and answers questions with slash commands,
mentions, replies, direct messages and in listed channels. The token comes only
from the DISCORD_TOKEN environment variable. /healthz and /metrics are served
on server.addr (HANDOVER_SERVER_ADDR).`,
		Example: "  DISCORD_TOKEN=... handover serve --config config.yaml\n  HANDOVER_SERVER_ADDR=0.0.0.0:9090 handover serve",
		Args:    noArgs("serve takes no arguments; configure it with --config"),
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return e.serve(cmd.Context(), *c)
		}),
	}
}

// serve runs the Discord bot until ctx is cancelled (SIGINT or SIGTERM),
// then lets questions in flight finish and returns nil. Health and metrics
// are served on server.addr from the start, so an orchestrator sees the
// bot as unready (503) while the index loads.
func (e env) serve(ctx context.Context, c common) error {
	token := strings.TrimSpace(e.getenv(tokenEnv))
	if token == "" {
		return usagef("serve: %s is not set: put the bot token (developer portal → your application → Bot → Reset Token) in the %s environment variable", tokenEnv, tokenEnv)
	}
	cfg, err := loadConfig(c.config, e.getenv)
	if err != nil {
		return usageError{err}
	}
	logger := newLogger(e.stderr, cfg.Log, slog.LevelDebug)
	metrics := bot.NewMetrics()
	if cfg.Server.Addr != "" {
		stop, err := serveHTTP(logger, cfg.Server.Addr, metrics.Handler())
		if err != nil {
			return err
		}
		defer stop()
	}

	logger.Info("loading articles and building the index")
	s, err := e.load(ctx, c, slog.LevelDebug)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while loading: a clean exit
		}
		return err
	}
	// Build the quote and date indexes now: speaker autocomplete must
	// answer within Discord's 3 seconds, even the first time.
	lib := s.engine.Library()
	logger.Info("index ready", "speakers", len(lib.Speakers()), "articles", len(lib.Sources()))
	metrics.SetIndexLoaded(true)

	d := cfg.Discord
	b, err := bot.New(s.logger, bot.Options{
		Token:             token,
		APIBaseURL:        d.APIBaseURL,
		GuildID:           d.GuildID,
		Channels:          d.Channels,
		RespondToMentions: d.RespondToMentions == nil || *d.RespondToMentions,
		Cooldown:          d.Cooldown,
		MaxConcurrent:     d.MaxConcurrent,
		ShardID:           d.ShardID,
		ShardCount:        d.ShardCount,
		LLM:               s.cfg.LLM.BaseURL != "",
		// A question may wait for the embeddings API and then the model.
		LLMTimeout: s.cfg.LLM.Timeout + s.cfg.Embeddings.Timeout,
		Metrics:    metrics,
	}, s.engine, lib)
	if err != nil {
		return err
	}
	return b.Run(ctx)
}

// serveHTTP serves h on addr until stop is called.
func serveHTTP(logger *slog.Logger, addr string, h http.Handler) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on server.addr %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("health and metrics server stopped", "err", err)
		}
	}()
	logger.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			logger.Warn("stop health and metrics server", "err", err)
		}
		<-done
	}, nil
}
