package corpus

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DateEntry is one dated event: a date the text gives, resolved to an ISO
// date, with the sentence that says what happened then.
type DateEntry struct {
	// Date is ISO 8601 at the entry's precision: "2024-10-01", "2024-11",
	// "2014".
	Date string
	// Precision is "day", "month" or "year".
	Precision string
	// Text is the event sentence, verbatim.
	Text string
	// Expression is the words that gave the date ("Tuesday, October 1",
	// "in 2014", "last week"), with the preposition for years and months
	// because it changes their meaning ("since 2014").
	Expression string
	// Kind is KindComment for a reader comment's date.
	Kind Kind
	Doc  string
	// Docs is every article with the same date and a near-duplicate event
	// sentence (most of their content words shared).
	Docs      []string
	Sentences []string
	// Also holds the other dates the same sentence gives, set by Events.
	Also []string
}

// Precisions of a DateEntry.
const (
	PrecisionDay   = "day"
	PrecisionMonth = "month"
	PrecisionYear  = "year"
)

// Timeline returns every dated event in the corpus, merged across articles
// and sorted by date, then source article, then position.
//
// A month or a day given without a year ("the upcoming US presidential
// election in November") in an article with no publication date and no
// dated context of its own takes the collection's dominant publication
// year: the year most dated articles were published in, the same anchor
// Load uses to infer publication dates. ExtractDates, which sees one
// article, leaves such a month out.
func (c *Corpus) Timeline() []DateEntry {
	anchor := c.anchorYear()
	var all []DateEntry
	for _, a := range c.Articles {
		all = append(all, extractDates(a, anchor)...)
	}
	merged := mergeDates(all)
	sort.SliceStable(merged, func(i, j int) bool {
		a, b := merged[i], merged[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		if a.Doc != b.Doc {
			return a.Doc < b.Doc
		}
		return sentenceNumber(a.Sentences) < sentenceNumber(b.Sentences)
	})
	return merged
}

func sentenceNumber(ids []string) int {
	if len(ids) == 0 {
		return 0
	}
	_, n, _ := strings.Cut(ids[0], "#")
	i, _ := strconv.Atoi(n)
	return i
}

// ExtractDates returns one article's dated events in reading order.
//
// Absolute dates are taken as written. A day or month without a year
// takes the year of a full date in the same sentence, else the one nearest
// the article's publication date (the next one when the sentence speaks of
// the future, the last one when it speaks of the past), else the one
// nearest a full date earlier in the article, else it is left out. Bare
// years in other sentences are not used as anchors: they are usually
// history ("since 2014").
//
// Relative words (today, tomorrow, Tuesday, last week, next month, two
// years ago) are resolved only against the publication date, Article.Date;
// an undated article's relative words are left out, never guessed. A bare
// weekday is the nearest such day on or before the publication date, or
// on or after it when the sentence speaks of the future. "last week",
// "this week" and "next week" have month precision: the month holding the
// day a week before, the publication date, or a week after. The timeline
// has no week precision, and a day would claim more than the text says.
// "the same year" and "that year" take the year of the latest date before
// them in the article.
//
// Reader comments were written at an unknown time after the article, so a
// comment keeps only the dates it writes out with a year, labelled
// KindComment; its relative words and yearless months are left out.
func ExtractDates(a *Article) []DateEntry {
	if a == nil {
		return nil
	}
	return extractDates(a, 0)
}

const (
	reMonth   = `(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)`
	reWeekday = `(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
	reDay     = `(\d{1,2})(?:st|nd|rd|th)?`
)

// datePattern is one form of date expression. Patterns are tried in
// order and an earlier pattern's match wins over any overlapping later
// one, so "Tuesday, October 1, 2024" is one day, not a weekday and a year.
//
// hints are groups of strings: the pattern is tried only on a sentence
// holding one string of each group, a lower-case hint in any case and a
// capitalized one as written. Most sentences hold no date, and the
// regexps' backtracking is the timeline's main cost.
type datePattern struct {
	kind  string
	hints [][]string
	re    *regexp.Regexp
}

var (
	digitHints   = strings.Split("0123456789", "")
	centuryHints = []string{"18", "19", "20"}
	monthHints   = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	weekdayHints = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	unitHints    = []string{"day", "week", "month", "year"}
	sameHints    = []string{"same", "that"}
	reldayHints  = []string{"today", "tonight", "tomorrow", "yesterday"}
	agoHints     = []string{"ago"}
	periodHints  = []string{"week", "month", "year"}
	relHints     = []string{"last", "next", "this", "coming"}
)

var datePatterns = []datePattern{
	{"iso", [][]string{digitHints, {"-"}}, regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)},
	{"mdy", [][]string{digitHints, monthHints}, regexp.MustCompile(`\b(?:(` + reWeekday + `),?\s+)?(` + reMonth + `)\s+` + reDay + `,?\s+(\d{4})\b`)},
	{"dmy", [][]string{digitHints, monthHints}, regexp.MustCompile(`\b(?:(` + reWeekday + `),?\s+)?(?:the\s+)?` + reDay + `\s+(?:of\s+)?(` + reMonth + `),?\s+(\d{4})\b`)},
	{"my", [][]string{digitHints, monthHints}, regexp.MustCompile(`\b(?:((?i:in|since|by|until|till|from|through|during|before|after|of|early|late|mid))(?:\s+|-))?(` + reMonth + `),?\s+(?:of\s+)?(\d{4})\b`)},
	{"md", [][]string{digitHints, monthHints}, regexp.MustCompile(`\b(?:(` + reWeekday + `),?\s+)?(` + reMonth + `)\s+` + reDay + `\b`)},
	{"dm", [][]string{digitHints, monthHints}, regexp.MustCompile(`\b(?:(` + reWeekday + `),?\s+)?(?:the\s+)?` + reDay + `\s+(?:of\s+)?(` + reMonth + `)`)},
	{"month", [][]string{monthHints}, regexp.MustCompile(`\b((?i:in|since|by|until|till|from|through|during|before|after|last|next|this|coming|early|late|mid))(?:\s+|-)(?:(?i:early|late|mid)(?:\s+|-))?(January|February|March|April|May|June|July|August|September|October|November|December)\b`)},
	{"ago", [][]string{agoHints}, regexp.MustCompile(`(?i)\b(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,3})\s+(day|week|month|year)s?\s+ago\b`)},
	{"period", [][]string{relHints, periodHints}, regexp.MustCompile(`(?i)\b(last|next|this|coming)\s+(week|month|year)\b`)},
	{"relday", [][]string{reldayHints}, regexp.MustCompile(`(?i)\b(today|tonight|tomorrow|yesterday)\b`)},
	{"weekday", [][]string{weekdayHints}, regexp.MustCompile(`\b(?:([Ll]ast|[Nn]ext|[Tt]his|[Cc]oming)\s+)?(` + reWeekday + `)\b`)},
	{"same", [][]string{sameHints, unitHints}, regexp.MustCompile(`(?i)\b(?:the\s+same|that)\s+(year|month|day)\b`)},
	// A year's preposition is found by yearPrefix: an optional group
	// before the digits makes the regexp backtrack at every word.
	{"year", [][]string{centuryHints}, regexp.MustCompile(`()\b((?:1[89]|20)\d\d)\b`)},
}

var (
	futureRe = regexp.MustCompile(`(?i)\b(will|shall|won't|won’t|going to|upcoming|scheduled|expected|next|coming|is to|are to|due to|plans? to|set to)\b|['’]ll\b`)
	pastRe   = regexp.MustCompile(`(?i)\b(was|were|had|did|ago|last|earlier|previously|began|happened)\b`)
	// countNouns after a four-digit number make it a count, not a year.
	countNouns = wordSet(`people troops soldiers members views votes times km kilometres kilometers miles
		euros dollars tonnes tons meters metres men women children deaths cases units pieces pages words
		points copies jobs kg followers subscribers likes shares comments readers visitors users`)
	numberWords = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
		"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
	weekdays = map[string]time.Weekday{"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday,
		"wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday}
)

// dateMatch is one date expression found in a sentence, before resolution.
type dateMatch struct {
	kind       string
	start, end int
	sub        []string
}

// findDateExprs finds the date expressions of one sentence, in order.
func findDateExprs(s string) []dateMatch {
	var out []dateMatch
	var taken []bool // bytes an accepted match covers
	overlaps := func(st, en int) bool {
		for i := st; i < en && i < len(taken); i++ {
			if taken[i] {
				return true
			}
		}
		return false
	}
	lower := strings.ToLower(s)
	for _, p := range datePatterns {
		if slices.ContainsFunc(p.hints, func(h []string) bool { return !containsAny(lower, h) && !containsAny(s, h) }) {
			continue
		}
		for _, loc := range p.re.FindAllStringSubmatchIndex(s, -1) {
			if overlaps(loc[0], loc[1]) {
				continue
			}
			sub := make([]string, len(loc)/2)
			for k := range sub {
				if loc[2*k] >= 0 {
					sub[k] = s[loc[2*k]:loc[2*k+1]]
				}
			}
			m := dateMatch{kind: p.kind, start: loc[0], end: loc[1], sub: sub}
			if p.kind == "year" {
				m.start, m.sub[1] = yearPrefix(s, m.start)
				m.sub[0] = s[m.start:m.end]
				if overlaps(m.start, m.end) {
					m.start, m.sub[1], m.sub[0] = loc[0], "", s[loc[0]:loc[1]]
				}
			}
			if !plausible(s, m) {
				continue
			}
			if taken == nil {
				taken = make([]bool, len(s))
			}
			for i := m.start; i < m.end; i++ {
				taken[i] = true
			}
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// yearPrepositions before a year belong to its expression ("since 2014").
var yearPrepositions = wordSet(`in since by until till from through during before after of around circa
	post pre early late mid`)

// yearPrefix extends a year starting at s[start:] back over a preposition
// and the space or hyphen before it ("in 2014", "mid-2014"), returning the
// new start and the preposition.
func yearPrefix(s string, start int) (int, string) {
	i := start
	if i > 0 && s[i-1] == '-' {
		i--
	} else {
		for i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
			i--
		}
	}
	if i == start {
		return start, ""
	}
	j := i
	for j > 0 && (s[j-1] >= 'a' && s[j-1] <= 'z' || s[j-1] >= 'A' && s[j-1] <= 'Z') {
		j--
	}
	if j > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:j]); isWordRune(r) {
			return start, ""
		}
	}
	if w := s[j:i]; yearPrepositions[strings.ToLower(w)] {
		return j, w
	}
	return start, ""
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// plausible rejects matches that are numbers rather than dates: "2000
// troops", "$2014", "1,2014", "2014%", "2000-day", and days that run on
// into more digits ("October 1,000").
func plausible(s string, m dateMatch) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:m.start])
	after, size := utf8.DecodeRuneInString(s[m.end:])
	after2, _ := utf8.DecodeRuneInString(s[min(len(s), m.end+size):])
	if m.start == 0 {
		before = ' '
	}
	if m.end == len(s) {
		after = ' '
	}
	switch m.kind {
	case "md", "dm", "dmy", "mdy":
		if after == ',' && unicode.IsDigit(after2) || unicode.IsDigit(after) {
			return false
		}
	case "year":
		if strings.ContainsRune("$€£#.,:/", before) || after == '%' ||
			(strings.ContainsRune(",.", after) && unicode.IsDigit(after2)) ||
			(after == '-' && unicode.IsLetter(after2)) {
			return false
		}
		if m.sub[1] == "" {
			next := strings.Fields(s[m.end:])
			if len(next) > 0 && countNouns[strings.ToLower(strings.Trim(next[0], ".,;:!?"))] {
				return false
			}
			prev := strings.Fields(s[:m.start])
			if len(prev) > 0 && countNouns[strings.ToLower(strings.Trim(prev[len(prev)-1], ".,;:!?"))] {
				return false
			}
		}
	}
	return true
}

// dateCtx is what a sentence's dates resolve against.
type dateCtx struct {
	pub    time.Time // publication date, zero when unknown
	anchor int       // the collection's year, 0 when none
	recent *resolved // the latest date of an earlier sentence with an explicit year
	last   *resolved // the latest date of an earlier sentence
}

type resolved struct {
	t    time.Time
	prec string
}

func extractDates(a *Article, anchor int) []DateEntry {
	body := &dateCtx{anchor: anchor}
	if t, err := time.Parse(time.DateOnly, a.Date); err == nil {
		body.pub = t
	}
	// A reader comment was written at some unknown time after the
	// article: it keeps only the dates it writes out in full, and "the
	// same year" refers within the comment.
	comments := map[int]*dateCtx{}
	var out []DateEntry
	for _, s := range a.Sentences {
		ctx := body
		if s.Kind == KindComment {
			if comments[s.Comment] == nil {
				comments[s.Comment] = &dateCtx{}
			}
			ctx = comments[s.Comment]
		}
		matches := findDateExprs(s.Text)
		// A year written in the sentence anchors its yearless days and months.
		sentYear := 0
		for _, m := range matches {
			if y := explicitYear(m); y > 0 {
				sentYear = y
				break
			}
		}
		// Tense matters only to yearless days and months and to weekdays.
		future, past := false, false
		for _, m := range matches {
			if m.kind == "md" || m.kind == "dm" || m.kind == "month" || m.kind == "weekday" {
				future, past = futureRe.MatchString(s.Text), pastRe.MatchString(s.Text)
				break
			}
		}
		seen := map[string]bool{}
		var latest *resolved
		for _, m := range matches {
			r, ok := ctx.resolve(m, sentYear, future, past)
			if !ok || r.t.Year() < 1 || r.t.Year() > 9999 {
				continue
			}
			iso := formatDate(r.t, r.prec)
			if seen[iso] {
				continue
			}
			seen[iso] = true
			out = append(out, DateEntry{
				Date: iso, Precision: r.prec, Text: s.Text, Expression: strings.TrimSpace(s.Text[m.start:m.end]),
				Kind: s.Kind, Doc: a.ID, Docs: []string{a.ID}, Sentences: []string{s.ID},
			})
			rr := r
			latest = &rr
			if explicitYear(m) > 0 && r.prec != PrecisionYear {
				ctx.recent = &rr
			}
		}
		if latest != nil {
			ctx.last = latest
		}
	}
	return out
}

// explicitYear is the year an absolute expression writes out, or 0.
func explicitYear(m dateMatch) int {
	var y string
	switch m.kind {
	case "iso":
		y = m.sub[1]
	case "mdy", "dmy":
		y = m.sub[4]
	case "my":
		y = m.sub[3]
	case "year":
		y = m.sub[2]
	}
	n, _ := strconv.Atoi(y)
	return n
}

func formatDate(t time.Time, prec string) string {
	switch prec {
	case PrecisionDay:
		return t.Format(time.DateOnly)
	case PrecisionMonth:
		return t.Format("2006-01")
	}
	return t.Format("2006")
}

func monthOf(name string) (time.Month, bool) {
	m, ok := months[strings.ToLower(strings.TrimSuffix(name, "."))]
	return m, ok
}

func day(y int, m time.Month, d int) (time.Time, bool) {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d && y >= 1 && y <= 9999
}

func (ctx *dateCtx) resolve(m dateMatch, sentYear int, future, past bool) (resolved, bool) {
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	switch m.kind {
	case "iso":
		mo := atoi(m.sub[2])
		if mo < 1 || mo > 12 {
			return resolved{}, false
		}
		t, ok := day(atoi(m.sub[1]), time.Month(mo), atoi(m.sub[3]))
		return resolved{t, PrecisionDay}, ok
	case "mdy", "dmy":
		mon, d := m.sub[2], m.sub[3]
		if m.kind == "dmy" {
			mon, d = m.sub[3], m.sub[2]
		}
		mo, ok := monthOf(mon)
		if !ok {
			return resolved{}, false
		}
		t, ok := day(atoi(m.sub[4]), mo, atoi(d))
		return resolved{t, PrecisionDay}, ok
	case "my":
		mo, ok := monthOf(m.sub[2])
		y := atoi(m.sub[3])
		return resolved{time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC), PrecisionMonth}, ok && y >= 1
	case "md", "dm":
		wd, mon, d := m.sub[1], m.sub[2], atoi(m.sub[3])
		if m.kind == "dm" {
			mon, d = m.sub[3], atoi(m.sub[2])
		}
		mo, ok := monthOf(mon)
		if !ok || d < 1 || d > 31 {
			return resolved{}, false
		}
		return ctx.impliedDay(mo, d, wd, sentYear, future, past)
	case "month":
		mo, ok := monthOf(m.sub[2])
		if !ok {
			return resolved{}, false
		}
		mod := strings.ToLower(m.sub[1])
		return ctx.impliedMonth(mo, sentYear, future || mod == "next" || mod == "coming", past || mod == "last", mod == "this")
	case "year":
		y := atoi(m.sub[2])
		return resolved{time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), PrecisionYear}, true
	case "same":
		if ctx.last == nil {
			return resolved{}, false
		}
		want := map[string]string{"year": PrecisionYear, "month": PrecisionMonth, "day": PrecisionDay}[strings.ToLower(m.sub[1])]
		if precRank(ctx.last.prec) < precRank(want) {
			return resolved{}, false
		}
		return resolved{ctx.last.t, want}, true
	}
	// The rest are relative to the publication date.
	if ctx.pub.IsZero() {
		return resolved{}, false
	}
	pub := ctx.pub
	switch m.kind {
	case "relday":
		switch strings.ToLower(m.sub[1]) {
		case "tomorrow":
			return resolved{pub.AddDate(0, 0, 1), PrecisionDay}, true
		case "yesterday":
			return resolved{pub.AddDate(0, 0, -1), PrecisionDay}, true
		}
		return resolved{pub, PrecisionDay}, true
	case "period":
		dir := map[string]int{"last": -1, "next": 1, "coming": 1}[strings.ToLower(m.sub[1])]
		switch strings.ToLower(m.sub[2]) {
		case "week":
			return resolved{pub.AddDate(0, 0, 7*dir), PrecisionMonth}, true
		case "month":
			return resolved{time.Date(pub.Year(), pub.Month()+time.Month(dir), 1, 0, 0, 0, 0, time.UTC), PrecisionMonth}, true
		}
		return resolved{time.Date(pub.Year()+dir, 1, 1, 0, 0, 0, 0, time.UTC), PrecisionYear}, true
	case "ago":
		n, ok := numberWords[strings.ToLower(m.sub[1])]
		if !ok {
			n = atoi(m.sub[1])
		}
		switch strings.ToLower(m.sub[2]) {
		case "day":
			return resolved{pub.AddDate(0, 0, -n), PrecisionDay}, true
		case "week":
			return resolved{pub.AddDate(0, 0, -7*n), PrecisionMonth}, true
		case "month":
			return resolved{time.Date(pub.Year(), pub.Month()-time.Month(n), 1, 0, 0, 0, 0, time.UTC), PrecisionMonth}, true
		}
		return resolved{time.Date(pub.Year()-n, 1, 1, 0, 0, 0, 0, time.UTC), PrecisionYear}, true
	case "weekday":
		want := weekdays[strings.ToLower(m.sub[2])]
		diff := int(want - pub.Weekday()) // -6..6
		switch strings.ToLower(m.sub[1]) {
		case "last":
			diff = -((int(pub.Weekday()-want)+6)%7 + 1)
		case "next", "coming":
			diff = (diff+6)%7 + 1
		default:
			if future {
				diff = (diff + 7) % 7
			} else {
				diff = -((-diff + 7) % 7)
			}
		}
		return resolved{pub.AddDate(0, 0, diff), PrecisionDay}, true
	}
	return resolved{}, false
}

func precRank(p string) int {
	switch p {
	case PrecisionDay:
		return 3
	case PrecisionMonth:
		return 2
	case PrecisionYear:
		return 1
	}
	return 0
}

// reference is the date a yearless day or month is placed near: the
// publication date, else the latest full date earlier in the article.
func (ctx *dateCtx) reference() (time.Time, bool) {
	if !ctx.pub.IsZero() {
		return ctx.pub, true
	}
	if ctx.recent != nil {
		return ctx.recent.t, true
	}
	return time.Time{}, false
}

func (ctx *dateCtx) impliedDay(mo time.Month, d int, weekday string, sentYear int, future, past bool) (resolved, bool) {
	if sentYear > 0 {
		t, ok := day(sentYear, mo, d)
		return resolved{t, PrecisionDay}, ok
	}
	ref, ok := ctx.reference()
	if !ok {
		if ctx.anchor == 0 {
			return resolved{}, false
		}
		if weekday != "" {
			if t, ok := yearForWeekday(weekday, mo, d, ctx.anchor); ok {
				return resolved{t, PrecisionDay}, true
			}
		}
		t, ok := day(ctx.anchor, mo, d)
		return resolved{t, PrecisionDay}, ok
	}
	var best time.Time
	found, bestScore := false, 0
	for y := ref.Year() - 1; y <= ref.Year()+1; y++ {
		t, ok := day(y, mo, d)
		if !ok {
			continue
		}
		dist := int(t.Sub(ref).Hours() / 24)
		if dist < 0 {
			dist = -dist
		}
		score := 1000 - dist
		switch {
		case future && !past && t.Before(ref), past && !future && t.After(ref):
			score -= 500
		}
		if weekday != "" && t.Weekday().String() == weekday {
			score += 2000
		}
		if !found || score > bestScore {
			best, bestScore, found = t, score, true
		}
	}
	return resolved{best, PrecisionDay}, found
}

func (ctx *dateCtx) impliedMonth(mo time.Month, sentYear int, future, past, this bool) (resolved, bool) {
	if sentYear > 0 {
		return resolved{time.Date(sentYear, mo, 1, 0, 0, 0, 0, time.UTC), PrecisionMonth}, true
	}
	ref, ok := ctx.reference()
	if !ok {
		if ctx.anchor == 0 {
			return resolved{}, false
		}
		return resolved{time.Date(ctx.anchor, mo, 1, 0, 0, 0, 0, time.UTC), PrecisionMonth}, true
	}
	refMonth := ref.Year()*12 + int(ref.Month()) - 1
	y := ref.Year()
	switch cand := y*12 + int(mo) - 1; {
	case this:
	case future && !past && cand < refMonth:
		y++
	case past && !future && cand > refMonth:
		y--
	case !future && !past && cand-refMonth > 6:
		y--
	case !future && !past && refMonth-cand > 6:
		y++
	}
	return resolved{time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC), PrecisionMonth}, y >= 1 && y <= 9999
}

// Merging.

var stopWords = wordSet(`the a an and or of to in on at by for with from as is was were has had have be
	been he she it his her its who which that this these those their they not but over`)

func contentWords(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range quoteWords(s) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if !stopWords[w] {
			m[w] = true
		}
	}
	return m
}

// sameEvent reports whether two sentences tell the same event: at least
// half of their content words (Jaccard) shared.
func sameEvent(a, b map[string]bool) bool {
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	return union > 0 && 2*inter >= union
}

// maxSameDate bounds how many earlier events with the same date an event
// is compared with, which keeps merging linear on pathological input: a
// real collection has a handful of events a day, not hundreds.
const maxSameDate = 256

func mergeDates(ds []DateEntry) []DateEntry {
	var out []DateEntry
	var words []map[string]bool
	byDate := map[string][]int{} // date, precision and kind: indices into out
	for _, d := range ds {
		w := contentWords(d.Text)
		key := d.Date + "/" + d.Precision + "/" + string(d.Kind)
		merged := false
		bucket := byDate[key]
		for _, k := range bucket[max(0, len(bucket)-maxSameDate):] {
			e := &out[k]
			if sameEvent(words[k], w) {
				for _, doc := range d.Docs {
					if !slices.Contains(e.Docs, doc) {
						e.Docs = append(e.Docs, doc)
					}
				}
				merged = true
				break
			}
		}
		if !merged {
			byDate[key] = append(byDate[key], len(out))
			out = append(out, d)
			words = append(words, w)
		}
	}
	return out
}
