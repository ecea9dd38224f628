// Batched float32 matrix product for the tfjs wasm backend (issue 13), WebAssembly SIMD128.
//
// C[b] = op(A[b % batchA]) x op(B[b % batchB]) (+ a bias row) for b < batch, op = identity or
// transpose, with A as [M, K] (or [K, M] when transA) and B as [K, N] (or [N, K] when transB),
// row-major.
// K is cut into blocks of KC; per block, B is packed into column panels of NR = 8 (zero padded)
// and A into row panels of MR = 4, and a 4x8 register tile (8 f32x4 accumulators) runs over the
// block, starting from the partial sums the previous block stored in C. Every output element
// therefore sums its K products in order k = 0..K-1, as a plain loop does.
//
// No libc and no stack use (the edge-tile buffer lives in the caller's scratch): the JS side owns
// the memory layout (see fast-kernels.ts), copies the operands in at offsets past heap_base(), and
// reads the result out. The same source is built twice: with its own memory (one thread), and with
// an imported shared memory (-matomics, --shared-memory) that a worker thread instantiates too;
// each thread then computes a range of batches, rows or columns (batch_matmul's last six
// arguments) with its own scratch. A range of output columns (c0, c1: multiples of 8) is what splits a product with
// few rows and many columns (weight gradients), since each thread then packs only its part of B.
// Which thread computes an element does not change how it is summed, so the
// two-thread result equals the one-thread one bit for bit.
// Build: packages/core/scripts/build-wasm-kernels.sh
#include <wasm_simd128.h>
#include "simd-math.h"

#define MR 4
#define NR 8
// Depth of a block of K: a packed A panel (4 x KC) and one B panel (KC x 8) stay in L1.
#define KC 256
// Floats of packed B per column block (192 KiB).
#define PANEL_BLOCK_FLOATS 49152

extern unsigned char __heap_base;

__attribute__((export_name("heap_base"))) unsigned heap_base(void) { return (unsigned)&__heap_base; }

// Packs op(B) rows [k0, k0 + kc) and column panels [p0, p1) into pb: panel p at (p - p0) * kc * NR.
static void pack_b(const float *B, float *pb, int K, int N, int transB, int k0, int kc, int p0, int p1) {
  for (int p = p0; p < p1; p++) {
    const int j0 = p * NR;
    const int nc = N - j0 < NR ? N - j0 : NR;
    float *dst = pb + (p - p0) * kc * NR;
    if (!transB) {
      if (nc == NR) {
        for (int k = 0; k < kc; k++) {
          const float *src = B + (k0 + k) * N + j0;
          wasm_v128_store(dst + k * NR, wasm_v128_load(src));
          wasm_v128_store(dst + k * NR + 4, wasm_v128_load(src + 4));
        }
      } else {
        for (int k = 0; k < kc; k++) {
          const float *src = B + (k0 + k) * N + j0;
          for (int j = 0; j < NR; j++) dst[k * NR + j] = j < nc ? src[j] : 0.0f;
        }
      }
    } else {
      // b(k, j) = B[j * K + k]: read each of the nc rows of B sequentially.
      for (int j = 0; j < NR; j++) {
        if (j < nc) {
          const float *src = B + (j0 + j) * K + k0;
          for (int k = 0; k < kc; k++) dst[k * NR + j] = src[k];
        } else {
          for (int k = 0; k < kc; k++) dst[k * NR + j] = 0.0f;
        }
      }
    }
  }
}

// Packs op(A) rows [i0, i0 + mr) and depths [k0, k0 + kc) into pa (kc x MR, zero padded).
static void pack_a(const float *A, float *pa, int i0, int mr, int M, int K, int transA, int k0, int kc) {
  if (!transA) {
    if (mr == MR) {
      // Four rows at a time, four depths per step: a 4x4 transpose in registers (V8 lowers these
      // shuffles to unpcklps/unpckhps/movlhps/movhlps), where scalar moves cost ~10 % of a product.
      const float *s0 = A + i0 * K + k0;
      const float *s1 = s0 + K, *s2 = s1 + K, *s3 = s2 + K;
      int k = 0;
      for (; k + 4 <= kc; k += 4) {
        const v128_t r0 = wasm_v128_load(s0 + k), r1 = wasm_v128_load(s1 + k);
        const v128_t r2 = wasm_v128_load(s2 + k), r3 = wasm_v128_load(s3 + k);
        const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        const v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        wasm_v128_store(pa + k * MR, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
        wasm_v128_store(pa + (k + 1) * MR, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
        wasm_v128_store(pa + (k + 2) * MR, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
        wasm_v128_store(pa + (k + 3) * MR, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
      }
      for (; k < kc; k++) {
        pa[k * MR] = s0[k];
        pa[k * MR + 1] = s1[k];
        pa[k * MR + 2] = s2[k];
        pa[k * MR + 3] = s3[k];
      }
      return;
    }
    for (int i = 0; i < MR; i++) {
      if (i < mr) {
        const float *src = A + (i0 + i) * K + k0;
        for (int k = 0; k < kc; k++) pa[k * MR + i] = src[k];
      } else {
        for (int k = 0; k < kc; k++) pa[k * MR + i] = 0.0f;
      }
    }
  } else {
    if (mr == MR) {
      for (int k = 0; k < kc; k++) wasm_v128_store(pa + k * MR, wasm_v128_load(A + (k0 + k) * M + i0));
    } else {
      for (int k = 0; k < kc; k++) {
        const float *src = A + (k0 + k) * M + i0;
        for (int i = 0; i < MR; i++) pa[k * MR + i] = i < mr ? src[i] : 0.0f;
      }
    }
  }
}

#define FMA(c, a, b) c = wasm_f32x4_add(c, wasm_f32x4_mul(a, b))

// C[0:mr, 0:nc] (row stride ldc) = (first ? 0 : C) + the products of one K block (+ bias[0:8] on
// every row when bias is not null, then GELU when gelu is set: the last block of a product with a
// bias or an activation); t is a 32-float edge buffer for partial tiles.
static void tile_4x8(const float *pa, const float *pb, int kc, float *C, int ldc, int mr, int nc, int first, float *t, const float *bias, int gelu) {
  const int full = mr == MR && nc == NR;
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (first) {
    c00 = wasm_f32x4_splat(0.0f);
    c01 = c10 = c11 = c20 = c21 = c30 = c31 = c00;
  } else {
    const float *s = C;
    int ld = ldc;
    if (!full) {
      for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) t[i * NR + j] = i < mr && j < nc ? C[i * ldc + j] : 0.0f;
      s = t;
      ld = NR;
    }
    c00 = wasm_v128_load(s);
    c01 = wasm_v128_load(s + 4);
    c10 = wasm_v128_load(s + ld);
    c11 = wasm_v128_load(s + ld + 4);
    c20 = wasm_v128_load(s + 2 * ld);
    c21 = wasm_v128_load(s + 2 * ld + 4);
    c30 = wasm_v128_load(s + 3 * ld);
    c31 = wasm_v128_load(s + 3 * ld + 4);
  }
  for (int k = 0; k < kc; k++) {
    const v128_t b0 = wasm_v128_load(pb + k * NR);
    const v128_t b1 = wasm_v128_load(pb + k * NR + 4);
    const float *a = pa + k * MR;
    v128_t a0 = wasm_v128_load32_splat(a);
    v128_t a1 = wasm_v128_load32_splat(a + 1);
    FMA(c00, a0, b0);
    FMA(c01, a0, b1);
    FMA(c10, a1, b0);
    FMA(c11, a1, b1);
    v128_t a2 = wasm_v128_load32_splat(a + 2);
    v128_t a3 = wasm_v128_load32_splat(a + 3);
    FMA(c20, a2, b0);
    FMA(c21, a2, b1);
    FMA(c30, a3, b0);
    FMA(c31, a3, b1);
  }
  if (bias) {
    // After the whole sum, as a separate addition after the product would be: the same bits.
    const v128_t b0 = wasm_v128_load(bias);
    const v128_t b1 = wasm_v128_load(bias + 4);
    c00 = wasm_f32x4_add(c00, b0);
    c01 = wasm_f32x4_add(c01, b1);
    c10 = wasm_f32x4_add(c10, b0);
    c11 = wasm_f32x4_add(c11, b1);
    c20 = wasm_f32x4_add(c20, b0);
    c21 = wasm_f32x4_add(c21, b1);
    c30 = wasm_f32x4_add(c30, b0);
    c31 = wasm_f32x4_add(c31, b1);
  }
  if (gelu) {
    c00 = gelu4(c00);
    c01 = gelu4(c01);
    c10 = gelu4(c10);
    c11 = gelu4(c11);
    c20 = gelu4(c20);
    c21 = gelu4(c21);
    c30 = gelu4(c30);
    c31 = gelu4(c31);
  }
  if (full) {
    wasm_v128_store(C, c00);
    wasm_v128_store(C + 4, c01);
    wasm_v128_store(C + ldc, c10);
    wasm_v128_store(C + ldc + 4, c11);
    wasm_v128_store(C + 2 * ldc, c20);
    wasm_v128_store(C + 2 * ldc + 4, c21);
    wasm_v128_store(C + 3 * ldc, c30);
    wasm_v128_store(C + 3 * ldc + 4, c31);
    return;
  }
  wasm_v128_store(t, c00);
  wasm_v128_store(t + 4, c01);
  wasm_v128_store(t + 8, c10);
  wasm_v128_store(t + 12, c11);
  wasm_v128_store(t + 16, c20);
  wasm_v128_store(t + 20, c21);
  wasm_v128_store(t + 24, c30);
  wasm_v128_store(t + 28, c31);
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nc; j++) C[i * ldc + j] = t[i * NR + j];
}

// Computes batches [b0, b1) and, in each, output rows [r0, r1) (r0 a multiple of 4) and columns
// [c0, c1) (c0 a multiple of 8). Scratch (16-byte aligned) needs KC * roundUp(N, 8) + KC * 4 + 32
// floats (packed B, one packed A panel, an edge tile); KC = min(K, 256). bias (null for none, else
// N floats zero padded to a multiple of 8, 16-byte aligned) is added to every row of the result,
// then GELU applied to it when gelu is set (gelu4: the bits of the gelu_f32 kernel).
__attribute__((export_name("batch_matmul")))
void batch_matmul(const float *A, const float *B, float *C, float *scratch, int batch, int batchA,
                  int batchB, int M, int K, int N, int transA, int transB, int b0, int b1, int r0,
                  int r1, int c0, int c1, const float *bias, int gelu) {
  const int kcMax = K < KC ? K : KC;
  const int q0 = c0 / NR;
  const int q1 = (c1 + NR - 1) / NR;
  float *pb = scratch;
  float *pa = scratch + kcMax * (q1 - q0) * NR;
  float *edge = pa + kcMax * MR;
  // Column blocks of packed B that stay in a 512 KiB L2 (with room to spare) while all row
  // panels pass over them; one block when B is small.
  const int pblk = kcMax * NR >= PANEL_BLOCK_FLOATS ? 1 : PANEL_BLOCK_FLOATS / (kcMax * NR);
  // With one block of K and of columns, the packed B of one batch serves the next batches that
  // share it (a broadcast B).
  const int reuse = K <= KC && q1 - q0 <= pblk;
  int packedB = -1;
  (void)batch;
  for (int b = b0; b < b1; b++) {
    const int ib = b % batchB;
    const float *bm = B + ib * K * N;
    const float *a = A + (b % batchA) * M * K;
    float *c = C + b * M * N;
    for (int k0 = 0; k0 < K; k0 += KC) {
      const int kc = K - k0 < KC ? K - k0 : KC;
      for (int p0 = q0; p0 < q1; p0 += pblk) {
        const int p1 = p0 + pblk < q1 ? p0 + pblk : q1;
        if (!reuse || ib != packedB) pack_b(bm, pb, K, N, transB, k0, kc, p0, p1);
        packedB = ib;
        for (int i0 = r0; i0 < r1; i0 += MR) {
          const int mr = r1 - i0 < MR ? r1 - i0 : MR;
          pack_a(a, pa, i0, mr, M, K, transA, k0, kc);
          for (int p = p0; p < p1; p++) {
            const int j0 = p * NR;
            const int nc = N - j0 < NR ? N - j0 : NR;
            tile_4x8(pa, pb + (p - p0) * kc * NR, kc, c + i0 * N + j0, N, mr, nc, k0 == 0, edge, bias && k0 + kc == K ? bias + j0 : 0, gelu && k0 + kc == K);
          }
        }
      }
    }
  }
}
