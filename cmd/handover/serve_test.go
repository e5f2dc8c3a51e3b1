package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handover/handover/bot/discordtest"
)

// The serve tests run handover as a user would: a config file pointing
// discord.api_base_url at a fake Discord, the token in DISCORD_TOKEN, and
// the real engine over the shipped articles.

const serveToken = "serve-test-token"

// logWriter collects a program's stderr and lets a test wait for a match.
type logWriter struct {
	mu      sync.Mutex
	buf     strings.Builder
	changed chan struct{}
}

func newLogWriter() *logWriter { return &logWriter{changed: make(chan struct{})} }

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	close(w.changed)
	w.changed = make(chan struct{})
	return len(p), nil
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// find waits until re matches the log and returns its first group.
func (w *logWriter) find(ctx context.Context, re *regexp.Regexp) (string, error) {
	for {
		w.mu.Lock()
		m, ch := re.FindStringSubmatch(w.buf.String()), w.changed
		w.mu.Unlock()
		if m != nil {
			return m[len(m)-1], nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return "", fmt.Errorf("log never matched %s: %w", re, ctx.Err())
		}
	}
}

func writeConfig(t *testing.T, srv *discordtest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	cfg := fmt.Sprintf(`discord:
  api_base_url: %s
  guild_id: "%s"
  cooldown: 0s
server:
  addr: 127.0.0.1:0
log:
  level: info
`, srv.URL(), discordtest.DefaultGuildID)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestServe(t *testing.T) {
	srv := discordtest.NewServer(t, discordtest.WithToken(serveToken))
	path := writeConfig(t, srv)
	stderr := newLogWriter()
	getenv := func(k string) string {
		if k == "DISCORD_TOKEN" {
			return serveToken
		}
		return ""
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", path}, getenv, strings.NewReader(""), io.Discard, stderr)
	}()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cancel()
			<-done
		}
		if t.Failed() {
			t.Logf("handover's log:\n%s", stderr.String())
		}
	})
	wait := testCtx(t, 60*time.Second)

	addr, err := stderr.find(wait, regexp.MustCompile(`serving /healthz and /metrics" addr=(\S+)`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitRequest(wait, func(r discordtest.Request) bool { return r.Route == discordtest.RoutePutGuildCommands }); err != nil {
		t.Fatalf("commands never registered: %v", err)
	}
	if _, err := srv.WaitReady(wait); err != nil {
		t.Fatal(err)
	}

	t.Run("registers commands", func(t *testing.T) {
		var names []string
		for _, c := range srv.Commands(discordtest.DefaultGuildID) {
			names = append(names, c.Name)
		}
		if got := strings.Join(names, " "); got != "ask quote dates sources help" {
			t.Errorf("registered %q", got)
		}
	})

	t.Run("healthz", func(t *testing.T) {
		// Connected is set by discordgo's Connect handler, in a goroutine
		// of its own, perhaps just after the commands registered: poll.
		var code int
		var body []byte
		for deadline := time.Now().Add(10 * time.Second); ; {
			resp, err := http.Get("http://" + addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			code = resp.StatusCode
			if code == http.StatusOK || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if code != http.StatusOK || !strings.Contains(string(body), `"status":"ok"`) {
			t.Errorf("/healthz = %d %s", code, body)
		}
	})

	t.Run("ask", func(t *testing.T) {
		sent, err := srv.SendInteraction(discordtest.Interaction{Name: "ask",
			Options: []discordtest.CommandOption{{Name: "question", Value: "Who succeeded Stoltenberg as NATO secretary-general?"}}})
		if err != nil {
			t.Fatal(err)
		}
		cb, err := srv.WaitCallback(wait, sent)
		if err != nil {
			t.Fatal(err)
		}
		edit, err := srv.WaitRequest(wait, func(r discordtest.Request) bool {
			return r.Route == discordtest.RouteEditOriginal && r.Params["token"] == sent.Token
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("/ask with the real engine: acknowledged %v, answered %v after dispatch", cb.At.Sub(sent.At), edit.At.Sub(sent.At))
		var body struct {
			Content string
			Embeds  []*discordgo.MessageEmbed
		}
		if err := edit.Decode(&body); err != nil {
			t.Fatal(err)
		}
		if c := body.Content; !strings.Contains(c, "Rutte") || !strings.Contains(c, "[1]") {
			t.Errorf("answer = %q, want Rutte with a [1] citation", c)
		}
		if len(body.Embeds) == 0 || !strings.Contains(body.Embeds[0].Description, "**[1]**") {
			t.Errorf("answer has no numbered sources: %+v", body.Embeds)
		}
	})

	t.Run("mention", func(t *testing.T) {
		sent, err := srv.SendMessage(discordtest.Message{Content: "<@" + discordtest.DefaultBotID + "> When did Rutte take office?"})
		if err != nil {
			t.Fatal(err)
		}
		reply, err := srv.WaitRequest(wait, func(r discordtest.Request) bool {
			return r.Route == discordtest.RouteCreateMessage && strings.Contains(string(r.Body), sent.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("mention with the real engine: answered %v after dispatch", reply.At.Sub(sent.At))
		var body map[string]any
		if err := json.Unmarshal(reply.Body, &body); err != nil {
			t.Fatal(err)
		}
		if c, _ := body["content"].(string); !strings.Contains(c, "Rutte") || !strings.Contains(c, "[1]") {
			t.Errorf("reply = %q", c)
		}
		if am, _ := body["allowed_mentions"].(map[string]any); am == nil || len(am["parse"].([]any)) != 0 {
			t.Errorf("allowed_mentions = %v", body["allowed_mentions"])
		}
	})

	// SIGTERM: main cancels run's context. Run must return nil (exit 0).
	cancel()
	stopped = true
	select {
	case err := <-done:
		if err != nil || exitCode(err, io.Discard) != 0 {
			t.Errorf("serve after cancel = %v, want nil (exit 0)", err)
		}
	case <-wait.Done():
		t.Fatal("serve did not return after its context was cancelled")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Errorf("health server still up after serve returned")
	}
	for _, v := range srv.Violations() {
		t.Errorf("Discord would reject: %v", v)
	}
}

func TestServeNeedsToken(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"unset": {},
		"blank": {"DISCORD_TOKEN": "  "},
	} {
		t.Run(name, func(t *testing.T) {
			var stderr strings.Builder
			err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, &stderr)
			if err == nil || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
				t.Fatalf("serve without a token = %v, want an error naming DISCORD_TOKEN", err)
			}
			if code := exitCode(err, io.Discard); code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
		})
	}
}

func TestServeRejectsArguments(t *testing.T) {
	err := run(context.Background(), []string{"serve", "extra"}, func(string) string { return "tok" }, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || exitCode(err, io.Discard) != 2 {
		t.Errorf("serve extra = %v, want a usage error", err)
	}
}

// TestServeBinarySIGTERM builds the real binary and stops it the way
// Docker and systemd do.
func TestServeBinarySIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "handover")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := discordtest.NewServer(t, discordtest.WithToken(serveToken))
	path := writeConfig(t, srv)
	stderr := newLogWriter()
	cmd := exec.Command(bin, "serve", "--config", path)
	cmd.Env = []string{"DISCORD_TOKEN=" + serveToken, "HOME=" + t.TempDir()}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill() // a no-op once it has exited
		<-exited
		if t.Failed() {
			t.Logf("handover's log:\n%s", stderr.String())
		}
	})
	wait := testCtx(t, 60*time.Second)
	if _, err := srv.WaitRequest(wait, func(r discordtest.Request) bool { return r.Route == discordtest.RoutePutGuildCommands }); err != nil {
		t.Fatalf("commands never registered: %v", err)
	}
	if _, err := srv.WaitReady(wait); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("handover exited with %v after SIGTERM, want status 0", waitErr)
		}
	case <-wait.Done():
		t.Fatal("handover did not exit after SIGTERM")
	}
	if !strings.Contains(stderr.String(), "disconnected from discord") {
		t.Errorf("no clean disconnect in the log")
	}
}
