/** Trajectories as the level below sees them: its latent of every frame and the primitive actions between frames. */
export interface LatentTrajectories {
  /** Number of trajectories `N`. */
  readonly trajectories: number;
  /** Actions per trajectory `T` (latents: `T + 1`). */
  readonly steps: number;
  /** `[N, T + 1, D]`: the lower level's one-token latent of every frame. */
  readonly latents: Float32Array;
  /** `[N, T, A]`: action `t` moves frame `t` to frame `t + 1`. */
  readonly actions: Float32Array;
}

/** How `trainLatentLevel` (and `LatentLevelTrainable`) trains. */
export interface LatentLevelTrainingOptions {
  /** Updates. */
  readonly steps: number;
  /** Windows per update. */
  readonly batchSize: number;
  /** Macro-steps rolled out per window (the loss covers each); a window spans `rolloutSteps * stepSkip` actions. */
  readonly rolloutSteps: number;
  /** Peak learning rate (AdamW). */
  readonly lr: number;
  /** Linear warm-up from 0 over these updates, then cosine to `finalLr`. Default 10 % of `steps`. */
  readonly warmupSteps?: number;
  /** Default `lr / 100`. */
  readonly finalLr?: number;
  /** Default 1e-5. */
  readonly weightDecay?: number;
  /** Default 2; null: off. */
  readonly clipGradNorm?: number | null;
  /** Seed of the window sampling. */
  readonly seed: number;
  /** Called after every update. */
  readonly onStep?: (step: number, loss: number) => void;
}

