package retrieval

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"
)

var debugQuestion = flag.String("debugq", "", "print the analysis, candidates and features of one question")

// TestTrace checks what every question's way through the pipeline must
// hold, on a few questions: the candidates come from the pool and are
// ranked best first, the confidence is a probability, the answer abstains
// exactly when the confidence is under the threshold, and the LLM's
// context is the candidates and the sentences beside them, best first.
// With -debugq it prints one question's analysis and candidates instead:
//
//	go test ./retrieval -run TestTrace -debugq 'who is rutte' -v
func TestTrace(t *testing.T) {
	e := shippedEngine(t)
	questions := []string{"Who succeeded Jens Stoltenberg?", "how old is mark rutte", "what do viewers think of rutte?", "when was crimea annexed"}
	if *debugQuestion != "" {
		questions = []string{*debugQuestion}
	}
	for _, question := range questions {
		tr, err := e.trace(context.Background(), Request{Question: question})
		if err != nil {
			t.Fatal(err)
		}
		if tr.confidence < 0 || tr.confidence > 1 {
			t.Errorf("%q: confidence %.2f", question, tr.confidence)
		}
		if !slices.IsSortedFunc(tr.ranked, func(a, b candidate) int { return -cmpFloat(a.score, b.score) }) {
			t.Errorf("%q: candidates not ranked best first", question)
		}
		if want := len(tr.ranked) == 0 || tr.confidence < e.index.model.Threshold; tr.answer.Abstained != want {
			t.Errorf("%q: abstained %v with confidence %.2f and threshold %.2f", question, tr.answer.Abstained, tr.confidence, e.index.model.Threshold)
		}
		if want := tr.answer.Abstained && len(tr.ranked) > 0 && tr.confidence >= unsureFrom; tr.answer.Unsure != want || want != (tr.answer.Text == dontSayForSure) {
			t.Errorf("%q: unsure %v, text %q with confidence %.2f (unsure from %.2f)", question, tr.answer.Unsure, tr.answer.Text, tr.confidence, unsureFrom)
		}
		if len(tr.ranked)+len(tr.gated) != tr.pool {
			t.Errorf("%q: %d ranked and %d gated of a pool of %d", question, len(tr.ranked), len(tr.gated), tr.pool)
		}
		isCand := func(pos int) bool {
			return slices.ContainsFunc(slices.Concat(tr.ranked, tr.gated), func(c candidate) bool { return c.pos == pos })
		}
		llmContext := e.index.llmContext(tr)
		for i, pos := range llmContext {
			p := e.index.passages[pos]
			neighbour := p.Before != "" && slices.Contains(llmContext, pos-1) && isCand(pos-1) ||
				p.After != "" && slices.Contains(llmContext, pos+1) && isCand(pos+1)
			if !isCand(pos) && !neighbour {
				t.Errorf("%q: LLM context passage %d is neither a candidate nor beside one", question, pos)
			}
			// The first run of sentences holds the best candidate.
			if i > 0 && (pos != llmContext[i-1]+1 || p.Before == "") {
				if len(tr.ranked) > 0 && !slices.Contains(llmContext[:i], tr.ranked[0].pos) {
					t.Errorf("%q: the best candidate %d is not in the LLM context's first run %v", question, tr.ranked[0].pos, llmContext[:i])
				}
				break
			}
		}
		if *debugQuestion != "" {
			printTrace(t, e, question, tr)
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func printTrace(t *testing.T, e *Engine, question string, tr trace) {
	q := e.index.analyse(question)
	t.Logf("type %d opinion %v speech %v unmatched %.2f unknownName %v instances %d", q.atype, q.opinion, q.speech, q.unmatched, q.unknownName, len(q.instances))
	for _, term := range q.terms {
		var alts []string
		for _, a := range term.alts {
			alts = append(alts, fmt.Sprintf("%s/%d/%.2f", e.index.lookup.StemOf(a.id), a.ch, a.sim))
		}
		t.Logf("  term %q w %.2f name %v implied %v alts %s", term.word, term.weight, term.name, term.implied, strings.Join(alts, " "))
	}
	t.Logf("confidence %.2f answer %.200q", tr.confidence, tr.answer.Text)
	for i, c := range tr.ranked[:min(8, len(tr.ranked))] {
		var fs []string
		for j, v := range c.x {
			if v != 0 && j != fBias {
				fs = append(fs, fmt.Sprintf("%s=%.2f", featureNames[j], v))
			}
		}
		t.Logf("#%d %.2f %.100q\n      %s", i+1, c.score, e.index.passages[c.pos].Text, strings.Join(fs, " "))
	}
}
