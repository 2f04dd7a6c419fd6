import type { Causal, DeliveryState, Held, Ordering } from './delivery.js';
import { copyHeld, drain } from './delivery.js';

/**
 * The other way streams move: without their messages, when a predecessor
 * will never come (a gap, after the gap wait) or cannot be had any more.
 */

/**
 * Moves streams forward without their messages: to start a stream at the
 * oldest message still to be had (`adopt`), or to give up on missing ones
 * (a gap). Returns what became deliverable.
 */
export function skipTo<M extends Causal>(
  state: DeliveryState<M>,
  floors: ReadonlyMap<string, number>,
  ordering: Ordering,
): { state: DeliveryState<M>; delivered: readonly M[] } {
  const vector = new Map(state.vector);
  const held = copyHeld(state.held);
  let heldCount = state.heldCount;
  for (const [stream, floor] of floors) {
    if ((vector.get(stream) ?? 0) >= floor) continue;
    vector.set(stream, floor);
    const queue = held.get(stream);
    if (queue === undefined) continue;
    for (const seq of [...queue.keys()]) {
      if (seq <= floor) {
        queue.delete(seq);
        heldCount -= 1;
      }
    }
    if (queue.size === 0) held.delete(stream);
  }
  const out: M[] = [];
  heldCount -= drain(vector, held, ordering, out);
  return { state: { vector, held, heldCount }, delivered: out };
}

/**
 * The message held the longest. Each stream's queue is in arrival order, so
 * its first entry is its oldest: one look per stream.
 */
function oldestHeld<M extends Causal>(state: DeliveryState<M>): Held<M> | undefined {
  let oldest: Held<M> | undefined;
  for (const queue of state.held.values()) {
    for (const entry of queue.values()) {
      if (oldest === undefined || entry.since < oldest.since) oldest = entry;
      break;
    }
  }
  return oldest;
}

/** When the oldest held message will have waited `waitMs`. */
export function overdueAt<M extends Causal>(
  state: DeliveryState<M>,
  waitMs: number,
): number | undefined {
  const oldest = oldestHeld(state);
  return oldest === undefined ? undefined : oldest.since + waitMs;
}

export function overdue<M extends Causal>(
  state: DeliveryState<M>,
  at: number,
  waitMs: number,
): Map<string, number> {
  const oldest = oldestHeld(state);
  const floors = new Map<string, number>();
  if (oldest === undefined || at - oldest.since < waitMs) return floors;
  const { message } = oldest;
  const firstHeld = (stream: string): number | undefined => {
    const queue = state.held.get(stream);
    return queue === undefined ? undefined : Math.min(...queue.keys());
  };
  // Its own stream up to just before its first held message, and every
  // dependency up to what it needs (never past a message that is held).
  floors.set(message.stream, (firstHeld(message.stream) ?? message.seq) - 1);
  for (const stream in message.deps) {
    const need = Math.min(
      message.deps[stream] ?? 0,
      (firstHeld(stream) ?? Number.POSITIVE_INFINITY) - 1,
    );
    if ((state.vector.get(stream) ?? 0) < need) floors.set(stream, need);
  }
  return floors;
}
