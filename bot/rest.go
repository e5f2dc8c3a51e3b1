package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// request sends one REST call through the session's client, outside
// discordgo's rate limiter: the client's limiter (ratelimit.go) keeps the
// limits per route and interaction token, and waits only as long as ctx
// allows. discordgo's limiter would file every interaction edit under one
// bucket, and remember a bucket for every interaction forever.
//
// A fresh, already locked discordgo bucket satisfies
// RequestWithLockedBucket, which releases it.
func request(ctx context.Context, s *discordgo.Session, method, endpoint string, body, out any) error {
	var data []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode %s request: %w", method, err)
		}
		data = b
	}
	bucket := discordgo.NewRatelimiter().LockBucket(endpoint)
	resp, err := s.RequestWithLockedBucket(method, endpoint, "application/json", data, bucket, 0, discordgo.WithContext(ctx))
	if err != nil {
		return err
	}
	if out != nil && len(resp) > 0 {
		if err := json.Unmarshal(resp, out); err != nil {
			return fmt.Errorf("decode %s response: %w", method, err)
		}
	}
	return nil
}

// messageSend is a new channel message with a nonce that Discord enforces:
// a retry after a 5xx whose first try did post returns that message instead
// of posting it twice. discordgo's MessageSend has no nonce.
type messageSend struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// newNonce is a message nonce: at most 25 characters, unique enough for
// the few minutes Discord remembers nonces.
func newNonce() string { return strconv.FormatUint(rand.Uint64()>>1, 10) }

func sendMessage(ctx context.Context, s *discordgo.Session, channelID string, m *discordgo.MessageSend) (*discordgo.Message, error) {
	var msg discordgo.Message
	err := request(ctx, s, "POST", discordgo.EndpointChannelMessages(channelID), messageSend{MessageSend: m, Nonce: newNonce(), EnforceNonce: true}, &msg)
	if err != nil {
		return nil, err
	}
	return &msg, nil
}

func editMessage(ctx context.Context, s *discordgo.Session, channelID, messageID string, e *discordgo.WebhookEdit) error {
	return request(ctx, s, "PATCH", discordgo.EndpointChannelMessage(channelID, messageID), e, nil)
}

// sendTyping shows the bot typing in a channel for about 10 seconds, or
// until it sends a message there.
func sendTyping(ctx context.Context, s *discordgo.Session, channelID string) error {
	return request(ctx, s, "POST", discordgo.EndpointChannelTyping(channelID), nil, nil)
}

// react adds the bot's reaction to a message. emoji is a unicode emoji.
func react(ctx context.Context, s *discordgo.Session, channelID, messageID, emoji string) error {
	return request(ctx, s, "PUT", discordgo.EndpointMessageReaction(channelID, messageID, url.PathEscape(emoji), "@me"), nil, nil)
}

func interactionCallback(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	return request(ctx, s, "POST", discordgo.EndpointInteractionResponse(i.ID, i.Token), resp, nil)
}

func interactionEdit(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction, e *discordgo.WebhookEdit) (*discordgo.Message, error) {
	var msg discordgo.Message
	if err := request(ctx, s, "PATCH", discordgo.EndpointInteractionResponseActions(i.AppID, i.Token), e, &msg); err != nil {
		return nil, err
	}
	return &msg, nil
}

func interactionDelete(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction) error {
	return request(ctx, s, "DELETE", discordgo.EndpointInteractionResponseActions(i.AppID, i.Token), nil, nil)
}

func interactionFollowup(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction, p *discordgo.WebhookParams) (*discordgo.Message, error) {
	var msg discordgo.Message
	if err := request(ctx, s, "POST", discordgo.EndpointFollowupMessage(i.AppID, i.Token)+"?wait=true", p, &msg); err != nil {
		return nil, err
	}
	return &msg, nil
}
