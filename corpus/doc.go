// Package corpus owns what handover knows: the articles shipped inside the
// binary and any extra folder of articles, parsed into titles, publishers,
// dates, sentences with stable IDs and offsets, reader comments, quotes and
// dates.
//
// It is pure and offline. It must not import chromem-go, go-openai or
// discordgo, nor any other handover package: retrieval and the bot build on
// its value types, never the other way round.
package corpus
