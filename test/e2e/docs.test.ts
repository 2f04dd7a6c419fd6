import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/protocol/frames.js';
import { validateFrame } from '../../src/protocol/validate-frame.js';
import type { FieldRow } from '../helpers/doc-examples.js';
import { docExamples, docText, fieldTables, jsonType, shapeOf } from '../helpers/doc-examples.js';
import { killAll, poll, startNode } from '../helpers/node-process.js';
import { rawConnect } from '../helpers/raw-client.js';

afterEach(killAll);

describe('docs/EVENTS.md matches the code', () => {
  it('every real --json event has exactly the fields and types documented for its kind', async () => {
    // A kind may be documented by several examples (a direct message has `to`): any of them fits.
    const documented = new Map<string, unknown[]>();
    for (const example of docExamples('EVENTS.md')) {
      documented.set(String(example.event), [
        ...(documented.get(String(example.event)) ?? []),
        shapeOf(example),
      ]);
    }
    const alice = await startNode('alice');
    const bob = await startNode('bob', [alice.address], { args: ['--linger', '300'] });
    await alice.waitFor((e) => e.event === 'join', 'join');
    // A member that never answers a direct message: no receipt comes from it.
    const mute = await rawConnect(bob.port, { answerPings: true });
    mute.hello('mute');
    await bob.waitFor((e) => e.event === 'join' && e.id === mute.id, 'mute joined bob');
    bob.send('hi', '/msg alice psst', '/msg mute anyone?');
    await alice.waitFor((e) => e.event === 'message' && e.to !== undefined, 'direct message');
    await bob.waitFor((e) => e.event === 'dm-delivered', 'the receipt');
    await bob.waitFor((e) => e.event === 'dm-undelivered', 'no receipt from mute');
    mute.socket.destroy();
    for (const event of bob.events.filter((e) => e.event.startsWith('dm-')))
      expect(documented.get(event.event), `shape of ${event.event}`).toContainEqual(shapeOf(event));
    alice.send('/peers', '/stats');
    await alice.waitFor((e) => e.event === 'peers', 'peers');
    await alice.waitFor((e) => e.event === 'stats', 'stats');
    bob.send('/quit');
    await alice.waitFor((e) => e.event === 'leave', 'leave');
    const kinds = new Set(alice.events.map((e) => e.event));
    expect([...kinds].sort()).toEqual(['join', 'leave', 'message', 'peers', 'ready', 'stats']);
    for (const event of alice.events) {
      expect(documented.has(event.event), `"${event.event}" is documented`).toBe(true);
      expect(documented.get(event.event), `shape of ${event.event}`).toContainEqual(shapeOf(event));
    }
    expect(alice.events[0]?.event).toBe('ready');
    // The README's --json example: every line has the shape of a real event of its kind.
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const lines = readme.split('\n').filter((line) => line.startsWith('{"event":'));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const real = alice.events.map((event) => JSON.stringify(shapeOf(event)));
    for (const line of lines)
      expect(real, `README: ${line}`).toContain(JSON.stringify(shapeOf(JSON.parse(line))));
    // Message ids are <origin>.<incarnation>:<seq>, as the README and EVENTS.md give them.
    const message = alice.events.find((e) => e.event === 'message' && e.to === undefined);
    expect(String(message?.id)).toMatch(/^[0-9a-f]{16}\.[0-9a-f]+:\d+$/);
  });
});

/**
 * docs/PROTOCOL.md against the validator: its field tables (one per frame,
 * "`hello` field | JSON | presence | rule | meaning", and one for the entries
 * of `members`) and its examples. A field the validator reads but no table
 * lists fails, and so does a listed field the validator does not read, a
 * wrong presence, a JSON type or a limit that the validator does not enforce.
 */
describe('docs/PROTOCOL.md matches the validator', () => {
  const examples = docExamples('PROTOCOL.md');
  const tables = fieldTables();
  const doc = docText('PROTOCOL.md');
  const frameTypes = ['frames.ts', 'overlay-frames.ts'].flatMap((file) =>
    [
      ...readFileSync(new URL(`../../src/protocol/${file}`, import.meta.url), 'utf8').matchAll(
        /readonly type: '(\w+)'/g,
      ),
    ].map((match) => match[1] ?? ''),
  );

  /** A table's rows, failing when it is missing. */
  const rowsOf = (key: string): FieldRow[] => {
    const rows = tables.get(key);
    if (rows === undefined) throw new Error(`no field table for ${key}`);
    return rows;
  };

  /** One frame of `type` with every documented field: the examples merged, booleans made up. */
  const fullExample = (type: string): Record<string, unknown> => {
    const merged: Record<string, unknown> = {};
    for (const example of examples.filter((e) => e.type === type))
      for (const [key, value] of Object.entries(example)) if (!(key in merged)) merged[key] = value;
    for (const row of rowsOf(type))
      if (!(row.field in merged) && row.json === 'boolean') merged[row.field] = true;
    return merged;
  };

  /** A table of list entries ("members entry"): its frame type and the field that holds the list. */
  const entryList = (key: string): { type: string; list: string } => {
    const type = key.split(' ')[0] ?? '';
    const row = rowsOf(type).find((r) => r.rule.endsWith(`each a ${type} entry`));
    if (row === undefined) throw new Error(`no field of ${type} holds ${key}s`);
    return { type, list: row.field };
  };

  /** The frame of a table's kind with one field set to `value` (undefined: left out). */
  const variant = (key: string, field: string, value: unknown): Record<string, unknown> => {
    const drop = (object: Record<string, unknown>): Record<string, unknown> => {
      const { [field]: _old, ...rest } = object;
      return value === undefined ? rest : { ...rest, [field]: value };
    };
    if (!key.endsWith(' entry')) return drop(fullExample(key));
    const { type, list } = entryList(key);
    const full = fullExample(type);
    const [entry] = full[list] as Record<string, unknown>[];
    return { ...full, [list]: [drop(entry ?? {})] };
  };

  const accepts = (frame: unknown): boolean => validateFrame(frame).ok;

  /** An item of a list field, for its limits: from the examples of its frame, or of its entries. */
  const sampleOf = (key: string, field: string): unknown => {
    const type = key.split(' ')[0] ?? '';
    if (!key.endsWith(' entry')) return (fullExample(type)[field] as unknown[] | undefined)?.[0];
    const { list } = entryList(key);
    const entries = examples.flatMap((e) => (e.type === type ? (e[list] as object[]) : []));
    const own = entries.find((e) => Array.isArray((e as Record<string, unknown>)[field]));
    if (own !== undefined) return ((own as Record<string, unknown>)[field] as unknown[])[0];
    // A list of entries of another table (`quit`): an item from the frame that has it.
    return examples.flatMap((e) => (Array.isArray(e[field]) ? (e[field] as unknown[]) : []))[0];
  };

  it('every frame type of src/protocol/ has a section, a field table and an example', () => {
    expect(frameTypes).toHaveLength(15);
    for (const type of frameTypes) {
      expect(doc, `a heading names \`${type}\``).toMatch(new RegExp(`^#+ .*\`${type}\``, 'm'));
      expect(tables.has(type), `a field table for ${type}`).toBe(true);
      expect(
        examples.some((e) => e.type === type),
        `an example of ${type}`,
      ).toBe(true);
    }
    for (const key of tables.keys())
      expect(frameTypes, `table ${key}`).toContain(key.split(' ')[0]);
    for (const example of examples) expect(frameTypes).toContain(example.type);
  });

  it('every example is accepted, uses only documented fields, and speaks v5', () => {
    for (const example of examples) {
      expect(validateFrame(example), JSON.stringify(example)).toMatchObject({ ok: true });
      const rows = rowsOf(String(example.type));
      for (const [key, value] of Object.entries(example)) {
        const row = rows.find((r) => r.field === key);
        expect(row, `${example.type}.${key} is in its table`).toBeDefined();
        expect(jsonType(value), `${example.type}.${key}`).toBe(row?.json);
      }
      if (example.type === 'hello') expect(example.v).toBe(PROTOCOL_VERSION);
    }
  });

  it('the validator reads exactly the documented fields of each frame and entry', () => {
    for (const type of frameTypes) {
      const read = new Set<string>();
      const entryRead = new Set<string>();
      const record = <T extends object>(target: T, seen: Set<string>): T =>
        new Proxy(target, {
          get(object, key, receiver) {
            if (typeof key === 'string') seen.add(key);
            return Reflect.get(object, key, receiver);
          },
          has(object, key) {
            if (typeof key === 'string') seen.add(key);
            return Reflect.has(object, key);
          },
        });
      const frame = fullExample(type);
      for (const key of tables.keys()) {
        if (!key.endsWith(' entry') || entryList(key).type !== type) continue;
        const { list } = entryList(key);
        frame[list] = (frame[list] as object[]).map((entry) => record(entry, entryRead));
        expect([...entryRead].sort(), 'nothing read yet').toEqual([]);
        expect(accepts(record(frame, read)), `${type} with every field`).toBe(true);
        expect([...entryRead].sort(), `fields of a ${key}`).toEqual(
          rowsOf(key)
            .map((row) => row.field)
            .sort(),
        );
      }
      if (read.size === 0)
        expect(accepts(record(frame, read)), `${type} with every field`).toBe(true);
      expect([...read].sort(), `fields of ${type}`).toEqual(
        rowsOf(type)
          .map((row) => row.field)
          .sort(),
      );
    }
  });

  it('unknown fields are ignored, and not passed on', () => {
    for (const type of frameTypes) {
      const checked = validateFrame({ ...fullExample(type), later: { any: ['thing'] } });
      expect(checked.ok, type).toBe(true);
      if (checked.ok) expect(Object.keys(checked.frame), type).not.toContain('later');
    }
  });

  it('each field is required or optional as documented, and a wrong JSON type or null is rejected', () => {
    const wrong: Record<string, unknown> = {
      string: 12345,
      number: '1',
      boolean: 'true',
      object: [],
      array: {},
    };
    for (const [key, rows] of tables) {
      for (const row of rows) {
        const what = `${key}.${row.field}`;
        expect(accepts(variant(key, row.field, undefined)), `${what} left out`).toBe(
          row.presence === 'optional',
        );
        expect(Object.keys(wrong), `${what}: JSON type`).toContain(row.json);
        expect(accepts(variant(key, row.field, wrong[row.json])), `${what} wrong type`).toBe(false);
        expect(accepts(variant(key, row.field, null)), `${what} null`).toBe(false);
      }
    }
  });

  it('the documented limits are the validator’s: lengths in UTF-16 code units, ranges, items', () => {
    const checked: string[] = [];
    for (const [key, rows] of tables) {
      for (const row of rows) {
        const what = `${key}.${row.field} (${row.rule})`;
        const sample = sampleOf(key, row.field);
        const cases = ruleCases(row.rule, sample);
        if (cases === undefined) {
          // Rules not in these terms: constants, booleans, and `acts` (checked below).
          expect(
            /^"\w+"$/.test(row.rule.replace(/`/g, '')) ||
              row.rule === '`true` or `false`' ||
              row.field === 'acts',
            `${what} is a rule the test reads`,
          ).toBe(true);
          continue;
        }
        checked.push(`${key}.${row.field}`);
        for (const { value, ok, label } of cases)
          expect(accepts(variant(key, row.field, value)), `${what}: ${label}`).toBe(ok);
      }
    }
    expect(checked.length).toBeGreaterThan(40);
  });

  it('chat: every seq of a burst is exact, and acts are ascending indices into texts', () => {
    const chat = fullExample('chat');
    const texts = chat.texts as string[];
    const last = Number.MAX_SAFE_INTEGER - (texts.length - 1);
    expect(accepts({ ...chat, seq: last })).toBe(true);
    expect(accepts({ ...chat, seq: last + 1 })).toBe(false);
    expect(accepts({ ...chat, acts: [0, texts.length - 1] })).toBe(true);
    for (const acts of [[], [texts.length], [1, 0], [0, 0], [0.5], [-1]])
      expect(accepts({ ...chat, acts }), JSON.stringify(acts)).toBe(false);
  });

  it('a hello of another version is taken whatever its other fields (to be refused by version)', () => {
    expect(accepts({ type: 'hello', v: 2, id: 7, mesh: 'x' })).toBe(true);
    expect(accepts({ type: 'hello', v: 1_000_001, id: 7 })).toBe(false);
    expect(doc).toContain('this node speaks protocol v5');
  });
});

const MAX = Number.MAX_SAFE_INTEGER;
const NUMBER = '(2\\^53 − 1|\\d+(?:,\\d{3})*)';

function numberOf(text: string): number {
  return text.startsWith('2^53') ? MAX : Number(text.replace(/,/g, ''));
}

interface Case {
  readonly value: unknown;
  readonly ok: boolean;
  readonly label: string;
}

/** Values on and past the edges of a documented rule, and whether each passes; undefined for other rules. */
function ruleCases(rule: string, sample: unknown): Case[] | undefined {
  const range = (kind: string): [number, number, string] | undefined => {
    const match = new RegExp(`^${kind} ${NUMBER}–${NUMBER}(.*)$`).exec(rule);
    return match === null
      ? undefined
      : [numberOf(match[1] ?? ''), numberOf(match[2] ?? ''), match[3] ?? ''];
  };
  const length = range('length');
  if (length !== undefined && length[2] === '') return lengthCases(length[0], length[1]);
  const integer = range('integer');
  if (integer !== undefined) {
    const [min, max, more] = integer;
    const cases: Case[] = [
      { value: min, ok: true, label: 'min' },
      { value: min - 1, ok: false, label: 'below min' },
      { value: min + 0.5, ok: false, label: 'not whole' },
      { value: max + 1, ok: false, label: 'above max' },
    ];
    // A further condition (", and …") may refuse the max itself; it is checked on its own.
    return more === '' ? [...cases, { value: max, ok: true, label: 'max' }] : cases;
  }
  const items = range('items');
  if (items !== undefined) {
    const [min, max, rest] = items;
    const cases: Case[] = [
      { value: Array(max).fill(sample), ok: true, label: 'max items' },
      { value: Array(max + 1).fill(sample), ok: false, label: 'too many items' },
      min === 0
        ? { value: [], ok: true, label: 'no items' }
        : { value: Array(min - 1).fill(sample), ok: false, label: 'too few items' },
    ];
    const each = /^, each (.*)$/.exec(rest)?.[1];
    if (each === undefined) return undefined;
    if (/^a \w+ entry$/.test(each)) return cases;
    const inner = each === 'a token' ? 'token' : each === 'a stream' ? 'stream' : each;
    const innerCases = ruleCases(inner, undefined);
    if (innerCases === undefined) return undefined;
    return [
      ...cases,
      ...innerCases.map((c) => ({ value: [c.value], ok: c.ok, label: `each: ${c.label}` })),
    ];
  }
  const base64 = /^base64, (length .*)$/.exec(rule)?.[1];
  if (base64 !== undefined) {
    const [, min, max] = new RegExp(`^length ${NUMBER}–${NUMBER}$`).exec(base64) ?? [];
    const most = numberOf(max ?? '');
    return [
      { value: 'A'.repeat(Math.max(numberOf(min ?? ''), 4)), ok: true, label: 'AAAA' },
      { value: `${'A'.repeat(most - 2)}==`, ok: true, label: `${most} with padding` },
      { value: 'A'.repeat(most + 1), ok: false, label: `${most + 1} characters` },
      { value: '', ok: false, label: 'empty' },
      ...['AA-_', 'AA AA', 'AA=A', 'é'].map((value) => ({ value, ok: false, label: value })),
    ];
  }
  if (rule === '32 bytes, base64') {
    const key = Buffer.alloc(32, 7).toString('base64');
    return [
      { value: key, ok: true, label: 'canonical' },
      { value: key.slice(0, -1), ok: false, label: 'no padding' },
      { value: `${key.slice(0, 42)}B=`, ok: false, label: 'stray bits' },
      { value: Buffer.alloc(33, 7).toString('base64'), ok: false, label: '33 bytes' },
      {
        value: key.replace(/\+|\//g, '-'),
        ok: key.replace(/\+|\//g, '-') === key,
        label: 'url-safe',
      },
      { value: ` ${key}`, ok: false, label: 'a space' },
    ];
  }
  if (rule === 'token') return tokenCases();
  if (rule === 'stream') {
    const long = `${'x'.repeat(64)}.${'y'.repeat(64)}`;
    return [
      { value: 'a.b', ok: true, label: 'a.b' },
      { value: long, ok: true, label: 'two 64-character tokens' },
      ...['ab', 'a.b.c', '.b', 'a.', 'a.b c', `${long}z`].map((value) => ({
        value,
        ok: false,
        label: value,
      })),
    ];
  }
  if (rule === 'vector') return vectorCases();
  if (rule === '`YYYY-MM-DDTHH:MM:SS.sssZ`') {
    return [
      { value: '2026-11-27T12:00:00.000Z', ok: true, label: 'UTC to the millisecond' },
      ...['2026-11-27T12:00:00Z', '2026-11-27T12:00:00.000+01:00', '2026-11-27', 'soon'].map(
        (value) => ({ value, ok: false, label: value }),
      ),
    ];
  }
  if (rule === 'finite' || rule === 'finite, ≥ 0') {
    const nonNegative = rule !== 'finite';
    return [
      { value: 0, ok: true, label: '0' },
      { value: 1e300, ok: true, label: '1e300' },
      { value: -1.5, ok: !nonNegative, label: '-1.5' },
      ...[Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN].map((value) => ({
        value,
        ok: false,
        label: String(value),
      })),
    ];
  }
  const oneOf = /^one of (.*)$/.exec(rule);
  if (oneOf !== null) {
    const values = [...(oneOf[1] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1] ?? '');
    return [
      ...values.map((value) => ({ value, ok: true, label: value })),
      { value: 'other', ok: false, label: 'another string' },
    ];
  }
  return undefined;
}

function lengthCases(min: number, max: number): Case[] {
  return [
    { value: 'a'.repeat(max), ok: true, label: `${max} ASCII` },
    // UTF-16 code units, not bytes: `é` is 2 bytes, 1 unit.
    { value: 'é'.repeat(max), ok: true, label: `${max} é` },
    { value: 'a'.repeat(max + 1), ok: false, label: `${max + 1} ASCII` },
    // Not code points either: an emoji is 2 units.
    {
      value: '😀'.repeat(Math.floor(max / 2) + 1),
      ok: false,
      label: `${Math.floor(max / 2) + 1} emoji`,
    },
    min === 0
      ? { value: '', ok: true, label: 'empty' }
      : { value: 'a'.repeat(min - 1), ok: false, label: `${min - 1} characters` },
  ];
}

function tokenCases(): Case[] {
  const all = 'ABCXYZabcxyz0189_-';
  return [
    { value: all.repeat(4).slice(0, 64), ok: true, label: '64 of the allowed characters' },
    ...['', 'a'.repeat(65), 'a.b', 'a b', 'é', 'a/b', 'a:b'].map((value) => ({
      value,
      ok: false,
      label: JSON.stringify(value.slice(0, 10)),
    })),
  ];
}

function vectorCases(): Case[] {
  const entries = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`n${i}.x`, i]));
  return [
    { value: {}, ok: true, label: 'empty' },
    { value: entries(4096), ok: true, label: '4,096 entries' },
    { value: entries(4097), ok: false, label: '4,097 entries' },
    { value: { 'a.b': 0 }, ok: true, label: 'value 0' },
    { value: { 'a.b': MAX }, ok: true, label: 'value 2^53 − 1' },
    { value: { 'a.b': MAX + 1 }, ok: false, label: 'value 2^53' },
    { value: { 'a.b': -1 }, ok: false, label: 'value -1' },
    { value: { 'a.b': 1.5 }, ok: false, label: 'value 1.5' },
    { value: { 'a.b': '1' }, ok: false, label: 'value "1"' },
    { value: { nodot: 1 }, ok: false, label: 'key not a stream' },
  ];
}

/** What a real node sends: every frame type, each field as its table says. */
describe('docs/PROTOCOL.md matches a real node', () => {
  const tables = fieldTables();

  it('every frame a real node sends is valid and uses only documented fields of the documented JSON type', async () => {
    const alice = await startNode('alice', [], { args: ['--peer-timeout', '300'] });
    await startNode('bob', [alice.address]);
    await alice.waitFor((e) => e.event === 'join', 'bob');
    const client = await rawConnect(alice.port, { answerPings: true });
    client.hello('probe');
    await alice.waitFor((e) => e.event === 'join' && e.id === client.id, 'probe joined');
    alice.send('hello probe', '/msg probe psst');
    const seen = (type: string) =>
      poll(
        () => client.frames().find((f) => f.type === type),
        `a ${type} frame`,
        10_000,
        () => client.lines.join('\n'),
      );
    await seen('chat');
    await seen('dm');
    await seen('ping');
    await client.roundTrip();
    alice.send('/quit');
    await client.closed();
    const frames = client.frames();
    expect(new Set(frames.map((f) => f.type))).toEqual(
      new Set(['hello', 'proof', 'members', 'have', 'links', 'chat', 'dm', 'ping', 'pong', 'bye']),
    );
    // The order after the handshake (PROTOCOL.md, "After the handshake").
    const types = frames.map((f) => String(f.type));
    expect(types.slice(0, 4)).toEqual(['hello', 'proof', 'members', 'have']);
    expect(types.indexOf('links')).toBeGreaterThan(3);
    for (const frame of frames) {
      expect(validateFrame(frame)).toMatchObject({ ok: true });
      const rows = tables.get(String(frame.type)) ?? [];
      for (const [key, value] of Object.entries(frame)) {
        const row = rows.find((r) => r.field === key);
        expect(row, `${frame.type}.${key} is documented`).toBeDefined();
        expect(jsonType(value), `${frame.type}.${key}`).toBe(row?.json);
      }
      if (frame.type !== 'members') continue;
      const entryRows = tables.get('members entry') ?? [];
      for (const entry of frame.members as Record<string, unknown>[])
        for (const [key, value] of Object.entries(entry))
          expect(jsonType(value), `members entry ${key}`).toBe(
            entryRows.find((r) => r.field === key)?.json,
          );
    }
  });
});
