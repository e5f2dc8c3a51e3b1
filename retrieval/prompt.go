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

// maxPromptPassages is how many passages the model sees: many more than
// the extractive answer quotes, since the model reads what ranking cannot
// (context recall on the dev questions: 8 passages 0.87, 16 0.92, 20
// 0.93, 24 0.94), and at about 40 tokens a sentence still under a
// thousand tokens for a small local model's context window.
const maxPromptPassages = 20

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

type promptPassage struct {
	N                      int
	Title, Publisher, Date string
	Comment                bool
	Before, Text, After    string
}

type promptData struct {
	DontSay  string
	Passages []promptPassage
	Previous *Turn
	Question string
}

// promptPassages picks the passages to number for the model: the best
// candidates in rank order, leaving out any that repeat a fact already
// picked in much the same words (the articles copy each other), so each
// slot carries a fact of its own.
func (ix *Index) promptPassages(cands []candidate) []int {
	var out []int
	for _, c := range cands {
		if len(out) == maxPromptPassages {
			break
		}
		if !slices.Contains(out, c.pos) && !ix.duplicateOfAny(c.pos, out) {
			out = append(out, c.pos)
		}
	}
	return out
}

// buildPrompt renders the prompt for question over the passages at
// positions. Only the last turn of history is given: a follow-up refers to
// the exchange just before it.
func (ix *Index) buildPrompt(question string, history []Turn, positions []int) (prompt, error) {
	d := promptData{DontSay: dontSay, Question: fence(question)}
	for i, pos := range positions {
		p := ix.passages[pos]
		m := ix.docs[p.Doc]
		d.Passages = append(d.Passages, promptPassage{
			N:         i + 1,
			Title:     orUnknown(fence(m.title), "untitled"),
			Publisher: orUnknown(fence(m.publisher), "publisher unknown"),
			Date:      orUnknown(m.date, "date unknown"),
			Comment:   p.Kind == corpus.KindComment,
			Before:    fence(p.Before),
			Text:      fence(p.Text),
			After:     fence(p.After),
		})
	}
	if n := len(history); n > 0 {
		prev := history[n-1]
		// The earlier answer's [n] markers number other passages; left in,
		// they would invite the model to cite them.
		d.Previous = &Turn{Question: fence(prev.Question), Answer: fence(stripMarkers(prev.Answer))}
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

// stripMarkers removes citation markers from text.
func stripMarkers(text string) string {
	out, _ := checkCitations(text, 0)
	return out
}
