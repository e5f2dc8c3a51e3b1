package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/handover/handover/retrieval/lexicon"
)

// fixture builds the lexicon of testdata: a few lines in WordNet's index and
// data formats, so parsing is tested without the real files.
func fixture(t *testing.T) *lexicon.Lexicon {
	t.Helper()
	wn, err := readDict(os.DirFS("testdata/dict"), os.DirFS("testdata/dict"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := readVocab("testdata/vocab.txt")
	if err != nil {
		t.Fatal(err)
	}
	l, err := lexicon.Load(build(wn, v).encode())
	if err != nil {
		t.Fatalf("Load(encode(fixture)): %v", err)
	}
	return l
}

func TestRoundTrip(t *testing.T) {
	l := fixture(t)
	related := []struct {
		name string
		word string
		want []lexicon.Relation
	}{
		{"semantic pointers, out-of-vocabulary target dropped", "tuesday", []lexicon.Relation{
			{Word: "weekday", Kind: lexicon.Hypernym},
		}},
		{"ordered by kind then file order", "weekday", []lexicon.Relation{
			{Word: "day", Kind: lexicon.Hypernym},
			{Word: "tuesday", Kind: lexicon.Hyponym},
			{Word: "monday", Kind: lexicon.Hyponym},
			{Word: "mon", Kind: lexicon.Hyponym},
		}},
		{"synonym, member holonym, pertainym deduplicated", "norwegian", []lexicon.Relation{
			{Word: "norse", Kind: lexicon.Synonym},
			{Word: "norway", Kind: lexicon.PartOf},
			{Word: "kingdom of norway", Kind: lexicon.PartOf},
		}},
		{"lexical pointer of another word skipped", "norse", []lexicon.Relation{
			{Word: "norwegian", Kind: lexicon.Synonym},
		}},
		{"multiword synonym and member meronym", "norway", []lexicon.Relation{
			{Word: "kingdom of norway", Kind: lexicon.Synonym},
			{Word: "norwegian", Kind: lexicon.HasPart},
		}},
		{"exception form", "days", []lexicon.Relation{
			{Word: "weekday", Kind: lexicon.Hyponym},
		}},
		{"unknown", "tuesdayism", nil},
	}
	for _, tt := range related {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, l.Related(tt.word)); diff != "" {
				t.Errorf("Related(%q) mismatch (-want +got):\n%s", tt.word, diff)
			}
		})
	}
	has := []struct {
		word string
		want bool
	}{
		{"kingdom of norway", true}, // all parts in the vocabulary
		{"norseman", false},         // not in the vocabulary
		{"tuesdayism", false},
		{"norse", true}, // adjective marker "(a)" stripped
	}
	for _, tt := range has {
		t.Run("has "+tt.word, func(t *testing.T) {
			if got := l.Has(tt.word); got != tt.want {
				t.Errorf("Has(%q) = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
	proper := []struct {
		word string
		want bool
	}{
		{"tuesday", true},           // "Tuesday"
		{"kingdom of norway", true}, // "Kingdom_of_Norway"
		{"norwegian", true},         // capitalised as a noun and as an adjective
		{"norse", true},             // "Norse(a)": marker stripped, case kept
		{"mon", false},              // "Mon" and, in another synset, "mon"
		{"weekday", false},
		{"day", false},
		{"days", false},       // not a word: its lemma "day" is common
		{"tuesdays", true},    // not a word: its lemma "tuesday" is proper
		{"tuesdayism", false}, // not in the vocabulary
	}
	for _, tt := range proper {
		t.Run("proper "+tt.word, func(t *testing.T) {
			if got := l.Proper(tt.word); got != tt.want {
				t.Errorf("Proper(%q) = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
	if got := l.Lemmas("days"); !slices.Equal(got, []string{"day"}) {
		t.Errorf("Lemmas(days) = %v, want [day]", got)
	}
}

func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "wordnet.bin")
	var stderr bytes.Buffer
	if err := run([]string{"-dict", "testdata/dict", "-vocab", "testdata/vocab.txt", "-out", out}, &stderr); err != nil {
		t.Fatalf("run: %v (%s)", err, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lexicon.Load(data); err != nil {
		t.Errorf("Load(written file): %v", err)
	}
	if err := run([]string{"-vocab", "testdata/vocab.txt"}, &stderr); err == nil {
		t.Error("run without -dict succeeded, want an error")
	}
}

func TestParseVocabGlove(t *testing.T) {
	le := binary.LittleEndian
	data := le.AppendUint32([]byte("HGV1"), 2)
	data = le.AppendUint32(data, 1)
	for _, o := range []uint32{0, 3, 8} {
		data = le.AppendUint32(data, o)
	}
	data = append(data, "day"+"night"...)
	got, err := parseVocab(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]bool{"day": true, "night": true}, got); diff != "" {
		t.Errorf("parseVocab mismatch (-want +got):\n%s", diff)
	}
	if _, err := parseVocab(data[:20]); err == nil {
		t.Error("parseVocab(truncated glove) succeeded, want an error")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, line string
		index      bool
	}{
		{"short data line", "123 n 01", false},
		{"bad offset", "abc 28 n 01 day 0 000 | x", false},
		{"bad ss_type", "1 28 q 01 day 0 000 | x", false},
		{"truncated words", "1 28 n 05 day 0 000 | x", false},
		{"truncated pointers", "1 28 n 01 day 0 002 @ 2 n 0000 | x", false},
		{"bad pointer pos", "1 28 n 01 day 0 001 @ 2 x 0000 | x", false},
		{"bad src/dst", "1 28 n 01 day 0 001 @ 2 n 00zz | x", false},
		{"short index line", "day n 1", true},
		{"index counts disagree", "day n 2 0 2 0 1", true},
		{"bad index offset", "day n 1 0 1 0 x1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wn := &dict{synsets: map[synsetKey]*synset{}}
			wn.index[0] = map[string][]uint32{}
			var err error
			if tt.index {
				err = wn.parseIndex(0, tt.line)
			} else {
				err = wn.parseData(tt.line)
			}
			if err == nil {
				t.Errorf("parse %q succeeded, want an error", tt.line)
			}
		})
	}
}

func TestCapitalised(t *testing.T) {
	for lemma, want := range map[string]bool{
		"Norway": true, "NATO": true, "Kingdom_of_Norway": true, "de_Gaulle": true,
		"middle_Atlantic": true, "Norse(a)": true,
		"union": false, "pH": false, "mRNA": false, "anti-American": false, "1st": false, "": false,
	} {
		if got := capitalised(lemma); got != want {
			t.Errorf("capitalised(%q) = %v, want %v", lemma, got, want)
		}
	}
}

func FuzzParseData(f *testing.F) {
	for _, s := range []string{
		"15189152 28 n 01 Tuesday 0 002 @ 15184543 n 0000 + 00000001 n 0101 | the third day",
		"02971458 01 s 02 Norwegian 0 Norse(a) 0 001 \\ 08781940 n 0101 | of Norway",
		"00000001 29 v 01 go 0 001 @ 2 v 0000 01 + 02 00 | go",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		wn := &dict{synsets: map[synsetKey]*synset{}}
		_ = wn.parseData(line)
	})
}

func FuzzParseIndex(f *testing.F) {
	f.Add("tuesday n 1 2 @ + 1 0 15189152  ")
	f.Add("boss n 5 3 @ ~ + 5 3 10123978 09887362 10123833 10422907 03631406")
	f.Fuzz(func(t *testing.T, line string) {
		wn := &dict{}
		wn.index[0] = map[string][]uint32{}
		_ = wn.parseIndex(0, line)
	})
}

func FuzzParseVocab(f *testing.F) {
	f.Add([]byte("HGV1\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00day"))
	f.Add([]byte("day\nnight\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseVocab(data)
	})
}
