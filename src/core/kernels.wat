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
;; ---- Resampling for the event study (bootstrap.ts holds the readable definitions). ----
  ;; Random numbers are xoroshiro128+ as pure-rand computes it, its state (s01, s00, s11, s10,
  ;; pure-rand's order) read from the caller's four words at the start and written back at the end.

  ;; (2^32 - range) mod range: drawIndex's rejection threshold.
  (func $threshold (param $range i32) (result i64)
    (i64.rem_u (i64.sub (i64.const 4294967296) (i64.extend_i32_u (local.get $range))) (i64.extend_i32_u (local.get $range))))

  ;; bootstrap.ts clusterDraws: values (f64[n], in cluster order), bounds (i32[clusters + 1]),
  ;; sign (+1 or -1); working space sorted (f64[n]), order, place and counts (i32[n]) and same
  ;; (i32[clusters]); medians and shares (f64[resamples]) the draws.
  (func (export "clusterDraws") (param $values i32) (param $bounds i32) (param $sign f64) (param $sorted i32) (param $order i32) (param $place i32) (param $same i32) (param $counts i32)
      (param $n i32) (param $clusters i32) (param $resamples i32) (param $state i32) (param $medians i32) (param $shares i32)
    (local $b i32) (local $k i32) (local $c i32) (local $i i32) (local $from i32) (local $to i32) (local $total i32) (local $sameCount i32)
    (local $lowPlace i32) (local $seen i32) (local $low f64) (local $range i64) (local $limit i64) (local $slot i32) (local $value f64) (local $moving i32)
    (local $s0 i64) (local $s1 i64) (local $a i64) (local $out i32) (local $product i64)
    ;; State words s01, s00, s11, s10 (pure-rand's order): s0 = s01:s00, s1 = s11:s10.
    (local.set $s0 (i64.or (i64.shl (i64.extend_i32_u (i32.load (local.get $state))) (i64.const 32)) (i64.extend_i32_u (i32.load offset=4 (local.get $state)))))
    (local.set $s1 (i64.or (i64.shl (i64.extend_i32_u (i32.load offset=8 (local.get $state))) (i64.const 32)) (i64.extend_i32_u (i32.load offset=12 (local.get $state)))))
    ;; The values' order by an insertion sort of their indices (any order of equal values gives
    ;; the same medians), each value's place in it, and each cluster's count of values of the sign.
    (block $ordered (loop $insert
      (br_if $ordered (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $value (f64.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $k (local.get $i))
      (block $placed (loop $shift
        (br_if $placed (i32.le_s (local.get $k) (i32.const 0)))
        (local.set $moving (i32.load (i32.add (local.get $order) (i32.shl (i32.sub (local.get $k) (i32.const 1)) (i32.const 2)))))
        (br_if $placed (f64.le (f64.load (i32.add (local.get $values) (i32.shl (local.get $moving) (i32.const 3)))) (local.get $value)))
        (i32.store (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2))) (local.get $moving))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $shift)))
      (i32.store (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2))) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $insert)))
    (local.set $k (i32.const 0))
    (block $sortedAll (loop $toSorted
      (br_if $sortedAll (i32.ge_s (local.get $k) (local.get $n)))
      (local.set $i (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
      (f64.store (i32.add (local.get $sorted) (i32.shl (local.get $k) (i32.const 3))) (f64.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))))
      (i32.store (i32.add (local.get $place) (i32.shl (local.get $i) (i32.const 2))) (local.get $k))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $toSorted)))
    (local.set $c (i32.const 0))
    (block $countedAll (loop $eachCluster
      (br_if $countedAll (i32.ge_s (local.get $c) (local.get $clusters)))
      (local.set $sameCount (i32.const 0))
      (local.set $i (i32.load (i32.add (local.get $bounds) (i32.shl (local.get $c) (i32.const 2)))))
      (local.set $to (i32.load offset=4 (i32.add (local.get $bounds) (i32.shl (local.get $c) (i32.const 2)))))
      (block $counted (loop $eachValue
        (br_if $counted (i32.ge_s (local.get $i) (local.get $to)))
        (if (f64.gt (f64.mul (f64.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3)))) (local.get $sign)) (f64.const 0))
          (then (local.set $sameCount (i32.add (local.get $sameCount) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $eachValue)))
      (i32.store (i32.add (local.get $same) (i32.shl (local.get $c) (i32.const 2))) (local.get $sameCount))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $eachCluster)))
    (local.set $range (i64.extend_i32_u (local.get $clusters)))
    (local.set $limit (call $threshold (local.get $clusters)))
    (block $drawn
      (loop $draw
        (br_if $drawn (i32.ge_s (local.get $b) (local.get $resamples)))
        (local.set $i (i32.const 0))
        (block $cleared (loop $clear
          (br_if $cleared (i32.ge_s (local.get $i) (local.get $n)))
          (i32.store (i32.add (local.get $counts) (i32.shl (local.get $i) (i32.const 2))) (i32.const 0))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $clear)))
        (local.set $total (i32.const 0))
        (local.set $sameCount (i32.const 0))
        (local.set $k (i32.const 0))
        (block $picked (loop $pick
          (br_if $picked (i32.ge_s (local.get $k) (local.get $clusters)))
        ;; c = an index in [0, $range): pure-rand's XoroShiro128Plus.next() and bootstrap.ts's
        ;; drawIndex (Lemire's multiply-and-reject), written out here (a call per draw cost more
        ;; than the draw).
        (loop $again_c
          ;; xoroshiro128+ on 64-bit words (pure-rand computes the same on 32-bit halves): the
          ;; output is the low half of s0 + s1.
          (local.set $out (i32.wrap_i64 (i64.add (local.get $s0) (local.get $s1))))
          (local.set $a (i64.xor (local.get $s0) (local.get $s1)))
          (local.set $s0 (i64.xor (i64.xor (i64.rotl (local.get $s0) (i64.const 24)) (local.get $a)) (i64.shl (local.get $a) (i64.const 16))))
          (local.set $s1 (i64.rotl (local.get $a) (i64.const 37)))
          ;; In integers: the double product is exact (below 2^53), so its high and low 32 bits are
          ;; what drawIndex's floor(product / 2^32) and product - index * 2^32 compute.
          (local.set $product (i64.mul (i64.extend_i32_u (local.get $out)) (local.get $range)))
          (br_if $again_c (i64.lt_u (i64.and (local.get $product) (i64.const 0xffffffff)) (local.get $limit))))
        (local.set $c (i32.wrap_i64 (i64.shr_u (local.get $product) (i64.const 32))))
          (local.set $from (i32.load (i32.add (local.get $bounds) (i32.shl (local.get $c) (i32.const 2)))))
          (local.set $to (i32.load offset=4 (i32.add (local.get $bounds) (i32.shl (local.get $c) (i32.const 2)))))
          (local.set $i (local.get $from))
          (block $added (loop $add
            (br_if $added (i32.ge_s (local.get $i) (local.get $to)))
            (local.set $slot (i32.add (local.get $counts) (i32.shl (i32.load (i32.add (local.get $place) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 2))))
            (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $add)))
          (local.set $total (i32.add (local.get $total) (i32.sub (local.get $to) (local.get $from))))
          (local.set $sameCount (i32.add (local.get $sameCount) (i32.load (i32.add (local.get $same) (i32.shl (local.get $c) (i32.const 2))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $pick)))
        ;; The values at the pool's places (total - 1) >> 1 and total >> 1 in sorted order.
        (local.set $lowPlace (i32.shr_s (i32.sub (local.get $total) (i32.const 1)) (i32.const 1)))
        (local.set $k (i32.const 0))
        (local.set $seen (i32.load (local.get $counts)))
        (block $lowFound (loop $toLow
          (br_if $lowFound (i32.gt_s (local.get $seen) (local.get $lowPlace)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (local.set $seen (i32.add (local.get $seen) (i32.load (i32.add (local.get $counts) (i32.shl (local.get $k) (i32.const 2))))))
          (br $toLow)))
        (local.set $low (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $k) (i32.const 3)))))
        (block $highFound (loop $toHigh
          (br_if $highFound (i32.gt_s (local.get $seen) (i32.shr_s (local.get $total) (i32.const 1))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (local.set $seen (i32.add (local.get $seen) (i32.load (i32.add (local.get $counts) (i32.shl (local.get $k) (i32.const 2))))))
          (br $toHigh)))
        (f64.store (i32.add (local.get $medians) (i32.shl (local.get $b) (i32.const 3)))
          (f64.div (f64.add (local.get $low) (f64.load (i32.add (local.get $sorted) (i32.shl (local.get $k) (i32.const 3))))) (f64.const 2)))
        (f64.store (i32.add (local.get $shares) (i32.shl (local.get $b) (i32.const 3)))
          (f64.div (f64.convert_i32_s (local.get $sameCount)) (f64.convert_i32_s (local.get $total))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $draw)))
    (i32.store (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s0) (i64.const 32))))
    (i32.store offset=4 (local.get $state) (i32.wrap_i64 (local.get $s0)))
    (i32.store offset=8 (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s1) (i64.const 32))))
    (i32.store offset=12 (local.get $state) (i32.wrap_i64 (local.get $s1))))

  ;; bootstrap.ts blockBootstrapMeans of the shares of values (f64[n]) above and below zero:
  ;; sumsA and sumsB (i32[n + 1]) working space for their running counts, blocks of `length`
  ;; (at most n); outA and outB (f64[resamples]) each draw's two shares. The counts are whole
  ;; numbers, which the definition's doubles hold exactly: counted in integers, the same.
  (func (export "signBlockMeans") (param $values i32) (param $sumsA i32) (param $sumsB i32) (param $n i32) (param $length i32) (param $resamples i32)
      (param $state i32) (param $outA i32) (param $outB i32)
    (local $b i32) (local $laid i32) (local $start i32) (local $end i32) (local $take i32) (local $starts i32) (local $value f64)
    (local $totalA i32) (local $totalB i32) (local $range i64) (local $limit i64)
    (local $s0 i64) (local $s1 i64) (local $a i64) (local $out i32) (local $product i64)
    ;; State words s01, s00, s11, s10 (pure-rand's order): s0 = s01:s00, s1 = s11:s10.
    (local.set $s0 (i64.or (i64.shl (i64.extend_i32_u (i32.load (local.get $state))) (i64.const 32)) (i64.extend_i32_u (i32.load offset=4 (local.get $state)))))
    (local.set $s1 (i64.or (i64.shl (i64.extend_i32_u (i32.load offset=8 (local.get $state))) (i64.const 32)) (i64.extend_i32_u (i32.load offset=12 (local.get $state)))))
    ;; Running counts of the values above and below zero (bootstrap.ts runningSums of the 0/1 series).
    (i32.store (local.get $sumsA) (i32.const 0))
    (i32.store (local.get $sumsB) (i32.const 0))
    (block $summed (loop $sum
      (br_if $summed (i32.ge_s (local.get $start) (local.get $n)))
      (local.set $value (f64.load (i32.add (local.get $values) (i32.shl (local.get $start) (i32.const 3)))))
      (local.set $end (i32.shl (local.get $start) (i32.const 2)))
      (i32.store offset=4 (i32.add (local.get $sumsA) (local.get $end))
        (i32.add (i32.load (i32.add (local.get $sumsA) (local.get $end))) (f64.gt (local.get $value) (f64.const 0))))
      (i32.store offset=4 (i32.add (local.get $sumsB) (local.get $end))
        (i32.add (i32.load (i32.add (local.get $sumsB) (local.get $end))) (f64.lt (local.get $value) (f64.const 0))))
      (local.set $start (i32.add (local.get $start) (i32.const 1)))
      (br $sum)))
    (local.set $starts (i32.add (i32.sub (local.get $n) (local.get $length)) (i32.const 1)))
    (local.set $range (i64.extend_i32_u (local.get $starts)))
    (local.set $limit (call $threshold (local.get $starts)))
    (block $drawn
      (loop $draw
        (br_if $drawn (i32.ge_s (local.get $b) (local.get $resamples)))
        (local.set $totalA (i32.const 0))
        (local.set $totalB (i32.const 0))
        (local.set $laid (i32.const 0))
        (block $laidAll (loop $lay
          (br_if $laidAll (i32.ge_s (local.get $laid) (local.get $n)))
        ;; start = an index in [0, $range): pure-rand's XoroShiro128Plus.next() and bootstrap.ts's
        ;; drawIndex (Lemire's multiply-and-reject), written out here (a call per draw cost more
        ;; than the draw).
        (loop $again_start
          ;; xoroshiro128+ on 64-bit words (pure-rand computes the same on 32-bit halves): the
          ;; output is the low half of s0 + s1.
          (local.set $out (i32.wrap_i64 (i64.add (local.get $s0) (local.get $s1))))
          (local.set $a (i64.xor (local.get $s0) (local.get $s1)))
          (local.set $s0 (i64.xor (i64.xor (i64.rotl (local.get $s0) (i64.const 24)) (local.get $a)) (i64.shl (local.get $a) (i64.const 16))))
          (local.set $s1 (i64.rotl (local.get $a) (i64.const 37)))
          ;; In integers: the double product is exact (below 2^53), so its high and low 32 bits are
          ;; what drawIndex's floor(product / 2^32) and product - index * 2^32 compute.
          (local.set $product (i64.mul (i64.extend_i32_u (local.get $out)) (local.get $range)))
          (br_if $again_start (i64.lt_u (i64.and (local.get $product) (i64.const 0xffffffff)) (local.get $limit))))
        (local.set $start (i32.wrap_i64 (i64.shr_u (local.get $product) (i64.const 32))))
          (local.set $take (i32.sub (local.get $n) (local.get $laid)))
          (local.set $take (select (local.get $length) (local.get $take) (i32.lt_s (local.get $length) (local.get $take))))
          (local.set $end (i32.add (local.get $start) (local.get $take)))
          (local.set $totalA (i32.add (local.get $totalA) (i32.sub
            (i32.load (i32.add (local.get $sumsA) (i32.shl (local.get $end) (i32.const 2))))
            (i32.load (i32.add (local.get $sumsA) (i32.shl (local.get $start) (i32.const 2)))))))
          (local.set $totalB (i32.add (local.get $totalB) (i32.sub
            (i32.load (i32.add (local.get $sumsB) (i32.shl (local.get $end) (i32.const 2))))
            (i32.load (i32.add (local.get $sumsB) (i32.shl (local.get $start) (i32.const 2)))))))
          (local.set $laid (i32.add (local.get $laid) (local.get $length)))
          (br $lay)))
        (f64.store (i32.add (local.get $outA) (i32.shl (local.get $b) (i32.const 3))) (f64.div (f64.convert_i32_s (local.get $totalA)) (f64.convert_i32_s (local.get $n))))
        (f64.store (i32.add (local.get $outB) (i32.shl (local.get $b) (i32.const 3))) (f64.div (f64.convert_i32_s (local.get $totalB)) (f64.convert_i32_s (local.get $n))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $draw)))
    (i32.store (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s0) (i64.const 32))))
    (i32.store offset=4 (local.get $state) (i32.wrap_i64 (local.get $s0)))
    (i32.store offset=8 (local.get $state) (i32.wrap_i64 (i64.shr_u (local.get $s1) (i64.const 32))))
    (i32.store offset=12 (local.get $state) (i32.wrap_i64 (local.get $s1))))

  ;; The k-th and (k + 1)-th smallest of values (f64[n]) (the k-th twice when k + 1 = n), for
  ;; bootstrap.ts's percentile intervals: the k + 2 smallest are kept sorted in `buffer` as the
  ;; values pass (most are larger than all kept and cost one comparison). With $sign -1 every
  ;; value is negated on reading, and so are the answers, which serves the upper tail from the
  ;; same few kept values (negation is exact).
  (func (export "orderPair") (param $values i32) (param $n i32) (param $k i32) (param $sign f64) (param $buffer i32) (result f64 f64)
    (local $keep i32) (local $count i32) (local $i i32) (local $j i32) (local $value f64) (local $slot i32)
    (local.set $keep (select (i32.add (local.get $k) (i32.const 2)) (local.get $n) (i32.lt_s (i32.add (local.get $k) (i32.const 2)) (local.get $n))))
    (block $done (loop $each
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $value (f64.mul (local.get $sign) (f64.load (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      ;; Full, and not below the largest kept: passed over.
      (br_if $each (i32.and (i32.ge_s (local.get $count) (local.get $keep))
        (f64.ge (local.get $value) (f64.load (i32.add (local.get $buffer) (i32.shl (i32.sub (local.get $keep) (i32.const 1)) (i32.const 3)))))))
      ;; Insert: shift the larger kept values up one place (the largest falls off when full).
      (local.set $j (select (i32.sub (local.get $keep) (i32.const 1)) (local.get $count) (i32.ge_s (local.get $count) (local.get $keep))))
      (block $placed (loop $shift
        (br_if $placed (i32.le_s (local.get $j) (i32.const 0)))
        (local.set $slot (i32.add (local.get $buffer) (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 3))))
        (br_if $placed (f64.le (f64.load (local.get $slot)) (local.get $value)))
        (f64.store offset=8 (local.get $slot) (f64.load (local.get $slot)))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $shift)))
      (f64.store (i32.add (local.get $buffer) (i32.shl (local.get $j) (i32.const 3))) (local.get $value))
      (if (i32.lt_s (local.get $count) (local.get $keep)) (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
      (br $each)))
    (f64.mul (local.get $sign) (f64.load (i32.add (local.get $buffer) (i32.shl (local.get $k) (i32.const 3)))))
    (f64.mul (local.get $sign) (f64.load (i32.add (local.get $buffer) (i32.shl
      (select (i32.add (local.get $k) (i32.const 1)) (local.get $k) (i32.lt_s (i32.add (local.get $k) (i32.const 1)) (local.get $n))) (i32.const 3))))))
)
