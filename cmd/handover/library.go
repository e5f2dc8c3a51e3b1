package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/handover/handover/retrieval"
)

// quoteJSON is the shape `handover quotes --json` promises.
type quoteJSON struct {
	Speaker string   `json:"speaker"`
	Text    string   `json:"text"`
	Context string   `json:"context"`
	Doc     string   `json:"doc"`
	Docs    []string `json:"docs"`
}

// eventJSON is the shape `handover dates --json` promises.
type eventJSON struct {
	Date      string   `json:"date"`
	Precision string   `json:"precision"`
	Text      string   `json:"text"`
	Comment   bool     `json:"comment,omitempty"`
	Docs      []string `json:"docs"`
}

func docsOf(cs []retrieval.Citation) []string {
	docs := []string{}
	for _, c := range cs {
		docs = append(docs, c.Doc)
	}
	return docs
}

func (e env) quotes(ctx context.Context, args []string) error {
	var c common
	fs := newFlagSet("quotes", &c)
	speaker := fs.String("speaker", "", "only this speaker (full name or surname)")
	topic := fs.String("topic", "", "only quotes whose sentence has all these words")
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("quotes takes no arguments; use --speaker and --topic")
	}
	s, err := e.load(ctx, c, slog.LevelWarn)
	if err != nil {
		return err
	}
	qs := s.engine.Quotes(*speaker, *topic)
	if *asJSON {
		out := []quoteJSON{}
		for _, q := range qs {
			docs := docsOf(q.Sources)
			out = append(out, quoteJSON{Speaker: q.Speaker, Text: q.Text, Context: q.Context, Doc: docs[0], Docs: docs})
		}
		return json.NewEncoder(e.stdout).Encode(out)
	}
	if len(qs) == 0 {
		fmt.Fprintln(e.stdout, "No quotes match.")
		return nil
	}
	for _, q := range qs {
		who := q.Speaker
		if who == "" {
			who = "(unattributed)"
		}
		fmt.Fprintf(e.stdout, "%s: “%s”\n", who, q.Text)
		for _, src := range q.Sources {
			fmt.Fprintf(e.stdout, "    — %s\n", sourceLine(src.Title, src.Publisher, src.Date, src.Kind))
		}
	}
	return nil
}

func (e env) dates(ctx context.Context, args []string) error {
	var c common
	fs := newFlagSet("dates", &c)
	topic := fs.String("topic", "", "only events whose sentence has all these words")
	asJSON := fs.Bool("json", false, "print a JSON array")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("dates takes no arguments; use --topic")
	}
	s, err := e.load(ctx, c, slog.LevelWarn)
	if err != nil {
		return err
	}
	evs := s.engine.Timeline(*topic)
	if *asJSON {
		out := []eventJSON{}
		for _, ev := range evs {
			out = append(out, eventJSON{Date: ev.Date, Precision: ev.Precision, Text: ev.Text, Comment: ev.Comment, Docs: docsOf(ev.Sources)})
		}
		return json.NewEncoder(e.stdout).Encode(out)
	}
	if len(evs) == 0 {
		fmt.Fprintln(e.stdout, "No dated events match.")
		return nil
	}
	for _, ev := range evs {
		label := ""
		if ev.Comment {
			label = " (viewer comment)"
		}
		fmt.Fprintf(e.stdout, "%-10s  %s%s [%d source(s)]\n", ev.Date, ev.Text, label, len(ev.Sources))
	}
	return nil
}
