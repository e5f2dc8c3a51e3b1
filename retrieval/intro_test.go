package retrieval

import (
	"slices"
	"testing"

	"github.com/handover/handover/retrieval/lexicon"
)

func TestIntroductions(t *testing.T) {
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       []string
	}{
		{"noun before the name", "The record is held by Dutch diplomat Joseph Luns, who led it.", []string{"luns"}},
		{"title words in the name's run", "The vice president, Vice President Kamala Harris said.", []string{"harris"}},
		{"possessive before the name", "He takes over from Norway's Jens Stoltenberg today.", []string{"stoltenberg"}},
		{"appositive with the", "Rutte, the former prime minister, spoke.", []string{"rutte"}},
		{"appositive with who", "Rutte, who served as prime minister, spoke.", []string{"rutte"}},
		{"appositive with a possessive", "Stoltenberg, NATO's 13th chief, left.", []string{"stoltenberg"}},
		{"a name alone", "Mark Rutte officially became chief on Tuesday.", nil},
		{"a verb before the name", "The report was written citing Reuters.", nil},
		{"a comma ends the phrase before", "On Tuesday, Rutte spoke.", nil},
		{"a comma and a verb after", "Rutte, speaking later, agreed.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := introductions(tt.text, lex.Noun); !slices.Equal(got, tt.want) {
				t.Errorf("introductions(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestIdentityQuestion(t *testing.T) {
	_, ix := shippedIndex(t)
	tests := []struct {
		q    string
		want bool
	}{
		{"who is rutte", true},
		{"Who is Joseph Luns?", true},
		{"What was Ben Wallace's job?", true},
		{"what country is stoltenberg from", true},
		{"who succeeded stoltenberg", false},
		{"what did rutte say about trump", false},
		{"when did rutte start", false},
		{"who is the new nato chief", false},
	}
	for _, tt := range tests {
		if got := ix.analyse(tt.q).identity; got != tt.want {
			t.Errorf("analyse(%q).identity = %v, want %v", tt.q, got, tt.want)
		}
	}
}
