package bot

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/handover/handover/retrieval"
)

// Discord's limits on one message, in characters.
const (
	maxContent     = 2000
	maxEmbedDesc   = 4096
	maxEmbedTitle  = 256
	maxEmbedFooter = 2048
	maxEmbedTotal  = 6000 // title, description, fields, footer and author of all embeds together
	maxEmbeds      = 10
	maxFields      = 25 // per embed; handover writes descriptions, not fields
	maxChoices     = 25
	maxChoiceLen   = 100
	// maxMessages bounds one reply: past it, a reply is cut with a note
	// rather than flooding the channel.
	maxMessages = 5
)

// Message is one Discord message as handover will send it: content, embeds
// and buttons, already within Discord's limits.
type Message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
}

// Custom ID prefixes of handover's buttons. The rest of the custom ID is
// the key of the answer in the bot's memory: the ID of the question's
// message or interaction, which Discord guarantees unique.
const (
	sourcesPrefix  = "src:"
	votePrefixUp   = "vote:up:"
	votePrefixDown = "vote:down:"
)

// Embed colours: NATO blue for answers, grey for lists.
const (
	colourAnswer = 0x004990
	colourList   = 0x5b6770
)

// noMentions is sent with every message: handover never pings anyone, not
// even the user it replies to, whatever the text says.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

var (
	massMentionRE = regexp.MustCompile(`(?i)@(everyone|here)`)
	// "](" escaped as "]\(" is shown as typed: a masked link
	// [text](url) becomes plain text with its address in view.
	defuser = strings.NewReplacer("<@", "<@\u200b", "](", "]\\(")
)

// Neutralise defuses mentions and masked links in text echoed from a
// question, an article or a model: @everyone, @here and <@id> get a
// zero-width space after the @, so they neither ping (allowed mentions
// already stop that) nor look like pings; a masked link [text](url), which
// shows text and hides where it leads, is shown as typed.
func Neutralise(s string) string {
	s = defuser.Replace(s)
	return massMentionRE.ReplaceAllString(s, "@\u200b$1")
}

// noteUnverified is said of an unverified answer that has no note of its
// own. Its sources are the passages retrieved for the question, not
// passages the model cited: it cited none.
const noteUnverified = "The model's answer cites none of the articles, so it could not be checked; the sources below are the passages retrieved for the question."

// FormatAnswer lays out an answer: its notes first (the model was
// unavailable, the answer is unchecked), then its text with the [n]
// markers, split across messages at paragraph or sentence boundaries when
// it is long, then its numbered sources in one embed on the last message,
// then the buttons (Show sources, 👍, 👎) keyed by key. An empty key
// leaves the buttons off.
//
// However long the text, the notes and the sources survive: the notes lead
// the first message, the sources embed rides on the last (embeds do not
// count towards a message's 2000 characters), and it is the text that is
// cut to fit maxMessages.
func FormatAnswer(a retrieval.Answer, key string) []Message {
	text := strings.TrimSpace(a.Text)
	if text == "" {
		text = "I couldn't find an answer to that in the articles I have."
	}
	// retrieval's note says why an answer is unverified; the bot's own
	// sentence is only for an unverified answer that came without one.
	note := strings.TrimSpace(a.Note)
	if a.Unverified {
		if note == "" {
			note = noteUnverified
		}
		note = "⚠️ " + note
	}
	if note != "" {
		text = "*" + note + "*\n\n" + text
	}
	if c := a.Closest; c != nil && a.Abstained {
		// Not an answer: the nearest the articles come, for the reader to
		// judge, never numbered as a source.
		if c.Headline {
			// The headline is the title: it need not be named twice.
			text += "\n\n*" + a.ClosestLabel() + "* the headline " + quoted(c.Text)
		} else {
			text += "\n\n*" + a.ClosestLabel() + "* " + quoted(c.Text) + " — *" + c.Title + "*"
		}
	}
	var msgs []Message
	for _, chunk := range cutText(Split(Neutralise(text), maxContent)) {
		msgs = append(msgs, Message{Content: chunk})
	}
	if len(a.Citations) > 0 {
		last := &msgs[len(msgs)-1]
		last.Embeds = []*discordgo.MessageEmbed{sourcesEmbed(a.Citations)}
	}
	if key != "" {
		var row []discordgo.MessageComponent
		if len(a.Citations) > 0 {
			row = append(row, discordgo.Button{Label: "Show sources", Style: discordgo.SecondaryButton, CustomID: sourcesPrefix + key})
		}
		row = append(row,
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: votePrefixUp + key},
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: votePrefixDown + key},
		)
		last := &msgs[len(msgs)-1]
		last.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
	}
	return msgs
}

// cutText keeps an answer's chunks to maxMessages. When it cuts, the last
// kept chunk is shortened at a sentence or word boundary to make room for
// a note saying so.
func cutText(chunks []string) []string {
	if len(chunks) <= maxMessages {
		return chunks
	}
	const more = "\n\n*(cut short: the rest did not fit)*"
	chunks = chunks[:maxMessages]
	last := chunks[maxMessages-1]
	if parts := Split(last, maxContent-utf8.RuneCountInString(more)); len(parts) > 1 {
		last = parts[0]
	}
	chunks[maxMessages-1] = last + more
	return chunks
}

// sourcesEmbed lists an answer's numbered sources in one embed, each
// once however many of its sentences are cited. Sources that do not fit
// its description are counted, not listed: Show sources has the passages.
func sourcesEmbed(cites []retrieval.Citation) *discordgo.MessageEmbed {
	groups := groupCitations(cites)
	// Room for the count is kept until the last line, so it always fits.
	reserve := utf8.RuneCountInString(moreSources(len(groups)))
	desc, n := "", 0
	for i, g := range groups {
		line := truncate(Neutralise(fmt.Sprintf("**[%d]** %s", g.n, g.header())), maxSourceLine)
		if i > 0 {
			line = "\n\n" + line
		}
		need := n + utf8.RuneCountInString(line)
		if i < len(groups)-1 {
			need += reserve
		}
		if need > maxEmbedDesc {
			desc += moreSources(len(groups) - i)
			break
		}
		desc += line
		n += utf8.RuneCountInString(line)
	}
	return &discordgo.MessageEmbed{Title: "Sources", Description: desc, Color: colourAnswer}
}

// citedSource is one numbered source of an answer with the sentences
// cited from it. Citations are numbered per article: two sentences from
// one article share a number, and are listed under one header.
type citedSource struct {
	n     int
	cites []retrieval.Citation // in the answer's order; the first gives the header
}

// groupCitations groups cites by number, in order of first appearance,
// consecutive sentences of an article joined (retrieval.Excerpts).
func groupCitations(cites []retrieval.Citation) []citedSource {
	var groups []citedSource
	at := map[int]int{}
	for _, c := range retrieval.Excerpts(cites) {
		i, ok := at[c.N]
		if !ok {
			i = len(groups)
			at[c.N] = i
			groups = append(groups, citedSource{n: c.N})
		}
		groups[i].cites = append(groups[i].cites, c)
	}
	return groups
}

// header names the source: title, publisher, date, its address when
// known, and whether what is cited from it is only viewer comments.
func (g citedSource) header() string {
	c := g.cites[0]
	c.Kind = "comment"
	if !fromComments(g.cites) {
		c.Kind = "article"
	}
	s := sourceLine(c)
	if c.URL != "" {
		s += "\n" + c.URL
	}
	return s
}

// quoted puts a cited sentence in quotation marks, unless it carries its
// own (a reader comment or a quotation), which would double them.
func quoted(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "“”\"«»„") {
		return s
	}
	return "“" + s + "”"
}

// maxSourceLine bounds one source's line, so one absurd headline cannot
// crowd out the rest.
const maxSourceLine = 600

func moreSources(n int) string {
	return fmt.Sprintf("\n\n*…and %d more, the list cut short to fit. **Show sources** has the cited passages.*", n)
}

// draftLabel marks a streamed preview: the model's text as it is being
// written, before its citations are checked.
const draftLabel = "\n\n*✍️ writing… (a draft: sources are checked when it's done)*"

// FormatPartial is a streamed answer so far: its text, cut to one message,
// labelled as a draft. Its citation markers are left out, in every form
// retrieval reads them, a marker still being written included: they are
// unchecked until the answer is done, and the final check may drop or
// renumber them.
func FormatPartial(text string) Message {
	text = retrieval.StripMarkers(text)
	text = Neutralise(strings.TrimSpace(text))
	room := maxContent - utf8.RuneCountInString(draftLabel)
	if chunks := Split(text, room); len(chunks) > 0 {
		text = chunks[0]
	}
	return Message{Content: strings.TrimSpace(text + draftLabel)}
}

// FormatCitations shows the passages an answer cites, for the asker only.
// Viewer comments are labelled as opinion, never presented as reporting.
func FormatCitations(cites []retrieval.Citation) []Message {
	var entries []string
	for _, g := range groupCitations(cites) {
		e := fmt.Sprintf("**[%d]** %s", g.n, g.header())
		for _, c := range g.cites {
			q := quoted(c.Text)
			if c.Kind == "comment" {
				q = "A viewer comment, not reporting: " + q
			}
			e += "\n> " + q
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		entries = []string{"This answer cites no passages."}
	}
	return capMessages(attachEmbeds(nil, pages("Cited passages", colourAnswer, entries)))
}

// FormatQuotes lists what speaker said, optionally about topic.
func FormatQuotes(speaker, topic string, quotes []retrieval.Quote) []Message {
	const most = 15
	title := "Quotes from " + speaker
	if topic != "" {
		title += " about “" + topic + "”"
	}
	if len(quotes) == 0 {
		return []Message{{Content: Neutralise(fmt.Sprintf("I found no quotes from %s%s in the articles.", speaker, aboutTopic(topic)))}}
	}
	var entries []string
	for i, q := range quotes {
		if i == most {
			entries = append(entries, fmt.Sprintf("*…and %d more. Add a topic to narrow the list.*", len(quotes)-most))
			break
		}
		s := "> “" + strings.TrimSpace(q.Text) + "”"
		if fromComments(q.Sources) {
			s = "> *A viewer comment, not reporting:* “" + strings.TrimSpace(q.Text) + "”"
		}
		if q.Partial {
			s += " *(part of a sentence)*"
		}
		var refs []string
		for _, c := range q.Sources {
			refs = append(refs, sourceLine(c))
		}
		if len(refs) > 0 {
			s += "\n— " + strings.Join(refs, "; ")
		}
		entries = append(entries, s)
	}
	return capMessages(attachEmbeds(nil, pages(title, colourList, entries)))
}

// FormatTimeline lists dated events, optionally about topic, oldest first
// as the library gives them. commentsLeft is how many reader comments'
// events were left out: when they are all there is, it says so, and how
// to see them.
func FormatTimeline(topic string, events []retrieval.Event, commentsLeft int) []Message {
	const most = 25
	title := "Timeline"
	if topic != "" {
		title += " — “" + topic + "”"
	}
	switch {
	case len(events) == 0 && commentsLeft > 0:
		return []Message{{Content: Neutralise(fmt.Sprintf("I found no dated events%s in the articles' reporting; reader comments give %d (set `comments` to include them).", aboutTopic(topic), commentsLeft))}}
	case len(events) == 0:
		return []Message{{Content: Neutralise("I found no dated events" + aboutTopic(topic) + " in the articles.")}}
	}
	var entries []string
	for i, e := range events {
		if i == most {
			entries = append(entries, fmt.Sprintf("*…and %d more. Add a topic to narrow the list.*", len(events)-most))
			break
		}
		date := e.Date
		if len(e.Also) > 0 {
			date += " (also mentions " + strings.Join(e.Also, ", ") + ")"
		}
		s := fmt.Sprintf("**%s** — %s", date, strings.TrimSpace(e.Text))
		if e.Comment {
			s = fmt.Sprintf("**%s** — *a viewer comment, not reporting:* %s", date, strings.TrimSpace(e.Text))
		}
		var pubs []string
		for _, c := range e.Sources {
			pubs = append(pubs, sourceLine(c))
		}
		if len(pubs) > 0 {
			s += "\n— " + strings.Join(pubs, "; ")
		}
		entries = append(entries, s)
	}
	return capMessages(attachEmbeds(nil, pages(title, colourList, entries)))
}

// FormatSources lists the loaded articles.
func FormatSources(srcs []retrieval.Source) []Message {
	if len(srcs) == 0 {
		return []Message{{Content: "No articles are loaded."}}
	}
	var entries []string
	for _, s := range srcs {
		// Unknown publishers and dates are left out: the article does not
		// state them, and "unknown" twice says nothing.
		line := "**" + orUnknown(s.Title, "Untitled") + "**"
		var meta []string
		for _, m := range []string{s.Publisher, s.Date} {
			if m != "" {
				meta = append(meta, m)
			}
		}
		if len(meta) > 0 {
			line += " — " + strings.Join(meta, ", ")
		}
		if s.URL != "" {
			line += "\n<" + s.URL + ">"
		}
		line += fmt.Sprintf("\n%d passages", s.Passages)
		if s.Comments > 0 {
			line += fmt.Sprintf(", %d from viewer comments", s.Comments)
		}
		entries = append(entries, line)
	}
	return capMessages(attachEmbeds(nil, pages(fmt.Sprintf("Sources (%d articles)", len(srcs)), colourList, entries)))
}

// helpText explains handover in one message.
const helpText = `**handover** answers questions about news articles on the NATO secretary-general handover from Jens Stoltenberg to Mark Rutte (1 October 2024). Every answer cites the articles it comes from with numbered markers like [1].

**/ask** *question* — ask anything, e.g. ` + "`/ask when did Rutte take office?`" + `
**/quote** *speaker* [*topic*] — what someone said, quoted verbatim
**/dates** [*topic*] — a timeline of dated events
**/sources** — the articles I know
**/help** — this message

You can also mention me with a question, or reply to one of my answers to ask a follow-up (keep the reply's @ mention on, or I may not see what you wrote). Press **Show sources** under an answer to see the cited passages. Viewer comments are labelled as such: they are opinions, not reporting.`

// FormatHelp is the /help reply.
func FormatHelp() []Message {
	return []Message{{Content: helpText}}
}

// sourceLine is "title — publisher, date", labelled when it is a viewer
// comment.
func sourceLine(c retrieval.Citation) string {
	s := orUnknown(c.Title, "Untitled")
	var meta []string
	if c.Publisher != "" {
		meta = append(meta, c.Publisher)
	}
	if c.Date != "" {
		meta = append(meta, c.Date)
	}
	if len(meta) > 0 {
		s += " — " + strings.Join(meta, ", ")
	}
	if c.Kind == "comment" {
		s += " *(viewer comment, not reporting)*"
	}
	return s
}

// fromComments reports whether every source is a viewer comment.
func fromComments(cs []retrieval.Citation) bool {
	for _, c := range cs {
		if c.Kind != "comment" {
			return false
		}
	}
	return len(cs) > 0
}

func orUnknown(s, unknown string) string {
	if strings.TrimSpace(s) == "" {
		return unknown
	}
	return s
}

func aboutTopic(topic string) string {
	if topic == "" {
		return ""
	}
	return " about “" + topic + "”"
}

// pages packs entries into embeds titled title: each description within
// Discord's 4096, an entry longer than that split at sentence boundaries.
// Continuation embeds are titled "title (continued)".
func pages(title string, colour int, entries []string) []*discordgo.MessageEmbed {
	title = truncate(Neutralise(title), maxEmbedTitle-len(" (continued)"))
	// A description of at most 4096 leaves room under the 6000 total for
	// the title and a few more characters; keep each a little smaller so
	// two fit in one message more often.
	const room = maxEmbedDesc
	var descs []string
	cur := ""
	for _, e := range entries {
		for _, part := range Split(Neutralise(e), room) {
			switch {
			case cur == "":
				cur = part
			case utf8.RuneCountInString(cur)+2+utf8.RuneCountInString(part) <= room:
				cur += "\n\n" + part
			default:
				descs = append(descs, cur)
				cur = part
			}
		}
	}
	if cur != "" {
		descs = append(descs, cur)
	}
	embeds := make([]*discordgo.MessageEmbed, 0, len(descs))
	for i, d := range descs {
		t := title
		if i > 0 {
			t += " (continued)"
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Title: t, Description: d, Color: colour})
	}
	return embeds
}

// attachEmbeds adds embeds to the last message while it has room (10
// embeds, 6000 characters in all), then to new messages.
func attachEmbeds(msgs []Message, embeds []*discordgo.MessageEmbed) []Message {
	for _, e := range embeds {
		if len(msgs) == 0 || !fits(msgs[len(msgs)-1].Embeds, e) {
			msgs = append(msgs, Message{})
		}
		last := &msgs[len(msgs)-1]
		last.Embeds = append(last.Embeds, e)
	}
	return msgs
}

func fits(have []*discordgo.MessageEmbed, e *discordgo.MessageEmbed) bool {
	return len(have) < maxEmbeds && embedsSize(have)+embedSize(e) <= maxEmbedTotal
}

// embedSize counts the characters Discord counts towards the 6000 total.
func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

func embedsSize(es []*discordgo.MessageEmbed) int {
	n := 0
	for _, e := range es {
		n += embedSize(e)
	}
	return n
}

// capMessages keeps a reply to maxMessages, saying so when it cuts.
func capMessages(msgs []Message) []Message {
	if len(msgs) <= maxMessages {
		return msgs
	}
	msgs = msgs[:maxMessages]
	const more = "\n\n*(cut short: the rest did not fit)*"
	last := &msgs[maxMessages-1]
	if last.Content == "" || utf8.RuneCountInString(last.Content)+utf8.RuneCountInString(more) <= maxContent {
		last.Content = strings.TrimSpace(last.Content + more)
	} else {
		last.Content = truncate(last.Content, maxContent-utf8.RuneCountInString(more)) + more
	}
	return msgs
}

// truncate cuts s to at most n runes, ending with … when it cuts.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:max(0, n-1)]) + "…"
}

// choices builds autocomplete choices: at most 25, each name and value
// within 100 characters.
func choices(names []string, typed string) []*discordgo.ApplicationCommandOptionChoice {
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, maxChoices)
	// The same matcher as the command line's --speaker, so what
	// autocomplete offers is what a typed name finds.
	for _, n := range retrieval.MatchSpeakers(names, typed) {
		if utf8.RuneCountInString(n) > maxChoiceLen || strings.TrimSpace(n) == "" {
			continue // a value Discord would reject; it cannot be chosen anyway
		}
		if len(out) == maxChoices {
			break
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: n, Value: n})
	}
	return out
}
