package discordtest

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// interactionState is what the fake knows about an interaction it sent.
type interactionState struct {
	id, token   string
	kind        discordgo.InteractionType
	user        User
	guildID     string
	channelID   string
	sentAt      time.Time
	ackType     int    // 0 until acknowledged
	originalID  string // the @original message, "" if none
	componentOn string // for components, the message the component is on
	followups   map[string]bool
}

func (s *Server) interactionByToken(token string) *interactionState {
	for _, in := range s.interactions {
		if in.token == token {
			return in
		}
	}
	return nil
}

// allowedAcks are the callback types Discord accepts for each kind of
// interaction.
func allowedAcks(kind discordgo.InteractionType) []int {
	switch kind {
	case discordgo.InteractionApplicationCommand:
		return []int{4, 5, 9}
	case discordgo.InteractionApplicationCommandAutocomplete:
		return []int{8}
	case discordgo.InteractionMessageComponent:
		return []int{4, 5, 6, 7, 9}
	case discordgo.InteractionModalSubmit:
		return []int{4, 5, 6, 7}
	}
	return nil
}

func (s *Server) interactionCallback(c *call) (int, any) {
	in := s.interactions[c.req.Params["interaction"]]
	if in == nil || in.token != c.req.Params["token"] {
		return apiError(http.StatusNotFound, 10062, "Unknown interaction")
	}
	if d := s.cfg.ackDeadline; d > 0 && c.req.At.Sub(in.sentAt) > d {
		s.violations = append(s.violations, Violation{
			Method: c.req.Method, Path: c.req.Path, Route: c.req.Route, Code: "10062",
			Message: fmt.Sprintf("interaction acknowledged after %v (deadline %v)", c.req.At.Sub(in.sentAt), d), At: c.req.At,
		})
		return apiError(http.StatusNotFound, 10062, "Unknown interaction")
	}
	if in.ackType != 0 {
		return apiError(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
	}
	if c.body == nil {
		return s.reject(c, []fieldError{{[]string{"type"}, "BASE_TYPE_REQUIRED", "This field is required"}})
	}
	typ, _ := intField(c.body, "type")
	allowed := allowedAcks(in.kind)
	if !slices.Contains(allowed, typ) {
		return s.reject(c, []fieldError{{[]string{"type"}, "INTERACTION_RESPONSE_TYPE_INVALID",
			fmt.Sprintf("Value must be one of %v.", allowed)}})
	}
	data, _ := c.body["data"].(map[string]any)
	switch typ {
	case 4, 7:
		if data == nil {
			data = map[string]any{}
		}
		errs, empty := checkMessage(data, []string{"data"}, typ == 4, len(c.req.Files) > 0)
		if len(errs) > 0 {
			return s.reject(c, errs)
		}
		if empty {
			return s.rejectEmpty(c)
		}
	case 8:
		if errs := checkChoices(data); len(errs) > 0 {
			return s.reject(c, errs)
		}
	}
	in.ackType = typ
	switch typ {
	case 4, 5:
		if data == nil {
			data = map[string]any{}
		}
		m := s.newBotMessage(in.channelID, data, c.req.Files)
		m["webhook_id"], m["application_id"] = s.cfg.appID, s.cfg.appID
		m["interaction_metadata"] = map[string]any{"id": in.id, "type": int(in.kind), "user": userJSON(in.user)}
		if in.kind == discordgo.InteractionApplicationCommand {
			m["type"] = 20 // CHAT_INPUT_COMMAND
		}
		if typ == 5 {
			flags, _ := intField(data, "flags")
			m["flags"] = flags | 128 // LOADING: the user sees "is thinking..."
			m["content"] = ""
		}
		in.originalID = m["id"].(string)
	case 6, 7:
		in.originalID = in.componentOn
		if m := s.messages[in.componentOn]; m != nil && typ == 7 {
			s.applyEdit(m, data, c.req.Files)
		}
	}
	return http.StatusNoContent, nil
}

// webhookInteraction finds the interaction behind a webhook route; the
// interaction must have been acknowledged for its webhook to exist.
func (s *Server) webhookInteraction(c *call) (*interactionState, int, any) {
	in := s.interactionByToken(c.req.Params["token"])
	if c.req.Params["application"] != s.cfg.appID || in == nil || in.ackType == 0 {
		st, r := apiError(http.StatusNotFound, 10015, "Unknown Webhook")
		return nil, st, r
	}
	return in, 0, nil
}

func (s *Server) original(c *call) (int, any) {
	in, st, r := s.webhookInteraction(c)
	if in == nil {
		return st, r
	}
	m := s.messages[in.originalID]
	if m == nil {
		return apiError(http.StatusNotFound, 10008, "Unknown Message")
	}
	return s.messageOp(c, m)
}

func (s *Server) createFollowup(c *call) (int, any) {
	in, st, r := s.webhookInteraction(c)
	if in == nil {
		return st, r
	}
	if c.body == nil {
		c.body = map[string]any{}
	}
	errs, empty := checkMessage(c.body, nil, true, len(c.req.Files) > 0)
	if len(errs) > 0 {
		return s.reject(c, errs)
	}
	if empty {
		return s.rejectEmpty(c)
	}
	m := s.newBotMessage(in.channelID, c.body, c.req.Files)
	m["webhook_id"], m["application_id"] = s.cfg.appID, s.cfg.appID
	if in.followups == nil {
		in.followups = map[string]bool{}
	}
	in.followups[m["id"].(string)] = true
	// Interaction followups always answer with the message: wait is implied.
	return http.StatusOK, m
}

func (s *Server) editFollowup(c *call) (int, any) {
	in, st, r := s.webhookInteraction(c)
	if in == nil {
		return st, r
	}
	id := c.req.Params["message"]
	m := s.messages[id]
	if m == nil || (!in.followups[id] && id != in.originalID) {
		return apiError(http.StatusNotFound, 10008, "Unknown Message")
	}
	return s.messageOp(c, m)
}
