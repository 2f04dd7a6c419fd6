/** Capped exponential backoff with jitter, and the seeded random numbers it draws. */

export interface BackoffPolicy {
  /** Delay before the first attempt. */
  readonly baseMs: number;
  /** No delay is longer than this. */
  readonly capMs: number;
  /** Each delay is spread by ± this fraction (0 gives exact doubling). */
  readonly jitter: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 250, capMs: 30_000, jitter: 0.2 };

/** The delay before attempt `attempt` (0-based), given a random number in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number): number {
  const exact = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  const spread = exact * policy.jitter * (2 * random - 1);
  return Math.round(Math.min(policy.capMs, exact + spread));
}

/** mulberry32: a small, fast PRNG whose whole state is one 32-bit number. */
export function nextRandom(seed: number): { readonly value: number; readonly seed: number } {
  const next = (seed + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, seed: next };
}
