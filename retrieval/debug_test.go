package retrieval

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"
)

var debugQuestion = flag.String("debugq", "", "print the ranked candidates and features of one question")

// TestDebugQuestion prints how one question is analysed and ranked:
//
//	go test ./retrieval -run TestDebugQuestion -debugq 'who is rutte' -v
func TestDebugQuestion(t *testing.T) {
	if *debugQuestion == "" {
		t.Skip("a tool, not a test: pass -debugq")
	}
	e := shippedEngine(t)
	q := e.index.analyse(*debugQuestion)
	t.Logf("type %d opinion %v speech %v unmatched %.2f unknownName %v", q.atype, q.opinion, q.speech, q.unmatched, q.unknownName)
	for _, term := range q.terms {
		var alts []string
		for _, a := range term.alts {
			alts = append(alts, fmt.Sprintf("%s/%d/%.2f", e.index.lookup.StemOf(a.id), a.ch, a.sim))
		}
		t.Logf("  term %q w %.2f name %v alts %s", term.word, term.weight, term.name, strings.Join(alts, " "))
	}
	tr, err := e.trace(context.Background(), Request{Question: *debugQuestion})
	if err != nil {
		t.Fatal(err)
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
