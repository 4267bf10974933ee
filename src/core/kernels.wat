;; The numeric loops of `check`, as WebAssembly (compiled by scripts/kernels.mjs at build time;
;; src/core/kernels.ts is their only caller and the owner of their definitions' documentation).
;;
;; Why: a `check` runs each of these loops over 6,000-8,000 days once per fund and pair, in a
;; fresh process. JavaScript runs them in V8's interpreter until they are optimised, boxing every
;; intermediate double on the heap (~11 of a 13 ms `check` computation were these loops and the
;; garbage collections they caused). WebAssembly runs them compiled from the first day.
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
)
