package lexicon

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
	ra, rb := []rune(a), []rune(b)
	if len(ra)-len(rb) > max || len(rb)-len(ra) > max {
		return max + 1
	}
	// Three rows: two back for transpositions, the previous, the current.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
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
