/**
 * Which numbers of one sequence were seen: the highest, and a mask of the
 * WINDOW_BITS below it (bit i: `top - 1 - i`). A number is taken once; one
 * more than WINDOW_BITS below the highest counts as seen. Two values per
 * sequence, however many numbers pass, and many arriving out of order (or
 * overtaken by numbers the sender used for others) are still taken.
 */
export interface ReplayWindow {
  readonly top: number;
  readonly mask: bigint;
}

export const WINDOW_BITS = 1024;
const FULL = (1n << BigInt(WINDOW_BITS)) - 1n;

/** The window with `n` taken; undefined when `n` was seen before (or is too old to tell). */
export function take(window: ReplayWindow | undefined, n: number): ReplayWindow | undefined {
  if (window === undefined) return { top: n, mask: 0n };
  const { top, mask } = window;
  if (n > top) {
    const shift = n - top;
    // The old top becomes bit shift - 1; the bits shifted past the window are forgotten.
    if (shift > WINDOW_BITS) return { top: n, mask: 0n };
    const moved = (mask << BigInt(shift)) | (1n << BigInt(shift - 1));
    return { top: n, mask: moved & FULL };
  }
  const bit = top - 1 - n;
  if (bit < 0 || bit >= WINDOW_BITS) return undefined;
  const flag = 1n << BigInt(bit);
  return (mask & flag) !== 0n ? undefined : { top, mask: mask | flag };
}
