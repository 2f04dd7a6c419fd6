import { describe, expect, it } from 'vitest';
import type { SeedLine } from '../../src/protocol/seed-frames.js';
import {
  decodeSeedChunk,
  emptySeedDecoder,
  encodeSeedFrame,
  parseSeedText,
  seedEnd,
  seedFrames,
  seedText,
} from '../../src/protocol/seed-frames.js';

/**
 * The original Python exercise's wire: 2-byte lengths, `[time] name:\n\ttext`,
 * read back whole however TCP cuts it, junk skipped and counted.
 */

const line = (i: number, text = `line ${i}`): SeedLine => ({
  time: '2024-02-03T12:15:00.123456',
  name: 'Andrea',
  text,
});

/** Decodes `chunks` in turn: every line, the junk skipped, whether it ended. */
function decodeAll(chunks: readonly Buffer[]) {
  let state = emptySeedDecoder;
  const lines: SeedLine[] = [];
  let junk = 0;
  let ended = false;
  for (const chunk of chunks) {
    const out = decodeSeedChunk(state, chunk);
    state = out.state;
    lines.push(...out.lines);
    junk += out.junkBytes;
    ended ||= out.ended;
    if (out.ended) break;
  }
  return { lines, junk, ended };
}

describe("the original's wire", () => {
  it('reads a frame as the original writes it: time, name, and the line on a tab-indented second line', () => {
    const text = '[2024-02-03T12:15:00.123456] Alice:\n\tHello, World!';
    expect(parseSeedText(text)).toEqual({
      time: '2024-02-03T12:15:00.123456',
      name: 'Alice',
      text: 'Hello, World!',
    });
    expect(
      seedText({ time: '2024-02-03T12:15:00.123456', name: 'Alice', text: 'Hello, World!' }),
    ).toBe(text);
    expect(encodeSeedFrame(text).readUInt16BE(0)).toBe(Buffer.byteLength(text));
    for (const bad of ['Hello', '[t] Alice: Hello', '[t]Alice:\n\tx', '[] Alice:\n\tx'])
      expect(parseSeedText(bad), bad).toBeUndefined();
  });

  it('2,000 lines written at once arrive intact and in order, however TCP cuts them', () => {
    const lines = Array.from({ length: 2000 }, (_, i) =>
      line(i, `line ${i} ${'é'.repeat(i % 50)}`),
    );
    const wire = Buffer.concat(lines.map((l) => encodeSeedFrame(seedText(l))));
    // At once, in odd-sized segments, and one byte at a time.
    const cuts = [
      [wire],
      Array.from({ length: Math.ceil(wire.length / 1337) }, (_, i) =>
        wire.subarray(i * 1337, (i + 1) * 1337),
      ),
      Array.from({ length: 5000 }, (_, i) => wire.subarray(i, i + 1)),
    ];
    for (const chunks of cuts) {
      const got = decodeAll(chunks);
      expect(got.junk).toBe(0);
      expect(got.lines).toEqual(lines.slice(0, got.lines.length));
    }
    expect(decodeAll(cuts[1] ?? []).lines).toEqual(lines);
  });

  it('junk between frames, or a frame that is not UTF-8 or not a line, is skipped and counted; the frames after it are read', () => {
    const before = encodeSeedFrame(seedText(line(1)));
    const after = encodeSeedFrame(seedText(line(2)));
    const notUtf8 = Buffer.concat([Buffer.from([0, 4]), Buffer.from([0x5b, 0xff, 0xfe, 0x5d])]);
    const notALine = encodeSeedFrame('[no name here');
    for (const junk of [Buffer.from('garbage\x00\x07[[['), notUtf8, notALine]) {
      const got = decodeAll([Buffer.concat([before, junk, after])]);
      expect(got.lines.map((l) => l.text)).toEqual(['line 1', 'line 2']);
      expect(got.junk).toBe(junk.length);
    }
  });

  it('a junk length that promises more than comes does not hold back the frames after it', () => {
    const junk = Buffer.from([0x7f, 0xff, 0x5b, 0x41]);
    const frames = [1, 2, 3].map((i) => encodeSeedFrame(seedText(line(i))));
    const got = decodeAll([
      Buffer.concat([junk, frames[0] ?? Buffer.alloc(0)]),
      ...frames.slice(1),
    ]);
    expect(got.lines.map((l) => l.text)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(got.junk).toBe(junk.length);
  });

  it('a length of 0 ends the connection', () => {
    const got = decodeAll([
      Buffer.concat([encodeSeedFrame(seedText(line(1))), seedEnd()]),
      encodeSeedFrame(seedText(line(2))),
    ]);
    expect(got.ended).toBe(true);
    expect(got.lines.map((l) => l.text)).toEqual(['line 1']);
  });

  it('a line longer than 1,000 bytes goes as several frames, cut between characters', () => {
    const long = line(0, `${'ü'.repeat(700)}${'x'.repeat(700)}`);
    const frames = seedFrames(long);
    expect(frames.length).toBeGreaterThan(1);
    for (const frame of frames) expect(frame.length - 2).toBeLessThanOrEqual(1000);
    const got = decodeAll([Buffer.concat(frames)]);
    expect(got.lines.map((l) => l.text).join('')).toBe(long.text);
    expect(new Set(got.lines.map((l) => `${l.time} ${l.name}`)).size).toBe(1);
    expect(seedFrames(line(1))).toHaveLength(1);
  });
});
