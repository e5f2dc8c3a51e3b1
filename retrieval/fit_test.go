package retrieval

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
)

var fitModel = flag.Bool("fit", false, "refit the answer model on the dev split and rewrite model.json")

// fitQuestion is one dev question's scored pool, for fitting.
type fitQuestion struct {
	q          analysis
	family     string
	answerable bool
	xs         []featureVec
	docs       []string // the article of each candidate
	labels     []bool   // the passage supports an answer
}

// fitData runs the pipeline up to scoring on every dev question.
func fitData(t testing.TB, e *Engine, cases []evalCase) []fitQuestion {
	t.Helper()
	var out []fitQuestion
	for _, c := range cases {
		tr, err := e.trace(context.Background(), Request{Question: c.Question})
		if err != nil {
			t.Fatal(err)
		}
		fq := fitQuestion{q: e.index.analyse(c.Question), family: c.Family, answerable: c.answerable()}
		for _, cand := range tr.ranked {
			p := e.index.passages[cand.pos]
			fq.xs = append(fq.xs, cand.x)
			fq.docs = append(fq.docs, p.Doc)
			fq.labels = append(fq.labels, c.answerable() && c.supports(p.Doc, p.Text))
		}
		out = append(out, fq)
	}
	return out
}

// fitRank fits the ranking weights: a softmax over each answerable
// question's candidates, maximising the probability of its supporting
// passages, with an L2 penalty lambda on every weight but the bias (which
// a softmax ignores).
func fitRank(qs []fitQuestion, lambda float64, drop *[nFeatures]bool) [nFeatures]float64 {
	var w, m, v [nFeatures]float64
	const lr, b1, b2 = 0.05, 0.9, 0.999
	for iter := 1; iter <= 400; iter++ {
		var g [nFeatures]float64
		for _, q := range qs {
			if !q.answerable || !slices.Contains(q.labels, true) {
				continue
			}
			scores := make([]float64, len(q.xs))
			mx := math.Inf(-1)
			for i, x := range q.xs {
				scores[i] = linear(w[:], x[:])
				mx = math.Max(mx, scores[i])
			}
			var z, zp float64
			for i := range scores {
				scores[i] = math.Exp(scores[i] - mx)
				z += scores[i]
				if q.labels[i] {
					zp += scores[i]
				}
			}
			for i, x := range q.xs {
				p := scores[i] / z
				pp := 0.0
				if q.labels[i] {
					pp = scores[i] / zp
				}
				for j := range x {
					g[j] += (pp - p) * x[j]
				}
			}
		}
		for j := 1; j < nFeatures; j++ {
			g[j] -= lambda * w[j]
			if drop[j] {
				g[j] = 0 // left out: its weight stays 0
			}
		}
		for j := 1; j < nFeatures; j++ {
			m[j] = b1*m[j] + (1-b1)*g[j]
			v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
			mh := m[j] / (1 - math.Pow(b1, float64(iter)))
			vh := v[j] / (1 - math.Pow(b2, float64(iter)))
			w[j] += lr * mh / (math.Sqrt(vh) + 1e-8)
		}
	}
	return w
}

// answerRows turns questions into answerability rows under ranking
// weights w: the best candidate's features, labelled by whether the
// question is answerable and an answer would cite a supporting passage:
// the best candidate or one of the next within the widest support gap,
// as the eval counts an answer right (labelling by the best alone taught
// the score to doubt answers whose support sits second).
func answerRows(qs []fitQuestion, w [nFeatures]float64) ([]answerVec, []bool) {
	var xs []answerVec
	var ys []bool
	widest := slices.Max(gaps)
	for _, q := range qs {
		ranked, _ := rankWith(q, w)
		xs = append(xs, answerFeatures(q.q, ranked))
		ok := false
		for _, c := range ranked[:min(len(ranked), maxSentences)] {
			ok = ok || q.labels[c.pos] && c.score >= ranked[0].score-widest
		}
		ys = append(ys, ok)
	}
	return xs, ys
}

// rankWith ranks a question's candidates under w and reports whether the
// best one supports an answer.
func rankWith(q fitQuestion, w [nFeatures]float64) ([]candidate, bool) {
	ranked := make([]candidate, len(q.xs))
	for i, x := range q.xs {
		ranked[i] = candidate{pos: i, doc: q.docs[i], x: x, score: linear(w[:], x[:])}
	}
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].score > ranked[j].score })
	return ranked, len(ranked) > 0 && q.labels[ranked[0].pos]
}

// fitLR fits logistic regression weights by Newton's method with an L2
// penalty lambda on every weight but the bias.
func fitLR(xs []answerVec, ys []bool, lambda float64) [nAnswerFeatures]float64 {
	const n = nAnswerFeatures
	var w [n]float64
	for iter := 0; iter < 30; iter++ {
		var g [n]float64
		var h [n][n]float64
		for i, x := range xs {
			p := sigmoid(linear(w[:], x[:]))
			y := 0.0
			if ys[i] {
				y = 1
			}
			for j := range x {
				g[j] += (p - y) * x[j]
				for k := range x {
					h[j][k] += p * (1 - p) * x[j] * x[k]
				}
			}
		}
		for j := 0; j < n; j++ {
			if j > 0 {
				g[j] += lambda * w[j]
				h[j][j] += lambda
			}
			h[j][j] += 1e-9
		}
		step := solve(h, g)
		change := 0.0
		for j := range w {
			w[j] -= step[j]
			change = math.Max(change, math.Abs(step[j]))
		}
		if change < 1e-7 {
			break
		}
	}
	return w
}

// solve returns x with a·x = b by Gaussian elimination with pivoting.
func solve(a [nAnswerFeatures][nAnswerFeatures]float64, b [nAnswerFeatures]float64) [nAnswerFeatures]float64 {
	n := nAnswerFeatures
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		if math.Abs(a[c][c]) < 1e-12 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < n; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	var x [nAnswerFeatures]float64
	for c := n - 1; c >= 0; c-- {
		if math.Abs(a[c][c]) < 1e-12 {
			continue
		}
		s := b[c]
		for k := c + 1; k < n; k++ {
			s -= a[c][k] * x[k]
		}
		x[c] = s / a[c][c]
	}
	return x
}

// outcome is one held-out question's confidence and whether its best
// passage supports an answer.
type outcome struct {
	answerable bool
	conf       float64
	topOK      bool
	// scores and oks are the best maxSentences candidates' scores and
	// whether each supports an answer.
	scores []float64
	oks    []bool
}

// answered reports whether an answer made of the best candidate and those
// within gap of its score cites a supporting passage.
func (o outcome) answered(gap float64) bool {
	for i, s := range o.scores {
		if s < o.scores[0]-gap {
			break
		}
		if o.oks[i] {
			return true
		}
	}
	return false
}

// objective is the share of answerable questions answered by a supporting
// passage plus the share of unanswerable ones abstained, at threshold tau,
// answers showing the sentences within gap of the best.
func objective(os []outcome, tau, gap float64) float64 {
	ans, abst := shares(os, tau, gap)
	return ans + abst
}

// shares are the share of answerable questions answered by a supporting
// passage and the share of unanswerable ones abstained, at threshold tau
// and support gap gap.
func shares(os []outcome, tau, gap float64) (answered, abstained float64) {
	var ans, ansOK, un, unOK float64
	for _, o := range os {
		if o.answerable {
			ans++
			if o.conf >= tau && o.answered(gap) {
				ansOK++
			}
		} else {
			un++
			if o.conf < tau {
				unOK++
			}
		}
	}
	return ansOK / math.Max(ans, 1), unOK / math.Max(un, 1)
}

// topShare is the share of answerable questions whose best passage
// supports an answer, whatever the threshold: the ranking's ceiling.
func topShare(os []outcome) float64 {
	var n, ok float64
	for _, o := range os {
		if o.answerable {
			n++
			if o.topOK {
				ok++
			}
		}
	}
	return ok / math.Max(n, 1)
}

// gaps are the support gaps tried: how far below the best sentence's
// score another may fall and still be shown.
var gaps = []float64{0, 0.35, 0.7, 1, 1.5, 2}

// bestThreshold picks the threshold and gap with the best objective.
// Between settings within half a question's worth of each other it keeps
// the lower threshold and the smaller gap: when abstaining buys nothing,
// answer, and in as few sentences as serve.
func bestThreshold(os []outcome) (tau, gap, score float64) {
	var ans float64
	for _, o := range os {
		if o.answerable {
			ans++
		}
	}
	eps := 0.5 / math.Max(ans, 1)
	score = -1
	for _, g := range gaps {
		for t := 0.02; t < 0.98; t += 0.01 {
			if s := objective(os, t, g); s > score+eps {
				score, tau, gap = s, t, g
			}
		}
	}
	return tau, gap, score
}

const cvFolds = 5

// cvRepeats is how many times cross-validation is run with folds drawn
// afresh: one split of a few hundred questions is too noisy to choose by.
// With 3 the chosen penalty and threshold changed with the fold draw (L2
// 0.01 at threshold 0.44 against 0.1 at 0.47, 0.001 apart); with 10 they
// held until session 18, when the penalties' figures came within 0.004 of
// each other and 10 repeats chose 0.3 where 20 chose 0.01: 20 now, every
// comparison in the README being made at 20 anyway.
var cvRepeats = flag.Int("repeats", 20, "with TestFitModel, how many times cross-validation is repeated")

func foldOf(family string, rep int) int {
	h := fnv.New32a()
	h.Write([]byte("fold:" + strconv.Itoa(rep) + ":" + family))
	return int(h.Sum32() % cvFolds)
}

// fitBoth fits the ranking weights, then the answerability weights on the
// same questions ranked by them.
// The features drop marks are left out.
func fitBoth(qs []fitQuestion, lambda float64, drop *leftOut) ([nFeatures]float64, [nAnswerFeatures]float64) {
	w := fitRank(qs, lambda, &drop.rank)
	xs, ys := answerRows(qs, w)
	for i := range xs {
		for j, d := range drop.answer {
			if d {
				xs[i][j] = 0
			}
		}
	}
	return w, fitLR(xs, ys, answerLambda)
}

// leftOut is what a fit leaves out (backward elimination): ranking
// features whose weight stays 0, so that they rank nothing while the
// answerability features and rules that read them still see them, and
// answerability features whose column is zero, so their weight is too.
type leftOut struct {
	rank   [nFeatures]bool
	answer [nAnswerFeatures]bool
}

// answerLambda is the answerability model's L2 penalty; its twelve weights
// over a few hundred questions need little.
const answerLambda = 1

// crossValidate returns the out-of-fold outcomes of fitting with lambda,
// folds grouped by family, leaving out the features drop marks.
// Each fold is fitted in a goroutine of its own, P at a time; the
// outcomes come back in fold order.
func crossValidate(qs []fitQuestion, lambda float64, drop *leftOut) []outcome {
	parts := make([][]outcome, *cvRepeats*cvFolds)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for rep := range *cvRepeats {
		for f := range cvFolds {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				parts[rep*cvFolds+f] = crossValidateFold(qs, lambda, drop, rep, f)
			}()
		}
	}
	wg.Wait()
	return slices.Concat(parts...)
}

// crossValidateFold fits on every fold of repeat rep but f and returns
// the outcomes of fold f's questions.
func crossValidateFold(qs []fitQuestion, lambda float64, drop *leftOut, rep, f int) []outcome {
	var train, held []fitQuestion
	for _, q := range qs {
		if foldOf(q.family, rep) == f {
			held = append(held, q)
		} else {
			train = append(train, q)
		}
	}
	w, a := fitBoth(train, lambda, drop)
	var out []outcome
	for _, q := range held {
		ranked, ok := rankWith(q, w)
		x := answerFeatures(q.q, ranked)
		o := outcome{answerable: q.answerable, conf: confidenceOf(a, q.q, ranked, x), topOK: ok}
		for _, c := range ranked[:min(maxSentences, len(ranked))] {
			o.scores = append(o.scores, c.score)
			o.oks = append(o.oks, q.labels[c.pos])
		}
		out = append(out, o)
	}
	return out
}

// penalties are the ranking L2 penalties cross-validation chooses among.
var penalties = []float64{0.01, 0.03, 0.1, 0.3, 1, 3}

// penaltyRun is one penalty's cross-validated outcome: its threshold and
// support gap, its objective, and the objective of each repeat (the same
// questions, folds drawn afresh) at them.
type penaltyRun struct {
	lambda, tau, gap, score float64
	perRepeat               []float64
}

// perRepeat splits the out-of-fold outcomes of every repeat (each holds
// every question once, in crossValidate's order) and returns each
// repeat's objective at tau and gap.
func perRepeat(oof []outcome, tau, gap float64) []float64 {
	n := len(oof) / *cvRepeats
	out := make([]float64, *cvRepeats)
	for r := range out {
		out[r] = objective(oof[r*n:(r+1)*n], tau, gap)
	}
	return out
}

// choosePenalty returns the largest penalty whose objective is within one
// standard error of the best one's (the one-standard-error rule, Hastie,
// Tibshirani and Friedman, The Elements of Statistical Learning, §7.10),
// and the chosen one's standard error: of the mean over repeats of the
// difference between its objective and the best's, paired by repeat.
// Each penalty is judged by its own, so a noisy one widens no other's
// margin. The penalties from 0.01 to 1 lie within
// 0.002 of one another while a repeat's objective varies by 0.014 (the
// paired difference by 0.012, a standard error of about 0.003 over 20
// repeats), so picking the bare maximum picked by the fold draw, and any
// change to the features could move the model to another penalty and
// threshold (session 24). Among penalties as good as the best, the one
// that shrinks most is preferred.
func choosePenalty(runs []penaltyRun) (penaltyRun, float64) {
	best := runs[0]
	for _, r := range runs {
		if r.score > best.score {
			best = r
		}
	}
	chosen, se := best, 0.0
	for _, r := range runs {
		if rse := pairedSE(r.perRepeat, best.perRepeat); r.lambda > chosen.lambda && r.score >= best.score-rse {
			chosen, se = r, rse
		}
	}
	return chosen, se
}

// pairedSE is the standard error of the mean of a[i]-b[i].
func pairedSE(a, b []float64) float64 {
	n := float64(len(a))
	if n < 2 {
		return 0
	}
	var mean, ss float64
	for i := range a {
		mean += a[i] - b[i]
	}
	mean /= n
	for i := range a {
		d := a[i] - b[i] - mean
		ss += d * d
	}
	return math.Sqrt(ss / (n - 1) / n)
}

// TestFitModel chooses the ranking penalty and the abstention threshold by
// cross-validation grouped by family on the dev split, fits the weights on
// all of dev, and checks model.json holds that fit. With -fit it rewrites
// model.json:
//
//	go test ./retrieval -run TestFitModel -fit -v
func TestFitModel(t *testing.T) {
	e := shippedEngine(t)
	qs := fitData(t, e, casesIn(loadEval(t), splitDev))
	var runs []penaltyRun
	for _, lambda := range penalties {
		oof := crossValidate(qs, lambda, &leftOut{})
		tau, gap, s := bestThreshold(oof)
		ans, abst := shares(oof, tau, gap)
		t.Logf("ranking L2 %-4g cross-validated objective %.3f (%.3f answered + %.3f abstained) at threshold %.2f, support gap %.2f; best passage supports %.3f of answerable questions",
			lambda, s, ans, abst, tau, gap, topShare(oof))
		runs = append(runs, penaltyRun{lambda: lambda, tau: tau, gap: gap, score: s, perRepeat: perRepeat(oof, tau, gap)})
	}
	chosen, se := choosePenalty(runs)
	bestLambda, bestScore, bestTau, bestGap := chosen.lambda, chosen.score, chosen.tau, chosen.gap
	t.Logf("chosen: L2 %g, the largest penalty within one standard error (its own, %.4f) of the best", bestLambda, se)
	if *ablate {
		backwardElimination(t, qs, bestLambda)
	}
	if *ablateAnswer {
		answerElimination(t, qs, bestLambda)
	}
	w, a := fitBoth(qs, bestLambda, &leftOut{})
	m := model{Rank: map[string]float64{}, Answer: map[string]float64{}, Threshold: round(bestTau, 2), SupportGap: bestGap,
		Fitted: fmt.Sprintf("ranking: softmax over candidates, L2 %g; answerability: logistic regression, L2 %g; threshold %.2f; support gap %.2f. Penalty, threshold and gap chosen by %d-fold cross-validation (repeated %d times) grouped by family on the dev split (objective %.3f = answered + abstained shares). Refit: go test ./retrieval -run TestFitModel -fit",
			bestLambda, float64(answerLambda), bestTau, bestGap, cvFolds, *cvRepeats, bestScore)}
	for i, name := range featureNames {
		m.Rank[name] = round(w[i], 3)
	}
	for i, name := range answerFeatureNames {
		m.Answer[name] = round(a[i], 3)
	}
	for _, n := range featureNames {
		t.Logf("  rank   %-18s %7.3f", n, m.Rank[n])
	}
	for _, n := range answerFeatureNames {
		t.Logf("  answer %-18s %7.3f", n, m.Answer[n])
	}
	if *fitModel {
		data, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("model.json", append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := loadModel(modelJSON)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range featureNames {
		if math.Abs(got.rank[i]-m.Rank[name]) > 0.01 {
			t.Errorf("model.json ranking weight %q = %.3f, a fresh fit gives %.3f: rerun with -fit", name, got.rank[i], m.Rank[name])
		}
	}
	for i, name := range answerFeatureNames {
		if math.Abs(got.answer[i]-m.Answer[name]) > 0.01 {
			t.Errorf("model.json answerability weight %q = %.3f, a fresh fit gives %.3f: rerun with -fit", name, got.answer[i], m.Answer[name])
		}
	}
	if got.SupportGap != m.SupportGap {
		t.Errorf("model.json support gap %.2f, a fresh fit gives %.2f: rerun with -fit", got.SupportGap, m.SupportGap)
	}
	if math.Abs(got.Threshold-m.Threshold) > 0.005 {
		t.Errorf("model.json threshold %.2f, a fresh fit gives %.2f: rerun with -fit", got.Threshold, m.Threshold)
	}
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

var (
	ablate       = flag.Bool("ablate", false, "with TestFitModel, run backward elimination of the ranking features")
	ablateAnswer = flag.Bool("ablate.answer", false, "with TestFitModel, run backward elimination of the answerability features")
)

// backwardElimination drops, one at a time, the ranking feature whose
// absence scores best in cross-validation, while that is no worse than
// keeping it: a feature whose removal does not lower the figure has not
// earned its place. A ranking feature left out ranks nothing, but the
// answerability features and rules that read it still see it (leftOut),
// as they would if it were taken out of the ranking model and kept for
// them. TestFitModel runs it when asked (it takes minutes):
//
//	go test ./retrieval -run TestFitModel -ablate -v
func backwardElimination(t *testing.T, qs []fitQuestion, lambda float64) {
	eliminate(t, qs, lambda, featureNames[:], func(d *leftOut, f int) *bool { return &d.rank[f] })
}

// answerElimination is backwardElimination for the answerability
// features (the bias stays), with the ranking features as they are:
//
//	go test ./retrieval -run TestFitModel -ablate.answer -v
func answerElimination(t *testing.T, qs []fitQuestion, lambda float64) {
	eliminate(t, qs, lambda, answerFeatureNames[:], func(d *leftOut, f int) *bool { return &d.answer[f] })
}

// eliminate runs backward elimination over the features named names
// (the first, the bias, stays); out says where a leftOut marks feature f.
func eliminate(t *testing.T, qs []fitQuestion, lambda float64, names []string, out func(d *leftOut, f int) *bool) {
	var drop leftOut
	_, _, base := bestThreshold(crossValidate(qs, lambda, &drop))
	t.Logf("all features: %.3f (L2 %g)", base, lambda)
	for {
		best, bestScore := -1, -1.0
		for f := 1; f < len(names); f++ {
			if *out(&drop, f) {
				continue
			}
			try := drop
			*out(&try, f) = true
			_, _, s := bestThreshold(crossValidate(qs, lambda, &try))
			t.Logf("  without %-22s %.3f (%+.3f)", names[f], s, s-base)
			if s > bestScore {
				best, bestScore = f, s
			}
		}
		if best < 0 || bestScore < base {
			break
		}
		*out(&drop, best) = true
		base = bestScore
		t.Logf("removed %s: %.3f", names[best], base)
	}
}

// TestChoosePenalty checks the one-standard-error rule: the largest
// penalty within one paired standard error of the best, the best when no
// other comes near.
func TestChoosePenalty(t *testing.T) {
	noisy := func(base float64, noise ...float64) []float64 {
		out := make([]float64, len(noise))
		for i, n := range noise {
			out[i] = base + n
		}
		return out
	}
	jitter := []float64{0.01, -0.01, 0.02, -0.02, 0, 0.01, -0.01, 0}
	tests := []struct {
		name string
		runs []penaltyRun
		want float64
	}{
		{"a tie within the noise goes to the larger penalty", []penaltyRun{
			{lambda: 0.1, score: 1.345, perRepeat: noisy(1.345, jitter...)},
			{lambda: 1, score: 1.343, perRepeat: noisy(1.343, 0.03, -0.03, 0.01, -0.01, 0, 0.02, -0.02, 0)},
		}, 1},
		{"a clear loss keeps the best", []penaltyRun{
			{lambda: 0.1, score: 1.345, perRepeat: noisy(1.345, jitter...)},
			{lambda: 1, score: 1.300, perRepeat: noisy(1.300, jitter...)},
		}, 0.1},
		{"a noisy poor penalty widens no other's margin", []penaltyRun{
			{lambda: 0.1, score: 1.345, perRepeat: noisy(1.345, jitter...)},
			{lambda: 1, score: 1.320, perRepeat: noisy(1.320, jitter...)},
			{lambda: 3, score: 1.200, perRepeat: noisy(1.200, 0.3, -0.3, 0.2, -0.2, 0.1, -0.1, 0, 0)},
		}, 0.1},
		{"the best is the largest", []penaltyRun{
			{lambda: 0.1, score: 1.30, perRepeat: noisy(1.30, jitter...)},
			{lambda: 1, score: 1.35, perRepeat: noisy(1.35, jitter...)},
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := choosePenalty(tt.runs); got.lambda != tt.want {
				t.Errorf("chose L2 %g, want %g", got.lambda, tt.want)
			}
		})
	}
}
