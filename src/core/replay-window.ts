/**
 * Which numbers of one sequence were seen: the highest, and a 32-bit mask of
 * the 32 below it (bit i: `top - 1 - i`). A number is taken once; one more
 * than 32 below the highest counts as seen. Two integers per sequence, however
 * many numbers pass, and a few arriving out of order are still taken.
 */
export interface ReplayWindow {
  readonly top: number;
  readonly mask: number;
}

export const WINDOW_BITS = 32;

/** The window with `n` taken; undefined when `n` was seen before (or is too old to tell). */
export function take(window: ReplayWindow | undefined, n: number): ReplayWindow | undefined {
  if (window === undefined) return { top: n, mask: 0 };
  const { top, mask } = window;
  if (n > top) {
    const shift = n - top;
    // The old top becomes bit shift - 1; JavaScript shifts count modulo 32, so wide jumps apart.
    if (shift > WINDOW_BITS) return { top: n, mask: 0 };
    if (shift === WINDOW_BITS) return { top: n, mask: 0x80000000 };
    return { top: n, mask: ((mask << shift) | (1 << (shift - 1))) >>> 0 };
  }
  const bit = top - 1 - n;
  if (bit < 0 || bit >= WINDOW_BITS) return undefined;
  const flag = (1 << bit) >>> 0;
  return (mask & flag) !== 0 ? undefined : { top, mask: (mask | flag) >>> 0 };
}
