import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScreenState } from '../../src/protocol/line-screen.js';
import { emptyScreen, screenChunk } from '../../src/protocol/line-screen.js';

function screenAll(chunks: readonly Buffer[], limit: number) {
  let state: ScreenState = emptyScreen;
  const passed: Buffer[] = [];
  const problems: string[] = [];
  let fatal = false;
  for (const chunk of chunks) {
    const result = screenChunk(state, chunk, limit);
    state = result.state;
    passed.push(result.lines);
    problems.push(...result.problems);
    if (result.fatal) {
      fatal = true;
      break;
    }
  }
  return { passed: Buffer.concat(passed).toString('utf8'), problems, fatal, state };
}

describe('the line screen', () => {
  it('passes whole lines, keeps the unfinished tail', () => {
    const result = screenAll([Buffer.from('ab\ncd'), Buffer.from('ef\ng')], 100);
    expect(result.passed).toBe('ab\ncdef\n');
    expect(result.state.carryLength).toBe(1);
  });

  it('catches a line over the limit in one chunk, with its newline in the same chunk', () => {
    expect(screenAll([Buffer.from(`${'x'.repeat(20)}\n`)], 16).fatal).toBe(true);
  });

  it('catches a line over the limit split across chunks, before its newline arrives', () => {
    const result = screenAll([Buffer.from('x'.repeat(10)), Buffer.from('x'.repeat(10))], 16);
    expect(result.fatal).toBe(true);
    expect(result.problems).toEqual(['oversize']);
  });

  it('counts the newline: a line of exactly limit bytes with its newline passes', () => {
    expect(screenAll([Buffer.from(`${'x'.repeat(15)}\n`)], 16).passed).toBe(`${'x'.repeat(15)}\n`);
    expect(screenAll([Buffer.from(`${'x'.repeat(16)}\n`)], 16).fatal).toBe(true);
  });

  it('drops only the lines that are not UTF-8', () => {
    const result = screenAll(
      [Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xff, 0x0a]), Buffer.from('fine\n')])],
      100,
    );
    expect(result.passed).toBe('ok\nfine\n');
    expect(result.problems).toEqual(['not-utf8']);
  });

  it('accepts a multi-byte character split between chunks', () => {
    const bytes = Buffer.from('é\n');
    expect(screenAll([bytes.subarray(0, 1), bytes.subarray(1)], 100).passed).toBe('é\n');
  });

  it('property: however the bytes are split into chunks, the same lines pass', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 30 }), { maxLength: 20 }),
        fc.array(fc.nat(50), { maxLength: 10 }),
        (lines, cuts) => {
          const bytes = Buffer.from(lines.map((line) => `${line.replace(/\n/g, '')}\n`).join(''));
          const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort(
            (a, b) => a - b,
          );
          const chunks = [0, ...points].map((start, i) =>
            bytes.subarray(start, points[i] ?? bytes.length),
          );
          expect(screenAll(chunks, 1000).passed).toBe(screenAll([bytes], 1000).passed);
        },
      ),
    );
  });

  it('property: random bytes never throw and never pass a line over the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (chunks) => {
        const result = screenAll(
          chunks.map((c) => Buffer.from(c)),
          64,
        );
        for (const line of result.passed.split('\n'))
          expect(Buffer.byteLength(line)).toBeLessThan(64);
      }),
    );
  });
});
