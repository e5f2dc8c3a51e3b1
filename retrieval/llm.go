package retrieval

import (
	"context"
	"log/slog"
	"time"
)

// LLM is a chat model behind an OpenAI-compatible API.
// (Placeholder to be replaced by the LLM answerer.)
type LLM struct{}

func (e *Engine) answerLLM(ctx context.Context, req Request, q query, cands []candidate, fallback Answer) Answer {
	return fallback
}

// LLMConfig placeholder.
type LLMConfig struct {
	BaseURL, Model, APIKey string
	Timeout                time.Duration
	MaxTokens, MaxRetries  int
	Temperature            *float32
}

// NewLLM placeholder.
func NewLLM(logger *slog.Logger, cfg LLMConfig) (*LLM, error) { return &LLM{}, nil }
