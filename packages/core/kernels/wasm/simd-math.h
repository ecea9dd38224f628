// Vector math shared by the kernels (elementwise.c, batch-matmul.c, attention.c): e^x, erf and GELU of one
// f32x4, described in elementwise.c's header. Static inline: each object gets its own copy.
#ifndef JEPA_SIMD_MATH_H
#define JEPA_SIMD_MATH_H
#include <wasm_simd128.h>

// e^x of one vector (see the header). Clamps with pmin/pmax (one x86 instruction each; f32x4.min and
// .max must order NaN and -0, which costs V8 seven): NaN is restored at the end. n = round(x log2 e)
// comes from adding 1.5 * 2^23, which rounds to an integer (ties to even, as f32x4.nearest) and
// leaves it in the low bits (i32x4.trunc_sat_f32x4 is another long sequence in V8): 35 % faster
// than min/max/nearest/trunc_sat, the same bits.
static inline v128_t exp4(v128_t v) {
  const v128_t hi = wasm_f32x4_splat(88.7228317f);
  const v128_t lo = wasm_f32x4_splat(-87.3365479f);
  const v128_t magic = wasm_f32x4_splat(12582912.0f);
  const v128_t c = wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi);
  const v128_t t = wasm_f32x4_add(wasm_f32x4_mul(c, wasm_f32x4_splat(1.44269504088896341f)), magic);
  const v128_t fn = wasm_f32x4_sub(t, magic);
  v128_t r = wasm_f32x4_sub(c, wasm_f32x4_mul(fn, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(fn, wasm_f32x4_splat(-2.12194440e-4f)));
  const v128_t r2 = wasm_f32x4_mul(r, r);
  v128_t p = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(1.9875691500e-4f), r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, r2), r), wasm_f32x4_splat(1.0f));
  // 2^n for n in [-126, 128] (2^128 is not a float): multiply by 2^(n >> 1) and 2^(n - (n >> 1)).
  const v128_t n = wasm_i32x4_sub(t, magic);
  const v128_t half = wasm_i32x4_shr(n, 1);
  const v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(half, wasm_i32x4_splat(127)), 23);
  const v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_sub(n, half), wasm_i32x4_splat(127)), 23);
  v128_t out = wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2);
  out = wasm_v128_bitselect(wasm_f32x4_splat(__builtin_inff()), out, wasm_f32x4_gt(v, hi));
  out = wasm_v128_bitselect(wasm_f32x4_splat(0.0f), out, wasm_f32x4_lt(v, lo));
  // NaN in, NaN out (pmin/pmax above would have turned it into a bound).
  return wasm_v128_bitselect(v, out, wasm_f32x4_ne(v, v));
}

// erf of one vector (see the header); pmin/pmax as in exp4 (1.8x faster than min/max here).
static inline v128_t erf4(v128_t v) {
  const v128_t c = wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(-4.0f)), wasm_f32x4_splat(4.0f));
  const v128_t x2 = wasm_f32x4_mul(c, c);
  v128_t p = wasm_f32x4_add(wasm_f32x4_mul(x2, wasm_f32x4_splat(-2.72614225801306e-10f)), wasm_f32x4_splat(2.77068142495902e-08f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-2.10102402082508e-06f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-5.69250639462346e-05f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-7.34990630326855e-04f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-2.95459980854025e-03f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-1.60960333262415e-02f));
  p = wasm_f32x4_mul(p, c);
  v128_t q = wasm_f32x4_add(wasm_f32x4_mul(x2, wasm_f32x4_splat(-1.45660718464996e-05f)), wasm_f32x4_splat(-2.13374055278905e-04f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(-1.68282697438203e-03f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(-7.37332916720468e-03f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(-1.42647390514189e-02f));
  const v128_t out = wasm_f32x4_div(p, q);
  return wasm_v128_bitselect(v, out, wasm_f32x4_ne(v, v));
}

// GELU (exact, erf form, as torch.nn.GELU()): 0.5 x (1 + erf(x / sqrt 2)).
static inline v128_t gelu4(v128_t v) {
  const v128_t e = erf4(wasm_f32x4_mul(v, wasm_f32x4_splat(0.707106781186547524f)));
  return wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(0.5f), v), wasm_f32x4_add(wasm_f32x4_splat(1.0f), e));
}

#endif
