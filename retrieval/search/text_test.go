package search

import (
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"lowercased, possessive dropped", "NATO's new chief", []string{"nato", "new", "chief"}},
		{"US with dots", "the U.S. army", []string{"the", "us", "army"}},
		{"thousands joined", "nears its 1,000-day mark", []string{"nears", "its", "1000", "day", "mark"}},
		{"millions joined", "2,500,000 troops", []string{"2500000", "troops"}},
		{"a list of years kept apart", "in 2014,2015", []string{"in", "2014", "2015"}},
		{"a decimal comma kept apart", "1,5 percent", []string{"1", "5", "percent"}},
		{"comma then space", "in 2014, 200 troops", []string{"in", "2014", "200", "troops"}},
		{"too many digits before", "12345,678", []string{"12345", "678"}},
		{"a short group", "2014,201", []string{"2014", "201"}},
		{"a group too short at the end", "1,000,00", []string{"1", "000", "00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Words(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzWords checks that splitting never fails and gives only lowercase
// words with no separators in them.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"NATO's 1,000-day mark", "the U.S. army", "2014,2015", "1,000,00", "’quoted’ words", "\xff,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range Words(s) {
			if w == "" || w != strings.ToLower(w) || strings.ContainsAny(w, " ,.'’") {
				t.Errorf("Words(%q) gives %q", s, w)
			}
		}
	})
}
