;; Assay's vector kernels: WebAssembly 128-bit SIMD (the fixed-width SIMD proposal, standard
;; since 2021: Chromium 91, Firefox 89, Safari 16.4, Node 16.4).
;; Assembled by `node scripts/build-kernel.mjs` (wabt) into kernel-wasm.ts; a unit test checks
;; that the committed bytes are this file's assembly.
;;
;; Memory is owned by the caller (src/lib/search/vector/kernel.ts lays it out). Every pointer
;; is a byte offset, 16-byte aligned; every row length ("bytes") is a multiple of 16 and rows
;; are zero-padded to it, so no loop has a scalar tail. Loads carry no alignment promise
;; (align=1 is always valid) — V8 emits the same unaligned-safe movups either way.
(module
  (memory (export "memory") 1)

  ;; Σ a[j]·b[j] over `bytes` bytes of f32. Four independent accumulators (64 bytes a step)
  ;; hide the add latency; the lanes are summed at the end, lane 0 first.
  (func $dot_f32 (param $a i32) (param $b i32) (param $bytes i32) (result f32)
    (local $j i32) (local $end i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $end (i32.and (local.get $bytes) (i32.const -64)))
    (block $done64
      (loop $step64
        (br_if $done64 (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $s0 (f32x4.add (local.get $s0)
          (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $j)))
                     (v128.load (i32.add (local.get $b) (local.get $j))))))
        (local.set $s1 (f32x4.add (local.get $s1)
          (f32x4.mul (v128.load offset=16 (i32.add (local.get $a) (local.get $j)))
                     (v128.load offset=16 (i32.add (local.get $b) (local.get $j))))))
        (local.set $s2 (f32x4.add (local.get $s2)
          (f32x4.mul (v128.load offset=32 (i32.add (local.get $a) (local.get $j)))
                     (v128.load offset=32 (i32.add (local.get $b) (local.get $j))))))
        (local.set $s3 (f32x4.add (local.get $s3)
          (f32x4.mul (v128.load offset=48 (i32.add (local.get $a) (local.get $j)))
                     (v128.load offset=48 (i32.add (local.get $b) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 64)))
        (br $step64)))
    (block $done16
      (loop $step16
        (br_if $done16 (i32.ge_u (local.get $j) (local.get $bytes)))
        (local.set $s0 (f32x4.add (local.get $s0)
          (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $j)))
                     (v128.load (i32.add (local.get $b) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $step16)))
    (local.set $s0 (f32x4.add (f32x4.add (local.get $s0) (local.get $s1))
                              (f32x4.add (local.get $s2) (local.get $s3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))

  ;; Σ a[j]·b[j] over `bytes` bytes of signed int8, exact in i32 (|a·b| ≤ 128² per pair, so
  ;; a row of up to 131,071 dims cannot overflow). i8×i8 → i16 products (extmul), pairwise
  ;; i16 → i32 sums (extadd), two accumulators.
  (func $dot_i8 (param $a i32) (param $b i32) (param $bytes i32) (result i32)
    (local $j i32) (local $va v128) (local $vb v128) (local $s0 v128) (local $s1 v128)
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $j) (local.get $bytes)))
        (local.set $va (v128.load (i32.add (local.get $a) (local.get $j))))
        (local.set $vb (v128.load (i32.add (local.get $b) (local.get $j))))
        (local.set $s0 (i32x4.add (local.get $s0)
          (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_low_i8x16_s (local.get $va) (local.get $vb)))))
        (local.set $s1 (i32x4.add (local.get $s1)
          (i32x4.extadd_pairwise_i16x8_s (i16x8.extmul_high_i8x16_s (local.get $va) (local.get $vb)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $step)))
    (local.set $s0 (i32x4.add (local.get $s0) (local.get $s1)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $s0)) (i32x4.extract_lane 1 (local.get $s0)))
      (i32.add (i32x4.extract_lane 2 (local.get $s0)) (i32x4.extract_lane 3 (local.get $s0)))))

  ;; out[i] = dot_f32(mat + i·bytes, q) for i in [0, n): f32 scores of a contiguous matrix.
  (func (export "scan_f32") (param $mat i32) (param $n i32) (param $bytes i32) (param $q i32) (param $out i32)
    (local $i i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (f32.store (local.get $out) (call $dot_f32 (local.get $mat) (local.get $q) (local.get $bytes)))
        (local.set $mat (i32.add (local.get $mat) (local.get $bytes)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; out[i] = f32(dot_i8(mat + i·bytes, q)) · scales[i]: int8 scores, each row dequantised by
  ;; its own scale (the query's scale is one constant factor and is left out).
  (func (export "scan_i8") (param $mat i32) (param $n i32) (param $bytes i32) (param $q i32) (param $scales i32) (param $out i32)
    (local $i i32)
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (f32.store (local.get $out)
          (f32.mul (f32.convert_i32_s (call $dot_i8 (local.get $mat) (local.get $q) (local.get $bytes)))
                   (f32.load (local.get $scales))))
        (local.set $mat (i32.add (local.get $mat) (local.get $bytes)))
        (local.set $scales (i32.add (local.get $scales) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; out[j] = dot_f32(mat + rows[j]·bytes, q) for j in [0, count): scores of chosen rows
  ;; (`rows` is an i32 array of row numbers) — graph search and exact rescoring.
  (func (export "gather_f32") (param $mat i32) (param $bytes i32) (param $rows i32) (param $count i32) (param $q i32) (param $out i32)
    (local $j i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (f32.store (local.get $out)
          (call $dot_f32
            (i32.add (local.get $mat) (i32.mul (i32.load (local.get $rows)) (local.get $bytes)))
            (local.get $q) (local.get $bytes)))
        (local.set $rows (i32.add (local.get $rows) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next))))

  ;; dot_f32 of two rows, for single comparisons (graph construction).
  (func (export "dot_f32") (param $a i32) (param $b i32) (param $bytes i32) (result f32)
    (call $dot_f32 (local.get $a) (local.get $b) (local.get $bytes)))

  ;; Σ of `bytes` bytes of f32 with the same four accumulators and loads as dot_f32 but no
  ;; multiply and no second operand: a read-only stream of the matrix, the benchmark's
  ;; memory-bandwidth floor for a scan. `bytes` must be a multiple of 64.
  (func (export "stream_f32") (param $a i32) (param $bytes i32) (result f32)
    (local $j i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $j) (local.get $bytes)))
        (local.set $s0 (f32x4.add (local.get $s0) (v128.load (i32.add (local.get $a) (local.get $j)))))
        (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (i32.add (local.get $a) (local.get $j)))))
        (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (i32.add (local.get $a) (local.get $j)))))
        (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (i32.add (local.get $a) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 64)))
        (br $step)))
    (local.set $s0 (f32x4.add (f32x4.add (local.get $s0) (local.get $s1))
                              (f32x4.add (local.get $s2) (local.get $s3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))
)
