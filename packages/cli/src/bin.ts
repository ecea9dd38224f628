import { exitQuietlyOnBrokenPipe } from './broken-pipe.js';
import { runCli } from './run-cli.js';

// The `jepa` executable (tsup adds the shebang). The first Ctrl-C stops training after the current
// step and saves a checkpoint; a second one exits at once.
// `jepa --help | head -1`: the reader closing the pipe ends the command quietly (status 0).
exitQuietlyOnBrokenPipe(process.stdout, (code) => process.exit(code));
exitQuietlyOnBrokenPipe(process.stderr, (code) => process.exit(code));

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nstopping after the current step (Ctrl-C again to quit at once)...\n');
  controller.abort();
});

// Killed (SIGTERM, a closed terminal): exit through process.exit so held run-folder locks are released.
process.on('SIGTERM', () => process.exit(143));
process.on('SIGHUP', () => process.exit(129));

process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
