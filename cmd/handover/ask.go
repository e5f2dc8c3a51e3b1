package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/handover/handover/retrieval"
)

const askExample = `  handover ask "Who succeeded Jens Stoltenberg?"
  handover ask --json "Where was the handover ceremony?"
  echo "When did Rutte take office?" | handover ask
  handover ask --json < questions.txt      # one JSON object per line
  handover ask --no-llm --config llm.yaml "Why does Rutte want more defense spending?"`

func (e env) askCommand(c *common) *cobra.Command {
	var asJSON, noLLM bool
	cmd := &cobra.Command{
		Use:   "ask [question]",
		Short: "Answer a question, citing the articles",
		Long: `ask answers one question with sentences from the articles and numbered sources.
With no question, it reads one question per line from standard input and
answers each in turn. Blank lines are skipped. A line that cannot be asked
(too long, or holding text that can't be read) is reported for that line
alone, on standard error or, with --json, as an object with an "error" key;
the rest are answered, and ask then exits with status 2. Input with no
question at all is a usage error.`,
		Example: askExample,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				if isTerminal(e.stdin) {
					return usagef("ask needs a question: handover ask \"who succeeded Stoltenberg?\", or one per line on standard input")
				}
				s, err := e.load(cmd.Context(), *c, slog.LevelWarn)
				if err != nil {
					return err
				}
				return e.askLines(cmd.Context(), s.engine, asJSON, noLLM)
			}
			// Reject a bad question before paying for the index.
			if _, err := retrieval.CheckQuestion(args[0]); err != nil {
				return questionError(args[0], err)
			}
			s, err := e.load(cmd.Context(), *c, slog.LevelWarn)
			if err != nil {
				return err
			}
			return e.askOne(cmd.Context(), s.engine, args[0], asJSON, noLLM)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: one object per question")
	cmd.Flags().BoolVar(&noLLM, "no-llm", false, "answer extractively even when a model is configured")
	// A second word is almost always an unquoted question.
	cmd.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) > 1 {
			return usagef("ask takes one question; quote it: handover ask \"who succeeded Stoltenberg?\"")
		}
		return nil
	}
	return cmd
}

// unreadableError is retrieval.ErrInvalidQuestion for text that is valid
// UTF-8 but holds a character retrieval refuses (a NUL): "not valid UTF-8"
// would send the asker looking for an encoding problem.
type unreadableError struct{ err error }

func (e unreadableError) Error() string {
	return "the question contains characters that can't be read (control characters)"
}
func (e unreadableError) Unwrap() error { return e.err }

// questionError words err, from asking q, for the person who typed q.
func questionError(q string, err error) error {
	if errors.Is(err, retrieval.ErrInvalidQuestion) && utf8.ValidString(q) {
		return unreadableError{err}
	}
	return err
}

// terminal is a reader or writer that knows whether it is an interactive
// terminal: a test's fake stands in for one.
type terminal interface{ IsTerminal() bool }

// isTerminal reports whether f, the program's stdin or stdout, is an
// interactive terminal: where waiting for lines would look like a hang,
// and where a streamed answer can be read as it comes.
func isTerminal(f any) bool {
	if t, ok := f.(terminal); ok {
		return t.IsTerminal()
	}
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	info, err := file.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func (e env) askOne(ctx context.Context, eng *retrieval.Engine, question string, asJSON, noLLM bool) error {
	req := retrieval.Request{Question: question, NoLLM: noLLM}
	if asJSON || !isTerminal(e.stdout) {
		// Only a person at a terminal gains from seeing the model's text
		// as it comes; a file or a pipe gets the checked answer alone,
		// never a fragment of one the model did not finish.
		a, err := eng.Answer(ctx, req)
		if err != nil {
			return err
		}
		if asJSON {
			return json.NewEncoder(e.stdout).Encode(a)
		}
		writeAnswer(e.stdout, a)
		return nil
	}
	streamed := ""
	req.OnPartial = func(text string) {
		if strings.HasPrefix(text, streamed) {
			fmt.Fprint(e.stdout, text[len(streamed):])
			streamed = text
		}
	}
	a, err := eng.Answer(ctx, req)
	if err != nil {
		return err
	}
	if streamed != "" {
		if a.Text == streamed {
			fmt.Fprint(e.stdout, "\n")
			a.Text = ""
		} else {
			fmt.Fprintf(e.stdout, "\n\n(%s)\n", restatedLabel(a))
		}
	}
	writeAnswer(e.stdout, a)
	return nil
}

// restatedLabel heads the answer printed under a streamed one that it
// differs from: the reader has already seen the model's text and must be
// told which of the two to trust.
func restatedLabel(a retrieval.Answer) string {
	switch {
	case a.Mode != retrieval.ModeLLM:
		// The stream broke off or the reply could not be used: what
		// follows is the extractive answer, whatever the fragment said.
		return "the model's answer could not be used; answer from the articles"
	case a.Unverified:
		return "the model's answer, which cites none of the articles"
	}
	return "checked answer"
}

// maxLineBytes is the longest line read whole: a question of
// retrieval.MaxQuestionLen characters takes at most 4 bytes each. A longer
// line is too long whatever it holds, and the rest of it is skipped
// without being kept in memory.
const maxLineBytes = 4*retrieval.MaxQuestionLen + 2

// errLineTooLong reports a line longer than any question can be.
var errLineTooLong = fmt.Errorf("line too long: %w", retrieval.ErrQuestionTooLong)

// readLine returns the next line without its newline, or errLineTooLong
// (having skipped the line) when it is longer than maxLineBytes.
func readLine(r *bufio.Reader) (string, error) {
	var buf []byte
	long := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !long {
			buf = append(buf, chunk...)
			if len(buf) > maxLineBytes {
				long, buf = true, nil
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(chunk) == 0 && len(buf) == 0 && !long:
			return "", io.EOF
		case err != nil && err != io.EOF:
			return "", err
		}
		if long {
			return "", errLineTooLong
		}
		return string(bytes.TrimRight(buf, "\r\n")), nil
	}
}

// askLines answers one question per line of stdin, building the index
// once: one JSON object per line with --json, else each answer under its
// question. Blank lines are skipped. A bad line is reported for that line
// alone (an object with an "error" in JSON) and the rest go on; the
// returned error then counts them, so that a script sees the failure.
func (e env) askLines(ctx context.Context, eng *retrieval.Engine, asJSON, noLLM bool) error {
	r := bufio.NewReaderSize(e.stdin, 64*1024)
	enc := json.NewEncoder(e.stdout)
	first := true
	asked, failed := 0, 0
	var firstErr error
	for n := 1; ; n++ {
		line, err := readLine(r)
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, errLineTooLong) {
			return fmt.Errorf("read questions: %w", err)
		}
		if err == nil && strings.TrimSpace(line) == "" {
			continue
		}
		asked++
		var a retrieval.Answer
		if err == nil {
			a, err = eng.Answer(ctx, retrieval.Request{Question: line, NoLLM: noLLM})
		}
		if err != nil && !retrieval.IsBadQuestion(err) {
			return err
		}
		if err != nil {
			err = questionError(line, err)
			failed++
			if firstErr == nil {
				firstErr = fmt.Errorf("line %d: %w", n, err)
			}
		}
		if asJSON {
			var v any = a
			if err != nil {
				v = lineError{Line: n, Question: shorten(line, 80), Error: err.Error()}
			}
			if err := enc.Encode(v); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "handover: line %d: %v\n", n, err)
			continue
		}
		if !first {
			fmt.Fprintln(e.stdout)
		}
		first = false
		fmt.Fprintf(e.stdout, "Q: %s\n", strings.TrimSpace(line))
		writeAnswer(e.stdout, a)
	}
	switch {
	case asked == 0:
		return usagef("ask needs a question: handover ask \"who succeeded Stoltenberg?\", or one per line on standard input")
	case failed > 0:
		// Wraps a bad-question error: the exit status is 2.
		return fmt.Errorf("%d of %d questions could not be asked; the first, %w", failed, asked, firstErr)
	}
	return nil
}

// lineError is the JSON object for a line that could not be asked.
type lineError struct {
	Line     int    `json:"line"`
	Question string `json:"question"`
	Error    string `json:"error"`
}

func shorten(s string, n int) string {
	r := []rune(strings.ToValidUTF8(s, "\uFFFD"))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// writeAnswer prints an answer and its numbered sources for a person.
// Citations are numbered per article: each number's source is printed
// once, with the sentences cited from it beneath that the answer does not
// already show word for word (past its bracketed names, retrieval.WithoutNames):
// the same fact as another article
// tells it, or the sentences a model's answer draws on. Every cited
// sentence was printed there until two new-user trials in a row read the
// block as the answer printed twice.
func writeAnswer(w io.Writer, a retrieval.Answer) {
	if a.Text != "" {
		fmt.Fprintln(w, a.Text)
	}
	if a.Note != "" {
		fmt.Fprintf(w, "\n(%s)\n", a.Note)
	}
	if c := a.Closest; c != nil {
		// Not an answer: the nearest the articles come, for the reader to
		// judge, never numbered as a source.
		text, source := quoted(c.Text), sourceLine(c.Title, c.Publisher, c.Date, c.Kind)
		if c.Headline {
			// The headline is the title: the source line need not repeat it.
			text, source = "Headline: "+text, sourceLine("", c.Publisher, c.Date, c.Kind)
		}
		fmt.Fprintf(w, "\n%s\n    %s\n", a.ClosestLabel(), text)
		if source != "" {
			fmt.Fprintf(w, "    — %s\n", source)
		}
	}
	if len(a.Citations) == 0 {
		return
	}
	fmt.Fprintln(w, "\nSources:")
	var order []int
	byN := map[int][]retrieval.Citation{}
	for _, c := range a.Citations {
		if _, ok := byN[c.N]; !ok {
			order = append(order, c.N)
		}
		byN[c.N] = append(byN[c.N], c)
	}
	shown := retrieval.WithoutNames(a.Text)
	for _, n := range order {
		cites := byN[n]
		c := cites[0]
		onlyComments := true
		for _, o := range cites {
			onlyComments = onlyComments && o.Kind == "comment"
		}
		kind := "article"
		if onlyComments {
			kind = "comment"
		}
		fmt.Fprintf(w, "[%d] %s\n", n, sourceLine(c.Title, c.Publisher, c.Date, kind))
		if c.URL != "" {
			fmt.Fprintf(w, "    %s\n", c.URL)
		}
		unshown := slices.DeleteFunc(slices.Clone(cites), func(o retrieval.Citation) bool {
			return strings.Contains(shown, strings.TrimSpace(o.Text))
		})
		for _, o := range retrieval.Excerpts(unshown) {
			q := quoted(o.Text)
			if o.Kind == "comment" && !onlyComments {
				q = "(viewer comment) " + q
			}
			fmt.Fprintf(w, "    %s\n", q)
		}
	}
}

// quoted puts a cited sentence in quotation marks, unless it carries its
// own (a reader comment or a quotation), which would double them.
func quoted(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "“”\"«»„") {
		return s
	}
	return "“" + s + "”"
}

func sourceLine(title, publisher, date, kind string) string {
	var meta []string
	if publisher != "" {
		meta = append(meta, publisher)
	}
	if date != "" {
		meta = append(meta, date)
	}
	s := strings.Join(slices.DeleteFunc([]string{title, strings.Join(meta, ", ")}, func(s string) bool { return s == "" }), " — ")
	if kind == "comment" {
		s += " (viewer comment)"
	}
	return s
}
