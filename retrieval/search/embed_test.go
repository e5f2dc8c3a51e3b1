package search

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/handover/handover/corpus"
)

// TestPrincipal checks the power iteration against a direction planted in
// noise: vectors mostly along d, a little along every other axis.
func TestPrincipal(t *testing.T) {
	const dim = 20
	r := rand.New(rand.NewPCG(1, 2))
	d := randomUnit(r, dim, 1)
	var vs [][]float32
	for range 200 {
		v := make([]float32, dim)
		a := float32(1 + r.Float64())
		if r.IntN(2) == 0 {
			a = -a // the sign does not matter to the direction
		}
		for i := range v {
			v[i] = a*d[i] + 0.2*float32(r.NormFloat64())
		}
		scale(v, 1/norm(v))
		vs = append(vs, v)
	}
	got := principal(vs, dim)
	if cos := math.Abs(float64(dot(got, d))); cos < 0.99 {
		t.Errorf("principal direction has cosine %.3f with the planted one, want ≥ 0.99", cos)
	}
	if n := norm(got); math.Abs(float64(n)-1) > 1e-4 {
		t.Errorf("principal direction has norm %.5f, want 1", n)
	}
	if got := principal(nil, dim); got != nil {
		t.Errorf("principal of no vectors = %v, want nil", got)
	}
}

// TestCommonComponentRemoved checks that Build removes the passages'
// shared direction, their first principal direction, from the semantic part
// of every embedding, the passages' and a question's alike, and that
// embeddings stay unit length; and that a few passages have none.
func TestCommonComponentRemoved(t *testing.T) {
	vecs, err := DefaultVectors()
	if err != nil {
		t.Fatal(err)
	}
	subjects := []string{"bridge", "river", "mayor", "council", "school", "museum", "harbour", "railway", "hospital", "market"}
	verbs := []string{"opened", "closed", "expanded", "repaired", "visited"}
	var ps []corpus.Passage
	for i, s := range subjects {
		for j, v := range verbs {
			ps = append(ps, corpus.Passage{ID: fmt.Sprintf("a#%d", i*len(verbs)+j+1), Doc: "a",
				Text: fmt.Sprintf("The %s %s on Monday after years of work.", s, v)})
		}
	}
	ix, err := Build(context.Background(), ps, vecs, noLemmas{})
	if err != nil {
		t.Fatal(err)
	}
	c := ix.embed.common
	if c == nil {
		t.Fatalf("no common direction over %d passages with word vectors", len(ps))
	}
	var sems [][]float32
	for _, p := range ps {
		sems = append(sems, ix.embed.semantic(Tokenize(p.Text)))
	}
	if cos := math.Abs(float64(dot(c, principal(sems, vecs.dim)))); cos < 0.999 {
		t.Errorf("common direction has cosine %.4f with the passages' principal direction, want 1", cos)
	}
	for i := range ps {
		v := ix.vecs[i]
		if n := norm(v); math.Abs(float64(n)-1) > 1e-4 {
			t.Errorf("passage %d embedding has norm %.5f, want 1", i, n)
		}
		if d := dot(v[lexDim:], c); math.Abs(float64(d)) > 1e-4 {
			t.Errorf("passage %d keeps %.5f of the common direction", i, d)
		}
	}
	q := ix.Embed("when did the new bridge open")
	if d := dot(q[lexDim:], c); math.Abs(float64(d)) > 1e-4 {
		t.Errorf("a question keeps %.5f of the common direction", d)
	}

	// A text whose meaning lies all along the common direction keeps no
	// semantic part rather than normalised rounding noise.
	ix.embed.common = ix.embed.semantic(Tokenize("bridge"))
	if v := ix.Embed("bridge"); norm(v[lexDim:]) != 0 {
		t.Errorf("a text along the common direction keeps a semantic part of norm %.4f", norm(v[lexDim:]))
	}

	few, err := Build(context.Background(), ps[:minCommonPassages-1], vecs, noLemmas{})
	if err != nil {
		t.Fatal(err)
	}
	if few.embed.common != nil {
		t.Errorf("a common direction over %d passages", minCommonPassages-1)
	}
	lexOnly, err := Build(context.Background(), ps, nil, noLemmas{})
	if err != nil {
		t.Fatal(err)
	}
	if lexOnly.embed.common != nil {
		t.Error("a common direction without word vectors")
	}
}

type noLemmas struct{}

func (noLemmas) Lemmas(string) []string { return nil }
