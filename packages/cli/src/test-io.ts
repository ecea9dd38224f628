import type { CliIo } from './cli-io.js';

/** A {@link CliIo} that records what the CLI writes (for tests). */
export function captureIo(cwd: string, env: Record<string, string | undefined> = {}): { io: CliIo; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      cwd,
      env,
    },
    stdout: () => out,
    stderr: () => err,
  };
}
