package retrieval

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
)

// pattern is a regular expression with strings one of which every match
// holds, read off its syntax, so that a text holding none of them is
// turned away by substring tests before the regexp runs. The type
// patterns run on every passage as the index is built, and most passages
// hold none of a pattern's words: the regexps were the largest part of a
// cold start.
type pattern struct {
	re    *regexp.Regexp
	needs []string // folded (see fold); nil: every text goes to the regexp
}

// mustPattern compiles expr, as regexp.MustCompile does.
func mustPattern(expr string) pattern {
	re := regexp.MustCompile(expr)
	p := pattern{re: re}
	if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
		p.needs = shortest(literals(tree.Simplify()).needs)
	}
	return p
}

// match reports whether text holds a match; folded is fold(text).
func (p pattern) match(text, folded string) bool {
	if p.needs != nil && !slices.ContainsFunc(p.needs, func(s string) bool { return strings.Contains(folded, s) }) {
		return false
	}
	return p.re.MatchString(text)
}

// fold maps s to one case, so that a literal of the pattern, folded the
// same way, is found in the text whatever case either is written in: each
// rune becomes the least of the runes regexp's (?i) takes for it, in
// lower case if that is an ASCII letter, so the long s and the Kelvin sign
// become "s" and "k" as "S" and "K" do. Lower-case ASCII text is returned
// as it is, without a copy.
func fold(s string) string { return strings.Map(foldRune, s) }

func foldRune(r rune) rune {
	if r >= 0x80 {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		r = least
	}
	if 'A' <= r && r <= 'Z' {
		r += 'a' - 'A'
	}
	return r
}

// maxLiterals bounds the strings a set holds: a bigger set costs more
// substring tests than it saves.
const maxLiterals = 64

// literalSets describes what a part of a pattern matches: exact, when
// known, is every string it can match (folded; "" for an empty match, and
// assertions such as \b count as empty); needs, when not nil, holds
// strings one of which each of its matches holds.
type literalSets struct {
	exact []string
	known bool
	needs []string
}

// literals reads the literal sets of a simplified regexp tree (Simplify
// writes each counted repeat out as copies, pluses and quests). Any other
// op matches strings it does not know and needs nothing.
func literals(re *syntax.Regexp) literalSets {
	switch re.Op {
	case syntax.OpLiteral:
		return exactly([]string{fold(string(re.Rune))})
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if int(re.Rune[i+1]-re.Rune[i]) >= maxLiterals {
				return literalSets{}
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(foldRune(r)))
			}
		}
		return exactly(out)
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactly([]string{""})
	case syntax.OpCapture:
		return literals(re.Sub[0])
	case syntax.OpQuest:
		sub := literals(re.Sub[0])
		if !sub.known {
			return literalSets{}
		}
		return exactly(append(slices.Clone(sub.exact), ""))
	case syntax.OpPlus:
		return literalSets{needs: literals(re.Sub[0]).needs}
	case syntax.OpAlternate:
		var exact, needs []string
		known, needed := true, true
		for _, sub := range re.Sub {
			s := literals(sub)
			known = known && s.known
			needed = needed && s.needs != nil
			exact = append(exact, s.exact...)
			needs = append(needs, s.needs...)
		}
		out := literalSets{}
		if known {
			out = exactly(exact)
		}
		if needed && (out.needs == nil || better(needs, out.needs)) {
			out.needs = compact(needs)
		}
		return out
	case syntax.OpConcat:
		// A run of parts with exact sets gives their product; the best
		// of the runs' products and the other parts' needs is the
		// concatenation's.
		var best []string
		consider := func(s []string) {
			if useful(s) && (best == nil || better(s, best)) {
				best = s
			}
		}
		run := []string{""}
		all := true
		for _, sub := range re.Sub {
			s := literals(sub)
			if s.known {
				if next := product(run, s.exact); next != nil {
					run = next
				} else {
					// Too many: the run so far is one candidate, and
					// a new run starts here.
					all = false
					consider(run)
					run = s.exact
				}
			} else {
				all = false
				consider(run)
				run = []string{""}
				consider(s.needs)
			}
		}
		consider(run)
		out := literalSets{needs: best}
		if all {
			out.exact, out.known = compact(run), true
		}
		return out
	}
	return literalSets{}
}

// exactly is the literal sets of a part that matches exactly the strings
// in exact, when they are few.
func exactly(exact []string) literalSets {
	exact = compact(exact)
	if len(exact) > maxLiterals {
		return literalSets{}
	}
	out := literalSets{exact: exact, known: true}
	if useful(exact) {
		out.needs = exact
	}
	return out
}

// product is every string of a followed by one of b, or nil when they
// are too many.
func product(a, b []string) []string {
	if len(a)*len(b) > maxLiterals {
		return nil
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

// useful reports whether looking for the strings of s would turn texts
// away: not when one of them is empty, or words of fewer than three
// letters in all (" a", "at"), which nearly every English text holds. A
// digit or a sign ("7", "$") is rare enough in prose alone.
func useful(s []string) bool {
	if len(s) == 0 || len(s) > maxLiterals {
		return false
	}
	for _, x := range s {
		letters, rare := 0, false
		for _, r := range x {
			switch {
			case unicode.IsLetter(r):
				letters++
			case !unicode.IsSpace(r) && !unicode.IsPunct(r):
				rare = true
			}
		}
		if !rare && letters < 3 {
			return false
		}
	}
	return true
}

// better reports whether set a is likely to turn away more texts than
// b: its shortest string is longer, or as long with fewer strings.
func better(a, b []string) bool {
	la, lb := shortestLen(a), shortestLen(b)
	if la != lb {
		return la > lb
	}
	return len(a) < len(b)
}

func shortestLen(s []string) int {
	n := -1
	for _, x := range s {
		if n < 0 || len(x) < n {
			n = len(x)
		}
	}
	return n
}

// shortest drops from s each string that holds another of s: a text
// holding it holds the other.
func shortest(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.ContainsFunc(s, func(y string) bool { return y != x && strings.Contains(x, y) }) {
			out = append(out, x)
		}
	}
	return out
}

func compact(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
