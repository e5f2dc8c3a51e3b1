package corpus

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type dateRow struct {
	Date, Precision, Expression string
	Kind                        Kind
	Docs, Sentences             []string
}

func dateRows(ds []DateEntry) []dateRow {
	rows := make([]dateRow, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, dateRow{d.Date, d.Precision, d.Expression, d.Kind, d.Docs, d.Sentences})
	}
	return rows
}

func TestTimelineShipped(t *testing.T) {
	want := []struct {
		row   dateRow
		event string // a substring of the event sentence
	}{
		{dateRow{"1991", "year", "in 1991", KindComment, []string{doc0}, []string{doc0 + "#25"}}, "NATO should have been disbanded"},
		{dateRow{"1991", "year", "post 1991", KindComment, []string{doc0}, []string{doc0 + "#26"}}, "military interventions"},
		// Stoltenberg's start, told alike by 000 and 001.
		{dateRow{"2014", "year", "since 2014", KindArticle, []string{doc0, doc1}, []string{doc0 + "#4"}}, "Jens Stoltenberg, who has led the alliance since 2014"},
		// "the same year" is the year of the previous date: Crimea.
		{dateRow{"2014", "year", "the same year", KindArticle, []string{doc1}, []string{doc1 + "#9"}}, "Russia annexed Crimea"},
		{dateRow{"2014", "year", "in 2014", KindArticle, []string{doc4}, []string{doc4 + "#16"}}, "took over in 2014"},
		{dateRow{"2022", "year", "in 2022", KindArticle, []string{doc4}, []string{doc4 + "#19"}}, "launched his invasion in 2022"},
		// "last week" against 004's date, 2024-10-01.
		{dateRow{"2024-09", "month", "last week", KindArticle, []string{doc4}, []string{doc4 + "#19"}}, "he suggested last week"},
		// 003 is dated 2024-09-30 (inferred), 004 2024-10-01.
		{dateRow{"2024-10-01", "day", "Tuesday, October 1", KindArticle, []string{doc3}, []string{doc3 + "#1"}}, "Mark Rutte will officially take office"},
		{dateRow{"2024-10-01", "day", "Tuesday, October 1", KindArticle, []string{doc4}, []string{doc4 + "#1"}}, "took over the leadership"},
		// 001 is undated: November takes the collection's year.
		{dateRow{"2024-11", "month", "in November", KindArticle, []string{doc1}, []string{doc1 + "#17"}}, "upcoming US presidential election"},
	}
	c := loadForExtract(t)
	tl := c.Timeline()
	var wantRows []dateRow
	for _, w := range want {
		wantRows = append(wantRows, w.row)
	}
	if diff := cmp.Diff(wantRows, dateRows(tl)); diff != "" {
		t.Fatalf("Timeline() mismatch (-want +got):\n%s", diff)
	}
	for i, d := range tl {
		if !strings.Contains(d.Text, want[i].event) {
			t.Errorf("Timeline()[%d] %s: event %q does not contain %q", i, d.Date, d.Text, want[i].event)
		}
		s, ok := c.Sentence(d.Sentences[0])
		if !ok || s.Text != d.Text || s.Kind != d.Kind {
			t.Errorf("Timeline()[%d]: sentence %s is %+v, entry says %q (%s)", i, d.Sentences[0], s, d.Text, d.Kind)
		}
	}
}

// TestTimelineMilestones checks the events the timeline must hold, each by
// what its sentence says rather than by position.
func TestTimelineMilestones(t *testing.T) {
	c := loadForExtract(t)
	tl := c.Timeline()
	tests := []struct {
		name, date, precision string
		words                 []string // all in the event sentence
	}{
		{"handover", "2024-10-01", "day", []string{"Rutte", "Stoltenberg"}},
		{"Stoltenberg's start", "2014", "year", []string{"Stoltenberg", "since 2014"}},
		{"annexation of Crimea", "2014", "year", []string{"annexed Crimea"}},
		{"invasion", "2022", "year", []string{"invasion"}},
		{"US election", "2024-11", "month", []string{"election"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, d := range tl {
				if d.Date != tt.date || d.Precision != tt.precision || d.Kind != KindArticle {
					continue
				}
				all := true
				for _, w := range tt.words {
					all = all && strings.Contains(d.Text, w)
				}
				if all {
					return
				}
			}
			t.Errorf("no %s entry on %s (%s) with %q in %+v", tt.name, tt.date, tt.precision, tt.words, dateRows(tl))
		})
	}
}

// TestTimelineHoldsNoDurations checks that no length of time the shipped
// articles give, nor a count, is read as a date.
func TestTimelineHoldsNoDurations(t *testing.T) {
	c := loadForExtract(t)
	durs := []string{"10 years", "8 yr", "1 day", "12 years", "1,000-day mark", "four years",
		"1,000 days", "a decade", "14-year tenure", "ten years", "14-year leadership", "14 years", "third year"}
	for _, d := range c.Timeline() {
		for _, dur := range append(durs, "decade", "years", "days", "32") {
			if strings.Contains(d.Expression, dur) {
				t.Errorf("timeline entry %s from %q: a duration or count, not a date", d.Date, d.Expression)
			}
		}
	}
}

// TestNotDates lists numbers and lengths of time that are not dates.
func TestNotDates(t *testing.T) {
	tests := []struct{ name, text string }{
		{"member count", "NATO comprises 32 member countries."},
		{"view count", "Total Views : 14"},
		{"view count that looks like a year", "The video had 2014 views."},
		{"troops", "More than 1500 troops and 2000 soldiers arrived."},
		{"grouped number", "The war nears its 1,000-day mark and 2,024 days of talks."},
		{"day count with hyphen", "It was a 2000-day siege."},
		{"money", "The fund holds $2014 and costs 2019%."},
		{"durations", "He served 10 years, 14 years and a decade, now in the third year of war."},
		{"hyphenated tenure", "His 14-year tenure ended."},
		{"weekday without a publication date", "On Tuesday, Rutte took office."},
		{"relative words without a publication date", "He spoke last week and will speak tomorrow and next month."},
		{"month without any anchor", "The election is in November."},
		{"modal may", "Allies may spend more in May of next year."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := parseForExtract(t, tt.text)
			if a.Date != "" {
				t.Fatalf("Parse(%q) inferred date %q; the test needs an undated article", tt.text, a.Date)
			}
			if got := ExtractDates(a); len(got) != 0 {
				t.Errorf("ExtractDates(%q) = %+v, want none", tt.text, dateRows(got))
			}
		})
	}
}

func TestDateExpressions(t *testing.T) {
	type row struct{ Date, Precision, Expression string }
	tests := []struct {
		name   string
		pub    string // publication date, "" for none
		anchor int    // the collection's year, 0 for none
		text   string
		want   []row
	}{
		{"abbreviated month", "", 0, "Rutte took office on Oct. 1, 2024.", []row{{"2024-10-01", "day", "Oct. 1, 2024"}}},
		{"ISO", "", 0, "The handover was on 2024-10-01.", []row{{"2024-10-01", "day", "2024-10-01"}}},
		{"day month year", "", 0, "The handover was on 1 October 2024.", []row{{"2024-10-01", "day", "1 October 2024"}}},
		{"zero-padded day", "", 0, "Tuesday, October 01, 2024 was the day.", []row{{"2024-10-01", "day", "Tuesday, October 01, 2024"}}},
		{"ordinal day", "", 0, "It ended on the 1st of October, 2024.", []row{{"2024-10-01", "day", "the 1st of October, 2024"}}},
		{"invalid day", "", 0, "It ended on February 30, 2024.", nil},
		{"month and year", "", 0, "The election is in November 2024.", []row{{"2024-11", "month", "in November 2024"}}},
		{"bare year", "", 0, "Stoltenberg has led NATO since 2014.", []row{{"2014", "year", "since 2014"}}},
		{"sentence-initial year", "", 0, "In 2014, Russia annexed Crimea.", []row{{"2014", "year", "In 2014"}}},
		{"mid-year", "", 0, "Talks stalled in mid-2014.", []row{{"2014", "year", "mid-2014"}}},
		{"year anchors a month in its sentence", "", 0, "In 2016, talks began in March.", []row{{"2016", "year", "In 2016"}, {"2016-03", "month", "in March"}}},
		{"next month", "2024-10-01", 0, "Talks resume next month.", []row{{"2024-11", "month", "next month"}}},
		{"next month over a year end", "2024-12-15", 0, "Talks resume next month.", []row{{"2025-01", "month", "next month"}}},
		{"tomorrow with a publication date", "2024-09-30", 0, "Rutte takes office tomorrow.", []row{{"2024-10-01", "day", "tomorrow"}}},
		{"tomorrow without a publication date", "", 0, "Rutte takes office tomorrow.", nil},
		{"yesterday", "2024-10-02", 0, "Rutte took office yesterday.", []row{{"2024-10-01", "day", "yesterday"}}},
		{"last week is a month", "2024-10-01", 0, "He spoke last week.", []row{{"2024-09", "month", "last week"}}},
		{"last year", "2024-10-01", 0, "He spoke last year.", []row{{"2023", "year", "last year"}}},
		{"years ago", "2024-10-01", 0, "The war began two years ago.", []row{{"2022", "year", "two years ago"}}},
		{"past weekday", "2024-10-03", 0, "Rutte took office on Tuesday.", []row{{"2024-10-01", "day", "Tuesday"}}},
		{"weekday of publication", "2024-10-01", 0, "Rutte took office on Tuesday.", []row{{"2024-10-01", "day", "Tuesday"}}},
		{"future weekday", "2024-09-30", 0, "Rutte will take office on Tuesday.", []row{{"2024-10-01", "day", "Tuesday"}}},
		{"last weekday", "2024-10-01", 0, "They met last Tuesday.", []row{{"2024-09-24", "day", "last Tuesday"}}},
		{"next weekday", "2024-10-01", 0, "They meet next Tuesday.", []row{{"2024-10-08", "day", "next Tuesday"}}},
		{"weekday and day, published the day before", "2024-09-30", 0, "On Tuesday, October 1, Rutte will take office.", []row{{"2024-10-01", "day", "Tuesday, October 1"}}},
		{"weekday and day, no date, collection year", "", 2024, "On Tuesday, October 1, Rutte took office.", []row{{"2024-10-01", "day", "Tuesday, October 1"}}},
		{"weekday picks the year", "", 2025, "On Tuesday, October 1, Rutte took office.", []row{{"2024-10-01", "day", "Tuesday, October 1"}}},
		{"weekday and day, nothing to anchor", "", 0, "On Tuesday, October 1, Rutte took office.", nil},
		{"upcoming month", "2024-10-01", 0, "The upcoming election in November worries allies.", []row{{"2024-11", "month", "in November"}}},
		{"upcoming month next year", "2024-12-01", 0, "The upcoming vote in March worries allies.", []row{{"2025-03", "month", "in March"}}},
		{"past month", "2024-10-01", 0, "The summit was held in July.", []row{{"2024-07", "month", "in July"}}},
		{"past month last year", "2024-02-01", 0, "The summit was held in July.", []row{{"2023-07", "month", "in July"}}},
		{"month from the collection year", "", 2024, "The upcoming election in November worries allies.", []row{{"2024-11", "month", "in November"}}},
		{"day month, no year, nearest", "2024-10-01", 0, "The summit is on 9 July.", []row{{"2024-07-09", "day", "9 July"}}},
		{"day month, no year, future", "2024-10-01", 0, "The summit will be on 9 July.", []row{{"2025-07-09", "day", "9 July"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := parseForExtract(t, tt.text)
			a.Date = tt.pub
			var got []row
			for _, d := range extractDates(a, tt.anchor) {
				got = append(got, row{d.Date, d.Precision, d.Expression})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("extractDates(%q, pub %q, anchor %d) mismatch (-want +got):\n%s", tt.text, tt.pub, tt.anchor, diff)
			}
		})
	}
}

func TestCommentDates(t *testing.T) {
	a := parseForExtract(t, "Rutte took office tomorrow.\n\n1. Tomorrow we vote, as in November and last week.\n2. NATO should have been disbanded in 1991. The same year, the Soviet Union fell.")
	a.Date = "2024-09-30"
	type row struct {
		Date, Expression string
		Kind             Kind
	}
	var got []row
	for _, d := range ExtractDates(a) {
		got = append(got, row{d.Date, d.Expression, d.Kind})
	}
	want := []row{
		{"2024-10-01", "tomorrow", KindArticle},
		{"1991", "in 1991", KindComment},
		{"1991", "The same year", KindComment},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ExtractDates with comments mismatch (-want +got):\n%s", diff)
	}
}

// TestSameYear resolves "the same year" against the previous sentence's
// date, and refuses a finer precision than that date has.
func TestSameYear(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"same year", "He took over in 2014. Russia annexed Crimea the same year.", []string{"2014", "2014"}},
		{"that year", "He took over in 2014. That year, Russia annexed Crimea.", []string{"2014", "2014"}},
		{"same month needs a month", "He took over in 2014. Russia annexed Crimea the same month.", []string{"2014"}},
		{"nothing before", "Russia annexed Crimea the same year.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range ExtractDates(parseForExtract(t, tt.text)) {
				got = append(got, d.Date)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ExtractDates(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestTimelineMergesNearDuplicates(t *testing.T) {
	a := parseForExtract(t, "He succeeds Norway's Jens Stoltenberg, who had been at the helm of the alliance since 2014.")
	a.ID = "a"
	b := parseForExtract(t, "He takes over from Norway’s Jens Stoltenberg, who has led the alliance since 2014.")
	b.ID = "b"
	other := parseForExtract(t, "Russia annexed Crimea in 2014.")
	other.ID = "c"
	got := mergeDates(append(append(ExtractDates(a), ExtractDates(b)...), ExtractDates(other)...))
	var docs [][]string
	for _, d := range got {
		docs = append(docs, d.Docs)
	}
	if diff := cmp.Diff([][]string{{"a", "b"}, {"c"}}, docs); diff != "" {
		t.Errorf("mergeDates docs mismatch (-want +got):\n%s", diff)
	}
}

// validISO reports whether date is a valid ISO date at precision.
func validISO(date, precision string) bool {
	layout := map[string]string{PrecisionDay: time.DateOnly, PrecisionMonth: "2006-01", PrecisionYear: "2006"}[precision]
	if layout == "" || len(date) != len(layout) {
		return false
	}
	_, err := time.Parse(layout, date)
	return err == nil
}

func FuzzExtractDates(f *testing.F) {
	for _, s := range shippedSeeds(f) {
		f.Add(s, 0)
	}
	for _, s := range []string{
		"T\n\nDate: 2024-10-01\n\nHe left last week, on Tuesday, and returns next month, tomorrow or in 2 years ago.",
		"T\n\nDate: 9999-12-31\n\nIt happens tomorrow, next year, next month and next Tuesday.",
		"T\n\nDate: 0001-01-01\n\nIt happened yesterday, last year, last month, last Monday, 3 years ago.",
		"T\n\nOn Sunday, February 29, the vote. In March, again. That year. The same day. 1 May 2020. 2020-02-30.",
		"T\n\nOct. 1, 2024; 1 October 2024; October 01, 2024; 2024-10-01; in 1999; $2014; 2014%; 2000 troops.",
	} {
		f.Add([]byte(s), 2024)
	}
	f.Fuzz(func(t *testing.T, data []byte, anchor int) {
		a, err := Parse("f", data)
		if err != nil {
			return
		}
		kinds := map[string]Kind{}
		texts := map[string]string{}
		for _, s := range a.Sentences {
			kinds[s.ID], texts[s.ID] = s.Kind, s.Text
		}
		for _, ds := range [][]DateEntry{ExtractDates(a), extractDates(a, anchor%3000)} {
			for _, d := range ds {
				if !validISO(d.Date, d.Precision) {
					t.Fatalf("date %q is not a valid ISO %s (from %q in %q)", d.Date, d.Precision, d.Expression, d.Text)
				}
				if len(d.Sentences) != 1 || texts[d.Sentences[0]] != d.Text || kinds[d.Sentences[0]] != d.Kind {
					t.Fatalf("entry %+v does not match its sentence", d)
				}
				if d.Expression == "" || !strings.Contains(d.Text, d.Expression) {
					t.Fatalf("expression %q not in %q", d.Expression, d.Text)
				}
			}
		}
	})
}

func BenchmarkTimeline(b *testing.B) {
	c := loadForExtract(b)
	b.ReportAllocs()
	for b.Loop() {
		c.Timeline()
	}
}
