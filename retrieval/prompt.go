package retrieval

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/handover/handover/corpus"
)

// maxPromptPassages is how many sentences the model sees, numbered: the
// best candidates, each with the sentences either side of it in its
// paragraph, many more than the extractive answer quotes, since the model
// reads what ranking cannot. A neighbour is numbered like the rest, so the
// model can cite the sentence that holds the answer when ranking put the
// one beside it first. Context recall on the dev questions: 40 sentences
// 0.971, 48 0.976, 60 0.984 (20 candidates with their neighbours as
// unnumbered context, as before: 0.947). On the dev questions the whole
// prompt averages about 14,000 characters and is at most 17,300, about
// 4,500 tokens: a local server needs a context of 8k tokens.
const maxPromptPassages = 60

//go:embed prompt.tmpl
var promptSource string

// promptTemplate is parsed once; it is never changed after.
var promptTemplate = template.Must(template.New("prompt").Parse(promptSource))

// prompt is what a chat model is asked: the rules, the data, and the
// positions of the passages numbered [1]..[n] in it.
type prompt struct {
	system, user string
	passages     []int
}

// promptRun is sentences that follow each other in one article's
// paragraph, with the article they come from.
type promptRun struct {
	Title, Publisher, Date string
	Comment                bool
	Passages               []promptPassage
}

type promptPassage struct {
	N    int
	Text string
}

type promptData struct {
	DontSay  string
	Runs     []promptRun
	N        int // passages numbered
	Previous *Turn
	Question string
}

// promptPassages picks the passages to number for the model, in the order
// they are numbered: the best candidates in rank order, leaving out any
// that repeat a fact already picked in much the same words (the articles
// copy each other), each with the sentences either side of it in its
// paragraph. A run of sentences is numbered in reading order, so the model
// reads a candidate where it stands.
func (ix *Index) promptPassages(cands []candidate) []int {
	var picked, all []int
	in := map[int]bool{}
	add := func(pos int) {
		if !in[pos] && len(all) < maxPromptPassages {
			in[pos] = true
			all = append(all, pos)
		}
	}
	for _, c := range cands {
		if len(all) == maxPromptPassages {
			break
		}
		if slices.Contains(picked, c.pos) || !in[c.pos] && ix.duplicateOfAny(c.pos, all) {
			continue
		}
		// A candidate already numbered as a neighbour still brings its
		// own neighbours.
		picked = append(picked, c.pos)
		add(c.pos)
		p := ix.passages[c.pos]
		if p.Before != "" {
			add(c.pos - 1)
		}
		if p.After != "" {
			add(c.pos + 1)
		}
	}
	// Each run is numbered where its best candidate ranks, the sentences
	// of the run in reading order.
	var out []int
	for _, pos := range picked {
		if slices.Contains(out, pos) {
			continue
		}
		start := pos
		for in[start-1] && ix.passages[start].Before != "" {
			start--
		}
		for q := start; q == start || in[q] && ix.passages[q].Before != ""; q++ {
			out = append(out, q)
		}
	}
	return out
}

// buildPrompt renders the prompt for question over the passages at
// positions. Only the last turn of history is given: a follow-up refers to
// the exchange just before it.
func (ix *Index) buildPrompt(question string, history []Turn, positions []int) (prompt, error) {
	d := promptData{DontSay: dontSay, Question: fence(question), N: len(positions)}
	for i, pos := range positions {
		p := ix.passages[pos]
		if i == 0 || pos != positions[i-1]+1 || p.Before == "" {
			m := ix.docs[p.Doc]
			d.Runs = append(d.Runs, promptRun{
				Title:     orUnknown(fence(m.title), "untitled"),
				Publisher: orUnknown(fence(m.publisher), "publisher unknown"),
				Date:      orUnknown(m.date, "date unknown"),
				Comment:   p.Kind == corpus.KindComment,
			})
		}
		run := &d.Runs[len(d.Runs)-1]
		run.Passages = append(run.Passages, promptPassage{N: i + 1, Text: fence(p.Text)})
	}
	if n := len(history); n > 0 {
		prev := history[n-1]
		// The earlier answer's [n] markers number other passages; left in,
		// they would invite the model to cite them.
		d.Previous = &Turn{Question: fence(prev.Question), Answer: fence(StripMarkers(prev.Answer))}
	}
	var sys, user strings.Builder
	if err := promptTemplate.ExecuteTemplate(&sys, "system", d); err != nil {
		return prompt{}, fmt.Errorf("render system prompt: %w", err)
	}
	if err := promptTemplate.ExecuteTemplate(&user, "user", d); err != nil {
		return prompt{}, fmt.Errorf("render user prompt: %w", err)
	}
	return prompt{system: sys.String(), user: user.String(), passages: positions}, nil
}

func orUnknown(s, unknown string) string {
	if strings.TrimSpace(s) == "" {
		return unknown
	}
	return s
}

// delimiterRe matches the tags that fence data in the prompt, however
// spaced or cased.
var delimiterRe = regexp.MustCompile(`(?i)<\s*/?\s*(passages|previous_turn|question)\s*>`)

// fence removes the prompt's own delimiters from data, so a question
// cannot close its <question> block and write outside it. Line breaks are
// kept: they cannot forge a delimiter without the tag itself.
func fence(s string) string {
	for delimiterRe.MatchString(s) {
		s = delimiterRe.ReplaceAllString(s, "")
	}
	return s
}
