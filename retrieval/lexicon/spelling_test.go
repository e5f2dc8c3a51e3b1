package lexicon

import (
	"slices"
	"testing"
)

func TestSpellingVariants(t *testing.T) {
	tests := []struct {
		name, word, want string
	}{
		{"ise to ize", "prioritise", "prioritize"},
		{"ize to ise", "prioritize", "prioritise"},
		{"ised", "organised", "organized"},
		{"isation", "organisation", "organization"},
		{"yse", "analyse", "analyze"},
		{"our", "colour", "color"},
		{"or", "color", "colour"},
		{"ourite", "favourite", "favorite"},
		{"oured", "honoured", "honored"},
		{"re", "centre", "center"},
		{"er", "center", "centre"},
		{"res", "theatres", "theaters"},
		{"ence", "defence", "defense"},
		{"ense", "offense", "offence"},
		{"ogue", "dialogue", "dialog"},
		{"doubled l", "travelled", "traveled"},
		{"single l", "traveling", "travelling"},
		{"ller", "traveller", "traveler"},
		{"programme", "programme", "program"},
		{"two rules", "colourised", "colorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SpellingVariants(tt.word); !slices.Contains(got, tt.want) {
				t.Errorf("SpellingVariants(%q) = %v, want it to contain %q", tt.word, got, tt.want)
			}
		})
	}
	none := []struct{ name, word, bad string }{
		{"tour keeps its u", "tour", "tor"},
		{"hour keeps its u", "hour", "hor"},
		{"humorous has no u", "humorous", "humourous"},
		{"short word", "or", "our"},
	}
	for _, tt := range none {
		t.Run(tt.name, func(t *testing.T) {
			got := SpellingVariants(tt.word)
			if slices.Contains(got, tt.bad) || slices.Contains(got, tt.word) {
				t.Errorf("SpellingVariants(%q) = %v, want neither %q nor the word", tt.word, got, tt.bad)
			}
		})
	}
}
