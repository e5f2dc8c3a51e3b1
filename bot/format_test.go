package bot

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/handover/handover/retrieval"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// render shows messages as a reader would see them, for golden files.
func render(msgs []Message) string {
	var b strings.Builder
	for i, m := range msgs {
		fmt.Fprintf(&b, "=== message %d ===\n", i+1)
		if m.Content != "" {
			fmt.Fprintf(&b, "%s\n", m.Content)
		}
		for _, e := range m.Embeds {
			fmt.Fprintf(&b, "--- embed %q (colour %06x) ---\n%s\n", e.Title, e.Color, e.Description)
		}
		for _, row := range m.Components {
			for _, c := range row.(discordgo.ActionsRow).Components {
				btn := c.(discordgo.Button)
				label := btn.Label
				if btn.Emoji != nil {
					label = btn.Emoji.Name + label
				}
				fmt.Fprintf(&b, "[button %s → %s]\n", label, btn.CustomID)
			}
		}
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "format", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestFormatGolden(t *testing.T) {
	answer := retrieval.Answer{Question: "who took over?", Text: cannedAnswerText, Mode: retrieval.ModeExtractive, Citations: cannedCitations}
	tests := []struct {
		name string
		msgs []Message
	}{
		{"answer", FormatAnswer(answer, "1574578310661406720")},
		{"answer_without_buttons", FormatAnswer(answer, "")},
		{"answer_mentions", FormatAnswer(retrieval.Answer{
			Text: "@everyone and @here and <@123456789012345678>, <@!123456789012345678> and <@&987654321098765432> said so [1].", Citations: cannedCitations[:1],
		}, "1")},
		{"answer_abstained", FormatAnswer(retrieval.Answer{Abstained: true, Text: "The articles don't say who will succeed Rutte."}, "2")},
		{"answer_empty", FormatAnswer(retrieval.Answer{}, "3")},
		{"answer_model_fallback", FormatAnswer(retrieval.Answer{
			Text: "Rutte took office on 1 October 2024 [1].", Mode: retrieval.ModeExtractive, Citations: cannedCitations[:1],
			Note: "The model was unavailable, so this answer quotes the articles directly.",
		}, "4")},
		{"answer_unverified", FormatAnswer(unverifiedAnswer("Rutte is the new chief.", cannedCitations), "5")},
		{"partial", []Message{FormatPartial("Mark Rutte took over @everyone")}},
		{"citations", FormatCitations(cannedCitations)},
		// Numbered per article: one header per number, its sentences under
		// it, and a sentence with its own quotation marks not quoted again.
		{"citations_grouped", FormatCitations(groupedCitations)},
		{"answer_grouped", FormatAnswer(retrieval.Answer{Text: groupedAnswerText, Mode: retrieval.ModeExtractive, Citations: groupedCitations}, "6")},
		{"citations_none", FormatCitations(nil)},
		// A quotation cited sentence by sentence is one excerpt.
		{"citations_quotation", FormatCitations(quotationCitations)},
		{"quotes", FormatQuotes("Mark Rutte", "Ukraine", (&fakeLibrary{}).Quotes("Mark Rutte", ""))},
		{"quotes_none", FormatQuotes("@everyone", "", nil)},
		{"timeline", FormatTimeline("", (&fakeLibrary{}).Timeline(""), 0)},
		{"timeline_none", FormatTimeline("Mars", nil, 0)},
		{"sources", FormatSources((&fakeLibrary{}).Sources())},
		{"sources_none", FormatSources(nil)},
		{"help", FormatHelp()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLimits(t, tt.msgs)
			golden(t, tt.name, render(tt.msgs))
		})
	}
}

const groupedAnswerText = "Mark Rutte took over on 1 October 2024. [1] “We will not give in,” Rutte said. [1] “About time.” [2]"

var groupedCitations = []retrieval.Citation{
	{N: 1, Doc: "003", Title: "Rutte takes over as NATO chief", Publisher: "Reuters", Date: "2024-10-01", URL: "https://example.com/rutte", Kind: "article",
		Text: "Mark Rutte took over on 1 October 2024.", Passage: "003#4"},
	{N: 1, Doc: "003", Title: "Rutte takes over as NATO chief", Publisher: "Reuters", Date: "2024-10-01", URL: "https://example.com/rutte", Kind: "article",
		Text: "“We will not give in,” Rutte said.", Passage: "003#9"},
	{N: 2, Doc: "007", Title: "Stoltenberg's last day", Publisher: "DW News", Date: "2024-09-30", Kind: "comment",
		Text: "\"About time.\"", Passage: "007#31"},
}

var quotationCitations = []retrieval.Citation{
	{N: 1, Doc: "003", Title: "Rutte takes over as NATO chief", Kind: "article", Text: `Rutte said, "I'm not worried.`, Passage: "003#6"},
	{N: 1, Doc: "003", Title: "Rutte takes over as NATO chief", Kind: "article", Text: "I know both candidates.", Passage: "003#7"},
	{N: 1, Doc: "003", Title: "Rutte takes over as NATO chief", Kind: "article", Text: `I will work with either," he added.`, Passage: "003#8"},
	{N: 1, Doc: "003", Title: "Rutte takes over as NATO chief", Kind: "article", Text: "Rutte took over on 1 October.", Passage: "003#9"},
}

// checkLimits asserts every Discord limit on messages, and that no mention
// is left live.
func checkLimits(t *testing.T, msgs []Message) {
	t.Helper()
	if len(msgs) == 0 || len(msgs) > maxMessages {
		t.Errorf("%d messages, want 1 to %d", len(msgs), maxMessages)
	}
	for i, m := range msgs {
		if n := utf8.RuneCountInString(m.Content); n > maxContent {
			t.Errorf("message %d: content %d > %d", i, n, maxContent)
		}
		if strings.TrimSpace(m.Content) == "" && len(m.Embeds) == 0 {
			t.Errorf("message %d is empty", i)
		}
		if len(m.Embeds) > maxEmbeds {
			t.Errorf("message %d: %d embeds > %d", i, len(m.Embeds), maxEmbeds)
		}
		if n := embedsSize(m.Embeds); n > maxEmbedTotal {
			t.Errorf("message %d: embeds total %d > %d", i, n, maxEmbedTotal)
		}
		for j, e := range m.Embeds {
			if n := utf8.RuneCountInString(e.Description); n > maxEmbedDesc {
				t.Errorf("message %d embed %d: description %d > %d", i, j, n, maxEmbedDesc)
			}
			if n := utf8.RuneCountInString(e.Title); n > maxEmbedTitle {
				t.Errorf("message %d embed %d: title %d > %d", i, j, n, maxEmbedTitle)
			}
			if len(e.Fields) > maxFields {
				t.Errorf("message %d embed %d: %d fields > %d", i, j, len(e.Fields), maxFields)
			}
		}
		text := m.Content
		for _, e := range m.Embeds {
			text += e.Title + e.Description
		}
		if rawMention.MatchString(text) {
			t.Errorf("message %d has a live mention: %q", i, rawMention.FindString(text))
		}
	}
}

func TestFormatLimits(t *testing.T) {
	huge := hugeAnswer("huge")
	tests := []struct {
		name string
		msgs []Message
	}{
		{"huge answer", FormatAnswer(huge, "1")},
		{"huge citations", FormatCitations(huge.Citations)},
		{"one enormous word", FormatAnswer(retrieval.Answer{Text: strings.Repeat("x", 9000) + " [1]", Citations: cannedCitations[:1]}, "1")},
		{"many quotes", FormatQuotes("Mark Rutte", "", manyQuotes(60))},
		{"long timeline", FormatTimeline("", manyEvents(200), 0)},
		{"many sources", FormatSources(manySources(300))},
		{"mentions everywhere", FormatAnswer(retrieval.Answer{Text: strings.Repeat("@everyone <@1> @here ", 300)}, "1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLimits(t, tt.msgs)
		})
	}
	msgs := FormatAnswer(huge, "1")
	last := msgs[len(msgs)-1]
	if len(last.Components) != 1 {
		t.Errorf("buttons are not on the last message")
	}
	if !strings.Contains(render(msgs), "cut short") {
		t.Errorf("a reply cut to %d messages does not say so", maxMessages)
	}
}

func manyQuotes(n int) []retrieval.Quote {
	var qs []retrieval.Quote
	for i := range n {
		qs = append(qs, retrieval.Quote{Speaker: "Mark Rutte", Text: strings.Repeat(fmt.Sprintf("quote %d ", i), 60), Sources: cannedCitations})
	}
	return qs
}

func manyEvents(n int) []retrieval.Event {
	var es []retrieval.Event
	for i := range n {
		es = append(es, retrieval.Event{Date: "2024-10-01", Text: strings.Repeat(fmt.Sprintf("event %d ", i), 40), Sources: cannedCitations})
	}
	return es
}

func manySources(n int) []retrieval.Source {
	var ss []retrieval.Source
	for i := range n {
		ss = append(ss, retrieval.Source{Doc: fmt.Sprint(i), Title: strings.Repeat("Headline ", 20), Publisher: "Publisher", Date: "2024-10-01", Passages: i})
	}
	return ss
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello", "hello"},
		{"@everyone", "@\u200beveryone"},
		{"@Everyone @HERE", "@\u200bEveryone @\u200bHERE"},
		{"<@123>", "<@\u200b123>"},
		{"<@!123>", "<@\u200b!123>"},
		{"<@&456>", "<@\u200b&456>"},
		{"email@example.com", "email@example.com"},
		{"<#789> is a channel", "<#789> is a channel"},
		{"see [the memo](https://evil.example/x)", `see [the memo]\(https://evil.example/x)`},
		{"[1] (Reuters) and [2]", "[1] (Reuters) and [2]"},
	}
	for _, tt := range tests {
		if got := Neutralise(tt.in); got != tt.want {
			t.Errorf("Neutralise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestChoices(t *testing.T) {
	names := []string{"Jens Stoltenberg", "Mark Rutte", "Volodymyr Zelensky", "Rutger Hauer", strings.Repeat("x", 101), "  "}
	for i := range 40 {
		names = append(names, fmt.Sprintf("Speaker %02d", i))
	}
	tests := []struct {
		typed string
		want  []string
	}{
		{"rut", []string{"Mark Rutte", "Rutger Hauer"}},
		{"RUTTE", []string{"Mark Rutte"}},
		{"olt", []string{"Jens Stoltenberg"}},
		{"speaker 3", []string{"Speaker 30", "Speaker 31", "Speaker 32", "Speaker 33", "Speaker 34", "Speaker 35", "Speaker 36", "Speaker 37", "Speaker 38", "Speaker 39"}},
		{"nobody", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range choices(names, tt.typed) {
			got = append(got, c.Name)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("choices(%q) mismatch (-want +got):\n%s", tt.typed, diff)
		}
	}
	if all := choices(names, ""); len(all) != maxChoices {
		t.Errorf("choices(\"\") = %d, want the first %d", len(all), maxChoices)
	}
}

func TestCommands(t *testing.T) {
	cmds := Commands()
	seen := map[string]bool{}
	for _, c := range cmds {
		if seen[c.Name] || len(c.Description) == 0 || utf8.RuneCountInString(c.Description) > 100 {
			t.Errorf("command %q: duplicate or bad description", c.Name)
		}
		seen[c.Name] = true
		for _, o := range c.Options {
			if utf8.RuneCountInString(o.Description) > 100 || o.Name != strings.ToLower(o.Name) {
				t.Errorf("/%s option %q: bad name or description", c.Name, o.Name)
			}
		}
	}
	// The quote command's speaker option autocompletes.
	if q := cmds[1]; q.Name != cmdQuote || !q.Options[0].Autocomplete {
		t.Errorf("/quote speaker does not autocomplete")
	}
}

func BenchmarkFormatAnswer(b *testing.B) {
	a := hugeAnswer("huge")
	for b.Loop() {
		FormatAnswer(a, "1574578310661406720")
	}
}

// longText is about n characters of answer with citation markers.
func longText(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "Sentence %d says something about the handover at NATO headquarters [%d]. ", i, i%2+1)
		if i%9 == 8 {
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

// retrievalUnverifiedNote is the note retrieval gives an unverified
// answer (retrieval's noteUnverified).
const retrievalUnverifiedNote = "The model cited none of the passages it was given: this answer is unchecked, and the sources below are the retrieved evidence."

// unverifiedAnswer is a model's answer that cited nothing, as retrieval
// returns it: flagged, with its note and the retrieved evidence.
func unverifiedAnswer(text string, cites []retrieval.Citation) retrieval.Answer {
	return retrieval.Answer{Text: text, Mode: retrieval.ModeLLM, Citations: cites, Unverified: true, Note: retrievalUnverifiedNote}
}

// An unverified answer carries one warning: retrieval's note when it has
// one, else the bot's own sentence; an answer with a note that is not
// unverified shows the note without the warning sign.
func TestFormatAnswerUnverifiedNote(t *testing.T) {
	const unavailable = "The language model was unavailable, so this answer quotes the articles directly."
	tests := []struct {
		name string
		a    retrieval.Answer
		want string // the first paragraph
	}{
		{"as retrieval returns it", unverifiedAnswer("Rutte took over.", cannedCitations),
			"*⚠️ " + retrievalUnverifiedNote + "*"},
		{"without a note", retrieval.Answer{Text: "Rutte took over.", Mode: retrieval.ModeLLM, Unverified: true, Citations: cannedCitations},
			"*⚠️ " + noteUnverified + "*"},
		{"a note, not unverified", retrieval.Answer{Text: "Rutte took over [1].", Mode: retrieval.ModeExtractive, Note: unavailable, Citations: cannedCitations},
			"*" + unavailable + "*"},
		{"neither", retrieval.Answer{Text: "Rutte took over [1].", Citations: cannedCitations}, "Rutte took over [1]."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FormatAnswer(tt.a, "k")[0].Content
			if first, _, _ := strings.Cut(got, "\n\n"); first != tt.want {
				t.Errorf("FormatAnswer(%+v) begins %q, want %q", tt.a, first, tt.want)
			}
			if n := strings.Count(got, "⚠️"); n > 1 {
				t.Errorf("FormatAnswer(%+v) warns %d times:\n%s", tt.a, n, got)
			}
		})
	}
}

// However long the answer, its notes and its sources embed survive the
// cut to maxMessages, and every limit holds.
func TestFormatAnswerKeepsNotesAndSources(t *testing.T) {
	tests := []struct {
		name     string
		a        retrieval.Answer
		wantCut  bool
		wantMore bool // the sources list says some did not fit
	}{
		{"11000 characters", unverifiedAnswer(longText(11000), cannedCitations), true, false},
		{"11000 characters, 40 long sources", unverifiedAnswer(longText(11000), hugeAnswer("q").Citations), true, true},
		{"one enormous word", unverifiedAnswer(strings.Repeat("x", 11000), cannedCitations), true, false},
		{"short", unverifiedAnswer("Rutte took office [1].", cannedCitations), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := FormatAnswer(tt.a, "7")
			checkLimits(t, msgs)
			first, last := msgs[0], msgs[len(msgs)-1]
			if want := "*⚠️ " + retrievalUnverifiedNote + "*"; !strings.HasPrefix(first.Content, want) {
				t.Errorf("first message does not begin with %q:\n%s", want, first.Content)
			}
			if len(last.Embeds) != 1 || last.Embeds[0].Title != "Sources" || !strings.Contains(last.Embeds[0].Description, "**[1]**") {
				t.Errorf("last message's embeds = %+v, want the sources", last.Embeds)
			}
			if got := strings.Contains(last.Content, "cut short"); got != tt.wantCut {
				t.Errorf("last message says cut short = %v, want %v:\n%s", got, tt.wantCut, last.Content)
			}
			if got := strings.Contains(last.Embeds[0].Description, "more, the list cut short"); got != tt.wantMore {
				t.Errorf("sources say some did not fit = %v, want %v", got, tt.wantMore)
			}
			if len(last.Components) != 1 {
				t.Errorf("the buttons are not on the last message")
			}
		})
	}
}

func FuzzFormatAnswer(f *testing.F) {
	f.Add(longText(11000), "A note.", true, 2)
	f.Add("Short [1].", "", false, 40)
	f.Add(strings.Repeat("@everyone ", 1500), strings.Repeat("n", 3000), true, 1)
	f.Fuzz(func(t *testing.T, text, note string, unverified bool, ncites int) {
		if !utf8.ValidString(text) || !utf8.ValidString(note) {
			t.Skip()
		}
		cites := hugeAnswer("q").Citations[:min(max(ncites, 0), 40)]
		msgs := FormatAnswer(retrieval.Answer{Text: text, Note: note, Unverified: unverified, Citations: cites}, "1")
		checkLimits(t, msgs)
		if len(cites) > 0 && len(msgs[len(msgs)-1].Embeds) != 1 {
			t.Errorf("the sources embed is not on the last message")
		}
		if unverified && !strings.HasPrefix(msgs[0].Content, "*⚠️") {
			t.Errorf("the unverified warning does not lead the first message: %q", msgs[0].Content)
		}
	})
}

// Previews are labelled drafts and show no unchecked markers, not even
// one still being written.
func TestFormatPartial(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Rutte took over [1].", "Rutte took over."},
		{"Rutte took over [1][12]. Then [3]", "Rutte took over. Then"},
		{"Rutte took over [1", "Rutte took over"},
		{"Rutte took over [", "Rutte took over"},
		{"Spending [2%] rose", "Spending [2%] rose"},
		// Every marker retrieval reads, as it reads them.
		{"Rutte took over [3, 99].", "Rutte took over."},
		{"Rutte took over [1-3].", "Rutte took over."},
		{"Rutte took over [1; 2]", "Rutte took over"},
		{"Rutte took over 【1】 and [Passage 2].", "Rutte took over and."},
		{"Rutte took over [1, 2", "Rutte took over"},
		{"Rutte took over [1–", "Rutte took over"},
		{"Rutte took over [Passage 1", "Rutte took over"},
		{"Rutte took over [^", "Rutte took over"},
		{"Rutte took over 【2", "Rutte took over"},
		{"Rutte took over [see", "Rutte took over [see"},
		{"@everyone [1]", "@\u200beveryone"},
	}
	for _, tt := range tests {
		got := FormatPartial(tt.in).Content
		if want := tt.want + draftLabel; got != want {
			t.Errorf("FormatPartial(%q) = %q, want %q", tt.in, got, want)
		}
	}
	long := FormatPartial(longText(5000)).Content
	if n := utf8.RuneCountInString(long); n > maxContent || !strings.HasSuffix(long, draftLabel) || markerRE.MatchString(long) {
		t.Errorf("long preview: %d characters, ends %q", n, long[len(long)-80:])
	}
}

// TestFormatAbstentionClosest checks that an abstention shows the closest
// sentence labelled as no answer (or, unsure, as one to judge), with no
// sources embed or button, and that an answer never shows one.
func TestFormatAbstentionClosest(t *testing.T) {
	closest := &retrieval.Citation{Title: "Bridge news", Text: "The bridge opened on @everyone Monday."}
	msgs := FormatAnswer(retrieval.Answer{Text: "The articles don't say, as far as I can tell.", Abstained: true, Citations: []retrieval.Citation{}, Closest: closest}, "1")
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	want := "The articles don't say, as far as I can tell.\n\n*The closest the articles come (it may not answer the question):* “The bridge opened on @\u200beveryone Monday.” — *Bridge news*"
	if m.Content != want || len(m.Embeds) != 0 {
		t.Errorf("content %q, %d embeds; want %q and none", m.Content, len(m.Embeds), want)
	}
	msgs = FormatAnswer(retrieval.Answer{Text: "I'm not sure the articles answer that.", Abstained: true, Unsure: true, Citations: []retrieval.Citation{}, Closest: closest}, "1")
	want = "I'm not sure the articles answer that.\n\n*The closest the articles come (check whether it answers the question):* “The bridge opened on @\u200beveryone Monday.” — *Bridge news*"
	if msgs[0].Content != want || len(msgs[0].Embeds) != 0 {
		t.Errorf("unsure: content %q, %d embeds; want %q and none", msgs[0].Content, len(msgs[0].Embeds), want)
	}
	headline := &retrieval.Citation{Title: "Bridge news", Text: "Bridge news", Headline: true}
	msgs = FormatAnswer(retrieval.Answer{Text: "The articles don't say, as far as I can tell.", Abstained: true, Citations: []retrieval.Citation{}, Closest: headline}, "1")
	want = "The articles don't say, as far as I can tell.\n\n*The closest the articles come (it may not answer the question):* the headline “Bridge news”"
	if msgs[0].Content != want {
		t.Errorf("a headline: content %q, want %q (the title not named twice)", msgs[0].Content, want)
	}
	msgs = FormatAnswer(retrieval.Answer{Text: "It opened on Monday. [1]", Citations: cannedCitations[:1], Closest: closest}, "1")
	if strings.Contains(msgs[0].Content, "closest") {
		t.Errorf("an answer shows a closest sentence: %q", msgs[0].Content)
	}
}
