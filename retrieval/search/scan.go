package search

import (
	"math"
	"runtime"
	"slices"
	"sync"
)

// scanIndex answers exact nearest-neighbour queries over vectors by
// scanning compact copies of them. chromem-go's exhaustive query reads
// every float32 of every vector (1.4 KB a passage here, 142 MB a query at
// 100,000 passages) one product at a time; this reads one byte per value,
// only for the dimensions the query uses, eight values per 64-bit multiply,
// and then rescores the best with the float32 vectors. The result is the
// same as an exhaustive float32 search: every quantised score carries a
// proven error bound, and every row the bound cannot rule out is rescored.
//
// Layout: rows are quantised per row to int8 (scale = max|v|/127) and
// stored biased to bytes 1..255, in blocks of 64 rows. Within a block each
// dimension is one 64-byte cache line: eight uint64 words of eight rows.
//
// A scanIndex is read-only after newScanIndex and safe for concurrent use.
type scanIndex struct {
	n, dim int
	blocks []uint64 // [block][dim][8]uint64, one byte per row
	scale  []float32
	// qnorm is each quantised row's L2 norm and qerr the L2 norm of its
	// quantisation error (the row minus the quantised row); they bound
	// how far a quantised score can be from the exact one.
	qnorm, qerr       []float32
	maxQnorm, maxQerr float32
	vecs              [][]float32 // the exact rows, for rescoring
	maxNorm           float64     // the largest row norm, for rounding bounds
	workers           int         // goroutines per search
}

const (
	scanBlock = 64 // rows per block: eight words of eight bytes
	// A query is quantised to weights of at most scanQueryMax, so that
	// scanGroup columns' products (each at most 255·scanQueryMax) add up
	// in a 16-bit lane before it is widened: 8·255·31 < 2¹⁶. Coarser
	// weights mean a looser bound and more rows rescored; finer ones mean
	// fewer columns per widening. 31 and 8 measured fastest.
	scanQueryMax = 31
	scanGroup    = 8
	// scanParallelMin is the fewest rows worth a second goroutine: below
	// it, starting one costs more than it saves.
	scanParallelMin = 16 * 1024
	// scanSlack: k·scanSlack rows are rescored exactly before the bound
	// is checked.
	scanSlack = 3
)

// newScanIndex quantises vecs, which must all have the same length. It
// keeps vecs for rescoring; they must not change afterwards.
func newScanIndex(vecs [][]float32) *scanIndex {
	s := &scanIndex{n: len(vecs), vecs: vecs, workers: runtime.GOMAXPROCS(0)}
	if s.n == 0 {
		return s
	}
	s.dim = len(vecs[0])
	nb := (s.n + scanBlock - 1) / scanBlock
	s.blocks = make([]uint64, nb*s.dim*8)
	s.scale = make([]float32, s.n)
	s.qnorm = make([]float32, s.n)
	s.qerr = make([]float32, s.n)
	Parallel(nb, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			s.quantiseBlock(b)
		}
	})
	for i, v := range vecs {
		s.maxQnorm = max(s.maxQnorm, s.qnorm[i])
		s.maxQerr = max(s.maxQerr, s.qerr[i])
		s.maxNorm = max(s.maxNorm, float64(norm(v)))
	}
	return s
}

// quantiseBlock fills block b. Rows past the end stay zero bytes; no
// result is read back from them.
func (s *scanIndex) quantiseBlock(b int) {
	blk := s.blocks[b*s.dim*8 : (b+1)*s.dim*8]
	for r := range scanBlock {
		i := b*scanBlock + r
		if i >= s.n {
			break
		}
		v := s.vecs[i]
		var m float32
		for _, x := range v {
			m = max(m, float32(math.Abs(float64(x))))
		}
		sc := m / 127
		var qn, qe float64
		word, shift := r/8, uint(r%8)*8
		for j, x := range v {
			q := 0
			if sc > 0 {
				q = min(127, max(-127, int(math.Round(float64(x/sc)))))
			}
			deq := float64(sc) * float64(q)
			qn += deq * deq
			qe += (float64(x) - deq) * (float64(x) - deq)
			blk[j*8+word] |= uint64(q+128) << shift
		}
		s.scale[i] = sc
		s.qnorm[i] = float32(math.Sqrt(qn))
		s.qerr[i] = float32(math.Sqrt(qe))
	}
}

// scanColumn is one dimension the query uses: its weight's magnitude
// (1..scanQueryMax) and, for a negative weight, a mask that flips the
// stored bytes (b → 255-b) so that every product is added.
type scanColumn struct {
	off  int // j*8 within a block
	w    uint64
	flip uint64
}

// scanQuery is a query quantised for the scan.
type scanQuery struct {
	cols []scanColumn // a multiple of scanGroup: zero-weight columns pad
	// bias is what the byte bias and the flips add to every row's sum:
	// 128·w for a positive column, 127·w for a negative one.
	bias  int64
	scale float32
	// norm is the query's L2 norm and err the L2 norm of its
	// quantisation error.
	norm, err float64
}

func quantiseQuery(q []float32) scanQuery {
	var m float32
	var norm float64
	for _, x := range q {
		m = max(m, float32(math.Abs(float64(x))))
		norm += float64(x) * float64(x)
	}
	sq := scanQuery{scale: m / scanQueryMax, norm: math.Sqrt(norm)}
	var qe float64
	for j, x := range q {
		v := 0
		if m > 0 {
			v = min(scanQueryMax, max(-scanQueryMax, int(math.Round(float64(x/sq.scale)))))
		}
		d := float64(x) - float64(sq.scale)*float64(v)
		qe += d * d
		switch {
		case v > 0:
			sq.cols = append(sq.cols, scanColumn{off: j * 8, w: uint64(v)})
			sq.bias += 128 * int64(v)
		case v < 0:
			sq.cols = append(sq.cols, scanColumn{off: j * 8, w: uint64(-v), flip: ^uint64(0)})
			sq.bias += 127 * int64(-v)
		}
	}
	sq.err = math.Sqrt(qe)
	for len(sq.cols)%scanGroup != 0 {
		sq.cols = append(sq.cols, scanColumn{})
	}
	return sq
}

const (
	lanes16 = 0x00FF00FF00FF00FF // bytes 0,2,4,6 as 16-bit lanes
	lanes32 = 0x0000FFFF0000FFFF // 16-bit lanes 0,2 as 32-bit lanes
)

// scanBlockSums adds up the quantised products of the 64 rows of blk with
// the query: sums[r] for row r. Each 64-bit multiply scales four bytes
// held in 16-bit lanes; a group of eight columns adds up in those lanes
// before they are widened into 32-bit lanes, which hold any sum
// (dim·255·31 < 2³² for dim < 543,000). The group is unrolled by hand:
// Go does not vectorise, and this halves the time of a plain loop.
func scanBlockSums(blk []uint64, cols []scanColumn, sums *[scanBlock]int64) {
	for t := range 8 {
		var a0, a1, a2, a3 uint64
		for g := 0; g+scanGroup <= len(cols); g += scanGroup {
			c := (*[scanGroup]scanColumn)(cols[g : g+scanGroup])
			x0 := blk[c[0].off+t] ^ c[0].flip
			x1 := blk[c[1].off+t] ^ c[1].flip
			x2 := blk[c[2].off+t] ^ c[2].flip
			x3 := blk[c[3].off+t] ^ c[3].flip
			even := (x0&lanes16)*c[0].w + (x1&lanes16)*c[1].w + (x2&lanes16)*c[2].w + (x3&lanes16)*c[3].w
			odd := (x0>>8&lanes16)*c[0].w + (x1>>8&lanes16)*c[1].w + (x2>>8&lanes16)*c[2].w + (x3>>8&lanes16)*c[3].w
			x0 = blk[c[4].off+t] ^ c[4].flip
			x1 = blk[c[5].off+t] ^ c[5].flip
			x2 = blk[c[6].off+t] ^ c[6].flip
			x3 = blk[c[7].off+t] ^ c[7].flip
			even += (x0&lanes16)*c[4].w + (x1&lanes16)*c[5].w + (x2&lanes16)*c[6].w + (x3&lanes16)*c[7].w
			odd += (x0>>8&lanes16)*c[4].w + (x1>>8&lanes16)*c[5].w + (x2>>8&lanes16)*c[6].w + (x3>>8&lanes16)*c[7].w
			a0 += even & lanes32
			a1 += even >> 16 & lanes32
			a2 += odd & lanes32
			a3 += odd >> 16 & lanes32
		}
		// Row 8t+k is byte k of word t: even bytes went to a0 (rows 0
		// and 4 in its low and high halves) and a1 (2, 6); odd bytes to
		// a2 (1, 5) and a3 (3, 7).
		s := (*[8]int64)(sums[8*t : 8*t+8])
		s[0], s[4] = int64(a0&0xFFFFFFFF), int64(a0>>32)
		s[2], s[6] = int64(a1&0xFFFFFFFF), int64(a1>>32)
		s[1], s[5] = int64(a2&0xFFFFFFFF), int64(a2>>32)
		s[3], s[7] = int64(a3&0xFFFFFFFF), int64(a3>>32)
	}
}

// errBound bounds |exact − quantised| for a row: with q = q̂ + d and
// v = v̂ + e, q·v − q̂·v̂ = q·e + d·v̂, and Cauchy–Schwarz bounds each term by
// the product of norms. slack covers float32 rounding.
func (sq *scanQuery) errBound(qnorm, qerr float32, slack float64) float64 {
	return sq.norm*float64(qerr) + sq.err*float64(qnorm) + slack
}

// roundingBound bounds how far a float32 dot product of q with a row is
// from the real one: n·2⁻²⁴·Σ|qᵢvᵢ| to first order, doubled, with
// Σ|qᵢvᵢ| ≤ ‖q‖·‖v‖.
func (s *scanIndex) roundingBound(qnorm float64) float64 {
	return 2 * float64(s.dim+4) * 0x1p-24 * qnorm * s.maxNorm
}

// rescore sets each row's score to its dot product with q summed exactly
// as chromem-go sums it, term by term into one float32, so that scores
// equal its own. One sum waits on every addition; four rows at a time
// run four sums side by side, about four times as fast.
func (s *scanIndex) rescore(q []float32, rows []Hit) {
	for ; len(rows) >= 4; rows = rows[4:] {
		a := s.vecs[rows[0].Pos][:len(q)]
		b := s.vecs[rows[1].Pos][:len(q)]
		c := s.vecs[rows[2].Pos][:len(q)]
		d := s.vecs[rows[3].Pos][:len(q)]
		var sa, sb, sc, sd float32
		for i, x := range q {
			sa += x * a[i]
			sb += x * b[i]
			sc += x * c[i]
			sd += x * d[i]
		}
		rows[0].Score, rows[1].Score, rows[2].Score, rows[3].Score = float64(sa), float64(sb), float64(sc), float64(sd)
	}
	for j := range rows {
		v := s.vecs[rows[j].Pos][:len(q)]
		var sum float32
		for i, x := range q {
			sum += x * v[i]
		}
		rows[j].Score = float64(sum)
	}
}

// topK keeps the best scored rows seen, the worst on top: a binary heap
// on a slice. (container/heap would box every pushed value.)
type topK []Hit

// worse reports whether a ranks below b: a lower score, or the same score
// and a later position.
func worse(a, b Hit) bool {
	return a.Score < b.Score || a.Score == b.Score && a.Pos > b.Pos
}

// offer keeps c if it is among the best m seen.
func (h *topK) offer(c Hit, m int) {
	t := *h
	if len(t) < m {
		t = append(t, c)
		for i := len(t) - 1; i > 0; {
			p := (i - 1) / 2
			if !worse(t[i], t[p]) {
				break
			}
			t[i], t[p] = t[p], t[i]
			i = p
		}
		*h = t
		return
	}
	if !worse(t[0], c) {
		return
	}
	t[0] = c
	for i := 0; ; {
		l, r, least := 2*i+1, 2*i+2, i
		if l < len(t) && worse(t[l], t[least]) {
			least = l
		}
		if r < len(t) && worse(t[r], t[least]) {
			least = r
		}
		if least == i {
			return
		}
		t[i], t[least] = t[least], t[i]
		i = least
	}
}

// sorted returns the rows best first.
func (h topK) sorted() []Hit {
	slices.SortFunc(h, func(a, b Hit) int {
		switch {
		case worse(b, a):
			return -1
		case worse(a, b):
			return 1
		}
		return 0
	})
	return h
}

// search returns the k rows with the highest dot product with q, best
// first, ties broken by position: exactly the rows and float32 scores of
// an exhaustive chromem-go query on the same vectors.
//
// It works in three stages, each bounded so that nothing is lost:
//  1. the quantised score of every row, and the k·scanSlack best;
//  2. the float32 scores of those, and the k-th best of them;
//  3. the float32 score of every other row whose quantised score plus its
//     error bound could still reach that k-th: typically a few hundred.
func (s *scanIndex) search(q []float32, k int) []Hit {
	k = min(k, s.n)
	if k <= 0 {
		return nil
	}
	m := k * scanSlack
	if s.n <= m {
		// Too few rows to be worth the quantised scan.
		rows := make([]Hit, s.n)
		for i := range rows {
			rows[i].Pos = i
		}
		s.rescore(q, rows)
		return best(rows, k)
	}
	sq := quantiseQuery(q)
	approx := make([]float32, s.n)

	// Stage 1, split among the workers by blocks.
	nb := (s.n + scanBlock - 1) / scanBlock
	workers := 1
	if s.n >= scanParallelMin {
		workers = min(s.workers, nb)
	}
	tops := make([]topK, workers)
	inParallel(workers, func(w int) {
		var sums [scanBlock]int64
		top := make(topK, 0, m)
		for b := w * nb / workers; b < (w+1)*nb/workers; b++ {
			scanBlockSums(s.blocks[b*s.dim*8:(b+1)*s.dim*8], sq.cols, &sums)
			rows := min(scanBlock, s.n-b*scanBlock)
			for r, sum := range sums[:rows] {
				i := b*scanBlock + r
				a := s.scale[i] * sq.scale * float32(sum-sq.bias)
				approx[i] = a
				if c := (Hit{Pos: i, Score: float64(a)}); len(top) < m || worse(top[0], c) {
					top.offer(c, m)
				}
			}
		}
		tops[w] = top
	})
	cands := tops[0]
	for _, t := range tops[1:] {
		for _, c := range t {
			cands.offer(c, m)
		}
	}

	// Stage 2. A rescored row's quantised score becomes -Inf so that
	// stage 3 passes it over.
	rows := []Hit(cands)
	floor := math.Inf(1) // the lowest quantised score rescored
	for _, c := range rows {
		approx[c.Pos] = float32(math.Inf(-1))
		floor = min(floor, c.Score)
	}
	s.rescore(q, rows)
	kth := best(rows, k)[k-1].Score

	// Stage 3. A row left out scores at most its quantised score plus its
	// bound (plus float32 rounding in both sums).
	slack := s.roundingBound(sq.norm) + 1e-6
	if maxErr := sq.errBound(s.maxQnorm, s.maxQerr, slack); floor+maxErr >= kth {
		cut := float32(kth - maxErr)
		more := make([][]Hit, workers)
		inParallel(workers, func(w int) {
			var mine []Hit
			for i := w * s.n / workers; i < (w+1)*s.n/workers; i++ {
				if a := approx[i]; a >= cut && float64(a)+sq.errBound(s.qnorm[i], s.qerr[i], slack) >= kth {
					mine = append(mine, Hit{Pos: i})
				}
			}
			s.rescore(q, mine)
			more[w] = mine
		})
		for _, r := range more {
			rows = append(rows, r...)
		}
	}
	return best(rows, k)
}

// best returns the k best of rows, best first.
func best(rows []Hit, k int) []Hit {
	top := make(topK, 0, k)
	for _, r := range rows {
		top.offer(r, k)
	}
	return top.sorted()
}

// inParallel calls fn(0), ..., fn(workers-1) at once, fn(0) on the calling
// goroutine, and waits for them all.
func inParallel(workers int, fn func(w int)) {
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w)
		}()
	}
	fn(0)
	wg.Wait()
}

// Parallel splits [0, n) into one contiguous chunk per P, calls fn on each
// chunk in its own goroutine and waits. Index builds use it for the work
// that is independent passage by passage, here and in retrieval's
// passage facts.
func Parallel(n int, fn func(lo, hi int)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), n))
	inParallel(workers, func(w int) { fn(w*n/workers, (w+1)*n/workers) })
}
