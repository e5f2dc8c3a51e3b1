package main

import (
	"encoding/binary"
)

// encode writes the layout documented in retrieval/lexicon/format.go.
func (lx *lexiconData) encode() []byte {
	le := binary.LittleEndian
	out := []byte("HLX2")
	out = le.AppendUint32(out, uint32(len(lx.words)))
	out = le.AppendUint32(out, uint32(len(lx.forms)))

	out = appendTable(out, stringsAsBytes(lx.words))
	payloads := make([][]byte, len(lx.words))
	for i, rs := range lx.rels {
		p := []byte{lx.pos[i]}
		for _, r := range rs {
			p = binary.AppendUvarint(p, uint64(r.target)<<3|uint64(r.kind))
		}
		payloads[i] = p
	}
	out = appendTable(out, payloads)

	out = appendTable(out, stringsAsBytes(lx.forms))
	payloads = make([][]byte, len(lx.forms))
	for i, bs := range lx.bases {
		var p []byte
		for _, b := range bs {
			p = binary.AppendUvarint(p, uint64(b))
		}
		payloads[i] = p
	}
	return appendTable(out, payloads)
}

func stringsAsBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// appendTable appends uint32 offsets[len(items)+1] and the concatenated items.
func appendTable(out []byte, items [][]byte) []byte {
	le := binary.LittleEndian
	off := uint32(0)
	out = le.AppendUint32(out, 0)
	for _, it := range items {
		off += uint32(len(it))
		out = le.AppendUint32(out, off)
	}
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}
