import type { Causal, DeliveryState, Held, Ordering } from './delivery.js';
import { depsMet, doneOf } from './delivery.js';
import type { Forcing } from './delivery-forcing.js';
import { canMeet, MAX_FORCE_DEPTH, waitsOnlyForHeld } from './delivery-forcing.js';
import { drain, frozen, markDelivered, skipTo, unhold, working } from './delivery-working.js';

/**
 * The gap wait: nothing is held longer. When a held message has waited
 * `waitMs`, it is delivered with what it waits for, as far as that can be
 * had: held messages it needs (of its stream or its deps' streams) are
 * delivered first, the same way; a stream's own missing messages are skipped
 * only below one of its messages that is held (a gap, counted); a dependency
 * still unmet then is left unmet and the message marked so. A dependency
 * never moves a stream past what it holds. Everything overdue is resolved at
 * once, whatever the chain or the arrival order.
 */

export interface Resolved<M extends Causal> {
  readonly state: DeliveryState<M>;
  /** Delivered, in order. */
  readonly delivered: readonly M[];
  /** Those of `delivered` shown with a dependency still missing. */
  readonly unmet: ReadonlySet<M>;
  /** Per stream, how many of its messages were skipped. */
  readonly gaps: ReadonlyMap<string, number>;
}

/**
 * When the longest-held message will have waited `waitMs`. Each stream's queue
 * is in arrival order, so its first entry is its oldest: one look per stream.
 */
export function overdueAt<M extends Causal>(
  state: DeliveryState<M>,
  waitMs: number,
): number | undefined {
  let oldest: number | undefined;
  for (const queue of state.held.values()) {
    for (const entry of queue.values()) {
      if (oldest === undefined || entry.since < oldest) oldest = entry.since;
      break;
    }
  }
  return oldest === undefined ? undefined : oldest + waitMs;
}

/** The highest seq among a queue's overdue entries (they come first: arrival order). */
function highestOverdue<M extends Causal>(
  queue: ReadonlyMap<number, Held<M>>,
  at: number,
  waitMs: number,
): number | undefined {
  let top: number | undefined;
  for (const entry of queue.values()) {
    if (at - entry.since < waitMs) break;
    if (top === undefined || entry.message.seq > top) top = entry.message.seq;
  }
  return top;
}

/**
 * Moves `stream` up to `upTo` as far as it can. `due` when the stream's own
 * overdue message needs it: its held messages go (unmet if need be) and holes
 * below a held message are skipped (a gap). Otherwise (a dependency of an
 * overdue message) only held messages go, each when it can (see tryDeliver),
 * and no hole is skipped: a dependency never moves a stream past what it has.
 */
function force<M extends Causal>(f: Forcing<M>, stream: string, upTo: number, due: boolean): void {
  if (f.visiting.has(stream)) return;
  f.visiting.add(stream);
  const { work } = f;
  let afterGap = false;
  for (;;) {
    const done = work.vector.get(stream) ?? 0;
    const queue = work.held.get(stream);
    if (done >= upTo || queue === undefined) break;
    const next = queue.get(done + 1);
    if (next !== undefined) {
      if (tryDeliver(f, next, due)) {
        // What the skipped messages depended on is not known (deps name only what changed
        // since the previous burst): the first message after a gap is not known to be in order.
        if (afterGap) f.unmet.add(next.message);
        afterGap = false;
        continue;
      }
      f.blocked.add(stream);
      break;
    }
    const first = Math.min(...queue.keys());
    if (first <= done) {
      // Already past it (never expected): dropped, so the loop goes on.
      unhold(work, stream, first);
      continue;
    }
    // A hole, skipped only for the stream's own overdue message, below a held message.
    if (first > upTo || !due) break;
    f.gaps.set(stream, (f.gaps.get(stream) ?? 0) + first - 1 - done);
    skipTo(work, stream, first - 1);
    afterGap = true;
  }
  f.visiting.delete(stream);
}

/**
 * Delivers a held message that is next in its stream, what it depends on
 * first when that can meet them all (see canMeet).
 */
function tryDeliver<M extends Causal>(f: Forcing<M>, entry: Held<M>, due: boolean): boolean {
  const { message } = entry;
  const { work } = f;
  // Forced when that meets its deps, or when all it waits for is here (blocked, not invented):
  // then what of it can go goes first, so it never comes before them.
  const worth = (): boolean =>
    f.visiting.size < MAX_FORCE_DEPTH &&
    (canMeet(f, message, f.visiting.size) || waitsOnlyForHeld(f, message));
  if (!depsMet(message.deps, work.vector, work.retired) && worth()) {
    for (const stream in message.deps) {
      const need = message.deps[stream] ?? 0;
      if (doneOf(work.vector, work.retired, stream) < need) force(f, stream, need, false);
    }
  }
  const met = depsMet(message.deps, work.vector, work.retired);
  const early = !due && f.at - entry.since < f.waitMs;
  if (!met && early && !waitsOnlyForHeld(f, message)) return false;
  if (!met) f.unmet.add(message);
  f.out.push(message);
  unhold(work, message.stream, message.seq);
  markDelivered(work, message.stream, message.seq);
  return true;
}

/** Resolves every message held `waitMs` or longer. */
export function resolveOverdue<M extends Causal>(
  state: DeliveryState<M>,
  at: number,
  waitMs: number,
  ordering: Ordering = 'causal',
): Resolved<M> {
  const f: Forcing<M> = {
    work: working(state),
    at,
    waitMs,
    out: [],
    unmet: new Set(),
    gaps: new Map(),
    visiting: new Set(),
    blocked: new Set(),
    meetable: new Map(),
  };
  // Each round delivers or skips up to an overdue message, so the loop ends.
  for (;;) {
    // Gaps first (a stream's own missing messages), then what waits on deps: a gap may meet them.
    let overdue: [string, number] | undefined;
    for (const [stream, queue] of f.work.held) {
      const top = highestOverdue(queue, at, waitMs);
      if (top === undefined) continue;
      const hole = !queue.has((f.work.vector.get(stream) ?? 0) + 1);
      if (overdue === undefined || hole) overdue = [stream, top];
      if (hole) break;
    }
    if (overdue === undefined) break;
    f.blocked.clear();
    f.meetable.clear();
    force(f, overdue[0], overdue[1], true);
    drain(f.work, ordering, f.out);
  }
  const { out, unmet, gaps } = f;
  return { state: frozen(f.work, state.window), delivered: out, unmet, gaps };
}
