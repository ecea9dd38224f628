#!/usr/bin/env node
// The `jepa` executable. It is committed (not built) so that `npm install` / `npm ci` can link it
// into node_modules/.bin before anything is built; it loads the CLI that `npm run build` writes
// to dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write(
    `jepa: the CLI is not built yet (${fileURLToPath(built)} is missing). ` +
      'Run `npm run build` in the repository root (or install @jepa/cli from npm), then try again.\n',
  );
  process.exit(1);
}
await import(built.href);
