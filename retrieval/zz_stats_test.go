package retrieval

import (
	"context"
	"sort"
	"testing"
)

func TestZZStats(t *testing.T) {
	e := shippedEngine(t)
	cases := casesIn(loadEval(t), splitDev)
	hist := map[int]int{}
	var confA, confU []float64
	for _, c := range cases {
		tr, _ := e.trace(context.Background(), Request{Question: c.Question})
		if !c.answerable() {
			confU = append(confU, tr.confidence)
			continue
		}
		first := -1
		for i, s := range tr.ranked {
			p := e.index.passages[s.pos]
			if c.supports(p.Doc, p.Text) {
				first = i
				break
			}
		}
		b := first
		if b > 5 {
			b = 6
		}
		hist[b]++
		if first == 0 {
			confA = append(confA, tr.confidence)
		}
	}
	t.Logf("first-support rank hist: %v", hist)
	sort.Float64s(confA)
	sort.Float64s(confU)
	q := func(x []float64) []float64 {
		var o []float64
		for _, f := range []float64{0.1, 0.25, 0.5, 0.75, 0.9} {
			o = append(o, x[int(f*float64(len(x)-1))])
		}
		return o
	}
	t.Logf("conf top-correct answerable n=%d q=%v", len(confA), q(confA))
	t.Logf("conf unanswerable n=%d q=%v", len(confU), q(confU))
}

func TestZZConf(t *testing.T) {
	e := shippedEngine(t)
	cases := casesIn(loadEval(t), splitDev)
	for _, c := range cases {
		tr, _ := e.trace(context.Background(), Request{Question: c.Question})
		q := e.index.analyse(c.Question)
		a := answerFeatures(q, tr.ranked)
		lab := "U"
		if c.answerable() {
			lab = "A-wrong"
			if len(tr.ranked) > 0 {
				p := e.index.passages[tr.ranked[0].pos]
				if c.supports(p.Doc, p.Text) {
					lab = "A-right"
				}
			}
		}
		top := ""
		if len(tr.ranked) > 0 {
			top = e.index.passages[tr.ranked[0].pos].Text
		}
		t.Logf("%-7s conf=%.2f a=%.2v q=%q top=%.90q", lab, tr.confidence, a[1:], c.Question, top)
	}
}

func TestZZRecall(t *testing.T) {
	e := shippedEngine(t)
	t.Logf("passages %d", len(e.index.passages))
	for _, split := range []string{splitDev, splitTest} {
		cases := casesIn(loadEval(t), split)
		ks := []int{1, 3, 5, 10, 20, 30, 40, 1000}
		hits := make([]int, len(ks))
		n, pool := 0, 0
		for _, c := range cases {
			if !c.answerable() {
				continue
			}
			n++
			tr, _ := e.trace(context.Background(), Request{Question: c.Question})
			for i, s := range tr.ranked {
				p := e.index.passages[s.pos]
				if c.supports(p.Doc, p.Text) {
					for j, k := range ks {
						if i < k {
							hits[j]++
						}
					}
					break
				}
			}
			pool += tr.pool
		}
		for j, k := range ks {
			t.Logf("%s recall@%d = %.3f", split, k, float64(hits[j])/float64(n))
		}
		t.Logf("mean pool %d", pool/n)
	}
}
