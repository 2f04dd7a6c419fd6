import type {
  Causal,
  DeliveryLimits,
  DeliveryState,
  Received,
  Vector,
  VectorRecord,
} from './delivery.js';
import { depsMet, wasPassed } from './delivery.js';
import type { Working } from './delivery-working.js';
import { drain, frozen, hold, takePassed, working } from './delivery-working.js';

/** How arrivals enter causal delivery: duplicates out, the next in line through, the rest held. */

/**
 * A retired stream that sends again (a late message of a member that left) is
 * in the vector again, from its record; the record stays (the vector's entry
 * counts first) until the stream retires again, so this copies nothing big.
 */
function revive<M extends Causal>(work: Working<M>, stream: string): void {
  const last = work.retired.get(stream);
  if (last !== undefined && !work.vector.has(stream)) work.vector.set(stream, last);
}

/**
 * Takes in messages as they arrive (any order, duplicates welcome) and returns
 * what can be delivered now. A message that must wait is held, within its
 * origin's share of the queue; beyond it, it is dropped and counted (a pull
 * fetches it again).
 */
export function receive<M extends Causal>(
  state: DeliveryState<M>,
  incoming: readonly M[],
  at: number,
  limits: DeliveryLimits,
): Received<M> {
  const vector = new Map(state.vector);
  // The held-back queue is copied only when something has to wait or a stream revives.
  let work: Working<M> | undefined;
  let fresh = 0;
  let dropped = 0;
  const out: M[] = [];
  const late: M[] = [];
  let metDeps: VectorRecord | undefined;
  for (const message of incoming) {
    const { stream, seq } = message;
    // Retired streams count too: their replays are duplicates.
    const done = vector.get(stream) ?? (work?.retired ?? state.retired).get(stream) ?? 0;
    const queue = (work?.held ?? state.held).get(stream);
    if (seq <= done) {
      // Passed over (a start, a gap) and here after all: shown now, out of order, never lost.
      const passed = work?.passed ?? state.passed;
      if (passed.size === 0 || !wasPassed(passed, stream, seq)) continue;
      work ??= working(state, vector);
      takePassed(work, stream, seq);
      fresh += 1;
      out.push(message);
      late.push(message);
      continue;
    }
    if (queue?.has(seq) === true) continue;
    fresh += 1;
    if (!vector.has(stream) && (work?.retired ?? state.retired).has(stream)) {
      work ??= working(state, vector);
      revive(work, stream);
    }
    // The next message of its stream with its deps met goes at once (never held: a full share
    // must not block the very message its held ones wait for); what it unblocks drains below.
    if (
      seq === done + 1 &&
      (limits.ordering === 'fifo' ||
        message.deps === metDeps ||
        depsMet(message.deps, vector, work?.retired ?? state.retired))
    ) {
      metDeps = message.deps;
      vector.set(stream, seq);
      out.push(message);
      if ((work?.skipped ?? state.skipped).has(stream)) {
        work ??= working(state, vector);
        work.skipped.delete(stream);
      }
      continue;
    }
    work ??= working(state, vector);
    if (!hold(work, message, at, limits)) dropped += 1;
  }
  if (work === undefined) {
    if (out.length === 0 || state.heldCount === 0) {
      const next = { ...state, vector };
      return { state: next, delivered: out, fresh, dropped, late };
    }
    // Deliveries may have unblocked messages that were waiting.
    work = working(state, vector);
  }
  drain(work, limits.ordering, out);
  return { state: frozen(work, state.window), delivered: out, fresh, dropped, late };
}

/** Records a message this node sent itself as delivered. */
export function deliverOwn<M extends Causal>(
  state: DeliveryState<M>,
  stream: string,
  seq: number,
): DeliveryState<M> {
  return { ...state, vector: new Map(state.vector).set(stream, seq) };
}

/** The vector as a JSON object, for the wire. */
export function vectorRecord(vector: Vector, except?: string): VectorRecord {
  const record: Record<string, number> = {};
  for (const [stream, seq] of vector) if (stream !== except && seq > 0) record[stream] = seq;
  return record;
}
