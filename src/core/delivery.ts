/**
 * Causal delivery: each message is shown once, and only after everything its
 * sender had shown when it sent it. Pure and generic over the message type, so
 * the same code runs in the node and in the property tests.
 *
 * A *stream* is one incarnation of one node (`<id>.<incarnation>`); its
 * messages are numbered 1, 2, 3, … A message carries `deps`, the version
 * vector of what its sender had delivered from other streams when sending it
 * (its own earlier messages are implied by `seq`). It is delivered when the
 * receiver has delivered exactly `seq - 1` of its stream and at least
 * `deps[s]` of every other stream `s`.
 */

export type Vector = ReadonlyMap<string, number>;
/** A vector as it travels: a JSON object. */
export type VectorRecord = Readonly<Record<string, number>>;

export interface Causal {
  readonly stream: string;
  readonly seq: number;
  /** Shared by the messages of one burst: they were sent in one step. */
  readonly deps: VectorRecord;
}

export type Ordering = 'causal' | 'fifo';

export interface DeliveryState<M extends Causal> {
  /** What has been delivered: stream → highest sequence number. */
  readonly vector: Vector;
  /** Messages waiting for a predecessor: stream → seq → message. */
  readonly held: ReadonlyMap<string, ReadonlyMap<number, Held<M>>>;
  readonly heldCount: number;
}

export interface Held<M> {
  readonly message: M;
  readonly since: number;
}

export interface Received<M extends Causal> {
  readonly state: DeliveryState<M>;
  /** Newly deliverable messages, in an order that respects causality. */
  readonly delivered: readonly M[];
  /** How many of the incoming messages were new (neither delivered nor held before). */
  readonly fresh: number;
  /** New messages dropped because the held-back queue was full. */
  readonly dropped: number;
}

export function emptyDelivery<M extends Causal>(): DeliveryState<M> {
  return { vector: new Map(), held: new Map(), heldCount: 0 };
}

export function delivered(vector: Vector, stream: string): number {
  return vector.get(stream) ?? 0;
}

/** True when every dependency is already delivered (FIFO ordering ignores them). */
function depsMet(deps: VectorRecord, vector: Vector): boolean {
  for (const stream in deps) {
    if ((vector.get(stream) ?? 0) < (deps[stream] ?? 0)) return false;
  }
  return true;
}

/** Delivers every held message that has become deliverable, in causal order. */
export function drain<M extends Causal>(
  vector: Map<string, number>,
  held: Map<string, Map<number, Held<M>>>,
  ordering: Ordering,
  out: M[],
): number {
  let count = 0;
  let progress = true;
  let lastDeps: VectorRecord | undefined;
  while (progress) {
    progress = false;
    for (const [stream, queue] of held) {
      let next = queue.get((vector.get(stream) ?? 0) + 1);
      while (next !== undefined) {
        const { deps } = next.message;
        // Messages of one burst share their deps: check them once.
        if (ordering === 'causal' && deps !== lastDeps && !depsMet(deps, vector)) break;
        lastDeps = deps;
        out.push(next.message);
        queue.delete(next.message.seq);
        vector.set(stream, next.message.seq);
        count += 1;
        progress = true;
        next = queue.get(next.message.seq + 1);
      }
      if (queue.size === 0) held.delete(stream);
    }
  }
  return count;
}

export function copyHeld<M extends Causal>(
  held: DeliveryState<M>['held'],
): Map<string, Map<number, Held<M>>> {
  const copy = new Map<string, Map<number, Held<M>>>();
  for (const [stream, queue] of held) copy.set(stream, new Map(queue));
  return copy;
}

/**
 * Takes in messages as they arrive (any order, duplicates welcome) and returns
 * what can be delivered now. At most `maxHeld` messages wait; beyond that the
 * newest arrivals are dropped and counted (catch-up fetches them again).
 */
export function receive<M extends Causal>(
  state: DeliveryState<M>,
  incoming: readonly M[],
  at: number,
  options: { readonly ordering: Ordering; readonly maxHeld: number },
): Received<M> {
  const vector = new Map(state.vector);
  // The held-back queue is copied only when something has to wait.
  let held: Map<string, Map<number, Held<M>>> | undefined;
  let heldCount = state.heldCount;
  let fresh = 0;
  let dropped = 0;
  const out: M[] = [];
  let metDeps: VectorRecord | undefined;
  for (const message of incoming) {
    const { stream, seq } = message;
    const done = vector.get(stream) ?? 0;
    const queue = (held ?? state.held).get(stream);
    if (seq <= done || queue?.has(seq) === true) continue;
    fresh += 1;
    // Fast path: the next message of its stream, nothing of the stream waiting, deps met.
    if (
      seq === done + 1 &&
      queue === undefined &&
      (options.ordering === 'fifo' || message.deps === metDeps || depsMet(message.deps, vector))
    ) {
      metDeps = message.deps;
      vector.set(stream, seq);
      out.push(message);
      continue;
    }
    if (heldCount >= options.maxHeld) {
      dropped += 1;
      continue;
    }
    held ??= copyHeld(state.held);
    const own = held.get(stream);
    if (own === undefined) held.set(stream, new Map([[seq, { message, since: at }]]));
    else own.set(seq, { message, since: at });
    heldCount += 1;
  }
  if (held === undefined) {
    if (out.length > 0 && state.heldCount > 0) {
      // Deliveries may have unblocked messages that were waiting.
      held = copyHeld(state.held);
    } else {
      return { state: { vector, held: state.held, heldCount }, delivered: out, fresh, dropped };
    }
  }
  heldCount -= drain(vector, held, options.ordering, out);
  return { state: { vector, held, heldCount }, delivered: out, fresh, dropped };
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

/**
 * For messages held longer than `waitMs`: the streams to skip forward so that
 * the oldest of them can be delivered (its own predecessors and its deps), with
 * how many messages each skip gives up.
 */
