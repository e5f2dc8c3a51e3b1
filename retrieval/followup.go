package retrieval

import "strings"

// dropGiven removes the candidates whose sentence the previous answer
// already gave, so a follow-up ("and when was that?") adds what is new
// instead of repeating the answer word for word (read past the names it
// put in brackets). The candidates' order is kept.
func (ix *Index) dropGiven(cands []candidate, previous string) []candidate {
	if strings.TrimSpace(previous) == "" {
		return cands
	}
	previous = WithoutNames(previous)
	out := cands[:0:0]
	for _, c := range cands {
		if t := strings.TrimSpace(ix.passages[c.pos].Text); t != "" && strings.Contains(previous, t) {
			continue
		}
		out = append(out, c)
	}
	return out
}
