package discordtest

import (
	"embed"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/bwmarrin/discordgo"
)

// templates are Discord payloads shaped like the documented and observed
// ones; builders decode a fresh copy and replace the fields they set.
//
//go:embed testdata/*.json
var templates embed.FS

func loadTemplate(name string) map[string]any {
	b, err := templates.ReadFile("testdata/" + name)
	if err != nil {
		panic("discordtest: missing template " + name) // embedded at build time
	}
	m, err := decodeObject(b)
	if err != nil {
		panic("discordtest: bad template " + name + ": " + err.Error())
	}
	return m
}

// Sent identifies an event the fake dispatched.
type Sent struct {
	ID    string    // the message or interaction ID
	Token string    // the interaction token; "" for messages
	At    time.Time // when it was dispatched
}

// Message describes a MESSAGE_CREATE from a user, for SendMessage.
type Message struct {
	GuildID   string // "" means DefaultGuildID (no guild for a DM)
	ChannelID string // "" means DefaultChannelID, or DefaultDMChannelID for a DM
	DM        bool
	Author    User // zero means the default user
	Content   string
	// ReplyTo is the ID of a message this one replies to. The replied-to
	// author is mentioned, as by Discord's default reply ping, unless
	// SilentReply is set.
	ReplyTo     string
	SilentReply bool
}

// SendMessage dispatches a MESSAGE_CREATE built from testdata/message_create.json.
// Mentions like <@ID> fill the mentions array. As on Discord, a session
// receives a guild message only with the GUILD_MESSAGES intent (a DM only
// with DIRECT_MESSAGES), and without MESSAGE_CONTENT it receives empty
// content, embeds, attachments and components unless the message mentions
// the bot or is a DM.
func (s *Server) SendMessage(m Message) (Sent, error) {
	author := m.Author.orDefault()
	p := loadTemplate("message_create.json")
	id := s.snowflake()
	p["id"], p["content"], p["author"] = id, m.Content, userJSON(author)
	p["timestamp"], p["nonce"] = timestamp(time.Now()), s.snowflake()
	if author.Bot {
		delete(p, "member")
	}
	if m.DM {
		delete(p, "guild_id")
		delete(p, "member")
		p["channel_type"] = 1
		p["channel_id"] = or(m.ChannelID, DefaultDMChannelID)
	} else {
		p["guild_id"] = or(m.GuildID, DefaultGuildID)
		p["channel_id"] = or(m.ChannelID, DefaultChannelID)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	users, roles, everyone := s.mentions(m.Content)
	if m.ReplyTo != "" {
		ref := s.referenced(m.ReplyTo)
		p["type"] = 19 // REPLY
		mr := map[string]any{"type": 0, "message_id": m.ReplyTo, "channel_id": p["channel_id"]}
		if g, ok := p["guild_id"]; ok {
			mr["guild_id"] = g
		}
		p["message_reference"], p["referenced_message"] = mr, ref
		if rm, ok := ref.(map[string]any); ok && !m.SilentReply {
			if a, ok := rm["author"].(map[string]any); ok && a["id"] != author.ID && !hasUser(users, a["id"]) {
				users = append(users, a)
			}
		}
	}
	p["mentions"], p["mention_roles"], p["mention_everyone"] = users, roles, everyone
	s.messages[id] = p
	s.channels[p["channel_id"].(string)] = or(m.GuildID, DefaultGuildID)
	if m.DM {
		s.channels[p["channel_id"].(string)] = ""
	}

	full, err := json.Marshal(p)
	if err != nil {
		return Sent{}, errorf("marshal message: %w", err)
	}
	blank := map[string]any{}
	for k, v := range p {
		blank[k] = v
	}
	blank["content"], blank["embeds"], blank["attachments"], blank["components"] = "", []any{}, []any{}, []any{}
	stripped, err := json.Marshal(blank)
	if err != nil {
		return Sent{}, errorf("marshal message: %w", err)
	}
	need := discordgo.IntentGuildMessages
	if m.DM {
		need = discordgo.IntentDirectMessages
	}
	readable := m.DM || author.ID == s.cfg.bot.ID || hasUser(users, s.cfg.bot.ID)
	at, err := s.dispatchLocked("MESSAGE_CREATE", func(sess *gwSession) json.RawMessage {
		switch intents := sess.identify.Intents; {
		case intents&need == 0:
			return nil
		case intents&discordgo.IntentMessageContent == 0 && !readable:
			return stripped
		}
		return full
	})
	if err != nil {
		return Sent{}, errorf("send message: %w", err)
	}
	return Sent{ID: id, At: at}, nil
}

// Interaction describes an INTERACTION_CREATE, for SendInteraction.
type Interaction struct {
	// Type is discordgo.InteractionApplicationCommand (the default),
	// InteractionApplicationCommandAutocomplete or InteractionMessageComponent.
	Type discordgo.InteractionType
	// Name and Options describe the command (and, for autocomplete, the
	// option being typed: mark it Focused).
	Name    string
	Options []CommandOption
	// CustomID, ComponentType (default button), Values (select menus) and
	// MessageID describe a component click. MessageID is the message
	// carrying the component; if the fake does not know it, it makes up a
	// bot message with that button.
	CustomID      string
	ComponentType discordgo.ComponentType
	Values        []string
	MessageID     string

	GuildID   string // "" means DefaultGuildID (no guild for a DM)
	ChannelID string // "" means DefaultChannelID, or DefaultDMChannelID for a DM
	DM        bool
	User      User   // zero means the default user
	Locale    string // "" means en-US

	// Malform, if set, changes the payload just before dispatch, to send
	// what a client library may fail to decode: a custom_id that is a
	// number, options that are not a list. The fake still accepts the
	// interaction's callback.
	Malform func(payload map[string]any)
}

// CommandOption is an option value in a command or autocomplete interaction.
// Its type is taken from the registered command when there is one, else
// from Value's Go type (string, bool, integer or float).
type CommandOption struct {
	Name    string
	Value   any
	Focused bool
	Options []CommandOption // for a subcommand; Value is then ignored
}

// SendInteraction dispatches an INTERACTION_CREATE built from the
// testdata/interaction_*.json templates, with a fresh ID and token. Wait for
// the bot's answer with WaitCallback. Like Discord, the fake then accepts one
// callback within the acknowledgement deadline, and the webhook routes for
// the token once the interaction is acknowledged.
func (s *Server) SendInteraction(in Interaction) (Sent, error) {
	if in.Type == 0 {
		in.Type = discordgo.InteractionApplicationCommand
	}
	var p map[string]any
	switch in.Type {
	case discordgo.InteractionApplicationCommand:
		p = loadTemplate("interaction_command.json")
	case discordgo.InteractionApplicationCommandAutocomplete:
		p = loadTemplate("interaction_autocomplete.json")
	case discordgo.InteractionMessageComponent:
		p = loadTemplate("interaction_component.json")
	default:
		return Sent{}, errorf("send interaction: unsupported type %v", in.Type)
	}
	user := in.User.orDefault()
	guild := or(in.GuildID, DefaultGuildID)
	channel := or(in.ChannelID, DefaultChannelID)
	if in.DM {
		guild, channel = "", or(in.ChannelID, DefaultDMChannelID)
	}
	id := s.snowflake()
	token := interactionToken(id)
	p["id"], p["token"], p["application_id"] = id, token, s.cfg.appID
	p["type"], p["locale"] = int(in.Type), or(in.Locale, "en-US")
	p["channel_id"] = channel
	ch, _ := p["channel"].(map[string]any)
	ch["id"] = channel
	if in.DM {
		for _, k := range []string{"guild", "guild_id", "guild_locale", "member"} {
			delete(p, k)
		}
		p["user"], p["context"] = userJSON(user), 1 // BOT_DM
		p["authorizing_integration_owners"] = map[string]any{"0": "0"}
		p["channel"] = map[string]any{"id": channel, "type": 1, "flags": 0, "last_message_id": nil,
			"recipients": []any{userJSON(user)}}
	} else {
		p["guild_id"] = guild
		g, _ := p["guild"].(map[string]any)
		g["id"] = guild
		ch["guild_id"] = guild
		member, _ := p["member"].(map[string]any)
		member["user"] = userJSON(user)
		p["authorizing_integration_owners"] = map[string]any{"0": guild}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := &interactionState{id: id, token: token, kind: in.Type, user: user, guildID: guild, channelID: channel}
	s.channels[channel] = guild
	if in.Type == discordgo.InteractionMessageComponent {
		ct := in.ComponentType
		if ct == 0 {
			ct = discordgo.ButtonComponent
		}
		data := map[string]any{"custom_id": in.CustomID, "component_type": int(ct)}
		if in.Values != nil {
			data["values"] = in.Values
		}
		p["data"] = data
		msg := s.componentMessage(p, in, channel, guild)
		p["message"] = msg
		st.componentOn = msg["id"].(string)
	} else {
		cmd, cmdGuild := s.registered(in.Name, guild)
		data := map[string]any{"name": in.Name, "type": 1, "options": encodeOptions(in.Options, cmdOptions(cmd))}
		if cmd != nil {
			data["id"] = cmd["id"]
		} else {
			data["id"] = s.snowflake()
		}
		if cmdGuild != "" {
			data["guild_id"] = cmdGuild
		}
		p["data"] = data
	}
	if in.Malform != nil {
		in.Malform(p)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return Sent{}, errorf("marshal interaction: %w", err)
	}
	// Registered before dispatch: the bot may answer before dispatchLocked
	// returns.
	s.interactions[id] = st
	st.sentAt, err = s.dispatchLocked("INTERACTION_CREATE", func(*gwSession) json.RawMessage { return raw })
	if err != nil {
		delete(s.interactions, id)
		return Sent{}, errorf("send interaction: %w", err)
	}
	return Sent{ID: id, Token: token, At: st.sentAt}, nil
}

// componentMessage is the message a clicked component is on: a stored one,
// or the template's bot message given in.MessageID and in.CustomID.
// s.mu must be held.
func (s *Server) componentMessage(p map[string]any, in Interaction, channel, guild string) map[string]any {
	if m := s.messages[in.MessageID]; m != nil {
		return m
	}
	m, _ := p["message"].(map[string]any)
	m["id"] = or(in.MessageID, s.snowflake())
	m["channel_id"], m["author"] = channel, userJSON(s.cfg.bot)
	m["application_id"], m["webhook_id"] = s.cfg.appID, s.cfg.appID
	m["timestamp"] = timestamp(time.Now())
	m["components"] = []any{map[string]any{"type": 1, "components": []any{
		map[string]any{"type": 2, "style": 2, "label": "More", "custom_id": in.CustomID},
	}}}
	if guild != "" {
		meta, _ := m["interaction_metadata"].(map[string]any)
		meta["authorizing_integration_owners"] = map[string]any{"0": guild}
	} else {
		delete(m, "interaction_metadata")
	}
	s.messages[m["id"].(string)] = m
	return m
}

// registered finds a chat-input command by name, guild commands first, and
// the guild it is registered in ("" for global). s.mu must be held.
func (s *Server) registered(name, guild string) (map[string]any, string) {
	scopes := []string{""}
	if guild != "" {
		scopes = []string{guild, ""}
	}
	for _, g := range scopes {
		for _, c := range s.commands[g] {
			if c["name"] == name && fmt.Sprint(c["type"]) == "1" {
				return c, g
			}
		}
	}
	return nil, ""
}

func cmdOptions(cmd map[string]any) []any {
	opts, _ := cmd["options"].([]any)
	return opts
}

// encodeOptions writes option values as Discord does, typing them from the
// registered schema when known.
func encodeOptions(opts []CommandOption, schema []any) []any {
	out := make([]any, 0, len(opts))
	for _, o := range opts {
		var def map[string]any
		for _, d := range schema {
			if dm, _ := d.(map[string]any); dm["name"] == o.Name {
				def = dm
			}
		}
		typ, ok := intField(def, "type")
		if !ok {
			typ = inferType(o)
		}
		e := map[string]any{"name": o.Name, "type": typ}
		if typ == int(discordgo.ApplicationCommandOptionSubCommand) || typ == int(discordgo.ApplicationCommandOptionSubCommandGroup) {
			e["options"] = encodeOptions(o.Options, cmdOptions(def))
		} else {
			e["value"] = o.Value
		}
		if o.Focused {
			e["focused"] = true
		}
		out = append(out, e)
	}
	return out
}

func inferType(o CommandOption) int {
	if len(o.Options) > 0 {
		return int(discordgo.ApplicationCommandOptionSubCommand)
	}
	switch reflect.ValueOf(o.Value).Kind() {
	case reflect.Bool:
		return int(discordgo.ApplicationCommandOptionBoolean)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int(discordgo.ApplicationCommandOptionInteger)
	case reflect.Float32, reflect.Float64:
		return int(discordgo.ApplicationCommandOptionNumber)
	}
	return int(discordgo.ApplicationCommandOptionString)
}

func hasUser(users []any, id any) bool {
	for _, u := range users {
		if um, _ := u.(map[string]any); um["id"] == id {
			return true
		}
	}
	return false
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
