// Batched float32 matrix product for the tfjs wasm backend (issue 13), WebAssembly SIMD128.
//
// C[b] = op(A[b % batchA]) x op(B[b % batchB]) for b < batch, op = identity or transpose, with
// A as [M, K] (or [K, M] when transA) and B as [K, N] (or [N, K] when transB), row-major.
// B is packed per batch into column panels of NR = 8 (zero padded), A into row panels of MR = 4;
// a 4x8 register tile (8 f32x4 accumulators) runs over K. Every output element sums its K
// products in order k = 0..K-1, as a plain loop does.
//
// No libc and no stack use (the edge-tile buffer lives in the caller's scratch): the JS side owns
// the memory layout (see fast-kernels.ts), copies the operands in at offsets past heap_base(), and
// reads the result out. The same source is built twice: with its own memory (one thread), and with
// an imported shared memory (-matomics, --shared-memory) that a worker thread instantiates too;
// each thread then computes a range of batches and rows (batch_matmul's last four arguments) with
// its own scratch. Which thread computes an element does not change how it is summed, so the
// two-thread result equals the one-thread one bit for bit.
// Build: packages/core/scripts/build-wasm-kernels.sh
#include <wasm_simd128.h>

#define MR 4
#define NR 8
// Floats of packed B per column block (192 KiB).
#define PANEL_BLOCK_FLOATS 49152

extern unsigned char __heap_base;

__attribute__((export_name("heap_base"))) unsigned heap_base(void) { return (unsigned)&__heap_base; }

static void pack_b(const float *B, float *pb, int K, int N, int transB) {
  const int np = (N + NR - 1) / NR;
  for (int p = 0; p < np; p++) {
    const int j0 = p * NR;
    const int nc = N - j0 < NR ? N - j0 : NR;
    float *dst = pb + p * K * NR;
    if (!transB) {
      if (nc == NR) {
        for (int k = 0; k < K; k++) {
          const float *src = B + k * N + j0;
          wasm_v128_store(dst + k * NR, wasm_v128_load(src));
          wasm_v128_store(dst + k * NR + 4, wasm_v128_load(src + 4));
        }
      } else {
        for (int k = 0; k < K; k++) {
          const float *src = B + k * N + j0;
          for (int j = 0; j < NR; j++) dst[k * NR + j] = j < nc ? src[j] : 0.0f;
        }
      }
    } else {
      // b(k, j) = B[j * K + k]: read each of the nc rows of B sequentially.
      for (int j = 0; j < NR; j++) {
        if (j < nc) {
          const float *src = B + (j0 + j) * K;
          for (int k = 0; k < K; k++) dst[k * NR + j] = src[k];
        } else {
          for (int k = 0; k < K; k++) dst[k * NR + j] = 0.0f;
        }
      }
    }
  }
}

static void pack_a(const float *A, float *pa, int i0, int mr, int M, int K, int transA) {
  if (!transA) {
    for (int i = 0; i < MR; i++) {
      if (i < mr) {
        const float *src = A + (i0 + i) * K;
        for (int k = 0; k < K; k++) pa[k * MR + i] = src[k];
      } else {
        for (int k = 0; k < K; k++) pa[k * MR + i] = 0.0f;
      }
    }
  } else {
    if (mr == MR) {
      for (int k = 0; k < K; k++) wasm_v128_store(pa + k * MR, wasm_v128_load(A + k * M + i0));
    } else {
      for (int k = 0; k < K; k++) {
        const float *src = A + k * M + i0;
        for (int i = 0; i < MR; i++) pa[k * MR + i] = i < mr ? src[i] : 0.0f;
      }
    }
  }
}

#define FMA(c, a, b) c = wasm_f32x4_add(c, wasm_f32x4_mul(a, b))

static void tile_4x8(const float *pa, const float *pb, int K, float *C, int ldc, int mr, int nc, float *t) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < K; k++) {
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
  if (mr == MR && nc == NR) {
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

// Computes batches [b0, b1) and, in each, output rows [r0, r1) (r0 a multiple of 4).
// Scratch (16-byte aligned) needs K * roundUp(N, 8) + K * 4 + 32 floats (packed B, one packed A
// panel, an edge tile).
__attribute__((export_name("batch_matmul")))
void batch_matmul(const float *A, const float *B, float *C, float *scratch, int batch, int batchA,
                  int batchB, int M, int K, int N, int transA, int transB, int b0, int b1, int r0,
                  int r1) {
  const int np = (N + NR - 1) / NR;
  float *pb = scratch;
  float *pa = scratch + K * np * NR;
  float *edge = pa + K * MR;
  const int pblk = K * NR >= PANEL_BLOCK_FLOATS ? 1 : PANEL_BLOCK_FLOATS / (K * NR);
  int packedB = -1;
  (void)batch;
  for (int b = b0; b < b1; b++) {
    const int ib = b % batchB;
    if (ib != packedB) {
      pack_b(B + ib * K * N, pb, K, N, transB);
      packedB = ib;
    }
    const float *a = A + (b % batchA) * M * K;
    float *c = C + b * M * N;
    // Column blocks of packed B that stay in a 512 KiB L2 (with room to spare) while all row
    // panels pass over them; one block when B is small.
    for (int p0 = 0; p0 < np; p0 += pblk) {
      const int p1 = p0 + pblk < np ? p0 + pblk : np;
      for (int i0 = r0; i0 < r1; i0 += MR) {
        const int mr = r1 - i0 < MR ? r1 - i0 : MR;
        pack_a(a, pa, i0, mr, M, K, transA);
        for (int p = p0; p < p1; p++) {
          const int j0 = p * NR;
          const int nc = N - j0 < NR ? N - j0 : NR;
          tile_4x8(pa, pb + p * K * NR, K, c + i0 * N + j0, N, mr, nc, edge);
        }
      }
    }
  }
}
