package search

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
)

// gloveData is glove.bin, made by cmd/glovegen from GloVe 6B 100-d (see
// NOTICE). It is read-only by contract: Vectors point into it.
//
//go:embed glove.bin
var gloveData []byte

const (
	vectorsMagic  = "HGV1"
	vectorsHeader = 12 // magic, nWords, dim
	// maxVectorsDim bounds dim so that a corrupt header cannot make the
	// size arithmetic below overflow or a caller allocate a huge dst.
	maxVectorsDim = 1 << 16
)

// Vectors is a read-only table of int8-quantised word vectors in the layout
// written by cmd/glovegen. It reads straight from the bytes it was loaded
// from, so loading builds no map and decodes no vector; a lookup is a binary
// search over the sorted words. It is safe for concurrent use.
type Vectors struct {
	n, dim  int
	offsets []byte // uint32 offsets[n+1] into words
	words   []byte // concatenated words, sorted bytewise
	scales  []byte // float32 scales[n]
	vecs    []byte // int8 vecs[n*dim]
}

// DefaultVectors returns the GloVe vectors shipped in the binary. Each call
// is cheap and shares the embedded bytes.
func DefaultVectors() (*Vectors, error) {
	v, err := loadVectors(gloveData)
	if err != nil {
		return nil, fmt.Errorf("load embedded glove.bin: %w", err)
	}
	return v, nil
}

// loadVectors checks data and returns vectors that read from it without
// copying; data must not be modified afterwards. It rejects corrupt input
// with an error rather than panicking later: the header, every section's size
// and the word offsets (monotonic and within the word blob) are checked, which
// costs one pass over the nWords+1 offsets. Word order is not checked; an
// unsorted table only makes lookups miss.
func loadVectors(data []byte) (*Vectors, error) {
	if len(data) < vectorsHeader {
		return nil, fmt.Errorf("load vectors: %d bytes is shorter than the %d-byte header", len(data), vectorsHeader)
	}
	if string(data[:4]) != vectorsMagic {
		return nil, fmt.Errorf("load vectors: bad magic %q, want %q", data[:4], vectorsMagic)
	}
	le := binary.LittleEndian
	n := uint64(le.Uint32(data[4:]))
	dim := uint64(le.Uint32(data[8:]))
	if dim == 0 || dim > maxVectorsDim {
		return nil, fmt.Errorf("load vectors: dim %d out of range 1..%d", dim, maxVectorsDim)
	}
	size := uint64(len(data))
	// n < 2^32 and dim <= 2^16, so none of these sums overflow uint64.
	offEnd := vectorsHeader + 4*(n+1)
	if offEnd > size {
		return nil, fmt.Errorf("load vectors: %d words need %d bytes of offsets, have %d", n, 4*(n+1), size-vectorsHeader)
	}
	offsets := data[vectorsHeader:offEnd]
	blobLen := uint64(le.Uint32(offsets[4*n:]))
	blobEnd := offEnd + blobLen
	scalesStart := (blobEnd + 3) &^ 3
	want := scalesStart + 4*n + n*dim
	if want != size {
		return nil, fmt.Errorf("load vectors: %d words of dim %d with a %d-byte word blob need %d bytes, have %d", n, dim, blobLen, want, size)
	}
	prev := uint32(0)
	if first := le.Uint32(offsets); first != 0 {
		return nil, fmt.Errorf("load vectors: first word offset is %d, want 0", first)
	}
	for i := uint64(1); i <= n; i++ {
		o := le.Uint32(offsets[4*i:])
		if o < prev {
			return nil, fmt.Errorf("load vectors: word offset %d (%d) is below the previous one (%d)", i, o, prev)
		}
		prev = o
	}
	return &Vectors{
		n:       int(n),
		dim:     int(dim),
		offsets: offsets,
		words:   data[offEnd:blobEnd],
		scales:  data[scalesStart : scalesStart+4*n],
		vecs:    data[scalesStart+4*n:],
	}, nil
}

// has reports whether word has a vector. Words are lowercase.
func (v *Vectors) has(word string) bool {
	_, ok := v.find(word)
	return ok
}

// addTo adds weight times word's vector to dst and reports whether word is
// known. It does not allocate. dst must have length v.dim; otherwise addTo
// leaves dst alone and returns false.
func (v *Vectors) addTo(dst []float32, word string, weight float32) bool {
	if len(dst) != v.dim {
		return false
	}
	i, ok := v.find(word)
	if !ok {
		return false
	}
	w := weight * math.Float32frombits(binary.LittleEndian.Uint32(v.scales[4*i:]))
	row := v.vecs[i*v.dim : (i+1)*v.dim]
	dst = dst[:len(row)]
	for j, q := range row {
		dst[j] += w * float32(int8(q))
	}
	return true
}

// find binary-searches the sorted words. Converting to string inside a
// comparison does not allocate.
func (v *Vectors) find(word string) (int, bool) {
	lo, hi := 0, v.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		w := v.word(mid)
		if string(w) < word {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < v.n && string(v.word(lo)) == word
}

func (v *Vectors) word(i int) []byte {
	start := binary.LittleEndian.Uint32(v.offsets[4*i:])
	end := binary.LittleEndian.Uint32(v.offsets[4*i+4:])
	return v.words[start:end]
}
