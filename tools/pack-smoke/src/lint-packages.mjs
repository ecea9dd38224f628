// `npm run lint:packages`: publint and `attw --pack` on each public package, as npm would pack it.
// Build first (`npm run build`): both tools read dist/. Exits non-zero when any check fails.
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { listPublicPackages, repoRoot } from './public-packages.mjs';

const checks = [
  // --strict: warnings fail too, so "clean" means nothing reported above suggestions.
  { tool: 'publint', args: ['publint', '--strict'] },
  // The default profile checks node10, node16 (CJS and ESM) and bundler resolution.
  { tool: 'attw', args: ['attw', '--pack', '.'] },
];

const failures = [];
for (const { name, dir } of listPublicPackages()) {
  for (const { tool, args } of checks) {
    process.stdout.write(`\n=== ${tool} ${name} (${relative(repoRoot, dir)})\n`);
    const result = spawnSync('npx', ['--no-install', ...args], { cwd: dir, stdio: 'inherit' });
    if (result.status !== 0) failures.push(`${tool} ${name}`);
  }
}
if (failures.length) {
  process.stdout.write(`\nlint:packages FAIL: ${failures.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write('\nlint:packages PASS: publint and attw report nothing for any public package\n');
