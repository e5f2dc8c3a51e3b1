package search

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// exhaustive is the reference search: every row's float32 dot product,
// summed as chromem-go sums it, best first, ties by position.
func exhaustive(vecs [][]float32, q []float32, k int) []Hit {
	out := make([]Hit, len(vecs))
	for i, v := range vecs {
		var sum float32
		for j := range q {
			sum += q[j] * v[j]
		}
		out[i] = Hit{Pos: i, Score: float64(sum)}
	}
	slices.SortFunc(out, func(a, b Hit) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return a.Pos - b.Pos
	})
	return out[:min(k, len(out))]
}

// randomUnit returns a unit vector with about density of its values
// non-zero, like the hashed half of a local embedding.
func randomUnit(r *rand.Rand, dim int, density float64) []float32 {
	v := make([]float32, dim)
	for j := range v {
		if r.Float64() < density {
			v[j] = float32(r.NormFloat64())
		}
	}
	if n := norm(v); n > 0 {
		scale(v, 1/n)
	} else {
		v[0] = 1
	}
	return v
}

// TestScanIndexExact checks that the quantised scan returns exactly what
// an exhaustive float32 search does: the same rows, order and scores.
func TestScanIndexExact(t *testing.T) {
	tests := []struct {
		name    string
		n, dim  int
		k       int
		density float64
		dups    bool // many identical rows, so scores tie
	}{
		{name: "one row", n: 1, dim: 356, k: 40, density: 0.5},
		{name: "exact below k·slack", n: 100, dim: 356, k: 40, density: 0.5},
		{name: "less than a block", n: 63, dim: 356, k: 10, density: 0.5},
		{name: "one block", n: 64, dim: 356, k: 20, density: 0.5},
		{name: "block and one", n: 65, dim: 356, k: 10, density: 0.5},
		{name: "k above n", n: 30, dim: 356, k: 100, density: 0.5},
		{name: "odd dim", n: 500, dim: 7, k: 40, density: 1},
		{name: "dense", n: 2000, dim: 100, k: 40, density: 1},
		{name: "sparse", n: 2000, dim: 356, k: 40, density: 0.05},
		{name: "ties", n: 3000, dim: 356, k: 40, density: 0.3, dups: true},
		{name: "parallel", n: scanParallelMin + 100, dim: 48, k: 40, density: 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tt.n), uint64(tt.dim)))
			vecs := make([][]float32, tt.n)
			for i := range vecs {
				vecs[i] = randomUnit(r, tt.dim, tt.density)
				if tt.dups && i > 0 && r.IntN(3) == 0 {
					vecs[i] = vecs[r.IntN(i)]
				}
			}
			s := newScanIndex(vecs)
			for qi := range 8 {
				var q []float32
				if qi%2 == 0 {
					q = randomUnit(r, tt.dim, tt.density)
				} else {
					// A query close to a row, as a question is to its answer.
					q = slices.Clone(vecs[r.IntN(tt.n)])
					q[r.IntN(tt.dim)] += 0.3
					scale(q, 1/norm(q))
				}
				got, want := s.search(q, tt.k), exhaustive(vecs, q, tt.k)
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(Hit{})); diff != "" {
					t.Fatalf("query %d: search differs from exhaustive (-want +got):\n%s", qi, diff)
				}
			}
		})
	}
}

// TestScanQuantisedSums checks the 64-bit lane arithmetic against plain
// integer sums, including the extreme values where lanes could overflow.
func TestScanQuantisedSums(t *testing.T) {
	tests := []struct {
		name string
		fill func(i, j int) float32
	}{
		{"all max", func(i, j int) float32 { return 1 }},
		{"all min", func(i, j int) float32 { return -1 }},
		{"alternating", func(i, j int) float32 { return float32((i+j)%2*2 - 1) }},
		{"mixed", func(i, j int) float32 { return float32(math.Sin(float64(i*31 + j*7))) }},
	}
	const dim = 356 // the widest sum the lanes must hold
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vecs := make([][]float32, scanBlock)
			for i := range vecs {
				vecs[i] = make([]float32, dim)
				for j := range vecs[i] {
					vecs[i][j] = tt.fill(i, j)
				}
			}
			s := newScanIndex(vecs)
			for _, q := range [][]float32{vecs[0], vecs[1], vecs[5]} {
				sq := quantiseQuery(q)
				var sums [scanBlock]int64
				scanBlockSums(s.blocks, sq.cols, &sums)
				for i := range scanBlock {
					var want int64
					for _, c := range sq.cols {
						b := int64(s.blocks[c.off+i/8] >> (uint(i%8) * 8) & 0xFF)
						if c.flip != 0 {
							b = 255 - b
						}
						want += int64(c.w) * b
					}
					if sums[i] != want {
						t.Fatalf("row %d: lane sum %d, want %d", i, sums[i], want)
					}
				}
			}
		})
	}
}
