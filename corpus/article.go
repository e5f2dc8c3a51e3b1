package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind says whether a text is the article's own reporting or a reader's
// comment.
type Kind string

// The kinds of text in an article.
const (
	KindArticle Kind = "article"
	KindComment Kind = "comment"
)

// MaxFileSize is the largest article file Parse accepts.
const MaxFileSize = 5 << 20

// Errors a caller may branch on when a file is skipped.
var (
	ErrEmpty    = errors.New("empty article")
	ErrNotText  = errors.New("not UTF-8 text")
	ErrTooLarge = errors.New("article larger than 5 MB")
)

// Article is one parsed news article.
type Article struct {
	ID    string // file name without extension
	Title string
	// Headline says the title is the article's own headline, not one
	// made from its lead sentence; a headline is a passage too.
	Headline  bool
	Publisher string // "" when the text does not name it
	Date      string // YYYY-MM-DD, "" when unknown
	URL       string // where the article was published; "" when unknown
	// DateSource says how Date was found: "metadata", "dateline",
	// "inferred" or "".
	DateSource string
	// Text is the cleaned text: paragraphs separated by blank lines, page
	// furniture and datelines removed, reader comments last. Sentence
	// offsets point into it.
	Text       string
	Paragraphs []Paragraph
	Sentences  []Sentence
}

// Paragraph is a block of the cleaned text.
type Paragraph struct {
	Start, End int
	Kind       Kind
	Heading    bool // a sub-heading: kept in Text but not split into sentences
	Comment    int  // the reader comment's number, for comments
}

// Sentence is the answer unit: verbatim text with a stable ID.
type Sentence struct {
	ID      string // "<doc>#<n>", n counting from 1 in reading order
	Doc     string
	Kind    Kind
	Para    int // index into Article.Paragraphs
	Index   int // index into Article.Sentences
	Comment int // reader comment number, 0 for article text
	Start   int // byte offsets into Article.Text
	End     int
	Text    string
}

// Body returns the article's own text without reader comments.
func (a *Article) Body() string {
	var b strings.Builder
	for _, p := range a.Paragraphs {
		if p.Kind != KindArticle {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(a.Text[p.Start:p.End])
	}
	return b.String()
}

var (
	metaDateRe = regexp.MustCompile(`(?i)^\s*(?:date|published|updated)\s*:?\s+(\d{4}-\d{2}-\d{2})\s*$`)
	datelineRe = regexp.MustCompile(`^(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?` +
		`(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2}),\s+(\d{4})\s*[-–—]\s+`)
	titleSuffixRe = regexp.MustCompile(`^(.*\S)\s+[|]\s+([^|]{2,40})$`)
	commentRe     = regexp.MustCompile(`^\s*(\d{1,3})\.\s+(\S.*)$`)
	furnitureRes  = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^total views\s*:?\s*[\d,]+$`),
		regexp.MustCompile(`(?i)^((zoom in|zoom out|read later|print|share|save|email)\s*)+$`),
		regexp.MustCompile(`(?i)^join our (channel|telegram|whatsapp)\b.*$`),
		regexp.MustCompile(`(?i)^(advertisement|subscribe( now)?|follow us.*|read more:?.*|related:?)$`),
	}
	selfReportRe = regexp.MustCompile(`(?i)is detailed in ([A-Z][\w-]+(?:[ -][A-Z][\w-]+)*)[’']s (?:report|material|article)\.?$`)
)

// Parse parses one article file. id names it; data is its bytes. Parse
// returns ErrEmpty, ErrNotText or ErrTooLarge (wrapped) for files it cannot
// use.
func Parse(id string, data []byte) (*Article, error) {
	switch {
	case len(data) > MaxFileSize:
		return nil, fmt.Errorf("parse %s: %w", id, ErrTooLarge)
	case !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0:
		return nil, fmt.Errorf("parse %s: %w", id, ErrNotText)
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	lines := strings.Split(text, "\n")

	a := &Article{ID: id}
	var title string
	var blocks []block
	var cur *block
	flush := func() {
		if cur != nil {
			cur.text = cur.buf.String()
			cur.buf = nil
			blocks = append(blocks, *cur)
			cur = nil
		}
	}
	for _, raw := range lines {
		line := strings.TrimRightFunc(raw, unicode.IsSpace)
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			flush()
			continue
		}
		if m := metaDateRe.FindStringSubmatch(trimmed); m != nil && a.Date == "" && validDate(m[1]) {
			a.Date, a.DateSource = m[1], "metadata"
			flush()
			continue
		}
		if isFurniture(trimmed) {
			flush()
			continue
		}
		trimmed = strings.TrimPrefix(trimmed, "# ") // Markdown title
		if title == "" && len(blocks) == 0 && cur == nil && a.Date == "" {
			title = trimmed
			continue
		}
		if m := commentRe.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n == 1 || (len(blocks) > 0 && blocks[len(blocks)-1].comment == n-1) || (cur != nil && cur.comment == n-1) {
				flush()
				cur = newBlock(m[2], n)
				continue
			}
		}
		if cur != nil && cur.comment > 0 && len(line) > len(trimmed) {
			// An indented line continues the comment above it.
			cur.buf.WriteString("\n" + trimmed)
			cur.last = trimmed
			continue
		}
		if cur != nil && cur.comment == 0 && isWrapped(cur.last, trimmed) {
			cur.buf.WriteString(" " + trimmed)
			cur.last = trimmed
			continue
		}
		flush()
		cur = newBlock(trimmed, 0)
	}
	flush()

	// Comments are a numbered list that runs to the end of the article; a
	// numbered list in the middle of the reporting is article text.
	firstComment := len(blocks)
	for i := len(blocks) - 1; i >= 0 && blocks[i].comment > 0; i-- {
		firstComment = i
	}
	if firstComment < len(blocks) && blocks[firstComment].comment != 1 {
		firstComment = len(blocks)
	}
	for i := range blocks[:firstComment] {
		if blocks[i].comment > 0 {
			blocks[i].text = strconv.Itoa(blocks[i].comment) + ". " + blocks[i].text
			blocks[i].comment = 0
		}
	}

	if a.Date == "" && firstComment > 0 {
		if m := datelineRe.FindStringSubmatch(blocks[0].text); m != nil {
			if d, ok := monthDate(m[3], m[1], m[2]); ok {
				a.Date, a.DateSource = d, "dateline"
				blocks[0].text = blocks[0].text[len(m[0]):]
			}
		}
	} else if firstComment > 0 {
		if m := datelineRe.FindStringSubmatch(blocks[0].text); m != nil {
			blocks[0].text = blocks[0].text[len(m[0]):]
		}
	}

	title, a.Publisher = splitPublisher(title)
	a.buildText(blocks, firstComment)
	if len(a.Sentences) == 0 && title == "" {
		return nil, fmt.Errorf("parse %s: %w", id, ErrEmpty)
	}
	a.Headline = title != "" && !metaDateRe.MatchString(title)
	if !a.Headline {
		title = leadTitle(a)
	}
	a.Title = title
	if a.Publisher == "" {
		a.Publisher = selfReportedPublisher(a)
	}
	a.inferDate(0)
	return a, nil
}

type block struct {
	text    string
	comment int
	// While the block is read: its text so far and its last line. A
	// builder keeps a long hard-wrapped paragraph linear to read.
	buf  *strings.Builder
	last string
}

func newBlock(line string, comment int) *block {
	b := &block{comment: comment, buf: &strings.Builder{}, last: line}
	b.buf.WriteString(line)
	return b
}

func (a *Article) buildText(blocks []block, firstComment int) {
	var b strings.Builder
	for i, bl := range blocks {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		p := Paragraph{Start: b.Len(), Kind: KindArticle}
		if i >= firstComment {
			p.Kind, p.Comment = KindComment, bl.comment
		}
		b.WriteString(bl.text)
		p.End = b.Len()
		p.Heading = p.Kind == KindArticle && isHeading(bl.text)
		a.Paragraphs = append(a.Paragraphs, p)
	}
	a.Text = b.String()
	for pi, p := range a.Paragraphs {
		if p.Heading {
			continue
		}
		for _, sp := range Split(a.Text[p.Start:p.End]) {
			n := len(a.Sentences)
			a.Sentences = append(a.Sentences, Sentence{
				ID:      a.ID + "#" + strconv.Itoa(n+1),
				Doc:     a.ID,
				Kind:    p.Kind,
				Para:    pi,
				Index:   n,
				Comment: p.Comment,
				Start:   p.Start + sp.Start,
				End:     p.Start + sp.End,
				Text:    sp.Text,
			})
		}
	}
}

// isHeading reports whether a block is a sub-heading: short and without
// the punctuation that ends a sentence.
func isHeading(s string) bool {
	// The length check first keeps joining a long hard-wrapped paragraph
	// linear.
	if len(s) > 160 || strings.ContainsAny(s, "\n") || len(strings.Fields(s)) > 12 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	return !strings.ContainsRune(".!?”\"’…:;,)", last)
}

// isWrapped reports whether line continues the paragraph prev, as in
// hard-wrapped text. Files that put each paragraph on its own line with no
// blank line between them are common, so a line starts a new paragraph
// unless prev stops mid-sentence and line starts in lower case.
func isWrapped(prev, line string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(line)
	return !strings.ContainsRune(".!?”\"’…:", last) && !isHeading(prev) || unicode.IsLower(first)
}

func isFurniture(line string) bool {
	for _, re := range furnitureRes {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

func splitPublisher(title string) (string, string) {
	if m := titleSuffixRe.FindStringSubmatch(title); m != nil {
		return m[1], strings.TrimSpace(m[2])
	}
	return title, ""
}

// selfReportedPublisher finds a publisher that names itself in a closing
// line such as "... is detailed in RBC-Ukraine’s report."
func selfReportedPublisher(a *Article) string {
	for i := len(a.Sentences) - 1; i >= 0 && i >= len(a.Sentences)-2; i-- {
		s := a.Sentences[i]
		if s.Kind != KindArticle {
			continue
		}
		if m := selfReportRe.FindStringSubmatch(s.Text); m != nil {
			return m[1]
		}
	}
	return ""
}

// leadTitle makes a title from the lead sentence when the file has none:
// its first clause, cut at a word boundary.
func leadTitle(a *Article) string {
	for _, s := range a.Sentences {
		if s.Kind != KindArticle {
			continue
		}
		t := s.Text
		if i := strings.Index(t, " at a "); i > 0 {
			t = t[:i]
		}
		words := strings.Fields(t)
		if len(words) > 20 {
			words = words[:20]
			return strings.TrimRight(strings.Join(words, " "), ",;:") + "…"
		}
		return strings.TrimRight(strings.Join(words, " "), ".,;:")
	}
	return a.ID
}

var months = map[string]time.Month{
	"january": time.January, "february": time.February, "march": time.March,
	"april": time.April, "may": time.May, "june": time.June, "july": time.July,
	"august": time.August, "september": time.September, "october": time.October,
	"november": time.November, "december": time.December,
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April,
	"jun": time.June, "jul": time.July, "aug": time.August, "sep": time.September,
	"sept": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

func monthDate(year, month, day string) (string, bool) {
	y, err1 := strconv.Atoi(year)
	d, err2 := strconv.Atoi(day)
	m, ok := months[strings.ToLower(strings.TrimSuffix(month, "."))]
	if err1 != nil || err2 != nil || !ok || d < 1 || d > 31 {
		return "", false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

var (
	weekdayDateRe = regexp.MustCompile(`\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+` +
		`(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2})\b`)
	tomorrowRe  = regexp.MustCompile(`(?i)\btomorrow\b`)
	yesterdayRe = regexp.MustCompile(`(?i)\byesterday\b`)
	todayRe     = regexp.MustCompile(`(?i)\btoday\b`)
	yearRe      = regexp.MustCompile(`\b(19[5-9]\d|20[0-4]\d)\b`)
)

// inferDate infers a publication date from the article's own wording: an
// article that says something happens "tomorrow" and dates that event
// ("On Tuesday, October 1") was published the day before. A date without a
// year takes the year in which that weekday falls on that date, nearest the
// latest year the article mentions or else nearest anchor (the collection's
// year, from Load); without a matching weekday or a year to anchor it,
// nothing is inferred.
func (a *Article) inferDate(anchor int) {
	if a.Date != "" {
		return
	}
	if d := inferredDate(a, anchor); d != "" {
		a.Date, a.DateSource = d, "inferred"
	}
}

func inferredDate(a *Article, fallback int) string {
	shift := 0
	switch {
	case tomorrowRe.MatchString(a.Title) || anySentence(a, tomorrowRe):
		shift = -1
	case yesterdayRe.MatchString(a.Title) || anySentence(a, yesterdayRe):
		shift = 1
	case todayRe.MatchString(a.Title) || anySentence(a, todayRe):
		shift = 0
	default:
		return ""
	}
	anchor := 0
	for _, m := range yearRe.FindAllString(a.Body(), -1) {
		if y, _ := strconv.Atoi(m); y > anchor {
			anchor = y
		}
	}
	for _, s := range a.Sentences {
		if s.Kind != KindArticle {
			continue
		}
		m := weekdayDateRe.FindStringSubmatch(s.Text)
		if m == nil {
			continue
		}
		month := months[strings.ToLower(m[2])]
		day, _ := strconv.Atoi(m[3])
		if anchor == 0 {
			anchor = fallback
		}
		if anchor == 0 {
			return ""
		}
		t, ok := yearForWeekday(m[1], month, day, anchor)
		if !ok {
			continue
		}
		return t.AddDate(0, 0, shift).Format(time.DateOnly)
	}
	return ""
}

// yearForWeekday finds the date month/day whose weekday matches, in the
// year nearest anchor, at most three years away.
func yearForWeekday(weekday string, month time.Month, day, anchor int) (time.Time, bool) {
	for delta := 0; delta <= 3; delta++ {
		for _, y := range []int{anchor - delta, anchor + delta} {
			t := time.Date(y, month, day, 0, 0, 0, 0, time.UTC)
			if t.Day() == day && t.Weekday().String() == weekday {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func anySentence(a *Article, re *regexp.Regexp) bool {
	for _, s := range a.Sentences {
		if s.Kind == KindArticle && re.MatchString(s.Text) {
			return true
		}
	}
	return false
}
