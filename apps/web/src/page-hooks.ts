/**
 * What the page exposes on `window.jepaWeb` for tests and for poking at it from the console: the
 * state behind what is drawn, as plain JSON.
 */
export interface PageSnapshot {
  /** The tfjs backend in use (`webgpu`, `webgl`, `wasm`). */
  readonly backend?: string;
  readonly skippedBackends: ReadonlyArray<{ candidate: string; reason: string }>;
  /** Threads of @jepa/core's wasm kernels (2 on a cross-origin-isolated page, 1, 0 when off or not on wasm). */
  readonly kernelThreads?: number;
  /** The model's description, when one is open. */
  readonly model?: string;
  readonly images: ReadonlyArray<{
    readonly name: string;
    /** Mean-pooled target-encoder features, when a model is open. */
    readonly features?: number[];
    readonly neighbours?: Array<{ index: number; similarity: number }>;
    readonly masks?: { context: number[]; targets: number[][] };
  }>;
  /** Loss of every training update done in the tab so far. */
  readonly losses: number[];
  /** Name of the training run's newest checkpoint (`step-000012`), offered as two downloads. */
  readonly checkpoint?: string;
  /** The last Two Rooms episode planned through the simulator. */
  readonly plannedEpisode?: { index: number; success: boolean; finalDistance: number; steps: number };
  /** Whether a training run is going on. */
  readonly training: boolean;
  /** Whether page work (opening, embedding, training) is queued or running. */
  readonly busy: boolean;
  readonly errors: string[];
}

export interface PageHooks {
  /** Settles once the backend is chosen. */
  readonly ready: Promise<void>;
  snapshot(): PageSnapshot;
  /** Settles when no page work is queued or running. */
  idle(): Promise<void>;
}

declare global {
  interface Window {
    jepaWeb: PageHooks;
  }
}
