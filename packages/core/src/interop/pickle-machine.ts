import { TorchCheckpointError } from './torch-checkpoint-error.js';

/** How Python dicts come out: plain objects with string keys (default) or `Map`s with raw keys. */
export type PickleDictMode = 'object' | 'map';

/** Bounds that keep a hostile pickle from exhausting memory or the JS call stack. */
export interface PickleLimits {
  /** Deepest container nesting accepted. Default 1000 (Python's own recursion limit). */
  readonly maxDepth?: number;
  /** Most items on the pickle stack at once. Default 1,000,000. */
  readonly maxStack?: number;
  /** Longest arbitrary-precision integer (LONG1/LONG4/LONG), in bytes. Default 1024. */
  readonly maxLongBytes?: number;
}

/** What a handler of an allowed global may use: the machine's own containers and its errors. */
export interface PickleContext {
  /** Byte offset of the opcode being executed, inside the pickle. */
  readonly offset: number;
  /** Name of the global being applied, as `module.name`. */
  readonly global: string;
  /** A new, empty dict in the machine's representation (see {@link PickleDictMode}). */
  newDict(): Record<string, unknown> | Map<unknown, unknown>;
  /** Whether `value` was built as a Python tuple (tuples and lists are both JS arrays). */
  isTuple(value: unknown): value is unknown[];
  /** Whether `value` was built as a Python dict. */
  isDict(value: unknown): boolean;
  /** Number of entries in a dict built by this machine. */
  dictSize(value: unknown): number;
  /** Throws a {@link TorchCheckpointError} located at the current opcode. */
  fail(problem: string, fix?: string): never;
}

/** The behaviour an allowed global may have. Globals without `call` cannot be called at all. */
export interface PickleGlobalHandler {
  /** Applied by REDUCE with the argument tuple; returns the constructed value. */
  call?(args: readonly unknown[], context: PickleContext): unknown;
  /**
   * Applied by NEWOBJ/NEWOBJ_EX (`cls.__new__(cls, *args)`) when the global is a class that may be
   * instantiated that way. Absent means NEWOBJ is refused.
   */
  newObject?(args: readonly unknown[], context: PickleContext): unknown;
  /** Applied by BUILD to a value this global's `call`/`newObject` returned. Absent means BUILD is refused. */
  build?(target: unknown, state: unknown, context: PickleContext): void;
}

/** A reference to an allowed global, as it sits on the stack between GLOBAL and REDUCE. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly handler: PickleGlobalHandler,
  ) {}

  /** `module.name`, as Python would spell it. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Options for {@link unpickle}. */
export interface UnpickleOptions {
  /** Label for errors (usually the file path). */
  readonly source?: string;
  /** The archive entry the pickle came from, for errors. */
  readonly entry?: string;
  /**
   * Decides, at the GLOBAL/STACK_GLOBAL/INST opcode itself, whether `module.name` may be used.
   * Return its handler, or `undefined` to refuse it (the machine then throws, naming it).
   */
  resolveGlobal(module: string, name: string): PickleGlobalHandler | undefined;
  /** Resolves persistent ids (BINPERSID). Absent means any persistent id is refused. */
  persistentLoad?(pid: unknown, context: PickleContext): unknown;
  /**
   * `'object'` (default): Python dicts become plain objects with string keys; `'map'`: `Map`s keeping
   * Python's keys and order.
   */
  readonly dicts?: PickleDictMode;
  /** Stack, nesting and integer-size limits (see {@link PickleLimits}). */
  readonly limits?: PickleLimits;
}

const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID',
  0x51: 'BINPERSID', 0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT',
  0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET', 0x69: 'INST', 0x6a: 'LONG_BINGET',
  0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT',
  0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1',
  0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4',
  0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8',
  0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX',
  0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME', 0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

/** Python's name for a pickle opcode byte, or `undefined` for bytes that are no opcode. */
export function pickleOpcodeName(byte: number): string | undefined {
  return OPCODE_NAMES[byte];
}

function describeByte(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  return byte >= 0x20 && byte < 0x7f ? `${hex} ('${String.fromCharCode(byte)}')` : hex;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const MAX_LINE = 4096;

/**
 * Runs a pickle (protocols 0-5) on a stack machine that can only build data: None, bools, ints
 * (numbers, or `bigint` beyond 2^53), floats, str, bytes (`Uint8Array`), tuples and lists (arrays),
 * dicts (see {@link PickleDictMode}), sets (`Set`), plus whatever the allowed globals build.
 * Nothing is ever imported or executed: each GLOBAL/STACK_GLOBAL/INST is checked against
 * `resolveGlobal` where it occurs and refused by name there, before anything could call it; REDUCE
 * and BUILD only run the handlers of allowed globals. Every length is checked against the bytes
 * left before anything is allocated, and depth/stack/integer sizes are bounded (see
 * {@link PickleLimits}).
 *
 * @throws TorchCheckpointError naming the opcode, its byte offset and what to do.
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  // A plain view: Node Buffers' slice() aliases instead of copying.
  return new PickleMachine(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options).run();
}

class PickleMachine {
  private pos = 0;
  private opStart = 0;
  private opName = '';
  private stack: unknown[] = [];
  private marks: number[] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly view: DataView;
  // Strong collections on purpose: everything they hold lives until the parse ends anyway, and
  // they are much cheaper than WeakMaps for the garbage collector.
  private readonly tuples = new Set<object>();
  private readonly lists = new Set<object>();
  private readonly dictSet = new Set<object>();
  private readonly mutableSets = new Set<object>();
  private readonly depth = new Map<object, number>();
  /** Per object-mode dict: the Python type of the key behind each string key (to catch 1 vs '1'). */
  private readonly keyTypes = new Map<object, Map<string, string>>();
  private readonly builtBy = new Map<object, PickleGlobal>();
  private readonly dictMode: PickleDictMode;
  private readonly maxDepth: number;
  private readonly maxStack: number;
  private readonly maxLongBytes: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: UnpickleOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.dictMode = options.dicts ?? 'object';
    this.maxDepth = options.limits?.maxDepth ?? 1000;
    this.maxStack = options.limits?.maxStack ?? 1_000_000;
    this.maxLongBytes = options.limits?.maxLongBytes ?? 1024;
  }

  private fail(problem: string, fix?: string, offset = this.opStart): never {
    const op = this.opName ? `${this.opName}: ` : '';
    throw new TorchCheckpointError(`${op}${problem}`, { source: this.options.source, entry: this.options.entry, offset }, fix);
  }

  private context(global: PickleGlobal | undefined): PickleContext {
    return {
      offset: this.opStart,
      global: global?.qualifiedName ?? '',
      newDict: () => this.newDict(),
      isTuple: (value: unknown): value is unknown[] => typeof value === 'object' && value !== null && this.tuples.has(value),
      isDict: (value) => typeof value === 'object' && value !== null && this.dictSet.has(value),
      dictSize: (value) => (value instanceof Map ? value.size : Object.keys(value as object).length),
      fail: (problem, fix) => this.fail(global ? `${global.qualifiedName}: ${problem}` : problem, fix),
    };
  }

  // --- reading the byte stream --------------------------------------------------------------------

  private need(count: number, what: string): void {
    if (count > this.bytes.length - this.pos) {
      this.fail(
        `${what} needs ${count} bytes but only ${this.bytes.length - this.pos} remain.`,
        'the pickle is truncated or its length field is corrupt; re-save the checkpoint.',
        this.pos,
      );
    }
  }

  private u8(): number {
    this.need(1, 'an argument');
    return this.bytes[this.pos++]!;
  }

  private u16(): number {
    this.need(2, 'a 2-byte argument');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4, 'a 4-byte argument');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private i32(): number {
    this.need(4, 'a 4-byte argument');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An 8-byte length: must fit in what is left of the pickle (so it never drives an allocation). */
  private u64Length(): number {
    this.need(8, 'an 8-byte length');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(this.bytes.length - this.pos)) {
      this.fail(`declares ${v} bytes but only ${this.bytes.length - this.pos} remain.`,
        'the pickle is truncated or corrupt; re-save the checkpoint.');
    }
    return Number(v);
  }

  private take(count: number, what: string): Uint8Array {
    if (count < 0) this.fail(`negative length ${count} for ${what}.`, 'the pickle is corrupt.');
    this.need(count, what);
    const out = this.bytes.subarray(this.pos, this.pos + count);
    this.pos += count;
    return out;
  }

  private line(maxLength = MAX_LINE): string {
    const start = this.pos;
    const end = Math.min(this.bytes.length, start + maxLength);
    for (let i = start; i < end; i++) {
      if (this.bytes[i] === 0x0a) {
        this.pos = i + 1;
        return decodeLatin1(this.bytes.subarray(start, i));
      }
    }
    return this.fail(`no newline within ${Math.min(maxLength, this.bytes.length - start)} bytes for a text argument.`,
      'the pickle is truncated or corrupt.', start);
  }

  private text(data: Uint8Array): string {
    try {
      return utf8.decode(data);
    } catch {
      return this.fail('string is not valid UTF-8.', 'the pickle is corrupt.');
    }
  }

  // --- the stack -------------------------------------------------------------------------------------

  private push(value: unknown): void {
    if (this.stack.length >= this.maxStack) {
      this.fail(`the stack exceeds ${this.maxStack} items.`, 'raise limits.maxStack if the file is trusted and really this wide.');
    }
    this.stack.push(value);
  }

  private floor(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0;
  }

  private pop(): unknown {
    if (this.stack.length <= this.floor()) {
      this.fail('stack underflow: the opcode needs a value but the stack (above the last MARK) is empty.',
        'the pickle is corrupt or hand-made incorrectly.');
    }
    return this.stack.pop();
  }

  private top(): unknown {
    if (this.stack.length <= this.floor()) {
      this.fail('stack underflow: the opcode needs a value but the stack (above the last MARK) is empty.',
        'the pickle is corrupt or hand-made incorrectly.');
    }
    return this.stack[this.stack.length - 1];
  }

  private popMark(): unknown[] {
    if (this.marks.length === 0) this.fail('no MARK to pop to.', 'the pickle is corrupt or hand-made incorrectly.');
    const mark = this.marks.pop()!;
    return this.stack.splice(mark);
  }

  // --- containers ------------------------------------------------------------------------------------

  private depthOf(value: unknown): number {
    return typeof value === 'object' && value !== null ? this.depth.get(value) ?? 0 : 0;
  }

  /** Records that `container` now holds `children`, refusing nesting deeper than the limit. */
  private contain(container: object, children: readonly unknown[]): void {
    let d = this.depth.get(container) ?? 1;
    for (const child of children) d = Math.max(d, this.depthOf(child) + 1);
    if (d > this.maxDepth) {
      this.fail(`containers nest deeper than ${this.maxDepth} levels.`, 'raise limits.maxDepth if the file is trusted.');
    }
    this.depth.set(container, d);
  }

  private tuple(items: unknown[]): unknown[] {
    this.tuples.add(items);
    this.contain(items, items);
    return items;
  }

  private list(items: unknown[]): unknown[] {
    this.lists.add(items);
    this.contain(items, items);
    return items;
  }

  private newDict(): Record<string, unknown> | Map<unknown, unknown> {
    const dict = this.dictMode === 'map' ? new Map<unknown, unknown>() : ({} as Record<string, unknown>);
    this.dictSet.add(dict);
    this.depth.set(dict, 1);
    return dict;
  }

  private setItems(target: unknown, items: readonly unknown[]): void {
    if (typeof target !== 'object' || target === null || !this.dictSet.has(target)) {
      this.fail(`target is ${describeValue(target)}, not a dict.`, 'the pickle is corrupt or hand-made incorrectly.');
    }
    if (items.length % 2 !== 0) this.fail(`odd number of items (${items.length}) for key/value pairs.`, 'the pickle is corrupt.');
    const dict = target as object;
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      const value = items[i + 1];
      if (dict instanceof Map) {
        dict.set(key, value);
        continue;
      }
      const name = this.objectKey(key);
      let types = this.keyTypes.get(dict);
      if (!types) this.keyTypes.set(dict, (types = new Map()));
      const type = typeof key;
      const previous = types.get(name);
      if (previous !== undefined && previous !== type) {
        this.fail(`dict keys ${previous === 'string' ? `'${name}'` : name} and ${type === 'string' ? `'${name}'` : name} collide as the string '${name}'.`,
          "read the file with { dicts: 'map' } to keep Python's key types.");
      }
      types.set(name, type);
      // defineProperty, not assignment: a key named __proto__ must stay an ordinary key.
      Object.defineProperty(dict, name, { value, enumerable: true, writable: true, configurable: true });
    }
    this.contain(dict, items);
  }

  private objectKey(key: unknown): string {
    if (typeof key === 'string') return key;
    if (typeof key === 'number' || typeof key === 'bigint') return String(key);
    if (typeof key === 'boolean') return key ? 'True' : 'False';
    if (key === null) return 'None';
    return this.fail(`dict key ${describeValue(key)} cannot become an object key.`,
      "read the file with { dicts: 'map' } to keep non-string keys.");
  }

  private appendItems(target: unknown, items: readonly unknown[]): void {
    if (!Array.isArray(target) || !this.lists.has(target)) {
      this.fail(`target is ${describeValue(target)}, not a list.`, 'the pickle is corrupt or hand-made incorrectly.');
    }
    for (const item of items) target.push(item);
    this.contain(target, items);
  }

  /**
   * The nesting of the finished value, measured on the value itself: {@link contain} bounds it as
   * containers are filled bottom-up (as picklers write), but a pickle may also append into a
   * container after it was placed in another (top-down, through the memo), which no per-opcode
   * count sees. One iterative walk (no recursion, each container once; a container met again on the
   * current path, a cycle, adds nothing) refuses anything deeper than `maxDepth`, so whoever walks
   * the result recursively (JSON.stringify, collectTensors) is safe.
   */
  private checkNesting(root: unknown): void {
    const children = (node: object): unknown[] | undefined => {
      if (Array.isArray(node)) return node;
      if (node instanceof Map) return [...node.keys(), ...node.values()];
      if (node instanceof Set) return [...node];
      if (ArrayBuffer.isView(node) || node instanceof PickleGlobal) return undefined;
      return Object.values(node);
    };
    const height = new Map<object, number>();
    const onPath = new Set<object>();
    const frames: Array<{ node: object; items: unknown[]; next: number; height: number }> = [];
    const enter = (node: unknown): void => {
      if (typeof node !== 'object' || node === null || height.has(node) || onPath.has(node)) return;
      const items = children(node);
      if (!items) return;
      if (frames.length >= this.maxDepth) {
        this.fail(`containers nest deeper than ${this.maxDepth} levels (some were filled after being placed in others).`,
          'raise limits.maxDepth if the file is trusted.');
      }
      onPath.add(node);
      frames.push({ node, items, next: 0, height: 1 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next < frame.items.length) {
        const item = frame.items[frame.next++];
        if (typeof item === 'object' && item !== null) {
          const known = height.get(item);
          if (known !== undefined) {
            frame.height = Math.max(frame.height, known + 1);
            if (frames.length - 1 + frame.height > this.maxDepth) {
              this.fail(`containers nest deeper than ${this.maxDepth} levels (some were filled after being placed in others).`,
                'raise limits.maxDepth if the file is trusted.');
            }
          } else {
            enter(item);
          }
        }
        continue;
      }
      frames.pop();
      onPath.delete(frame.node);
      height.set(frame.node, frame.height);
      const parent = frames[frames.length - 1];
      if (parent) parent.height = Math.max(parent.height, frame.height + 1);
    }
  }

  private int(value: bigint): number | bigint {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  private long(data: Uint8Array): number | bigint {
    if (data.length > this.maxLongBytes) {
      this.fail(`integer of ${data.length} bytes exceeds limits.maxLongBytes (${this.maxLongBytes}).`,
        'raise limits.maxLongBytes if the file is trusted.');
    }
    if (data.length === 0) return 0;
    let value = 0n;
    for (let i = data.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]!);
    if (data[data.length - 1]! & 0x80) value -= 1n << BigInt(8 * data.length);
    return this.int(value);
  }

  private memoKey(raw: string): number {
    if (!/^\d{1,10}$/.test(raw)) this.fail(`memo index '${raw}' is not a decimal integer.`, 'the pickle is corrupt.');
    return Number(raw);
  }

  private memoGet(index: number): unknown {
    if (!this.memo.has(index)) this.fail(`memo index ${index} was never stored.`, 'the pickle is corrupt or truncated.');
    return this.memo.get(index);
  }

  private global(module: string, name: string): PickleGlobal {
    const handler = this.options.resolveGlobal(module, name);
    if (!handler) {
      this.fail(
        `refusing forbidden global '${module}.${name}': this reader never imports or runs code, and only ` +
          'rebuilds tensors, OrderedDict, torch.Size and plain containers.',
        'if you trust the file, load it in Python and re-save only tensors and plain containers ' +
          '(e.g. torch.save(model.state_dict(), path)), or export it with safetensors.',
      );
    }
    return new PickleGlobal(module, name, handler);
  }

  private reduce(callable: unknown, args: unknown): unknown {
    if (!(callable instanceof PickleGlobal)) {
      this.fail(`cannot call ${describeValue(callable)}; only allowed globals may be called.`, 'the pickle is corrupt or hostile.');
    }
    if (!callable.handler.call) {
      this.fail(`'${callable.qualifiedName}' may not be called here.`, 'the pickle is corrupt or hostile.');
    }
    if (!Array.isArray(args) || !this.tuples.has(args)) {
      this.fail(`arguments of '${callable.qualifiedName}' are ${describeValue(args)}, not a tuple.`, 'the pickle is corrupt.');
    }
    const result = callable.handler.call(args, this.context(callable));
    if (typeof result === 'object' && result !== null) {
      this.builtBy.set(result, callable);
      this.contain(result, args);
    }
    return result;
  }

  private newObject(cls: unknown, args: unknown): unknown {
    if (!(cls instanceof PickleGlobal)) {
      this.fail(`cannot instantiate ${describeValue(cls)}; only allowed classes may be.`, 'the pickle is corrupt or hostile.');
    }
    if (!cls.handler.newObject) {
      this.fail(`'${cls.qualifiedName}' may not be instantiated this way.`, 'the pickle is not one torch.save writes.');
    }
    if (!Array.isArray(args) || !this.tuples.has(args)) {
      this.fail(`arguments of '${cls.qualifiedName}' are ${describeValue(args)}, not a tuple.`, 'the pickle is corrupt.');
    }
    const result = cls.handler.newObject(args, this.context(cls));
    if (typeof result === 'object' && result !== null) {
      this.builtBy.set(result, cls);
      this.contain(result, args);
    }
    return result;
  }

  // --- the loop --------------------------------------------------------------------------------------

  run(): unknown {
    const bytes = this.bytes;
    while (this.pos < bytes.length) {
      this.opStart = this.pos;
      const op = bytes[this.pos++]!;
      this.opName = OPCODE_NAMES[op] ?? '';
      switch (op) {
        case 0x80: { // PROTO
          const version = this.u8();
          if (version > 5) this.fail(`pickle protocol ${version} is newer than 5.`, 'save with pickle_protocol<=5.');
          break;
        }
        case 0x95: this.u64Length(); break; // FRAME: framing is advisory; the length just must fit
        case 0x2e: { // STOP
          if (this.marks.length > 0 || this.stack.length !== 1) {
            this.fail(`STOP with ${this.stack.length} values and ${this.marks.length} open MARKs on the stack (expected one value).`,
              'the pickle is corrupt.');
          }
          if (this.pos !== bytes.length) {
            this.fail(`${bytes.length - this.pos} unexpected bytes after STOP.`, 'the pickle is corrupt.', this.pos);
          }
          this.checkNesting(this.stack[0]);
          return this.stack[0];
        }
        case 0x28: this.marks.push(this.stack.length); break; // MARK
        case 0x30: this.pop(); break; // POP
        case 0x31: this.popMark(); break; // POP_MARK
        case 0x32: this.push(this.top()); break; // DUP
        case 0x4e: this.push(null); break; // NONE
        case 0x88: this.push(true); break; // NEWTRUE
        case 0x89: this.push(false); break; // NEWFALSE
        case 0x4a: this.push(this.i32()); break; // BININT
        case 0x4b: this.push(this.u8()); break; // BININT1
        case 0x4d: this.push(this.u16()); break; // BININT2
        case 0x8a: this.push(this.long(this.take(this.u8(), 'LONG1 digits'))); break; // LONG1
        case 0x8b: { // LONG4
          this.push(this.long(this.take(this.i32(), 'LONG4 digits')));
          break;
        }
        case 0x49: { // INT (text)
          const raw = this.line();
          if (raw === '01') this.push(true);
          else if (raw === '00') this.push(false);
          else this.push(this.int(this.parseDecimal(raw)));
          break;
        }
        case 0x4c: { // LONG (text)
          const raw = this.line();
          this.push(this.int(this.parseDecimal(raw.endsWith('L') ? raw.slice(0, -1) : raw)));
          break;
        }
        case 0x46: { // FLOAT (text)
          const raw = this.line().trim();
          if (!/^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|inf|nan)$/i.test(raw)) {
            this.fail(`'${raw}' is not a float.`, 'the pickle is corrupt.');
          }
          this.push(/nan/i.test(raw) ? NaN : /inf/i.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw));
          break;
        }
        case 0x47: { // BINFLOAT: big-endian float64
          this.need(8, 'a float64');
          this.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        }
        case 0x58: this.push(this.text(this.take(this.u32(), 'a BINUNICODE string'))); break;
        case 0x8c: this.push(this.text(this.take(this.u8(), 'a SHORT_BINUNICODE string'))); break;
        case 0x8d: this.push(this.text(this.take(this.u64Length(), 'a BINUNICODE8 string'))); break;
        case 0x54: this.push(this.text(this.take(this.i32(), 'a BINSTRING string'))); break; // Python 2 str
        case 0x55: this.push(this.text(this.take(this.u8(), 'a SHORT_BINSTRING string'))); break;
        case 0x42: this.push(this.take(this.u32(), 'BINBYTES data').slice()); break;
        case 0x43: this.push(this.take(this.u8(), 'SHORT_BINBYTES data').slice()); break;
        case 0x8e: this.push(this.take(this.u64Length(), 'BINBYTES8 data').slice()); break;
        case 0x96: this.push(this.take(this.u64Length(), 'BYTEARRAY8 data').slice()); break;
        case 0x29: this.push(this.tuple([])); break; // EMPTY_TUPLE
        case 0x85: this.push(this.tuple([this.pop()])); break; // TUPLE1
        case 0x86: { // TUPLE2
          const b = this.pop();
          const a = this.pop();
          this.push(this.tuple([a, b]));
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.pop();
          const b = this.pop();
          const a = this.pop();
          this.push(this.tuple([a, b, c]));
          break;
        }
        case 0x74: this.push(this.tuple(this.popMark())); break; // TUPLE
        case 0x5d: this.push(this.list([])); break; // EMPTY_LIST
        case 0x6c: this.push(this.list(this.popMark())); break; // LIST
        case 0x61: { // APPEND
          const item = this.pop();
          this.appendItems(this.top(), [item]);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark();
          this.appendItems(this.top(), items);
          break;
        }
        case 0x7d: this.push(this.newDict()); break; // EMPTY_DICT
        case 0x64: { // DICT
          const items = this.popMark();
          const dict = this.newDict();
          this.setItems(dict, items);
          this.push(dict);
          break;
        }
        case 0x73: { // SETITEM
          const value = this.pop();
          const key = this.pop();
          this.setItems(this.top(), [key, value]);
          break;
        }
        case 0x75: { // SETITEMS
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case 0x8f: { // EMPTY_SET
          const set = new Set<unknown>();
          this.mutableSets.add(set);
          this.depth.set(set, 1);
          this.push(set);
          break;
        }
        case 0x90: { // ADDITEMS
          const items = this.popMark();
          const set = this.top();
          if (!(set instanceof Set) || !this.mutableSets.has(set)) {
            this.fail(`target is ${describeValue(set)}, not a set.`, 'the pickle is corrupt.');
          }
          for (const item of items) set.add(item);
          this.contain(set, items);
          break;
        }
        case 0x91: { // FROZENSET
          const items = this.popMark();
          const set = new Set(items);
          this.contain(set, items);
          this.push(set);
          break;
        }
        case 0x71: this.memo.set(this.u8(), this.top()); break; // BINPUT
        case 0x72: this.memo.set(this.u32(), this.top()); break; // LONG_BINPUT
        case 0x70: this.memo.set(this.memoKey(this.line()), this.top()); break; // PUT
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x68: this.push(this.memoGet(this.u8())); break; // BINGET
        case 0x6a: this.push(this.memoGet(this.u32())); break; // LONG_BINGET
        case 0x67: this.push(this.memoGet(this.memoKey(this.line()))); break; // GET
        case 0x63: { // GLOBAL: checked here, before anything could use it
          const module = this.line();
          const name = this.line();
          this.push(this.global(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') {
            this.fail(`module and name must be strings, got ${describeValue(module)} and ${describeValue(name)}.`, 'the pickle is corrupt.');
          }
          this.push(this.global(module, name));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop();
          const callable = this.pop();
          this.push(this.reduce(callable, args));
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          const target = this.top();
          const maker = typeof target === 'object' && target !== null ? this.builtBy.get(target) : undefined;
          if (!maker?.handler.build) {
            this.fail(`cannot set the state of ${maker ? `a '${maker.qualifiedName}' value` : describeValue(target)}.`,
              'the pickle is corrupt or hostile.');
          }
          maker.handler.build(target, state, this.context(maker));
          break;
        }
        case 0x51: { // BINPERSID
          const pid = this.pop();
          if (!this.options.persistentLoad) this.fail('persistent ids are not supported here.', 'the pickle is not a torch.save data.pkl.');
          this.push(this.options.persistentLoad(pid, this.context(undefined)));
          break;
        }
        case 0x69: { // INST: names a class like GLOBAL does; check it first so the refusal names it
          const module = this.line();
          const name = this.line();
          const global = this.global(module, name);
          this.fail(`instantiating '${global.qualifiedName}' with INST is not supported.`, 'the pickle is not one torch.save writes.');
          break;
        }
        case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
          const args = this.pop();
          const cls = this.pop();
          this.push(this.newObject(cls, args));
          break;
        }
        case 0x92: { // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs), kwargs must be empty
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (typeof kwargs !== 'object' || kwargs === null || !this.dictSet.has(kwargs) || this.context(undefined).dictSize(kwargs) !== 0) {
            this.fail(`keyword arguments must be an empty dict, got ${describeValue(kwargs)}.`, 'the pickle is not one torch.save writes.');
          }
          this.push(this.newObject(cls, args));
          break;
        }
        case 0x6f: { // OBJ
          this.fail('building objects with OBJ is not supported (torch.save never needs it).',
            'the pickle is not one torch.save writes; re-save tensors and plain containers only.');
          break;
        }
        case 0x56: { // UNICODE (text, raw-unicode-escape; the pickler escapes backslashes and newlines)
          const raw = this.line(Number.MAX_SAFE_INTEGER);
          this.push(raw.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, short: string | undefined, long: string | undefined) => {
            const code = parseInt((short ?? long)!, 16);
            if (code > 0x10ffff) this.fail(`\\U${long} is not a Unicode code point.`, 'the pickle is corrupt.');
            return String.fromCodePoint(code);
          }));
          break;
        }
        case 0x50: // PERSID (text)
        case 0x53: // STRING (text)
          this.fail('this protocol-0 text opcode is not supported.', 'save with pickle protocol 2 or newer (torch.save does).');
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: // EXT4
          this.fail('copyreg extension codes are not supported (they name globals indirectly).', 'the pickle is not one torch.save writes.');
          break;
        case 0x97: // NEXT_BUFFER
        case 0x98: // READONLY_BUFFER
          this.fail('out-of-band buffers are not supported.', 'the pickle is not one torch.save writes.');
          break;
        default:
          this.opName = '';
          this.fail(`unknown pickle opcode ${describeByte(op)}.`,
            'the data is corrupt, truncated or not a pickle; re-save the checkpoint with torch.save.');
      }
    }
    this.opName = '';
    return this.fail(`the pickle ended after ${bytes.length} bytes without a STOP opcode.`,
      'the file is truncated; copy or download it again.', bytes.length);
  }

  private parseDecimal(raw: string): bigint {
    if (!/^[-+]?\d+$/.test(raw) || raw.length > this.maxLongBytes * 3) this.fail(`'${raw}' is not a decimal integer.`, 'the pickle is corrupt.');
    return BigInt(raw);
  }
}

function decodeLatin1(data: Uint8Array): string {
  let out = '';
  for (let i = 0; i < data.length; i++) out += String.fromCharCode(data[i]!);
  return out;
}

/** A short description of a value's kind for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'None';
  if (value === undefined) return 'nothing';
  if (value instanceof PickleGlobal) return `the global '${value.qualifiedName}'`;
  if (Array.isArray(value)) return `a sequence of ${value.length}`;
  if (value instanceof Uint8Array) return `bytes of length ${value.length}`;
  if (value instanceof Map) return 'a dict';
  if (value instanceof Set) return 'a set';
  if (typeof value === 'object') {
    const kind = (value as { kind?: unknown }).kind;
    return typeof kind === 'string' ? `a ${kind}` : 'a dict';
  }
  if (typeof value === 'string') return `the string '${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  return `the ${typeof value} ${String(value)}`;
}
