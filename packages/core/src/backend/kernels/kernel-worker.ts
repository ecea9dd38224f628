/**
 * The second thread of the fast wasm kernels (issue 13): a worker that instantiates the threaded
 * kernel module on the main thread's shared memory and computes its part of each product or
 * element-wise kernel when the main thread bumps a generation counter in that memory. Imports no Node module: under Node,
 * `worker_threads` is taken from `process.getBuiltinModule` at start (bundlers see no import).
 */
import { MAP_KERNELS } from './simd-kernels.js';

/**
 * Control block layout (int32 slots at the start of the kernel heap), shared with fast-kernels.ts.
 * An operation is cut into chunks (a product: batches, output rows at a multiple of 4, or output
 * columns at a multiple of 8; an element-wise kernel: ranges of whole vectors); both threads claim
 * chunks with a compare-and-swap on `next` (generation << 16 | next chunk), so when the worker is
 * slow to wake (the other core busy) the main thread simply takes more of them.
 */
export const CTL = {
  /** Bumped by the main thread to wake the worker for a new operation (or a stop). */
  gen: 0,
  /** (operation generation & 0x7fff) << 16 | the operation's chunk count << 8 | index of the next unclaimed chunk. */
  next: 1,
  /** Chunks of the current operation the worker has finished. */
  workerDone: 2,
  /** The operation: one of the op codes below. */
  op: 3,
  /** 1 + the chunk whose call threw in the worker (the main thread computes it again), else 0. */
  failed: 4,
  /**
   * The operation's arguments from here. A product: A, B, C, scratch, batch, batchA, batchB, M, K,
   * N, transA, transB, split mode, per chunk, (unused), bias (0: none), GELU (1) or not (0). An
   * element-wise kernel: its index in MAP_KERNELS (simd-kernels.ts), pointer count (2 or 3), three
   * pointers, n; per chunk at 13. Attention: see `opAttention`.
   */
  args: 5,
  /** Op code: `batch_matmul` chunks. */
  opProduct: 1,
  /** Op code: end the worker. */
  opStop: 2,
  /** Op code: element-wise kernel chunks. */
  opMap: 3,
  /**
   * Op code: attention chunks of batches (attention-kernels.ts): qkv, out (forward) or dqkv
   * (gradient), softmax weights (0: none), the worker's scratch, tokens, heads, head width, the
   * scale's float32 bits, batch, 0 (`attention_f32`) or 1 (`attention_grad_f32`), dout; per chunk at 13.
   */
  opAttention: 4,
  /**
   * First of `chunkFlags` slots: the worker writes the operation's generation (`next` >> 16) into
   * slot `chunkDone + c` when it has finished chunk c, so the main thread can copy it out while
   * other chunks run.
   */
  chunkDone: 22,
  /** Chunks with a done flag (the first ones; later chunks are only counted in `workerDone`). */
  chunkFlags: 8,
  /** Chunks whose operands the main thread has copied in: a chunk starts only below this. */
  ready: 30,
  /** Slots reserved (bytes = 4 x this). */
  size: 32,
} as const;

/** What the worker needs: the compiled threaded module, the shared memory, the control block's byte offset. */
export interface KernelWorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly ctl: number;
}

/** A started worker as fast-kernels.ts uses it. */
export interface KernelWorker {
  /** Resolves when the worker has instantiated the module and waits for work. */
  readonly ready: Promise<void>;
  /** Ends the thread (after a stop request it would end by itself). */
  terminate(): void;
}

// Plain JS run inside the worker (Node: as an eval script, CommonJS; browser: a Blob URL).
const BODY = `
function start(d, post) {
  try {
    const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
    const f = inst.exports.batch_matmul;
    const maps = ${JSON.stringify(MAP_KERNELS)}.map((name) => inst.exports[name]);
    const attention = inst.exports.attention_f32, attentionGrad = inst.exports.attention_grad_f32;
    const bits = new Int32Array(1), scale = new Float32Array(bits.buffer);
    const c = new Int32Array(d.memory.buffer, d.ctl, ${CTL.size});
    const a = ${CTL.args};
    // The generation before 'ready': the main thread may start an operation the moment it hears
    // it, and a worker that read the counter after that bump would sleep through it (with every
    // chunk left to it, for ever).
    let seen = Atomics.load(c, ${CTL.gen});
    post('ready');
    for (;;) {
      Atomics.wait(c, ${CTL.gen}, seen);
      seen = Atomics.load(c, ${CTL.gen});
      if (c[${CTL.op}] === ${CTL.opStop}) break;
      for (;;) {
        // The count comes with the generation in one word: the arguments may already be the next
        // operation's while next is still this one's.
        const v = Atomics.load(c, ${CTL.next});
        const chunk = v & 0xff;
        const chunks = (v >> 8) & 0xff;
        if (chunk >= chunks) break;
        if (Atomics.compareExchange(c, ${CTL.next}, v, v + 1) !== v) continue;
        // Claimed: the main thread waits for this chunk, so the arguments stay put until it is done.
        // They are read only now: this loop can run on into the next operation (the main thread starts
        // it as soon as the last chunk is done) without the worker sleeping in between.
        const op = c[${CTL.op}];
        for (let r; (r = Atomics.load(c, ${CTL.ready})) <= chunk; ) Atomics.wait(c, ${CTL.ready}, r);
        try {
          if (op === ${CTL.opProduct}) {
            // mode (fast-kernels.ts SplitMode): 0 batches, 1 rows, 2 columns.
            const batch = c[a + 4], m = c[a + 7], n = c[a + 9], mode = c[a + 12], per = c[a + 13];
            const lo = chunk * per;
            const hi = Math.min(mode === 0 ? batch : mode === 1 ? m : n, lo + per);
            f(c[a], c[a + 1], c[a + 2], c[a + 3], batch, c[a + 5], c[a + 6], m, c[a + 8], n, c[a + 10], c[a + 11],
              mode === 0 ? lo : 0, mode === 0 ? hi : batch, mode === 1 ? lo : 0, mode === 1 ? hi : m, mode === 2 ? lo : 0, mode === 2 ? hi : n, c[a + 15], c[a + 16]);
          } else if (op === ${CTL.opAttention}) {
            const per = c[a + 13], lo = chunk * per, hi = Math.min(c[a + 8], lo + per);
            bits[0] = c[a + 7];
            if (c[a + 9] === 0) attention(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], scale[0], lo, hi);
            else attentionGrad(c[a], c[a + 2], c[a + 10], c[a + 1], c[a + 3], c[a + 4], c[a + 5], c[a + 6], scale[0], lo, hi);
          } else {
            const per = c[a + 13], lo = chunk * per, len = Math.min(c[a + 5], lo + per) - lo, g = maps[c[a]];
            if (c[a + 1] === 2) g(c[a + 2] + lo * 4, c[a + 3] + lo * 4, len);
            else g(c[a + 2] + lo * 4, c[a + 3] + lo * 4, c[a + 4] + lo * 4, len);
          }
          if (chunk < ${CTL.chunkFlags}) Atomics.store(c, ${CTL.chunkDone} + chunk, v >> 16);
        } catch (e) {
          c[${CTL.failed}] = chunk + 1;
        }
        Atomics.add(c, ${CTL.workerDone}, 1);
        Atomics.notify(c, ${CTL.workerDone});
      }
    }
  } catch (e) {
    post('error: ' + (e && e.message));
  }
}
`;

// import() works whether Node runs the eval script as CommonJS or (--input-type=module) as ESM.
const NODE_SOURCE = `${BODY}
import('node:worker_threads').then(({ parentPort }) => parentPort.once('message', (d) => start(d, (m) => parentPort.postMessage(m))));
`;

const BROWSER_SOURCE = `${BODY}
self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
`;

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** The part of Node's `worker_threads.Worker` used here. */
interface NodeWorker {
  once(event: 'message', listener: (message: string) => void): void;
  once(event: 'error', listener: (error: Error) => void): void;
  once(event: 'exit', listener: (code: number) => void): void;
  postMessage(message: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
}
type NodeWorkerClass = new (source: string, options: { eval: true; name: string; execArgv: string[] }) => NodeWorker;

/**
 * Node's Worker class, read at run time through `process.getBuiltinModule` (Node >= 20.16), which
 * no bundler follows, so a browser bundle of @jepa/core never meets `node:worker_threads`.
 */
function nodeWorkerClass(): NodeWorkerClass | undefined {
  const proc = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  const threads = proc.process?.getBuiltinModule?.('node:worker_threads') as { Worker?: NodeWorkerClass } | undefined;
  return threads?.Worker;
}

/**
 * Why a second kernel thread cannot run here, or undefined when it can: it needs shared wasm
 * memory, `Atomics`, and a worker (Node's worker_threads, or a browser Worker on a
 * `crossOriginIsolated` page).
 */
export function threadsUnavailableReason(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return 'no SharedArrayBuffer/Atomics';
  if (isNode()) return nodeWorkerClass() ? undefined : 'no worker_threads (process.getBuiltinModule needs Node >= 20.16)';
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof g.Worker !== 'function') return 'no Worker';
  if (g.crossOriginIsolated !== true) return 'page not crossOriginIsolated';
  return undefined;
}

/** Starts the worker thread and hands it the module and memory. */
export async function startKernelWorker(init: KernelWorkerInit): Promise<KernelWorker> {
  if (isNode()) {
    const Worker = nodeWorkerClass();
    if (!Worker) throw new Error('kernel worker: no worker_threads (process.getBuiltinModule needs Node >= 20.16)');
    // execArgv: [] so that the parent's flags (--input-type, --import loaders) do not apply to the script.
    const w = new Worker(NODE_SOURCE, { eval: true, name: 'jepa-wasm-kernels', execArgv: [] });
    const ready = new Promise<void>((resolve, reject) => {
      w.once('message', (m: string) => (m === 'ready' ? resolve() : reject(new Error(`kernel worker: ${m}`))));
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`kernel worker exited (${code}) before it was ready`)));
    });
    w.postMessage(init);
    // Once ready the worker must not keep the process alive: it blocks in Atomics.wait between
    // products (before that, its pending message keeps the start-up going).
    void ready.then(() => w.unref(), () => undefined);
    return { ready, terminate: () => void w.terminate() };
  }
  const url = URL.createObjectURL(new Blob([BROWSER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url);
  const ready = new Promise<void>((resolve, reject) => {
    w.onmessage = (e: MessageEvent) => (e.data === 'ready' ? resolve() : reject(new Error(`kernel worker: ${String(e.data)}`)));
    w.onerror = (e) => reject(new Error(`kernel worker: ${e.message}`));
  });
  w.postMessage(init);
  void ready.finally(() => URL.revokeObjectURL(url)).catch(() => undefined);
  return { ready, terminate: () => w.terminate() };
}
