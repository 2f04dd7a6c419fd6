import type { Causal, Held } from './delivery.js';
import { doneOf } from './delivery.js';
import type { Working } from './delivery-working.js';

/**
 * The gap wait's bookkeeping (see delivery-overdue): the forcing of one tick,
 * and which held messages may go early for an overdue one.
 */

/** How deep a chain of dependencies is followed (each hop another stream); beyond, unmet. */
export const MAX_FORCE_DEPTH = 64;

/** The overdue work of one tick, on the working copy. */
export interface Forcing<M extends Causal> {
  readonly work: Working<M>;
  readonly at: number;
  readonly waitMs: number;
  readonly out: M[];
  readonly unmet: Set<M>;
  readonly gaps: Map<string, number>;
  /** Streams being forced now (a cycle of deps ends at them). */
  readonly visiting: Set<string>;
  /** Streams whose next held message could not go this round: nothing waits early on them. */
  readonly blocked: Set<string>;
  /** Held messages whose deps forcing can meet, as found this round. */
  readonly meetable: Map<M, boolean>;
}

/**
 * A dependency delivered early may still wait for a message that is here (held
 * behind a hole): never for one that has not arrived, nor for one being forced
 * above it (that one goes first, and this one after it, in order), nor for one
 * that could not go itself (it may go once what is being forced has gone).
 */
export function waitsOnlyForHeld<M extends Causal>(f: Forcing<M>, message: M): boolean {
  for (const stream in message.deps) {
    const need = message.deps[stream] ?? 0;
    if (doneOf(f.work.vector, f.work.retired, stream) >= need) continue;
    if (f.visiting.has(stream) || f.blocked.has(stream)) return false;
    if (f.work.held.get(stream)?.has(need) !== true) return false;
  }
  return true;
}

/**
 * Whether forcing can meet every dep of `message`: each message needed is here
 * (no dep stream skips a hole) and can go itself. Asked before anything is
 * forced, so an invented dependency pulls nothing forward. Memoised per round.
 */
export function canMeet<M extends Causal>(f: Forcing<M>, message: M, depth: number): boolean {
  const known = f.meetable.get(message);
  if (known !== undefined) return known;
  f.meetable.set(message, false);
  let ok = depth < MAX_FORCE_DEPTH;
  for (const stream in message.deps) {
    if (!ok) break;
    const need = message.deps[stream] ?? 0;
    const queue = f.work.held.get(stream);
    for (let seq = doneOf(f.work.vector, f.work.retired, stream) + 1; seq <= need && ok; seq++) {
      const entry = queue?.get(seq);
      ok = entry !== undefined && canGo(f, entry, depth + 1);
    }
  }
  f.meetable.set(message, ok);
  return ok;
}

/** Whether a held dependency could go now: met once forced, overdue itself, or waiting only on held ones. */
function canGo<M extends Causal>(f: Forcing<M>, entry: Held<M>, depth: number): boolean {
  if (f.at - entry.since >= f.waitMs) return true;
  return canMeet(f, entry.message, depth) || waitsOnlyForHeld(f, entry.message);
}
