package retrieval

import "testing"

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
