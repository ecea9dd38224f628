// `npm run smoke:packages`: the public packages as users get them. Builds, `npm pack`s each public
// package, installs the tarballs (plus the peer dependency @tensorflow/tfjs) into a fresh project in
// os.tmpdir() (outside the workspace, so nothing resolves to the sources), then runs an ESM and a
// CommonJS smoke script there and `npx jepa --help`. Prints PASS/FAIL per package and format;
// exits non-zero on any failure. Takes minutes (the install): not part of `npm test`.
//
// Options: --skip-build (reuse dist/), --keep (keep the temporary folder; kept anyway on failure).
// JEPA_SMOKE_BACKEND=cpu runs the training step on cpu instead of wasm.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { formatBytes, listPublicPackages, repoRoot } from './public-packages.mjs';
import { CJS_SMOKE, ESM_SMOKE } from './smoke-body.mjs';
import { summarize } from './smoke-summary.mjs';

const args = new Set(process.argv.slice(2));
const started = Date.now();
const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const log = (line) => process.stdout.write(`${line}\n`);

function run(command, commandArgs, cwd, { capture = false } = {}) {
  const t0 = Date.now();
  log(`$ ${command} ${commandArgs.join(' ')}   (in ${cwd})`);
  const result = spawnSync(command, commandArgs, { cwd, encoding: 'utf8', stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit', maxBuffer: 64 << 20 });
  log(`  -> exit ${result.status} after ${seconds(t0)}`);
  return result;
}

const packages = listPublicPackages();
if (!args.has('--skip-build')) {
  const build = run('npm', ['run', 'build'], repoRoot);
  if (build.status !== 0) {
    log('smoke:packages FAIL: npm run build failed');
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'jepa-pack-smoke-'));
const tarballDir = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballDir);
mkdirSync(project);
log(`\nworking in ${work}`);

// 1. npm pack each public package.
const tarballs = [];
for (const pkg of packages) {
  const packed = run('npm', ['pack', '--json', '--pack-destination', tarballDir], pkg.dir, { capture: true });
  if (packed.status !== 0) {
    log(packed.stderr);
    log(`smoke:packages FAIL: npm pack ${pkg.name}`);
    process.exit(1);
  }
  const [info] = JSON.parse(packed.stdout);
  tarballs.push(join(tarballDir, info.filename));
  log(`  ${pkg.name}: ${info.entryCount} files, ${formatBytes(info.size)} packed, ${formatBytes(info.unpackedSize)} unpacked`);
}

// 2. A fresh project that installs the tarballs and the peer dependency users add themselves.
const core = JSON.parse(readFileSync(join(packages.find((p) => p.name === '@jepa/core').dir, 'package.json'), 'utf8'));
const tfjsRange = core.peerDependencies['@tensorflow/tfjs'];
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'jepa-pack-smoke-project', version: '0.0.0', private: true }, null, 2));
const installStarted = Date.now();
const install = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, `@tensorflow/tfjs@${tfjsRange}`], project);
const installTime = seconds(installStarted);

// 3. One copy of each @jepa package and of tfjs-core (two copies mean two engines).
const duplicates = [];
if (install.status === 0) {
  const ls = run('npm', ['ls', '--all', '--json', '--package-lock-only'], project, { capture: true });
  const seen = new Map();
  const walk = (deps) => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (name.startsWith('@jepa/') || name === '@tensorflow/tfjs-core') {
        if (node.version) seen.set(name, new Set([...(seen.get(name) ?? []), node.version]));
      }
      walk(node.dependencies);
    }
  };
  walk(JSON.parse(ls.stdout || '{}').dependencies);
  for (const [name, versions] of seen) if (versions.size > 1) duplicates.push(`${name}@${[...versions].join(',')}`);
}

// 4. The smoke scripts and the bin.
const outputs = {};
if (install.status === 0) {
  writeFileSync(join(project, 'smoke.mjs'), ESM_SMOKE);
  writeFileSync(join(project, 'smoke.cjs'), CJS_SMOKE);
  for (const [format, file] of [['esm', 'smoke.mjs'], ['cjs', 'smoke.cjs']]) {
    const t0 = Date.now();
    const result = run('node', [file], project, { capture: true });
    process.stdout.write(result.stdout);
    if (result.stderr.trim()) process.stdout.write(result.stderr.split('\n').map((l) => `  [stderr] ${l}`).join('\n') + '\n');
    outputs[format] = { stdout: result.stdout, status: result.status, time: seconds(t0) };
  }
}
let binOk = false;
if (install.status === 0) {
  const help = run('npx', ['--no-install', 'jepa', '--help'], project, { capture: true });
  binOk = help.status === 0 && /Usage:\s*jepa/i.test(help.stdout);
  log(help.stdout.split('\n').slice(0, 4).map((l) => `  | ${l}`).join('\n'));
  if (!binOk) log(help.stderr);
}

// 5. The verdict.
const { lines, ok } = summarize({
  packages: packages.map((p) => p.name),
  outputs,
  installOk: install.status === 0,
  binOk,
  duplicates,
});
log('\n=== smoke:packages');
for (const line of lines) log(line);
log(`install ${installTime}; total ${seconds(started)}`);
if (ok && !args.has('--keep')) rmSync(work, { recursive: true, force: true });
else log(`kept ${work}${existsSync(project) ? ` (project: ${relative(process.cwd(), project)})` : ''}`);
log(ok ? 'smoke:packages PASS' : 'smoke:packages FAIL');
process.exit(ok ? 0 : 1);
