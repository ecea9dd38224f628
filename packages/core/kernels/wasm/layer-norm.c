// Layer norm over rows of d floats for the tfjs wasm backend (issue 13), WebAssembly SIMD128: the
// fused kernels of packages/core/src/nn/layer-norm-kernels.ts. Sums run in four float32 lanes
// (then across them), as vectorised float32 code does; the tail of a row not a multiple of 4 is
// scalar. No stack use, as in batch-matmul.c.
// Build: packages/core/scripts/build-wasm-kernels.sh
#include <wasm_simd128.h>

static inline float lanes_sum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// y = (x - mean) rstd (w) (+ b) per row, rstd = 1 / sqrt(biased variance + eps); writes mean, rstd.
__attribute__((export_name("layer_norm_f32")))
void layer_norm_f32(const float *x, float *y, float *mean, float *rstd, const float *w, const float *b, int rows, int d,
                    float eps, int hasW, int hasB) {
  const int d4 = d & ~3;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * d;
    float *yr = y + r * d;
    v128_t s = wasm_f32x4_splat(0.0f);
    int j = 0;
    for (; j < d4; j += 4) s = wasm_f32x4_add(s, wasm_v128_load(xr + j));
    float sum = lanes_sum(s);
    for (; j < d; j++) sum += xr[j];
    const float mu = sum / (float)d;
    const v128_t vmu = wasm_f32x4_splat(mu);
    v128_t q = wasm_f32x4_splat(0.0f);
    for (j = 0; j < d4; j += 4) {
      const v128_t c = wasm_f32x4_sub(wasm_v128_load(xr + j), vmu);
      q = wasm_f32x4_add(q, wasm_f32x4_mul(c, c));
    }
    float sq = lanes_sum(q);
    for (; j < d; j++) sq += (xr[j] - mu) * (xr[j] - mu);
    const float rs = 1.0f / __builtin_sqrtf(sq / (float)d + eps);
    mean[r] = mu;
    rstd[r] = rs;
    const v128_t vrs = wasm_f32x4_splat(rs);
    for (j = 0; j < d4; j += 4) {
      v128_t o = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), vmu), vrs);
      if (hasW) o = wasm_f32x4_mul(o, wasm_v128_load(w + j));
      if (hasB) o = wasm_f32x4_add(o, wasm_v128_load(b + j));
      wasm_v128_store(yr + j, o);
    }
    for (; j < d; j++) {
      float o = (xr[j] - mu) * rs;
      if (hasW) o *= w[j];
      if (hasB) o += b[j];
      yr[j] = o;
    }
  }
}

// dx = rstd (g - mean(g) - xhat mean(g xhat)) per row with g = dy w (or dy); dw = sum of dy xhat and
// db = sum of dy over rows (dw, db: d floats each, overwritten).
__attribute__((export_name("layer_norm_grad_f32")))
void layer_norm_grad_f32(const float *x, const float *mean, const float *rstd, const float *dy, const float *w, float *dx,
                         float *dw, float *db, int rows, int d, int hasW) {
  const int d4 = d & ~3;
  for (int j = 0; j < d; j++) dw[j] = db[j] = 0.0f;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * d;
    const float *dyr = dy + r * d;
    float *dxr = dx + r * d;
    const v128_t vmu = wasm_f32x4_splat(mean[r]);
    const v128_t vrs = wasm_f32x4_splat(rstd[r]);
    v128_t sg = wasm_f32x4_splat(0.0f), sgx = sg;
    int j = 0;
    for (; j < d4; j += 4) {
      const v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), vmu), vrs);
      const v128_t dyv = wasm_v128_load(dyr + j);
      const v128_t g = hasW ? wasm_f32x4_mul(dyv, wasm_v128_load(w + j)) : dyv;
      sg = wasm_f32x4_add(sg, g);
      sgx = wasm_f32x4_add(sgx, wasm_f32x4_mul(g, xh));
      wasm_v128_store(dw + j, wasm_f32x4_add(wasm_v128_load(dw + j), wasm_f32x4_mul(dyv, xh)));
      wasm_v128_store(db + j, wasm_f32x4_add(wasm_v128_load(db + j), dyv));
    }
    float tg = lanes_sum(sg), tgx = lanes_sum(sgx);
    for (; j < d; j++) {
      const float xh = (xr[j] - mean[r]) * rstd[r];
      const float g = hasW ? dyr[j] * w[j] : dyr[j];
      tg += g;
      tgx += g * xh;
      dw[j] += dyr[j] * xh;
      db[j] += dyr[j];
    }
    const v128_t mg = wasm_f32x4_splat(tg / (float)d), mgx = wasm_f32x4_splat(tgx / (float)d);
    for (j = 0; j < d4; j += 4) {
      const v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), vmu), vrs);
      const v128_t dyv = wasm_v128_load(dyr + j);
      const v128_t g = hasW ? wasm_f32x4_mul(dyv, wasm_v128_load(w + j)) : dyv;
      wasm_v128_store(dxr + j, wasm_f32x4_mul(vrs, wasm_f32x4_sub(wasm_f32x4_sub(g, mg), wasm_f32x4_mul(xh, mgx))));
    }
    for (; j < d; j++) {
      const float xh = (xr[j] - mean[r]) * rstd[r];
      const float g = hasW ? dyr[j] * w[j] : dyr[j];
      dxr[j] = rstd[r] * (g - tg / (float)d - xh * (tgx / (float)d));
    }
  }
}
