// Multi-head self-attention, forward and without a mask, for the tfjs wasm backend (issue 13),
// WebAssembly SIMD128. No libc and no stack use beyond a 4-float tail buffer, as in batch-matmul.c.
//
// attention_f32: for batches [b0, b1) of qkv ([batch, tokens, 3 * heads * hd]: the fused q | k | v
// projection, each part [heads, hd] per token) and each head, out[b, :, head] = softmax(Q K^T *
// scale) V. It runs what the unfused ops run on a contiguous copy of the head's Q, K and V:
// batch_matmul(Q, K, transB), times scale, a softmax of each row, batch_matmul(weights, V); the
// products and the scale round as theirs, the softmax as its own: m = the row's maximum, e =
// e^(x - m) (exp4, the exp_f32 kernel's bits), y = e / (the sum of e: four lanes of every fourth
// element, then lane 0 + 1 + 2 + 3). tfjs's Softmax (XNNPACK) rounds otherwise in the last bits,
// and stays: it is 2x faster than this one alone. What the kernel saves is the head transposes,
// the [B * heads, tokens, tokens] scores in tfjs's memory and four kernel calls with their copies.
// Scratch per thread: attention_scratch_floats.
// Build: packages/core/scripts/build-wasm-kernels.sh
#include <wasm_simd128.h>
#include "simd-math.h"

void batch_matmul(const float *A, const float *B, float *C, float *scratch, int batch, int batchA,
                  int batchB, int M, int K, int N, int transA, int transB, int b0, int b1, int r0,
                  int r1, int c0, int c1, const float *bias, int gelu);

static int round4(int n) { return (n + 3) & ~3; }

static void softmax_row(const float *x, float *y, int n) {
  // The maximum (only a shift: any NaN reaches every output through the sum below). pmax is one
  // x86 instruction where f32x4.max costs V8 seven.
  float m = x[0];
  int j = 0;
  if (n >= 4) {
    v128_t mx = wasm_v128_load(x);
    for (j = 4; j + 4 <= n; j += 4) mx = wasm_f32x4_pmax(mx, wasm_v128_load(x + j));
    const float m01 = wasm_f32x4_extract_lane(mx, 0) > wasm_f32x4_extract_lane(mx, 1) ? wasm_f32x4_extract_lane(mx, 0) : wasm_f32x4_extract_lane(mx, 1);
    const float m23 = wasm_f32x4_extract_lane(mx, 2) > wasm_f32x4_extract_lane(mx, 3) ? wasm_f32x4_extract_lane(mx, 2) : wasm_f32x4_extract_lane(mx, 3);
    m = m01 > m23 ? m01 : m23;
  }
  for (; j < n; j++) m = x[j] > m ? x[j] : m;
  const v128_t mv = wasm_f32x4_splat(m);
  v128_t sum = wasm_f32x4_splat(0.0f);
  j = 0;
  for (; j + 4 <= n; j += 4) {
    const v128_t e = exp4(wasm_f32x4_sub(wasm_v128_load(x + j), mv));
    wasm_v128_store(y + j, e);
    sum = wasm_f32x4_add(sum, e);
  }
  if (j < n) {
    // The last partial vector: missing lanes are -inf, whose e^x is 0.
    float t[4];
    for (int l = 0; l < 4; l++) t[l] = j + l < n ? x[j + l] : -__builtin_inff();
    const v128_t e = exp4(wasm_f32x4_sub(wasm_v128_load(t), mv));
    wasm_v128_store(t, e);
    for (int l = 0; j + l < n; l++) y[j + l] = t[l];
    sum = wasm_f32x4_add(sum, e);
  }
  const float total = wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 1) +
                      wasm_f32x4_extract_lane(sum, 2) + wasm_f32x4_extract_lane(sum, 3);
  const v128_t tv = wasm_f32x4_splat(total);
  j = 0;
  for (; j + 4 <= n; j += 4) wasm_v128_store(y + j, wasm_f32x4_div(wasm_v128_load(y + j), tv));
  for (; j < n; j++) y[j] = y[j] / total;
}

// Floats of scratch attention_f32 needs per thread (16-byte aligned): the head's Q, K, V and
// output, the scores, and batch_matmul's scratch for the larger of its two products.
__attribute__((export_name("attention_scratch_floats"))) int attention_scratch_floats(int tokens, int hd) {
  const int kc = (tokens > hd ? tokens : hd) < 256 ? (tokens > hd ? tokens : hd) : 256;
  const int n = tokens > hd ? tokens : hd;
  return 4 * round4(tokens * hd) + round4(tokens * tokens) + kc * (((n + 7) & ~7) + 4) + 32;
}

__attribute__((export_name("attention_f32")))
void attention_f32(const float *qkv, float *out, float *scratch, int tokens, int heads, int hd, float scale, int b0, int b1) {
  const int d = heads * hd;
  const int row = 3 * d;
  const int th = round4(tokens * hd);
  float *q = scratch, *k = q + th, *v = k + th, *o = v + th, *s = o + th;
  float *mm = s + round4(tokens * tokens);
  const int nn = tokens * tokens;
  const v128_t sv = wasm_f32x4_splat(scale);
  for (int b = b0; b < b1; b++) {
    const float *x = qkv + b * tokens * row;
    float *y = out + b * tokens * d;
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < tokens; i++) {
        const float *r = x + i * row + h * hd;
        __builtin_memcpy(q + i * hd, r, hd * sizeof(float));
        __builtin_memcpy(k + i * hd, r + d, hd * sizeof(float));
        __builtin_memcpy(v + i * hd, r + 2 * d, hd * sizeof(float));
      }
      batch_matmul(q, k, s, mm, 1, 1, 1, tokens, hd, tokens, 0, 1, 0, 1, 0, tokens, 0, tokens, 0, 0);
      int j = 0;
      for (; j + 4 <= nn; j += 4) wasm_v128_store(s + j, wasm_f32x4_mul(wasm_v128_load(s + j), sv));
      for (; j < nn; j++) s[j] = s[j] * scale;
      for (int i = 0; i < tokens; i++) softmax_row(s + i * tokens, s + i * tokens, tokens);
      batch_matmul(s, v, o, mm, 1, 1, 1, tokens, tokens, hd, 0, 0, 0, 1, 0, tokens, 0, hd, 0, 0);
      for (int i = 0; i < tokens; i++) __builtin_memcpy(y + i * d + h * hd, o + i * hd, hd * sizeof(float));
    }
  }
}
