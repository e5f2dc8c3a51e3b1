package retrieval

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
	"unicode/utf8"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval/search"
)

// This file generates synthetic news archives for the benchmarks and scale
// tests: the shipped articles plus generated ones, so that an index of any
// size exercises the real loader, parser and sentence splitter. The text is
// built from sentence templates over a news-like vocabulary (people,
// places, institutions, topics, numbers and dates) with a long tail of
// generated surnames, and a fixed set of planted facts (with near-miss
// distractors) whose questions have one right answer.

// plantedFact is a sentence planted in a synthetic archive and the question
// it answers.
type plantedFact struct {
	Question string
	Sentence string
	Expect   string // a phrase a right answer contains
	// Distractor mentions the same subject without answering; it goes into
	// another article.
	Distractor string
	Doc        string // the article holding Sentence, set by newSynthetic
	Passage    string // Sentence's passage ID, set by newSynthetic
}

// plantedFacts are the facts every synthetic archive holds. Their subjects
// are made-up names that the generated text never uses, so each question
// has exactly one right passage.
var plantedFacts = []plantedFact{
	{Question: "When was the Vellmar accord signed?", Sentence: "The Vellmar accord on fishing quotas was signed in Tromsø on 3 March 2019.", Expect: "3 March 2019",
		Distractor: "Coastal fishing groups criticised the Vellmar accord for months."},
	{Question: "Who heads the Kestrel cyber unit?", Sentence: "Ingrid Halvorsen-Brekke was named head of the Kestrel cyber unit in June 2021.", Expect: "Halvorsen-Brekke",
		Distractor: "Staff of the Kestrel cyber unit moved into a new building last winter."},
	{Question: "How many troops took part in Operation Bluefen?", Sentence: "Operation Bluefen brought together 3,400 troops from nine countries.", Expect: "3,400",
		Distractor: "Bad weather delayed the start of Operation Bluefen by two days."},
	{Question: "How much will the Dravnik rail corridor cost?", Sentence: "The Dravnik rail corridor will cost 4.2 billion euros, the transport ministry said.", Expect: "4.2 billion",
		Distractor: "Farmers along the route oppose the Dravnik rail corridor."},
	{Question: "Where is the Orlenz Institute based?", Sentence: "The Orlenz Institute for security studies is based in Tartu.", Expect: "Tartu",
		Distractor: "Researchers at the Orlenz Institute published a report on drones."},
	{Question: "How old is Admiral Teodor Vasquell?", Sentence: "Admiral Teodor Vasquell, aged 58, commands the Northern Gate flotilla.", Expect: "58",
		Distractor: "Admiral Teodor Vasquell declined to comment on the exercise."},
	{Question: "Where was the Quenby summit held?", Sentence: "The Quenby summit was held in Reykjavik in November 2017.", Expect: "Reykjavik",
		Distractor: "Leaders left the Quenby summit without a joint statement."},
	{Question: "Who succeeded Paul Ebbesen at the Saltmere energy board?", Sentence: "Marta Lindqvorn succeeded Paul Ebbesen as chair of the Saltmere energy board in 2020.", Expect: "Lindqvorn",
		Distractor: "The Saltmere energy board raised its forecast for gas demand."},
	{Question: "When did the Hollin bridge open?", Sentence: "The Hollin bridge over the Varna strait opened to traffic on 12 May 2022.", Expect: "12 May 2022",
		Distractor: "Engineers inspected the Hollin bridge after the storm."},
	{Question: "What share of output does the Brannock pact ask members to spend on defence?", Sentence: "The Brannock defence pact commits its members to spend 2.5 percent of output on their armed forces.", Expect: "2.5 percent",
		Distractor: "Critics of the Brannock defence pact say it favours large members."},
	{Question: "Who was the chief negotiator of the Zelmora mission?", Sentence: "Pavel Strazny, the chief negotiator of the Zelmora mission, resigned in protest on Friday.", Expect: "Strazny",
		Distractor: "The Zelmora mission will report to the council in the spring."},
	{Question: "How much did the Corvane radar station cost?", Sentence: "The Corvane radar station near Bodø cost 310 million dollars to build.", Expect: "310 million",
		Distractor: "Residents near the Corvane radar station complained about the noise."},
	{Question: "Since when has Lena Mordahl led the Ashgrove refugee agency?", Sentence: "Lena Mordahl has led the Ashgrove refugee agency since 2016.", Expect: "2016",
		Distractor: "The Ashgrove refugee agency asked donors for more tents."},
	{Question: "How many ships were in the Tessaly grain convoy?", Sentence: "The Tessaly grain convoy of 42 ships reached Constanța on Tuesday.", Expect: "42",
		Distractor: "Insurers raised premiums for the Tessaly grain convoy."},
	{Question: "Where did negotiators from Ferrow and Kaldmark meet?", Sentence: "Negotiators from Ferrow and Kaldmark met in Geneva to settle the border dispute.", Expect: "Geneva",
		Distractor: "Ferrow accused Kaldmark of moving troops closer to the border."},
	{Question: "When was the Wrenfield treaty ratified?", Sentence: "The Wrenfield treaty was ratified by parliament in September 2015.", Expect: "September 2015",
		Distractor: "Opposition lawmakers still call the Wrenfield treaty a mistake."},
	{Question: "Who commands the Skarvik air base?", Sentence: "General Anika Roslund is the commander of the Skarvik air base.", Expect: "Roslund",
		Distractor: "Fighter jets returned to the Skarvik air base after the drill."},
	{Question: "How many homes does the Ebbridge flood barrier protect?", Sentence: "The Ebbridge flood barrier protects about 80,000 homes.", Expect: "80,000",
		Distractor: "Repairs to the Ebbridge flood barrier will take a year."},
	{Question: "Where did the Morvain pipeline talks collapse?", Sentence: "Talks on the Morvain pipeline collapsed in Ankara on 21 January 2023.", Expect: "Ankara",
		Distractor: "Investors lost interest in the Morvain pipeline."},
	{Question: "How old is Sofia Denholt?", Sentence: "Sofia Denholt, 47 years old, was elected mayor of Kirkhaven last spring.", Expect: "47",
		Distractor: "Sofia Denholt promised cheaper buses for Kirkhaven."},
}

// The vocabulary of the generated text. Lists are drawn from with a skew
// towards their first entries, as real text favours some words.
var synthWords = map[string][]string{
	"first": strings.Fields(`Anna Peter Maria Thomas Elena Jan Sofia Martin Laura Andreas Katarina Pieter Marek Ingrid
		Lucas Emma Oskar Nina Tomas Julia Henrik Sara Mikael Eva Daniel Hanna Viktor Irena Stefan Clara Jonas Agata
		Felix Ana Lars Petra Karl Monika Rui Ilse Matteo Greta Pavel Lucia Nils Zofia Erik Marta Bruno Alina Igor
		Helena Jakub Silvia Dmitro Olga Leon Rosa Kasper Vera Hugo Elsa Milan Ida Aleksander Nora`),
	"last": strings.Fields(`Jansen Novak Berg Kowalski Schmidt Rossi Dubois Larsen Nielsen Horvat Popescu Petrov
		Andersen Muller Fischer Weber Costa Silva Moreau Lambert Hansen Johansson Lindberg Kovacs Nagy Szabo
		Dimitrov Ivanova Bianchi Romano Garcia Martinez Lopez Fernandez Santos Ferreira Meyer Wagner Becker
		Hoffmann Schulz Koch Richter Klein Wolf Neumann Schwarz Zimmermann Braun Hartmann Lange Werner Krause
		Lehmann Walter Maier Koenig Huber Kaiser Fuchs Peters Vermeulen Peeters Maes Claes Willems Mertens
		Jacobs Bakker Visser Smit Meijer Mulder Bos Vos Dekker Kok Brouwer Gruber Bauer Steiner Moser Mayer
		Hofer Leitner Berger Pichler Eriksson Karlsson Nilsson Olsen Pedersen Kristensen Virtanen Korhonen
		Nieminen Makinen Tamm Saar Sepp Kask Ozols Berzins Kalnins Kazlauskas Petrauskas Jankauskas Wojcik
		Kaminski Lewandowski Zielinski Szymanski Dvorak Cerny Prochazka Kral Varga Toth Molnar Ionescu Radu
		Georgiev Papadopoulos Yilmaz Kaya Demir Murphy Kelly Walsh Byrne Ryan Smith Jones Taylor Brown Evans`),
	"role": strings.Fields(`minister spokesperson ambassador general president analyst mayor commissioner
		director envoy adviser professor lawmaker senator negotiator commander economist chancellor diplomat
		official researcher governor admiral prosecutor chairman`),
	"org": {"the European Commission", "the government", "the defence ministry", "the foreign ministry",
		"the parliament", "the central bank", "the alliance", "the United Nations", "the opposition",
		"the ruling coalition", "the armed forces", "the navy", "the air force", "the finance ministry",
		"the interior ministry", "the energy regulator", "the election commission", "the constitutional court",
		"the security council", "the trade union", "the employers' federation", "the port authority",
		"the health ministry", "the army", "the coast guard", "the border agency", "the competition authority",
		"the statistics office", "the national police", "the intelligence service", "the Red Cross",
		"the World Bank", "the International Monetary Fund", "the European Parliament", "the Council of Europe"},
	"city": strings.Fields(`Brussels Berlin Paris Warsaw Vilnius Riga Tallinn Madrid Rome Ankara Kyiv London
		Washington Ottawa Oslo Stockholm Helsinki Copenhagen Prague Bucharest Sofia Athens Lisbon Vienna
		Budapest Bratislava Zagreb Ljubljana Geneva Amsterdam Rotterdam Hamburg Munich Milan Naples Krakow
		Gdansk Odesa Lviv Kharkiv Bergen Gothenburg Turku Tartu Kaunas Porto Seville Valencia Lyon Marseille
		Antwerp Ghent Luxembourg Dublin Edinburgh Belfast Reykjavik Chisinau Tbilisi Skopje Tirana Podgorica
		Sarajevo Belgrade Istanbul Izmir Brno Graz Salzburg Malmo Aarhus Trondheim`),
	"country": strings.Fields(`Germany France Poland Lithuania Latvia Estonia Spain Italy Turkey Ukraine Britain
		Canada Norway Sweden Finland Denmark Romania Bulgaria Greece Portugal Austria Hungary Slovakia Croatia
		Slovenia Belgium Netherlands Luxembourg Ireland Iceland Moldova Georgia Albania Montenegro Serbia Czechia
		Russia Belarus China Japan India Brazil Australia Mexico Egypt Morocco Israel Jordan`),
	"topic": {"defence spending", "energy prices", "border security", "air defence", "ammunition production",
		"cyber attacks", "migration", "sanctions", "trade talks", "climate policy", "the election", "inflation",
		"pension reform", "healthcare", "grain exports", "shipping routes", "the budget", "military aid",
		"peace talks", "the summit", "troop deployments", "gas supplies", "housing costs", "interest rates",
		"the minimum wage", "public transport", "nuclear power", "wind farms", "drone production",
		"the coalition deal", "tax cuts", "school funding", "the refugee crisis", "police reform",
		"the farm subsidies", "rail strikes", "the trade deficit", "arms exports", "the fishing quotas",
		"disinformation", "election interference", "the space programme", "satellite launches",
		"naval patrols", "the Arctic", "the Black Sea", "the Baltic Sea", "critical minerals",
		"semiconductor plants", "food prices", "fuel taxes", "the steel industry", "car tariffs",
		"the digital tax", "data protection", "artificial intelligence", "the water supply",
		"flood defences", "wildfires", "vaccine supplies", "hospital waiting lists", "youth unemployment"},
	"verbed": strings.Fields(`announced approved rejected criticised welcomed discussed proposed postponed
		signed launched confirmed denied defended questioned supported blocked reviewed expanded cancelled
		extended backed unveiled delayed praised condemned finalised endorsed outlined revised`),
	"verb": strings.Fields(`increase reduce expand review delay support fund reform protect strengthen cut
		limit boost restore replace modernise secure coordinate monitor simplify accelerate finance`),
	"adj": strings.Fields(`new controversial ambitious costly long-awaited revised temporary joint national
		regional European bilateral multilateral emergency annual draft final broad modest historic
		unexpected sweeping fragile`),
	"event": {"the summit", "the election", "the vote", "the talks", "the crisis", "the attack", "the strike",
		"the storm", "the protests", "the scandal", "the referendum", "the ceasefire", "the conference",
		"the exercise", "the inquiry", "the hearing", "the debate", "the court ruling", "the merger",
		"the outage"},
	"weekday": strings.Fields(`Monday Tuesday Wednesday Thursday Friday Saturday Sunday`),
	"month":   strings.Fields(`January February March April May June July August September October November December`),
	"unit": strings.Fields(`soldiers workers families jobs homes schools tanks drones ships aircraft
		companies students doctors farmers refugees volunteers officers contracts projects licences`),
	"trend": {"rise", "fall", "stabilise", "slow", "recover", "remain high", "remain low", "double"},
	"quote": {"We will not accept this", "This is a decisive moment for Europe", "Our priority is security",
		"The numbers speak for themselves", "We need more time", "Nobody wants a new crisis",
		"This agreement protects our citizens", "We expect results, not promises", "The door remains open",
		"We are ready to talk", "This is only the beginning", "Everyone must pay their fair share"},
	"source": {"officials", "diplomats", "the ministry", "local media", "state television", "a statement",
		"people familiar with the matter", "the agency", "two senior officials", "a spokesperson"},
	"subject": strings.Fields(`law economics history engineering medicine politics physics journalism`),
	"noun": strings.Fields(`tension negotiation disagreement pressure speculation uncertainty debate delay
		criticism lobbying`),
	"publisher": {"Daily Ledger", "Morning Courier", "North Sea Times", "Continental Post", "The Observer Desk",
		"Euro Wire", "Baltic Herald", "Atlantic Review", "Capital Gazette", "City Tribune"},
	"slang": {"total joke", "waste of money", "step in the right direction", "disaster", "smart move",
		"bad idea", "long overdue", "circus"},
}

// synthTemplates are the article sentences. {x} draws from synthWords;
// {person}, {num}, {pct}, {money}, {year}, {day} and {date} are built.
var synthTemplates = []string{
	"{person}, the {role}, said on {weekday} that {org} would {verb} {topic}.",
	"{org} {verbed} a plan to {verb} {topic} by {year}.",
	"The {adj} proposal on {topic} was {verbed} by {org} in {city}, according to {source}.",
	"Officials in {city} said {num} {unit} had been affected since {month}.",
	"{person} {verbed} the {adj} deal on {topic} at a meeting in {city} on {date}.",
	"“{quote},” {person} told reporters in {city}.",
	"Spending on {topic} rose by {pct} percent to {money} last year.",
	"The talks in {city} ended without agreement on {topic}.",
	"Critics say the plan for {topic} will cost taxpayers {money} over {num} years.",
	"{country} and {country} agreed to {verb} {topic} after {event}.",
	"Analysts expect {topic} to {trend} in the coming months.",
	"The decision followed weeks of {noun} between {org} and {org}.",
	"About {num} people attended {event} in {city} on {weekday}.",
	"{person} has served as {role} since {year}.",
	"{person} was born in {city} in {year} and studied {subject} in {city}.",
	"{org} in {country} {verbed} the {adj} measures on {weekday}.",
	"The {role} from {country} warned that {topic} could {trend} if nothing changes.",
	"Under the {adj} rules, {unit} in {country} must report on {topic} every year.",
	"{person}, a {role} in {city}, called the plan on {topic} a {adj} step.",
	"A report by {org} found that {pct} percent of {unit} were affected by {topic}.",
	"{country} will host a summit on {topic} in {city} in {month} {year}.",
	"Protesters gathered outside the parliament in {city} to oppose {topic}.",
	"The {role} resigned on {date} after {event}.",
	"{org} said it had {verbed} {num} {unit} for {topic} in {month}.",
	"Negotiators from {country} are expected in {city} next week to discuss {topic}.",
	"In {year}, {country} spent {money} on {topic}, the statistics office said.",
	"{person} said {topic} and {topic} would dominate {event}.",
	"The {adj} agreement gives {country} access to {topic} until {year}.",
	"Earlier this year {org} {verbed} {num} {unit} in {city}.",
	"{person} is expected to visit {city} in {month} to discuss {topic}.",
}

// synthComments are reader comments: short, opinionated, informal.
var synthComments = []string{
	"{person} is doing a terrible job on {topic}.",
	"This is all about {topic}, nothing else.",
	"Why should we pay for {topic} when {unit} cannot afford rent?",
	"Finally someone in {city} talks about {topic}!",
	"The whole {topic} plan is a {slang}.",
	"I lived in {city} for years and nobody there cares about {topic}.",
	"{org} should resign over this.",
	"Honestly {topic} is a {slang}.",
}

// synthSyllables make a long tail of rare surnames, as real archives have.
var synthSyllables = strings.Fields(`bar ken dor vel mar sten lin hol gra bro tor val rin dal mek sor fan lev ost
	ber kar nel vis pra tum gil hed ros wen zan kol mir dun sel ter`)

// synthetic is a generated archive: article files and the facts planted
// in them.
type synthetic struct {
	files fstest.MapFS
	facts []plantedFact
}

// synthGen writes one archive; its random source is seeded so the same
// size always gives the same text.
type synthGen struct {
	r *rand.Rand
}

// pick draws from list, favouring early entries (the square of a uniform
// draw), so a few words are common and the rest are a tail.
func (g *synthGen) pick(list []string) string {
	u := g.r.Float64()
	return list[int(u*u*float64(len(list)))]
}

func (g *synthGen) surname() string {
	if g.r.IntN(4) > 0 {
		return g.pick(synthWords["last"])
	}
	n := 2 + g.r.IntN(2)
	var b strings.Builder
	for range n {
		b.WriteString(synthSyllables[g.r.IntN(len(synthSyllables))])
	}
	return upperFirst(b.String())
}

func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

func (g *synthGen) slot(name string) string {
	switch name {
	case "person":
		return g.pick(synthWords["first"]) + " " + g.surname()
	case "num":
		switch g.r.IntN(3) {
		case 0:
			return fmt.Sprint(2 + g.r.IntN(98))
		case 1:
			return fmt.Sprint(100 + g.r.IntN(900))
		default:
			return fmt.Sprintf("%d,%03d", 1+g.r.IntN(99), g.r.IntN(1000))
		}
	case "pct":
		return fmt.Sprintf("%d.%d", 1+g.r.IntN(40), g.r.IntN(10))
	case "money":
		return fmt.Sprintf("%d.%d %s %s", 1+g.r.IntN(90), g.r.IntN(10),
			[]string{"million", "billion"}[g.r.IntN(2)], []string{"euros", "dollars", "pounds"}[g.r.IntN(3)])
	case "year":
		return fmt.Sprint(2005 + g.r.IntN(20))
	case "day":
		return fmt.Sprint(1 + g.r.IntN(28))
	case "date":
		return fmt.Sprintf("%d %s %d", 1+g.r.IntN(28), g.pick(synthWords["month"]), 2005+g.r.IntN(20))
	}
	list, ok := synthWords[name]
	if !ok {
		panic("synthetic template slot {" + name + "} has no words")
	}
	return g.pick(list)
}

// sentence fills a template. Every sentence is one sentence to
// corpus.Split: it ends with the only terminal punctuation followed by a
// space, and no slot holds an abbreviation.
func (g *synthGen) sentence(tmpl string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		j := strings.IndexByte(tmpl[i:], '}') + i
		b.WriteString(tmpl[:i])
		b.WriteString(g.slot(tmpl[i+1 : j]))
		tmpl = tmpl[j+1:]
	}
	return upperFirst(b.String())
}

// synthArticle is one generated article: its paragraphs of sentences and its
// reader comments (one sentence each).
type synthArticle struct {
	id       string
	title    string
	date     string
	paras    [][]string
	comments []string
}

func (a *synthArticle) passages() int {
	n := 1 + len(a.comments) // the headline is a passage
	for _, p := range a.paras {
		n += len(p)
	}
	return n
}

// passageID returns the ID of the sentence at paragraph p, index i.
func (a *synthArticle) passageID(p, i int) string {
	n := i + 1
	for _, para := range a.paras[:p] {
		n += len(para)
	}
	return fmt.Sprintf("%s#%d", a.id, n)
}

func (a *synthArticle) text() string {
	var b strings.Builder
	b.WriteString(a.title + "\n")
	b.WriteString("Published: " + a.date + "\n\n")
	for _, p := range a.paras {
		b.WriteString(strings.Join(p, " ") + "\n\n")
	}
	for i, c := range a.comments {
		fmt.Fprintf(&b, "  %d. %s\n\n", i+1, c)
	}
	return b.String()
}

// newSynthetic generates articles holding exactly n passages (n ≥ 800),
// with every planted fact and its distractor in distinct articles.
func newSynthetic(n int) synthetic {
	g := &synthGen{r: rand.New(rand.NewPCG(uint64(n), 2024))}
	var arts []*synthArticle
	left := n
	for left > 0 {
		a := &synthArticle{
			id: fmt.Sprintf("synth_%06d", len(arts)+1),
			title: fmt.Sprintf("%s: %s %s %s | %s", g.slot("city"), g.slot("org"), g.slot("verbed"),
				g.slot("topic"), g.slot("publisher")),
			date: fmt.Sprintf("%d-%02d-%02d", 2015+g.r.IntN(10), 1+g.r.IntN(12), 1+g.r.IntN(28)),
		}
		want := min(left, 8+g.r.IntN(23))
		if left-want == 1 {
			want-- // the last article needs a headline and a sentence
		}
		nComments := 0
		if want >= 6 && g.r.IntN(3) == 0 {
			nComments = 1 + g.r.IntN(4)
		}
		for body := want - nComments - 1; body > 0; {
			k := min(body, 1+g.r.IntN(4))
			para := make([]string, k)
			for i := range para {
				para[i] = g.sentence(synthTemplates[g.r.IntN(len(synthTemplates))])
			}
			a.paras = append(a.paras, para)
			body -= k
		}
		for range nComments {
			a.comments = append(a.comments, g.sentence(synthComments[g.r.IntN(len(synthComments))]))
		}
		arts = append(arts, a)
		left -= a.passages()
	}
	// Facts are spread evenly, one to an article; each distractor goes to
	// the next free article half the archive away.
	if len(arts) < 2*len(plantedFacts) {
		panic(fmt.Sprintf("newSynthetic(%d): too few articles for the planted facts", n))
	}
	facts := append([]plantedFact(nil), plantedFacts...)
	used := map[int]bool{}
	for i := range facts {
		at := (2*i + 1) * len(arts) / (2 * len(facts))
		used[at] = true
		a := arts[at]
		p := g.r.IntN(len(a.paras))
		s := g.r.IntN(len(a.paras[p]))
		a.paras[p][s] = facts[i].Sentence
		facts[i].Doc, facts[i].Passage = a.id, a.passageID(p, s)
	}
	for i := range facts {
		at := (2*i + 1) * len(arts) / (2 * len(facts))
		d := (at + len(arts)/2) % len(arts)
		for used[d] {
			d = (d + 1) % len(arts)
		}
		used[d] = true
		last := arts[d].paras[len(arts[d].paras)-1]
		last[len(last)-1] = facts[i].Distractor
	}
	files := fstest.MapFS{}
	for _, a := range arts {
		files[a.id+".txt"] = &fstest.MapFile{Data: []byte(a.text())}
	}
	return synthetic{files: files, facts: facts}
}

// synthCorpus loads the shipped articles plus generated ones, n passages in
// all, through corpus.Load as a newsroom's corpus.dir would be.
func synthCorpus(tb testing.TB, n int) (*corpus.Corpus, []plantedFact) {
	tb.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	shipped, err := corpus.Load(logger, corpus.Default())
	if err != nil {
		tb.Fatal(err)
	}
	s := newSynthetic(n - len(shipped.Passages()))
	c, err := corpus.Load(logger, corpus.Default(), s.files)
	if err != nil {
		tb.Fatal(err)
	}
	if got := len(c.Passages()); got != n {
		tb.Fatalf("synthetic corpus has %d passages, want %d", got, n)
	}
	return c, s.facts
}

// synthEngine builds the offline engine over a synthetic corpus of n
// passages.
func synthEngine(tb testing.TB, n int) (*Engine, []plantedFact) {
	tb.Helper()
	c, facts := synthCorpus(tb, n)
	vecs, err := search.DefaultVectors()
	if err != nil {
		tb.Fatal(err)
	}
	ix, err := BuildIndex(context.Background(), c, vecs)
	if err != nil {
		tb.Fatal(err)
	}
	return New(c, ix, Options{}), facts
}

// factResult is how an engine did on the planted facts.
type factResult struct {
	hit1    int // the first citation is the fact's article
	correct int // and the answer holds the expected phrase
}

func askFacts(tb testing.TB, e *Engine, facts []plantedFact) factResult {
	tb.Helper()
	var r factResult
	for _, f := range facts {
		a, err := e.Answer(context.Background(), Request{Question: f.Question})
		if err != nil {
			tb.Fatalf("%q: %v", f.Question, err)
		}
		if len(a.Citations) > 0 && a.Citations[0].Doc == f.Doc {
			r.hit1++
			if strings.Contains(a.Text, f.Expect) {
				r.correct++
			}
		} else {
			tb.Logf("planted fact missed: %q → %q (want %s)", f.Question, a.Text, f.Passage)
		}
	}
	return r
}

var (
	synthDir = flag.String("synth.dir", "", "write a synthetic archive into this folder (see README.md, Performance)")
	synthN   = flag.Int("synth.n", 100_000, "passages in the archive -synth.dir writes, shipped articles included")
)

// TestWriteSynthetic writes the archive of -synth.n passages into
// -synth.dir, so that the handover binary can be timed on it:
//
//	go test ./retrieval -run TestWriteSynthetic -synth.dir /tmp/synth100k
//	handover ask --corpus /tmp/synth100k "When was the Vellmar accord signed?"
//
// TestWriteSynthetic writes a synthetic archive as files and loads it back
// as `--corpus` would. With -synth.dir it writes the full -synth.n archive
// there, for measuring the whole process (see README.md, Performance); without, a
// small one to a temporary folder.
func TestWriteSynthetic(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	shipped, err := corpus.Load(logger, corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	dir, n := *synthDir, *synthN-len(shipped.Passages())
	if dir == "" {
		dir, n = t.TempDir(), 2000
	}
	s := newSynthetic(n)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, f := range s.files {
		if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	back, err := corpus.Load(logger, os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Articles) != len(s.files) {
		t.Errorf("wrote %d files, loaded %d articles", len(s.files), len(back.Articles))
	}
	for _, f := range s.facts {
		if _, ok := back.Sentence(f.Passage); !ok {
			t.Errorf("planted fact %s not found after loading from disk", f.Passage)
		}
		t.Logf("%s %q", f.Passage, f.Question)
	}
}

func TestSyntheticDeterministic(t *testing.T) {
	a, b := newSynthetic(2000), newSynthetic(2000)
	if len(a.files) != len(b.files) {
		t.Fatalf("two runs made %d and %d files", len(a.files), len(b.files))
	}
	for name, f := range a.files {
		if g := b.files[name]; g == nil || string(g.Data) != string(f.Data) {
			t.Fatalf("file %s differs between two runs", name)
		}
	}
}

// TestSyntheticPassages checks that the parser reads the generated text as
// the generator meant it: exact passage counts, and each planted fact at
// its passage ID, verbatim.
func TestSyntheticPassages(t *testing.T) {
	for _, n := range []int{1000, 5000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c, facts := synthCorpus(t, n)
			for _, f := range facts {
				s, ok := c.Sentence(f.Passage)
				if !ok || s.Text != f.Sentence {
					t.Errorf("passage %s = %q, want planted %q", f.Passage, s.Text, f.Sentence)
				}
			}
		})
	}
}

// TestSyntheticFacts asks every planted question of a 3,000-passage
// archive: small enough for go test -race. BenchmarkAsk reports the same
// (hit@1) at up to 100,000 passages.
func TestSyntheticFacts(t *testing.T) {
	e, facts := synthEngine(t, 3_000)
	r := askFacts(t, e, facts)
	t.Logf("3k passages: hit@1 %d/%d, correct %d/%d", r.hit1, len(facts), r.correct, len(facts))
	if r.hit1 < len(facts)-1 {
		t.Errorf("hit@1 %d/%d at 3k passages, want at least %d", r.hit1, len(facts), len(facts)-1)
	}
}
