package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// config is the YAML configuration file. config.example.yaml documents
// every key; each package gets its own options struct built from this one.
type config struct {
	Corpus     corpusConfig     `yaml:"corpus"`
	Index      indexConfig      `yaml:"index"`
	Embeddings embeddingsConfig `yaml:"embeddings"`
	LLM        llmConfig        `yaml:"llm"`
	Discord    discordConfig    `yaml:"discord"`
	Server     serverConfig     `yaml:"server"`
	Log        logConfig        `yaml:"log"`
}

type corpusConfig struct {
	Dir string `yaml:"dir"`
}

type indexConfig struct {
	Path string `yaml:"path"`
}

type embeddingsConfig struct {
	BaseURL string        `yaml:"base_url"`
	Model   string        `yaml:"model"`
	Timeout time.Duration `yaml:"timeout"`
}

type llmConfig struct {
	BaseURL     string        `yaml:"base_url"`
	Model       string        `yaml:"model"`
	Timeout     time.Duration `yaml:"timeout"`
	MaxTokens   int           `yaml:"max_tokens"`
	Temperature *float32      `yaml:"temperature"`
	MaxRetries  int           `yaml:"max_retries"`
}

type discordConfig struct {
	APIBaseURL        string        `yaml:"api_base_url"`
	GuildID           string        `yaml:"guild_id"`
	Channels          []string      `yaml:"channels"`
	RespondToMentions *bool         `yaml:"respond_to_mentions"`
	Cooldown          time.Duration `yaml:"cooldown"`
	MaxConcurrent     int           `yaml:"max_concurrent"`
	ShardID           int           `yaml:"shard_id"`
	ShardCount        int           `yaml:"shard_count"`
}

type serverConfig struct {
	Addr string `yaml:"addr"`
}

type logConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

func defaultConfig() config {
	yes := true
	return config{
		Embeddings: embeddingsConfig{Timeout: 10 * time.Second},
		LLM:        llmConfig{Timeout: 30 * time.Second, MaxTokens: 512, MaxRetries: 2},
		Discord: discordConfig{
			APIBaseURL:        "https://discord.com",
			RespondToMentions: &yes,
			Cooldown:          5 * time.Second,
			MaxConcurrent:     4,
			ShardCount:        1,
		},
		Server: serverConfig{Addr: "127.0.0.1:9090"},
		Log:    logConfig{Level: "info", Format: "text"},
	}
}

// loadConfig reads path over the defaults. Unknown keys are errors naming
// the key and its line; every problem in the file is reported at once.
func loadConfig(path string) (config, error) {
	cfg := defaultConfig()
	if path == "" {
		return cfg, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("read config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file (io.EOF) means all defaults. Unknown keys and wrong
	// types are reported together with the values that fail validation.
	var problems []string
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return cfg, fmt.Errorf("config %s: %w", path, err) // not YAML at all
		}
		problems = append(problems, te.Errors...)
	}
	if err := cfg.validate(); err != nil {
		problems = append(problems, strings.Split(err.Error(), "\n")...)
	}
	if len(problems) > 0 {
		return cfg, fmt.Errorf("config %s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return cfg, nil
}

// validate reports every problem at once.
func (c config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	checkURL := func(key, v string) {
		if v == "" {
			return
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("%s: %q is not an http(s) URL", key, v)
		}
	}
	checkURL("embeddings.base_url", c.Embeddings.BaseURL)
	checkURL("llm.base_url", c.LLM.BaseURL)
	checkURL("discord.api_base_url", c.Discord.APIBaseURL)
	if c.Embeddings.BaseURL != "" && c.Embeddings.Model == "" {
		bad("embeddings.model: required when embeddings.base_url is set")
	}
	if c.LLM.BaseURL != "" && c.LLM.Model == "" {
		bad("llm.model: required when llm.base_url is set")
	}
	if c.Embeddings.Timeout <= 0 {
		bad("embeddings.timeout: must be positive, got %s", c.Embeddings.Timeout)
	}
	if c.LLM.Timeout <= 0 {
		bad("llm.timeout: must be positive, got %s", c.LLM.Timeout)
	}
	// A Discord interaction token lasts 15 minutes; queueing, the answer
	// and its delivery must fit in it.
	if total := c.LLM.Timeout + c.Embeddings.Timeout; total > 8*time.Minute {
		bad("llm.timeout + embeddings.timeout: must be at most 8m, got %s", total)
	}
	if c.LLM.MaxTokens < 0 {
		bad("llm.max_tokens: must not be negative, got %d", c.LLM.MaxTokens)
	}
	if c.LLM.MaxRetries < 0 || c.LLM.MaxRetries > 10 {
		bad("llm.max_retries: must be between 0 and 10, got %d", c.LLM.MaxRetries)
	}
	if t := c.LLM.Temperature; t != nil && (*t < 0 || *t > 2) {
		bad("llm.temperature: must be between 0 and 2, got %g", *t)
	}
	for i, ch := range append([]string{c.Discord.GuildID}, c.Discord.Channels...) {
		if ch != "" && !isSnowflake(ch) {
			key := "discord.guild_id"
			if i > 0 {
				key = fmt.Sprintf("discord.channels[%d]", i-1)
			}
			bad("%s: %q is not a Discord ID (digits only)", key, ch)
		}
	}
	if c.Discord.Cooldown < 0 {
		bad("discord.cooldown: must not be negative, got %s", c.Discord.Cooldown)
	}
	if c.Discord.MaxConcurrent < 1 || c.Discord.MaxConcurrent > 1024 {
		bad("discord.max_concurrent: must be between 1 and 1024, got %d", c.Discord.MaxConcurrent)
	}
	if c.LLM.MaxTokens > 1<<20 {
		bad("llm.max_tokens: must be at most %d, got %d", 1<<20, c.LLM.MaxTokens)
	}
	if c.Discord.ShardCount < 1 {
		bad("discord.shard_count: must be at least 1, got %d", c.Discord.ShardCount)
	} else if c.Discord.ShardID < 0 || c.Discord.ShardID >= c.Discord.ShardCount {
		bad("discord.shard_id: must be in [0, shard_count), got %d with shard_count %d", c.Discord.ShardID, c.Discord.ShardCount)
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level: must be debug, info, warn or error, got %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format: must be text or json, got %q", c.Log.Format)
	}
	return errors.Join(errs...)
}

func isSnowflake(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
