package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

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
	Also      []string `json:"also,omitempty"`
	Text      string   `json:"text"`
	Comment   bool     `json:"comment,omitempty"`
	Docs      []string `json:"docs"`
	Titles    []string `json:"titles"`
}

func docsOf(cs []retrieval.Citation) []string {
	docs := []string{}
	for _, c := range cs {
		docs = append(docs, c.Doc)
	}
	return docs
}

func (e env) sourcesCommand(c *common) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "sources",
		Short:   "List the loaded articles",
		Example: "  handover sources\n  handover sources --corpus ./extra --json",
		Args:    noArgs("sources takes no arguments"),
		RunE: runE(func(_ *cobra.Command, _ []string) error {
			lib, err := e.loadLibrary(*c, slog.LevelWarn)
			if err != nil {
				return err
			}
			srcs := lib.Sources()
			if asJSON {
				return json.NewEncoder(e.stdout).Encode(srcs)
			}
			for _, src := range srcs {
				var meta []string
				for _, m := range []string{src.Publisher, src.Date} {
					if m != "" {
						meta = append(meta, m)
					}
				}
				meta = append(meta, fmt.Sprintf("%d passages", src.Passages))
				if src.Comments > 0 {
					meta = append(meta, fmt.Sprintf("%d reader-comment sentences", src.Comments))
				}
				fmt.Fprintf(e.stdout, "%s\n  %s\n  %s\n", src.Doc, src.Title, strings.Join(meta, "; "))
				if src.URL != "" {
					fmt.Fprintf(e.stdout, "  %s\n", src.URL)
				}
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// noArgs rejects positional arguments with a message saying what to do.
func noArgs(msg string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usagef("%s (got %q)", msg, args[0])
		}
		return nil
	}
}

func (e env) quotesCommand(c *common) *cobra.Command {
	var speaker, topic string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "quotes",
		Short: "Verbatim quotes by speaker and topic",
		Long: `quotes lists what people said, quoted verbatim from the first article it names; the
other articles it names carry the same quotation, perhaps a word added, dropped or
inflected ("enhance"/"enhancing cooperation").
--speaker takes a full name, a surname or the start of any part of a name
("rutte", "Mr. Rutte", "jens"); when nobody matches, the known speakers are listed.`,
		Example: "  handover quotes --speaker rutte --topic trump\n  handover quotes --speaker jens --json",
		Args:    noArgs("quotes takes no arguments; use --speaker and --topic"),
		RunE: runE(func(_ *cobra.Command, _ []string) error {
			lib, err := e.loadLibrary(*c, slog.LevelWarn)
			if err != nil {
				return err
			}
			if speaker != "" && len(retrieval.MatchSpeakers(lib.Speakers(), speaker)) == 0 {
				fmt.Fprintf(e.stderr, "No speaker matches %q. Known speakers: %s.\n", speaker, strings.Join(lib.Speakers(), ", "))
				if asJSON {
					fmt.Fprintln(e.stdout, "[]")
				}
				return nil
			}
			qs := lib.Quotes(speaker, topic)
			if asJSON {
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
		}),
	}
	cmd.Flags().StringVar(&speaker, "speaker", "", "only this speaker (full name, surname or the start of a name)")
	cmd.Flags().StringVar(&topic, "topic", "", "only quotes whose sentence has all these words")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	_ = cmd.RegisterFlagCompletionFunc("speaker", func(_ *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
		lib, err := e.loadLibrary(*c, slog.LevelError)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return retrieval.MatchSpeakers(lib.Speakers(), typed), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func (e env) datesCommand(c *common) *cobra.Command {
	var topic string
	var asJSON, comments bool
	cmd := &cobra.Command{
		Use:   "dates",
		Short: "The timeline of dated events",
		Long: `dates lists the dated events the articles report, one row per event with every
article that tells it. Reader comments are anonymous opinions and are left out
unless --comments asks for them.`,
		Example: "  handover dates\n  handover dates --topic crimea\n  handover dates --comments --json",
		Args:    noArgs("dates takes no arguments; use --topic"),
		RunE: runE(func(_ *cobra.Command, _ []string) error {
			lib, err := e.loadLibrary(*c, slog.LevelWarn)
			if err != nil {
				return err
			}
			var evs []retrieval.Event
			left := 0 // reader comments' events left out
			for _, ev := range lib.Timeline(topic) {
				if !ev.Comment || comments {
					evs = append(evs, ev)
				} else {
					left++
				}
			}
			if asJSON {
				out := []eventJSON{}
				for _, ev := range evs {
					var titles []string
					for _, src := range ev.Sources {
						titles = append(titles, src.Title)
					}
					out = append(out, eventJSON{Date: ev.Date, Precision: ev.Precision, Also: ev.Also, Text: ev.Text, Comment: ev.Comment, Docs: docsOf(ev.Sources), Titles: titles})
				}
				return json.NewEncoder(e.stdout).Encode(out)
			}
			switch {
			case len(evs) == 0 && left > 0:
				fmt.Fprintf(e.stdout, "No dated events in the articles' reporting match; reader comments give %d (add --comments).\n", left)
				return nil
			case len(evs) == 0:
				fmt.Fprintln(e.stdout, "No dated events match.")
				return nil
			}
			for i, ev := range evs {
				if i > 0 {
					fmt.Fprintln(e.stdout)
				}
				label := ""
				if ev.Comment {
					label = " (viewer comment, not reporting)"
				}
				also := ""
				if len(ev.Also) > 0 {
					also = " (also mentions " + strings.Join(ev.Also, ", ") + ")"
				}
				fmt.Fprintf(e.stdout, "%-10s  %s%s%s\n", ev.Date, ev.Text, label, also)
				for _, src := range ev.Sources {
					fmt.Fprintf(e.stdout, "            — %s\n", sourceLine(src.Title, src.Publisher, src.Date, ""))
				}
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&topic, "topic", "", "only events whose sentence has all these words")
	cmd.Flags().BoolVar(&comments, "comments", false, "include dates from reader comments (labelled)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}
