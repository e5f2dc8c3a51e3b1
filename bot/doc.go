// Package bot is how handover talks to Discord: slash command definitions
// (commands.go), the gateway and interaction handlers, answer formatting
// and message splitting within Discord's limits (format.go, split.go),
// cooldowns, the concurrency cap and graceful shutdown, and the health and
// metrics endpoint.
//
// It is the only handover package that imports discordgo. It answers
// through the small Answerer and Library interfaces declared here, which
// *retrieval.Engine and *retrieval.Library satisfy, and uses retrieval only
// for its value types and question checks; it must not import cmd or
// corpus.
package bot
