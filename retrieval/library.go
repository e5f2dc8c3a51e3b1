package retrieval

// Quote is a verbatim quote with its speaker and every article carrying it.
type Quote struct {
	Speaker string `json:"speaker"` // canonical full name; "" when unattributed
	Text    string `json:"text"`    // the quoted words
	Context string `json:"context"` // the sentence(s) around them
	Partial bool   `json:"partial"` // a fragment woven into reported speech
	// Sources cite the quote's sentence in each article, numbered from 1.
	Sources []Citation `json:"sources"`
}

// Event is one entry of the timeline.
type Event struct {
	Date      string     `json:"date"`      // ISO: 2024-10-01, 2024-11 or 2014
	Precision string     `json:"precision"` // day, month or year
	Text      string     `json:"text"`      // the event sentence, verbatim
	Comment   bool       `json:"comment"`   // from a reader comment, not reporting
	Sources   []Citation `json:"sources"`
}
