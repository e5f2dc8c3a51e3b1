// Package retrieval owns how handover finds and answers: the index
// (chromem-go vectors plus a BM25 lexical scorer), the embedders (the local
// offline one and an OpenAI-compatible one), ranking, the extractive
// answerer, the LLM answerer and its citation checks.
//
// It builds on corpus's value types and returns its own: it never returns
// chromem.Result or openai types, and it must not import discordgo or any
// other handover package but corpus.
package retrieval
