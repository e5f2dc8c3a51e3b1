package retrieval

import (
	"context"
	"os"
	"sort"
	"testing"
)

// evalWith runs the question set with tuning t and returns answerable
// accuracy and abstention accuracy.
func evalWith(tb testing.TB, e *Engine, cases []evalCase, t tuning) (float64, float64) {
	e.index.tune = t
	var ans, ansOK, un, unOK int
	for _, c := range cases {
		a, err := e.Answer(context.Background(), Request{Question: c.Q})
		if err != nil {
			tb.Fatal(err)
		}
		r := score(c, a)
		if c.Answerable {
			ans++
			if r.correct {
				ansOK++
			}
		} else {
			un++
			if r.correct {
				unOK++
			}
		}
	}
	return float64(ansOK) / float64(ans), float64(unOK) / float64(un)
}

// TestTune searches the ranking weights and thresholds. It is how
// defaultTuning was chosen: HANDOVER_TUNE=1 go test ./retrieval -run TestTune -v
func TestTune(t *testing.T) {
	if os.Getenv("HANDOVER_TUNE") == "" {
		t.Skip("set HANDOVER_TUNE=1 to search the tuning")
	}
	e := shippedEngine(t)
	cases := loadEval(t)
	type result struct {
		t        tuning
		acc, abs float64
	}
	var results []result
	for _, wCos := range []float64{0.3, 0.45, 0.6} {
		for _, wBM := range []float64{0, 0.15} {
			for _, bonus := range []float64{0.06, 0.12, 0.2} {
				for _, minSim := range []float64{0.25, 0.35, 0.45} {
					for _, altPow := range []float64{0.5, 1, 2} {
						for _, ctx := range []float64{0.5} {
							for _, minCov := range []float64{0.45, 0.55, 0.65, 0.75} {
								for _, minScore := range []float64{0.4, 0.5, 0.6} {
									tu := tuning{wCov: 0.5, wCos: wCos, wBM: wBM, bonus: bonus, minSim: minSim, altPow: altPow,
										ctxCredit: ctx, minCoverage: minCov, minScore: minScore}
									acc, abs := evalWith(t, e, cases, tu)
									results = append(results, result{tu, acc, abs})
								}
							}
						}
					}
				}
			}
		}
	}
	sort.Slice(results, func(i, j int) bool {
		return results[i].acc+results[i].abs > results[j].acc+results[j].abs
	})
	for _, r := range results[:15] {
		t.Logf("acc %.3f abs %.3f %+v", r.acc, r.abs, r.t)
	}
}
