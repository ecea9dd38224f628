import type { Command } from 'commander';
import { type CheckpointFile, type CheckpointTensor } from '@jepa/core';
import { readCheckpointArgument } from '../checkpoints/checkpoint-argument.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { CheckpointSummary } from '../families/model-family.js';
import { familyOfCheckpoint } from '../families/registry.js';
import { integerAtLeast } from '../option-parsers.js';
import { formatTextTable } from '../report/text-table.js';

/** The flags of `jepa inspect`. */
export interface InspectFlags {
  all?: boolean;
  numHeads?: number;
  json?: boolean;
  lines: number;
}

const EXAMPLES = `
Examples:
  $ jepa inspect IN1K-vit.h.14-300e.pth.tar          # an official I-JEPA release
  $ jepa inspect ../shared/fixtures/ijepa-tiny/checkpoint.pth.tar --num-heads 3
  $ jepa inspect runs/mnist                          # the newest checkpoint of a run folder
  $ jepa inspect export.safetensors --all            # every tensor, nothing folded
  $ jepa inspect model.pth --json                    # the same as JSON, for scripts

Nothing in a .pth file is executed: its pickle is read by a data-only reader that refuses every
global outside the few torch needs for tensors (torch.load would run whatever the file names).`;

/** Registers `jepa inspect FILE`. */
export function registerInspect(program: Command, context: CliContext): Command {
  return program
    .command('inspect')
    .summary('list the tensors, sizes and metadata of a .pth/.pth.tar/.safetensors checkpoint')
    .description(
      'Show what a checkpoint holds: the model it recognises (an official I-JEPA training checkpoint, a bare encoder state dict, ' +
        'an export or a run checkpoint of this library) with the sizes read from its tensor shapes, parameters per top-level module, ' +
        'non-tensor metadata (epoch, lr, ...), and its tensors with dtypes and shapes (repeated blocks folded; --all lists everything).',
    )
    .argument('<file>', '.pth, .pth.tar or .safetensors file, a run folder, or a run checkpoint\'s .json')
    .option('--all', 'list every tensor (no folding of repeated blocks, no truncation)')
    .option('--num-heads <n>', 'encoder attention heads, when they cannot be read from the file (checked against the width)', integerAtLeast(1))
    .option('--lines <n>', 'tensor lines shown per module before truncating (without --all)', integerAtLeast(1), 24)
    .option('--json', 'print a JSON description instead of text')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, flags: InspectFlags) => {
      await inspect(file, flags, context);
    });
}

const fmtShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const count = (n: number) => n.toLocaleString('en-US');
const megabytes = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);

/** A metadata value in one short piece of text. */
function showValue(value: unknown): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}...` : value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Set ? [...v] : v));
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** Deepest metadata `--json` writes (the torch reader refuses deeper pickles already). */
export const MAX_JSON_DEPTH = 1000;

/**
 * Metadata as plain JSON values (bigints as strings, bytes as `<n bytes>`, sets and maps as
 * arrays and objects), refusing values nested deeper than `maxDepth` with a {@link CliError} that
 * names the limit and the key, instead of overflowing the stack in `JSON.stringify`.
 */
export function metadataJson(value: unknown, maxDepth = MAX_JSON_DEPTH): unknown {
  const onPath = new Set<object>();
  const convert = (item: unknown, depth: number, key: string): unknown => {
    if (typeof item === 'bigint') return String(item);
    if (item instanceof Uint8Array) return `<${item.length} bytes>`;
    if (typeof item === 'number' && !Number.isFinite(item)) return String(item);
    if (typeof item !== 'object' || item === null) return item;
    if (depth >= maxDepth) {
      throw new CliError(`--json: the metadata nests deeper than ${maxDepth} levels (at ${key || 'the top'}), more than jepa inspect writes as JSON. Inspect it without --json.`);
    }
    if (onPath.has(item)) return '<cycle>';
    onPath.add(item);
    const child = (k: unknown) => (key ? `${key}.${String(k)}` : String(k));
    let out: unknown;
    if (Array.isArray(item) || item instanceof Set) out = [...item].map((v, i) => convert(v, depth + 1, child(i)));
    else if (ArrayBuffer.isView(item)) out = `<${item.byteLength} bytes>`;
    else {
      const entries: Array<[unknown, unknown]> = item instanceof Map ? [...item.entries()] : Object.entries(item);
      const record: Record<string, unknown> = {};
      for (const [k, v] of entries) Object.defineProperty(record, String(k), { value: convert(v, depth + 1, child(k)), enumerable: true, writable: true, configurable: true });
      out = record;
    }
    onPath.delete(item);
    return out;
  };
  return convert(value, 0, '');
}

interface TensorLine {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
}

/**
 * The lines of one group, with repeated numbered blocks folded: when `blocks.i.*` has the same
 * names, dtypes and shapes as the first block, it becomes one line.
 */
function foldBlocks(lines: readonly TensorLine[]): string[][] {
  const pattern = /^(.*?(?:blocks|layers))\.(\d+)\.(.+)$/;
  const signature = new Map<string, Map<number, string[]>>();
  for (const line of lines) {
    const match = pattern.exec(line.name);
    if (!match) continue;
    const [, prefix, index, rest] = match;
    if (!signature.has(prefix!)) signature.set(prefix!, new Map());
    const blocks = signature.get(prefix!)!;
    if (!blocks.has(Number(index))) blocks.set(Number(index), []);
    blocks.get(Number(index))!.push(`${rest} ${line.dtype} ${fmtShape(line.shape)}`);
  }
  /** Per block prefix: the indices folded into one line (same tensors as the first block). */
  const folded = new Map<string, { first: number; same: number[]; tensors: number }>();
  for (const [prefix, blocks] of signature) {
    const indices = [...blocks.keys()].sort((a, b) => a - b);
    const reference = blocks.get(indices[0]!)!.join('|');
    const same = indices.slice(1).filter((i) => blocks.get(i)!.join('|') === reference);
    if (same.length > 0) folded.set(prefix, { first: indices[0]!, same, tensors: blocks.get(indices[0]!)!.length });
  }
  const rows: string[][] = [];
  const announced = new Set<string>();
  for (const line of lines) {
    const match = pattern.exec(line.name);
    const fold = match ? folded.get(match[1]!) : undefined;
    if (match && fold && fold.same.includes(Number(match[2]))) {
      const prefix = match[1]!;
      if (!announced.has(prefix)) {
        announced.add(prefix);
        const [low, high] = [fold.same[0]!, fold.same[fold.same.length - 1]!];
        const span = fold.same.length === 1 ? `${prefix}.${low}` : fold.same.length === high - low + 1 ? `${prefix}.${low} ... ${prefix}.${high}` : `${fold.same.length} of ${prefix}.${low} ... ${prefix}.${high}`;
        rows.push([span, '', `same ${fold.tensors} tensors as ${prefix}.${fold.first} (--all lists them)`]);
      }
      continue;
    }
    rows.push([line.name, line.dtype, fmtShape(line.shape)]);
  }
  return rows;
}

/** Top-level group of a key: its first segment (`encoder`, `opt`, ...), or `(root)` for bare keys. */
function topLevelGroup(key: string, bare: boolean): string {
  if (bare) return '(root)';
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

/** The tensors of a file grouped by top-level module, in file order. */
function groupTensors(file: CheckpointFile, bare: boolean): Map<string, TensorLine[]> {
  const groups = new Map<string, TensorLine[]>();
  for (const [key, tensor] of file.tensors) {
    const group = topLevelGroup(key, bare);
    const name = bare ? key : key.slice(group.length + 1) || key;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push({ name, dtype: (tensor as CheckpointTensor).dtype, shape: tensor.shape });
  }
  // safetensors stores keys sorted as strings (blocks.10 before blocks.2): list them in natural order.
  if (file.format === 'safetensors') for (const lines of groups.values()) lines.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  return groups;
}

/** The text report of `jepa inspect`. */
export function formatInspection(file: CheckpointFile, description: CheckpointSummary, flags: Pick<InspectFlags, 'all' | 'lines'>): string {
  const bare = description.bare;
  const container = file.format === 'torch' ? 'torch.save zip' : 'safetensors';
  const out: string[] = [];
  out.push(`file      ${file.path} (${container}, ${megabytes(file.byteLength)}, ${count(file.tensors.size)} tensors)`);
  out.push(`kind      ${description.summary}`);
  if (description.model) out.push(`model     ${description.model}`);
  else if (description.problem) out.push(`model     not recognised: ${description.problem}`);
  const metadata = Object.entries(file.metadata);
  if (metadata.length > 0) {
    out.push(`metadata  ${metadata.map(([k, v]) => `${k} ${showValue(v)}`).join(file.format === 'torch' ? ', ' : '\n          ')}`);
  }
  if (file.manifest) {
    const trainer = (file.manifest.meta as { trainer?: Record<string, unknown> } | undefined)?.trainer;
    if (trainer) out.push(`run       step ${showValue(trainer.step)} of ${showValue(trainer.totalSteps)}, epoch ${showValue(trainer.epoch)}, loss ${showValue(trainer.loss)}`);
  }
  const groups = groupTensors(file, bare);
  const rows = [...groups].map(([name, lines]) => [name, count(lines.length), count(description.parameters[name] ?? 0)]);
  const total = Object.values(description.parameters).reduce((a, b) => a + b, 0);
  rows.push(['total', count(file.tensors.size), count(total)]);
  out.push('', formatTextTable(['module', 'tensors', 'parameters'], rows, ['left', 'right', 'right']));
  for (const [name, lines] of groups) {
    const shown = flags.all ? lines.map((l) => [l.name, l.dtype, fmtShape(l.shape)]) : foldBlocks(lines);
    const limit = flags.all ? shown.length : flags.lines;
    const body = shown.slice(0, limit);
    const widths = [0, 1].map((c) => Math.max(...body.map((r) => r[c]!.length)));
    out.push('', `${name} (${count(lines.length)} tensors)`);
    for (const row of body) out.push(`  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`.trimEnd());
    if (shown.length > limit) out.push(`  ... ${count(shown.length - limit)} more lines (--all lists every tensor)`);
  }
  return `${out.join('\n')}\n`;
}

/** `jepa inspect FILE`. */
export async function inspect(path: string, flags: InspectFlags, context: CliContext): Promise<void> {
  const file = await readCheckpointArgument(path, context.io.cwd, 'FILE');
  const description = familyOfCheckpoint(file).describe(file, { numHeads: flags.numHeads });
  if (flags.json) {
    const json = {
      file: file.path,
      format: file.format,
      byteLength: file.byteLength,
      ...description.details,
      metadata: metadataJson(file.metadata),
      tensors: [...file.tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape })),
    };
    context.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  context.io.stdout.write(formatInspection(file, description, flags));
}
