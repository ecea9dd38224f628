// Element-wise and reduction kernels for the tfjs wasm backend (issue 13), WebAssembly SIMD128.
// exp_f32 and erf_f32 read and write whole vectors: the caller pads x and y to a multiple of 4
// floats (fast-kernels.ts does). No stack use, as in batch-matmul.c.
//
// The stock wasm Exp and Erf call the C library's scalar expf/erff (2-3 ns an element here), and the
// stock Sum over leading axes (a bias gradient: [rows, cols] -> [cols]) transposes its input first.
// - exp_f32: e^x by range reduction (x = n ln2 + r, |r| <= ln2/2, ln2 split in two for exactness)
//   and a degree-6 polynomial for e^r, scaled by 2^n through the exponent bits; within 2 ulp of
//   the correctly rounded result for x in [-87.3, 88.7], 0 below, +inf above, NaN for NaN.
// - erf_f32: the odd rational approximation x P(x^2) / Q(x^2) on x clamped to [-4, 4] (erf(4) is
//   1 in float32), as used by Eigen and XLA: absolute error up to 4.2e-7 near |x| = 3.3 (7 ulp of
//   1; the C library's erff: 5e-8), measured in simd-kernels.test.ts.
// - gelu_f32 and gelu_grad_f32: exact GELU and its gradient (times dy) from the two above, one pass.
// - sum_leading_f32: y[c] = sum over r of x[r * cols + c], each column summed in order r = 0..rows-1
//   (what the stock transpose-then-sum computes), four columns a vector.
// Build: packages/core/scripts/build-wasm-kernels.sh
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

__attribute__((export_name("exp_f32"))) void exp_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; i += 4) wasm_v128_store(y + i, exp4(wasm_v128_load(x + i)));
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

__attribute__((export_name("erf_f32"))) void erf_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; i += 4) wasm_v128_store(y + i, erf4(wasm_v128_load(x + i)));
}

// GELU (exact, erf form, as torch.nn.GELU()): y = 0.5 x (1 + erf(x / sqrt 2)).
__attribute__((export_name("gelu_f32"))) void gelu_f32(const float *x, float *y, int n) {
  const v128_t half = wasm_f32x4_splat(0.5f), one = wasm_f32x4_splat(1.0f), rs2 = wasm_f32x4_splat(0.707106781186547524f);
  for (int i = 0; i < n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_mul(half, v), wasm_f32x4_add(one, erf4(wasm_f32x4_mul(v, rs2)))));
  }
}

// GELU's gradient times dy: dx = dy (0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi)).
__attribute__((export_name("gelu_grad_f32"))) void gelu_grad_f32(const float *x, const float *dy, float *dx, int n) {
  const v128_t half = wasm_f32x4_splat(0.5f), one = wasm_f32x4_splat(1.0f), rs2 = wasm_f32x4_splat(0.707106781186547524f);
  const v128_t nhalf = wasm_f32x4_splat(-0.5f), rs2pi = wasm_f32x4_splat(0.398942280401432678f);
  for (int i = 0; i < n; i += 4) {
    const v128_t v = wasm_v128_load(x + i);
    const v128_t cdf = wasm_f32x4_mul(half, wasm_f32x4_add(one, erf4(wasm_f32x4_mul(v, rs2))));
    const v128_t pdf = wasm_f32x4_mul(exp4(wasm_f32x4_mul(nhalf, wasm_f32x4_mul(v, v))), rs2pi);
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), wasm_f32x4_add(cdf, wasm_f32x4_mul(v, pdf))));
  }
}

__attribute__((export_name("sum_leading_f32"))) void sum_leading_f32(const float *x, float *y, int rows, int cols) {
  int c = 0;
  for (; c + 4 <= cols; c += 4) {
    v128_t s = wasm_f32x4_splat(0.0f);
    for (int r = 0; r < rows; r++) s = wasm_f32x4_add(s, wasm_v128_load(x + r * cols + c));
    wasm_v128_store(y + c, s);
  }
  for (; c < cols; c++) {
    float s = 0.0f;
    for (int r = 0; r < rows; r++) s += x[r * cols + c];
    y[c] = s;
  }
}
