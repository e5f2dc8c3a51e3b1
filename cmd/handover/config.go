package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/handover/handover/bot"
	"github.com/handover/handover/retrieval/lexicon"
)

// config is the YAML configuration file. config.example.yaml documents
// every key; each package gets its own options struct built from this one.
type config struct {
	Corpus     corpusConfig     `yaml:"corpus"`
	Index      indexConfig      `yaml:"index"`
	Embeddings embeddingsConfig `yaml:"embeddings"`
	LLM        llmConfig        `yaml:"llm"`
	Discord    discordConfig    `yaml:"discord"`
	Server     serverConfig     `yaml:"server"`
	Log        logConfig        `yaml:"log"`
}

type corpusConfig struct {
	Dir string `yaml:"dir"`
}

type indexConfig struct {
	Path string `yaml:"path"`
}

type embeddingsConfig struct {
	BaseURL string        `yaml:"base_url"`
	Model   string        `yaml:"model"`
	Timeout time.Duration `yaml:"timeout"`
}

type llmConfig struct {
	BaseURL     string        `yaml:"base_url"`
	Model       string        `yaml:"model"`
	Timeout     time.Duration `yaml:"timeout"`
	MaxTokens   int           `yaml:"max_tokens"`
	Temperature *float32      `yaml:"temperature"`
	MaxRetries  int           `yaml:"max_retries"`
}

type discordConfig struct {
	APIBaseURL        string        `yaml:"api_base_url"`
	GuildID           string        `yaml:"guild_id"`
	Channels          []string      `yaml:"channels"`
	RespondToMentions *bool         `yaml:"respond_to_mentions"`
	Cooldown          time.Duration `yaml:"cooldown"`
	MaxConcurrent     int           `yaml:"max_concurrent"`
	ShardID           int           `yaml:"shard_id"`
	ShardCount        int           `yaml:"shard_count"`
}

type serverConfig struct {
	Addr string `yaml:"addr"`
}

type logConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

func defaultConfig() config {
	yes := true
	return config{
		Embeddings: embeddingsConfig{Timeout: 10 * time.Second},
		LLM:        llmConfig{Timeout: 30 * time.Second, MaxTokens: 512, MaxRetries: 2},
		Discord: discordConfig{
			APIBaseURL:        "https://discord.com",
			RespondToMentions: &yes,
			Cooldown:          5 * time.Second,
			MaxConcurrent:     4,
			ShardCount:        1,
		},
		Server: serverConfig{Addr: "127.0.0.1:9090"},
		Log:    logConfig{Level: "info", Format: "text"},
	}
}

// envPrefix starts the environment variable that overrides each key:
// server.addr is HANDOVER_SERVER_ADDR, discord.channels (a comma-separated
// list) is HANDOVER_DISCORD_CHANNELS. A container sets them without
// mounting a file.
const envPrefix = "HANDOVER_"

// envName is the environment variable that overrides the key path.
func envName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// loadConfig reads path over the defaults, then the HANDOVER_* environment
// variables over both. Problems are reported in the user's terms, every
// one at once: the line and key path, what is wrong and, for a misspelt
// key, the key meant.
func loadConfig(path string, getenv func(string) string) (config, error) {
	cfg := defaultConfig()
	var problems []string
	root, where, err := readConfigFile(path)
	if err != nil {
		return cfg, err
	}
	if root != nil {
		problems = checkNode(root, reflect.TypeFor[config](), "", problems)
		// Decode even past problems, so validation below reports the
		// values that fail it too; a wrong type was reported above.
		if err := root.Decode(&cfg); err != nil && len(problems) == 0 {
			problems = append(problems, strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	problems = applyEnv(reflect.ValueOf(&cfg).Elem(), "", getenv, problems)
	if err := cfg.validate(); err != nil {
		for _, p := range strings.Split(err.Error(), "\n") {
			problems = append(problems, fromEnv(p, getenv))
		}
	}
	if len(problems) > 0 {
		return cfg, fmt.Errorf("%s:\n  %s", where, strings.Join(problems, "\n  "))
	}
	// Validation accepts either case, as the words are read.
	cfg.Log.Level, cfg.Log.Format = strings.ToLower(cfg.Log.Level), strings.ToLower(cfg.Log.Format)
	return cfg, nil
}

// readConfigFile parses path as YAML and returns its top-level node, nil
// for no path or an empty file (all defaults), and where problems are: the
// file's name, for the first line of an error.
func readConfigFile(path string) (root *yaml.Node, where string, err error) {
	if path == "" {
		return nil, "config", nil
	}
	where = "config " + path
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, where, fmt.Errorf("read config: %w", err)
	}
	// yaml.Unmarshal reads the first document alone: a second one, after
	// "---", would be ignored without a word, with every key it sets.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, where, fmt.Errorf("%s: not YAML: %s", where, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	for {
		// An empty document (a "---" closing the file) sets nothing.
		var next yaml.Node
		err := dec.Decode(&next)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, where, fmt.Errorf("%s: not YAML: %s", where, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		if len(next.Content) > 0 && next.Content[0].Tag != "!!null" {
			return nil, where, fmt.Errorf("%s: line %d: a second YAML document begins: the file must hold one document (remove the ---, or merge the documents)", where, next.Line)
		}
	}
	if len(doc.Content) == 0 {
		return nil, where, nil
	}
	return doc.Content[0], where, nil
}

// loadServerAddr reads server.addr alone, from path and then
// HANDOVER_SERVER_ADDR over it as loadConfig does, and checks nothing
// else. healthcheck needs only the address, and the image's HEALTHCHECK
// runs without the mounted --config: a variable that is valid only beside
// that file's keys (a shard ID, a model's base URL) must not fail it.
func loadServerAddr(path string, getenv func(string) string) (string, error) {
	server := defaultConfig().Server
	root, where, err := readConfigFile(path)
	if err != nil {
		return "", err
	}
	var problems []string
	if root != nil && root.Kind != yaml.MappingNode {
		// Reports the file itself as not a section of keys, or nothing
		// for a null document.
		problems = checkNode(root, reflect.TypeFor[config](), "", problems)
	} else if root != nil {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value != "server" {
				continue
			}
			n := root.Content[i+1]
			if these := checkNode(n, reflect.TypeFor[serverConfig](), "server", nil); len(these) > 0 {
				problems = append(problems, these...)
			} else if err := n.Decode(&server); err != nil {
				problems = append(problems, strings.TrimPrefix(err.Error(), "yaml: "))
			}
		}
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("%s:\n  %s", where, strings.Join(problems, "\n  "))
	}
	if v, ok := lookupEnv(getenv, envName("server.addr")); ok {
		server.Addr = v
	}
	return server.Addr, nil
}

// fromEnv names, in a validation problem "key: ...", the environment
// variable instead of the key when the variable set the value: that is
// where the user must look.
func fromEnv(problem string, getenv func(string) string) string {
	key, rest, ok := strings.Cut(problem, ": ")
	if !ok || strings.ContainsAny(key, " ") {
		return problem
	}
	base, _, _ := strings.Cut(key, "[")
	if name := envName(base); getenv(name) != "" {
		// No list index: a variable's list skips blank items, so the index
		// would not count what the user wrote; the quoted value names the
		// item.
		return name + ": " + rest
	}
	return problem
}

var durationType = reflect.TypeFor[time.Duration]()

// checkNode checks n against the Go type t it will be decoded into, and
// adds a problem for each unknown key and each value of the wrong kind.
func checkNode(n *yaml.Node, t reflect.Type, key string, problems []string) []string {
	bad := func(format string, args ...any) {
		where := key
		if where == "" {
			// The top level has no key path to name.
			where = "the file"
		}
		problems = append(problems, fmt.Sprintf("line %d: %s: ", n.Line, where)+fmt.Sprintf(format, args...))
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return problems // an empty value keeps the default
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad("must be a section of keys, got %s", describe(n))
			return problems
		}
		known := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			known[name] = f.Type
			names = append(names, name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub := joinKey(key, k.Value)
			ft, ok := known[k.Value]
			if !ok {
				msg := fmt.Sprintf("line %d: %s: unknown key", k.Line, sub)
				if s := suggest(k.Value, names); s != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", s)
				} else {
					msg += fmt.Sprintf(" (known keys here: %s)", strings.Join(names, ", "))
				}
				problems = append(problems, msg)
				continue
			}
			problems = checkNode(v, ft, sub, problems)
		}
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			bad("must be a duration such as 30s, got %s", describe(n))
		} else if _, err := time.ParseDuration(n.Value); err != nil {
			if _, err := strconv.ParseFloat(n.Value, 64); err == nil {
				bad("%q is not a duration (write %ss)", n.Value, n.Value)
			} else {
				bad("%q is not a duration (write e.g. 30s, 2m or 1m30s)", n.Value)
			}
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			bad("must be a list, e.g. [\"123456789012345678\"], got %s", describe(n))
			return problems
		}
		for i, item := range n.Content {
			problems = checkNode(item, t.Elem(), fmt.Sprintf("%s[%d]", key, i), problems)
		}
	case n.Kind != yaml.ScalarNode:
		bad("must be a single value, got %s", describe(n))
	case t.Kind() == reflect.Int:
		if _, err := strconv.ParseInt(n.Value, 10, 64); err != nil {
			bad("%q is not a whole number", n.Value)
		}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		if _, err := strconv.ParseFloat(n.Value, 64); err != nil {
			bad("%q is not a number", n.Value)
		}
	case t.Kind() == reflect.Bool:
		if _, err := strconv.ParseBool(n.Value); err != nil {
			bad("%q is not true or false", n.Value)
		}
	}
	return problems
}

func joinKey(parent, k string) string {
	if parent == "" {
		return k
	}
	return parent + "." + k
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a section of keys"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

// suggest returns the known name closest to a misspelt one, or "" when
// none is close: at most a third of its letters changed.
func suggest(typed string, names []string) string {
	best, bestD := "", len(typed)/3+1
	for _, n := range names {
		// Distance stops counting past bestD-1, returning bestD then.
		if d := lexicon.Distance(strings.ToLower(typed), n, bestD-1); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// applyEnv sets each key whose HANDOVER_* variable is set, checked like
// the file's values. A list is comma-separated.
func applyEnv(v reflect.Value, key string, getenv func(string) string, problems []string) []string {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		sub := joinKey(key, name)
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Struct && f.Type != durationType {
			problems = applyEnv(fv, sub, getenv, problems)
			continue
		}
		val, ok := lookupEnv(getenv, envName(sub))
		if !ok {
			continue
		}
		n := &yaml.Node{Kind: yaml.ScalarNode, Value: val, Line: 0}
		if f.Type.Kind() == reflect.String {
			n.Tag = "!!str"
		}
		if f.Type.Kind() == reflect.Slice {
			n = &yaml.Node{Kind: yaml.SequenceNode}
			for _, item := range strings.Split(val, ",") {
				if item = strings.TrimSpace(item); item != "" {
					n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: item})
				}
			}
		}
		var these []string
		these = checkNode(n, f.Type, sub, these)
		for _, p := range these {
			problems = append(problems, envName(sub)+strings.TrimPrefix(p, "line 0: "+sub))
		}
		if len(these) > 0 {
			continue
		}
		target := reflect.New(f.Type)
		if err := n.Decode(target.Interface()); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", envName(sub), err))
			continue
		}
		fv.Set(target.Elem())
	}
	return problems
}

// lookupEnv treats an empty variable as unset, as shells and container
// runtimes often pass them.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// validate reports every problem at once.
func (c config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	checkURL := func(key, v string) {
		if v == "" {
			return
		}
		u, err := url.Parse(v)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			// Never the value itself: it may carry a key.
			bad("%s: %s is not an http(s) URL", key, bot.RedactURL(v))
		case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(v, "#"):
			// Clients append their paths to the base URL as a string, so
			// "/v1?api-version=x" would become "/v1?api-version=x/chat/completions",
			// and the query (which may hold a key) would be logged with it.
			// Neither it nor the fragment is shown.
			bad("%s: must not hold a query (?...) or fragment (#...): give the base URL alone, e.g. %s://%s%s", key, u.Scheme, u.Host, u.EscapedPath())
		}
	}
	checkURL("embeddings.base_url", c.Embeddings.BaseURL)
	checkURL("llm.base_url", c.LLM.BaseURL)
	checkURL("discord.api_base_url", c.Discord.APIBaseURL)
	if c.Embeddings.BaseURL != "" && c.Embeddings.Model == "" {
		bad("embeddings.model: required when embeddings.base_url is set")
	}
	if c.LLM.BaseURL != "" && c.LLM.Model == "" {
		bad("llm.model: required when llm.base_url is set")
	}
	if c.Embeddings.Timeout <= 0 {
		bad("embeddings.timeout: must be positive, got %s", c.Embeddings.Timeout)
	}
	if c.LLM.Timeout <= 0 {
		bad("llm.timeout: must be positive, got %s", c.LLM.Timeout)
	}
	// A Discord interaction token lasts 15 minutes; queueing, the answer
	// and its delivery must fit in it.
	if total := c.LLM.Timeout + c.Embeddings.Timeout; total > 8*time.Minute {
		bad("llm.timeout + embeddings.timeout: must be at most 8m, got %s", total)
	}
	if c.LLM.MaxTokens < 0 {
		bad("llm.max_tokens: must not be negative, got %d", c.LLM.MaxTokens)
	}
	if c.LLM.MaxRetries < 0 || c.LLM.MaxRetries > 10 {
		bad("llm.max_retries: must be between 0 and 10, got %d", c.LLM.MaxRetries)
	}
	if t := c.LLM.Temperature; t != nil && (*t < 0 || *t > 2) {
		bad("llm.temperature: must be between 0 and 2, got %g", *t)
	}
	for i, ch := range append([]string{c.Discord.GuildID}, c.Discord.Channels...) {
		if ch != "" && !isSnowflake(ch) {
			key := "discord.guild_id"
			if i > 0 {
				key = fmt.Sprintf("discord.channels[%d]", i-1)
			}
			bad("%s: %q is not a Discord ID (%d to %d digits, e.g. 123456789012345678)", key, ch, minSnowflake, maxSnowflake)
		}
	}
	if c.Discord.Cooldown < 0 {
		bad("discord.cooldown: must not be negative, got %s", c.Discord.Cooldown)
	}
	if c.Discord.MaxConcurrent < 1 || c.Discord.MaxConcurrent > 1024 {
		bad("discord.max_concurrent: must be between 1 and 1024, got %d", c.Discord.MaxConcurrent)
	}
	if c.LLM.MaxTokens > 1<<20 {
		bad("llm.max_tokens: must be at most %d, got %d", 1<<20, c.LLM.MaxTokens)
	}
	if c.Discord.ShardCount < 1 {
		bad("discord.shard_count: must be at least 1, got %d", c.Discord.ShardCount)
	} else if c.Discord.ShardID < 0 || c.Discord.ShardID >= c.Discord.ShardCount {
		bad("discord.shard_id: must be in [0, shard_count), got %d with shard_count %d", c.Discord.ShardID, c.Discord.ShardCount)
	}
	// Checked here, not when serve listens, so a missing port is a
	// config error (exit 2) that names the key.
	if a := c.Server.Addr; a != "" {
		if _, _, err := net.SplitHostPort(a); err != nil {
			bad("server.addr: %q is not host:port, e.g. 127.0.0.1:9090 or :9090", a)
		}
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level: must be debug, info, warn or error, got %q", c.Log.Level)
	}
	switch strings.ToLower(c.Log.Format) {
	case "text", "json":
	default:
		bad("log.format: must be text or json, got %q", c.Log.Format)
	}
	return errors.Join(errs...)
}

// The lengths of a Discord ID (a snowflake) accepted: real ones have 17
// to 20 digits; shorter ones serve tests and fakes.
const minSnowflake, maxSnowflake = 5, 20

func isSnowflake(s string) bool {
	if len(s) < minSnowflake || len(s) > maxSnowflake {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
