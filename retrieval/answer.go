package retrieval

import (
	"strconv"
	"strings"
)

// Modes an answer is written in.
const (
	ModeExtractive = "extractive"
	ModeLLM        = "llm"
)

// Request is one question put to the Engine.
type Request struct {
	Question string
	// History holds the earlier turns of a conversation, oldest first, when
	// the question follows up on them.
	History []Turn
	// OnPartial, when set, receives the whole answer text so far each time
	// a model streams more of it. It is called from the answering goroutine.
	OnPartial func(text string)
	// NoLLM forces an extractive answer even when a model is configured.
	NoLLM bool
}

// Turn is an earlier question and the answer handover gave.
type Turn struct {
	Question string
	Answer   string
}

// Answer is handover's reply to a question.
type Answer struct {
	Question  string     `json:"question"`
	Text      string     `json:"answer"`
	Abstained bool       `json:"abstained"`
	Mode      string     `json:"mode"`
	Citations []Citation `json:"citations"`
	// Closest is, for an abstention, the sentence that came nearest to
	// answering (with the rest of a quotation it is part of), for the
	// reader to judge; it answers nothing and is never cited. Nil when
	// there was none, or the confidence was under closestFrom.
	Closest *Citation `json:"closest,omitempty"`
	// Unsure marks an extractive abstention that came near the
	// threshold: the closest sentence answers about a third of such
	// questions (see unsureFrom), so the reader is asked to judge it, not
	// told that it does not answer.
	Unsure bool `json:"unsure,omitempty"`
	// Note is a short remark for the reader, such as that the model was
	// unavailable and the answer is extractive.
	Note string `json:"note,omitempty"`
	// Unverified marks a model answer that cited nothing valid: it is
	// shown with the retrieved evidence as its sources.
	Unverified bool `json:"unverified,omitempty"`
	// Language is set, to the question's ISO 639-1 code, when it is not in English
	// and no model was there to answer it: the answer says to ask in
	// English.
	Language string `json:"language,omitempty"`
}

// ClosestLabel introduces an abstention's closest sentence to a reader:
// as one that may not answer, or, when the abstention is unsure, as one
// for them to judge.
func (a Answer) ClosestLabel() string {
	if a.Unsure {
		return "The closest the articles come (check whether it answers the question):"
	}
	return "The closest the articles come (it may not answer the question):"
}

// Citation is one numbered source under an answer. N is the number used in
// the answer's [n] markers.
type Citation struct {
	// N is 0, and left out of JSON, for an abstention's closest
	// sentence, which is never numbered as a source.
	N     int    `json:"n,omitempty"`
	Doc   string `json:"doc"`
	Title string `json:"title"`
	// Publisher, Date (ISO) and URL are left out of JSON when the article
	// does not give them.
	Publisher string `json:"publisher,omitempty"`
	Date      string `json:"date,omitempty"`
	URL       string `json:"url,omitempty"`
	Kind      string `json:"kind"`
	Text      string `json:"text"`
	// Passage is the cited passage's ID: a sentence's ("<doc>#<n>"), or
	// "<doc>#0" for the article's headline.
	Passage string `json:"passage"`
	// Headline marks the article's headline, whose text is its title.
	Headline bool `json:"headline,omitempty"`
}

// Source describes one loaded article, for listings.
type Source struct {
	Doc       string `json:"doc"`
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"` // left out, as Date and URL, when unknown
	Date      string `json:"date,omitempty"`
	URL       string `json:"url,omitempty"`
	Passages  int    `json:"passages"`
	Comments  int    `json:"comments"`
}

// Excerpts returns cites with each quotation that runs over several
// sentences, cited one after the other, joined into one citation: the
// answer gives the quotation whole (“We start today. It will be hard,” she
// said), and a list of sources should not cut it at its full stops, with
// quote marks that do not pair. A sentence is joined to the one before
// when it comes next in the same article, under the same number, and a
// quotation is open at the end of the one before. The joined citation
// keeps its first sentence's passage ID. Answers keep a citation per
// sentence; a model's answer numbers each passage apart, so nothing of
// it is joined.
func Excerpts(cites []Citation) []Citation {
	out := make([]Citation, 0, len(cites))
	last := "" // the passage ID of out's last sentence
	for _, c := range cites {
		n := len(out)
		join := n > 0 && out[n-1].N == c.N && out[n-1].Kind == c.Kind &&
			follows(last, c.Passage) && quoteOpen(out[n-1].Text)
		if join {
			out[n-1].Text += " " + c.Text
		} else {
			out = append(out, c)
		}
		last = c.Passage
	}
	return out
}

// quoteOpen reports whether text ends inside a quotation: more opening
// curly quotes than closing ones, or an odd number of straight ones.
func quoteOpen(text string) bool {
	return strings.Count(text, "“") > strings.Count(text, "”") || strings.Count(text, `"`)%2 == 1
}

// follows reports whether passage ID next is the sentence after prev in
// the same article (a headline, "#0", is followed by nothing).
func follows(prev, next string) bool {
	doc, n, ok := passageNumber(prev)
	ndoc, nn, nok := passageNumber(next)
	return ok && nok && n > 0 && doc == ndoc && nn == n+1
}

// passageNumber splits a passage ID "<doc>#<n>".
func passageNumber(id string) (doc string, n int, ok bool) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	return id[:i], n, err == nil && n >= 0
}
