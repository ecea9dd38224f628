import { Option } from 'commander';
import { initBackend, type BackendChoice, type BackendInfo } from '@jepa/core';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';

/** Backends `--backend` accepts. */
export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu'] as const;
/** Progress displays `--progress` accepts. */
export const PROGRESS_CHOICES = ['auto', 'bar', 'lines', 'none'] as const;

/** `--backend <name>`, the same on every command. */
export function backendOption(description = 'TensorFlow.js backend (default: $JEPA_BACKEND, else auto)'): Option {
  return new Option('--backend <name>', description).choices(BACKEND_CHOICES);
}

/** `--progress <mode>`, default `auto`. */
export function progressOption(description = 'progress display: a bar on a terminal, plain lines in logs'): Option {
  return new Option('--progress <mode>', description).choices(PROGRESS_CHOICES).default('auto');
}

/** Starts the backend asked for (`--backend`, else `$JEPA_BACKEND`, else auto); a failure names the choice. */
export async function startBackend(requested: BackendChoice | undefined, io: CliIo): Promise<BackendInfo> {
  try {
    return await initBackend({ backend: requested, env: io.env });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (--backend ${requested ?? io.env.JEPA_BACKEND ?? 'auto'})`, 1, { cause: error });
  }
}
