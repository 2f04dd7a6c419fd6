import { originOf } from '../protocol/frames.js';
import type {
  Causal,
  DeliveryLimits,
  DeliveryState,
  Held,
  Ordering,
  OriginShare,
  Passed,
  StartWindow,
  VectorRecord,
} from './delivery.js';
import { depsMet, MAX_HELD_STREAMS_PER_ORIGIN, MAX_PASSED_RANGES } from './delivery.js';

/**
 * The mutable copy a step of delivery works on; the input state is never
 * changed. Held queues are copied only when one is written (copy on write),
 * so a step that touches one stream costs that stream, not every held one.
 */
export interface Working<M extends Causal> {
  vector: Map<string, number>;
  readonly held: Map<string, ReadonlyMap<number, Held<M>>>;
  /** The queues in `held` that are this copy's own (written already). */
  readonly owned: Map<string, Map<number, Held<M>>>;
  heldCount: number;
  readonly heldBy: Map<string, OriginShare>;
  retired: ReadonlyMap<string, number>;
  readonly skipped: Map<string, number>;
  readonly passed: Map<string, Passed>;
}

/** A working copy of `state`; `vector`, when given, is the caller's own copy, adopted as it is. */
export function working<M extends Causal>(
  state: DeliveryState<M>,
  vector?: Map<string, number>,
): Working<M> {
  return {
    vector: vector ?? new Map(state.vector),
    held: new Map(state.held),
    owned: new Map(),
    heldCount: state.heldCount,
    heldBy: new Map(state.heldBy),
    retired: state.retired,
    skipped: new Map(state.skipped),
    passed: new Map(state.passed),
  };
}

export function frozen<M extends Causal>(work: Working<M>, window: StartWindow): DeliveryState<M> {
  const { vector, held, heldCount, heldBy, retired, skipped, passed } = work;
  return { vector, held, heldCount, heldBy, retired, skipped, passed, window };
}

/** The stream's queue, this copy's own to write (made on first write). */
function ownQueue<M extends Causal>(work: Working<M>, stream: string): Map<number, Held<M>> {
  const own = work.owned.get(stream);
  if (own !== undefined) return own;
  const copy = new Map(work.held.get(stream));
  work.held.set(stream, copy);
  work.owned.set(stream, copy);
  return copy;
}

/** Holds a message unless its origin's share (messages or streams) or the whole queue is full. */
export function hold<M extends Causal>(
  work: Working<M>,
  message: M,
  at: number,
  limits: DeliveryLimits,
): boolean {
  const origin = originOf(message.stream);
  const share = work.heldBy.get(origin) ?? { messages: 0, streams: 0 };
  const fresh = !work.held.has(message.stream);
  if (
    share.messages >= limits.maxHeldPerOrigin ||
    work.heldCount >= limits.maxHeld ||
    (fresh && share.streams >= MAX_HELD_STREAMS_PER_ORIGIN)
  )
    return false;
  ownQueue(work, message.stream).set(message.seq, { message, since: at });
  work.heldCount += 1;
  work.heldBy.set(origin, {
    messages: share.messages + 1,
    streams: share.streams + (fresh ? 1 : 0),
  });
  return true;
}

/** Removes one held message (it was delivered or given up). */
export function unhold<M extends Causal>(work: Working<M>, stream: string, seq: number): void {
  if (work.held.get(stream)?.has(seq) !== true) return;
  const queue = ownQueue(work, stream);
  queue.delete(seq);
  const emptied = queue.size === 0;
  if (emptied) {
    work.held.delete(stream);
    work.owned.delete(stream);
  }
  work.heldCount -= 1;
  const origin = originOf(stream);
  const share = work.heldBy.get(origin);
  if (share === undefined) return;
  const next = { messages: share.messages - 1, streams: share.streams - (emptied ? 1 : 0) };
  if (next.messages <= 0) work.heldBy.delete(origin);
  else work.heldBy.set(origin, next);
}

/** A message of `stream` was delivered: the vector is what was delivered again. */
export function markDelivered<M extends Causal>(
  work: Working<M>,
  stream: string,
  seq: number,
): void {
  work.vector.set(stream, seq);
  if (work.skipped.size > 0) work.skipped.delete(stream);
}

/** The vector moves past what was delivered (a start, a gap): remembered for `deps`. */
export function skipTo<M extends Causal>(work: Working<M>, stream: string, to: number): void {
  const from = (work.vector.get(stream) ?? 0) + 1;
  if (!work.skipped.has(stream)) work.skipped.set(stream, from - 1);
  work.vector.set(stream, to);
  if (to < from) return;
  const ranges = [...(work.passed.get(stream) ?? []), [from, to] as const];
  work.passed.set(stream, ranges.slice(-MAX_PASSED_RANGES));
}

/** A passed-over message arrived after all: its seq is taken out of its range. */
export function takePassed<M extends Causal>(work: Working<M>, stream: string, seq: number): void {
  const ranges: (readonly [number, number])[] = [];
  for (const [from, to] of work.passed.get(stream) ?? []) {
    if (seq < from || seq > to) ranges.push([from, to]);
    else {
      if (from < seq) ranges.push([from, seq - 1]);
      if (seq < to) ranges.push([seq + 1, to]);
    }
  }
  if (ranges.length === 0) work.passed.delete(stream);
  else work.passed.set(stream, ranges.slice(-MAX_PASSED_RANGES));
}

/** Delivers every held message that has become deliverable, in causal order. */
export function drain<M extends Causal>(work: Working<M>, ordering: Ordering, out: M[]): void {
  let progress = true;
  // Messages of one burst share their deps: met once, met for the rest (the vector only grows).
  let metDeps: VectorRecord | undefined;
  while (progress) {
    progress = false;
    for (const [stream, queue] of [...work.held]) {
      let next = queue.get((work.vector.get(stream) ?? 0) + 1);
      while (next !== undefined) {
        const { deps } = next.message;
        if (ordering === 'causal' && deps !== metDeps && !depsMet(deps, work.vector, work.retired))
          break;
        metDeps = deps;
        out.push(next.message);
        unhold(work, stream, next.message.seq);
        markDelivered(work, stream, next.message.seq);
        progress = true;
        next = work.held.get(stream)?.get(next.message.seq + 1);
      }
    }
  }
}
