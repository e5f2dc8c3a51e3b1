package lexicon

import (
	"slices"
	"testing"
)

func defaultLexicon(t testing.TB) *Lexicon {
	t.Helper()
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRelated(t *testing.T) {
	l := defaultLexicon(t)
	tests := []struct {
		name  string
		word  string
		want  string
		kinds []Kind // any of these
	}{
		{"day to its class", "tuesday", "weekday", []Kind{Hypernym}},
		{"class to its day", "weekday", "tuesday", []Kind{Hyponym}},
		{"demonym adjective to country", "norwegian", "norway", []Kind{PartOf, Pertainym}},
		{"country to demonym", "norway", "norwegian", []Kind{HasPart, Pertainym}},
		{"dutch adjective to country", "dutch", "netherlands", []Kind{Pertainym}},
		{"dutchman member of country", "dutchman", "netherlands", []Kind{PartOf}},
		{"british to great britain", "british", "great britain", []Kind{Pertainym}},
		{"ukrainian to ukraine", "ukrainian", "ukraine", []Kind{Derived, Pertainym}},
		{"russian to russia", "russian", "russia", []Kind{PartOf, Pertainym}},
		{"verb to noun", "invade", "invasion", []Kind{Derived}},
		{"noun to verb", "invasion", "invade", []Kind{Derived}},
		{"boss is a chief", "boss", "chief", []Kind{Synonym}},
		{"country in its region", "lebanon", "middle east", []Kind{PartOf}},
		{"inflected form", "invaded", "invasion", []Kind{Derived}},
		{"irregular past", "took", "taking", []Kind{Derived}},
		{"multiword synonym", "prime minister", "premier", []Kind{Synonym}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := l.Related(tt.word)
			for _, r := range got {
				if r.Word == tt.want && slices.Contains(tt.kinds, r.Kind) {
					return
				}
			}
			t.Errorf("Related(%q) = %v, want %q as one of %v", tt.word, got, tt.want, tt.kinds)
		})
	}
}

func TestRelatedInvariants(t *testing.T) {
	l := defaultLexicon(t)
	for _, w := range []string{"tuesday", "boss", "better", "countries", "lead", "led", "norway", "unknownword", ""} {
		t.Run(w, func(t *testing.T) {
			got := l.Related(w)
			seen := map[string]bool{}
			for i, r := range got {
				if r.Word == w {
					t.Errorf("Related(%q) contains the word itself at %d", w, i)
				}
				if seen[r.Word] {
					t.Errorf("Related(%q) repeats %q", w, r.Word)
				}
				seen[r.Word] = true
				if i > 0 && got[i-1].Kind > r.Kind {
					t.Errorf("Related(%q) not ordered by kind at %d: %v then %v", w, i, got[i-1], r)
				}
			}
			if again := l.Related(w); !slices.Equal(got, again) {
				t.Errorf("Related(%q) is not stable:\n%v\n%v", w, got, again)
			}
		})
	}
}

func TestLemmas(t *testing.T) {
	l := defaultLexicon(t)
	tests := []struct {
		name, word, want string
	}{
		{"irregular past", "took", "take"},
		{"irregular past participle", "led", "lead"},
		{"irregular comparative", "better", "good"},
		{"ies plural", "countries", "country"},
		{"ed past", "invaded", "invade"},
		{"ing form", "invading", "invade"},
		{"doubled consonant", "stopping", "stop"},
		{"men plural", "chairmen", "chairman"},
		{"itself", "weekday", "weekday"},
		{"multiword plural", "prime ministers", "prime minister"},
		{"dropped g", "talkin", "talk"},
		{"dropped g, irregular", "goin", "go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Lemmas(tt.word); !slices.Contains(got, tt.want) {
				t.Errorf("Lemmas(%q) = %v, want it to contain %q", tt.word, got, tt.want)
			}
		})
	}
	notWant := []struct{ name, word, bad string }{
		{"noun not read as plural of genus", "boss", "bos"},
		{"unknown word has none", "xqzzy", "xqzzy"},
		{"a name is not a dropped g", "putin", "put"},
		{"a word of its own is not a dropped g", "basin", "base"},
	}
	for _, tt := range notWant {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Lemmas(tt.word); slices.Contains(got, tt.bad) {
				t.Errorf("Lemmas(%q) = %v, want no %q", tt.word, got, tt.bad)
			}
		})
	}
}

func TestHas(t *testing.T) {
	l := defaultLexicon(t)
	tests := []struct {
		word string
		want bool
	}{
		{"prime minister", true},
		{"secretary general", true},
		{"middle east", true},
		{"head of state", true},
		{"weekday", true},
		{"prime_minister", false},
		{"Weekday", false},
		{"xqzzy", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := l.Has(tt.word); got != tt.want {
				t.Errorf("Has(%q) = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
}

func TestProper(t *testing.T) {
	l := defaultLexicon(t)
	tests := []struct {
		word string
		want bool
	}{
		{"norway", true},
		{"nato", true},
		{"brussels", true},   // a name, not the plural of "brussel"
		{"atlantic", true},   // noun and adjective, both capitalised
		{"norwegians", true}, // not in the lexicon: its lemma "norwegian" is proper
		{"middle east", true},
		{"council", false},
		{"union", false}, // "Union" (the North) and "union"
		{"nuclear", false},
		{"weapons", false}, // not in the lexicon: its lemma "weapon" is common
		{"middle", false},
		{"xqzzy", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := l.Proper(tt.word); got != tt.want {
				t.Errorf("Proper(%q) = %v, want %v (lemmas %v)", tt.word, got, tt.want, l.Lemmas(tt.word))
			}
		})
	}
}

func TestKindString(t *testing.T) {
	for k := Synonym; k <= Pertainym; k++ {
		if s := k.String(); s == "" || s[0] == 'K' {
			t.Errorf("Kind(%d).String() = %q", k, s)
		}
	}
	if got := Kind(0).String(); got != "Kind(0)" {
		t.Errorf("Kind(0).String() = %q", got)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short", []byte("HLX2")},
		{"bad magic", []byte("XXXX\x00\x00\x00\x00\x00\x00\x00\x00")},
		{"missing offsets", []byte("HLX2\x01\x00\x00\x00\x00\x00\x00\x00")},
		{"trailing bytes", append(append([]byte("HLX2\x00\x00\x00\x00\x00\x00\x00\x00"), make([]byte, 16)...), 'x')},
		{"offset past end", append([]byte("HLX2\x01\x00\x00\x00\x00\x00\x00\x00"), 0, 0, 0, 0, 9, 0, 0, 0)},
		{"decreasing offsets", append([]byte("HLX2\x02\x00\x00\x00\x00\x00\x00\x00"), 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 'a', 'b')},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if l, err := Load(tt.data); err == nil {
				t.Errorf("Load(%q) = %v, nil; want an error", tt.data, l)
			}
		})
	}
	empty := []byte("HLX2\x00\x00\x00\x00\x00\x00\x00\x00")
	empty = append(empty, make([]byte, 16)...)
	if _, err := Load(empty); err != nil {
		t.Errorf("Load(empty lexicon) = %v, want nil", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("HLX2\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add(wordnetData[:64])
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Load(data)
		if err != nil {
			return
		}
		// Whatever loaded must be safe to use.
		for _, w := range []string{"a", "tuesday", "took", ""} {
			l.Related(w)
			l.Lemmas(w)
			l.Has(w)
			l.Proper(w)
		}
		for i := range min(l.words.n, 50) {
			w := string(l.words.at(i))
			l.Related(w)
			l.Lemmas(w + "s")
			l.Proper(w + "s")
		}
	})
}

func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRelated(b *testing.B) {
	l := defaultLexicon(b)
	words := []string{"tuesday", "invaded", "countries", "norwegian", "prime minister", "boss", "took"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l.Related(words[i%len(words)])
	}
}

func BenchmarkLemmas(b *testing.B) {
	l := defaultLexicon(b)
	for b.Loop() {
		l.Lemmas("countries")
	}
}

func TestHyponyms(t *testing.T) {
	l := defaultLexicon(t)
	tests := []struct {
		name         string
		word         string
		depth, limit int
		want         []string // all in the result
		not          []string // none in it
	}{
		{"an instance two levels down", "city", 2, 5000, []string{"national capital", "brussels"}, []string{"city"}},
		// "sat" (Saturday) is also a form of the verb "sit", whose
		// hyponyms ("perch", "squat") a walk by lemmas would bring in.
		{"days of the week, and no verb by a form on the way", "weekday", 2, 100, []string{"tuesday", "saturday", "sat"}, []string{"sit", "perch", "squat"}},
		{"an inflected head by its lemma", "cities", 2, 5000, []string{"brussels"}, nil},
		{"depth 0 walks nowhere", "city", 0, 5000, nil, nil},
		{"not a noun", "quickly", 2, 5000, nil, nil},
		{"not a word", "xqzv", 2, 5000, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := l.Hyponyms(tt.word, tt.depth, tt.limit)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Hyponyms(%q, %d) lacks %q (%d words)", tt.word, tt.depth, w, len(got))
				}
			}
			for _, w := range tt.not {
				if slices.Contains(got, w) {
					t.Errorf("Hyponyms(%q, %d) holds %q", tt.word, tt.depth, w)
				}
			}
			if tt.want == nil && tt.not == nil && len(got) > 0 {
				t.Errorf("Hyponyms(%q) = %v, want none", tt.word, got)
			}
		})
	}
	if got := l.Hyponyms("city", 2, 10); len(got) != 10 {
		t.Errorf("Hyponyms(city, limit 10) gave %d words", len(got))
	}
	if got, want := l.Hyponyms("city", 1, 5000), l.Hyponyms("city", 2, 5000); len(got) >= len(want) || !slices.Equal(got, want[:len(got)]) {
		t.Errorf("a deeper walk should extend the shallower one, nearest first: %d then %d words", len(got), len(want))
	}
}
