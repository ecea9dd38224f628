import type { Command } from 'commander';
import type { BackendChoice, CheckpointFile, ProgressMode } from '@jepa/core';
import type { CheckpointLocation } from '../checkpoints/checkpoint-location.js';
import type { CliContext } from '../cli-context.js';

/**
 * The contract each model family (I-JEPA, V-JEPA, world models, ...) fulfils to appear in the
 * `jepa` command. Commands look families up in the registry (`families/registry.ts`) by the run kind
 * recorded in a run folder or checkpoint, or by what a checkpoint file holds; adding a family adds an
 * entry, not a copy of the commands. Families never import commands.
 *
 * Only `train <kind>` and `inspect` apply to every family. A family that has no encoder to probe or
 * embed leaves `evalProbe` / `embed` out, and the commands say so with its {@link ModelFamily.instead};
 * a family that can plan brings a {@link PlanCapability} for `jepa plan`.
 */
export interface ModelFamily {
  /** The run kind: `jepa train <kind>`, `kind` in a run's config.json, `meta.state.kind` of its checkpoints. */
  readonly kind: string;
  /** In words, e.g. `I-JEPA`. */
  readonly label: string;
  /** Adds `jepa train <kind>` (its options and action) to the `train` group. */
  registerTrain(group: Command, context: CliContext): Command;
  /** Whether a checkpoint file (official, export, bare state dict, run checkpoint) holds this family's model. */
  recognizes(file: CheckpointFile): boolean;
  /** `jepa eval probe` on a run checkpoint of this family (the backend is started); absent when the family has nothing to probe. */
  evalProbe?(location: CheckpointLocation, flags: EvalProbeFlags, context: CliContext): Promise<void>;
  /** What `jepa embed` reads besides folders and `.safetensors` tensors; absent when only those. */
  readonly embedInputFile?: EmbedInputFile;
  /** How to name this family's encoder in messages, e.g. `an image encoder`. */
  readonly encoderNoun: string;
  /** `jepa embed --help`: what a forward pass holds (`images (default 32)`) and a paragraph on this family's inputs; absent without `embed`. */
  readonly embedHelp?: {
    /** What one forward pass holds, e.g. `images (default 32)`. */
    readonly batch: string;
    /** A paragraph on this family's inputs. */
    readonly text: string;
  };
  /** `jepa embed` with a checkpoint this family recognises (the backend is started, the input exists); absent when the family does not embed. */
  embed?(request: EmbedRequest, context: CliContext): Promise<void>;
  /** `jepa visualize` (pictures of what the predictor predicts; the backend is started); absent when the family draws none. */
  visualize?(request: VisualizeRequest, context: CliContext): Promise<void>;
  /** `jepa plan` on a run checkpoint of this family; absent when the family cannot plan. */
  readonly plan?: PlanCapability;
  /**
   * For the commands this family does not support: what to run instead, given the `--checkpoint`
   * argument as typed (e.g. "evaluate it with `jepa plan --checkpoint runs/a`").
   */
  instead?(checkpoint: string): string;
  /** `jepa inspect`: what the file holds, in this family's terms. */
  describe(file: CheckpointFile, options: { readonly numHeads?: number }): CheckpointSummary;
}

/** `jepa plan` for a family whose runs are world models: episodes planned in its environment, reported in a folder. */
export interface PlanCapability {
  /** `jepa plan --help`: the environments and where the defaults come from (one paragraph). */
  readonly help: string;
  /** Plans the episodes of `request` and writes the reports (the backend is started, `out` may be written). */
  run(request: PlanRequest, context: CliContext): Promise<void>;
}

/** The flags of `jepa plan` (undefined: the family's default, e.g. `TWO_ROOMS_PLANNING`). */
export interface PlanFlags {
  /**
   * `--checkpoint`: a world-model or level run folder, its `checkpoints/` folder, or one checkpoint's
   * `.json`.
   */
  checkpoint: string;
  /** hierarchical: with the levels of a level run (`jepa train level`) above its world model. */
  planner: 'cem' | 'mppi' | 'oracle' | 'hierarchical';
  /** The search used by `--planner oracle` (it plans through the true simulator); hierarchical: two levels of it. */
  oraclePlanner: 'cem' | 'mppi' | 'hierarchical';
  /**
   * How `--planner oracle` scores simulated states: distance between positions, or the run's encoder
   * on their frames (the search then uses the encoder but not the predictor).
   */
  oracleCost: 'position' | 'encoder';
  /** `--episodes`: episodes to plan. */
  episodes: number;
  /** `--seed`: seed of the episodes (tasks, contact noise) and of the planner's sampling. */
  seed: number;
  /** `--horizon`: actions each plan looks ahead (at most the steps left). */
  horizon?: number;
  /** `--replan-every`: actions executed from each plan before replanning. */
  replanEvery?: number;
  /** `--samples`: action sequences sampled per iteration. */
  samples?: number;
  /** `--iterations`: refinement iterations per plan. */
  iterations?: number;
  /** `--elites`: lowest-cost sequences the distribution is refitted to. */
  elites?: number;
  /** `--action-repeat`: executed steps each sampled action is held for. */
  actionRepeat?: number;
  /** Hierarchical planners: the search at each level above the first. */
  levelSamples?: number;
  /** `--level-iterations`: refinement iterations per plan at each level above the first. */
  levelIterations?: number;
  /** Cost reduction over the predicted steps: summed (the reference) or the plan's end only. */
  cost?: 'sum' | 'final';
  /** Episodes drawn as pictures. */
  pictures: number;
  /** `--out`: folder for the reports and pictures. */
  out?: string;
  /** `--force`: overwrite the reports of an earlier `jepa plan` in `out`. */
  force?: boolean;
  /** `--backend`: the TensorFlow.js backend (default `$JEPA_BACKEND`, else auto). */
  backend?: BackendChoice;
  /** `--progress`: a bar on a terminal, plain lines in logs. */
  progress: ProgressMode;
}

/** One `jepa plan` call, resolved by the command. */
export interface PlanRequest {
  /** The run checkpoint `--checkpoint` points at. */
  readonly location: CheckpointLocation;
  /** Absolute path of the report folder (it holds no plan report, or `--force` was given). */
  readonly out: string;
  /** The flags as parsed. */
  readonly flags: PlanFlags;
}

/** Single input files a family embeds (V-JEPA: a video file). */
export interface EmbedInputFile {
  /** e.g. `a video file`. */
  readonly noun: string;
  accepts(path: string): boolean;
}

/** The flags of `jepa eval probe`; each family refuses the ones that do not apply to it. */
export interface EvalProbeFlags {
  /** `--checkpoint`: a run folder, its `checkpoints/` folder, or one checkpoint's `.json`. */
  checkpoint: string;
  /** `--encoder`: the encoder to probe. */
  encoder: 'target' | 'context';
  /** `--dataset`: what to probe on (default the run's dataset, else MNIST). */
  dataset?: string;
  /** `--shots`: labelled train images per class in each low-shot draw. */
  shots: number;
  /** `--draws`: low-shot draws. */
  draws: number;
  /** `--full` / `--no-full`: whether to also train the full-label probe. */
  full?: boolean;
  /** `--baselines`: also probe a random-weight encoder of the same architecture and raw pixels. */
  baselines?: boolean;
  /** `--train-limit`: probe-train on only this many train images (V-JEPA: clips). */
  trainLimit?: number;
  /** `--eval-limit`: score on only this many held-out images (V-JEPA: clips). */
  evalLimit?: number;
  /** `--held-out-fraction`: image folders, the fraction of each class held out. */
  heldOutFraction?: number;
  /** `--skip-corrupt`: skip image or video files that fail to decode. */
  skipCorrupt?: boolean;
  /** Default: the family's (I-JEPA 0, V-JEPA the run's seed). */
  seed?: number;
  /** V-JEPA on Moving MNIST: the label probed. */
  task?: 'digit' | 'direction';
  /** `--backend`: the TensorFlow.js backend. */
  backend?: BackendChoice;
  /** `--out`: also write the results as JSON to this file. */
  out?: string;
}

/** The flags of `jepa embed`; each family refuses the ones that do not apply to it. */
export interface EmbedFlags {
  /**
   * `--checkpoint`: an official `.pth.tar` / `.pth`, a `.safetensors` file, a run folder, or a run
   * checkpoint's `.json`.
   */
  checkpoint: string;
  /**
   * `--input`: a folder of images or videos, a video file, or a `.safetensors` file of preprocessed tensors.
   */
  input: string;
  /** `--out`: the `.safetensors` file to write. */
  out: string;
  /**
   * `--num-heads`: encoder attention heads, when the checkpoint matches no preset and does not record them.
   */
  numHeads?: number;
  /** `--encoder`: the EMA target encoder or the context encoder. */
  encoder: 'target' | 'context';
  /** `--batch-size`: images or clips per forward pass. */
  batchSize?: number;
  /** `--skip-corrupt`: folder input, skip files that fail to decode instead of stopping. */
  skipCorrupt?: boolean;
  /** Video: frames per clip when the checkpoint cannot tell. */
  numFrames?: number;
  /** Video: frames between sampled frames (official sampling_rate). */
  frameStep?: number;
  /** Video: sample frames at about this rate instead. */
  fps?: number;
  /** Video: clips per video, their features averaged. */
  numClips?: number;
  /** Use weights that hold NaN/Inf (refused by default). */
  allowNonFinite?: boolean;
  /** `--backend`: the TensorFlow.js backend. */
  backend?: BackendChoice;
  /** `--progress`: a bar on a terminal, plain lines in logs. */
  progress: ProgressMode;
}

/** The flags of `jepa visualize`. */
export interface VisualizeFlags {
  checkpoint: string;
  /** A folder of `<class>/<image>` files (needed for checkpoints that are not runs of this library). */
  images?: string;
  count: number;
  /** Updates of the patch decoder (default: the library's). */
  decoderSteps?: number;
  seed: number;
  out: string;
  numHeads?: number;
  skipCorrupt?: boolean;
  backend?: BackendChoice;
}

/** One `jepa visualize` call, resolved by the command: a run checkpoint, or a checkpoint file read whole. */
export interface VisualizeRequest {
  readonly source: { readonly run: CheckpointLocation } | { readonly file: CheckpointFile };
  /** Absolute path of the `.png` to write. */
  readonly out: string;
  readonly flags: VisualizeFlags;
}

/** One `jepa embed` call, resolved by the command. */
export interface EmbedRequest {
  /** The checkpoint file, read. */
  readonly file: CheckpointFile;
  /** Absolute path of `--input`. */
  readonly input: string;
  /** A folder, a `.safetensors` file of preprocessed tensors, or a single file the family accepts. */
  readonly inputKind: 'folder' | 'tensor' | 'file';
  /** Absolute path of `--out` (a `.safetensors` file). */
  readonly out: string;
  /** The flags as parsed. */
  readonly flags: EmbedFlags;
}

/** What `jepa inspect` prints about a file, besides its tensors. */
export interface CheckpointSummary {
  /** One line: what the file is. */
  readonly summary: string;
  /** The model in words, when the shapes say what it is. */
  readonly model?: string;
  /** Why no model could be read. */
  readonly problem?: string;
  /** A bare state dict (no top-level module names): tensors are grouped under `(root)`. */
  readonly bare: boolean;
  /** Elements per top-level group (`encoder`, `opt`, ...; `(root)` for bare state dicts). */
  readonly parameters: Readonly<Record<string, number>>;
  /** Everything the family knows, for `--json`. */
  readonly details: Readonly<Record<string, unknown>>;
}
