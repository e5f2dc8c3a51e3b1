package retrieval

import (
	"testing"

	"github.com/handover/handover/retrieval/lexicon"
)

func TestLanguage(t *testing.T) {
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ q, want string }{
		{"Who is the new secretary-general?", "en"},
		{"When did the ceremony take place?", "en"},
		{"Why?", "en"},
		{"Zxqw?", ""},
		{"Smith?", "en"}, // an English word as well as a name
		{"Wer ist der neue Generalsekretär?", "de"},
		{"Wann hat die Zeremonie stattgefunden und wo war sie?", "de"},
		{"Qui est le nouveau secrétaire général ?", "fr"},
		{"Quand a eu lieu la cérémonie de passation ?", "fr"},
		{"¿Quién es el nuevo secretario general?", "es"},
		{"Chi è il nuovo segretario generale della alleanza?", "it"},
		{"Wie is de nieuwe secretaris-generaal?", "nl"},
		{"Кто новый генеральный секретарь?", "other"},
		{"What did the Bundeskanzler say about the Zeitenwende?", "en"},
		{"Is Rutte a good choice for the role?", "en"},
		// "wat" and "was" are Dutch function words too; "number", "sec"
		// and "gen" are English words.
		{"wat number sec gen was stoltenbreg", "en"},
		{"Wie is de nieuwe secretaris-generaal van de NAVO?", "nl"},
		{"¿Quién es el nuevo secretario general de la OTAN?", "es"},
		{"Wer ist der neue NATO-Generalsekretär?", "de"},
	}
	for _, tt := range tests {
		if got := languageOf(tt.q, lex.Has); got != tt.want {
			t.Errorf("languageOf(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
	// Two languages tied ("la" and "una" are Spanish and Italian function
	// words): the same answer every time, not the map's order.
	first := languageOf("la una", nil)
	for range 200 {
		if got := languageOf("la una", nil); got != first {
			t.Fatalf("languageOf(%q) gave %q, then %q", "la una", first, got)
		}
	}
}

func FuzzLanguage(f *testing.F) {
	f.Add("Wer ist der neue Generalsekretär?")
	f.Fuzz(func(t *testing.T, q string) { _ = languageOf(q, nil) })
}
