import { elementCount, type CheckpointFile } from '@jepa/core';
import type { WorldModelTrainingConfig } from '@jepa/hierarchy';
import type { CheckpointSummary, ModelFamily } from '../model-family.js';
import { planWorldModel, WORLD_MODEL_PLAN_HELP } from './plan-world-model.js';
import { registerTrainWorldModel } from './train-world-model.js';
import { describeWorldModelConfig, WORLD_MODEL_RUN_KIND } from './world-model-run.js';

type RunMeta = { trainer?: { step?: unknown }; state?: { kind?: unknown; config?: Partial<WorldModelTrainingConfig> } };

/** `meta` of a run checkpoint's manifest, if the file is one. */
const metaOf = (file: CheckpointFile) => file.manifest?.meta as RunMeta | undefined;

/** The checkpoint prefixes of a world model's modules, in the order they are listed. */
const MODULES = ['encoder', 'predictor', 'inverse_dynamics'] as const;

/**
 * Action-conditioned world models (`@jepa/hierarchy`): trained on an environment's offline
 * trajectories and evaluated by planning (`jepa plan`), not by probes or embeddings.
 */
export const worldModelFamily: ModelFamily = {
  kind: WORLD_MODEL_RUN_KIND,
  label: 'world model',
  encoderNoun: 'a world model (a frame encoder with an action-conditioned predictor)',
  registerTrain: (group, context) => registerTrainWorldModel(group, context),
  recognizes: (file) => metaOf(file)?.state?.kind === WORLD_MODEL_RUN_KIND,
  plan: { help: WORLD_MODEL_PLAN_HELP, run: (request, context) => planWorldModel(request, context) },
  instead: (checkpoint) => `evaluate it by planning with \`jepa plan --checkpoint ${checkpoint}\` (success rate of reaching goals in its environment)`,
  describe(file): CheckpointSummary {
    const parameters: Record<string, number> = {};
    for (const [key, tensor] of file.tensors) {
      const dot = key.indexOf('.');
      const group = dot < 0 ? '(root)' : key.slice(0, dot);
      parameters[group] = (parameters[group] ?? 0) + elementCount(tensor.shape);
    }
    const meta = metaOf(file);
    const step = meta?.trainer?.step;
    const modules = MODULES.filter((m) => m in parameters);
    const summary =
      `world-model run checkpoint of \`jepa train ${WORLD_MODEL_RUN_KIND}\`${typeof step === 'number' ? ` (step ${step})` : ''} ` +
      `(${modules.join(', ')}${'optimizer' in parameters ? '; AdamW moments under optimizer.' : ''})`;
    const model = meta?.state?.config?.model;
    let description: string | undefined;
    let problem: string | undefined;
    try {
      if (model) description = describeWorldModelConfig(model);
      else problem = 'the manifest records no model config (meta.state.config.model)';
    } catch (error) {
      problem = `the recorded model config is unreadable (${(error as Error).message})`;
    }
    return {
      summary,
      ...(description ? { model: description } : {}),
      ...(problem ? { problem } : {}),
      bare: false,
      parameters,
      details: { kind: 'jepa-run-checkpoint', runKind: WORLD_MODEL_RUN_KIND, summary, step: typeof step === 'number' ? step : null, modules, ...(model ? { model } : {}), ...(problem ? { problem } : {}), parameters },
    };
  },
};
