package corpus

import (
	"slices"
	"strings"
	"unicode"
)

// Events groups a timeline (as Timeline returns it) into one entry per
// event, for people to read. A sentence that gives several dates is one
// entry, under its earliest date, with the others in Also. Entries on the
// same day that name the same people and places (most of the names of the
// one naming fewer, at least two) tell the same event: they become one
// entry, with the first one's sentence and every source in Docs.
//
// The ungrouped timeline stays what resolves an answer's relative dates;
// Events is only for listing.
func Events(ds []DateEntry) []DateEntry {
	var out []DateEntry
	bySentence := map[string]int{} // kind and text: index into out
	byDay := map[string][]int{}    // kind and day: indices into out
	var names []map[string]bool
	for _, d := range ds {
		d.Docs = slices.Clone(d.Docs)
		textKey := string(d.Kind) + "/" + strings.Join(strings.Fields(d.Text), " ")
		if i, ok := bySentence[textKey]; ok {
			e := &out[i]
			if d.Date != e.Date && !slices.Contains(e.Also, d.Date) {
				e.Also = append(e.Also, d.Date)
			}
			addDocs(e, d.Docs)
			continue
		}
		n := properNames(d.Text)
		if d.Precision == PrecisionDay {
			dayKey := string(d.Kind) + "/" + d.Date
			merged := false
			for _, i := range byDay[dayKey] {
				if sameActors(names[i], n) {
					addDocs(&out[i], d.Docs)
					merged = true
					break
				}
			}
			if merged {
				continue
			}
			byDay[dayKey] = append(byDay[dayKey], len(out))
		}
		bySentence[textKey] = len(out)
		out = append(out, d)
		names = append(names, n)
	}
	return out
}

func addDocs(e *DateEntry, docs []string) {
	for _, doc := range docs {
		if !slices.Contains(e.Docs, doc) {
			e.Docs = append(e.Docs, doc)
		}
	}
}

// properNames returns the capitalised words of a sentence that are not
// calendar words or capitalised function words: roughly, who and where.
func properNames(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' }) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		w = strings.Trim(w, "'’")
		first := []rune(w)
		if len(first) < 2 || !unicode.IsUpper(first[0]) {
			continue
		}
		lower := strings.ToLower(w)
		if _, ok := monthOf(lower); ok || stopWords[lower] || calendarWords[lower] {
			continue
		}
		m[lower] = true
	}
	return m
}

var calendarWords = wordSet(`monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
	on in at after before since during while when then`)

// sameActors reports whether two sentences of the same day name the same
// actors: at least two names shared, and at least two thirds of the names
// of the sentence naming fewer.
func sameActors(a, b map[string]bool) bool {
	small, large := a, b
	if len(small) > len(large) {
		small, large = large, small
	}
	shared := 0
	for w := range small {
		if large[w] {
			shared++
		}
	}
	return shared >= 2 && 3*shared >= 2*len(small)
}
