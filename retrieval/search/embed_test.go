package search

import (
	"context"
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
// shared direction from the semantic part of every embedding, the
// passages' and a question's alike, and that embeddings stay unit length.
func TestCommonComponentRemoved(t *testing.T) {
	vecs, err := DefaultVectors()
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{
		"The bridge over the river opened on Monday.",
		"Engineers built the bridge in four years.",
		"The mayor thanked the workers at the ceremony.",
		"Traffic across the river is expected to fall.",
	}
	var ps []corpus.Passage
	for i, s := range texts {
		ps = append(ps, corpus.Passage{ID: "a#" + string(rune('1'+i)), Doc: "a", Text: s})
	}
	ix, err := Build(context.Background(), ps, vecs, noLemmas{})
	if err != nil {
		t.Fatal(err)
	}
	c := ix.embed.common
	if c == nil {
		t.Fatal("no common direction with word vectors")
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
