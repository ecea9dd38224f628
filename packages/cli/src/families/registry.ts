import type { CheckpointFile } from '@jepa/core';
import { CliError } from '../cli-error.js';
import { ijepaFamily } from './ijepa/ijepa-family.js';
import { levelFamily } from './level/level-family.js';
import type { ModelFamily } from './model-family.js';
import { vjepaFamily } from './vjepa/vjepa-family.js';
import { worldModelFamily } from './world-model/world-model-family.js';

/**
 * The model families of the `jepa` command, in the order help texts list them. A checkpoint file is
 * matched by what it holds (families recognise disjoint files: a V-JEPA file has a 5-D tubelet
 * weight, an I-JEPA file a 4-D patch weight, a run checkpoint its kind).
 */
export const MODEL_FAMILIES: readonly ModelFamily[] = [ijepaFamily, vjepaFamily, worldModelFamily, levelFamily];

/** The family that takes what no other family claims (I-JEPA); its loaders explain what is wrong with such input. */
export const FALLBACK_FAMILY: ModelFamily = ijepaFamily;

/**
 * The family of a run kind (`ijepa`, `vjepa`) recorded in a run checkpoint or folder. An unknown
 * kind is a {@link CliError} listing the known ones; no kind at all (an unreadable manifest) goes to
 * the fallback family, whose strict loader says what is wrong with the file.
 */
export function familyOfKind(kind: string | undefined, where: string): ModelFamily {
  if (kind === undefined) return FALLBACK_FAMILY;
  const family = MODEL_FAMILIES.find((f) => f.kind === kind);
  if (!family) {
    throw new CliError(
      `${where}: is a run of kind "${kind}", which this version of jepa does not know (known: ${MODEL_FAMILIES.map((f) => `${f.kind}, ${f.label}`).join('; ')}). ` +
        'Update @jepa/cli, or pass a checkpoint written by `jepa train <kind>` of this version.',
    );
  }
  return family;
}

/** The families whose runs `jepa plan` takes. */
export function planningFamilies(): ModelFamily[] {
  return MODEL_FAMILIES.filter((family) => family.plan !== undefined);
}

/**
 * The error of a command (`jepa eval probe`, `jepa embed`, `jepa plan`) given a checkpoint of a
 * family that does not support it: what the checkpoint is and what to run instead.
 * @param checkpoint the `--checkpoint` argument as typed.
 * @param why what the command needs, e.g. `it probes encoders with labelled data`.
 */
export function unsupportedCommand(family: ModelFamily, command: string, checkpoint: string, why: string): CliError {
  const article = /^[AEIOU]/i.test(family.label) ? 'an' : 'a';
  const instead = family.instead?.(checkpoint);
  return new CliError(`--checkpoint ${checkpoint}: is ${article} ${family.label} run (\`jepa train ${family.kind}\`), which \`${command}\` does not take (${why})${instead ? `; ${instead}` : ''}.`);
}

/** The family whose encoder a checkpoint file holds; the fallback family takes whatever no other recognises, and explains. */
export function familyOfCheckpoint(file: CheckpointFile): ModelFamily {
  return MODEL_FAMILIES.find((family) => family.recognizes(file)) ?? FALLBACK_FAMILY;
}

/** The family that embeds single files like `path` (e.g. V-JEPA for a video file), if any. */
export function familyOfInputFile(path: string): ModelFamily | undefined {
  return MODEL_FAMILIES.find((family) => family.embedInputFile?.accepts(path));
}

/** What single input files the families embed, for messages: `a video file`. */
export function inputFileNouns(): string[] {
  return MODEL_FAMILIES.flatMap((family) => (family.embedInputFile ? [family.embedInputFile.noun] : []));
}
