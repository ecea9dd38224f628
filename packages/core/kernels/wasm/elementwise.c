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
#include "simd-math.h"

__attribute__((export_name("exp_f32"))) void exp_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; i += 4) wasm_v128_store(y + i, exp4(wasm_v128_load(x + i)));
}

__attribute__((export_name("erf_f32"))) void erf_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; i += 4) wasm_v128_store(y + i, erf4(wasm_v128_load(x + i)));
}

// GELU (exact, erf form, as torch.nn.GELU()): y = 0.5 x (1 + erf(x / sqrt 2)).
__attribute__((export_name("gelu_f32"))) void gelu_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; i += 4) {
    wasm_v128_store(y + i, gelu4(wasm_v128_load(x + i)));
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
