package lexicon

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExpand(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"title", "what did the pm say", "what did the prime minister say"},
		{"upper case", "What did the PM say?", "What did the prime minister say?"},
		{"possessive", "the pm's plan", "the prime minister's plan"},
		{"multiword", "who is the sec gen rn", "who is the secretary general now"},
		{"multiword hyphen", "the sec-gen said", "the secretary general said"},
		{"joined", "secgen and sg", "secretary general and secretary general"},
		{"with", "talks w/ the govt", "talks with the government"},
		{"without", "w/o a deal", "without a deal"},
		{"with glued", "w/the army", "with the army"},
		{"with glued abbreviation", "w/BC", "with because"},
		{"because slash", "b/c of the war", "because of the war"},
		{"chat", "u know ur ppl tbh", "you know your people"},
		{"fillers dropped", "imo, is rutte any good btw?", ", is rutte any good?"},
		{"a filler inside a word untouched", "imogen", "imogen"},
		{"contractions", "whos the pres? idk", "who is the president? i do not know"},
		{"apostrophe-less", "it didnt happen, cant say", "it did not happen, cannot say"},
		{"how's before a degree word", "hows old is rutte, How's long, how’s many", "how old is rutte, How long, how many"},
		{"how's before anything else", "hows it going, how's nato", "how is it going, how's nato"},
		{"how's apart from its word", "hows, old", "how is, old"},
		{"how's before a noun phrase", "how's big tech reacting, how's much changed, how's early voting", "how's big tech reacting, how's much changed, how's early voting"},
		{"how's before a hyphenated word", "how's long-term planning", "how's long-term planning"},
		{"hw before a degree word", "hw many troops", "how many troops"},
		{"question word spellings", "y did rutte bring up china", "why did rutte bring up china"},
		{"question word spellings after a mark", "“wen does he start", "“when does he start"},
		{"question word spelling before an abbreviated auxiliary", "y r u here, whn wld it", "why are you here, whn would it"},
		{"question word spelling after a filler", "lol y did he", " why did he"},
		{"question word spelling before a contraction", "y didn't he", "why didn't he"},
		{"question word spelling before a curly contraction", "Hw can’t he", "how can’t he"},
		{"question word spelling capitalised", "Y did he go", "why did he go"},
		{"question word spelling before no auxiliary", "y axis, wen jiabao did", "y axis, wen jiabao did"},
		{"question word spelling inside a text", "so y did he", "so y did he"},
		{"question word spelling joined by a hyphen", "y-did he", "y-did he"},
		{"a capital is a name", "Wen did it", "Wen did it"},
		{"a question word spelling alone", "y", "y"},
		{"how's alone", "hows", "how is"},
		{"spoken", "gonna ask, dunno", "going to ask, do not know"},
		{"chat spelling of what", "wat number was he, wut", "what number was he, what"},
		{"digits", "b4 2day", "before today"},
		{"years", "2 yrs abt", "2 years about"},
		{"plural nouns", "4 coalition govts, 2 depts", "4 coalition governments, 2 departments"},
		{"time is not prime minister", "at 3 pm the hq", "at 3 pm the headquarters"},
		{"clock time", "at 10:30 pm", "at 10:30 pm"},
		{"year is not because", "in 500 bc", "in 500 bc"},
		{"dotted abbreviation kept", "the u.s. army", "the u.s. army"},
		{"quoted", "the 'pm' said", "the 'prime minister' said"},
		{"inside a word untouched", "upmarket hqs", "upmarket hqs"},
		{"names left alone", "eu and un", "eu and un"},
		{"ambiguous left alone", "the mil min", "the mil min"},
		{"nothing to do", "plain text.", "plain text."},
		{"empty", "", ""},
		{"punctuation kept", "(vp), thx!", "(vice president), thanks!"},
		{"single letters", "is he dealing w it n r they sure", "is he dealing with it and are they sure"},
		{"a capital letter is an initial", "George W. Bush and Plan B", "George W. Bush and Plan B"},
		{"apostrophe-less pronoun", "hes in, theyre out, shouldve known", "he is in, they are out, should have known"},
		{"laughter dropped", "who won lol", "who won"},
		{"chat prez", "the ukraine prez", "the ukraine president"},
		{"an initial's possessive", "George W's plan", "George W's plan"},
		{"a letter in a hyphenated word", "the n-word, the y-axis, x-ray w-2", "the n-word, the y-axis, x-ray w-2"},
		{"hedges dropped", "is he kinda worried, ofc", "is he worried,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Expand(tt.in); got != tt.want {
				t.Errorf("Expand(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// maxAbbrevWords is the most words a key of abbreviations may have:
// Expand looks up one word and two.
const maxAbbrevWords = 2

func TestAbbreviationKeys(t *testing.T) {
	for k, v := range abbreviations {
		if k != strings.ToLower(k) || strings.Count(k, " ") >= maxAbbrevWords || v == "" {
			t.Errorf("abbreviation %q → %q: keys are lowercase, at most %d words, with an expansion", k, v, maxAbbrevWords)
		}
	}
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{"the pm's hq rn", "w/o b/c w/the", "3 pm", "'u'", "sec - gen", "u.s.", "’pm’", "\xff pm", "George W's n-word w r n", "ofc kinda lol", "hes talkin"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Expand(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("Expand(%q) = %q: invalid UTF-8", s, got)
		}
		if again := Expand(got); again != got {
			// Expansions are plain words, so a second pass changes nothing.
			t.Errorf("Expand not idempotent: %q → %q → %q", s, got, again)
		}
	})
}

func FuzzOpenerTypo(f *testing.F) {
	for _, s := range []string{"wher was it", "“Waht did he say", "whe was it", strings.Repeat("\x80", 60), "w" + strings.Repeat(" ", 46) + "wasn't"} {
		f.Add(s)
	}
	known := func(w string) bool { return w == "were" }
	f.Fuzz(func(t *testing.T, s string) {
		got := OpenerTypo(s, known)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("OpenerTypo(%q) = %q: invalid UTF-8", s, got)
		}
		if again := OpenerTypo(got, known); again != got {
			// A question word is never corrected again.
			t.Errorf("OpenerTypo not idempotent: %q → %q → %q", s, got, again)
		}
		if got != s && (len(got) < len(s)-1 || len(got) > len(s)+1) {
			// Only the first word changes, by one edit of a short word.
			t.Errorf("OpenerTypo(%q) = %q: more than the first word changed", s, got)
		}
	})
}

func TestOpenerTypo(t *testing.T) {
	words := map[string]bool{"were": true, "now": true, "that": true, "hoe": true}
	known := func(w string) bool { return words[w] }
	tests := []struct {
		name, in, want string
	}{
		{"cut short", "wher was the ceremony", "where was the ceremony"},
		{"transposed", "waht did he say", "what did he say"},
		{"capital kept", "Waht is it?", "What is it?"},
		{"after an opening mark", "“wher was it", "“where was it"},
		{"near to three", "whn did he start", "whn did he start"},
		{"before a contraction", "wy didn't he go", "why didn't he go"},
		{"as near to two", "hwo did he win", "hwo did he win"},
		{"the beginning of two", "whe was the ceremony", "whe was the ceremony"},
		{"the beginning of one, near to others", "wha did he say", "what did he say"},
		{"invalid UTF-8", strings.Repeat("\x80", 60), strings.Repeat("\x80", 60)},
		{"a word stays", "were was the ceremony", "were was the ceremony"},
		{"another word stays", "now is he in charge", "now is he in charge"},
		{"before a noun", "waht country is he from", "what country is he from"},
		{"before a noun, beginning one", "whih country", "which country"},
		{"not at the head", "so wher was it", "so wher was it"},
		{"a question word stays", "where was it", "where was it"},
		{"too far", "wxyz was it", "wxyz was it"},
		{"one word", "wher", "wher"},
		{"a long question", "wher was the ceremony where the new secretary general took over from the old one", "where was the ceremony where the new secretary general took over from the old one"},
		{"a long first word", "whereabouts-of-the-ceremony-and-more-words-here was it", "whereabouts-of-the-ceremony-and-more-words-here was it"},
		{"the second word within the head", "wher                                        was it", "where                                        was it"},
		{"the second word cut at the head", "wher                                          wasn't it", "wher                                          wasn't it"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OpenerTypo(tt.in, known); got != tt.want {
				t.Errorf("OpenerTypo(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
