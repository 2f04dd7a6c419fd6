import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReplayWindow } from '../../src/core/replay-window.js';
import { take, WINDOW_BITS } from '../../src/core/replay-window.js';

function takeAll(numbers: readonly number[]): { taken: number[]; window?: ReplayWindow } {
  let window: ReplayWindow | undefined;
  const taken: number[] = [];
  for (const n of numbers) {
    const next = take(window, n);
    if (next !== undefined) {
      taken.push(n);
      window = next;
    }
  }
  return window === undefined ? { taken } : { taken, window };
}

describe('replay window', () => {
  it('takes each number once, in order or not', () => {
    expect(takeAll([1, 2, 2, 3, 1, 5, 4, 4, 5]).taken).toEqual([1, 2, 3, 5, 4]);
  });

  it('drops a replay however many numbers passed since', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const { taken } = takeAll([...many, 1, 500, 9_999, 10_000]);
    expect(taken).toEqual(many);
  });

  it('takes a number up to WINDOW_BITS below the highest once, and none older', () => {
    const W = WINDOW_BITS;
    expect(takeAll([W + 8, 8, 8, 7, W + 7]).taken).toEqual([W + 8, 8, W + 7]);
    expect(takeAll([1, W + 1, 1]).taken).toEqual([1, W + 1]);
    expect(takeAll([1, W + 2, 2]).taken).toEqual([1, W + 2, 2]);
    expect(takeAll([1, 2 * W + 5, W + 5, W + 4]).taken).toEqual([1, 2 * W + 5, W + 5]);
  });

  it('never takes a number twice, whatever the order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3000 }), { maxLength: 400 }), (numbers) => {
        const { taken } = takeAll(numbers);
        expect(new Set(taken).size).toBe(taken.length);
        // A number's first arrival is taken unless it is more than WINDOW_BITS below the highest.
        let top = 0;
        const expected: number[] = [];
        for (const n of numbers) {
          if (!expected.includes(n) && n >= top - WINDOW_BITS) expected.push(n);
          top = Math.max(top, n);
        }
        expect(taken).toEqual(expected);
      }),
    );
  });
});
