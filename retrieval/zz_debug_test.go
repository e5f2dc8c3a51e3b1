package retrieval

import (
	"context"
	"flag"
	"fmt"
	"testing"
)

var dbgQ = flag.String("dbg.q", "", "question to debug")

func TestZZDebug(t *testing.T) {
	if *dbgQ == "" {
		t.Skip()
	}
	e := shippedEngine(t)
	ix := e.index
	q := ix.analyse(*dbgQ)
	fmt.Printf("atype=%d focus=%d unknown=%v compare=%+v role=%+v order=%+v\n", q.atype, q.focus, q.unknown, q.compare, q.role, q.order)
	for _, tm := range q.terms {
		fmt.Printf("  term %s/%s w=%.2f known=%v proper=%v syn=%d alts=%d\n", tm.word, tm.stem, tm.weight, tm.known, tm.proper, len(tm.syn), len(tm.alts))
	}
	cands, _ := ix.rank(context.Background(), q, "")
	for i, c := range cands {
		if i >= 8 {
			break
		}
		fmt.Printf("%d fit=%v score=%.3f cov=%.2f cos=%.2f bonus=%.2f  %.110s\n", i, c.fit, c.score, c.coverage, c.cos, c.bonus, ix.passages[c.pos].Text)
	}
	a, _ := e.Answer(context.Background(), Request{Question: *dbgQ})
	fmt.Println("ANSWER:", a.Text)
}

func TestZZPeople(t *testing.T) {
	e := shippedEngine(t)
	for _, p := range e.index.feat.people {
		fmt.Printf("%s (%s) n=%d descs=%v\n", p.surname, p.first, p.mentions, p.descs)
	}
	for _, c := range loadEval(t) {
		if r := e.index.feat.resolvePeople(e.index, c.Q); r != c.Q {
			fmt.Printf("%s: %q → %q\n", c.ID, c.Q, r)
		}
	}
}
