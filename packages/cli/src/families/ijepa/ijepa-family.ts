import { describeCheckpoint, splitModuleWeights } from '@jepa/vision';
import type { ModelFamily } from '../model-family.js';
import { DEFAULT_IMAGE_BATCH, EMBED_IMAGES_HELP, embedImages } from './embed-images.js';
import { evalProbeIJepa } from './eval-probe-ijepa.js';
import { IJEPA_KIND, registerTrainIjepa } from './train-ijepa.js';
import { visualizeIJepa } from './visualize-ijepa.js';

/** `meta.state.kind` of a run checkpoint's manifest, if the file is one. */
const runKindOf = (file: { manifest?: { meta?: unknown } }) => (file.manifest?.meta as { state?: { kind?: unknown } } | undefined)?.state?.kind;

/** I-JEPA (`@jepa/vision`): ViT image encoders, official I-JEPA checkpoints, image folders and MNIST. */
export const ijepaFamily: ModelFamily = {
  kind: IJEPA_KIND,
  label: 'I-JEPA',
  encoderNoun: 'an image encoder',
  registerTrain: (group, context) => registerTrainIjepa(group, context),
  recognizes(file) {
    if (runKindOf(file) === IJEPA_KIND) return true;
    for (const [key, tensor] of file.tensors) {
      if ((key === 'patch_embed.proj.weight' || key.endsWith('.patch_embed.proj.weight')) && tensor.shape.length === 4) return true;
    }
    return false;
  },
  evalProbe: (location, flags, context) => evalProbeIJepa(location, flags, context, IJEPA_KIND),
  embedHelp: { batch: `images (default ${DEFAULT_IMAGE_BATCH})`, text: EMBED_IMAGES_HELP },
  embed: (request, context) => embedImages(request, context),
  visualize: (request, context) => visualizeIJepa(request, context, IJEPA_KIND),
  describe(file, options) {
    const description = describeCheckpoint(file, options);
    return {
      summary: description.summary,
      ...(description.model !== undefined ? { model: description.model } : {}),
      ...(description.problem !== undefined ? { problem: description.problem } : {}),
      bare: splitModuleWeights(file).layout !== 'modules',
      parameters: description.parameters,
      details: { ...description },
    };
  },
};
