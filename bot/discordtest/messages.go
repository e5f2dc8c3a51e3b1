package discordtest

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

func (s *Server) createMessage(c *call) (int, any) {
	if c.body == nil {
		c.body = map[string]any{}
	}
	errs, empty := checkMessage(c.body, nil, true, len(c.req.Files) > 0)
	if ref, ok := c.body["message_reference"].(map[string]any); ok {
		id, _ := ref["message_id"].(string)
		if fail, ok := ref["fail_if_not_exists"].(bool); s.messages[id] == nil && (!ok || fail) {
			errs = append(errs, fieldError{[]string{"message_reference"}, "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"})
		}
	}
	if len(errs) > 0 {
		return s.reject(c, errs)
	}
	if empty {
		return s.rejectEmpty(c)
	}
	// With enforce_nonce, Discord answers a repeated nonce with the message
	// it already created, so a retried send never posts twice.
	nonce, _ := c.body["nonce"].(string)
	enforce := nonce != "" && c.body["enforce_nonce"] == true
	nonceKey := c.req.Params["channel"] + "/" + nonce
	if enforce {
		if m := s.messages[s.nonces[nonceKey]]; m != nil {
			return http.StatusOK, m
		}
	}
	m := s.newBotMessage(c.req.Params["channel"], c.body, c.req.Files)
	if nonce != "" {
		m["nonce"] = nonce
	}
	if enforce {
		s.nonces[nonceKey] = m["id"].(string)
	}
	s.echo(m)
	return http.StatusOK, m
}

// echo dispatches MESSAGE_CREATE for a message the bot posted in a channel
// the fake knows, as Discord does: a bot sees its own messages and must
// ignore them. s.mu must be held.
func (s *Server) echo(m map[string]any) {
	guild, ok := s.channels[m["channel_id"].(string)]
	if !ok {
		return
	}
	e := make(map[string]any, len(m)+2)
	for k, v := range m {
		e[k] = v
	}
	need := discordgo.IntentDirectMessages
	if guild != "" {
		need = discordgo.IntentGuildMessages
		e["guild_id"] = guild
		e["member"] = loadTemplate("message_create.json")["member"]
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return
	}
	// ErrNoSession only means nobody is listening.
	_, _ = s.dispatchLocked("MESSAGE_CREATE", func(sess *gwSession) json.RawMessage {
		if sess.identify.Intents&need == 0 {
			return nil
		}
		return raw
	})
}

// Posted returns the content of every message the bot created in a
// channel and did not delete, oldest first: what the channel shows.
func (s *Server) Posted(channelID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, m := range s.messages {
		if a, _ := m["author"].(map[string]any); a["id"] == s.cfg.bot.ID && m["channel_id"] == channelID && m["webhook_id"] == nil {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b)) })
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i], _ = s.messages[id]["content"].(string)
	}
	return out
}

func (s *Server) channelMessage(c *call) (int, any) {
	m := s.messages[c.req.Params["message"]]
	if m == nil || m["channel_id"] != c.req.Params["channel"] {
		return apiError(http.StatusNotFound, 10008, "Unknown Message")
	}
	if c.req.Method == http.MethodPatch {
		if a, _ := m["author"].(map[string]any); a["id"] != s.cfg.bot.ID {
			return apiError(http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
		}
	}
	return s.messageOp(c, m)
}

// messageOp gets, edits or deletes a stored message.
func (s *Server) messageOp(c *call, m map[string]any) (int, any) {
	switch c.req.Method {
	case http.MethodDelete:
		delete(s.messages, m["id"].(string))
		return http.StatusNoContent, nil
	case http.MethodPatch:
		if c.body == nil {
			c.body = map[string]any{}
		}
		if errs, _ := checkMessage(c.body, nil, false, len(c.req.Files) > 0); len(errs) > 0 {
			return s.reject(c, errs)
		}
		s.applyEdit(m, c.body, c.req.Files)
	}
	return http.StatusOK, m
}

func (s *Server) typing(*call) (int, any) { return http.StatusNoContent, nil }

// addReaction adds the bot's reaction to a stored message, counted in the
// message's reactions as on Discord.
func (s *Server) addReaction(c *call) (int, any) {
	m := s.messages[c.req.Params["message"]]
	if m == nil || m["channel_id"] != c.req.Params["channel"] {
		return apiError(http.StatusNotFound, 10008, "Unknown Message")
	}
	emoji := c.req.Params["emoji"]
	list, _ := m["reactions"].([]any)
	for _, r := range list {
		if rm, _ := r.(map[string]any); rm["emoji"].(map[string]any)["name"] == emoji {
			if rm["me"] != true {
				rm["me"], rm["count"] = true, rm["count"].(int)+1
			}
			return http.StatusNoContent, nil
		}
	}
	m["reactions"] = append(list, map[string]any{"emoji": map[string]any{"id": nil, "name": emoji}, "count": 1, "me": true})
	return http.StatusNoContent, nil
}

// newBotMessage builds and stores a message the bot sent. s.mu must be held.
func (s *Server) newBotMessage(channelID string, body map[string]any, files []File) map[string]any {
	content, _ := body["content"].(string)
	m := map[string]any{
		"id":               s.snowflake(),
		"type":             0,
		"channel_id":       channelID,
		"author":           userJSON(s.cfg.bot),
		"content":          content,
		"embeds":           richEmbeds(body["embeds"]),
		"components":       orEmpty(body["components"]),
		"attachments":      s.attachments(body, files),
		"mention_roles":    []any{},
		"mention_everyone": false,
		"pinned":           false,
		"tts":              body["tts"] == true,
		"timestamp":        timestamp(time.Now()),
		"edited_timestamp": nil,
		"flags":            orZero(body["flags"]),
	}
	users, roles, everyone := s.mentions(content)
	m["mentions"], m["mention_roles"], m["mention_everyone"] = users, roles, everyone
	if ref, ok := body["message_reference"].(map[string]any); ok {
		id, _ := ref["message_id"].(string)
		m["type"] = 19 // REPLY
		m["message_reference"] = map[string]any{"type": 0, "message_id": id, "channel_id": channelID}
		m["referenced_message"] = s.referenced(id)
	}
	s.messages[m["id"].(string)] = m
	return m
}

// applyEdit merges an edit into a stored message, as PATCH does on Discord:
// fields left out keep their values.
func (s *Server) applyEdit(m, body map[string]any, files []File) {
	if v, ok := body["content"]; ok {
		content, _ := v.(string)
		m["content"] = content
		users, roles, everyone := s.mentions(content)
		m["mentions"], m["mention_roles"], m["mention_everyone"] = users, roles, everyone
	}
	if v, ok := body["embeds"]; ok {
		m["embeds"] = richEmbeds(v)
	}
	if v, ok := body["components"]; ok {
		m["components"] = orEmpty(v)
	}
	if v, ok := body["flags"]; ok {
		m["flags"] = orZero(v)
	} else if f, _ := intField(m, "flags"); f&128 != 0 {
		m["flags"] = f &^ 128 // the first edit ends a deferred response's loading state
	}
	if _, ok := body["attachments"]; ok || len(files) > 0 {
		m["attachments"] = s.attachments(body, files)
	}
	m["edited_timestamp"] = timestamp(time.Now())
}

func (s *Server) attachments(body map[string]any, files []File) []any {
	out := []any{}
	if keep, ok := body["attachments"].([]any); ok {
		for _, a := range keep {
			if am, ok := a.(map[string]any); ok && am["url"] != nil {
				out = append(out, am) // an existing attachment being kept
			}
		}
	}
	for _, f := range files {
		id := s.snowflake()
		u := "https://cdn.discordapp.com/attachments/" + id + "/" + url.PathEscape(f.Name)
		out = append(out, map[string]any{
			"id": id, "filename": f.Name, "size": len(f.Data), "url": u,
			"proxy_url":    strings.Replace(u, "cdn.discordapp.com", "media.discordapp.net", 1),
			"content_type": f.ContentType,
		})
	}
	return out
}

// referenced is the message a reply points at, as Discord embeds it (one
// level deep), or nil when the fake does not know it.
func (s *Server) referenced(id string) any {
	m := s.messages[id]
	if m == nil {
		return nil
	}
	cp := make(map[string]any, len(m))
	for k, v := range m {
		if k != "referenced_message" {
			cp[k] = v
		}
	}
	return cp
}

var (
	userMentionRE = regexp.MustCompile(`<@!?(\d+)>`)
	roleMentionRE = regexp.MustCompile(`<@&(\d+)>`)
)

// mentions parses content the way Discord fills a message's mention fields.
func (s *Server) mentions(content string) (users, roles []any, everyone bool) {
	users, roles = []any{}, []any{}
	seen := map[string]bool{}
	for _, m := range userMentionRE.FindAllStringSubmatch(content, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			users = append(users, userJSON(s.knownUser(m[1])))
		}
	}
	for _, m := range roleMentionRE.FindAllStringSubmatch(content, -1) {
		roles = append(roles, m[1])
	}
	return users, roles, strings.Contains(content, "@everyone") || strings.Contains(content, "@here")
}

// knownUser returns the bot or the author of a stored message with that ID.
func (s *Server) knownUser(id string) User {
	if id == s.cfg.bot.ID {
		return s.cfg.bot
	}
	for _, m := range s.messages {
		if a, _ := m["author"].(map[string]any); a["id"] == id {
			name, _ := a["username"].(string)
			return User{ID: id, Username: name, Bot: a["bot"] == true}
		}
	}
	return User{ID: id}.orDefault()
}

func richEmbeds(v any) []any {
	embeds, _ := v.([]any)
	out := make([]any, 0, len(embeds))
	for _, e := range embeds {
		if em, ok := e.(map[string]any); ok {
			if em["type"] == nil || em["type"] == "" {
				em["type"] = "rich"
			}
			em["content_scan_version"] = 0
		}
		out = append(out, e)
	}
	return out
}

func orEmpty(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}

func orZero(v any) any {
	if v == nil {
		return 0
	}
	return v
}

func intField(m map[string]any, k string) (int, bool) {
	switch v := m[k].(type) {
	case json.Number:
		n, err := v.Int64()
		return int(n), err == nil
	case float64:
		return int(v), true
	case int:
		return v, true
	}
	return 0, false
}
