// Turns the smoke scripts' output into one PASS/FAIL line per package and format (pure, tested).

/**
 * Reads the `SMOKE_RESULT {json}` line a smoke script prints last.
 * @returns {{ format: string, results: { pkg: string, what: string, ok: boolean, error?: string }[] } | undefined}
 */
export function parseSmokeResult(stdout) {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith('SMOKE_RESULT '));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice('SMOKE_RESULT '.length));
  } catch {
    return undefined;
  }
}

/**
 * @param {{ packages: string[], outputs: Record<string, { stdout: string, status: number | null, time?: string }>,
 *   installOk: boolean, binOk: boolean, duplicates: string[] }} input
 * @returns {{ lines: string[], ok: boolean }}
 */
export function summarize({ packages, outputs, installOk, binOk, duplicates }) {
  const lines = [];
  let ok = installOk;
  if (!installOk) lines.push('FAIL install: npm install of the tarballs failed (see above)');
  if (duplicates.length) {
    ok = false;
    lines.push(`FAIL install: more than one copy of ${duplicates.join('; ')}`);
  }
  for (const format of ['esm', 'cjs']) {
    const out = outputs[format];
    const parsed = out ? parseSmokeResult(out.stdout) : undefined;
    if (installOk && (!parsed || out.status !== 0) && !parsed?.results.some((r) => !r.ok)) {
      ok = false;
      lines.push(`FAIL ${format}: the smoke script ${out ? `exited ${out.status} without a result` : 'did not run'}`);
    }
    for (const pkg of packages) {
      const mine = parsed?.results.filter((r) => r.pkg === pkg) ?? [];
      const failed = mine.filter((r) => !r.ok);
      const pass = installOk && parsed !== undefined && mine.length > 0 && failed.length === 0;
      if (!pass) ok = false;
      const what = mine.length ? mine.map((r) => r.what).join(', ') : 'no checks ran';
      lines.push(`${pass ? 'PASS' : 'FAIL'} ${format.padEnd(3)} ${pkg.padEnd(16)} ${failed.length ? `failed: ${failed.map((r) => r.what).join(', ')}` : what}`);
    }
  }
  if (installOk) {
    if (!binOk) ok = false;
    lines.push(`${binOk ? 'PASS' : 'FAIL'} bin ${'@jepa/cli'.padEnd(16)} npx jepa --help`);
  }
  return { lines, ok };
}
