import * as tf from '@tensorflow/tfjs';
import { attentionKernels, type AttentionExports } from './attention-kernels.js';
import { makeGatherV2, makeIdentity, makeSlice, makeSplitV, makeTile } from './copy-kernels.js';
import { fusedUpdateKernels, type FusedUpdateExports } from './fused-update-kernels.js';
import { layerNormWasmKernels, type LayerNormExports } from './layer-norm-wasm.js';
import { CTL, startKernelWorker, threadsUnavailableReason, type KernelWorker } from './kernel-worker.js';
import { GELU_GRAD_KERNEL, GELU_KERNEL } from '../../nn/gelu.js';
import { makeGeluGrad, makeSum, makeUnary, MAP_KERNELS, type KernelHeap, type MapKernel, type SimdExports } from './simd-kernels.js';
import { KERNELS_MT_WASM_BASE64, KERNELS_WASM_BASE64 } from './wasm-kernels.generated.js';
import { roundUp4, type KernelArgs, type WasmBackendLike } from './wasm-backend.js';

/**
 * Fast kernels for tfjs's wasm backend (issue 13), swapped in through the kernel registry so every
 * model benefits without code changes: `Identity`, `Slice`, `SplitV`, `Tile` and `GatherV2` that
 * copy less (copy-kernels.ts), `Exp`, `Erf` and `Sum` over leading axes in SIMD128
 * (simd-kernels.ts), kernels of their own for the fused GELU (simd-kernels.ts), AdamW and EMA
 * updates (fused-update-kernels.ts), layer norm (layer-norm-wasm.ts) and attention, forward and
 * gradient (attention-kernels.ts), and `BatchMatMul` and `_FusedMatMul` (a bias row, and GELU
 * as this module's own activation) for float32 with a batch > 1 (the attention products, which
 * the stock wasm kernel runs at 0.2-2.6 GFLOP/s) or with a transpose, from a SIMD128 module
 * compiled from packages/core/kernels/wasm/*.c. With two threads (a worker sharing the module's
 * memory, see kernel-worker.ts) large products are cut into chunks (batches, output rows or output
 * columns: {@link splitPlan}), large batch-1 untransposed products come here too, and large
 * element-wise kernels are cut into ranges. Everything else (small batch-1 products without
 * transposes, which the stock kernel runs through XNNPACK, other dtypes, broadcasts this kernel
 * does not flatten) goes to the stock kernel.
 */

interface KernelExports extends SimdExports, FusedUpdateExports, LayerNormExports, AttentionExports {
  heap_base(): number;
  batch_matmul(a: number, b: number, c: number, scratch: number, batch: number, batchA: number, batchB: number, m: number, k: number, n: number, transA: number, transB: number, b0: number, b1: number, r0: number, r1: number, c0: number, c1: number, bias: number, gelu: number): void;
}

/** A loaded kernel module: one thread, or two sharing its memory. */
interface Runner {
  readonly threads: 1 | 2;
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** First free byte (16-aligned) past the control block. */
  readonly base: number;
  /** Two threads: the control block shared with the worker. */
  readonly ctl?: Int32Array;
  readonly worker?: KernelWorker;
  /** Whether this thread may block in Atomics.wait (not on a browser's main thread). */
  readonly canBlock?: boolean;
}

/**
 * Work (M * N * K summed over the batch) from which a product is split over two threads, and from
 * which a batch-1 untransposed product leaves XNNPACK (one thread) for the two-thread kernel.
 * Measured on 2 shared AVX2 cores (tools/bench/README.md).
 */
export const DEFAULT_THREAD_MIN_WORK = 1 << 22;
export const DEFAULT_BATCH1_MIN_WORK = 1 << 22;

const MARK = Symbol.for('jepa.fastKernel');
/** Whether a registered kernel config is one of this module's replacements (marked when registered). */
const isFastKernel = (config: tf.KernelConfig | undefined): boolean => (config?.kernelFunc as unknown as Record<symbol, boolean> | undefined)?.[MARK] === true;
let single: Promise<Runner> | undefined;
let threaded: Promise<Runner> | undefined;
let active: Runner | undefined;
let threadMinWork = DEFAULT_THREAD_MIN_WORK;
let batch1MinWork = DEFAULT_BATCH1_MIN_WORK;
/** The stock kernel configs replaced, by kernel name. */
const stock = new Map<string, tf.KernelConfig>();
/** Why the last request for two threads got one, if it did. */
let threadsReason: string | undefined;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(s, 'base64'));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function loadSingle(): Promise<Runner> {
  single ??= WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64))
    .then((m) => WebAssembly.instantiate(m, {}))
    .then((i) => {
      const exports = i.exports as unknown as KernelExports & { memory: WebAssembly.Memory };
      return { threads: 1 as const, exports, memory: exports.memory, base: (exports.heap_base() + 15) & ~15 };
    });
  return single;
}

async function loadThreaded(): Promise<Runner> {
  const why = threadsUnavailableReason();
  if (why) throw new Error(why);
  const module = await WebAssembly.compile(decodeBase64(KERNELS_MT_WASM_BASE64));
  // 4 pages to start (the module's 64 KiB stack, then the heap); max 2 GiB, as linked.
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 32768, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  const ctlOffset = (exports.heap_base() + 15) & ~15;
  const ctl = new Int32Array(memory.buffer, ctlOffset, CTL.size);
  let canBlock = true;
  try {
    Atomics.wait(ctl, CTL.workerDone, 1, 0);
  } catch {
    canBlock = false;
  }
  const worker = await startKernelWorker({ module, memory, ctl: ctlOffset });
  try {
    await worker.ready;
  } catch (e) {
    worker.terminate();
    throw e;
  }
  return { threads: 2, exports, memory, base: ctlOffset + CTL.size * 4, ctl, worker, canBlock };
}

function stopThreads(r: Runner): void {
  if (!r.ctl || !r.worker) return;
  r.ctl[CTL.op] = CTL.opStop;
  Atomics.add(r.ctl, CTL.gen, 1);
  Atomics.notify(r.ctl, CTL.gen);
  r.worker.terminate();
}

/** Depth of the kernel's blocks of K (`KC` in batch-matmul.c): its scratch holds one block of packed B. */
const KC = 256;

/**
 * Chunks a split product is cut into: enough for the threads to even out a late or slow worker, few
 * enough that the operand each chunk packs again (all of B for a range of rows, all of A for a
 * range of columns) stays small against its products: 4 was 5-17 % faster than 8 on the bench
 * step's product shapes one at a time, and no different within a whole step (paired A/B; 3 was
 * 8 % slower, tools/bench/README.md).
 */
const CHUNKS = 4;
/** Chunks an element-wise kernel is cut into (nothing is packed again per chunk). */
const MAP_CHUNKS = 8;
let generation = 0;

/**
 * How a split product is cut: whole batches when there are at least {@link CHUNKS}, else output
 * rows (multiples of 4) when it has at least as many rows as columns, else output columns
 * (multiples of 8: the weight gradients, few rows and a long K, where each thread then packs only
 * its part of B instead of all of it).
 */
export const SplitMode = { Batches: 0, Rows: 1, Columns: 2 } as const;
/** One of {@link SplitMode}'s values. */
export type SplitMode = (typeof SplitMode)[keyof typeof SplitMode];

/** The split of a product: by what, how many units (batches, rows or columns) per chunk, how many chunks. */
export function splitPlan(batch: number, m: number, n: number, chunks = CHUNKS): { mode: SplitMode; per: number; chunks: number; units: number } {
  if (batch >= chunks) {
    const per = Math.ceil(batch / chunks);
    return { mode: SplitMode.Batches, per, chunks: Math.ceil(batch / per), units: batch };
  }
  const [mode, step, extent]: [SplitMode, number, number] = m >= n ? [SplitMode.Rows, 4, m] : [SplitMode.Columns, 8, n];
  const per = Math.ceil(Math.ceil(extent / step) / chunks) * step;
  return { mode, per, chunks: Math.ceil(extent / per), units: Math.ceil(extent / step) };
}

/**
 * Runs `chunks` chunks of one operation (`op`: {@link CTL}'s op codes) on both threads: the worker
 * reads `args` from the control block and claims chunks as this thread does, one at a time, so
 * when it is slow to wake this thread simply takes more; this thread waits only for chunks the
 * worker has claimed. `prepare`, when given, is called here for each chunk in order after the
 * worker is woken, and a chunk starts only once it has been (copying operands in overlaps the
 * worker's computing). `run` computes one chunk here. `finish`, when given, is called here once for
 * each chunk as soon as its results are complete (this thread's right after it, the worker's when
 * the worker marks them done), so that copying results out overlaps the worker's computing.
 */
function runChunks(r: Runner, ctl: Int32Array, op: number, args: readonly number[], chunks: number, run: (chunk: number) => void, finish?: (chunk: number) => void, prepare?: (chunk: number) => void): void {
  for (let i = 0; i < args.length; i++) ctl[CTL.args + i] = args[i]!;
  ctl[CTL.op] = op;
  ctl[CTL.failed] = 0;
  Atomics.store(ctl, CTL.workerDone, 0);
  // No generation is -1: a flag left by an operation 32768 generations ago cannot pass for this one's.
  for (let c = 0; c < CTL.chunkFlags; c++) Atomics.store(ctl, CTL.chunkDone + c, -1);
  generation = (generation + 1) & 0x7fff;
  if (chunks > 0xff) throw new Error(`runChunks: ${chunks} chunks; at most 255 fit the claim word.`);
  // The claim word carries the chunk count with the generation: a claim loop that read the count
  // from the arguments could pair a newer operation's count with an older `next` and claim a chunk
  // that does not exist (a hang when the worker then waits for its operands).
  const tag = (generation << 16) | (chunks << 8);
  // Everything a chunk reads is in place before `next` names this operation: a worker still in its
  // claim loop may take a chunk the moment it does.
  Atomics.store(ctl, CTL.ready, prepare ? 0 : chunks);
  Atomics.store(ctl, CTL.next, tag);
  Atomics.add(ctl, CTL.gen, 1);
  Atomics.notify(ctl, CTL.gen);
  if (prepare) {
    for (let c = 0; c < chunks; c++) {
      prepare(c);
      Atomics.store(ctl, CTL.ready, c + 1);
      Atomics.notify(ctl, CTL.ready);
    }
  }
  let mine = 0;
  const finished = finish ? new Uint8Array(chunks) : undefined;
  while (!workerOnly) {
    const v = Atomics.load(ctl, CTL.next);
    const chunk = v & 0xff;
    if (chunk >= chunks) break;
    if (Atomics.compareExchange(ctl, CTL.next, v, v + 1) !== v) continue;
    run(chunk);
    mine++;
    if (finished) {
      finish!(chunk);
      finished[chunk] = 1;
    }
  }
  for (;;) {
    const done = Atomics.load(ctl, CTL.workerDone);
    if (finished) {
      // Copy out what the worker has finished (it marks each chunk with this operation's generation).
      for (let c = 0; c < chunks && c < CTL.chunkFlags; c++) {
        if (!finished[c] && Atomics.load(ctl, CTL.chunkDone + c) === generation) {
          finish!(c);
          finished[c] = 1;
        }
      }
    }
    if (mine + done >= chunks) break;
    if (r.canBlock) Atomics.wait(ctl, CTL.workerDone, done);
  }
  // A chunk whose call threw in the worker (it should not: this is a guard) is computed here.
  const failed = ctl[CTL.failed]!;
  if (failed > 0) run(failed - 1);
  // The rest: chunks past the done flags, and the recomputed one (the worker flags only chunks it finished).
  if (finished) for (let c = 0; c < chunks; c++) if (!finished[c]) finish!(c);
}

/** A product's operands and result: views of the backend's tensors, and their float indices in the kernel module's `heap`. */
interface ProductIo {
  readonly heap: Float32Array;
  readonly a: Float32Array;
  readonly aAt: number;
  readonly b: Float32Array;
  readonly bAt: number;
  readonly out: Float32Array;
  readonly cAt: number;
}

/** Copies `view[from, to)` to the same offsets past `at` in `heap`. */
function copyRange(heap: Float32Array, at: number, view: Float32Array, from: number, to: number): void {
  heap.set(view.subarray(from, to), at + from);
}

/**
 * Copies A and B in, runs `batch_matmul` over the whole product and copies C out: on this thread,
 * or cut into chunks ({@link splitPlan}) that both threads claim ({@link runChunks}). Split by
 * whole batches or by rows of an untransposed A, each chunk's part of the operands is copied in
 * just before it may start (the worker starts on the first while this thread copies the rest),
 * and each chunk's result is copied out as soon as it is done, while the worker computes others.
 * Every element is summed the same way whichever thread computes it.
 */
function multiply(r: Runner, io: ProductIo, s0: number, s1: number, batch: number, batchA: number, batchB: number, m: number, k: number, n: number, ta: number, tb: number, bias: number, gelu: number, split: boolean): void {
  const f = r.exports.batch_matmul;
  const ctl = r.ctl;
  const { heap, out, cAt } = io;
  const [a, b, c] = [io.aAt * 4, io.bAt * 4, cAt * 4];
  const plan = splitPlan(batch, m, n);
  const copyAll = () => {
    heap.set(io.a, io.aAt);
    heap.set(io.b, io.bAt);
  };
  if (!split || !ctl || plan.units < 2) {
    copyAll();
    f(a, b, c, s0, batch, batchA, batchB, m, k, n, ta, tb, 0, batch, 0, m, 0, n, bias, gelu);
    out.set(heap.subarray(cAt, cAt + batch * m * n));
    return;
  }
  const { mode, per, chunks } = plan;
  const extent = mode === SplitMode.Batches ? batch : mode === SplitMode.Rows ? m : n;
  const range = (chunk: number): [number, number] => [chunk * per, Math.min(extent, chunk * per + per)];
  let prepare: ((chunk: number) => void) | undefined;
  if (mode === SplitMode.Batches) {
    // Operands with a batch of their own come chunk by chunk; a broadcast one whole, first.
    prepare = (chunk) => {
      const [lo, hi] = range(chunk);
      if (batchA === batch) copyRange(heap, io.aAt, io.a, lo * m * k, hi * m * k);
      else if (chunk === 0) heap.set(io.a, io.aAt);
      if (batchB === batch) copyRange(heap, io.bAt, io.b, lo * k * n, hi * k * n);
      else if (chunk === 0) heap.set(io.b, io.bAt);
    };
  } else if (mode === SplitMode.Rows && !ta) {
    // All of B first; then rows of A (in every batch of A).
    prepare = (chunk) => {
      if (chunk === 0) heap.set(io.b, io.bAt);
      const [lo, hi] = range(chunk);
      for (let i = 0; i < batchA; i++) copyRange(heap, io.aAt, io.a, i * m * k + lo * k, i * m * k + hi * k);
    };
  } else {
    copyAll();
  }
  const copyOut = (chunk: number) => {
    const [lo, hi] = range(chunk);
    if (mode === SplitMode.Batches) {
      out.set(heap.subarray(cAt + lo * m * n, cAt + hi * m * n), lo * m * n);
    } else {
      for (let i = 0; i < batch; i++) {
        const at = i * m * n;
        out.set(heap.subarray(cAt + at + lo * n, cAt + at + hi * n), at + lo * n);
      }
    }
  };
  runChunks(r, ctl, CTL.opProduct, [a, b, c, s1, batch, batchA, batchB, m, k, n, ta, tb, mode, per, 0, bias, gelu], chunks, (chunk) => {
    const [lo, hi] = range(chunk);
    if (mode === SplitMode.Batches) f(a, b, c, s0, batch, batchA, batchB, m, k, n, ta, tb, lo, hi, 0, m, 0, n, bias, gelu);
    else if (mode === SplitMode.Rows) f(a, b, c, s0, batch, batchA, batchB, m, k, n, ta, tb, 0, batch, lo, hi, 0, n, bias, gelu);
    else f(a, b, c, s0, batch, batchA, batchB, m, k, n, ta, tb, 0, batch, 0, m, lo, hi, bias, gelu);
  }, mode === SplitMode.Columns ? undefined : copyOut, prepare);
  // Columns of a row-major C are not contiguous: copied once, at the end.
  if (mode === SplitMode.Columns) out.set(heap.subarray(cAt, cAt + batch * m * n));
}

/**
 * Elements from which an element-wise kernel is split over two threads: below this, waking the
 * worker costs about what it saves. Measured on 2 shared AVX2 cores (tools/bench/README.md).
 */
export const DEFAULT_MAP_MIN_ELEMENTS = 1 << 15;
let mapMinElements = DEFAULT_MAP_MIN_ELEMENTS;
/** Tests: this thread leaves every chunk to the worker, so that the worker's code is what they check. */
let workerOnly = false;

/** {@link MapRunner} on a runner: one call, or ranges of whole vectors on both threads. */
function mapOn(r: Runner, fn: MapKernel, pointers: readonly number[], n: number): void {
  const f = r.exports[fn] as (...args: number[]) => void;
  const ctl = r.ctl;
  if (!ctl || n < mapMinElements) {
    f(...pointers, n);
    return;
  }
  const per = roundUp4(Math.ceil(n / MAP_CHUNKS));
  const chunks = Math.ceil(n / per);
  const [p0 = 0, p1 = 0, p2 = 0] = pointers;
  const k = pointers.length;
  runChunks(r, ctl, CTL.opMap, [MAP_KERNELS.indexOf(fn), k, p0, p1, p2, n, 0, 0, 0, 0, 0, 0, 0, per], chunks, (chunk) => {
    const lo = chunk * per;
    const len = Math.min(n, lo + per) - lo;
    if (k === 2) f(p0 + lo * 4, p1 + lo * 4, len);
    else f(p0 + lo * 4, p1 + lo * 4, p2 + lo * 4, len);
  });
}

/** Grows the runner's memory to `bytes` (capped at 4 GiB, or 2 GiB shared); false when it cannot. */
function grow(r: Runner, bytes: number): boolean {
  const size = r.memory.buffer.byteLength;
  if (bytes <= size) return true;
  try {
    r.memory.grow(Math.ceil((bytes - size) / 65536));
    return true;
  } catch {
    return false;
  }
}

let heapView: Float32Array | undefined;
/** A float view of the runner's memory; views of a shared memory do not follow its growth, and another runner may be active now. */
function viewOf(r: Runner): Float32Array {
  if (!heapView || heapView.buffer.byteLength !== r.memory.buffer.byteLength || heapView.buffer !== r.memory.buffer) heapView = new Float32Array(r.memory.buffer);
  return heapView;
}

/** The active module's memory past its control block, for the element-wise kernels (simd-kernels.ts). */
const kernelHeap: KernelHeap<KernelExports> = {
  reserve(floats) {
    const r = active;
    if (!r) return undefined;
    const base = r.base >> 2;
    if (!grow(r, (base + floats) * 4)) return undefined;
    const ctl = r.ctl;
    return {
      exports: r.exports,
      heap: viewOf(r),
      base,
      map: (fn, pointers, n) => mapOn(r, fn, pointers, n),
      chunks: ctl ? (op, args, chunks, run, finish, prepare) => runChunks(r, ctl, op, args, chunks, run, finish, prepare) : undefined,
    };
  },
};

/** The `activation` attribute of `_FusedMatMul` that this kernel alone takes: exact GELU after the bias. */
export const PRODUCT_GELU = 'jepaGelu';

/**
 * The stock wasm `_FusedMatMul` reads its operands as 3-D (tf.fused.matMul reshapes them so):
 * 2-D ones (matMul2dBias calls the kernel directly) are passed as a batch of one, the same data,
 * and the result is returned 2-D.
 */
function stockOn3d(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.shape.length !== 2 || b.shape.length !== 2) return stock(args);
    const out = stock({ ...args, inputs: { ...args.inputs, a: { ...a, shape: [1, ...a.shape] }, b: { ...b, shape: [1, ...b.shape] } } } as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    return { ...out, shape: out.shape.slice(1) };
  }) as unknown as tf.KernelFunc;
}

/**
 * Makes the replacement `BatchMatMul` kernel function, or with `fused` the replacement
 * `_FusedMatMul` (tf.fused.matMul: a product plus a bias row, added in the kernel after the whole
 * sum, which gives the bits of a separate addition; other activations, PReLU weights and other
 * bias shapes go to the stock kernel). It uses whichever runner is active.
 */
function makeProduct(stockKernel: tf.KernelFunc, fused = false): tf.KernelFunc {
  const fallback = fused ? stockOn3d(stockKernel) : stockKernel;
  const fn = (args: KernelArgs) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { transposeA, transposeB, activation } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string };
    // GELU (matMul2dBiasGelu) is this kernel's own activation: the stock kernel cannot take it.
    const gelu = fused && activation === PRODUCT_GELU;
    const other = (why: string) => {
      if (gelu) throw new Error(`_FusedMatMul with GELU: ${why} (a [${a.shape}] ${a.dtype}, b [${b.shape}] ${b.dtype}).`);
      return fallback(args);
    };
    const r = active;
    if (!r) return other('the fast wasm kernels are off');
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return other('it takes float32 operands of rank 2 or more');
    if (fused && ((!gelu && (activation ?? 'linear') !== 'linear') || preluActivationWeights || (bias && bias.dtype !== 'float32'))) return other('it takes a float32 bias and no other activation');
    const ar = a.shape.length;
    const br = b.shape.length;
    const m = transposeA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
    const kA = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
    const kB = transposeB ? b.shape[br - 1]! : b.shape[br - 2]!;
    const n = transposeB ? b.shape[br - 2]! : b.shape[br - 1]!;
    // A bias is one row of N added to every output row (a [N] or [1, .., 1, N] tensor).
    if (bias && (bias.shape[bias.shape.length - 1] !== n || tf.util.sizeFromShape(bias.shape) !== n)) return other(`the bias [${bias.shape}] is not one row of ${n}`);
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    const work = batch * m * n * kA;
    // Batch 1 without transposes runs through XNNPACK on one thread at about the speed of one
    // thread here, so it stays there unless two threads are on and it is large (with a transpose
    // the stock kernel takes a plain loop, 0.4-0.9 GFLOP/s, so those always come here); mismatches
    // and broadcasts this kernel does not flatten get the stock kernel's behaviour (and errors).
    if (!gelu && batch <= 1 && !transposeA && !transposeB && (r.threads < 2 || work < batch1MinWork)) return fallback(args);
    if (kA !== kB || m === 0 || n === 0 || kA === 0 || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return other('the shapes do not multiply (or are empty)');
    const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
    if (tf.util.sizeFromShape(outShape) !== batch * m * n) return other('its batch dimensions do not flatten');
    const split = r.threads === 2 && work >= threadMinWork;
    const aLen = batchA * m * kA;
    const bLen = batchB * kA * n;
    const cLen = batch * m * n;
    const sLen = Math.min(kA, KC) * (Math.ceil(n / 8) * 8 + 4) + 32;
    // The bias padded with zeros to whole column panels (the kernel reads 8 at a time).
    const biasLen = bias ? Math.ceil(n / 8) * 8 : 0;
    const aOff = r.base >> 2;
    const bOff = aOff + roundUp4(aLen);
    const cOff = bOff + roundUp4(bLen);
    const s0Off = cOff + roundUp4(cLen);
    const s1Off = s0Off + roundUp4(sLen);
    const biasOff = (split ? s1Off + roundUp4(sLen) : s1Off);
    const end = (biasOff + biasLen) * 4;
    // A product that does not fit goes to the stock kernel.
    if (!grow(r, end)) return other('the kernel module cannot grow to hold it');
    const heap = viewOf(r);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(outShape, 'float32');
    // makeOutput may grow the backend's heap: views after it (nothing grows it while the product runs).
    if (bias) {
      heap.set(backend.typedArrayFromHeap(bias), biasOff);
      heap.fill(0, biasOff + n, biasOff + biasLen);
    }
    const io = { heap, a: backend.typedArrayFromHeap(a), aAt: aOff, b: backend.typedArrayFromHeap(b), bAt: bOff, out: backend.typedArrayFromHeap(out), cAt: cOff };
    multiply(r, io, s0Off * 4, s1Off * 4, batch, batchA, batchB, m, kA, n, transposeA ? 1 : 0, transposeB ? 1 : 0, bias ? biasOff * 4 : 0, gelu ? 1 : 0, split);
    return out;
  };
  return fn as unknown as tf.KernelFunc;
}

/** The wasm kernels replaced, and how each replacement is made from the stock kernel it falls back to. */
const REPLACEMENTS: ReadonlyArray<readonly [string, (fallback: tf.KernelFunc) => tf.KernelFunc]> = [
  ['BatchMatMul', (fallback) => makeProduct(fallback)],
  ['_FusedMatMul', (fallback) => makeProduct(fallback, true)],
  ['Identity', makeIdentity],
  ['Slice', makeSlice],
  ['SplitV', makeSplitV],
  ['Tile', makeTile],
  ['GatherV2', makeGatherV2],
  ['Exp', (fallback) => makeUnary('exp_f32', kernelHeap, fallback)],
  ['Erf', (fallback) => makeUnary('erf_f32', kernelHeap, fallback)],
  ['Sum', (fallback) => makeSum(kernelHeap, fallback)],
];

/** Kernels of their own (no stock one to replace): the optimizers, `layerNorm` and `gelu` use them when registered. */
const OWN_KERNELS: tf.KernelConfig[] = [
  ...fusedUpdateKernels(kernelHeap),
  ...layerNormWasmKernels(kernelHeap),
  ...attentionKernels(kernelHeap),
  { kernelName: GELU_KERNEL, backendName: 'wasm', kernelFunc: makeUnary('gelu_f32', kernelHeap) },
  { kernelName: GELU_GRAD_KERNEL, backendName: 'wasm', kernelFunc: makeGeluGrad(kernelHeap) },
];

/** Options of {@link setWasmFastKernels}. */
export interface FastKernelOptions {
  /**
   * Threads the kernels may use: 2 (default) starts a worker sharing the kernel module's memory
   * when the platform allows (Node, or a `crossOriginIsolated` page), else they use 1.
   */
  readonly threads?: number;
  /** Work (M * N * K over the batch) from which a product is split over two threads (tests). */
  readonly threadMinWork?: number;
  /** Work from which a batch-1 untransposed product leaves XNNPACK for two threads (tests). */
  readonly batch1MinWork?: number;
  /** Elements from which an element-wise kernel (GELU, its gradient, exp, erf) is split over two threads (tests). */
  readonly mapMinElements?: number;
  /** The main thread leaves every chunk of a split operation to the worker (tests: checks the worker's code). */
  readonly workerOnly?: boolean;
}

async function chooseRunner(threads: number): Promise<Runner> {
  if (threads >= 2) {
    threaded ??= loadThreaded();
    try {
      const r = await threaded;
      threadsReason = undefined;
      return r;
    } catch (e) {
      threaded = undefined;
      threadsReason = (e as Error).message;
    }
  } else {
    threadsReason = 'one thread asked for';
  }
  return loadSingle();
}

/**
 * Registers (`on`) or removes (`!on`) the fast wasm kernels; the wasm backend must be registered.
 * Idempotent. Returns whether they are on afterwards.
 */
export async function setWasmFastKernels(on: boolean, options: FastKernelOptions = {}): Promise<boolean> {
  if (!tf.getKernel('BatchMatMul', 'wasm')) return false;
  if (!on) {
    for (const [name] of REPLACEMENTS) {
      const current = tf.getKernel(name, 'wasm');
      const original = stock.get(name);
      if (isFastKernel(current) && original) {
        tf.unregisterKernel(name, 'wasm');
        tf.registerKernel(original);
      }
    }
    for (const k of OWN_KERNELS) if (tf.getKernel(k.kernelName, 'wasm')) tf.unregisterKernel(k.kernelName, 'wasm');
    return false;
  }
  threadMinWork = options.threadMinWork ?? DEFAULT_THREAD_MIN_WORK;
  batch1MinWork = options.batch1MinWork ?? DEFAULT_BATCH1_MIN_WORK;
  mapMinElements = options.mapMinElements ?? DEFAULT_MAP_MIN_ELEMENTS;
  workerOnly = options.workerOnly ?? false;
  active = await chooseRunner(options.threads ?? 2);
  for (const [name, make] of REPLACEMENTS) {
    const current = tf.getKernel(name, 'wasm');
    if (!current || isFastKernel(current)) continue;
    stock.set(name, current);
    const kernelFunc = make(current.kernelFunc);
    (kernelFunc as unknown as Record<symbol, boolean>)[MARK] = true;
    tf.unregisterKernel(name, 'wasm');
    // setupFunc stays: it binds the stock kernel to the backend's module if the backend is re-created.
    tf.registerKernel({ ...current, kernelFunc });
  }
  for (const k of OWN_KERNELS) if (!tf.getKernel(k.kernelName, 'wasm')) tf.registerKernel(k);
  return true;
}

/** Whether the fast wasm `BatchMatMul` is the registered one now. */
export function wasmFastKernelsOn(): boolean {
  return isFastKernel(tf.getKernel('BatchMatMul', 'wasm'));
}

/** Whether ops run on the fast wasm kernels now: the active backend is wasm and they are registered. */
export function wasmFastKernelsActive(): boolean {
  return tf.getBackend() === 'wasm' && wasmFastKernelsOn();
}

/**
 * Threads the fast wasm kernels use now (0 when they are off), and why they use one when two were
 * asked for.
 */
export function wasmKernelThreads(): { threads: 0 | 1 | 2; reason?: string } {
  if (!wasmFastKernelsOn() || !active) return { threads: 0 };
  return active.threads === 2 ? { threads: 2 } : { threads: 1, ...(threadsReason ? { reason: threadsReason } : {}) };
}

/** Stops the kernels' worker thread (the kernels go on with one thread). Processes exit without it: the worker is unref'd. */
export async function stopWasmKernelThreads(): Promise<void> {
  const t = threaded;
  threaded = undefined;
  if (!t) return;
  const r = await t.catch(() => undefined);
  if (r) {
    if (active === r) active = await loadSingle();
    stopThreads(r);
  }
}
