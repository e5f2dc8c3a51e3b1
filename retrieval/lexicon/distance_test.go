package lexicon

import (
	"strings"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		max  int
		want int
	}{
		{"equal", "minister", "minister", 2, 0},
		{"substitution", "kitten", "sitten", 2, 1},
		{"insertion", "lebanon", "lebannon", 2, 1},
		{"deletion", "ministre", "minstre", 2, 1},
		{"transposition", "recieve", "receive", 2, 1},
		{"classic", "kitten", "sitting", 5, 3},
		{"stops early", "kitten", "sitting", 1, 2},
		{"length gap stops early", "a", "abcdef", 2, 3},
		{"empty", "", "abc", 5, 3},
		{"runes not bytes", "café", "cafe", 2, 1},
		{"osa not full damerau", "ca", "abc", 5, 3},
		{"zero max", "a", "b", 0, 1},
		{"negative max is zero", "a", "a", -1, 0},
		{"longer than the stack rows", strings.Repeat("ab", 20) + "x", strings.Repeat("ab", 20) + "y", 2, 1},
		{"one longer than the stack rows", strings.Repeat("a", 31), strings.Repeat("a", 33), 2, 2},
		{"long runes", strings.Repeat("é", 40), strings.Repeat("é", 39) + "e", 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Distance(tt.a, tt.b, tt.max); got != tt.want {
				t.Errorf("Distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
			}
		})
	}
}

func BenchmarkDistance(b *testing.B) {
	for b.Loop() {
		Distance("secretary general", "secretery genral", 3)
	}
}
