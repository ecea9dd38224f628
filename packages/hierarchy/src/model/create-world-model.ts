import { withInitSeed } from '@jepa/core';
import { ActionConditionedWorldModel } from './action-conditioned-world-model.js';
import type { ActionPredictor } from './action-predictor.js';
import { BlockCausalActionPredictor } from './block-causal-action-predictor.js';
import { GruActionPredictor } from './gru-action-predictor.js';
import { InverseDynamicsModel } from './inverse-dynamics-model.js';
import { PatchConvEncoder } from './patch-conv-encoder.js';

/** The predictor of a world model: eb_jepa's GRU, or a block-causal transformer (V-JEPA 2-AC style). */
export type WorldModelPredictorConfig =
  | {
    /** {@link GruActionPredictor}. */
    readonly kind: 'gru';
    /** {@inheritDoc GruActionPredictorOptions.actionEmbedDim} */
    readonly actionEmbedDim?: number;
  }
  | {
    /** {@link BlockCausalActionPredictor}. */
    readonly kind: 'block-causal';
    /** {@inheritDoc BlockCausalActionPredictorOptions.width} */
    readonly width?: number;
    /** {@inheritDoc BlockCausalActionPredictorOptions.depth} */
    readonly depth?: number;
    /** {@inheritDoc BlockCausalActionPredictorOptions.numHeads} */
    readonly numHeads?: number;
    /** {@inheritDoc BlockCausalActionPredictorOptions.maxFrames} */
    readonly maxFrames?: number;
  };

/** Everything that defines a frame world model's architecture. JSON-serialisable (saved with checkpoints). */
export interface WorldModelConfig {
  /** Side of the square frames, in pixels. */
  readonly imageSize: number;
  /** Channels of the frames. */
  readonly inChannels: number;
  /** Values per action. */
  readonly actionDim: number;
  /** Frame encoder: channels of its 2 x 2 stride-2 stages and the latent width. */
  readonly encoder: {
    /** Channels after each stage; each stage halves the side. */
    readonly stages: readonly number[];
    /** Width `D` of the latent state. */
    readonly latentDim: number;
  };
  /** Which predictor, and its sizes. */
  readonly predictor: WorldModelPredictorConfig;
  /** Hidden width of the inverse dynamics model, or null for none. */
  readonly inverseDynamics: {
    /** Width of its two hidden layers. */
    readonly hiddenDim: number;
  } | null;
}

/** Builds the world model of `config`; with `seed`, its initial weights are reproducible. */
export function createWorldModel(config: WorldModelConfig, options: { readonly seed?: number } = {}): ActionConditionedWorldModel {
  if (options.seed !== undefined) return withInitSeed(options.seed, () => createWorldModel(config));
  const built: Array<{ dispose(): void }> = [];
  try {
    const encoder = new PatchConvEncoder({ imageSize: config.imageSize, inChannels: config.inChannels, stages: config.encoder.stages, latentDim: config.encoder.latentDim });
    built.push(encoder);
    const latentDim = config.encoder.latentDim;
    const p = config.predictor;
    let predictor: ActionPredictor;
    if (p.kind === 'gru') predictor = new GruActionPredictor({ latentDim, actionDim: config.actionDim, actionEmbedDim: p.actionEmbedDim });
    else if (p.kind === 'block-causal') predictor = new BlockCausalActionPredictor({ latentDim, actionDim: config.actionDim, width: p.width, depth: p.depth, numHeads: p.numHeads, maxFrames: p.maxFrames });
    else throw new Error(`createWorldModel: predictor.kind must be 'gru' or 'block-causal', got ${JSON.stringify((p as { kind?: unknown }).kind)}.`);
    built.push(predictor);
    const inverseDynamics = config.inverseDynamics ? new InverseDynamicsModel(latentDim, config.actionDim, config.inverseDynamics.hiddenDim) : undefined;
    return new ActionConditionedWorldModel({ encoder, predictor, inverseDynamics });
  } catch (error) {
    for (const module of built) module.dispose();
    throw error;
  }
}
