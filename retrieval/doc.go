// Package retrieval owns how handover answers: question analysis, the
// facts about each passage that scoring asks (answer types, quotes and
// speakers, names and their descriptions), the features and the
// fitted model that rank candidates, the extractive answerer, the LLM
// answerer and its citation checks, the remote (OpenAI-compatible)
// embeddings, and the quote and date library.
//
// Finding passages is search's (retrieval/search: tokenizing, BM25, the
// offline embedder, GloVe vectors, the chromem-go collection); retrieval
// joins its hits with the remote ones into the candidate pool. The walk of
// one question is Engine.trace: check → analyse → search → score → choose
// → compose → notes.
//
// It builds on corpus's value types and returns its own: it never returns
// chromem.Result or openai types. It is the only package that imports
// go-openai, and it must not import discordgo or any other handover
// package but corpus and its own subpackages.
package retrieval
