import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodeProblem } from '../../src/protocol/frame-decoder.js';
import { createFrameDecoder } from '../../src/protocol/frame-decoder.js';
import type { Frame } from '../../src/protocol/frames.js';
import { validateFrame } from '../../src/protocol/validate-frame.js';
import { hello } from '../helpers/core-fixtures.js';

function decode(chunks: readonly (string | Buffer)[]) {
  const frames: Frame[] = [];
  const problems: DecodeProblem[] = [];
  const decoder = createFrameDecoder({
    frame: (f) => frames.push(f),
    problem: (p) => problems.push(p),
  });
  const open = chunks.map((chunk) =>
    decoder.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk),
  );
  return { frames, problems, open };
}

describe('the frame decoder (screen, then ndjson, then validation)', () => {
  it('turns lines into frames and reports every kind of junk without stopping', () => {
    const { frames, problems } = decode([
      '{"type":"ping","t":1}\nnot json\n{"type":"nope"}\n',
      '{"type":"pong","t":"x"}\n[]\n{"type":"pong","t":2}\n',
    ]);
    expect(frames).toEqual([
      { type: 'ping', t: 1 },
      { type: 'pong', t: 2 },
    ]);
    expect(problems.map((p) => p.kind)).toEqual(['not-json', 'invalid', 'invalid', 'invalid']);
  });

  it('a line that is JSON null is dropped like any non-object, and the lines after it still decode', () => {
    const { frames, problems } = decode([
      '{"type":"ping","t":1}\nnull\n',
      ' null \r\n{"type":"ping","t":2}\n',
      '{"type":"ping","t":3,"x":"null"}\n',
    ]);
    expect(frames).toEqual([
      { type: 'ping', t: 1 },
      { type: 'ping', t: 2 },
      { type: 'ping', t: 3 },
    ]);
    expect(problems).toEqual([
      { kind: 'invalid', error: 'frame is not a JSON object' },
      { kind: 'invalid', error: 'frame is not a JSON object' },
    ]);
  });

  it('refuses a line over 64 KiB and stays closed', () => {
    const { open, problems } = decode([`${'x'.repeat(65_536)}\n`, '{"type":"ping","t":1}\n']);
    expect(open).toEqual([false, false]);
    expect(problems).toEqual([{ kind: 'oversize' }]);
  });

  it('property: random bytes and random JSON never throw out of the decoder', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc.json().map((j) => new TextEncoder().encode(`${j}\n`)),
          ),
          { maxLength: 30 },
        ),
        (chunks) => {
          decode(chunks.map((c) => Buffer.from(c)));
        },
      ),
    );
  });
});

describe('frame validation', () => {
  it('property: any JSON value gives a verdict, never an exception', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(typeof validateFrame(value).ok).toBe('boolean');
      }),
    );
  });

  it('a hello may say how many members its sender counts present: a whole number from 1', () => {
    const good = hello('aa00000000000000', 'alice');
    expect(validateFrame({ ...good }).ok).toBe(true);
    expect(validateFrame({ ...good, present: 7 })).toMatchObject({
      ok: true,
      frame: { present: 7 },
    });
    for (const present of [0, -1, 1.5, '7', null])
      expect(validateFrame({ ...good, present }), String(present)).toMatchObject({
        ok: false,
        error: 'hello: bad "present"',
      });
  });

  it('rejects hostile shapes', () => {
    expect(validateFrame({ type: 'hello', v: 5, id: '', name: 'x', port: 1, mesh: true }).ok).toBe(
      false,
    );
    expect(
      validateFrame({
        type: 'chat',
        origin: 'o',
        name: 'n',
        seq: 1,
        time: 't',
        texts: ['x'.repeat(16_001)],
      }).ok,
    ).toBe(false);
    expect(
      validateFrame({
        type: 'chat',
        origin: 'o',
        name: 'n',
        seq: 0,
        time: 't',
        texts: ['x'],
      }).ok,
    ).toBe(false);
    // Action indices must be ascending indices of the texts (the signed, canonical form).
    for (const acts of [[1, 0], [2], [0, 0], [-1], ['0'], []]) {
      const chat = { type: 'chat', origin: 'o', inc: '1', name: 'n', seq: 1, deps: {} };
      const frame = { ...chat, time: 't', texts: ['a', 'b'], acts, key: 'k', sig: 's' };
      expect(validateFrame(frame).ok).toBe(false);
      expect(validateFrame({ ...frame, acts: [0, 1] }).ok).toBe(true);
    }
    expect(
      validateFrame({
        type: 'members',
        members: [{ id: 'a', name: 'b', address: 'c', mesh: 'yes' }],
      }).ok,
    ).toBe(false);
    expect(validateFrame({ type: '__proto__' }).ok).toBe(false);
  });

  it('every message of a burst has an exact seq: the last one at most 2^53 - 1', () => {
    const MAX = Number.MAX_SAFE_INTEGER;
    const chat = { type: 'chat', origin: 'o', inc: '1', name: 'n', deps: {}, time: 't' };
    const frame = (seq: number, count: number) => ({
      ...chat,
      seq,
      texts: Array.from({ length: count }, () => 'x'),
      key: 'k',
      sig: 's',
    });
    expect(validateFrame(frame(MAX, 1)).ok).toBe(true);
    expect(validateFrame(frame(MAX - 3, 4)).ok).toBe(true);
    // MAX + 4 - 1 rounds back to MAX in doubles: the check must not add.
    expect(validateFrame(frame(MAX, 4))).toEqual({ ok: false, error: 'chat: "seq" too large' });
    expect(validateFrame(frame(MAX - 2, 4)).ok).toBe(false);
    expect(validateFrame({ ...frame(1, 1), deps: { 'a.1': MAX + 1 } }).ok).toBe(false);
  });

  it('a pull names streams; sums are numbers of at least 0', () => {
    const have = { type: 'have', vector: {}, floor: {} };
    expect(validateFrame({ ...have, want: ['a.1'] }).ok).toBe(true);
    expect(validateFrame({ ...have, want: ['no dot'] }).ok).toBe(false);
    expect(validateFrame({ ...have, want: 'a.1' }).ok).toBe(false);
    expect(validateFrame({ type: 'ping', t: 1, sum: 3 }).ok).toBe(true);
    expect(validateFrame({ type: 'ping', t: 1, sum: -1 }).ok).toBe(false);
    expect(validateFrame({ type: 'pong', t: 1, sum: 'x' }).ok).toBe(false);
  });
});
