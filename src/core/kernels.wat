;; The numeric loops over whole histories, as WebAssembly (compiled by scripts/kernels.mjs at
;; build time; src/core/kernels.ts is their only caller, surge.ts and pair-stats.ts document what
;; they compute).
;;
;; Why: a `check` runs each of these loops over 6,000-8,000 days once per fund and pair, in a
;; fresh process. JavaScript runs them in V8's interpreter until they are optimised, boxing every
;; intermediate double on the heap (~11 of a 13 ms `check` computation were these loops and the
;; garbage collections they caused). WebAssembly runs them compiled from the first day; the
;; ranking of every day for `episodes` also runs ~1.5x faster than optimised JavaScript.
;;
;; Every figure is the same IEEE-754 double arithmetic, in the same order, as the JavaScript it
;; replaced, so results are identical to the last bit (tests compare with JavaScript references).
;; Arrays are f64, passed as byte offsets into the imported memory.
(module
  ;; The caller's memory (see kernels.ts: it is replaced by a larger one, never grown).
  (import "env" "memory" (memory 1))

  ;; out[t - w] = (a[t] / a[t - w] - 1) - (b[t] / b[t - w] - 1), for t in [w, n).
  (func (export "surges") (param $a i32) (param $b i32) (param $n i32) (param $w i32) (param $out i32)
    (local $t i32) (local $back i32)
    (local.set $t (local.get $w))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $t) (local.get $n)))
        (local.set $back (i32.shl (i32.sub (local.get $t) (local.get $w)) (i32.const 3)))
        (f64.store
          (i32.add (local.get $out) (local.get $back))
          (f64.sub
            (f64.sub
              (f64.div
                (f64.load (i32.add (local.get $a) (i32.shl (local.get $t) (i32.const 3))))
                (f64.load (i32.add (local.get $a) (local.get $back))))
              (f64.const 1))
            (f64.sub
              (f64.div
                (f64.load (i32.add (local.get $b) (i32.shl (local.get $t) (i32.const 3))))
                (f64.load (i32.add (local.get $b) (local.get $back))))
              (f64.const 1))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $next))))

  ;; out[t - w] = c[t] / c[t - w] - 1, for t in [w, n).
  (func (export "returns") (param $c i32) (param $n i32) (param $w i32) (param $out i32)
    (local $t i32) (local $back i32)
    (local.set $t (local.get $w))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $t) (local.get $n)))
        (local.set $back (i32.shl (i32.sub (local.get $t) (local.get $w)) (i32.const 3)))
        (f64.store
          (i32.add (local.get $out) (local.get $back))
          (f64.sub
            (f64.div
              (f64.load (i32.add (local.get $c) (i32.shl (local.get $t) (i32.const 3))))
              (f64.load (i32.add (local.get $c) (local.get $back))))
            (f64.const 1)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $next))))

  ;; How many of v[0, index) are below v[index], and how many equal it.
  (func (export "rankCounts") (param $v i32) (param $index i32) (result i32 i32)
    (local $today f64) (local $value f64) (local $j i32) (local $below i32) (local $equal i32)
    (local.set $today (f64.load (i32.add (local.get $v) (i32.shl (local.get $index) (i32.const 3)))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $j) (local.get $index)))
        (local.set $value (f64.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3)))))
        (if (f64.lt (local.get $value) (local.get $today))
          (then (local.set $below (i32.add (local.get $below) (i32.const 1))))
          (else
            (if (f64.eq (local.get $value) (local.get $today))
              (then (local.set $equal (i32.add (local.get $equal) (i32.const 1)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (local.get $below)
    (local.get $equal))

  ;; The latest j < index whose v[j] is at least as extreme as v[index] in its direction (as high
  ;; for a value >= 0, as low otherwise); -1 when there is none.
  (func (export "largestSince") (param $v i32) (param $index i32) (result i32)
    (local $today f64) (local $value f64) (local $j i32)
    (local.set $today (f64.load (i32.add (local.get $v) (i32.shl (local.get $index) (i32.const 3)))))
    (local.set $j (i32.sub (local.get $index) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.lt_s (local.get $j) (i32.const 0)))
        (local.set $value (f64.load (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3)))))
        (if (f64.ge (local.get $today) (f64.const 0))
          (then (if (f64.ge (local.get $value) (local.get $today)) (then (return (local.get $j)))))
          (else (if (f64.le (local.get $value) (local.get $today)) (then (return (local.get $j))))))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $next)))
    (i32.const -1))

  ;; Mean and sample standard deviation of v[from, to): simple-statistics' mean (a Kahan-Babuska
  ;; compensated sum) and sampleStandardDeviation, operation for operation. NaN and 0 for an
  ;; empty window, a deviation of 0 for a single value.
  (func (export "windowStats") (param $v i32) (param $from i32) (param $to i32) (result f64 f64)
    (local $n i32) (local $i i32) (local $sum f64) (local $correction f64) (local $value f64)
    (local $transition f64) (local $mean f64) (local $squares f64) (local $difference f64)
    (local.set $n (i32.sub (local.get $to) (local.get $from)))
    (if (i32.lt_s (local.get $n) (i32.const 1)) (then (return (f64.const nan) (f64.const 0))))
    (local.set $sum (f64.load (i32.add (local.get $v) (i32.shl (local.get $from) (i32.const 3)))))
    (local.set $i (i32.add (local.get $from) (i32.const 1)))
    (block $summed
      (loop $next
        (br_if $summed (i32.ge_s (local.get $i) (local.get $to)))
        (local.set $value (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $transition (f64.add (local.get $sum) (local.get $value)))
        (if (f64.ge (f64.abs (local.get $sum)) (f64.abs (local.get $value)))
          (then (local.set $correction (f64.add (local.get $correction)
            (f64.add (f64.sub (local.get $sum) (local.get $transition)) (local.get $value)))))
          (else (local.set $correction (f64.add (local.get $correction)
            (f64.add (f64.sub (local.get $value) (local.get $transition)) (local.get $sum))))))
        (local.set $sum (local.get $transition))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $mean (f64.div (f64.add (local.get $sum) (local.get $correction)) (f64.convert_i32_s (local.get $n))))
    (if (i32.lt_s (local.get $n) (i32.const 2)) (then (return (local.get $mean) (f64.const 0))))
    (local.set $i (local.get $from))
    (block $squared
      (loop $next
        (br_if $squared (i32.ge_s (local.get $i) (local.get $to)))
        (local.set $difference (f64.sub (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3)))) (local.get $mean)))
        (local.set $squares (f64.add (local.get $squares) (f64.mul (local.get $difference) (local.get $difference))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $mean)
    (f64.sqrt (f64.div (local.get $squares) (f64.convert_i32_s (i32.sub (local.get $n) (i32.const 1))))))

  ;; The highest and lowest of a[t] / b[t] over [0, n) and where they were, ties going to the
  ;; latest day: peak, trough, peak index, trough index.
  (func (export "ratioExtremes") (param $a i32) (param $b i32) (param $n i32) (result f64 f64 i32 i32)
    (local $t i32) (local $ratio f64) (local $peak f64) (local $trough f64) (local $peakIndex i32) (local $troughIndex i32)
    (local.set $peak (f64.const -inf))
    (local.set $trough (f64.const inf))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $t) (local.get $n)))
        (local.set $ratio (f64.div
          (f64.load (i32.add (local.get $a) (i32.shl (local.get $t) (i32.const 3))))
          (f64.load (i32.add (local.get $b) (i32.shl (local.get $t) (i32.const 3))))))
        (if (f64.ge (local.get $ratio) (local.get $peak))
          (then (local.set $peak (local.get $ratio)) (local.set $peakIndex (local.get $t))))
        (if (f64.le (local.get $ratio) (local.get $trough))
          (then (local.set $trough (local.get $ratio)) (local.set $troughIndex (local.get $t))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $next)))
    (local.get $peak)
    (local.get $trough)
    (local.get $peakIndex)
    (local.get $troughIndex))

  ;; Each value's rank among all n of them: how many are strictly smaller (ties share a rank;
  ;; -0 equals 0), by an LSD radix sort of order-preserving 64-bit keys of the values' bits,
  ;; a byte a pass, skipping passes where every key has the same byte. Working space: keys (i64,
  ;; n), order and spare (i32, n each), counts (i32, 8 x 256); the ranks go to `ranks` (i32, n).
  (func (export "valueRanks") (param $v i32) (param $n i32) (param $keys i32) (param $order i32) (param $spare i32) (param $counts i32) (param $ranks i32)
    (local $i i32) (local $k i64) (local $pass i32) (local $base i32) (local $used i32) (local $digit i32)
    (local $start i32) (local $count i32) (local $shift i64) (local $index i32) (local $slot i32) (local $swap i32) (local $rank i32)
    ;; Keys: negatives have every bit flipped, positives the sign bit set (unsigned order = numeric order).
    (memory.fill (local.get $counts) (i32.const 0) (i32.const 8192))
    (block $keyed
      (loop $next
        (br_if $keyed (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $k (i64.reinterpret_f64 (f64.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 3))))))
        (if (i64.lt_s (local.get $k) (i64.const 0))
          (then (local.set $k (i64.xor (local.get $k) (i64.const -1))))
          (else (local.set $k (i64.or (local.get $k) (i64.const 0x8000000000000000)))))
        (i64.store (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 3))) (local.get $k))
        (i32.store (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
        ;; One histogram per byte, all counted in this one pass.
        (local.set $pass (i32.const 0))
        (block $counted
          (loop $byte
            (br_if $counted (i32.ge_s (local.get $pass) (i32.const 8)))
            (local.set $slot (i32.add (local.get $counts)
              (i32.shl (i32.add (i32.shl (local.get $pass) (i32.const 8))
                (i32.wrap_i64 (i64.and (i64.shr_u (local.get $k) (i64.extend_i32_u (i32.shl (local.get $pass) (i32.const 3)))) (i64.const 255))))
                (i32.const 2))))
            (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
            (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
            (br $byte)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $pass (i32.const 0))
    (block $sorted
      (loop $passes
        (br_if $sorted (i32.ge_s (local.get $pass) (i32.const 8)))
        (local.set $base (i32.add (local.get $counts) (i32.shl (i32.shl (local.get $pass) (i32.const 8)) (i32.const 2))))
        ;; A byte every key shares orders nothing: skip its pass.
        (local.set $used (i32.const 0))
        (local.set $digit (i32.const 0))
        (block $seen
          (loop $digits
            (br_if $seen (i32.ge_s (local.get $digit) (i32.const 256)))
            (if (i32.ne (i32.load (i32.add (local.get $base) (i32.shl (local.get $digit) (i32.const 2)))) (i32.const 0))
              (then (local.set $used (i32.add (local.get $used) (i32.const 1)))))
            (local.set $digit (i32.add (local.get $digit) (i32.const 1)))
            (br $digits)))
        (if (i32.gt_s (local.get $used) (i32.const 1))
          (then
            ;; Counts become starting positions.
            (local.set $start (i32.const 0))
            (local.set $digit (i32.const 0))
            (block $summed
              (loop $prefix
                (br_if $summed (i32.ge_s (local.get $digit) (i32.const 256)))
                (local.set $slot (i32.add (local.get $base) (i32.shl (local.get $digit) (i32.const 2))))
                (local.set $count (i32.load (local.get $slot)))
                (i32.store (local.get $slot) (local.get $start))
                (local.set $start (i32.add (local.get $start) (local.get $count)))
                (local.set $digit (i32.add (local.get $digit) (i32.const 1)))
                (br $prefix)))
            (local.set $shift (i64.extend_i32_u (i32.shl (local.get $pass) (i32.const 3))))
            (local.set $i (i32.const 0))
            (block $scattered
              (loop $scatter
                (br_if $scattered (i32.ge_s (local.get $i) (local.get $n)))
                (local.set $index (i32.load (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $slot (i32.add (local.get $base)
                  (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (i64.load (i32.add (local.get $keys) (i32.shl (local.get $index) (i32.const 3)))) (local.get $shift)) (i64.const 255))) (i32.const 2))))
                (i32.store (i32.add (local.get $spare) (i32.shl (i32.load (local.get $slot)) (i32.const 2))) (local.get $index))
                (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $scatter)))
            (local.set $swap (local.get $order))
            (local.set $order (local.get $spare))
            (local.set $spare (local.get $swap))))
        (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
        (br $passes)))
    ;; In sorted order, a value equal to the one before it shares that one's rank.
    (local.set $i (i32.const 0))
    (block $ranked
      (loop $next
        (br_if $ranked (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $index (i32.load (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.eqz (local.get $i))
          (then (local.set $rank (i32.const 0)))
          (else
            (if (f64.ne
                  (f64.load (i32.add (local.get $v) (i32.shl (local.get $index) (i32.const 3))))
                  (f64.load (i32.add (local.get $v) (i32.shl (i32.load (i32.add (local.get $order) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 2)))) (i32.const 3)))))
              (then (local.set $rank (local.get $i))))))
        (i32.store (i32.add (local.get $ranks) (i32.shl (local.get $index) (i32.const 2))) (local.get $rank))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Every day's point-in-time figures, each day against the days before it only (surge.ts,
  ;; rankSeries, says what they are): how many earlier days were below it and equal to it (-1
  ;; below before minObs days), the z-score against the
  ;; previous `lookback` values from running sums about the first value (NaN without spread),
  ;; and the latest earlier day at least as extreme (-1 for none), from two monotonic stacks.
  ;; `ranks` holds valueRanks of the values; equal, tree (n + 1), highs and lows are working space.
  (func (export "rankSeries") (param $v i32) (param $n i32) (param $minObs i32) (param $lookback i32)
    (param $ranks i32) (param $equal i32) (param $tree i32) (param $highs i32) (param $lows i32)
    (param $belowOut i32) (param $equalOut i32) (param $zScore i32) (param $largestSince i32)
    (local $t i32) (local $today f64) (local $rank i32) (local $highsTop i32) (local $lowsTop i32)
    (local $below i32) (local $i i32) (local $count i32) (local $variance f64) (local $deviation f64)
    (local $shift f64) (local $sum f64) (local $sumOfSquares f64) (local $centred f64) (local $leaving f64) (local $slot i32)
    (memory.fill (local.get $equal) (i32.const 0) (i32.shl (local.get $n) (i32.const 2)))
    (memory.fill (local.get $tree) (i32.const 0) (i32.shl (i32.add (local.get $n) (i32.const 1)) (i32.const 2)))
    (if (i32.gt_s (local.get $n) (i32.const 0)) (then (local.set $shift (f64.load (local.get $v)))))
    (block $done
      (loop $day
        (br_if $done (i32.ge_s (local.get $t) (local.get $n)))
        (local.set $today (f64.load (i32.add (local.get $v) (i32.shl (local.get $t) (i32.const 3)))))
        (local.set $rank (i32.load (i32.add (local.get $ranks) (i32.shl (local.get $t) (i32.const 2)))))
        (i32.store (i32.add (local.get $belowOut) (i32.shl (local.get $t) (i32.const 2))) (i32.const -1))
        (f64.store (i32.add (local.get $zScore) (i32.shl (local.get $t) (i32.const 3))) (f64.const nan))
        (i32.store (i32.add (local.get $largestSince) (i32.shl (local.get $t) (i32.const 2))) (i32.const -1))
        (block $popped
          (loop $pop
            (br_if $popped (i32.eqz (local.get $highsTop)))
            (br_if $popped (i32.eqz (f64.lt
              (f64.load (i32.add (local.get $v) (i32.shl (i32.load (i32.add (local.get $highs) (i32.shl (i32.sub (local.get $highsTop) (i32.const 1)) (i32.const 2)))) (i32.const 3))))
              (local.get $today))))
            (local.set $highsTop (i32.sub (local.get $highsTop) (i32.const 1)))
            (br $pop)))
        (block $popped
          (loop $pop
            (br_if $popped (i32.eqz (local.get $lowsTop)))
            (br_if $popped (i32.eqz (f64.gt
              (f64.load (i32.add (local.get $v) (i32.shl (i32.load (i32.add (local.get $lows) (i32.shl (i32.sub (local.get $lowsTop) (i32.const 1)) (i32.const 2)))) (i32.const 3))))
              (local.get $today))))
            (local.set $lowsTop (i32.sub (local.get $lowsTop) (i32.const 1)))
            (br $pop)))
        (if (i32.ge_s (local.get $t) (local.get $minObs))
          (then
            (local.set $below (i32.const 0))
            (local.set $i (local.get $rank))
            (block $summed
              (loop $walk
                (br_if $summed (i32.le_s (local.get $i) (i32.const 0)))
                (local.set $below (i32.add (local.get $below) (i32.load (i32.add (local.get $tree) (i32.shl (local.get $i) (i32.const 2))))))
                (local.set $i (i32.sub (local.get $i) (i32.and (local.get $i) (i32.sub (i32.const 0) (local.get $i)))))
                (br $walk)))
            ;; The counts that surge.ts's midRankPercentile turns into the day's percentile.
            (i32.store (i32.add (local.get $belowOut) (i32.shl (local.get $t) (i32.const 2))) (local.get $below))
            (i32.store (i32.add (local.get $equalOut) (i32.shl (local.get $t) (i32.const 2)))
              (i32.load (i32.add (local.get $equal) (i32.shl (local.get $rank) (i32.const 2)))))
            (if (f64.ge (local.get $today) (f64.const 0))
              (then (if (i32.gt_s (local.get $highsTop) (i32.const 0))
                (then (i32.store (i32.add (local.get $largestSince) (i32.shl (local.get $t) (i32.const 2)))
                  (i32.load (i32.add (local.get $highs) (i32.shl (i32.sub (local.get $highsTop) (i32.const 1)) (i32.const 2))))))))
              (else (if (i32.gt_s (local.get $lowsTop) (i32.const 0))
                (then (i32.store (i32.add (local.get $largestSince) (i32.shl (local.get $t) (i32.const 2)))
                  (i32.load (i32.add (local.get $lows) (i32.shl (i32.sub (local.get $lowsTop) (i32.const 1)) (i32.const 2)))))))))
            (local.set $count (select (local.get $t) (local.get $lookback) (i32.lt_s (local.get $t) (local.get $lookback))))
            (if (i32.ge_s (local.get $count) (i32.const 2))
              (then
                (local.set $variance (f64.div
                  (f64.sub (local.get $sumOfSquares) (f64.div (f64.mul (local.get $sum) (local.get $sum)) (f64.convert_i32_s (local.get $count))))
                  (f64.convert_i32_s (i32.sub (local.get $count) (i32.const 1)))))
                (local.set $deviation (select (f64.sqrt (local.get $variance)) (f64.const 0) (f64.gt (local.get $variance) (f64.const 0))))
                (if (f64.gt (local.get $deviation) (f64.const 0))
                  (then (f64.store (i32.add (local.get $zScore) (i32.shl (local.get $t) (i32.const 3)))
                    (f64.div
                      (f64.sub (f64.sub (local.get $today) (local.get $shift)) (f64.div (local.get $sum) (f64.convert_i32_s (local.get $count))))
                      (local.get $deviation)))))))))
        ;; Today joins the earlier days.
        (local.set $i (i32.add (local.get $rank) (i32.const 1)))
        (block $added
          (loop $walk
            (br_if $added (i32.gt_s (local.get $i) (local.get $n)))
            (local.set $slot (i32.add (local.get $tree) (i32.shl (local.get $i) (i32.const 2))))
            (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.and (local.get $i) (i32.sub (i32.const 0) (local.get $i)))))
            (br $walk)))
        (local.set $slot (i32.add (local.get $equal) (i32.shl (local.get $rank) (i32.const 2))))
        (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
        (i32.store (i32.add (local.get $highs) (i32.shl (local.get $highsTop) (i32.const 2))) (local.get $t))
        (local.set $highsTop (i32.add (local.get $highsTop) (i32.const 1)))
        (i32.store (i32.add (local.get $lows) (i32.shl (local.get $lowsTop) (i32.const 2))) (local.get $t))
        (local.set $lowsTop (i32.add (local.get $lowsTop) (i32.const 1)))
        (local.set $centred (f64.sub (local.get $today) (local.get $shift)))
        (local.set $sum (f64.add (local.get $sum) (local.get $centred)))
        (local.set $sumOfSquares (f64.add (local.get $sumOfSquares) (f64.mul (local.get $centred) (local.get $centred))))
        (if (i32.ge_s (local.get $t) (local.get $lookback))
          (then
            (local.set $leaving (f64.sub (f64.load (i32.add (local.get $v) (i32.shl (i32.sub (local.get $t) (local.get $lookback)) (i32.const 3)))) (local.get $shift)))
            (local.set $sum (f64.sub (local.get $sum) (local.get $leaving)))
            (local.set $sumOfSquares (f64.sub (local.get $sumOfSquares) (f64.mul (local.get $leaving) (local.get $leaving))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $day))))
)
