/**
 * What the scale benchmark's counters (`scale-counters.ts`, loaded into each
 * member) report: per frame type, the frames and bytes a member wrote to its
 * links, and for `chat` frames the messages in them.
 */

export interface Tally {
  readonly frames: number;
  readonly bytes: number;
  readonly messages: number;
}

export type Tallies = Readonly<Record<string, Tally>>;

/** The stderr line the counters print on SIGUSR2 starts with this, then the tallies as JSON. */
export const COUNTERS_PREFIX = 'scale-counters ';

/** The pseudo type whose `frames` are the links open at the snapshot (not a frame type). */
export const OPEN_LINKS = 'open-links';

const ZERO: Tally = { frames: 0, bytes: 0, messages: 0 };

/** `a` with `b` added, type by type. */
export function addTallies(a: Tallies, b: Tallies): Tallies {
  const sum: Record<string, Tally> = { ...a };
  for (const [type, tally] of Object.entries(b)) {
    const before = sum[type] ?? ZERO;
    sum[type] = {
      frames: before.frames + tally.frames,
      bytes: before.bytes + tally.bytes,
      messages: before.messages + tally.messages,
    };
  }
  return sum;
}

/** What was counted between `before` and `after`, type by type. */
export function tallyDelta(after: Tallies, before: Tallies): Tallies {
  const delta: Record<string, Tally> = {};
  for (const [type, tally] of Object.entries(after)) {
    const was = before[type] ?? ZERO;
    delta[type] = {
      frames: tally.frames - was.frames,
      bytes: tally.bytes - was.bytes,
      messages: tally.messages - was.messages,
    };
  }
  return delta;
}

/** All types together (the links open are not frames). */
export function totalOf(tallies: Tallies): Tally {
  return Object.entries(tallies)
    .filter(([type]) => type !== OPEN_LINKS)
    .map(([, tally]) => tally)
    .reduce(
      (sum, t) => ({
        frames: sum.frames + t.frames,
        bytes: sum.bytes + t.bytes,
        messages: sum.messages + t.messages,
      }),
      ZERO,
    );
}
