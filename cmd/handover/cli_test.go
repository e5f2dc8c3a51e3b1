package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"help"},
		{"ask", "--help"}, {"sources", "--help"}, {"quotes", "-h"}, {"dates", "--help"},
		{"serve", "--help"}, {"healthcheck", "--help"}, {"completion", "--help"},
		{"help", "ask"}, {"--config", "x.yaml", "ask", "--help"},
	} {
		out, errOut, code := runCLI(t, "", nil, args...)
		if code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "Flags:") {
			t.Errorf("%q: exit %d, stderr %q, stdout:\n%s", args, code, errOut, out)
		}
	}
	out, _, _ := runCLI(t, "", nil, "ask", "--help")
	for _, want := range []string{"--json", "--no-llm", "--config", "--corpus", "Examples:"} {
		if !strings.Contains(out, want) {
			t.Errorf("ask --help lacks %q:\n%s", want, out)
		}
	}
	out, _, code := runCLI(t, "", nil, "--version")
	if code != 0 || !strings.HasPrefix(out, "handover ") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	out, _, code = runCLI(t, "", nil, "completion", "bash")
	if code != 0 || !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash: exit %d, %.200s", code, out)
	}
	out, _, code = runCLI(t, "", nil, "__complete", "quotes", "--speaker", "jen")
	if code != 0 || !strings.Contains(out, "Jens Stoltenberg") {
		t.Errorf("speaker completion: exit %d, %q", code, out)
	}
	_, errOut, code := runCLI(t, "", nil)
	if code != 2 || !strings.Contains(errOut, "Usage:") {
		t.Errorf("no command: exit %d, %q", code, errOut)
	}
}

// TestUsageErrors: a call that cannot work is a usage error, exit 2, with
// a message saying what would: a shell completion cannot be written for,
// none at all, a timeout no probe could meet.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"completion for an unknown shell", []string{"completion", "tcsh"}, `completion: no script for shell "tcsh"; the shells are bash, fish, powershell, zsh`},
		{"completion without a shell", []string{"completion"}, "completion needs a shell"},
		{"healthcheck with a zero timeout", []string{"healthcheck", "--addr", "127.0.0.1:1", "--timeout", "0s"}, "healthcheck: --timeout must be positive, e.g. 3s, got 0s"},
		{"healthcheck with a negative timeout", []string{"healthcheck", "--addr", "127.0.0.1:1", "--timeout", "-1s"}, "healthcheck: --timeout must be positive, e.g. 3s, got -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "", nil, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) || out != "" {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2, no output and %q", tt.args, code, out, errOut, tt.want)
			}
		})
	}
}

func TestGlobalFlagsAnywhere(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "extra.md", "# Luxembourg hosts summit\n\nThe 2031 summit of the alliance will be held in Luxembourg City, officials said.\n")
	for _, args := range [][]string{
		{"--corpus", dir, "ask", "--json", "Where will the 2031 summit be held?"},
		{"ask", "Where will the 2031 summit be held?", "--json", "--corpus", dir},
		{"ask", "--corpus=" + dir, "--json", "Where will the 2031 summit be held?"},
	} {
		out, errOut, code := runCLI(t, "", nil, args...)
		if code != 0 || !strings.Contains(out, "Luxembourg City") {
			t.Errorf("%q: exit %d, stderr %q, stdout %s", args, code, errOut, out)
		}
	}
}

func TestAskStdin(t *testing.T) {
	out, errOut, code := runCLI(t, "who succeeded Stoltenberg?\n\nwhere was the ceremony?\n", nil, "ask")
	if code != 0 || strings.Count(out, "Q: ") != 2 || !strings.Contains(out, "Rutte") || !strings.Contains(out, "Brussels") {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	// A line over 1 MiB is reported alone and the batch goes on.
	in := "who succeeded Stoltenberg?\n" + strings.Repeat("y", 2<<20) + "\nwhere was the ceremony?\n"
	out, errOut, code = runCLI(t, in, nil, "ask", "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 2 || len(lines) != 3 {
		t.Fatalf("exit %d, stderr %q, %d lines; want 2 and 3", code, errOut, len(lines))
	}
	var bad lineError
	if err := json.Unmarshal([]byte(lines[1]), &bad); err != nil || bad.Line != 2 || !strings.Contains(bad.Error, "2000") || len(bad.Question) > 400 {
		t.Errorf("long line = %.300s", lines[1])
	}
	if !strings.Contains(lines[2], "Brussels") {
		t.Errorf("the question after the long line = %.300s", lines[2])
	}
	out, errOut, code = runCLI(t, "who succeeded Stoltenberg?\n"+strings.Repeat("z", 3000)+"\n", nil, "ask")
	if code != 2 || !strings.Contains(errOut, "line 2") || !strings.Contains(out, "Rutte") {
		t.Errorf("human mode, long line: exit %d, stderr %q, stdout %s", code, errOut, out)
	}
}

func TestConfigMessages(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", "llm:\n  base_url: https://bob:hunter2@llm.example/v1\n  modle: x\n  timeout: 30\nserver:\n  adr: x\nembeddings:\n  timeout: soon\n")
	_, errOut, code := runCLI(t, "", nil, "sources", "--config", cfg)
	for _, want := range []string{
		"line 3: llm.modle: unknown key (did you mean model?)",
		`line 4: llm.timeout: "30" is not a duration (write 30s)`,
		"line 6: server.adr: unknown key (did you mean addr?)",
		`embeddings.timeout: "soon" is not a duration`,
		"llm.model: required",
	} {
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("exit %d, stderr lacks %q:\n%s", code, want, errOut)
		}
	}
	for _, bad := range []string{"hunter2", "main.", "!!", "time.Duration"} {
		if strings.Contains(errOut, bad) {
			t.Errorf("stderr shows %q:\n%s", bad, errOut)
		}
	}
	cfg = writeFile(t, dir, "d.yaml", "llm:\n  base_url: ftp://bob:hunter2@llm.example/v1\n  model: m\n")
	if _, errOut, _ := runCLI(t, "", nil, "sources", "--config", cfg); strings.Contains(errOut, "hunter2") || !strings.Contains(errOut, "llm.base_url") {
		t.Errorf("bad URL with a password: %s", errOut)
	}
}

// TestConfigProblems: a file or value that cannot work is a config error
// (exit 2) naming where to look, even when there is no key path to name.
func TestConfigProblems(t *testing.T) {
	tests := []struct {
		name string
		file string // the --config file, if not empty
		env  map[string]string
		want string
	}{
		{name: "top level a scalar", file: "hello\n", want: `line 1: the file: must be a section of keys, got "hello"`},
		{name: "top level a list", file: "- server\n- log\n", want: "line 1: the file: must be a section of keys, got a list"},
		{name: "server.addr without a port", file: "server:\n  addr: localhost\n", want: `server.addr: "localhost" is not host:port`},
		{name: "HANDOVER_SERVER_ADDR without a port", env: map[string]string{"HANDOVER_SERVER_ADDR": "0.0.0.0"}, want: `HANDOVER_SERVER_ADDR: "0.0.0.0" is not host:port`},
		{name: "a second document", file: "log:\n  level: info\n---\nllm:\n  base_url: http://127.0.0.1:1/v1\n", want: "line 3: a second YAML document begins: the file must hold one document"},
		{name: "a third document after an empty one", file: "log:\n  level: info\n---\n---\nserver:\n  addr: x\n", want: "line 4: a second YAML document begins: the file must hold one document"},
		{name: "a short channel ID", file: "discord:\n  channels: [\"123456789012345678\", \"1\"]\n", want: `discord.channels[1]: "1" is not a Discord ID (5 to 20 digits`},
		// A variable's list skips blank items, so no index is shown: the
		// quoted value names the item.
		{name: "HANDOVER_DISCORD_CHANNELS with a bad item", env: map[string]string{"HANDOVER_DISCORD_CHANNELS": "123456789012345678,,abc"}, want: `HANDOVER_DISCORD_CHANNELS: "abc" is not a Discord ID (5 to 20 digits`},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"sources"}
			if tt.file != "" {
				args = append(args, "--config", writeFile(t, dir, fmt.Sprintf("c%d.yaml", i), tt.file))
			}
			if _, errOut, code := runCLI(t, "", tt.env, args...); code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("file %q, env %v: exit %d, stderr %q; want exit 2 and %q", tt.file, tt.env, code, errOut, tt.want)
			}
		})
	}
}

// TestConfigOneDocument: a file that is one document, or one closed by an
// empty one, loads.
func TestConfigOneDocument(t *testing.T) {
	dir := t.TempDir()
	for i, file := range []string{"log:\n  level: debug\n", "---\nlog:\n  level: debug\n...\n", "log:\n  level: debug\n---\n"} {
		cfg, err := loadConfig(writeFile(t, dir, fmt.Sprintf("c%d.yaml", i), file), func(string) string { return "" })
		if err != nil || cfg.Log.Level != "debug" {
			t.Errorf("file %q: level %q, %v; want debug and no error", file, cfg.Log.Level, err)
		}
	}
}

// TestBaseURLQuery: a base URL with a query or fragment is a config error
// naming the key: clients append their paths to it as a string. The query
// may hold a key, so it is never shown.
func TestBaseURLQuery(t *testing.T) {
	tests := []struct {
		name, key, url string
	}{
		{"api version", "llm.base_url", "http://127.0.0.1:18101/v1?api-version=2024-01-01"},
		{"key in query", "llm.base_url", "http://127.0.0.1:18101/v1?key=secret"},
		{"key in fragment", "embeddings.base_url", "https://api.example/v1#secret"},
		{"empty query", "embeddings.base_url", "https://api.example/v1?secret="},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			section, _, _ := strings.Cut(tt.key, ".")
			file := fmt.Sprintf("%s:\n  base_url: %q\n  model: m\n", section, tt.url)
			_, errOut, code := runCLI(t, "", nil, "sources", "--config", writeFile(t, dir, fmt.Sprintf("c%d.yaml", i), file))
			want := tt.key + ": must not hold a query (?...) or fragment (#...)"
			if code != 2 || !strings.Contains(errOut, want) || strings.Contains(errOut, "secret") || strings.Contains(errOut, "2024-01-01") {
				t.Errorf("%s %q: exit %d, stderr %q; want exit 2 and %q without the query", tt.key, tt.url, code, errOut, want)
			}
		})
	}
	for _, ok := range []string{"http://127.0.0.1:18101/v1", "https://api.example/v1/"} {
		env := map[string]string{"HANDOVER_LLM_BASE_URL": ok, "HANDOVER_LLM_MODEL": "m"}
		if _, err := loadConfig("", func(k string) string { return env[k] }); err != nil {
			t.Errorf("base_url %q: %v", ok, err)
		}
	}
}

// TestLogWordsAnyCase: log.level and log.format are read in any case, and
// the logger gets them in lower case.
func TestLogWordsAnyCase(t *testing.T) {
	env := map[string]string{"HANDOVER_LOG_LEVEL": "DEBUG", "HANDOVER_LOG_FORMAT": "JSON"}
	cfg, err := loadConfig("", func(k string) string { return env[k] })
	if err != nil || cfg.Log.Level != "debug" || cfg.Log.Format != "json" {
		t.Errorf("level DEBUG, format JSON: got %+v, %v; want debug, json", cfg.Log, err)
	}
}

func TestConfigEnv(t *testing.T) {
	env := map[string]string{
		"HANDOVER_SERVER_ADDR":      "0.0.0.0:9999",
		"HANDOVER_DISCORD_CHANNELS": "123456789012345678, 223456789012345678",
		"HANDOVER_LOG_FORMAT":       "json",
	}
	cfg, err := loadConfig("", func(k string) string { return env[k] })
	if err != nil || cfg.Server.Addr != "0.0.0.0:9999" || len(cfg.Discord.Channels) != 2 || cfg.Log.Format != "json" {
		t.Fatalf("cfg = %+v, %v", cfg, err)
	}
	env = map[string]string{"HANDOVER_LLM_TIMEOUT": "30", "HANDOVER_DISCORD_MAX_CONCURRENT": "many"}
	_, err = loadConfig("", func(k string) string { return env[k] })
	for _, want := range []string{`HANDOVER_LLM_TIMEOUT: "30" is not a duration (write 30s)`, `HANDOVER_DISCORD_MAX_CONCURRENT: "many" is not a whole number`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	// A value that fails validation is blamed on the variable that set it.
	env = map[string]string{"HANDOVER_LOG_LEVEL": "loud"}
	_, err = loadConfig("", func(k string) string { return env[k] })
	if want := `HANDOVER_LOG_LEVEL: must be debug, info, warn or error, got "loud"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error lacks %q: %v", want, err)
	}
}

// TestConfigEnvEveryKey: every key of the config struct has a variable
// that sets that key and no other, and config.example.yaml names it.
func TestConfigEnvEveryKey(t *testing.T) {
	example, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// A value each kind of key takes that differs from every default.
	values := map[reflect.Type]string{
		reflect.TypeFor[string]():        "123456789012345678",
		reflect.TypeFor[int]():           "7",
		reflect.TypeFor[time.Duration](): "7s",
		reflect.TypeFor[*float32]():      "1.5",
		reflect.TypeFor[*bool]():         "false",
		reflect.TypeFor[[]string]():      "123456789012345678,223456789012345678",
	}
	keys := configKeys(reflect.TypeFor[config](), "", nil)
	if len(keys) < 20 {
		t.Fatalf("found %d keys, want every key of config: %v", len(keys), keys)
	}
	for _, k := range keys {
		t.Run(k.key, func(t *testing.T) {
			name := envName(k.key)
			if !regexp.MustCompile(`\b` + name + `\b`).Match(example) {
				t.Errorf("config.example.yaml does not name %s", name)
			}
			val, ok := values[k.typ]
			if !ok {
				t.Fatalf("no test value for a key of type %s", k.typ)
			}
			want := defaultConfig()
			got := defaultConfig()
			problems := applyEnv(reflect.ValueOf(&got).Elem(), "", func(v string) string {
				if v == name {
					return val
				}
				return ""
			}, nil)
			if len(problems) > 0 {
				t.Fatalf("%s=%s: %v", name, val, problems)
			}
			field := reflect.ValueOf(&got).Elem().FieldByIndex(k.index)
			if reflect.DeepEqual(field.Interface(), reflect.ValueOf(want).FieldByIndex(k.index).Interface()) {
				t.Errorf("%s=%s left %s at its default %v", name, val, k.key, field)
			}
			// Only this key changed.
			field.Set(reflect.ValueOf(want).FieldByIndex(k.index))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s=%s changed other keys: got %+v, want %+v", name, val, got, want)
			}
		})
	}
}

type configKey struct {
	key   string // the key path, e.g. server.addr
	index []int  // for reflect.Value.FieldByIndex
	typ   reflect.Type
}

// configKeys lists the keys of struct type t by their yaml tags, walking
// sections as applyEnv does.
func configKeys(t reflect.Type, parent string, index []int) []configKey {
	var keys []configKey
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		key, idx := joinKey(parent, name), append(slices.Clone(index), i)
		if f.Type.Kind() == reflect.Struct && f.Type != durationType {
			keys = append(keys, configKeys(f.Type, key, idx)...)
			continue
		}
		keys = append(keys, configKey{key, idx, f.Type})
	}
	return keys
}

// TestBadURLSecrets: a base URL that fails validation is named in the
// error without any credential it holds, however oddly it is written.
func TestBadURLSecrets(t *testing.T) {
	tests := []struct {
		name, url, secret string
	}{
		{"password holding @", "ftp://user:p@ss@host/v1", "ss@host"},
		{"password holding /", "https://key:abc/def+ghi@proxy/v1", "abc/def"},
		{"no scheme separator", "http//user:sk-secret@host", "sk-secret"},
		{"lone user name", "ftp://sk-token@host/v1", "sk-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HANDOVER_LLM_BASE_URL": tt.url, "HANDOVER_LLM_MODEL": "m"}
			_, errOut, code := runCLI(t, "", env, "sources")
			if code != 2 || !strings.Contains(errOut, "HANDOVER_LLM_BASE_URL") || strings.Contains(errOut, tt.secret) {
				t.Errorf("base_url %q: exit %d, stderr %q; want exit 2 naming HANDOVER_LLM_BASE_URL without %q", tt.url, code, errOut, tt.secret)
			}
		})
	}
}

// TestLLMConfigRejectedAtStart: what retrieval.NewLLM rejects (here a
// temperature a reasoning model would refuse on every request) stops the
// program at start, as a config error does: exit 2, saying which setting.
func TestLLMConfigRejectedAtStart(t *testing.T) {
	env := map[string]string{
		"HANDOVER_LLM_BASE_URL":    "https://api.openai.com/v1",
		"HANDOVER_LLM_MODEL":       "o3-mini",
		"HANDOVER_LLM_TEMPERATURE": "0",
	}
	_, errOut, code := runCLI(t, "", env, "ask", "who succeeded Stoltenberg?")
	if want := "temperature 0: model o3-mini is a reasoning model"; code != 2 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, want)
	}
}

func TestCorpusWarningsAndLinks(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, outside, "passwd.txt", "root:x:0:0:root:/root:/bin/bash\n\nThe secret word is swordfish.\n")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "sub"), "blob.txt", "\xff\xfe\x00")
	writeFile(t, filepath.Join(dir, "sub"), "summit.txt", "Summit\n\nThe 2031 summit of the alliance will be held in Luxembourg City, officials said.\n")
	if err := os.Symlink(filepath.Join(outside, "passwd.txt"), filepath.Join(dir, "passwd.txt")); err != nil {
		t.Skip(err)
	}
	out, errOut, code := runCLI(t, "", nil, "sources", "--corpus", dir)
	if code != 0 || !strings.Contains(out, "sub/summit") || strings.Contains(out, "passwd") {
		t.Errorf("sources: exit %d\n%s", code, out)
	}
	for _, want := range []string{"warning: " + filepath.ToSlash(filepath.Join(dir, "sub", "blob.txt")) + " skipped: not UTF-8 text", "passwd.txt skipped: a link to a place outside the folder"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "level=") {
		t.Errorf("warnings are log lines:\n%s", errOut)
	}
	empty := t.TempDir()
	if _, errOut, code := runCLI(t, "", nil, "sources", "--corpus", empty); code != 0 || !strings.Contains(errOut, "no .txt or .md article") {
		t.Errorf("empty folder: exit %d, %q", code, errOut)
	}
}

// TestCorpusNotes: an article whose front matter has a key handover does
// not read, or whose text holds terminal escape sequences, is listed, with
// a warning that names it and what was left out, and no escape reaches
// the output.
func TestCorpusNotes(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "author.md", "---\ntitle: Luxembourg hosts summit\nauthor: Bob\npublisher: Gazette\n---\nThe 2031 summit of the alliance will be held in Luxembourg City, officials said.\n")
	writeFile(t, dir, "escapes.txt", "Harbour\x1b]0;pwned\a reopens\n\nThe harbour\x1b[2J reopened on Friday, officials said.\n")
	out, errOut, code := runCLI(t, "", nil, "sources", "--corpus", dir)
	if code != 0 || !strings.Contains(out, "Luxembourg hosts summit\n  Gazette;") || !strings.Contains(out, "Harbour reopens") || strings.ContainsAny(out, "\x1b\a") {
		t.Errorf("sources: exit %d, stdout %q", code, out)
	}
	for _, want := range []string{
		"warning: " + filepath.ToSlash(filepath.Join(dir, "author.md")) + `: unknown metadata keys ignored: "author" (the keys read are title, date, publisher, url)`,
		"warning: " + filepath.ToSlash(filepath.Join(dir, "escapes.txt")) + ": control characters removed",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	for _, bad := range []string{"skipped", "corpus.Meta", "not found in type", "\x1b"} {
		if strings.Contains(errOut, bad) {
			t.Errorf("stderr holds %q:\n%s", bad, errOut)
		}
	}
}

func TestDatesAndSpeakers(t *testing.T) {
	out, _, code := runCLI(t, "", nil, "dates")
	if code != 0 || strings.Contains(out, "1991") || strings.Contains(out, "source(s)") {
		t.Errorf("dates without --comments:\n%s", out)
	}
	if !strings.Contains(out, "(also mentions 2024-09)") {
		t.Errorf("a sentence's other date is not named as such:\n%s", out)
	}
	if strings.Count(out, "2024-10-01  ") != 1 {
		t.Errorf("the handover is not one row:\n%s", out)
	}
	out, _, _ = runCLI(t, "", nil, "dates", "--comments")
	if !strings.Contains(out, "1991") || !strings.Contains(out, "viewer comment") {
		t.Errorf("dates --comments:\n%s", out)
	}
	// A topic only reader comments date says so, and how to see them.
	out, _, code = runCLI(t, "", nil, "dates", "--topic", "1991")
	if code != 0 || !strings.Contains(out, "reader comments give 2 (add --comments)") {
		t.Errorf("dates --topic 1991: exit %d\n%s", code, out)
	}
	if out, _, _ = runCLI(t, "", nil, "dates", "--topic", "zanzibar"); strings.TrimSpace(out) != "No dated events match." {
		t.Errorf("dates --topic zanzibar:\n%s", out)
	}
	out, _, _ = runCLI(t, "", nil, "dates", "--json")
	var evs []eventJSON
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatal(err)
	}
	texts := map[string]int{}
	for _, ev := range evs {
		texts[ev.Text]++
		if len(ev.Titles) != len(ev.Docs) || len(ev.Titles) == 0 || ev.Titles[0] == "" {
			t.Errorf("event without source titles: %+v", ev)
		}
	}
	for text, n := range texts {
		if n > 1 {
			t.Errorf("%d rows for %q", n, text)
		}
	}

	out, _, code = runCLI(t, "", nil, "quotes", "--speaker", "jens")
	if code != 0 || !strings.Contains(out, "Jens Stoltenberg:") {
		t.Errorf("quotes --speaker jens: exit %d\n%s", code, out)
	}
	out, errOut, code := runCLI(t, "", nil, "quotes", "--speaker", "obama")
	if code != 0 || !strings.Contains(errOut, "Known speakers:") || !strings.Contains(errOut, "Mark Rutte") {
		t.Errorf("unknown speaker: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestHealthcheck(t *testing.T) {
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	if _, errOut, code := runCLI(t, "", map[string]string{"HANDOVER_SERVER_ADDR": addr}, "healthcheck"); code != 0 {
		t.Errorf("healthy: exit %d, %s", code, errOut)
	}
	status.Store(http.StatusServiceUnavailable)
	if _, errOut, code := runCLI(t, "", nil, "healthcheck", "--addr", addr); code != 1 || !strings.Contains(errOut, "503") {
		t.Errorf("unhealthy: exit %d, %s", code, errOut)
	}
	srv.Close()
	if _, _, code := runCLI(t, "", nil, "healthcheck", "--addr", addr); code != 1 {
		t.Errorf("down: exit %d", code)
	}
}

// TestHealthcheckReadsOnlyAddr: healthcheck reads server.addr and nothing
// else, so keys that validate only beside a file the image's HEALTHCHECK
// does not pass cannot fail it.
func TestHealthcheckReadsOnlyAddr(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	dir := t.TempDir()
	tests := []struct {
		name string
		file string // the --config file, if not empty
		env  map[string]string
	}{
		{
			name: "shard ID set, shard count only in the mounted file",
			env:  map[string]string{"HANDOVER_SERVER_ADDR": addr, "HANDOVER_DISCORD_SHARD_ID": "1"},
		},
		{
			name: "model base URL set, model only in the mounted file",
			env:  map[string]string{"HANDOVER_SERVER_ADDR": addr, "HANDOVER_LLM_BASE_URL": "http://llm.example/v1"},
		},
		{
			name: "address from the file, beside keys that fail validation",
			file: "server:\n  addr: " + addr + "\nlog:\n  level: loud\nllm:\n  timeout: 30\n",
		},
		{
			name: "variable wins over the file",
			file: "server:\n  addr: 127.0.0.1:1\n",
			env:  map[string]string{"HANDOVER_SERVER_ADDR": addr},
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"healthcheck"}
			if tt.file != "" {
				args = append(args, "--config", writeFile(t, dir, fmt.Sprintf("c%d.yaml", i), tt.file))
			}
			if out, errOut, code := runCLI(t, "", tt.env, args...); code != 0 || !strings.Contains(out, "ok: ") {
				t.Errorf("file %q, env %v: exit %d, stdout %q, stderr %q; want exit 0", tt.file, tt.env, code, out, errOut)
			}
		})
	}
}
