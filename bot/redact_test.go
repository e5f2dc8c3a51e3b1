package bot

import (
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"password", "https://bob:hunter2@x.example/v1/chat", "https://bob:xxxxx@x.example/v1/chat"},
		{"password holding @", "ftp://user:p@ss@host/v1", "ftp://user:xxxxx@host/v1"},
		{"password holding /", "https://key:abc/def+ghi@proxy/v1", "(unparsable URL)"},
		{"no scheme separator", "http//user:sk-secret@host", "(unparsable URL)"},
		{"lone user name is a key", "http://token@x.example/", "http://xxxxx@x.example/"},
		{"bad escape", "https://user:pa%zzss@host", "(unparsable URL)"},
		{"no credentials", "https://x.example/a@b", "https://x.example/a@b"},
		{"plain", "https://discord.com", "https://discord.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactURL(tt.in); got != tt.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactURLs(t *testing.T) {
	secrets := []string{"hunter2", "p@ss", "ss@host", "abc/def", "def+ghi", "sk-secret", "token"}
	tests := []struct {
		name, in, want string
	}{
		{"quoted in an error", `Post "https://bob:hunter2@x.example/v1/chat": EOF`, `Post "https://bob:xxxxx@x.example/v1/chat": EOF`},
		{"password holding @", "llm.base_url: ftp://user:p@ss@host/v1 is bad", "llm.base_url: ftp://user:xxxxx@host/v1 is bad"},
		{"password holding /", "get https://key:abc/def+ghi@proxy/v1 failed", "get (unparsable URL) failed"},
		{"no scheme separator", "dial http//user:sk-secret@host", "dial (unparsable URL)"},
		{"lone user name", "http://token@x.example/", "http://xxxxx@x.example/"},
		{"no url", "no url here: a@b", "no url here: a@b"},
		{"@ in a path", "https://x.example/a@b", "https://x.example/a@b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RedactURLs(tt.in)
			if got != tt.want {
				t.Errorf("RedactURLs(%q) = %q, want %q", tt.in, got, tt.want)
			}
			for _, s := range secrets {
				if strings.Contains(tt.in, s) && strings.Contains(got, s) {
					t.Errorf("RedactURLs(%q) = %q shows %q", tt.in, got, s)
				}
			}
		})
	}
}
