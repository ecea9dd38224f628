import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '@jepa/core';
import type { IJepaTrainingConfig } from '@jepa/vision';
import { CliError } from './cli-error.js';
import type { DataSpec } from './run-data.js';
import type { ResolvedModelConfig } from './resolve-model-config.js';

/** An I-JEPA training config whose model sizes are spelled out. */
export interface ResolvedTrainingConfig extends IJepaTrainingConfig {
  readonly model: ResolvedModelConfig;
}

/** How the run is driven (not part of the model or its optimisation). */
export interface RunSettings {
  readonly checkpointEvery: number;
  readonly logEvery: number;
  readonly evaluate: boolean;
  readonly shotsPerClass: number;
  readonly draws: number;
}

/** `config.json` of a run folder: everything needed to repeat, resume or evaluate it. */
export interface RunConfig {
  readonly format: 'jepa-run-config';
  readonly version: 1;
  readonly command: string;
  readonly createdAt: string;
  /** Set when the run was resumed (the last time). */
  readonly resumedAt?: string;
  readonly training: ResolvedTrainingConfig;
  readonly data: DataSpec;
  readonly run: RunSettings;
  readonly backend: { readonly backend: string; readonly requested: string; readonly provider: string };
  readonly versions: Record<string, string>;
}

/** The file name of a run's config. */
export const RUN_CONFIG_FILE = 'config.json';

function localRequire(): NodeRequire {
  const url = (import.meta as { url?: string }).url;
  return createRequire(url ?? __filename);
}

/** Versions of the packages and runtime a run used. */
export function runtimeVersions(): Record<string, string> {
  const require = localRequire();
  const versionOf = (specifier: string): string => {
    try {
      return (require(specifier) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    '@jepa/cli': versionOf('../package.json'),
    '@jepa/core': versionOf('@jepa/core/package.json'),
    '@jepa/vision': versionOf('@jepa/vision/package.json'),
    '@tensorflow/tfjs': tf.version.tfjs,
    node: process.versions.node,
  };
}

/** Writes `<runDir>/config.json` (atomically). */
export async function writeRunConfig(runDir: string, config: RunConfig): Promise<void> {
  await writeFileAtomic(join(runDir, RUN_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** Reads `<runDir>/config.json`; undefined when there is none, a {@link CliError} when it is not a run config. */
export async function readRunConfig(runDir: string): Promise<RunConfig | undefined> {
  const path = join(runDir, RUN_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  let config: RunConfig;
  try {
    config = JSON.parse(text) as RunConfig;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message}). Restore it, or start a new run with another --out.`);
  }
  if (config?.format !== 'jepa-run-config' || typeof config.training !== 'object' || typeof config.data !== 'object') {
    throw new CliError(`${path} is not a run config written by \`jepa train\` (no "format": "jepa-run-config" with training and data). Check the folder.`);
  }
  return config;
}
