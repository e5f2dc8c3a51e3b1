package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/handover/handover/retrieval"
)

func (e env) ask(ctx context.Context, args []string) error {
	var c common
	fs := newFlagSet("ask", &c)
	asJSON := fs.Bool("json", false, "print JSON: one object, or one per line of stdin")
	noLLM := fs.Bool("no-llm", false, "answer extractively even when a model is configured")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("ask takes one question; quote it: handover ask \"who succeeded Stoltenberg?\"")
	}
	if len(pos) == 0 && !*asJSON {
		return usagef("ask needs a question: handover ask \"who succeeded Stoltenberg?\"")
	}
	if len(pos) == 1 {
		// Reject a bad question before paying for the index.
		if _, err := retrieval.CheckQuestion(pos[0]); err != nil {
			return err
		}
	}
	s, err := e.load(ctx, c, slog.LevelWarn)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return e.askLines(ctx, s.engine, *noLLM)
	}
	req := retrieval.Request{Question: pos[0], NoLLM: *noLLM}
	if *asJSON {
		a, err := s.engine.Answer(ctx, req)
		if err != nil {
			return err
		}
		return json.NewEncoder(e.stdout).Encode(a)
	}
	streamed := ""
	req.OnPartial = func(text string) {
		if strings.HasPrefix(text, streamed) {
			fmt.Fprint(e.stdout, text[len(streamed):])
			streamed = text
		}
	}
	a, err := s.engine.Answer(ctx, req)
	if err != nil {
		return err
	}
	if streamed != "" {
		if a.Text == streamed {
			fmt.Fprint(e.stdout, "\n")
			a.Text = ""
		} else {
			fmt.Fprint(e.stdout, "\n\n(checked answer)\n")
		}
	}
	writeAnswer(e.stdout, a)
	return nil
}

// askLines answers one question per line of stdin, one JSON object per
// line of stdout, building the index once. A bad line gets an object with
// an "error" and the rest go on.
func (e env) askLines(ctx context.Context, eng *retrieval.Engine, noLLM bool) error {
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	enc := json.NewEncoder(e.stdout)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		a, err := eng.Answer(ctx, retrieval.Request{Question: line, NoLLM: noLLM})
		if err != nil {
			if retrieval.IsBadQuestion(err) {
				if err := enc.Encode(map[string]string{"question": line, "error": err.Error()}); err != nil {
					return err
				}
				continue
			}
			return err
		}
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

// writeAnswer prints an answer and its numbered sources for a person.
func writeAnswer(w io.Writer, a retrieval.Answer) {
	if a.Text != "" {
		fmt.Fprintln(w, a.Text)
	}
	if a.Note != "" {
		fmt.Fprintf(w, "\n(%s)\n", a.Note)
	}
	if len(a.Citations) == 0 {
		return
	}
	fmt.Fprintln(w, "\nSources:")
	for _, c := range a.Citations {
		fmt.Fprintf(w, "[%d] %s\n", c.N, sourceLine(c.Title, c.Publisher, c.Date, c.Kind))
		fmt.Fprintf(w, "    “%s”\n", c.Text)
	}
}

func sourceLine(title, publisher, date, kind string) string {
	s := title
	var meta []string
	if publisher != "" {
		meta = append(meta, publisher)
	}
	if date != "" {
		meta = append(meta, date)
	}
	if len(meta) > 0 {
		s += " — " + strings.Join(meta, ", ")
	}
	if kind == "comment" {
		s += " (viewer comment)"
	}
	return s
}

func (e env) sources(ctx context.Context, args []string) error {
	var c common
	fs := newFlagSet("sources", &c)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("sources takes no arguments")
	}
	s, err := e.load(ctx, c, slog.LevelWarn)
	if err != nil {
		return err
	}
	srcs := s.engine.Sources()
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(srcs)
	}
	for _, src := range srcs {
		date := src.Date
		if date == "" {
			date = "date unknown"
		}
		pub := src.Publisher
		if pub == "" {
			pub = "publisher unknown"
		}
		fmt.Fprintf(e.stdout, "%s\n  %s\n  %s, %s; %d passages", src.Doc, src.Title, pub, date, src.Passages)
		if src.Comments > 0 {
			fmt.Fprintf(e.stdout, ", %d reader-comment sentences", src.Comments)
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}
