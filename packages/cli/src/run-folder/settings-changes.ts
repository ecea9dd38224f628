/**
 * The leaf paths where `before` and `after` differ, as `path: before -> after` lines
 * (`training.optimization.lr: 0.001 -> 0.002`). Objects are compared key by key, anything else by
 * its JSON text, so `undefined` and a missing key are the same.
 */
export function settingsChanges(before: unknown, after: unknown, path = ''): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, at: string) => {
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], at ? `${at}.${key}` : key);
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${at}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    }
  };
  walk(before, after, path);
  return out;
}
