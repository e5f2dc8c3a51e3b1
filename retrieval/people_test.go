package retrieval

import "testing"

// TestResolvePeople checks that descriptions in questions name the
// people the articles describe so, and only them.
func TestResolvePeople(t *testing.T) {
	ix := shippedEngine(t).index
	tests := []struct {
		name, q, want string
	}{
		{"demonym", "how long had the norwegian been in charge?", "how long had Stoltenberg been in charge?"},
		{"demonym and person noun", "who held the post longer than the norwegian guy?", "who held the post longer than Stoltenberg?"},
		{"succession word", "what number chief was the outgoing guy?", "what number chief was Stoltenberg?"},
		{"synonym of a description", "how did the incoming chief react?", "how did Rutte react?"},
		{"possessive", "what is the new guy's main goal?", "what is Rutte's main goal?"},
		// Rutte and Luns are both Dutch: "war" is said of Rutte, not Luns.
		{"ambiguous, settled by context", "what about the war when the dutchman stepped in?", "what about the war when Rutte stepped in?"},
		{"title narrows it", "how long did the dutch diplomat lead nato?", "how long did Luns lead nato?"},
		{"asked for, not named", "who is the norwegian guy?", "who is the norwegian guy?"},
		{"not a person", "what did the norwegian election decide?", "what did the norwegian election decide?"},
		{"synonym of a demonym", "what did the british guy say?", "what did Wallace say?"},
		{"no description fits", "what did the french guy say?", "what did the french guy say?"},
		{"no distinguishing word", "what did the guy say?", "what did the guy say?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ix.feat.resolvePeople(ix, tt.q); got != tt.want {
				t.Errorf("resolvePeople(%q) = %q, want %q", tt.q, got, tt.want)
			}
		})
	}
}

// TestDescribe checks the descriptions learned from appositions.
func TestDescribe(t *testing.T) {
	tests := []struct {
		name, text, surname string
		want                []string
	}{
		{"possessive country", "He succeeds Norway's Jens Stoltenberg, who led it.", "Stoltenberg", []string{"norway"}},
		{"title before", "It came from outgoing NATO chief Jens Stoltenberg at a ceremony.", "Stoltenberg", []string{"chief", "nato", "outgo"}},
		{"apposition before", "Today NATO's new leader, Mark Rutte took over.", "Rutte", []string{"leader", "new", "nato"}},
		{"apposition after", "Stoltenberg, NATO’s 13th secretary-general, took over in 2014.", "Stoltenberg", []string{"nato", "13th", "secretari", "general"}},
		{"relative clause", "Rutte, who served as Dutch prime minister for a long time, takes over.", "Rutte", []string{"netherland", "prime", "minist"}},
		{"verb before", "Officials expect Mark Rutte to continue.", "Rutte", nil},
		{"sentence start", "Among Mark Rutte's challenges is Trump.", "Rutte", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := pwords(tt.text)
			p := &person{surname: tt.surname}
			for j, w := range ws {
				if w.text == tt.surname {
					i := j
					if j > 0 && ws[j-1].cap && !ws[j-1].comma {
						i = j - 1
					}
					got := describe(ws, mentionSpan{p: p, i: i, j: j + 1})
					if !equalStrings(got, tt.want) {
						t.Errorf("describe(%q) = %q, want %q", tt.text, got, tt.want)
					}
					return
				}
			}
			t.Fatalf("no %s in %q", tt.surname, tt.text)
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzResolvePeople checks that any question is left whole or rewritten
// without panicking.
func FuzzResolvePeople(f *testing.F) {
	ix := shippedEngine(f).index
	for _, s := range []string{"the norwegian guy's", "the the the", "who's the new chief", "the dutchman", "the 13th", "the ’s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_ = ix.feat.resolvePeople(ix, q)
	})
}
