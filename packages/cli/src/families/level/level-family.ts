import { elementCount, type CheckpointFile } from '@jepa/core';
import type { CheckpointSummary, ModelFamily } from '../model-family.js';
import { planWorldModel } from '../world-model/plan-world-model.js';
import { LEVEL_RUN_KIND, type LevelTrainingConfig } from './level-run.js';
import { loadStackLevels, resolveStack } from './level-stack.js';
import { registerTrainLevel } from './train-level.js';

type RunMeta = { trainer?: { step?: unknown }; state?: { kind?: unknown; config?: Partial<LevelTrainingConfig> } };

const metaOf = (file: CheckpointFile) => file.manifest?.meta as RunMeta | undefined;

/**
 * Latent levels (`jepa train level`): H-JEPA levels stacked on a frozen world model, planned with by
 * `jepa plan --planner hierarchical` (the flat planners plan with the world model at the bottom).
 */
export const levelFamily: ModelFamily = {
  kind: LEVEL_RUN_KIND,
  label: 'level',
  encoderNoun: 'a latent level (a macro-action predictor over a frozen world model)',
  registerTrain: (group, context) => registerTrainLevel(group, context),
  recognizes: (file) => metaOf(file)?.state?.kind === LEVEL_RUN_KIND,
  plan: {
    help: `Level runs (\`jepa train level\`) plan with --planner hierarchical: the top level plans macro-actions toward the goal's latent and
hands its first predicted step down as a subgoal, down to the world model's CEM over actions (TWO_ROOMS_PLANNING.hierarchical /
FOUR_ROOMS_PLANNING.hierarchical: each level CEM over up to levelHorizon steps; --samples, --iterations, --elites, --action-repeat and
--horizon set level 1's search). --planner cem, mppi or oracle plan flat with the world model at the bottom of the stack.`,
    run: async (request, context) => {
      const stack = await resolveStack(request.flags.checkpoint, context.io.cwd);
      const levels = request.flags.planner === 'hierarchical' ? await loadStackLevels(stack) : [];
      try {
        await planWorldModel({ ...request, location: stack.worldModel.location }, context, { levels, top: stack.levels[stack.levels.length - 1]!.json });
      } finally {
        for (const { level } of levels) level.dispose();
      }
    },
  },
  instead: (checkpoint) => `plan with it: \`jepa plan --checkpoint ${checkpoint} --planner hierarchical\``,
  describe(file): CheckpointSummary {
    const parameters: Record<string, number> = {};
    for (const [key, tensor] of file.tensors) {
      const group = key.startsWith('optimizer.') ? 'optimizer' : 'predictor';
      parameters[group] = (parameters[group] ?? 0) + elementCount(tensor.shape);
    }
    const meta = metaOf(file);
    const step = meta?.trainer?.step;
    const model = meta?.state?.config?.model;
    const summary = `level run checkpoint of \`jepa train level\`${typeof step === 'number' ? ` (step ${step})` : ''} (predictor${'optimizer' in parameters ? '; AdamW moments under optimizer.' : ''})`;
    const description = model
      ? `latent level: GRU predictor over ${model.latentDim}-wide latents, one step per ${model.stepSkip} actions, macro-action the ${model.macroAction ?? 'sum'} of ${model.actionDim}-D actions`
      : undefined;
    return {
      summary,
      ...(description ? { model: description } : { problem: 'the manifest records no level config (meta.state.config.model)' }),
      bare: false,
      parameters,
      details: { kind: 'jepa-run-checkpoint', runKind: LEVEL_RUN_KIND, summary, step: typeof step === 'number' ? step : null, ...(model ? { model } : {}), parameters },
    };
  },
};
