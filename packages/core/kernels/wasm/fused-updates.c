// Fused optimizer updates for the tfjs wasm backend (issue 13), WebAssembly SIMD128: the AdamW and
// EMA updates of packages/core/src/optim/fused-updates.ts, in place over buffers padded to a
// multiple of 4 floats. Each operation is a float32 IEEE operation in the order the tensor ops
// take (no contraction: wasm SIMD128 has no fused multiply-add), so the bits equal theirs.
// Build: packages/core/scripts/build-wasm-kernels.sh
#include <wasm_simd128.h>

// m = m b1 + g c1; v = v b2 + (g g) c2; p = (decay ? p d : p) - (m / (sqrt(v) / s2 + eps)) k.
__attribute__((export_name("adamw_f32")))
void adamw_f32(float *p, float *m, float *v, const float *g, int n, int decay, float d, float b1, float c1,
               float b2, float c2, float s2, float eps, float k) {
  const v128_t vd = wasm_f32x4_splat(d), vb1 = wasm_f32x4_splat(b1), vc1 = wasm_f32x4_splat(c1);
  const v128_t vb2 = wasm_f32x4_splat(b2), vc2 = wasm_f32x4_splat(c2), vs2 = wasm_f32x4_splat(s2);
  const v128_t veps = wasm_f32x4_splat(eps), vk = wasm_f32x4_splat(k);
  for (int i = 0; i < n; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, vc1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), vc2));
    const v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(vi), vs2), veps);
    v128_t pi = wasm_v128_load(p + i);
    if (decay) pi = wasm_f32x4_mul(pi, vd);
    pi = wasm_f32x4_sub(pi, wasm_f32x4_mul(wasm_f32x4_div(mi, denom), vk));
    wasm_v128_store(p + i, pi);
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
  }
}

// t = t a + o b.
__attribute__((export_name("ema_f32")))
void ema_f32(float *t, const float *o, int n, float a, float b) {
  const v128_t va = wasm_f32x4_splat(a), vb = wasm_f32x4_splat(b);
  for (int i = 0; i < n; i += 4)
    wasm_v128_store(t + i, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(t + i), va), wasm_f32x4_mul(wasm_v128_load(o + i), vb)));
}
