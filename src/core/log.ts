import type { ChatFrame, VectorRecord } from '../protocol/frames.js';
import type { Causal, Vector } from './delivery.js';

/** A delivered (or sent) message as the log keeps it, ready to be sent again. */
export interface Logged extends Causal {
  readonly origin: string;
  readonly inc: string;
  readonly name: string;
  readonly text: string;
  readonly time: string;
  /** Arrived in catch-up and was sent before this node started. */
  readonly history: boolean;
  readonly action: boolean;
  /** The signed frame it came in: catch-up sends that frame again, unchanged. */
  readonly frame: ChatFrame;
}

/**
 * The log: the newest messages, oldest first, in chunks of at most LOG_CHUNK.
 * Appending copies only the last chunk and the list of chunks, not every
 * message kept: a one-line frame costs ~80 references, not the whole log.
 */
export interface Log {
  readonly chunks: readonly (readonly Logged[])[];
  readonly length: number;
}

export const EMPTY_LOG: Log = { chunks: [], length: 0 };

/** Messages per chunk of the log. */
export const LOG_CHUNK = 64;

/** Appends to the log, keeping the newest `limit`. */
export function appendLog(log: Log, added: readonly Logged[], limit: number): Log {
  if (added.length === 0) return log;
  const chunks: (readonly Logged[])[] = [...log.chunks];
  const tail = chunks.at(-1);
  let last: Logged[] = [];
  if (tail !== undefined && tail.length < LOG_CHUNK) {
    chunks.pop();
    last = [...tail];
  }
  for (const message of added) {
    if (last.length === LOG_CHUNK) {
      chunks.push(last);
      last = [];
    }
    last.push(message);
  }
  chunks.push(last);
  return keepNewest(chunks, log.length + added.length, limit);
}

/** The chunks without the oldest messages beyond `limit`. */
function keepNewest(chunks: (readonly Logged[])[], length: number, limit: number): Log {
  const kept = Math.min(length, Math.max(0, limit));
  let excess = length - kept;
  // Whole chunks of the oldest go first; then the first one left is cut, if need be.
  while (excess > 0 && (chunks[0]?.length ?? Infinity) <= excess)
    excess -= chunks.shift()?.length ?? 0;
  const first = chunks[0];
  if (excess > 0 && first !== undefined) chunks[0] = first.slice(excess);
  return { chunks, length: kept };
}

/** Every message of the log, oldest first, as one array. */
export function logMessages(log: Log): Logged[] {
  return log.chunks.flat();
}

/**
 * The frames that carry what a peer with vector `theirs` lacks, in log (causal)
 * order, each once and unchanged (their signatures still hold), marked replay;
 * with `want`, only the messages of those streams; of a stream `theirs` does
 * not name, only when `unnamed` says so.
 */
export function replayFor(
  log: Log,
  theirs: VectorRecord,
  want?: readonly string[],
  unnamed: (stream: string) => boolean = () => true,
): ChatFrame[] {
  const frames = new Set<ChatFrame>();
  const wanted = want === undefined ? undefined : new Set(want);
  for (const chunk of log.chunks)
    for (const message of chunk) {
      const { stream } = message;
      const known = theirs[stream];
      if (wanted !== undefined ? !wanted.has(stream) : known === undefined && !unnamed(stream))
        continue;
      if (message.seq > (known ?? 0)) frames.add(message.frame);
    }
  return [...frames].map((frame) => (frame.replay === true ? frame : { ...frame, replay: true }));
}

/**
 * Per stream, the highest sequence number this node can no longer resend: the
 * one before its oldest logged message, or all it delivered when none is logged.
 */
export function logFloor(log: Log, vector: Vector): Record<string, number> {
  const oldest = new Map<string, number>();
  for (const chunk of log.chunks)
    for (const message of chunk)
      if (!oldest.has(message.stream)) oldest.set(message.stream, message.seq);
  const floor: Record<string, number> = {};
  for (const [stream, seq] of vector) {
    const first = oldest.get(stream);
    const value = first === undefined ? seq : first - 1;
    if (value > 0) floor[stream] = value;
  }
  return floor;
}

/** The messages of a signed frame, as the log keeps them. */
export function loggedOf(frame: ChatFrame, stream: string, history: boolean): Logged[] {
  const acts = frame.acts === undefined ? undefined : new Set(frame.acts);
  return frame.texts.map((text, index) => ({
    stream,
    seq: frame.seq + index,
    deps: frame.deps,
    origin: frame.origin,
    inc: frame.inc,
    name: frame.name,
    text,
    time: frame.time,
    history,
    action: acts?.has(index) === true,
    frame,
  }));
}
