package lexicon

import (
	"encoding/binary"
	"fmt"
)

// The file written by cmd/wordnetgen, little-endian throughout:
//
//	"HLX2"
//	uint32 nWords, uint32 nForms
//	words: uint32 offsets[nWords+1], then the concatenated words, sorted bytewise
//	rels:  uint32 offsets[nWords+1], then per word a flag byte (its parts of
//	       speech: noun 1, verb 2, adj 4, adv 8; and proper 16: every
//	       occurrence of the word in WordNet's data files is capitalised)
//	       and uvarint(target<<3 | kind)…
//	forms: uint32 offsets[nForms+1], then the exception forms, sorted bytewise
//	bases: uint32 offsets[nForms+1], then per form uvarint word indices
//
// Offsets are relative to the start of their blob; the last one is the blob's
// length. Load checks every offset, so lookups cannot slice out of range;
// payloads are decoded defensively, so corrupt ones lose relations, not
// panic.
//
// Version 2 ("HLX2") added the proper flag; version 1 files are rejected
// rather than read as having no proper nouns.
const (
	magic      = "HLX2"
	headerSize = 12
)

// table is n byte strings read in place: offsets[n+1] into blob.
type table struct {
	n    int
	off  []byte
	blob []byte
}

func (t table) at(i int) []byte {
	start := binary.LittleEndian.Uint32(t.off[4*i:])
	end := binary.LittleEndian.Uint32(t.off[4*i+4:])
	return t.blob[start:end]
}

// find binary-searches a sorted table. Converting to string inside a
// comparison does not allocate.
func (t table) find(s string) (int, bool) {
	lo, hi := 0, t.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if string(t.at(mid)) < s {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < t.n && string(t.at(lo)) == s
}

// readTable reads a table of n strings from data at pos and returns the
// position after it.
func readTable(data []byte, pos, n uint64, name string) (table, uint64, error) {
	size := uint64(len(data))
	offEnd := pos + 4*(n+1)
	if offEnd > size {
		return table{}, 0, fmt.Errorf("%s: %d entries need %d bytes of offsets, have %d", name, n, 4*(n+1), size-pos)
	}
	off := data[pos:offEnd]
	le := binary.LittleEndian
	if first := le.Uint32(off); first != 0 {
		return table{}, 0, fmt.Errorf("%s: first offset is %d, want 0", name, first)
	}
	prev := uint32(0)
	for i := uint64(1); i <= n; i++ {
		o := le.Uint32(off[4*i:])
		if o < prev {
			return table{}, 0, fmt.Errorf("%s: offset %d (%d) is below the previous one (%d)", name, i, o, prev)
		}
		prev = o
	}
	end := offEnd + uint64(prev)
	if end > size {
		return table{}, 0, fmt.Errorf("%s: blob of %d bytes runs past the end (%d bytes left)", name, prev, size-offEnd)
	}
	return table{n: int(n), off: off, blob: data[offEnd:end]}, end, nil
}

// Load reads a lexicon from data written by cmd/wordnetgen, without copying:
// data must not be modified afterwards. It checks the header and every
// offset (one pass over them) and returns an error, never panics, on corrupt
// input. Word order is not checked; an unsorted table only makes lookups
// miss.
func Load(data []byte) (*Lexicon, error) {
	if len(data) < headerSize {
		return nil, fmt.Errorf("load lexicon: %d bytes is shorter than the %d-byte header", len(data), headerSize)
	}
	if string(data[:4]) != magic {
		return nil, fmt.Errorf("load lexicon: bad magic %q, want %q", data[:4], magic)
	}
	nWords := uint64(binary.LittleEndian.Uint32(data[4:]))
	nForms := uint64(binary.LittleEndian.Uint32(data[8:]))
	var l Lexicon
	pos := uint64(headerSize)
	var err error
	for _, s := range []struct {
		t    *table
		n    uint64
		name string
	}{
		{&l.words, nWords, "words"},
		{&l.rels, nWords, "relations"},
		{&l.forms, nForms, "forms"},
		{&l.bases, nForms, "bases"},
	} {
		if *s.t, pos, err = readTable(data, pos, s.n, s.name); err != nil {
			return nil, fmt.Errorf("load lexicon: %w", err)
		}
	}
	if pos != uint64(len(data)) {
		return nil, fmt.Errorf("load lexicon: %d trailing bytes", uint64(len(data))-pos)
	}
	return &l, nil
}
