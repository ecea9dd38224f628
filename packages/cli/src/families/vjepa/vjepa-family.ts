import { extname } from 'node:path';
import { elementCount } from '@jepa/core';
import { inferVJepaArchitecture, splitVJepaWeights, VJEPA_MODULES, type VJepaArchitecture } from '@jepa/video';
import { DEFAULT_VIDEO_EXTENSIONS } from '@jepa/video/node';
import type { CheckpointSummary, ModelFamily } from '../model-family.js';
import { DEFAULT_CLIP_BATCH, EMBED_VIDEOS_HELP, embedVideos, isVideoCheckpoint, vjepaRunConfig } from './embed-videos.js';
import { evalProbeVJepa } from './eval-probe-vjepa.js';
import { registerTrainVjepa, VJEPA_KIND } from './train-vjepa.js';

/** The model of a V-JEPA architecture in words, for `jepa inspect`. */
function formatVJepaArchitecture(architecture: VJepaArchitecture): string {
  const e = architecture.encoder;
  const heads = architecture.numHeads === undefined ? 'heads: not inferable (matches no preset) — pass --num-heads' : `heads: ${architecture.numHeads} (${architecture.headsFrom === 'preset' ? `preset ${architecture.preset}` : 'given'})`;
  let text =
    `V-JEPA video ViT with width ${e.embedDim}, depth ${e.depth}, tubelet ${e.tubeletSize}x${e.patchSize}x${e.patchSize}, clip ${e.numFrames}x${e.imageSize}x${e.imageSize} ` +
    `(grid ${e.grid.join(' x ')}), ${e.inChannels} channel${e.inChannels === 1 ? '' : 's'}, MLP ratio ${Number(e.mlpRatio.toFixed(4))}; ${heads}`;
  const p = architecture.predictor;
  if (p) text += `. Predictor: width ${p.embedDim}, depth ${p.depth}, ${p.numMaskTokens} mask token${p.numMaskTokens === 1 ? '' : 's'}`;
  return text;
}

/** V-JEPA (`@jepa/video`): video ViTs over tubelets, official V-JEPA checkpoints, videos decoded by ffmpeg, Moving MNIST. */
export const vjepaFamily: ModelFamily = {
  kind: VJEPA_KIND,
  label: 'V-JEPA',
  encoderNoun: 'a video encoder',
  registerTrain: (group, context) => registerTrainVjepa(group, context),
  recognizes: (file) => isVideoCheckpoint(file, VJEPA_KIND),
  evalProbe: (location, flags, context) => evalProbeVJepa(location, flags, context, VJEPA_KIND),
  embedInputFile: { noun: 'a video file', accepts: (path) => DEFAULT_VIDEO_EXTENSIONS.includes(extname(path).toLowerCase()) },
  embedHelp: { batch: `clips (default ${DEFAULT_CLIP_BATCH})`, text: EMBED_VIDEOS_HELP },
  embed: (request, context) => embedVideos(request, context, VJEPA_KIND),
  describe(file, options): CheckpointSummary {
    const weights = splitVJepaWeights(file);
    const modules = VJEPA_MODULES.filter((m) => weights.modules.has(m));
    const bare = modules.length === 0;
    const parameters: Record<string, number> = {};
    for (const [key, tensor] of file.tensors) {
      const dot = key.indexOf('.');
      const group = bare || dot < 0 ? '(root)' : key.slice(0, dot);
      parameters[group] = (parameters[group] ?? 0) + elementCount(tensor.shape);
    }
    const run = vjepaRunConfig(file, VJEPA_KIND);
    const step = (file.manifest?.meta as { trainer?: { step?: unknown } } | undefined)?.trainer?.step;
    const prefixes = [...new Set([...weights.strippedPrefix.values()].filter(Boolean))];
    const summary = run
      ? `checkpoint of a \`jepa train ${VJEPA_KIND}\` run${typeof step === 'number' ? ` (step ${step})` : ''} (${modules.join(', ')})`
      : bare
        ? 'bare V-JEPA video encoder state dict'
        : `V-JEPA ${modules.length === VJEPA_MODULES.length ? 'full training checkpoint' : 'modules'} (${modules.join(', ')}${prefixes.length ? `; keys prefixed '${prefixes.join("', '")}'` : ''})`;
    let architecture: VJepaArchitecture | undefined;
    let problem: string | undefined;
    if (!bare) {
      try {
        const recorded = run ? resolveRecordedHeads(run) : undefined;
        architecture = inferVJepaArchitecture(weights, { numHeads: options.numHeads ?? recorded, numFrames: run?.model.numFrames });
      } catch (error) {
        problem = (error as Error).message;
      }
    }
    return {
      summary,
      ...(architecture ? { model: formatVJepaArchitecture(architecture) } : {}),
      ...(problem ? { problem } : {}),
      bare,
      parameters,
      details: { kind: run ? 'jepa-run-checkpoint' : bare ? 'encoder-state-dict' : 'vjepa-checkpoint', summary, modules, ...(architecture ? { architecture } : {}), ...(problem ? { problem } : {}), parameters },
    };
  },
};

/** The encoder heads a `jepa train vjepa` run recorded in its config. */
function resolveRecordedHeads(run: { model: { encoder: unknown } }): number | undefined {
  const encoder = run.model.encoder as { numHeads?: unknown };
  return typeof encoder === 'object' && typeof encoder.numHeads === 'number' ? encoder.numHeads : undefined;
}
