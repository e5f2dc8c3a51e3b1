package bot

import "github.com/bwmarrin/discordgo"

// Names of handover's slash commands and their options.
const (
	cmdAsk     = "ask"
	cmdQuote   = "quote"
	cmdDates   = "dates"
	cmdSources = "sources"
	cmdHelp    = "help"

	optQuestion = "question"
	optSpeaker  = "speaker"
	optTopic    = "topic"
	optComments = "comments"
)

// Commands are handover's slash commands, bulk-overwritten at start so the
// registered set always matches this list: a command removed here
// disappears from Discord too.
func Commands() []*discordgo.ApplicationCommand {
	// Usable in servers and in DMs with the bot; the bot is installed to
	// servers only.
	contexts := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	integrations := &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	topic := &discordgo.ApplicationCommandOption{
		Type:        discordgo.ApplicationCommandOptionString,
		Name:        optTopic,
		Description: "Only entries about this, e.g. “Ukraine” or “defence spending”",
		MaxLength:   100,
	}
	cmds := []*discordgo.ApplicationCommand{
		{
			Name:        cmdAsk,
			Description: "Ask a question about the NATO handover from Stoltenberg to Rutte",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        optQuestion,
				Description: "Your question, e.g. “When did Rutte take office?”",
				Required:    true,
				MaxLength:   2000, // retrieval.MaxQuestionLen: Discord checks it before we do
			}},
		},
		{
			Name:        cmdQuote,
			Description: "What someone said, quoted verbatim from the articles",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:         discordgo.ApplicationCommandOptionString,
					Name:         optSpeaker,
					Description:  "Who said it",
					Required:     true,
					Autocomplete: true,
					MaxLength:    100,
				},
				topic,
			},
		},
		{
			Name:        cmdDates,
			Description: "A timeline of dated events from the articles",
			Options: []*discordgo.ApplicationCommandOption{topic, {
				Type:        discordgo.ApplicationCommandOptionBoolean,
				Name:        optComments,
				Description: "Include dates from reader comments (opinions, labelled)",
			}},
		},
		{
			Name:        cmdSources,
			Description: "The articles handover answers from",
		},
		{
			Name:        cmdHelp,
			Description: "How to use handover",
		},
	}
	for _, c := range cmds {
		c.Type = discordgo.ChatApplicationCommand
		c.Contexts = contexts
		c.IntegrationTypes = integrations
	}
	return cmds
}
