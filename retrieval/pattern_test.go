package retrieval

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestPatternNeeds(t *testing.T) {
	tests := []struct {
		name string
		expr string
		want []string // nil: no test, every text goes to the regexp
	}{
		{"a word", `\bone\b`, []string{"one"}},
		{"case folded", `(?i)\bOne\b`, []string{"one"}},
		{"alternatives", `\b(Monday|Tuesday)\b`, []string{"monday", "tuesday"}},
		{"a word holding another is left out", `(?i)\b(dozens?|billions?)\b`, []string{"billion", "dozen"}},
		{"an optional part multiplies out", `aged? of`, []string{"age of", "aged of"}},
		{"a run too long to multiply keeps its start", `(19|20)\d\d`, []string{"190", "191", "192", "193", "194", "195", "196", "197", "198", "199", "200", "201", "202", "203", "204", "205", "206", "207", "208", "209"}},
		{"the longest part of a sequence", `\d+ years`, []string{" years"}},
		{"digits when the rest is letters", `\d+(st|nd|rd|th)`, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}},
		{"one or two letters turn nothing away", `\b(in|at)\b`, nil},
		{"a class multiplies out", `\b(in|at) [A-C]`, []string{"at a", "at b", "at c", "in a", "in b", "in c"}},
		{"an alternative without a literal spoils the set", `because|\w+ly`, nil},
		{"an optional whole needs nothing", `(because)?`, nil},
		{"a counted repeat, as Simplify writes it out", `(?:abc!){2,}`, []string{"abc!"}},
		{"a starred part needs nothing", `(because)*`, nil},
		{"a run starts again after a part of no known strings", `ab\w+cdef`, []string{"cdef"}},
		{"short words multiply out with the next", `\b(of|to) the\b`, []string{"of the", "to the"}},
		{"a space and a letter are too common", ` [A-Z]`, nil},
		{"one letter with an accent is too common", `é`, nil},
		{"a class too large", `[a-z]+`, nil},
	}
	for _, tt := range tests {
		got := mustPattern(tt.expr).needs
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: needs of %q = %q, want %q", tt.name, tt.expr, got, tt.want)
		}
	}
}

// TestPatternAgrees checks that a pattern's needs never turn away a text
// its regexp matches: every type pattern on every shipped passage, and on
// texts made of the pieces the patterns look for, in mixed case and with
// the runes regexp's (?i) folds onto ASCII letters.
func TestPatternAgrees(t *testing.T) {
	_, ix := shippedIndex(t)
	texts := make([]string, 0, len(ix.passages)+4000)
	for _, p := range ix.passages {
		texts = append(texts, p.Text)
	}
	var pieces []string
	for _, p := range typePatterns {
		pieces = append(pieces, p.needs...)
	}
	pieces = append(pieces, " ", "-", ",", ".", "'", "$", "€", "%", "ſ", "k", "é", "\xff", "1", "19", "200")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 4000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			piece := pieces[rng.IntN(len(pieces))]
			switch rng.IntN(3) {
			case 0:
				piece = strings.ToUpper(piece)
			case 1:
				piece = strings.ReplaceAll(strings.ReplaceAll(piece, "s", "ſ"), "k", "k")
			}
			b.WriteString(piece)
		}
		texts = append(texts, b.String())
	}
	matched := 0
	for ty, p := range typePatterns {
		if p.re == nil {
			continue
		}
		for _, text := range texts {
			want := p.re.MatchString(text)
			if got := p.match(text, fold(text)); got != want {
				t.Fatalf("type %d: match(%q) = %v, the regexp says %v (needs %q)", ty, text, got, want, p.needs)
			}
			if want {
				matched++
			}
		}
	}
	if matched < 1000 {
		t.Errorf("only %d texts matched a type pattern: the check reads too few matches to mean much", matched)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Tuesday":   "tuesday",
		"ſix":       "six",
		"Kelvin":    "kelvin",
		"Ünited €2": "Ünited €2",
		"σς":        "ΣΣ",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkTypesOf(b *testing.B) {
	_, ix := shippedIndex(b)
	for b.Loop() {
		for _, p := range ix.passages {
			typesOf(p.Text)
		}
	}
}

// FuzzPattern checks any pattern's needs against its regexp on any text.
func FuzzPattern(f *testing.F) {
	for _, c := range [][2]string{
		{`(?i)\b(one|two)\b`, "ONE"}, {`(because)*x`, "x"}, {`ab\w+cdef`, "abZZcdef"}, {`(?i)s`, "ſ"},
		{`(?i)kelvin`, "Kelvin"}, {`σ`, "ς"}, {`(?i)σ`, "ς"}, {`[^a]b`, "\xffb"}, {`\x{fffd}`, "\xff"},
		{`(19|20)\d\d`, "in 2014"}, {`a{2,}b?c`, "aac"}, {`(?i)é+`, "É"}, {``, ""},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, expr, text string) {
		if len(expr) > 200 {
			return
		}
		if _, err := regexp.Compile(expr); err != nil {
			return
		}
		p := mustPattern(expr)
		if got, want := p.match(text, fold(text)), p.re.MatchString(text); got != want {
			t.Fatalf("%q on %q: match %v, the regexp %v (needs %q)", expr, text, got, want, p.needs)
		}
	})
}

// FuzzTypesOf checks the needs against the regexps on any text.
func FuzzTypesOf(f *testing.F) {
	for _, s := range []string{"It opened in 1998.", "ſix YEARS-old", "$5", "at 9 p.m.", "the 13th", "because"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		folded := fold(text)
		for ty, p := range typePatterns {
			if p.re != nil && p.match(text, folded) != p.re.MatchString(text) {
				t.Fatalf("type %d on %q: needs %q turn away a match", ty, text, p.needs)
			}
		}
	})
}
