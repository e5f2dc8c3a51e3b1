package lexicon

import "unicode/utf8"

// TypoDistance is how many edits away a misspelling of word may be: one
// for words up to seven letters, two for longer ones.
func TypoDistance(word string) int {
	if len([]rune(word)) > 7 {
		return 2
	}
	return 1
}

// Closest returns the candidates nearest to word within TypoDistance(word)
// edits, in the candidates' order: the spellings a misspelt word may stand
// for. None is within reach when it returns nil.
func Closest(word string, candidates []string) []string {
	limit := TypoDistance(word)
	best, out := limit+1, []string(nil)
	for _, c := range candidates {
		switch d := Distance(word, c, limit); {
		case d < best:
			best, out = d, []string{c}
		case d == best && d <= limit:
			out = append(out, c)
		}
	}
	return out
}

// Distance returns the Damerau–Levenshtein (optimal string alignment)
// distance between a and b, counting runes, stopping early once it exceeds
// max (returns max+1 then). A negative max is treated as 0.
func Distance(a, b string, max int) int {
	if max < 0 {
		max = 0
	}
	if a == b {
		return 0
	}
	na, nb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if na-nb > max || nb-na > max {
		return max + 1
	}
	// Words are short: their runes and rows fit on the stack, and the
	// typo search calls this once per corpus word.
	var bufA, bufB [32]rune
	var rows [3][33]int
	ra, rb := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	// Three rows: two back for transpositions, the previous, the current.
	var prev2, prev, cur []int
	if n := len(rb) + 1; n <= len(rows[0]) {
		prev2, prev, cur = rows[0][:n], rows[1][:n], rows[2][:n]
	} else {
		prev2, prev, cur = make([]int, n), make([]int, n), make([]int, n)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		// Every later cell is at least the smallest of this row.
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], max+1)
}

// appendRunes appends the runes of s to dst.
func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}
