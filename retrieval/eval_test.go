package retrieval

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/handover/handover/corpus"
	"github.com/handover/handover/retrieval/search"
)

var evalVerbose = flag.Bool("eval.v", false, "print every eval question's answer")

// evalCase is one question of testdata/questions (see its README).
type evalCase struct {
	ID       string   `json:"id"`
	Family   string   `json:"family"`
	Kind     string   `json:"kind"`
	Question string   `json:"question"`
	Expect   []string `json:"expect_any"`
	Docs     []string `json:"docs"`
	// File is the file the case came from, without extension.
	File string `json:"-"`
}

func (c evalCase) answerable() bool { return c.Kind != "unanswerable" }

// Splits of the question families.
const (
	splitDev  = "dev"
	splitTest = "test"
)

// splitOf puts a family in test when the FNV-1a hash of its id is 0 mod 3.
// Fixed before any tuning; never change it to move a question.
func splitOf(family string) string {
	h := fnv.New32a()
	h.Write([]byte(family))
	if h.Sum32()%3 == 0 {
		return splitTest
	}
	return splitDev
}

// loadEval reads every question file in testdata/questions.
func loadEval(t testing.TB) []evalCase {
	t.Helper()
	files, err := filepath.Glob("testdata/questions/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no question files: %v", err)
	}
	sort.Strings(files)
	var cases []evalCase
	seen := map[string]bool{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var c evalCase
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				t.Fatalf("%s: line %q: %v", name, sc.Text(), err)
			}
			c.File = strings.TrimSuffix(filepath.Base(name), ".jsonl")
			key := c.File + "/" + c.ID
			if seen[key] || c.Family == "" || c.Question == "" {
				t.Fatalf("%s: %s: duplicate id or missing family/question", name, c.ID)
			}
			seen[key] = true
			if c.answerable() != (len(c.Expect) > 0 && len(c.Docs) > 0) {
				t.Fatalf("%s: %s: kind %s with expect %v docs %v", name, c.ID, c.Kind, c.Expect, c.Docs)
			}
			if !strings.Contains(c.Family, "/") {
				// A family is its file's; a file that adds wordings to
				// another file's family names it "<file>/<family>", so
				// that they land in the same split.
				c.Family = c.File + "/" + c.Family
			}
			cases = append(cases, c)
		}
		f.Close()
	}
	same := sameFacts(t)
	known := map[string]bool{}
	for _, c := range cases {
		known[c.Family] = true
	}
	for id, canon := range same {
		for _, f := range []string{id, canon} {
			if !known[f] {
				t.Fatalf("same_facts.txt: %s is no family", f)
			}
		}
	}
	for i, c := range cases {
		if canon, ok := same[c.Family]; ok {
			cases[i].Family = canon
		}
	}
	return cases
}

// sameFacts reads testdata/questions/same_facts.txt: families written in
// different rounds that ask one fact, one group a line, the first the
// group's own id (see the README there). It maps each other family of a
// group to the first, so that a fact sits in one split and one fold.
func sameFacts(t testing.TB) map[string]string {
	t.Helper()
	data, err := os.ReadFile("testdata/questions/same_facts.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	seen := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		ids := strings.Fields(line)
		if len(ids) == 0 {
			continue
		}
		if len(ids) == 1 {
			t.Fatalf("same_facts.txt: %q: a group needs two families or more", line)
		}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("same_facts.txt: %s is listed twice", id)
			}
			seen[id] = true
		}
		for _, id := range ids[1:] {
			out[id] = ids[0]
		}
	}
	return out
}

func casesIn(cases []evalCase, split string) []evalCase {
	var out []evalCase
	for _, c := range cases {
		if split == "" || splitOf(c.Family) == split {
			out = append(out, c)
		}
	}
	return out
}

func shippedEngine(t testing.TB) *Engine {
	t.Helper()
	c, ix := shippedIndex(t)
	return New(c, ix, Options{})
}

// shippedIndex loads the shipped articles and indexes them.
func shippedIndex(t testing.TB) (*corpus.Corpus, *Index) {
	t.Helper()
	c, err := corpus.Load(slog.New(slog.NewTextHandler(io.Discard, nil)), corpus.Default())
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := search.DefaultVectors()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := BuildIndex(context.Background(), c, vecs)
	if err != nil {
		t.Fatal(err)
	}
	return c, ix
}

// straighten lowercases s and makes curly quotes and apostrophes straight,
// as the question files' README says phrases are matched.
func straighten(s string) string {
	return strings.ToLower(strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`).Replace(s))
}

// supports reports whether sentence text from article doc answers c: the
// article is one of c.Docs and the sentence holds an expected phrase.
func (c evalCase) supports(doc, text string) bool {
	in := false
	for _, d := range c.Docs {
		if strings.HasPrefix(doc, d) {
			in = true
		}
	}
	if !in {
		return false
	}
	text = straighten(text)
	for _, e := range c.Expect {
		if strings.Contains(text, straighten(e)) {
			return true
		}
	}
	return false
}

// correct reports whether a answers c: an answerable question answered
// (not abstained) with a citation of a supporting sentence, comments
// labelled as viewers' opinions; an unanswerable one abstained.
func (c evalCase) correct(a Answer) bool {
	if !c.answerable() {
		return a.Abstained
	}
	if a.Abstained {
		return false
	}
	for _, cit := range a.Citations {
		if c.supports(cit.Doc, cit.Text) {
			return c.Kind != "comment" || strings.Contains(strings.ToLower(a.Text), "viewer comment")
		}
	}
	return false
}

// tally counts one group of results.
type tally struct {
	answerable, answered, falseAbstain int // answered: with a supporting citation
	// first counts the answered questions whose answer opens with a
	// supporting sentence: what a reader of the first line gets.
	first                   int
	unanswerable, abstained int
}

func (t *tally) add(c evalCase, a Answer) {
	if c.answerable() {
		t.answerable++
		if c.correct(a) {
			t.answered++
			if cit := a.Citations[0]; c.supports(cit.Doc, cit.Text) {
				t.first++
			}
		}
		if a.Abstained {
			t.falseAbstain++
		}
		return
	}
	t.unanswerable++
	if a.Abstained {
		t.abstained++
	}
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func (t tally) String() string {
	return fmt.Sprintf("answered %3d/%-3d %.3f (opening with it %.3f)  false abstentions %3d %.3f  unanswerables abstained %2d/%-2d %.3f",
		t.answered, t.answerable, ratio(t.answered, t.answerable), ratio(t.first, t.answerable), t.falseAbstain, ratio(t.falseAbstain, t.answerable),
		t.abstained, t.unanswerable, ratio(t.abstained, t.unanswerable))
}

// evalRun answers cases and tallies them overall and by kind; for a dev
// split it also returns each miss with the stage that lost it.
type evalRun struct {
	total  tally
	byKind map[string]*tally
	misses []string
	// recall counts answerable questions whose supporting sentence is
	// among the passages the LLM path would send (context recall).
	recall, recallOf int
	// abstentions are the extractive abstentions, for the table of how
	// often the closest sentence answers by confidence.
	abstentions []abstention
	// byFamily tallies each family, for the interval that resampling
	// families gives (interval).
	byFamily map[string]*tally
}

// abstention is one question abstained on: its confidence, and whether
// the closest sentence answers it (never, for an unanswerable one), shown
// or not.
type abstention struct {
	conf       float64
	answerable bool
	closest    bool
}

func runEval(t testing.TB, e *Engine, cases []evalCase, explain bool) evalRun {
	t.Helper()
	r := evalRun{byKind: map[string]*tally{}, byFamily: map[string]*tally{}}
	for _, c := range cases {
		tr, err := e.trace(context.Background(), Request{Question: c.Question})
		if err != nil {
			t.Fatalf("%s %q: %v", c.ID, c.Question, err)
		}
		a := tr.answer
		r.total.add(c, a)
		k := r.byKind[c.Kind]
		if k == nil {
			k = &tally{}
			r.byKind[c.Kind] = k
		}
		k.add(c, a)
		f := r.byFamily[c.Family]
		if f == nil {
			f = &tally{}
			r.byFamily[c.Family] = f
		}
		f.add(c, a)
		if a.Abstained {
			ab := abstention{conf: tr.confidence, answerable: c.answerable()}
			if c.answerable() && len(tr.ranked) > 0 {
				// The sentence the abstention would show, shown or not
				// (closestFrom): the table is what that bound is chosen by.
				closest := e.index.closest(tr.ranked[0].pos)
				ab.closest = c.supports(closest.Doc, closest.Text)
			}
			r.abstentions = append(r.abstentions, ab)
		}
		if c.answerable() {
			r.recallOf++
			for _, pos := range e.index.llmContext(tr) {
				p := e.index.passages[pos]
				if c.supports(p.Doc, p.Text) {
					r.recall++
					break
				}
			}
		}
		if explain && (!c.correct(a) || *evalVerbose) {
			r.misses = append(r.misses, fmt.Sprintf("%s/%s [%s] %q\n    stage: %s\n    → %.200q",
				c.File, c.ID, c.Kind, c.Question, e.lostAt(c, tr), a.Text))
		}
	}
	return r
}

func (r evalRun) report(t testing.TB, name string) {
	t.Logf("%-10s %s  context recall %.3f", name, r.total, ratio(r.recall, r.recallOf))
	answered, abstained := r.interval(bootstrapDraws)
	t.Logf("  95%% interval, families resampled: answered %.3f–%.3f  unanswerables abstained %.3f–%.3f",
		answered[0], answered[1], abstained[0], abstained[1])
	kinds := make([]string, 0, len(r.byKind))
	for k := range r.byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		t.Logf("  %-12s %s", k, *r.byKind[k])
	}
}

// bootstrapDraws is how many resamplings of the families interval draws.
const bootstrapDraws = 2000

// interval returns the 2.5th and 97.5th percentiles of the answered and
// abstained shares over draws resamplings of the run's families, with
// replacement (a fixed seed, so the figures repeat): how far the shares
// would move with another draw of families like these. A family's
// questions ask one fact and succeed or fail together, so families, not
// questions, are drawn.
func (r evalRun) interval(draws int) (answered, abstained [2]float64) {
	families := make([]*tally, 0, len(r.byFamily))
	for _, name := range slices.Sorted(maps.Keys(r.byFamily)) {
		families = append(families, r.byFamily[name])
	}
	if len(families) == 0 {
		return answered, abstained
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var ans, abs []float64
	for range draws {
		var sum tally
		for range families {
			f := families[rng.IntN(len(families))]
			sum.answerable += f.answerable
			sum.answered += f.answered
			sum.unanswerable += f.unanswerable
			sum.abstained += f.abstained
		}
		// A draw without a question of a kind says nothing of its share.
		if sum.answerable > 0 {
			ans = append(ans, ratio(sum.answered, sum.answerable))
		}
		if sum.unanswerable > 0 {
			abs = append(abs, ratio(sum.abstained, sum.unanswerable))
		}
	}
	return percentiles(ans), percentiles(abs)
}

// percentiles returns the 2.5th and 97.5th percentiles of v (sorted in
// place), or zeros when v is empty.
func percentiles(v []float64) [2]float64 {
	if len(v) == 0 {
		return [2]float64{}
	}
	slices.Sort(v)
	return [2]float64{v[len(v)*25/1000], v[max(0, len(v)*975/1000-1)]}
}

// reportAbstentions prints, by band of confidence under the threshold,
// how many questions were abstained on, how many of them the articles do
// not answer, and how many the closest sentence answers: what unsureFrom
// and closestFrom are chosen by.
func (r evalRun) reportAbstentions(t testing.TB, threshold float64) {
	t.Logf("abstentions by confidence (closest shown from %.2f, unsure from %.2f):", closestFrom, unsureFrom)
	for band := 0; float64(band)/10 < threshold; band++ {
		lo, hi := float64(band)/10, math.Min(float64(band+1)/10, threshold)
		var n, un, closest int
		for _, a := range r.abstentions {
			if a.conf >= lo && a.conf < hi {
				n++
				if !a.answerable {
					un++
				}
				if a.closest {
					closest++
				}
			}
		}
		t.Logf("  [%.2f, %.2f)  abstained %3d  unanswerable %3d  closest answers %3d (%.2f)", lo, hi, n, un, closest, ratio(closest, n))
	}
}

// lostAt names the stage of the pipeline that lost a missed question.
func (e *Engine) lostAt(c evalCase, tr trace) string {
	if !c.answerable() {
		if tr.answer.Abstained {
			return "ok"
		}
		return fmt.Sprintf("answered an unanswerable question: confidence %.2f ≥ threshold %.2f", tr.confidence, e.index.model.Threshold)
	}
	first := -1
	for i, s := range tr.ranked {
		p := e.index.passages[s.pos]
		if c.supports(p.Doc, p.Text) {
			first = i
			break
		}
	}
	switch {
	case first < 0 && tr.pool == 0:
		return "not retrieved: the search found no passages"
	case first < 0:
		return fmt.Sprintf("not retrieved: no supporting sentence among %d candidates", tr.pool)
	case first > 0:
		top, got := tr.ranked[0], tr.ranked[first]
		return fmt.Sprintf("ranked below: first supporting sentence at rank %d (score %.2f, top %.2f); %s\n      top: %.120q\n      supporting: %.120q",
			first+1, got.score, top.score, e.index.model.blame(got.x, top.x), e.index.passages[top.pos].Text, e.index.passages[got.pos].Text)
	case tr.answer.Abstained:
		return fmt.Sprintf("under the threshold: confidence %.2f < %.2f; %s", tr.confidence, e.index.model.Threshold, e.index.model.weakest(e.index.analyse(c.Question), tr.ranked))
	default:
		return "composed badly: the supporting sentence ranked first but the answer does not cite it or lacks the label"
	}
}

// TestQuestionFiles checks the question files: families whole, ids unique,
// and every docs entry an article of the shipped corpus.
func TestQuestionFiles(t *testing.T) {
	cases := loadEval(t)
	families := map[string][]evalCase{}
	for _, c := range cases {
		families[c.Family] = append(families[c.Family], c)
	}
	unanswerable := 0
	for f, cs := range families {
		if cs[0].Kind == "unanswerable" {
			unanswerable++
		}
		if !slices.ContainsFunc(cs, func(c evalCase) bool { return strings.HasPrefix(f, c.File+"/") }) {
			t.Errorf("family %s has no question in its own file: a wording added elsewhere must name a family that exists", f)
		}
		for _, c := range cs {
			if (c.Kind == "unanswerable") != (cs[0].Kind == "unanswerable") {
				t.Errorf("family %s mixes answerable and unanswerable questions", f)
			}
		}
	}
	if unanswerable < 20 {
		t.Errorf("%d unanswerable families, want at least 20 to calibrate abstention", unanswerable)
	}
	var dev, test int
	for f := range families {
		if splitOf(f) == splitTest {
			test++
		} else {
			dev++
		}
	}
	t.Logf("%d questions in %d families: %d dev, %d test", len(cases), len(families), dev, test)
}

// Floors on the test split, set from the figures reported in README.md:
// a change that loses answers on questions it was not tuned on fails.
// Each is 0.03 under the figure of session 18's last refit (0.494
// answered, 0.772 abstained), on the eval grown by families_users2.jsonl
// and with same_facts.txt, which made test harder (the figures before
// were 0.525 and 0.781 on the same code). About 30 unanswerable test
// families move the abstained share 0.03 a family.
const (
	floorAnswered  = 0.46
	floorAbstained = 0.74
	floorRecall    = 0.97
)

// TestEval runs the real offline pipeline over the questions. It prints
// each dev miss with the stage that lost it, and only totals for test.
//
//	go test ./retrieval -run 'TestEval$' -v
func TestEval(t *testing.T) {
	e := shippedEngine(t)
	cases := loadEval(t)
	dev := runEval(t, e, casesIn(cases, splitDev), true)
	for _, m := range dev.misses {
		t.Log(m)
	}
	dev.report(t, "dev")
	dev.reportAbstentions(t, e.index.model.Threshold)
	test := runEval(t, e, casesIn(cases, splitTest), false)
	test.report(t, "test")
	var shared []evalCase
	for _, c := range cases {
		if c.File == "shared_dev" {
			shared = append(shared, c)
		}
	}
	runEval(t, e, shared, false).report(t, "shared_dev")
	// The legacy questions are those the first version's rules were
	// written against: without them, test compares fairly with it.
	var fresh []evalCase
	for _, c := range casesIn(cases, splitTest) {
		if c.File != "legacy" {
			fresh = append(fresh, c)
		}
	}
	runEval(t, e, fresh, false).report(t, "test-new")
	got := ratio(test.total.answered, test.total.answerable)
	abst := ratio(test.total.abstained, test.total.unanswerable)
	recall := ratio(test.recall, test.recallOf)
	if got < floorAnswered || abst < floorAbstained || recall < floorRecall {
		t.Errorf("test split below floor: answered %.3f (floor %.2f), abstained %.3f (floor %.2f), context recall %.3f (floor %.2f)",
			got, floorAnswered, abst, floorAbstained, recall, floorRecall)
	}
}

func TestInterval(t *testing.T) {
	same := evalRun{byFamily: map[string]*tally{}}
	for i := range 20 {
		same.byFamily[fmt.Sprint(i)] = &tally{answerable: 4, answered: 3, unanswerable: 2, abstained: 1}
	}
	if ans, abs := same.interval(200); ans != [2]float64{0.75, 0.75} || abs != [2]float64{0.5, 0.5} {
		t.Errorf("families alike: interval answered %v abstained %v, want 0.75 and 0.5 exactly", ans, abs)
	}
	split := evalRun{byFamily: map[string]*tally{}}
	for i := range 20 {
		f := &tally{answerable: 1, unanswerable: 1}
		if i%2 == 0 {
			f.answered, f.abstained = 1, 1
		}
		split.byFamily[fmt.Sprint(i)] = f
	}
	ans, _ := split.interval(2000)
	if !(ans[0] < 0.4 && ans[1] > 0.6 && ans[0] < ans[1]) {
		t.Errorf("half the families answered: interval %v, want it to hold 0.5 and spread past 0.4 and 0.6", ans)
	}
	if again, _ := split.interval(2000); again != ans {
		t.Errorf("interval drew %v, then %v: it should repeat", ans, again)
	}
	if ans, abs := (evalRun{}).interval(10); ans != [2]float64{} || abs != [2]float64{} {
		t.Errorf("no families: %v %v, want zeros", ans, abs)
	}
	one := evalRun{byFamily: map[string]*tally{"a": {answerable: 2, answered: 1}, "b": {unanswerable: 1, abstained: 1}}}
	if _, abs := one.interval(1); abs != [2]float64{} && abs != [2]float64{1, 1} {
		t.Errorf("one draw: abstained %v, want 1 (or nothing when the draw held no unanswerable family)", abs)
	}
	if _, abs := one.interval(2000); abs != [2]float64{1, 1} {
		t.Errorf("draws without an unanswerable family counted: abstained %v, want exactly 1", abs)
	}
}

// blame names the feature that most separates the sentence with features
// got from the one with features top, for the miss reports above.
func (m *model) blame(got, top featureVec) string {
	worst, name := 0.0, "no single feature"
	for i := range got {
		if d := m.rank[i] * (top[i] - got[i]); d > worst {
			worst, name = d, featureNames[i]
		}
	}
	return fmt.Sprintf("outranked on %s (%.2f)", name, worst)
}

// weakest names the answerability feature that pulls the confidence down
// most: against 0, or for the share, against the whole pool's (1).
func (m *model) weakest(q analysis, ranked []candidate) string {
	a := answerFeatures(q, ranked)
	worst, name := 0.0, "no single feature"
	for i, v := range a {
		if i == aShare {
			v-- // a share below 1 is what it lost to the rest of the pool
		}
		if c := m.answer[i] * v; c < worst && i != aBias {
			worst, name = c, answerFeatureNames[i]
		}
	}
	return fmt.Sprintf("held down by %s (%.2f)", name, worst)
}
