import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helpers without declarations (run by node directly)
import { formatBytes, listPublicPackages, selectPublicPackages } from './public-packages.mjs';
// @ts-expect-error: plain .mjs helpers without declarations
import { parseSmokeResult, summarize } from './smoke-summary.mjs';

const pkg = (name: string, extra: Record<string, unknown> = {}) => ({ dir: `/x/${name}`, pkg: { name, version: '1.0.0', nx: { tags: ['public'] }, ...extra } });

describe('selectPublicPackages', () => {
  it('keeps non-private packages tagged public, dependencies first', () => {
    const picked = selectPublicPackages([
      pkg('@jepa/cli', { dependencies: { '@jepa/vision': '*', '@jepa/core': '*', commander: '^14' }, bin: { jepa: './bin/jepa.js' } }),
      pkg('@jepa/vision', { dependencies: { '@jepa/core': '*' } }),
      pkg('@jepa/core'),
      pkg('@jepa/private-app', { private: true }),
      { dir: '/x/untagged', pkg: { name: 'untagged', version: '1.0.0' } },
    ]);
    expect(picked.map((p: { name: string }) => p.name)).toEqual(['@jepa/core', '@jepa/vision', '@jepa/cli']);
    expect(picked[2]).toMatchObject({ dir: '/x/@jepa/cli', version: '1.0.0', bin: ['jepa'] });
  });

  it('says so when public packages depend on each other in a cycle', () => {
    expect(() => selectPublicPackages([pkg('a', { dependencies: { b: '*' } }), pkg('b', { dependencies: { a: '*' } })])).toThrow(/cycle/);
  });

  it('finds the five public packages of this workspace', () => {
    expect(listPublicPackages().map((p: { name: string }) => p.name)).toEqual(['@jepa/core', '@jepa/hierarchy', '@jepa/video', '@jepa/vision', '@jepa/cli']);
  });
});

describe('formatBytes', () => {
  it('uses npm pack units', () => {
    expect([formatBytes(999), formatBytes(321_160), formatBytes(1_162_757)]).toEqual(['999 B', '321.2 kB', '1.2 MB']);
  });
});

describe('smoke summary', () => {
  const result = (format: string, results: unknown[]) => `PASS noise\nSMOKE_RESULT ${JSON.stringify({ format, results })}\n`;
  const ok = (pkg: string, what = 'load') => ({ pkg, what, ok: true });

  it('reads the last SMOKE_RESULT line and ignores a missing or broken one', () => {
    expect(parseSmokeResult(result('esm', [ok('a')]))).toEqual({ format: 'esm', results: [ok('a')] });
    expect(parseSmokeResult('crashed')).toBeUndefined();
    expect(parseSmokeResult('SMOKE_RESULT {')).toBeUndefined();
  });

  it('passes only when every package passes in both formats and the bin runs', () => {
    const outputs = { esm: { stdout: result('esm', [ok('a'), ok('b')]), status: 0 }, cjs: { stdout: result('cjs', [ok('a'), ok('b')]), status: 0 } };
    const base = { packages: ['a', 'b'], outputs, installOk: true, binOk: true, duplicates: [] };
    expect(summarize(base).ok).toBe(true);
    expect(summarize({ ...base, binOk: false }).ok).toBe(false);
    expect(summarize({ ...base, duplicates: ['@tensorflow/tfjs-core@4.22.0,4.21.0'] }).ok).toBe(false);

    const failing = summarize({ ...base, outputs: { ...outputs, cjs: { stdout: result('cjs', [ok('a'), { pkg: 'b', what: 'load b', ok: false }]), status: 1 } } });
    expect(failing.ok).toBe(false);
    expect(failing.lines).toContain('FAIL cjs b                failed: load b');
    expect(failing.lines.filter((l: string) => l.startsWith('PASS'))).toHaveLength(4);
  });

  it('fails a format whose script died without a result, and every package in it', () => {
    const { ok: passed, lines } = summarize({ packages: ['a'], outputs: { esm: { stdout: 'Segmentation fault', status: 139 } }, installOk: true, binOk: true, duplicates: [] });
    expect(passed).toBe(false);
    expect(lines).toContain('FAIL esm: the smoke script exited 139 without a result');
    expect(lines).toContain('FAIL cjs: the smoke script did not run');
  });
});
