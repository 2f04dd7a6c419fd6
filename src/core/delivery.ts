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
 * `deps[s]` of every other stream `s`. Only delivery moves a stream (and the
 * gap wait, in delivery-overdue.ts, for a stream's own missing messages).
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

/**
 * When streams this node has never delivered from may start: before the first
 * `have` arrives, for a short window after it (catch-up), then never silently.
 */
export type StartWindow =
  | { readonly phase: 'before' }
  | { readonly phase: 'open'; readonly until: number }
  | { readonly phase: 'after' };

export interface DeliveryState<M extends Causal> {
  /** What has been delivered: stream → highest sequence number. */
  readonly vector: Vector;
  /** Messages waiting for a predecessor: stream → seq → message, in arrival order. */
  readonly held: ReadonlyMap<string, ReadonlyMap<number, Held<M>>>;
  readonly heldCount: number;
  /** Held messages and held streams per origin (the stream's id before its `.`): its share. */
  readonly heldBy: ReadonlyMap<string, OriginShare>;
  /** Streams forgotten from the vector (their member left): their last seq, newest last. */
  readonly retired: ReadonlyMap<string, number>;
  /**
   * Streams the vector moved past what was delivered (a start or a gap), until their next
   * delivery: the last seq really delivered. `deps` claim only that (see depsOf).
   */
  readonly skipped: ReadonlyMap<string, number>;
  /** Per stream, the seqs the vector passed without delivering them: late arrivals still show. */
  readonly passed: ReadonlyMap<string, Passed>;
  readonly window: StartWindow;
}

/** Ranges `[from, to]` of seqs, inclusive, newest last (at most MAX_PASSED_RANGES). */
export type Passed = readonly (readonly [from: number, to: number])[];

/** Passed ranges kept per stream; beyond, the oldest is forgotten (its seqs count as seen). */
export const MAX_PASSED_RANGES = 4;

/** True when `seq` of `stream` was passed over (a start or a gap) and has not arrived since. */
export function wasPassed(
  passed: ReadonlyMap<string, Passed>,
  stream: string,
  seq: number,
): boolean {
  for (const [from, to] of passed.get(stream) ?? []) if (seq >= from && seq <= to) return true;
  return false;
}

export interface OriginShare {
  readonly messages: number;
  readonly streams: number;
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
  /** New messages dropped because their origin's share of the held-back queue was full. */
  readonly dropped: number;
  /** Of `delivered`, those that arrived after the vector had passed them: shown out of order. */
  readonly late: readonly M[];
}

export interface DeliveryLimits {
  readonly ordering: Ordering;
  /** Held messages in all. */
  readonly maxHeld: number;
  /** Held messages of one origin. */
  readonly maxHeldPerOrigin: number;
}

/** Streams of one origin held at once (its incarnations): a member cannot mint thousands. */
export const MAX_HELD_STREAMS_PER_ORIGIN = 8;

export function emptyDelivery<M extends Causal>(): DeliveryState<M> {
  return {
    vector: new Map(),
    held: new Map(),
    heldCount: 0,
    heldBy: new Map(),
    retired: new Map(),
    skipped: new Map(),
    passed: new Map(),
    window: { phase: 'before' },
  };
}

/** How far a stream is delivered: its entry in the vector, or its retirement record. */
export function doneOf(vector: Vector, retired: Vector, stream: string): number {
  return vector.get(stream) ?? retired.get(stream) ?? 0;
}

/** True when every dependency is already delivered (a retired stream counts its record). */
export function depsMet(deps: VectorRecord, vector: Vector, retired: Vector): boolean {
  for (const stream in deps) {
    if (doneOf(vector, retired, stream) < (deps[stream] ?? 0)) return false;
  }
  return true;
}

/** True when every message of a burst is already delivered or held: nothing in it is new. */
export function nothingNew<M extends Causal>(
  state: DeliveryState<M>,
  stream: string,
  seq: number,
  count: number,
): boolean {
  const done = state.vector.get(stream) ?? state.retired.get(stream) ?? 0;
  const last = seq + count - 1;
  if (last <= done) {
    if (!state.passed.has(stream)) return true;
    for (let n = seq; n <= last; n++) if (wasPassed(state.passed, stream, n)) return false;
    return true;
  }
  const queue = state.held.get(stream);
  if (queue === undefined) return false;
  for (let n = Math.max(seq, done + 1), left = count; n <= last && left > 0; n++, left--)
    if (!queue.has(n)) return false;
  return true;
}

/** What a burst depends on: what was delivered from each other stream (never a skip). */
export function depsOf<M extends Causal>(state: DeliveryState<M>, except: string): VectorRecord {
  const record: Record<string, number> = {};
  for (const [stream, seq] of state.vector) if (stream !== except && seq > 0) record[stream] = seq;
  for (const [stream, seq] of state.skipped) {
    if (seq > 0) record[stream] = seq;
    else delete record[stream];
  }
  return record;
}
