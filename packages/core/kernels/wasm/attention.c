// Multi-head self-attention without a mask, forward and gradient, for the tfjs wasm backend (issue 13),
// WebAssembly SIMD128. No libc and no stack use, as in batch-matmul.c (the two threads' instances
// share one memory and one stack pointer).
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
    // The last partial vector, in registers (a buffer would be on the stack, which the two threads'
    // instances share): missing lanes are -inf, whose e^x is 0.
    const float ninf = -__builtin_inff();
    const v128_t t = wasm_f32x4_make(x[j], j + 1 < n ? x[j + 1] : ninf, j + 2 < n ? x[j + 2] : ninf, ninf);
    const v128_t e = exp4(wasm_f32x4_sub(t, mv));
    y[j] = wasm_f32x4_extract_lane(e, 0);
    if (j + 1 < n) y[j + 1] = wasm_f32x4_extract_lane(e, 1);
    if (j + 2 < n) y[j + 2] = wasm_f32x4_extract_lane(e, 2);
    sum = wasm_f32x4_add(sum, e);
  }
  const float total = wasm_f32x4_extract_lane(sum, 0) + wasm_f32x4_extract_lane(sum, 1) +
                      wasm_f32x4_extract_lane(sum, 2) + wasm_f32x4_extract_lane(sum, 3);
  const v128_t tv = wasm_f32x4_splat(total);
  j = 0;
  for (; j + 4 <= n; j += 4) wasm_v128_store(y + j, wasm_f32x4_div(wasm_v128_load(y + j), tv));
  for (; j < n; j++) y[j] = y[j] / total;
}

// Floats of batch_matmul's scratch for any product of a head's [tokens, hd] and [tokens, tokens]
// matrices (its K and N at most max(tokens, hd)).
static int products_scratch_floats(int tokens, int hd) {
  const int n = tokens > hd ? tokens : hd;
  const int kc = n < 256 ? n : 256;
  return kc * (((n + 7) & ~7) + 4) + 32;
}

// Copies head h's [tokens, hd] part of each of q, k and v (x: one batch of qkv, rows of 3 * d) into
// contiguous q, k, v.
static void gather_head(const float *x, int tokens, int d, int hd, int h, float *q, float *k, float *v) {
  for (int i = 0; i < tokens; i++) {
    const float *r = x + i * 3 * d + h * hd;
    __builtin_memcpy(q + i * hd, r, hd * sizeof(float));
    __builtin_memcpy(k + i * hd, r + d, hd * sizeof(float));
    __builtin_memcpy(v + i * hd, r + 2 * d, hd * sizeof(float));
  }
}

// Floats of scratch attention_f32 needs per thread (16-byte aligned): the head's Q, K, V and
// output, the scores, and batch_matmul's scratch.
__attribute__((export_name("attention_scratch_floats"))) int attention_scratch_floats(int tokens, int hd) {
  return 4 * round4(tokens * hd) + round4(tokens * tokens) + products_scratch_floats(tokens, hd);
}

// weights: null, or [batch, heads, tokens, tokens] that receives each head's softmax weights (what
// attention_grad_f32 needs).
__attribute__((export_name("attention_f32")))
void attention_f32(const float *qkv, float *out, float *weights, float *scratch, int tokens, int heads, int hd, float scale, int b0, int b1) {
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
      gather_head(x, tokens, d, hd, h, q, k, v);
      batch_matmul(q, k, s, mm, 1, 1, 1, tokens, hd, tokens, 0, 1, 0, 1, 0, tokens, 0, tokens, 0, 0);
      int j = 0;
      for (; j + 4 <= nn; j += 4) wasm_v128_store(s + j, wasm_f32x4_mul(wasm_v128_load(s + j), sv));
      for (; j < nn; j++) s[j] = s[j] * scale;
      for (int i = 0; i < tokens; i++) softmax_row(s + i * tokens, s + i * tokens, tokens);
      if (weights) __builtin_memcpy(weights + (b * heads + h) * nn, s, nn * sizeof(float));
      batch_matmul(s, v, o, mm, 1, 1, 1, tokens, tokens, hd, 0, 0, 0, 1, 0, tokens, 0, hd, 0, 0);
      for (int i = 0; i < tokens; i++) __builtin_memcpy(y + i * d + h * hd, o + i * hd, hd * sizeof(float));
    }
  }
}

// The gradient of attention_f32 with respect to qkv, for batches [b0, b1): per head, with P its
// softmax weights (saved by the forward pass) and dO the head's part of dout ([batch, tokens,
// heads * hd]): dV = P^T dO, dP = dO V^T, dS = P * (dP - rowsum(dP * P)) * scale, dQ = dS K,
// dK = dS^T Q, written into dqkv ([batch, tokens, 3 * heads * hd], q | k | v). Scratch per thread:
// attention_grad_scratch_floats.
__attribute__((export_name("attention_grad_scratch_floats"))) int attention_grad_scratch_floats(int tokens, int hd) {
  return 7 * round4(tokens * hd) + round4(tokens * tokens) + products_scratch_floats(tokens, hd);
}

__attribute__((export_name("attention_grad_f32")))
void attention_grad_f32(const float *qkv, const float *weights, const float *dout, float *dqkv, float *scratch, int tokens, int heads, int hd, float scale, int b0, int b1) {
  const int d = heads * hd;
  const int row = 3 * d;
  const int th = round4(tokens * hd);
  const int nn = tokens * tokens;
  float *q = scratch, *k = q + th, *v = k + th, *dov = v + th, *dq = dov + th, *dk = dq + th, *dv = dk + th;
  float *ds = dv + th;
  float *mm = ds + round4(nn);
  for (int b = b0; b < b1; b++) {
    const float *x = qkv + b * tokens * row;
    const float *g = dout + b * tokens * d;
    float *dx = dqkv + b * tokens * row;
    for (int h = 0; h < heads; h++) {
      const float *p = weights + (b * heads + h) * nn;
      gather_head(x, tokens, d, hd, h, q, k, v);
      for (int i = 0; i < tokens; i++) __builtin_memcpy(dov + i * hd, g + i * d + h * hd, hd * sizeof(float));
      batch_matmul(p, dov, dv, mm, 1, 1, 1, tokens, tokens, hd, 1, 0, 0, 1, 0, tokens, 0, hd, 0, 0);
      batch_matmul(dov, v, ds, mm, 1, 1, 1, tokens, hd, tokens, 0, 1, 0, 1, 0, tokens, 0, tokens, 0, 0);
      for (int i = 0; i < tokens; i++) {
        const float *pr = p + i * tokens;
        float *dr = ds + i * tokens;
        float dot = 0.0f;
        for (int j = 0; j < tokens; j++) dot += dr[j] * pr[j];
        for (int j = 0; j < tokens; j++) dr[j] = pr[j] * (dr[j] - dot) * scale;
      }
      batch_matmul(ds, k, dq, mm, 1, 1, 1, tokens, tokens, hd, 0, 0, 0, 1, 0, tokens, 0, hd, 0, 0);
      batch_matmul(ds, q, dk, mm, 1, 1, 1, tokens, tokens, hd, 1, 0, 0, 1, 0, tokens, 0, hd, 0, 0);
      for (int i = 0; i < tokens; i++) {
        float *r = dx + i * row + h * hd;
        __builtin_memcpy(r, dq + i * hd, hd * sizeof(float));
        __builtin_memcpy(r + d, dk + i * hd, hd * sizeof(float));
        __builtin_memcpy(r + 2 * d, dv + i * hd, hd * sizeof(float));
      }
    }
  }
}
