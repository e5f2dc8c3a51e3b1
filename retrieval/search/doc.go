// Package search owns how handover finds passages: tokenizing and
// stemming, the vocabulary of stems, BM25, the offline embedder and the
// GloVe word vectors it embeds with (glove.bin, see NOTICE), the
// chromem-go collection the vector search queries and its quantised
// copies for large collections, and corpus words near a word in meaning.
//
// It knows passages only as texts with IDs and positions; what answers a
// question (question analysis, features, the model, citations) belongs to
// retrieval. It builds on corpus's value types and must not import
// go-openai, discordgo or any other handover package but corpus.
package search
