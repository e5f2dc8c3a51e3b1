package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The four parts of speech in WordNet's file order; satellite adjectives
// ("s") count as adjectives.
var posNames = [4]string{"noun", "verb", "adj", "adv"}

const posLetters = "nvar"

func posIndex(c string) (int, bool) {
	if c == "s" {
		c = "a"
	}
	i := strings.Index(posLetters, c)
	return i, i >= 0 && len(c) == 1
}

type synsetKey struct {
	pos    int
	offset uint32
}

type pointer struct {
	symbol   string
	target   synsetKey
	src, dst int // 1-based word numbers; 0 for a semantic pointer
}

type synset struct {
	words []string // normalised: lowercase, spaces, no adjective markers
	ptrs  []pointer
}

// dict is what the generator needs from WordNet.
type dict struct {
	index   [4]map[string][]uint32 // lemma → synset offsets, most frequent sense first
	synsets map[synsetKey]*synset
	exc     [4][][]string // per POS, lines of "form base…" in file order
	// proper tells, per normalised lemma, whether every occurrence of it in
	// the data files so far is capitalised (see capitalised).
	proper map[string]bool
}

// normalise turns a WordNet lemma into the lexicon's form: lowercase, spaces
// for underscores, adjective position markers ("(a)", "(p)", "(ip)") gone.
func normalise(lemma string) string {
	if i := strings.IndexByte(lemma, '('); i > 0 {
		lemma = lemma[:i]
	}
	return strings.ToLower(strings.ReplaceAll(lemma, "_", " "))
}

// capitalised reports whether a lemma as the data files write it (they keep
// its case, unlike the index files) is a name: some of its words starts with
// an upper-case letter ("Norway", "NATO", "Kingdom_of_Norway", "de_Gaulle",
// "middle_Atlantic"), not only an inner letter ("pH", "mRNA").
func capitalised(lemma string) bool {
	for part := range strings.SplitSeq(lemma, "_") {
		if r, _ := utf8.DecodeRuneInString(part); unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// readDict reads index.* and data.* from d and *.exc from exc. Missing part
// of speech files are skipped, so small fixtures need only the ones they use.
func readDict(d, exc fs.FS) (*dict, error) {
	wn := &dict{synsets: make(map[synsetKey]*synset)}
	for p, name := range posNames {
		wn.index[p] = make(map[string][]uint32)
		if err := readLines(d, "index."+name, func(line string) error { return wn.parseIndex(p, line) }); err != nil {
			return nil, err
		}
		if err := readLines(d, "data."+name, func(line string) error { return wn.parseData(line) }); err != nil {
			return nil, err
		}
		if err := readLines(exc, name+".exc", func(line string) error {
			if f := strings.Fields(line); len(f) >= 2 {
				wn.exc[p] = append(wn.exc[p], f)
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return wn, nil
}

// readLines calls fn for every line of name that is not part of the licence
// header (which starts with spaces). A missing file is not an error.
func readLines(fsys fs.FS, name string, fn func(string) error) error {
	data, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line[0] == ' ' {
			continue
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// parseIndex reads "lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt
// tagsense_cnt synset_offset…".
func (wn *dict) parseIndex(p int, line string) error {
	f := strings.Fields(line)
	if len(f) < 6 {
		return fmt.Errorf("index line has %d fields", len(f))
	}
	nSyn, err1 := strconv.Atoi(f[2])
	nPtr, err2 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil || nSyn < 0 || nPtr < 0 || len(f) != 6+nPtr+nSyn {
		return fmt.Errorf("bad index counts in %q", line)
	}
	offs := make([]uint32, nSyn)
	for i, s := range f[6+nPtr:] {
		o, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return fmt.Errorf("bad synset offset %q", s)
		}
		offs[i] = uint32(o)
	}
	lemma := normalise(f[0])
	wn.index[p][lemma] = append(wn.index[p][lemma], offs...)
	return nil
}

// parseData reads "offset lex_filenum ss_type w_cnt [word lex_id…] p_cnt
// [ptr_symbol offset pos src/dst…] [frames] | gloss".
func (wn *dict) parseData(line string) error {
	if i := strings.Index(line, " | "); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(line)
	if len(f) < 5 {
		return fmt.Errorf("data line has %d fields", len(f))
	}
	off, err := strconv.ParseUint(f[0], 10, 32)
	if err != nil {
		return fmt.Errorf("bad offset %q", f[0])
	}
	p, ok := posIndex(f[2])
	if !ok {
		return fmt.Errorf("bad ss_type %q", f[2])
	}
	nw, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil {
		return fmt.Errorf("bad w_cnt %q", f[3])
	}
	i := 4
	s := &synset{}
	var caps []bool
	for range nw {
		if i+2 > len(f) {
			return fmt.Errorf("truncated word list")
		}
		s.words = append(s.words, normalise(f[i]))
		caps = append(caps, capitalised(f[i]))
		i += 2
	}
	if i >= len(f) {
		return fmt.Errorf("missing p_cnt")
	}
	np, err := strconv.Atoi(f[i])
	if err != nil || np < 0 {
		return fmt.Errorf("bad p_cnt %q", f[i])
	}
	i++
	for range np {
		if i+4 > len(f) {
			return fmt.Errorf("truncated pointer list")
		}
		to, err1 := strconv.ParseUint(f[i+1], 10, 32)
		tp, ok := posIndex(f[i+2])
		sd, err2 := strconv.ParseUint(f[i+3], 16, 16)
		if err1 != nil || !ok || err2 != nil || len(f[i+3]) != 4 {
			return fmt.Errorf("bad pointer %q", strings.Join(f[i:i+4], " "))
		}
		s.ptrs = append(s.ptrs, pointer{
			symbol: f[i],
			target: synsetKey{tp, uint32(to)},
			src:    int(sd >> 8),
			dst:    int(sd & 0xff),
		})
		i += 4
	}
	wn.synsets[synsetKey{p, uint32(off)}] = s
	if wn.proper == nil {
		wn.proper = make(map[string]bool)
	}
	for j, w := range s.words {
		if prev, seen := wn.proper[w]; seen {
			wn.proper[w] = prev && caps[j]
		} else {
			wn.proper[w] = caps[j]
		}
	}
	return nil
}

// readVocab reads the vocabulary: retrieval/search's glove.bin (magic "HGV1",
// uint32 nWords, uint32 dim, uint32 offsets[n+1], then the word blob) or a
// text file of one word a line.
func readVocab(path string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read vocabulary: %w", err)
	}
	words, err := parseVocab(data)
	if err != nil {
		return nil, fmt.Errorf("read vocabulary %s: %w", path, err)
	}
	return words, nil
}

func parseVocab(data []byte) (map[string]bool, error) {
	v := make(map[string]bool)
	if !bytes.HasPrefix(data, []byte("HGV1")) {
		for _, w := range strings.Fields(string(data)) {
			v[strings.ToLower(w)] = true
		}
		return v, nil
	}
	le := binary.LittleEndian
	if len(data) < 12 {
		return nil, fmt.Errorf("glove header truncated")
	}
	n := uint64(le.Uint32(data[4:]))
	offEnd := 12 + 4*(n+1)
	if offEnd > uint64(len(data)) {
		return nil, fmt.Errorf("glove offsets truncated")
	}
	blobLen := uint64(le.Uint32(data[12+4*n:]))
	if offEnd+blobLen > uint64(len(data)) {
		return nil, fmt.Errorf("glove word blob truncated")
	}
	blob := data[offEnd : offEnd+blobLen]
	for i := range n {
		s, e := le.Uint32(data[12+4*i:]), le.Uint32(data[12+4*i+4:])
		if s > e || uint64(e) > blobLen {
			return nil, fmt.Errorf("glove word %d has bad offsets", i)
		}
		v[string(blob[s:e])] = true
	}
	return v, nil
}
