package search

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// encodeTestVectors writes rows in glove.bin's layout, as cmd/glovegen does.
func encodeTestVectors(words []string, rows [][]float32) []byte {
	dim := len(rows[0])
	idx := make([]int, len(words))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(words[a], words[b]) })
	le := binary.LittleEndian
	b := []byte("HGV1")
	b = le.AppendUint32(b, uint32(len(words)))
	b = le.AppendUint32(b, uint32(dim))
	off := 0
	b = le.AppendUint32(b, 0)
	for _, i := range idx {
		off += len(words[i])
		b = le.AppendUint32(b, uint32(off))
	}
	for _, i := range idx {
		b = append(b, words[i]...)
	}
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	var q []byte
	for _, i := range idx {
		var maxAbs float32
		for _, x := range rows[i] {
			maxAbs = max(maxAbs, float32(math.Abs(float64(x))))
		}
		scale := maxAbs / 127
		b = le.AppendUint32(b, math.Float32bits(scale))
		for _, x := range rows[i] {
			var r float64
			if scale != 0 {
				r = math.Round(float64(x / scale))
			}
			q = append(q, byte(int8(r)))
		}
	}
	return append(b, q...)
}

// smallTestVectors has 3 words of dim 3; "ab" makes the word blob's length
// odd so that the padding before the scales is exercised.
func smallTestVectors() []byte {
	return encodeTestVectors(
		[]string{"zebra", "ab", "cat"},
		[][]float32{{1, 0, -1}, {0.5, -0.25, 0}, {0, 0, 0}},
	)
}

func cosine(t testing.TB, v *Vectors, a, b string) float64 {
	t.Helper()
	va, vb := make([]float32, v.dim), make([]float32, v.dim)
	if !v.addTo(va, a, 1) || !v.addTo(vb, b, 1) {
		t.Fatalf("cosine(%q, %q): a word is unknown", a, b)
	}
	var dot, na, nb float64
	for i := range va {
		dot += float64(va[i]) * float64(vb[i])
		na += float64(va[i]) * float64(va[i])
		nb += float64(vb[i]) * float64(vb[i])
	}
	return dot / math.Sqrt(na*nb)
}

func TestDefaultVectors(t *testing.T) {
	v, err := DefaultVectors()
	if err != nil {
		t.Fatalf("DefaultVectors() error: %v", err)
	}
	if v.dim != 100 {
		t.Errorf("dim = %d, want 100", v.dim)
	}
	if v.n < 50000 {
		t.Errorf("n = %d, want at least 50000", v.n)
	}
	for i := 1; i < v.n; i++ {
		if string(v.word(i-1)) >= string(v.word(i)) {
			t.Fatalf("words not strictly ascending at %d: %q then %q", i, v.word(i-1), v.word(i))
		}
	}
	for _, w := range []string{"nato", "alliance", "chief", "leader", "boss", "secretary", "rutte", "stoltenberg", "brussels", "handover", "ukraine"} {
		if !v.has(w) {
			t.Errorf("has(%q) = false, want true", w)
		}
	}
	for _, w := range []string{"", "NATO", "qqqzzzx", "nato ", "\xff"} {
		if v.has(w) {
			t.Errorf("has(%q) = true, want false", w)
		}
	}
}

// TestVectorsCorpusCoverage logs the article words GloVe lacks (wink's
// package drops stop words, single letters and numbers; names like
// "lungescu" are too rare) and fails only if coverage collapses.
func TestVectorsCorpusCoverage(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "corpus", "articles", "*.txt"))
	if len(paths) == 0 {
		t.Fatal("no corpus articles beside retrieval/")
	}
	v, err := DefaultVectors()
	if err != nil {
		t.Fatalf("DefaultVectors() error: %v", err)
	}
	seen := map[string]bool{}
	var missing []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		toks := strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(string(b), "\u2019", "'")), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
		})
		for _, tok := range toks {
			tok = strings.Trim(tok, "'")
			// GloVe splits clitics off ("'s", "n't") and wink's copy drops
			// them, so the embedder looks such words up by their parts.
			if tok == "" || strings.Contains(tok, "'") || seen[tok] {
				continue
			}
			seen[tok] = true
			if !v.has(tok) {
				missing = append(missing, tok)
			}
		}
	}
	slices.Sort(missing)
	t.Logf("%d of %d distinct article words missing: %v", len(missing), len(seen), missing)
	if len(missing)*10 > len(seen) {
		t.Errorf("%d of %d article words missing, want under 10%%", len(missing), len(seen))
	}
}

func TestVectorsSimilarity(t *testing.T) {
	v, err := DefaultVectors()
	if err != nil {
		t.Fatalf("DefaultVectors() error: %v", err)
	}
	tests := []struct {
		name       string
		near, far  [2]string
		wantMargin float64 // cosine(near) - cosine(far) must exceed this
	}{
		{"chief is a leader, not a banana", [2]string{"chief", "leader"}, [2]string{"chief", "banana"}, 0.4},
		{"boss is a chief, not a banana", [2]string{"boss", "chief"}, [2]string{"boss", "banana"}, 0.3},
		{"nato is an alliance, not a banana", [2]string{"nato", "alliance"}, [2]string{"nato", "banana"}, 0.4},
		{"rutte is near stoltenberg, not tomato", [2]string{"rutte", "stoltenberg"}, [2]string{"rutte", "tomato"}, 0.3},
		{"handover is near transfer, not banana", [2]string{"handover", "transfer"}, [2]string{"handover", "banana"}, 0.3},
		{"secretary is near minister, not guitar", [2]string{"secretary", "minister"}, [2]string{"secretary", "guitar"}, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			near := cosine(t, v, tt.near[0], tt.near[1])
			far := cosine(t, v, tt.far[0], tt.far[1])
			t.Logf("cosine%v = %.3f, cosine%v = %.3f", tt.near, near, tt.far, far)
			if near-far <= tt.wantMargin {
				t.Errorf("cosine%v = %.3f, cosine%v = %.3f: margin %.3f, want > %.2f", tt.near, near, tt.far, far, near-far, tt.wantMargin)
			}
		})
	}
	if got := cosine(t, v, "chief", "chief"); math.Abs(got-1) > 1e-5 {
		t.Errorf("cosine(chief, chief) = %v, want 1", got)
	}
}

func TestVectorsAddTo(t *testing.T) {
	v, err := loadVectors(smallTestVectors())
	if err != nil {
		t.Fatalf("loadVectors() error: %v", err)
	}
	if v.n != 3 || v.dim != 3 {
		t.Fatalf("n, dim = %d, %d, want 3, 3", v.n, v.dim)
	}
	tests := []struct {
		name   string
		dst    []float32
		word   string
		weight float32
		wantOK bool
		want   []float32
	}{
		{"adds weighted vector", []float32{1, 1, 1}, "zebra", 2, true, []float32{3, 1, -1}},
		{"dequantises", []float32{0, 0, 0}, "ab", 1, true, []float32{0.5, -0.25, 0}},
		{"zero vector", []float32{1, 2, 3}, "cat", 5, true, []float32{1, 2, 3}},
		{"unknown word", []float32{1, 2, 3}, "dog", 1, false, []float32{1, 2, 3}},
		{"prefix of a word", []float32{1, 2, 3}, "a", 1, false, []float32{1, 2, 3}},
		{"past the last word", []float32{1, 2, 3}, "zz", 1, false, []float32{1, 2, 3}},
		{"wrong dst length", []float32{1, 2}, "zebra", 1, false, []float32{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.dst)
			ok := v.addTo(got, tt.word, tt.weight)
			if ok != tt.wantOK {
				t.Errorf("addTo(%v, %q, %v) = %v, want %v", tt.dst, tt.word, tt.weight, ok, tt.wantOK)
			}
			for i := range tt.want {
				// int8 quantisation is exact to about 1/254 of the row's max.
				if math.Abs(float64(got[i]-tt.want[i])) > 0.005 {
					t.Errorf("addTo(%v, %q, %v) left dst %v, want %v", tt.dst, tt.word, tt.weight, got, tt.want)
					break
				}
			}
		})
	}
}

func TestVectorsAddToDoesNotAllocate(t *testing.T) {
	v, err := DefaultVectors()
	if err != nil {
		t.Fatalf("DefaultVectors() error: %v", err)
	}
	dst := make([]float32, v.dim)
	allocs := testing.AllocsPerRun(100, func() {
		v.addTo(dst, "secretary", 0.5)
		v.addTo(dst, "nosuchwordzz", 0.5)
		v.has("alliance")
	})
	if allocs != 0 {
		t.Errorf("addTo and has allocate %v times per run, want 0", allocs)
	}
}

func TestLoadVectorsCorrupt(t *testing.T) {
	valid := smallTestVectors()
	le := binary.LittleEndian
	edit := func(f func(b []byte) []byte) []byte { return f(slices.Clone(valid)) }
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"empty", nil, "header"},
		{"short header", valid[:11], "header"},
		{"bad magic", edit(func(b []byte) []byte { copy(b, "HGV2"); return b }), "magic"},
		{"zero dim", edit(func(b []byte) []byte { le.PutUint32(b[8:], 0); return b }), "dim"},
		{"huge dim", edit(func(b []byte) []byte { le.PutUint32(b[8:], math.MaxUint32); return b }), "dim"},
		{"huge word count", edit(func(b []byte) []byte { le.PutUint32(b[4:], math.MaxUint32); return b }), "offsets"},
		{"word count one too high", edit(func(b []byte) []byte { le.PutUint32(b[4:], 4); return b }), "need"},
		{"truncated offsets", valid[:20], "offsets"},
		{"truncated vectors", valid[:len(valid)-1], "need"},
		{"trailing bytes", append(slices.Clone(valid), 0), "need"},
		{"last offset past blob", edit(func(b []byte) []byte { le.PutUint32(b[12+4*3:], 1000); return b }), "need"},
		{"first offset not zero", edit(func(b []byte) []byte { le.PutUint32(b[12:], 1); return b }), "first"},
		{"offsets not monotonic", edit(func(b []byte) []byte { le.PutUint32(b[12+4:], 9); return b }), "below"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := loadVectors(tt.data)
			if err == nil {
				t.Fatalf("loadVectors(% x) = %v, nil; want error containing %q", tt.data, v, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "load vectors: ") {
				t.Errorf("loadVectors(% x) error %q, want it to start with %q and contain %q", tt.data, err, "load vectors: ", tt.wantErr)
			}
		})
	}
}

func FuzzLoadVectors(f *testing.F) {
	f.Add(smallTestVectors())
	f.Add(encodeTestVectors([]string{"nato"}, [][]float32{{1}}))
	f.Add([]byte("HGV1\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := loadVectors(data)
		if err != nil {
			return
		}
		dst := make([]float32, v.dim)
		for _, w := range []string{"", "a", "ab", "nato", "zebra", "\xff\xff"} {
			if v.addTo(dst, w, 1) != v.has(w) {
				t.Errorf("addTo(%q) and has(%q) disagree", w, w)
			}
		}
		if v.addTo(dst[:len(dst)-1], "ab", 1) {
			t.Error("addTo with a short dst returned true")
		}
	})
}

func BenchmarkLoadVectors(b *testing.B) {
	for b.Loop() {
		if _, err := loadVectors(gloveData); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVectorsAddTo(b *testing.B) {
	v, err := DefaultVectors()
	if err != nil {
		b.Fatal(err)
	}
	words := []string{"nato", "secretary", "general", "handover", "brussels", "nosuchwordzz"}
	dst := make([]float32, v.dim)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		v.addTo(dst, words[i%len(words)], 0.5)
	}
}
